package com.rpavision.gpurm.ui;

import atlantafx.base.theme.PrimerLight;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.testing.ManagerFixture;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.control.Label;
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
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** What the banner says, read from its title, text and answer as the operator reads them, in English and French. */
@ExtendWith(ApplicationExtension.class)
class BannerWordsViewTest {

    private Stage stage;
    private ManagerFixture f;
    private FxBridge bridge;
    private ExecutorService background;
    /** The banner's "Retry now" check: completed by the test, so "Checking…" can be seen. */
    private volatile CompletableFuture<Void> check = CompletableFuture.completedFuture(null);

    @Start
    void start(Stage stage) {
        this.stage = stage;
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
    }

    /** On a 24 GB GPU: the vision model, unloaded, fits again (a smaller one would be a VRAM banner of its own). */
    private void open(FxRobot robot, Locale locale) {
        f = ManagerFixture.options().sleepsTakeNoTime().gpu(24_564, 600).build();
        Messages messages = new Messages(locale);
        background = Executors.newSingleThreadExecutor();
        UiThread ui = new UiThread(Platform::runLater);
        robot.interact(() -> {
            DashboardViewModel vm = new DashboardViewModel(f.manager, background, ui, messages, f.clock);
            bridge = new FxBridge(f.manager, vm, ui);
            DashboardForTests.show(stage, DashboardForTests.load(vm, f.manager, background, ui, messages,
                    () -> check, () -> { }));
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

    private static void awaitBanner(FxRobot robot, String title) {
        await().atMost(Duration.ofSeconds(10)).until(() -> robot.lookup("#banner").query().isVisible()
                && title.equals(text(robot, "#bannerTitle")));
    }

    @Test
    void whileContendedTheBannerNamesTheModelThatHoldsTheGpu(FxRobot robot) {
        open(robot, Locale.ENGLISH);
        com.rpavision.gpurm.testing.Contention.provoke(f, "llama3:8b", 5_000);

        awaitBanner(robot, "Another model holds the GPU");
        assertThat(text(robot, "#bannerText")).contains("last by llama3:8b (5,000 MB)");
    }

    @Test
    void aVlmGoneAMomentAgoIsOnItsCardNotInTheBanner(FxRobot robot) {
        open(robot, Locale.ENGLISH);
        f.switchTo(ExecutionMode.RECORDING);
        f.ollama.unloadOutside("qwen3-vl:8b");
        f.manager.observeOllama().join();

        await().atMost(Duration.ofSeconds(10)).until(() -> "Vision model gone, checking why".equals(text(robot, "#vlmNotice")));
        assertThat(robot.lookup("#banner").query().isVisible()).as("not an alarm yet: %s", text(robot, "#bannerTitle")).isFalse();
    }

    @Test
    void ollamaDownIsSaidInFrenchAndRetryNowSaysCheckingThenWhatItFoundAndWhen(FxRobot robot) {
        open(robot, Locale.FRENCH);
        f.ollama.setDown(true);
        f.advanceAndTick(Duration.ofSeconds(30));

        awaitBanner(robot, "Ollama ne répond pas");
        assertThat(text(robot, "#bannerText")).startsWith("Rien ne répond à http://localhost:")
                .contains("«\u00a0ollama serve\u00a0»");

        check = new CompletableFuture<>();
        robot.clickOn("#bannerFix");
        await().atMost(Duration.ofSeconds(5)).until(() -> "Vérification…".equals(text(robot, "#bannerAnswer")));
        check.complete(null);
        await().atMost(Duration.ofSeconds(5)).until(() -> text(robot, "#bannerAnswer").startsWith("Vérifié à"));
        assertThat(text(robot, "#bannerAnswer")).isEqualTo("Vérifié à 08:00:30\u00a0: tout ne répond pas encore.");
    }
}
