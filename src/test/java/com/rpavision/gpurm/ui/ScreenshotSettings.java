package com.rpavision.gpurm.ui;

import com.rpavision.gpurm.core.config.ConfigStore;
import com.rpavision.gpurm.core.config.GpuResourceConfig;
import com.rpavision.gpurm.testing.MutableClock;
import com.rpavision.gpurm.ui.prefs.UiPreferences;
import com.rpavision.gpurm.ui.prefs.UiPreferencesStore;
import com.rpavision.gpurm.ui.settings.SettingsView;
import com.rpavision.gpurm.ui.settings.SettingsViewModel;
import javafx.application.Platform;
import javafx.scene.Parent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/** The settings window on the configuration a screenshot run's manager was built with, saved to a scratch file. */
final class ScreenshotSettings {

    private ScreenshotSettings() {
    }

    static Parent load(GpuResourceConfig config, Messages messages) {
        Path file;
        try {
            file = Files.createTempDirectory("gpurm-shots-settings").resolve("config.json");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        file.toFile().getParentFile().deleteOnExit();
        SettingsViewModel vm = new SettingsViewModel(new ConfigStore(file, new MutableClock(Instant.EPOCH)), config,
                Runnable::run, new UiThread(Platform::runLater), messages,
                new SettingsViewModel.Preferences(new UiPreferencesStore(file.resolveSibling("ui.json")),
                        new AtomicReference<>(UiPreferences.defaults()), theme -> { }),
                changed -> Set.of(), new SettingsViewModel.RestartAction(() -> { }, () -> { }));
        return new ViewLoader(messages, Map.of(SettingsView.class, () -> new SettingsView(vm, () -> { })))
                .load(FxmlView.SETTINGS);
    }
}
