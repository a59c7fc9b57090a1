package com.rpavision.gpurm.ui;

import atlantafx.base.theme.PrimerLight;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.testing.Contention;
import com.rpavision.gpurm.testing.ManagerFixture;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel;
import com.rpavision.gpurm.ui.tray.DesktopIntegration;
import com.rpavision.gpurm.ui.tray.TrayMenu;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * "Free the GPU for recording" as the operator meets it (issue 22): another client keeps taking the VLM's place
 * until the manager holds off; the banner names that model and offers the action, and the tray menu offers it
 * too. Either takes the GPU back: the other model unloaded, the VLM loaded, the banner gone. The manager's waits
 * move its clock here, so that the simulated Ollama's steps (a load, the VRAM coming back) take their time.
 */
@ExtendWith(ApplicationExtension.class)
class FreeGpuForRecordingTest {

    private static final String GUEST = "llama3:8b";

    private ManagerFixture f;
    private FxBridge bridge;
    private ExecutorService background;
    private DesktopIntegration desktop;
    private final FakeTray tray = new FakeTray();

    @Start
    void start(Stage stage) {
        f = ManagerFixture.options().build();
        f.ollama.realLoadDelayMillis(20);
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        Messages messages = new Messages(Locale.ENGLISH);
        background = Executors.newSingleThreadExecutor();
        UiThread ui = new UiThread(Platform::runLater);
        DashboardViewModel vm = new DashboardViewModel(f.manager, background, ui, messages, Clock.systemDefaultZone());
        bridge = new FxBridge(f.manager, vm, ui);
        DashboardForTests.show(stage, vm, f.manager, background, ui, messages);
        desktop = new DesktopIntegration(stage, f.manager, vm, messages, ui, tray, () -> { });
    }

    @AfterEach
    void stop() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        Platform.runLater(() -> {
            bridge.close();
            desktop.close();
            closed.countDown();
        });
        closed.await(5, TimeUnit.SECONDS);
        background.shutdownNow();
        f.close();
    }

    @Test
    void theContendedBannerNamesTheModelAndItsButtonTakesTheGpuBack(FxRobot robot) {
        Contention.provoke(f, GUEST, 5_000);
        Button free = robot.lookup("#bannerFix").queryAs(Button.class);
        await().atMost(Duration.ofSeconds(5)).until(free::isVisible);
        assertThat(robot.lookup("#bannerTitle").queryAs(Label.class).getText()).isEqualTo("Another model holds the GPU");
        assertThat(robot.lookup("#bannerText").queryAs(Label.class).getText())
                .contains(GUEST + " (5,000 MB)").contains("stopped reloading it");
        assertThat(free.getText()).isEqualTo("Free the GPU for recording");

        robot.clickOn(free);

        await().atMost(Duration.ofSeconds(10)).until(() -> f.ollama.isServing(f.config.vlmModel()));
        assertThat(f.ollama.isResident(GUEST)).as("the other model unloaded").isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> !robot.lookup("#banner").query().isVisible());
        assertThat(free.isVisible()).isFalse();
        assertThat(robot.lookup("#vlmBadge").queryAs(Label.class).getText()).isEqualTo("Loaded");
        assertThat(robot.lookup("#recordingButton").queryAs(ToggleButton.class).isSelected()).isTrue();
    }

    @Test
    void whileContendedTheTrayMenuOffersTheSameActionAndItTakesTheGpuBack() {
        tray.appear();
        Contention.provoke(f, GUEST, 5_000);
        await().atMost(Duration.ofSeconds(5)).until(() -> tray.lastState().contended());

        tray.choose(TrayMenu.Action.FREE_GPU_FOR_RECORDING);

        await().atMost(Duration.ofSeconds(10)).until(() -> f.ollama.isServing(f.config.vlmModel()));
        assertThat(f.ollama.isResident(GUEST)).as("the other model unloaded").isFalse();
        await().atMost(Duration.ofSeconds(5)).until(() -> !tray.lastState().contended());
        assertThat(f.manager.getExecutionMode()).isEqualTo(ExecutionMode.RECORDING);
    }
}
