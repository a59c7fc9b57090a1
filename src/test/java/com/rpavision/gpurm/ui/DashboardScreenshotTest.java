package com.rpavision.gpurm.ui;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.Reason;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.SnapshotParameters;
import javafx.scene.control.TabPane;
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
        SWITCHING(ExecutionMode.IDLE), LOADING(ExecutionMode.RECORDING), COUNTDOWN(ExecutionMode.RECORDING),
        ERROR(ExecutionMode.RECORDING), NOT_PULLED(ExecutionMode.RECORDING), DEGRADED(ExecutionMode.RECORDING),
        REFUSED(ExecutionMode.RECORDING), CONTENDED(ExecutionMode.RECORDING),
        /** Ollama put part of the VLM on the CPU. */
        SPILLED(ExecutionMode.RECORDING),
        /** The VLM left Ollama a moment ago; the manager looks again before it names why. */
        SETTLING(ExecutionMode.RECORDING),
        /** The event log with the removals the manager names. */
        DRIFTS(ExecutionMode.RECORDING),
        NO_GPU(ExecutionMode.RECORDING),
        /** The idle unload, told in the window's notification as the operator sees it. */
        NOTIFICATION(ExecutionMode.RECORDING),
        PROCESSES(ExecutionMode.RECORDING), OLLAMA_MODELS(ExecutionMode.RECORDING),
        STATISTICS(ExecutionMode.RECORDING), SETTINGS(ExecutionMode.RECORDING),
        /** The panel as {@code --demo} shows it, with its banner. */
        DEMO(ExecutionMode.RECORDING);

        final ExecutionMode mode;

        State(ExecutionMode mode) {
            this.mode = mode;
        }

        String fileName() {
            return ordinal() < 3 ? mode.wireName() : name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    /** The README's pictures: shot again with the demo's banner, as the README shows the demo. */
    private static final java.util.Map<String, String> README = java.util.Map.of(
            "dashboard-autopilot-light-en-1280x800.png", "demo-autopilot-en.png",
            "dashboard-recording-light-en-1280x800.png", "demo-recording-en.png",
            "dashboard-degraded-light-en-1280x800.png", "degraded-en.png",
            "dashboard-recording-light-fr-1280x800.png", "demo-recording-fr.png",
            "dashboard-contended-dark-en-1280x800.png", "contended-dark-en.png",
            "dashboard-recording-dark-en-2560x1600.png", "large-screen-dark-en.png");

    /** One picture: its size, its scale (the 2560x1600 screen at 150 % is a 1707x1067 window), its banner. */
    private record Shot(State state, boolean dark, Locale locale, int width, int height, double scale, boolean demo,
                        String name) {
    }

    @Test
    void writesTheScreenshotSetWithNoLabelCutShort(FxRobot robot) throws Exception {
        Files.createDirectories(OUT);
        List<Path> written = new ArrayList<>();
        List<String> truncated = new ArrayList<>();
        // -Dscreenshots.only=SPILLED,REFUSED shoots those states alone, while working on them
        String only = System.getProperty("screenshots.only", "");
        List<State> states = java.util.Arrays.stream(State.values())
                .filter(st -> only.isBlank() || java.util.Arrays.asList(only.split(",")).contains(st.name())).toList();
        for (State state : states) {
            try (ScreenshotRun run = ScreenshotScenarios.run(state)) {
                assertThat(reached(state, run.lastStatus())).as("the scenario of %s reached it: %s", state,
                        run.lastStatus()).isTrue();
                for (Shot shot : shots(state)) {
                    if (state == State.NOTIFICATION) { // the unload it tells happens once per run: a run each
                        try (ScreenshotRun own = ScreenshotScenarios.run(state)) {
                            written.add(shoot(robot, own, shot, truncated));
                        }
                        continue;
                    }
                    written.add(shoot(robot, run, shot, truncated));
                    String readme = README.get(shot.name());
                    if (readme != null) {
                        written.add(shoot(robot, run, new Shot(state, shot.dark(), shot.locale(), shot.width(),
                                shot.height(), shot.scale(), true, "readme-" + readme), truncated));
                    }
                }
            }
        }
        if (only.isBlank()) {
            assertThat(written).hasSize(State.values().length * 8 + 4 * 4 + README.size());
        }
        System.out.println("[screenshots] " + written.size() + " PNGs in " + OUT.toAbsolutePath());
        assertThat(truncated).as("labels cut short").isEmpty();
    }

    /** Light and dark, English and French, 1280x800 and 2560x1600 at 150 %; the modes and the demo at 100 % too. */
    private static List<Shot> shots(State state) {
        List<Shot> shots = new ArrayList<>();
        for (boolean dark : new boolean[]{false, true}) {
            for (Locale locale : List.of(Locale.ENGLISH, Locale.FRENCH)) {
                if (state == State.SETTINGS) { // its own window, at the size the app opens it
                    shots.add(shot(state, dark, locale, 760, 640, 1.0));
                    shots.add(shot(state, dark, locale, 760, 640, 1.5));
                    continue;
                }
                shots.add(shot(state, dark, locale, 1280, 800, 1.0));
                shots.add(shot(state, dark, locale, 1707, 1067, 1.5));
                if (state.ordinal() < 3 || state == State.DEMO) { // the timeline's own card on a large screen at 100 %
                    shots.add(shot(state, dark, locale, 2560, 1600, 1.0));
                }
            }
        }
        return shots;
    }

    private static Shot shot(State state, boolean dark, Locale locale, int width, int height, double scale) {
        String name = String.format("%s-%s-%s-%s-%dx%d%s.png", state == State.SETTINGS ? "settings" : "dashboard",
                state.fileName(), dark ? "dark" : "light", locale.getLanguage(), width, height,
                scale == 1.0 ? "" : "-at-" + Math.round(scale * 100) + "pct");
        if (state == State.SETTINGS) {
            name = name.replace("settings-settings-", "settings-");
        }
        return new Shot(state, dark, locale, width, height, scale, state == State.DEMO, name);
    }

    /** Whether the run ended where its picture says it is. */
    private static boolean reached(State state, GpuResourceStatus s) {
        java.util.function.Predicate<Reason.Code> condition = code -> s.conditions().stream().anyMatch(r -> r.code() == code);
        return s.executionMode() == state.mode && switch (state) {
            case IDLE, SWITCHING -> s.vlmState() == ModelState.UNLOADED;
            case RECORDING, PROCESSES, OLLAMA_MODELS, SETTINGS, DEMO -> s.vlmState() == ModelState.LOADED
                    && s.conditions().isEmpty();
            case AUTOPILOT -> ClipDevice.CUDA.wireName().equals(s.clipDevice());
            case LOADING -> s.vlmState() == ModelState.LOADING;
            case COUNTDOWN, NOTIFICATION -> s.vlmState() == ModelState.LOADED && s.vlmIdleSince() != null;
            case ERROR -> s.vlmState() == ModelState.ERROR && s.vlmError().code() == Reason.Code.OLLAMA_REFUSED;
            case NOT_PULLED -> s.vlmState() == ModelState.ERROR && s.vlmError().code() == Reason.Code.MODEL_NOT_PULLED;
            case DEGRADED -> s.degradedReasons().stream().anyMatch(r -> r.code() == Reason.Code.OLLAMA_UNREACHABLE);
            case REFUSED -> s.vlmState() == ModelState.ERROR && s.vlmError().code() == Reason.Code.VLM_DOES_NOT_FIT;
            case CONTENDED -> condition.test(Reason.Code.VLM_CONTENDED);
            case SPILLED -> condition.test(Reason.Code.VLM_PARTLY_ON_CPU);
            case SETTLING -> condition.test(Reason.Code.VLM_SETTLING);
            case DRIFTS -> s.lastDrift() != null;
            case NO_GPU -> s.gpus().isEmpty() && s.degradedReasons().stream().anyMatch(r -> r.code() == Reason.Code.NO_GPU);
            case STATISTICS -> true;
        };
    }

    private Path shoot(FxRobot robot, ScreenshotRun run, Shot shot, List<String> truncated) throws Exception {
        State state = shot.state();
        Path file = OUT.resolve(shot.name());
        WritableImage[] image = new WritableImage[1];
        DashboardViewModel[] model = new DashboardViewModel[1];
        com.rpavision.gpurm.ui.tray.DesktopIntegration[] desktop = new com.rpavision.gpurm.ui.tray.DesktopIntegration[1];
        com.rpavision.gpurm.testing.MutableClock[] clock = new com.rpavision.gpurm.testing.MutableClock[1];
        WritableImage[] overlay = new WritableImage[1];
        double[] overlayAt = new double[2];
        robot.interact(() -> {
            Application.setUserAgentStylesheet(shot.dark() ? new PrimerDark().getUserAgentStylesheet()
                    : new PrimerLight().getUserAgentStylesheet());
            Messages messages = new Messages(shot.locale());
            // A switch that never finishes stays "switching": its work is dropped instead of run.
            java.util.concurrent.Executor background = state == State.SWITCHING ? task -> { } : Runnable::run;
            com.rpavision.gpurm.testing.MutableClock panelClock = run.panelClock();
            DashboardViewModel vm = new DashboardViewModel(run.f.manager, background, new UiThread(Platform::runLater),
                    messages, panelClock);
            vm.clipNeedsMoreThanMb(run.f.config.vramThresholdForClipGpuMb());
            model[0] = vm;
            run.replayInto(vm, panelClock);
            Parent root = state == State.SETTINGS ? ScreenshotSettings.load(run.f.config.toBuilder()
                    .vlmLeaseSeconds(com.rpavision.gpurm.core.config.GpuResourceConfig.defaults().vlmLeaseSeconds()).build(), messages)
                    : DashboardForTests.load(vm, run.f.manager, background, new UiThread(Platform::runLater), messages,
                    shot.demo(), run::journal, panelClock);
            Scene scene = new Scene(root, shot.width(), shot.height());
            scene.getStylesheets().add(GpuRmApplication.class.getResource("app.css").toExternalForm());
            stage.setScene(scene);
            stage.sizeToScene(); // other tests in this JVM share the stage and may have sized it themselves
            stage.show();
            if (state == State.SWITCHING) {
                vm.switchMode(ExecutionMode.RECORDING);
            }
            if (state == State.NOTIFICATION) { // as the app wires it; the tray is not asked, the window shows
                desktop[0] = new com.rpavision.gpurm.ui.tray.DesktopIntegration(stage, run.f.manager, vm, messages,
                        new UiThread(Platform::runLater), new FakeTray(), () -> { });
                clock[0] = panelClock;
            }
            String tab = switch (state) {
                case PROCESSES -> "tab.processes";
                case OLLAMA_MODELS -> "tab.ollamaModels";
                case STATISTICS -> "tab.statistics";
                default -> null;
            };
            if (tab != null) {
                TabPane tabs = (TabPane) root.lookup(".tab-pane");
                tabs.getTabs().stream().filter(t -> messages.get(tab).equals(t.getText())).findFirst()
                        .ifPresent(t -> tabs.getSelectionModel().select(t));
            }
        });
        WaitForAsyncUtils.waitForFxEvents();
        if (state == State.NOTIFICATION) {
            int from = run.heardSoFar();
            ScreenshotScenarios.idleUnload(run);
            robot.interact(() -> run.replayInto(model[0], clock[0], from));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                    .until(() -> notification() != null);
            Thread.sleep(NOTIFICATION_FADE_IN_MS);
            WaitForAsyncUtils.waitForFxEvents();
        }
        if (BANNERED.contains(state)) {
            assertThat(model[0].bannerProperty().get()).as("%s shows its banner", shot.name()).isNotNull();
        }
        robot.interact(() -> {
            stage.getScene().getRoot().applyCss();
            stage.getScene().getRoot().layout();
            TruncatedLabels.in(stage.getScene().getRoot()).forEach(t -> truncated.add(shot.name() + ": " + t));
            SnapshotParameters parameters = new SnapshotParameters();
            parameters.setTransform(Transform.scale(shot.scale(), shot.scale()));
            image[0] = stage.getScene().getRoot().snapshot(parameters, null);
            if (state == State.NOTIFICATION) {
                javafx.stage.Window popup = notification();
                SnapshotParameters clear = new SnapshotParameters();
                clear.setTransform(Transform.scale(shot.scale(), shot.scale()));
                clear.setFill(javafx.scene.paint.Color.TRANSPARENT);
                overlay[0] = popup.getScene().getRoot().snapshot(clear, null);
                overlayAt[0] = (popup.getX() + popup.getScene().getX() - stage.getX() - stage.getScene().getX()) * shot.scale();
                overlayAt[1] = (popup.getY() + popup.getScene().getY() - stage.getY() - stage.getScene().getY()) * shot.scale();
                TruncatedLabels.in(popup.getScene().getRoot()).forEach(t -> truncated.add(shot.name() + " [notification]: " + t));
                popup.hide();
                desktop[0].close();
            }
        });
        if (state != State.SETTINGS && !shot.demo()) {
            checkTheOtherTabs(robot, shot.name(), truncated);
        }
        BufferedImage png = toBufferedImage(image[0]);
        if (overlay[0] != null) { // the notification is a window of its own, over the panel where it showed
            java.awt.Graphics2D g = png.createGraphics();
            g.drawImage(toArgbImage(overlay[0]), (int) Math.round(overlayAt[0]), (int) Math.round(overlayAt[1]), null);
            g.dispose();
        }
        assertThat(png.getWidth()).isEqualTo(Math.round(shot.width() * shot.scale()));
        assertThat(png.getHeight()).isEqualTo(Math.round(shot.height() * shot.scale()));
        assertThat(distinctColors(png)).as("not a blank image: " + file).isGreaterThan(20);
        ImageIO.write(png, "png", file.toFile());
        return file;
    }

    /** The states whose picture is about an abnormal state: each must show its banner. */
    private static final java.util.Set<State> BANNERED = java.util.EnumSet.of(State.ERROR, State.NOT_PULLED,
            State.DEGRADED, State.REFUSED, State.CONTENDED, State.SPILLED, State.NO_GPU);

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

    /** ControlsFX fades a notification in; the shot waits until it is fully there. */
    private static final long NOTIFICATION_FADE_IN_MS = 1_200;

    /** The in-window notification showing now, if any: the popup ControlsFX opens over the panel. */
    private javafx.stage.Window notification() {
        return javafx.stage.Window.getWindows().stream()
                .filter(w -> w instanceof javafx.stage.PopupWindow && w.isShowing() && w.getScene() != null
                        && w.getScene().getRoot().lookup(".notification-bar") != null)
                .findFirst().orElse(null);
    }

    private static BufferedImage toArgbImage(WritableImage image) {
        int w = (int) image.getWidth();
        int h = (int) image.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        PixelReader reader = image.getPixelReader();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out.setRGB(x, y, reader.getArgb(x, y));
            }
        }
        return out;
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
