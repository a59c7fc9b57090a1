package com.rpavision.gpurm.ui;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.testing.ManagerFixture;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel;
import com.rpavision.gpurm.ui.dashboard.VramTimeline;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.SnapshotParameters;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.transform.Transform;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writes the dashboard in each mode and in the states an operator meets (switching, loading, error, degraded, a
 * refused action, a contended VLM, a VLM spilled into Windows' shared memory), light and dark, English and French, at 1280x800 and at 2560x1600 (a
 * 1707x1067 window at 150 % scaling, as on the reference workstation; the three modes at 100 % too, where the
 * timeline has its own card) into target/screenshots/, for people to
 * look at. Checks each image is the size asked and not blank, and that no label in any of them is cut short
 * ("Enregistrem…"): a cut label is a failure, listed with its state, size, theme and language.
 */
@ExtendWith(ApplicationExtension.class)
class DashboardScreenshotTest {

    private static final Path OUT = Path.of("target", "screenshots");
    private Stage stage;

    /** What is on screen; the modes keep the file names they always had. */
    enum State {
        IDLE(ExecutionMode.IDLE), RECORDING(ExecutionMode.RECORDING), AUTOPILOT(ExecutionMode.AUTOPILOT),
        SWITCHING(ExecutionMode.IDLE), LOADING(ExecutionMode.IDLE), ERROR(ExecutionMode.RECORDING),
        DEGRADED(ExecutionMode.IDLE), REFUSED(ExecutionMode.RECORDING), CONTENDED(ExecutionMode.RECORDING),
        /** Windows: part of the GPU's allocations paged into system RAM. */
        SPILLED(ExecutionMode.RECORDING),
        /** The VLM left Ollama a moment ago; the manager looks again before it names why. */
        SETTLING(ExecutionMode.RECORDING),
        /** The event log with one removal of each cause the manager names. */
        DRIFTS(ExecutionMode.RECORDING);

        final ExecutionMode mode;

        State(ExecutionMode mode) {
            this.mode = mode;
        }

        String fileName() {
            return ordinal() < 3 ? mode.wireName() : name().toLowerCase(Locale.ROOT);
        }
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @Test
    void writesTheScreenshotSetWithNoLabelCutShort(FxRobot robot) throws Exception {
        Files.createDirectories(OUT);
        List<Path> written = new ArrayList<>();
        List<String> truncated = new ArrayList<>();
        try (ManagerFixture f = ManagerFixture.options().sleepsTakeNoTime().gpu(24_564, 1_310).build()) {
            for (State state : State.values()) {
                f.switchTo(state.mode);
                f.clock.advance(java.time.Duration.ofSeconds(42));
                f.vram.sample();
                for (boolean dark : new boolean[]{false, true}) {
                    for (Locale locale : List.of(Locale.ENGLISH, Locale.FRENCH)) {
                        written.add(shoot(robot, f, state, dark, locale, 1280, 800, 1.0, truncated));
                        written.add(shoot(robot, f, state, dark, locale, 1707, 1067, 1.5, truncated));
                        if (state.ordinal() < 3) { // the cards and the timeline card on a large screen at 100 %
                            written.add(shoot(robot, f, state, dark, locale, 2560, 1600, 1.0, truncated));
                        }
                    }
                }
            }
        }
        assertThat(written).hasSize(State.values().length * 8 + 3 * 4);
        System.out.println("[screenshots] " + written.size() + " PNGs in " + OUT.toAbsolutePath());
        assertThat(truncated).as("labels cut short").isEmpty();
    }

    private Path shoot(FxRobot robot, ManagerFixture f, State state, boolean dark, Locale locale,
                       int width, int height, double scale, List<String> truncated) throws Exception {
        String name = String.format("dashboard-%s-%s-%s-%dx%d%s.png", state.fileName(), dark ? "dark" : "light",
                locale.getLanguage(), width, height, scale == 1.0 ? "" : "-at-" + Math.round(scale * 100) + "pct");
        Path file = OUT.resolve(name);
        WritableImage[] image = new WritableImage[1];
        if (state == State.REFUSED) {
            f.gpu.allocate("blender", 12_500); // too little left for CLIP beside the VLM: the move is refused
            f.vram.sample();
        }
        DashboardViewModel[] model = new DashboardViewModel[1];
        robot.interact(() -> {
            Application.setUserAgentStylesheet(dark ? new PrimerDark().getUserAgentStylesheet()
                    : new PrimerLight().getUserAgentStylesheet());
            Messages messages = new Messages(locale);
            // A switch that never finishes stays "switching": its work is dropped instead of run.
            java.util.concurrent.Executor background = state == State.SWITCHING ? task -> { } : Runnable::run;
            // the panel's own clock, ten minutes behind, so the timeline has a history without the manager ageing
            com.rpavision.gpurm.testing.MutableClock panelClock =
                    new com.rpavision.gpurm.testing.MutableClock(f.clock.instant().minus(VramTimeline.WINDOW));
            DashboardViewModel vm = new DashboardViewModel(f.manager, background, new UiThread(Platform::runLater),
                    messages, panelClock);
            model[0] = vm;
            GpuResourceStatus shown = ScreenshotStates.status(state, f.manager.getStatus(), f.clock.instant());
            for (GpuResourceStatus past : ScreenshotStates.history(shown)) {
                vm.update(past);
                panelClock.advance(java.time.Duration.ofSeconds(5));
            }
            f.manager.recentEvents().forEach(vm::onEvent);
            if (state == State.DRIFTS) {
                ScreenshotStates.driftOfEachCause(f.config.vlmModel(), f.clock.instant()).forEach(vm::onEvent);
            }
            vm.update(shown);
            if (state == State.LOADING) { // a station with a history of loads, 12 s into this one
                vm.seedLoadTimes(List.of(java.time.Duration.ofSeconds(36), java.time.Duration.ofSeconds(38),
                        java.time.Duration.ofSeconds(41)));
                f.clock.advance(java.time.Duration.ofSeconds(12));
                panelClock.advance(java.time.Duration.ofSeconds(12));
                vm.refreshClock();
            }
            Parent root = DashboardForTests.load(vm, f.manager, background, new UiThread(Platform::runLater), messages);
            Scene scene = new Scene(root, width, height);
            scene.getStylesheets().add(GpuRmApplication.class.getResource("app.css").toExternalForm());
            stage.setScene(scene);
            stage.sizeToScene(); // other tests in this JVM share the stage and may have sized it themselves
            stage.show();
            switch (state) {
                case SWITCHING -> vm.switchMode(ExecutionMode.RECORDING);
                case REFUSED -> vm.moveClip(com.rpavision.gpurm.core.model.ClipDevice.CUDA);
                default -> { }
            }
        });
        if (state == State.REFUSED) {
            org.awaitility.Awaitility.await().until(() -> !model[0].actionErrorProperty().get().isEmpty());
            f.gpu.free("blender");
            f.vram.sample();
        }
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> {
            stage.getScene().getRoot().applyCss();
            stage.getScene().getRoot().layout();
            TruncatedLabels.in(stage.getScene().getRoot()).forEach(t -> truncated.add(name + ": " + t));
            SnapshotParameters parameters = new SnapshotParameters();
            parameters.setTransform(Transform.scale(scale, scale));
            image[0] = stage.getScene().getRoot().snapshot(parameters, null);
        });
        checkTheOtherTabs(robot, name, truncated);
        BufferedImage png = toBufferedImage(image[0]);
        assertThat(png.getWidth()).isEqualTo(Math.round(width * scale));
        assertThat(png.getHeight()).isEqualTo(Math.round(height * scale));
        assertThat(distinctColors(png)).as("not a blank image: " + file).isGreaterThan(20);
        ImageIO.write(png, "png", file.toFile());
        return file;
    }

    /** The tabs behind the log (timeline, processes, Ollama models, statistics) are checked for cut labels too. */
    private void checkTheOtherTabs(FxRobot robot, String name, List<String> truncated) {
        // each selection laid out on its own pulse, as the operator would see it
        int[] count = new int[1];
        robot.interact(() -> count[0] = ((javafx.scene.control.TabPane) stage.getScene().getRoot().lookup(".tab-pane")).getTabs().size());
        for (int i = 1; i < count[0]; i++) {
            int index = i;
            robot.interact(() -> {
                javafx.scene.control.TabPane tabs = (javafx.scene.control.TabPane) stage.getScene().getRoot().lookup(".tab-pane");
                tabs.getSelectionModel().select(index);
            });
            WaitForAsyncUtils.waitForFxEvents();
            robot.interact(() -> {
                javafx.scene.control.TabPane tabs = (javafx.scene.control.TabPane) stage.getScene().getRoot().lookup(".tab-pane");
                String tab = tabs.getTabs().get(index).getText();
                TruncatedLabels.in(stage.getScene().getRoot()).forEach(t -> truncated.add(name + " [" + tab + "]: " + t));
            });
        }
    }

    private static BufferedImage toBufferedImage(WritableImage image) {
        int w = (int) image.getWidth();
        int h = (int) image.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        PixelReader reader = image.getPixelReader();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out.setRGB(x, y, reader.getArgb(x, y));
            }
        }
        return out;
    }

    private static int distinctColors(BufferedImage image) {
        java.util.Set<Integer> colors = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 7) {
            for (int x = 0; x < image.getWidth(); x += 7) {
                colors.add(image.getRGB(x, y));
            }
        }
        return colors.size();
    }
}
