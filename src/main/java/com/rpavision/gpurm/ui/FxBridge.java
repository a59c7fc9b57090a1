package com.rpavision.gpurm.ui;

import com.rpavision.gpurm.core.events.Subscription;
import com.rpavision.gpurm.core.manager.GpuResourceManager;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel;
import javafx.animation.Animation;
import javafx.animation.KeyFrame;
import javafx.animation.Timeline;
import javafx.util.Duration;

/**
 * Feeds the view model: the manager's events cross to the FX thread through {@link UiThread}, and a
 * once-a-second timeline on the FX thread reads the status (a cached snapshot, it never blocks).
 */
public final class FxBridge implements AutoCloseable {

    private final Subscription events;
    private final Timeline poll;

    public FxBridge(GpuResourceManager manager, DashboardViewModel vm, UiThread ui) {
        // What happened before the window opened; an event arriving meanwhile may show twice, never not at all.
        manager.recentEvents().forEach(vm::onEvent);
        vm.update(manager.getStatus());
        events = manager.onResourceChanged(event -> ui.execute(() -> {
            vm.onEvent(event);
            vm.update(manager.getStatus());
        }));
        poll = new Timeline(new KeyFrame(Duration.seconds(1), e -> {
            vm.update(manager.getStatus());
            vm.refreshClock();
        }));
        poll.setCycleCount(Animation.INDEFINITE);
        poll.play();
    }

    @Override
    public void close() {
        poll.stop();
        events.close();
    }
}
