package com.rpavision.gpurm.ui;

import com.rpavision.gpurm.testing.ManagerFixture;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The bridge's once-a-second refresh: it runs while the window can be seen, and only then. */
class FxBridgeTest {

    private final ManagerFixture f = ManagerFixture.create();
    private final DashboardViewModel vm = new DashboardViewModel(f.manager, Runnable::run, new UiThread(Runnable::run),
            new Messages(Locale.ENGLISH), Clock.systemDefaultZone());
    private final FxBridge bridge = new FxBridge(f.manager, vm, new UiThread(Runnable::run));

    @AfterEach
    void close() {
        bridge.close();
        f.close();
    }

    /** A change below the VRAM threshold sends no event: only the tick (or coming back) shows it. */
    private void useFiftyMoreMegabytes() {
        f.gpu.allocate("another process", 50);
        f.vram.sample(); // what the 1 Hz monitor does
    }

    @Test
    void onScreenTheTickShowsWhatChangedWithoutAnEvent() {
        String before = vm.vramUsageTextProperty().get();
        useFiftyMoreMegabytes();
        await().atMost(Duration.ofSeconds(5)).until(() -> !vm.vramUsageTextProperty().get().equals(before));
    }

    @Test
    void hiddenItSkipsTheTickAndComingBackRefreshesAtOnce() throws InterruptedException {
        bridge.setOnScreen(false);
        String before = vm.vramUsageTextProperty().get();
        useFiftyMoreMegabytes();
        Thread.sleep(2_500); // two ticks would have shown it
        assertThat(vm.vramUsageTextProperty().get()).isEqualTo(before);

        bridge.setOnScreen(true);

        assertThat(vm.vramUsageTextProperty().get()).isNotEqualTo(before);
    }
}
