package com.rpavision.gpurm.ui;

import atlantafx.base.theme.PrimerLight;
import com.rpavision.gpurm.testing.ManagerFixture;
import com.rpavision.gpurm.ui.dashboard.CardFact;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel;
import com.rpavision.gpurm.ui.dashboard.FactsGrid;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.text.Font;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Issue 25, item 7, on the real view: type grows with a large window (the mode and verdict most, for across the
 * room) and the cards carry their facts rather than empty space.
 */
@ExtendWith(ApplicationExtension.class)
class LargeScreenViewTest {

    private Stage stage;
    private ManagerFixture f;
    private ExecutorService background;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
    }

    @AfterEach
    void stop() {
        if (background != null) {
            background.shutdownNow();
        }
        if (f != null) {
            f.close();
        }
    }

    private void open(FxRobot robot, double width, double height) {
        f = ManagerFixture.create();
        Messages messages = new Messages(Locale.ENGLISH);
        background = Executors.newSingleThreadExecutor();
        UiThread ui = new UiThread(Platform::runLater);
        robot.interact(() -> {
            DashboardViewModel vm = new DashboardViewModel(f.manager, background, ui, messages, Clock.systemDefaultZone());
            vm.clipNeedsMoreThanMb(f.config.vramThresholdForClipGpuMb());
            vm.update(f.manager.getStatus());
            Parent root = DashboardForTests.load(vm, f.manager, background, ui, messages);
            Scene scene = new Scene(root, width, height);
            scene.getStylesheets().add(GpuRmApplication.class.getResource("app.css").toExternalForm());
            stage.setScene(scene);
            stage.show();
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    private static double fontSize(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Label.class).getFont().getSize();
    }

    @Test
    void atTheFirstStartSizeTheTypeIsTheSystemsOwn(FxRobot robot) {
        open(robot, 1180, 780);
        double base = Font.getDefault().getSize();

        assertThat(fontSize(robot, "#vlmDetail")).isCloseTo(base, within(0.5));
        assertThat(fontSize(robot, "#modeName")).isCloseTo(1.9 * base, within(0.5));
        assertThat(robot.lookup("#vlmFacts").query().isVisible()).as("the log needs the height more").isFalse();
    }

    @Test
    void at2560x1600TheTypeScalesAndTheModeAndVerdictAreSizedForAcrossTheRoom(FxRobot robot) {
        open(robot, 2560, 1600);
        double base = Font.getDefault().getSize();

        assertThat(fontSize(robot, "#vlmDetail")).isCloseTo(1.6 * base, within(0.5));
        assertThat(fontSize(robot, "#modeName")).as("the mode").isCloseTo(2.6 * 1.6 * base, within(1.0));
        assertThat(fontSize(robot, "#verdict")).as("its verdict").isCloseTo(2.6 * 1.6 * base, within(1.0));
    }

    @Test
    void theCardsCarryTheirFacts(FxRobot robot) {
        open(robot, 2560, 1600);

        FactsGrid vlm = robot.lookup("#vlmFacts").queryAs(FactsGrid.class);
        FactsGrid clip = robot.lookup("#clipFacts").queryAs(FactsGrid.class);
        assertThat(vlm.shown()).extracting(CardFact::label).containsExactly("In VRAM", "Last request", "A load takes", "Idle unload");
        assertThat(clip.shown()).extracting(CardFact::label).containsExactly("In VRAM", "To the GPU", "Back to the CPU");
        assertThat(robot.lookup(".fact-value").queryAllAs(Label.class)).extracting(Label::getText)
                .contains("None since the start", "Nothing: it runs on the CPU");
        assertThat(vlm.isVisible() && vlm.getHeight() > 0).isTrue();
    }
}
