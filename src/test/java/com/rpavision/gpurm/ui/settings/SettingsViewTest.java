package com.rpavision.gpurm.ui.settings;

import atlantafx.base.theme.PrimerLight;
import com.rpavision.gpurm.core.config.ConfigStore;
import com.rpavision.gpurm.core.config.GpuResourceConfig;
import com.rpavision.gpurm.testing.MutableClock;
import com.rpavision.gpurm.ui.FxmlView;
import com.rpavision.gpurm.ui.GpuRmApplication;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.UiThread;
import com.rpavision.gpurm.ui.ViewLoader;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The settings window, typed into as an operator would. */
@ExtendWith(ApplicationExtension.class)
class SettingsViewTest {

    private Path file;
    private final java.util.concurrent.atomic.AtomicInteger newInstances = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger quits = new java.util.concurrent.atomic.AtomicInteger();

    @Start
    void start(Stage stage) throws Exception {
        file = Files.createTempDirectory("gpurm-settings").resolve("config.json");
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        Messages messages = new Messages(Locale.ENGLISH);
        SettingsViewModel vm = new SettingsViewModel(new ConfigStore(file, new MutableClock(Instant.EPOCH)),
                GpuResourceConfig.defaults(), Runnable::run, new UiThread(Platform::runLater), messages,
                new SettingsViewModel.Preferences(new com.rpavision.gpurm.ui.prefs.UiPreferencesStore(file.resolveSibling("ui.json")),
                        new java.util.concurrent.atomic.AtomicReference<>(com.rpavision.gpurm.ui.prefs.UiPreferences.defaults()), t -> { }),
                config -> java.util.Set.of(),
                new SettingsViewModel.RestartAction(newInstances::incrementAndGet, quits::incrementAndGet));
        ViewLoader loader = new ViewLoader(messages, Map.of(SettingsView.class, () -> new SettingsView(vm, stage::close)));
        Scene scene = new Scene(loader.load(FxmlView.SETTINGS), 760, 640);
        scene.getStylesheets().add(GpuRmApplication.class.getResource("app.css").toExternalForm());
        stage.setScene(scene);
        stage.show();
    }

    @Test
    void anInvalidValueShowsItsMessageAndOnceFixedItSaves(FxRobot robot) throws Exception {
        TextField idle = robot.lookup("#setting-idle_timeout_seconds").queryAs(TextField.class);
        robot.doubleClickOn(idle).eraseText(idle.getText().length()).write("-5");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup(".error-text").queryAllAs(Label.class)).anySatisfy(label -> {
            assertThat(label.isVisible()).isTrue();
            assertThat(label.getText()).isEqualTo("Between 0 and 86,400.");
        });
        robot.clickOn("#saveButton");
        assertThat(robot.lookup("#status").queryAs(Label.class).getText()).isEqualTo("Fix the fields marked in red first.");

        robot.doubleClickOn(idle).eraseText(idle.getText().length()).write("120");
        robot.clickOn("#saveButton");

        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(file) && Files.readString(file).contains("\"idle_timeout_seconds\" : 120"));
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(robot.lookup("#status").queryAs(Label.class).getText()).contains("Restart the app to apply: Idle unload (s)");
    }

    @Test
    void generalSettingsShowAndAnInvalidAdvancedOneUnfoldsItsSectionOutlined(FxRobot robot) {
        javafx.scene.control.TitledPane advanced = robot.lookup("#advanced").queryAs(javafx.scene.control.TitledPane.class);
        assertThat(advanced.isExpanded()).as("advanced keys folded away").isFalse();
        assertThat(robot.lookup("#setting-ollama_endpoint").queryAs(TextField.class).isVisible()).isTrue();
        TextField poll = robot.lookup("#setting-poll_interval_ms").queryAs(TextField.class);

        robot.interact(() -> poll.setText("-1"));

        assertThat(advanced.isExpanded()).isTrue();
        assertThat(poll.getStyleClass()).contains("danger");
    }

    @Test
    void restartNowShowsOnceASavedChangeNeedsItAndRestarts(FxRobot robot) throws Exception {
        javafx.scene.control.Button restart = robot.lookup("#restartButton").queryAs(javafx.scene.control.Button.class);
        assertThat(restart.isVisible()).as("nothing to restart for yet").isFalse();

        TextField model = robot.lookup("#setting-vlm_model").queryAs(TextField.class);
        robot.doubleClickOn(model).eraseText(model.getText().length()).write("llava:13b");
        robot.clickOn("#saveButton");
        await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(file) && Files.readString(file).contains("llava:13b"));
        WaitForAsyncUtils.waitForFxEvents();

        assertThat(restart.isVisible()).isTrue();
        assertThat(restart.getText()).isEqualTo("Restart now");
        robot.clickOn(restart);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(newInstances.get()).isEqualTo(1);
        assertThat(quits.get()).isEqualTo(1);
    }
}
