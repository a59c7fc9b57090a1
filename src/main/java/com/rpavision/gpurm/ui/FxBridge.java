package com.rpavision.gpurm.ui;

import com.rpavision.gpurm.core.concurrent.Threads;
import com.rpavision.gpurm.core.events.Subscription;
import com.rpavision.gpurm.core.manager.GpuResourceManager;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Feeds the view model: the manager's events cross to the FX thread through {@link UiThread}, and once a second
 * the status (a cached snapshot, it never blocks) is read and handed over the same way. The tick comes from a
 * background timer, not a JavaFX Timeline: a running Timeline keeps JavaFX pulsing 60 times a second, which
 * cost an idle panel about 1 % of a core. While the window is hidden (in the tray) or minimized the tick skips
 * the view model altogether; events still arrive, and showing the window again brings the status up to date.
 */
public final class FxBridge implements AutoCloseable {

    private final Subscription events;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(Threads.named("gpurm-ui-tick"));
    private final GpuResourceManager manager;
    private final DashboardViewModel vm;
    private final UiThread ui;
    private volatile boolean onScreen = true;
    private final java.util.List<java.util.function.Consumer<com.rpavision.gpurm.core.model.ResourceChangedEvent>> alsoOnEvent =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    public FxBridge(GpuResourceManager manager, DashboardViewModel vm, UiThread ui) {
        this.manager = manager;
        this.vm = vm;
        this.ui = ui;
        // What happened before the window opened; an event arriving meanwhile may show twice, never not at all.
        manager.recentEvents().forEach(vm::onEvent);
        vm.update(manager.getStatus());
        events = manager.onResourceChanged(event -> ui.execute(() -> {
            vm.onEvent(event);
            vm.update(manager.getStatus());
            alsoOnEvent.forEach(listener -> listener.accept(event));
        }));
        ticker.scheduleWithFixedDelay(() -> {
            if (onScreen) {
                ui.execute(this::refresh);
            }
        }, 1, 1, TimeUnit.SECONDS);
    }

    /** Another view model that follows the manager's events, on the FX thread like the dashboard's. */
    public void forwardEventsTo(java.util.function.Consumer<com.rpavision.gpurm.core.model.ResourceChangedEvent> listener) {
        alsoOnEvent.add(listener);
    }

    /** Whether the window can be seen; on the FX thread. Coming back on screen refreshes at once. */
    public void setOnScreen(boolean visible) {
        boolean was = onScreen;
        onScreen = visible;
        if (visible && !was) {
            refresh();
        }
    }

    private void refresh() {
        vm.update(manager.getStatus());
        vm.refreshClock();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        events.close();
    }
}
