package com.rpavision.gpurm.ui;

import atlantafx.base.theme.PrimerLight;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.testing.ManagerFixture;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel;
import com.rpavision.gpurm.ui.tray.DesktopIntegration;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.Label;
import javafx.scene.control.ToggleButton;
import com.rpavision.gpurm.ui.dashboard.StackedVramBar;
import javafx.stage.Stage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The dashboard on a real (headless Monocle) JavaFX toolkit, clicked as an operator would. */
@ExtendWith(ApplicationExtension.class)
class DashboardViewTest {

    private ManagerFixture f;
    private FxBridge bridge;
    private ExecutorService background;
    private DesktopIntegration desktop;
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
        f = ManagerFixture.options().sleepsTakeNoTime().build();
        f.ollama.realLoadDelayMillis(1_500);
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        Messages messages = new Messages(Locale.ENGLISH);
        background = Executors.newSingleThreadExecutor();
        UiThread ui = new UiThread(Platform::runLater);
        DashboardViewModel vm = new DashboardViewModel(f.manager, background, ui, messages, Clock.systemDefaultZone());
        bridge = new FxBridge(f.manager, vm, ui);
        DashboardForTests.show(stage, vm, f.manager, background, ui, messages);
        desktop = new DesktopIntegration(stage, f.manager, vm, messages, ui);
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

    private static String text(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }

    @Test
    void onATallWindowTheTimelineLeavesItsTabForACardAndComesBackWhenTheWindowShrinks(FxRobot robot) {
        javafx.scene.control.TabPane tabs = robot.lookup(".tab-pane").queryAs(javafx.scene.control.TabPane.class);
        javafx.scene.Node pane = robot.lookup("#timelinePane").query();
        javafx.scene.Node card = robot.lookup("#timelineCard").query();
        assertThat(tabs.getTabs()).extracting(javafx.scene.control.Tab::getText).contains("VRAM and GPU, 10 min");
        assertThat(card.isVisible()).isFalse();

        robot.interact(() -> stage.setHeight(1400));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(card.isVisible()).isTrue();
        assertThat(pane.getParent()).isSameAs(card);
        assertThat(tabs.getTabs()).extracting(javafx.scene.control.Tab::getText).doesNotContain("VRAM and GPU, 10 min");
        javafx.scene.chart.LineChart<?, ?> vram = robot.lookup("#timelineChart").queryAs(javafx.scene.chart.LineChart.class);
        org.awaitility.Awaitility.await().untilAsserted(() ->
                assertThat(vram.getData().get(0).getData()).as("drawn while on screen").isNotEmpty());
        javafx.scene.chart.LineChart<?, ?> load = robot.lookup("#loadChart").queryAs(javafx.scene.chart.LineChart.class);
        assertThat(load.getData()).extracting(javafx.scene.chart.XYChart.Series::getName)
                .containsExactly("GPU utilization %", "Power, % of limit");
        javafx.scene.chart.LineChart<?, ?> temperature = robot.lookup("#temperatureChart")
                .queryAs(javafx.scene.chart.LineChart.class);
        assertThat(temperature.getData()).as("°C on an axis of its own").extracting(javafx.scene.chart.XYChart.Series::getName)
                .containsExactly("Temperature °C");
        assertThat(((javafx.scene.chart.NumberAxis) temperature.getYAxis()).getLabel()).isEqualTo("°C");
        javafx.scene.chart.NumberAxis gb = (javafx.scene.chart.NumberAxis) vram.getYAxis();
        assertThat(gb.getLabel()).isEqualTo("GB used");
        assertThat(gb.getTickUnit()).as("GB steps, not 4,096 MB").isIn(1.0, 2.0, 4.0, 8.0, 16.0);
        assertThat(gb.getUpperBound()).isLessThan(200);

        robot.interact(() -> stage.setHeight(780));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(card.isVisible()).isFalse();
        assertThat(tabs.getTabs()).extracting(javafx.scene.control.Tab::getText)
                .containsSubsequence("Event log", "VRAM and GPU, 10 min", "GPU processes");
        assertThat(pane.getScene()).as("back inside its tab").isNotNull();
    }

    @Test
    void theVramLineStepsAtALoadAndMarksItWithATriangle(FxRobot robot) {
        double height = stage.getHeight();
        robot.interact(() -> stage.setHeight(1400)); // the timeline on screen, in its own card
        try {
            loadAndLookAtTheTimeline(robot);
        } finally {
            robot.interact(() -> stage.setHeight(height)); // the stage outlives the test
        }
    }

    private void loadAndLookAtTheTimeline(FxRobot robot) {
        robot.clickOn("#recordingButton");
        await().atMost(Duration.ofSeconds(15)).until(() -> "Loaded".equals(text(robot, "#vlmBadge")));
        @SuppressWarnings("unchecked")
        javafx.scene.chart.LineChart<Number, Number> vram = robot.lookup("#timelineChart").queryAs(javafx.scene.chart.LineChart.class);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<javafx.scene.chart.XYChart.Data<Number, Number>> used = new ArrayList<>(vram.getData().get(0).getData());
            boolean step = false;
            for (int i = 1; i < used.size(); i++) {
                step |= used.get(i).getXValue().doubleValue() == used.get(i - 1).getXValue().doubleValue()
                        && used.get(i).getYValue().doubleValue() > used.get(i - 1).getYValue().doubleValue();
            }
            assertThat(step).as("a vertical step where the load took its VRAM: " + used).isTrue();
            assertThat(vram.getData().get(1).getData()).extracting(d -> d.getNode().getStyleClass())
                    .anySatisfy(c -> assertThat(c).contains("timeline-marker-load"))
                    .anySatisfy(c -> assertThat(c).contains("timeline-marker-mode"));
        });
    }

    @Test
    void clickingRecordingLoadsTheVlmAndTheBadgesAndGaugeFollow(FxRobot robot) {
        assertThat(text(robot, "#vlmBadge")).isEqualTo("Unloaded");

        robot.clickOn("#recordingButton");

        assertThat(robot.lookup("#idleButton").queryAs(ToggleButton.class).isDisabled())
                .as("another mode can still be chosen while switching").isFalse();
        await().atMost(Duration.ofSeconds(10)).until(() -> text(robot, "#vlmBadge").equals("Loaded"));
        WaitForAsyncUtils.waitForFxEvents(); // the gauge is laid out on the next pulse
        assertThat(robot.lookup("#recordingButton").queryAs(ToggleButton.class).isSelected()).isTrue();
        assertThat(text(robot, "#vramUsage")).isEqualTo("11,100 / 11,400 MB used");
        StackedVramBar bar = robot.lookup("#vramBar").queryAs(StackedVramBar.class);
        assertThat(bar.getStyleClass()).contains("vram-stack", "vram-critical");
        Node vlmPart = bar.lookup(".vram-part-vlm");
        assertThat(vlmPart.getBoundsInParent().getWidth()).as("the VLM's part is drawn as its share")
                .isGreaterThan(bar.getWidth() * 0.8);
        assertThat(vlmPart.getBoundsInParent().getHeight()).as("the VLM's part has a height").isGreaterThan(4);
        assertThat(robot.lookup(".vram-legend-entry").queryAllAs(Label.class)).extracting(Label::getText)
                .anyMatch(t -> t.startsWith("Vision model "));
        assertThat(robot.lookup("#vlmBadge").queryAs(Label.class).getStyleClass()).contains("badge-ok");
    }

    @Test
    void theRecordingButtonsTooltipSaysWhatALoadWouldNeedAndCouldHave(FxRobot robot) {
        ToggleButton recording = robot.lookup("#recordingButton").queryAs(ToggleButton.class);
        assertThat(recording.getTooltip().getText()).as("its size is not known before its first load").isEqualTo("Ctrl+2");

        f.switchTo(ExecutionMode.RECORDING);
        f.switchTo(ExecutionMode.IDLE);
        f.manager.unloadVlmAsync().join();

        await().atMost(Duration.ofSeconds(5)).until(() -> recording.getTooltip().getText().contains("available"));
        assertThat(recording.getTooltip().getText()).startsWith("Ctrl+2\nqwen3-vl:8b: Needs about 10.3 GB; ");
    }

    @Test
    void anIdleUnloadIsNotifiedInTheWindow(FxRobot robot) {
        assertThat(f.manager.ensureVlmLoaded()).isTrue();

        f.advanceAndTick(Duration.ofSeconds(301));

        await().atMost(Duration.ofSeconds(5)).until(() -> robot.lookup("Vision model unloaded").tryQuery().isPresent());
        assertThat(robot.lookup("qwen3-vl:8b was idle for 301\u00a0s; its VRAM is free again.").tryQuery()).isPresent();
        assertThat(robot.lookup("No system tray on this desktop: the panel stays a normal window, and closing it quits.")
                .tryQuery()).as("said once, in the window, where there is no tray").isPresent();
    }

    @Test
    void theFxThreadKeepsAnsweringWhileAModeSwitchWaitsOnOllama(FxRobot robot) throws Exception {
        f.ollama.holdLoads(); // Ollama takes the load and does not answer until told: a switch that blocked the FX thread hangs it
        robot.clickOn("#recordingButton");
        await().atMost(Duration.ofSeconds(10)).until(() -> f.ollama.loadsUnderWay() == 1);

        for (int ping = 0; ping < 5; ping++) {
            CountDownLatch answered = new CountDownLatch(1);
            Platform.runLater(answered::countDown);
            assertThat(answered.await(2, TimeUnit.SECONDS)).as("the FX thread answers while the load is held").isTrue();
            Thread.sleep(50);
        }
        assertThat(text(robot, "#verdict")).as("the panel shows the switch under way").isEqualTo("\u2192 Recording\u2026");
        assertThat(f.ollama.loadsUnderWay()).as("still held: the pings were answered during the wait").isEqualTo(1);

        f.ollama.finishHeldLoads(true);
        await().atMost(Duration.ofSeconds(10)).until(() -> text(robot, "#vlmBadge").equals("Loaded"));
        assertThat(f.manager.getExecutionMode()).isEqualTo(ExecutionMode.RECORDING);
    }

    @Test
    void focusStaysOnTheModeSwitcherAfterASwitchSoEnterOpensNothingElse(FxRobot robot) {
        robot.clickOn("#recordingButton");
        await().atMost(Duration.ofSeconds(10)).until(() -> text(robot, "#vlmBadge").equals("Loaded"));
        WaitForAsyncUtils.waitForFxEvents();

        ToggleButton recording = robot.lookup("#recordingButton").queryAs(ToggleButton.class);
        assertThat(recording.getScene().getFocusOwner()).isSameAs(recording);
        assertThat(robot.lookup("#loadButton").queryAs(javafx.scene.control.Button.class).isDisabled())
                .as("loaded already: Load is off").isTrue();
    }
}
