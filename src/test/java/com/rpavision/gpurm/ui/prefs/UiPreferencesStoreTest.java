package com.rpavision.gpurm.ui.prefs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class UiPreferencesStoreTest {

    @TempDir
    Path dir;

    @Test
    void windowPlacementThemeAndLanguageSurviveARestart() {
        UiPreferencesStore store = new UiPreferencesStore(dir.resolve("ui-preferences.json"));
        UiPreferences p = UiPreferences.defaults().withTheme(UiPreferences.Theme.DARK)
                .withLanguage(UiPreferences.Language.FR).withWindow(120, 80, 1400, 900, false);
        store.save(p);
        assertThat(store.load()).isEqualTo(p);
    }

    @Test
    void aMissingOrDamagedFileGivesTheDefaultsAndNeverFails() throws Exception {
        UiPreferencesStore store = new UiPreferencesStore(dir.resolve("ui-preferences.json"));
        assertThat(store.load()).isEqualTo(UiPreferences.defaults());
        Files.writeString(dir.resolve("ui-preferences.json"), "{\"theme\": \"PURPLE\", \"window_width\": 10, \"windo");
        assertThat(store.load()).isEqualTo(UiPreferences.defaults());
        Files.writeString(dir.resolve("ui-preferences.json"), "{\"theme\": \"PURPLE\", \"window_width\": 10}");
        assertThat(store.load().theme()).isEqualTo(UiPreferences.Theme.SYSTEM);
        assertThat(store.load().windowWidth()).as("never too small to use").isEqualTo(400);
    }
}
