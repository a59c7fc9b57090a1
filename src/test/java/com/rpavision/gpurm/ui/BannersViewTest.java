package com.rpavision.gpurm.ui;

import atlantafx.base.theme.PrimerLight;
import com.rpavision.gpurm.core.model.Condition;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.testing.FakeOllama;
import com.rpavision.gpurm.testing.ManagerFixture;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.geometry.Bounds;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 25, items 2 and 3, on the real view against the real manager: each abnormal state is a titled banner whose
 * button does what it says, no banner moves the action buttons, and each button that is off says why.
 */
@ExtendWith(ApplicationExtension.class)
class BannersViewTest {

    private static final List<String> ACTIONS = List.of("#loadButton", "#unloadButton", "#clipGpuButton", "#clipCpuButton");

    private Stage stage;
    private ManagerFixture f;
    private FxBridge bridge;
    private ExecutorService background;
    private final AtomicInteger settingsOpened = new AtomicInteger();

    @Start
    void start(Stage stage) {
        this.stage = stage;
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
    }

    /** The panel on a manager built with {@code options}, wired as the app wires it. */
    private void open(FxRobot robot, UnaryOperator<ManagerFixture.Options> options) {
        f = options.apply(ManagerFixture.options().sleepsTakeNoTime()).build();
        Messages messages = new Messages(Locale.ENGLISH);
        background = Executors.newSingleThreadExecutor();
        UiThread ui = new UiThread(Platform::runLater);
        robot.interact(() -> {
            DashboardViewModel vm = new DashboardViewModel(f.manager, background, ui, messages, Clock.systemDefaultZone());
            vm.clipNeedsMoreThanMb(f.config.vramThresholdForClipGpuMb());
            bridge = new FxBridge(f.manager, vm, ui);
            DashboardForTests.show(stage, DashboardForTests.load(vm, f.manager, background, ui, messages,
                    f.manager::retryNow, settingsOpened::incrementAndGet));
        });
        WaitForAsyncUtils.waitForFxEvents();
    }

    @AfterEach
    void stop() throws Exception {
        if (f == null) {
            return;
        }
        CountDownLatch closed = new CountDownLatch(1);
        Platform.runLater(() -> {
            bridge.close();
            closed.countDown();
        });
        closed.await(5, TimeUnit.SECONDS);
        background.shutdownNow();
        f.close();
    }

    private static String text(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Label.class).getText();
    }

    private static Button button(FxRobot robot, String id) {
        return robot.lookup(id).queryAs(Button.class);
    }

    private static List<String> actionBounds(FxRobot robot) {
        WaitForAsyncUtils.waitForFxEvents();
        return ACTIONS.stream().map(id -> {
            Node node = robot.lookup(id).query();
            Bounds b = node.localToScene(node.getLayoutBounds());
            return id + " " + b.getMinX() + "," + b.getMinY() + " " + b.getWidth() + "x" + b.getHeight();
        }).toList();
    }

    private static void awaitBanner(FxRobot robot, String title) {
        await().atMost(Duration.ofSeconds(10)).until(() -> robot.lookup("#banner").query().isVisible()
                && title.equals(text(robot, "#bannerTitle")));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#allClear").query().isVisible()).isFalse();
    }

    private static void awaitNoBanner(FxRobot robot) {
        await().atMost(Duration.ofSeconds(10)).until(() -> !robot.lookup("#banner").query().isVisible());
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#allClear").query().isVisible()).as("the slot says all is clear, not a blank band").isTrue();
        assertThat(text(robot, "#allClear")).isEqualTo("\u2713 Nothing needs you now. A problem shows here, with its fix.");
    }

    /** Why a button is off, as its tooltip shows it and a screen reader says it. */
    private static String reason(FxRobot robot, String id) {
        Button b = button(robot, id);
        Tooltip tip = com.rpavision.gpurm.ui.dashboard.DashboardView.reasonTooltip(b);
        String shown = tip == null ? "" : tip.getText();
        assertThat(b.getAccessibleHelp() == null ? "" : b.getAccessibleHelp()).as("accessible help of %s", id).isEqualTo(shown);
        return shown;
    }

    @Test
    void aSpilledVlmIsABannerWhoseReloadPutsItWhollyOnTheGpuAndTheCardNeverSaysOnlyLoaded(FxRobot robot) {
        open(robot, o -> o);
        List<String> before = actionBounds(robot);
        f.ollama.partialOffload(true);
        f.gpu.allocate("blender", 3_000); // the VLM does not fit whole: Ollama puts the rest on the CPU
        f.vram.sample();
        f.ollama.loadOutside(f.config.vlmModel(), null);
        f.manager.observeOllama().join();

        awaitBanner(robot, "Vision model partly on the CPU: slow");
        assertThat(actionBounds(robot)).as("the banner moved no action button").isEqualTo(before);
        assertThat(text(robot, "#bannerText")).startsWith("qwen3-vl:8b has only ");
        assertThat(text(robot, "#vlmBadge")).isEqualTo("Loaded, partly on the CPU");
        Button reload = button(robot, "#bannerFix");
        assertThat(reload.getText()).isEqualTo("Reload on the GPU");
        assertThat(button(robot, "#bannerSecondFix").isVisible()).isFalse();

        f.gpu.release("blender");
        f.vram.sample();
        int unloads = f.ollama.unloads.get();
        robot.clickOn(reload);

        await().atMost(Duration.ofSeconds(10)).until(() -> f.ollama.unloads.get() > unloads
                && f.manager.getVlmState() == ModelState.LOADED && f.ollama.isServing(f.config.vlmModel()));
        f.manager.observeOllama().join(); // the watcher's next look finds it whole on the GPU
        assertThat(f.manager.activeConditions()).doesNotContain(Condition.VLM_PARTLY_ON_CPU);
        assertThat(f.ollama.isPartlyOnCpu(f.config.vlmModel())).isFalse();
        awaitNoBanner(robot);
        assertThat(text(robot, "#vlmBadge")).isEqualTo("Loaded");
        assertThat(actionBounds(robot)).as("nor did its going").isEqualTo(before);
    }

    @Test
    void aModelNotPulledOffersItsCommandOnTheClipboardAndLoadSaysWhyItIsOff(FxRobot robot) throws Exception {
        open(robot, o -> o.config(c -> c.vlmModel("llava:34b")));
        List<String> before = actionBounds(robot);
        f.switchTo(ExecutionMode.RECORDING);

        awaitBanner(robot, "Vision model not installed");
        assertThat(text(robot, "#bannerText")).as("the command is on the button, not in the prose")
                .contains("copy the command").doesNotContain("ollama pull");
        assertThat(actionBounds(robot)).isEqualTo(before);
        assertThat(button(robot, "#bannerFix").getText()).isEqualTo("Pull the model");
        Button copy = button(robot, "#bannerSecondFix");
        assertThat(copy.getText()).isEqualTo("Copy command");
        robot.clickOn(copy);

        WaitForAsyncUtils.waitForFxEvents();
        String copied = WaitForAsyncUtils.waitFor(WaitForAsyncUtils.asyncFx(() -> Clipboard.getSystemClipboard().getString()));
        assertThat(copied).isEqualTo("ollama pull llava:34b");
        assertThat(text(robot, "#bannerAnswer")).isEqualTo("Copied: ollama pull llava:34b");
        assertThat(button(robot, "#loadButton").isDisabled()).isTrue();
        assertThat(reason(robot, "#loadButton")).isEqualTo("llava:34b is not installed in Ollama: pull it first.");
        assertThat(button(robot, "#unloadButton").isDisabled()).as("in ERROR nothing is loaded").isTrue();
        assertThat(reason(robot, "#unloadButton")).isEqualTo("Nothing is loaded.");
    }

    @Test
    void pullTheModelHasOllamaDownloadItAndInRecordingTheVisionModelLoadsThen(FxRobot robot) {
        open(robot, o -> o.config(c -> c.vlmModel("llava:13b")));
        List<String> before = actionBounds(robot);
        f.switchTo(ExecutionMode.RECORDING);
        awaitBanner(robot, "Vision model not installed");
        f.ollama.scheduler().pullable("llava:13b", 8_000);

        robot.clickOn(button(robot, "#bannerFix"));

        await().atMost(Duration.ofSeconds(10)).until(() -> f.ollama.isServing("llava:13b"));
        awaitNoBanner(robot);
        await().atMost(Duration.ofSeconds(5)).until(() -> "Loaded".equals(text(robot, "#vlmBadge")));
        assertThat(actionBounds(robot)).isEqualTo(before);
    }

    @Test
    void aPullOllamaCannotDoSaysWhyInTheBannerAndKeepsItsButtons(FxRobot robot) {
        open(robot, o -> o.config(c -> c.vlmModel("llava:13b")));
        f.switchTo(ExecutionMode.RECORDING);
        awaitBanner(robot, "Vision model not installed");

        robot.clickOn(button(robot, "#bannerFix"));

        await().atMost(Duration.ofSeconds(10)).until(() -> text(robot, "#bannerAnswer")
                .equals("The pull of llava:13b failed: Ollama could not pull llava:13b: pull model manifest: file does not exist"));
        await().atMost(Duration.ofSeconds(5)).until(() -> !button(robot, "#bannerFix").isDisabled());
        assertThat(text(robot, "#bannerTitle")).isEqualTo("Vision model not installed");
    }

    @Test
    void aRefusalByAnotherOllamaModelNamesItAndItsUnloadMakesRoomForTheVlm(FxRobot robot) {
        open(robot, o -> o);
        List<String> before = actionBounds(robot);
        f.ollama.install("llama3.1:8b", 5_200);
        f.ollama.loadOutside("llama3.1:8b", Duration.ofMinutes(5));
        f.switchTo(ExecutionMode.RECORDING);
        f.manager.observeOllama().join(); // the watcher's look the status names the other models from

        awaitBanner(robot, "Not enough VRAM for the vision model");
        assertThat(actionBounds(robot)).isEqualTo(before);
        // the banner words the status, which names the runner's model once the panel has the watcher's look
        await().atMost(Duration.ofSeconds(10)).until(() -> text(robot, "#bannerText")
                .contains("The biggest user is the Ollama model llama3.1:8b"));
        WaitForAsyncUtils.waitForFxEvents();
        Button unload = button(robot, "#bannerFix");
        assertThat(unload.getText()).isEqualTo("Unload llama3.1:8b");

        robot.clickOn(unload);

        await().atMost(Duration.ofSeconds(10)).until(() -> f.ollama.isServing(f.config.vlmModel()));
        assertThat(f.ollama.isResident("llama3.1:8b")).isFalse();
        awaitNoBanner(robot);
        await().atMost(Duration.ofSeconds(5)).until(() -> "Loaded".equals(text(robot, "#vlmBadge")));
    }

    @Test
    void aRefusalByAnotherProgramNamesTheProgramAndOffersNoButton(FxRobot robot) {
        open(robot, o -> o);
        f.gpu.allocate("blender", 3_000);
        f.vram.sample();
        f.switchTo(ExecutionMode.RECORDING);

        awaitBanner(robot, "Not enough VRAM for the vision model");
        assertThat(text(robot, "#bannerText")).contains("The biggest user is the program blender (pid ");
        assertThat(button(robot, "#bannerFix").isVisible()).isFalse();
    }

    @Test
    void ollamaDownOffersRetryAndItsSettingsAndRetryFindsItBack(FxRobot robot) {
        open(robot, o -> o);
        List<String> before = actionBounds(robot);
        f.ollama.setDown(true);
        f.advanceAndTick(Duration.ofSeconds(30));

        awaitBanner(robot, "Ollama does not answer");
        assertThat(text(robot, "#bannerText")).as("the text does not say the title again")
                .startsWith("Nothing answers at http://").contains("ollama serve").doesNotContain("not answering");
        assertThat(actionBounds(robot)).isEqualTo(before);
        assertThat(reason(robot, "#loadButton")).isEqualTo("Ollama does not answer.");
        Button retry = button(robot, "#bannerFix");
        Button settings = button(robot, "#bannerSecondFix");
        assertThat(retry.getText()).isEqualTo("Retry now");
        assertThat(settings.getText()).isEqualTo("Ollama settings\u2026");

        robot.clickOn(settings);
        assertThat(settingsOpened.get()).isEqualTo(1);

        f.ollama.setDown(false);
        robot.clickOn(retry);
        awaitNoBanner(robot);
        assertThat(f.manager.getStatus().degradedMode()).isFalse();
    }

    @Test
    void aLoadErrorOffersRetryAndRetryLoadsTheVlm(FxRobot robot) {
        open(robot, o -> o);
        f.ollama.failNextGenerate(FakeOllama.Fault.ERROR_FIELD);
        f.switchTo(ExecutionMode.RECORDING);

        awaitBanner(robot, "The vision model did not load");
        Button retry = button(robot, "#bannerFix");
        assertThat(retry.getText()).isEqualTo("Retry");

        robot.clickOn(retry);

        await().atMost(Duration.ofSeconds(10)).until(() -> f.ollama.isServing(f.config.vlmModel()));
        awaitNoBanner(robot);
    }

    @Test
    void eachButtonThatIsOffSaysWhy(FxRobot robot) {
        open(robot, o -> o);
        await().atMost(Duration.ofSeconds(5)).until(() -> !reason(robot, "#unloadButton").isEmpty());
        assertThat(button(robot, "#unloadButton").isDisabled()).isTrue();
        assertThat(reason(robot, "#unloadButton")).isEqualTo("Nothing is loaded.");
        assertThat(reason(robot, "#clipCpuButton")).as("on screen it is the image matcher")
                .isEqualTo("The image matcher is on the CPU already.");
        assertThat(reason(robot, "#loadButton")).as("Load is on").isEmpty();

        f.switchTo(ExecutionMode.RECORDING);
        await().atMost(Duration.ofSeconds(5)).until(() -> button(robot, "#loadButton").isDisabled());
        assertThat(reason(robot, "#loadButton")).isEqualTo("The vision model is loaded already.");
        assertThat(button(robot, "#unloadButton").isDisabled()).isFalse();
        assertThat(reason(robot, "#unloadButton")).as("on, with what it would cause")
                .isEqualTo("Recording loads it again within seconds; switch to Idle to keep it unloaded.");

        f.switchTo(ExecutionMode.AUTOPILOT);
        await().atMost(Duration.ofSeconds(5)).until(() -> reason(robot, "#clipGpuButton").startsWith("Autopilot"));
        assertThat(button(robot, "#clipGpuButton").isDisabled()).isTrue();
        assertThat(reason(robot, "#clipCpuButton")).startsWith("Autopilot places the image matcher itself");

        f.switchTo(ExecutionMode.IDLE);
        f.manager.migrateClip(com.rpavision.gpurm.core.model.ClipDevice.CPU);
        f.gpu.allocate("blender", 10_500);
        f.vram.sample();
        await().atMost(Duration.ofSeconds(5)).until(() -> reason(robot, "#clipGpuButton").startsWith("Not enough free VRAM"));
        assertThat(reason(robot, "#clipGpuButton")).endsWith("the image matcher goes to the GPU only with more than "
                + String.format(Locale.ENGLISH, "%,d", f.config.vramThresholdForClipGpuMb()) + " MB free.");
    }

    @Test
    void cancelLoadShowsWhileTheVlmLoadsAndGivesTheLoadUp(FxRobot robot) {
        open(robot, o -> o);
        List<String> before = actionBounds(robot);
        Button cancel = button(robot, "#cancelLoadButton");
        assertThat(cancel.isVisible()).isFalse();
        f.ollama.holdLoads();
        f.manager.setExecutionMode(ExecutionMode.RECORDING);
        await().atMost(Duration.ofSeconds(10)).until(() -> f.ollama.loadsUnderWay() == 1);
        await().atMost(Duration.ofSeconds(5)).until(cancel::isVisible);
        assertThat(actionBounds(robot)).as("Cancel load comes after the buttons it would move").isEqualTo(before);
        assertThat(reason(robot, "#loadButton")).isIn("The vision model is loading.", "A mode switch is under way.");

        robot.clickOn(cancel);
        await().atMost(Duration.ofSeconds(5)).until(() -> f.ollama.psWaiting() > 0);
        f.ollama.finishHeldLoads(false);

        await().atMost(Duration.ofSeconds(10)).until(() -> f.manager.getVlmState() == ModelState.UNLOADED);
        await().atMost(Duration.ofSeconds(5)).until(() -> !cancel.isVisible());
        assertThat(f.manager.getExecutionMode()).isEqualTo(ExecutionMode.RECORDING);
        assertThat(f.ollama.isResident(f.config.vlmModel())).isFalse();
    }
}
