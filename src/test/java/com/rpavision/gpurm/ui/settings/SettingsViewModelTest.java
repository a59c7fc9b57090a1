package com.rpavision.gpurm.ui.settings;

import com.rpavision.gpurm.core.config.ConfigKey;
import com.rpavision.gpurm.core.config.ConfigStore;
import com.rpavision.gpurm.core.config.GpuResourceConfig;
import com.rpavision.gpurm.testing.MutableClock;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.UiThread;
import com.rpavision.gpurm.ui.prefs.UiPreferences;
import com.rpavision.gpurm.ui.prefs.UiPreferencesStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class SettingsViewModelTest {

    @TempDir
    Path dir;

    private SettingsViewModel viewModel(Path file, Locale locale) {
        ConfigStore store = new ConfigStore(file, new MutableClock(Instant.EPOCH));
        return new SettingsViewModel(store, GpuResourceConfig.defaults(), Runnable::run, new UiThread(Runnable::run),
                new Messages(locale), preferences(),
                config -> config.idleTimeoutSeconds() != 300 ? java.util.Set.of(ConfigKey.IDLE_TIMEOUT_SECONDS) : java.util.Set.of(),
                restarts.action());
    }

    /** Stands for the app's restart: counts new instances started and quits; can be told to fail to start one. */
    private static final class FakeRestart {
        int started;
        int quits;
        String refusal;

        SettingsViewModel.RestartAction action() {
            return new SettingsViewModel.RestartAction(() -> {
                if (refusal != null) {
                    throw new java.io.IOException(refusal);
                }
                started++;
            }, () -> quits++);
        }
    }

    private final FakeRestart restarts = new FakeRestart();

    private final java.util.List<UiPreferences.Theme> appliedThemes = new java.util.ArrayList<>();
    private final java.util.concurrent.atomic.AtomicReference<UiPreferences> prefs =
            new java.util.concurrent.atomic.AtomicReference<>(UiPreferences.defaults());

    private SettingsViewModel.Preferences preferences() {
        return new SettingsViewModel.Preferences(new UiPreferencesStore(dir.resolve("ui-preferences.json")), prefs, appliedThemes::add);
    }

    @Test
    void aThemeChangeIsAppliedAtOnceAndRememberedALanguageChangeAtTheNextStart() {
        SettingsViewModel vm = viewModel(dir.resolve("config.json"), Locale.ENGLISH);
        vm.themeProperty().set(UiPreferences.Theme.DARK);
        vm.languageProperty().set(UiPreferences.Language.FR);

        assertThat(appliedThemes).containsExactly(UiPreferences.Theme.DARK);
        assertThat(vm.appearanceStatusProperty().get()).isEqualTo("The language changes when the app restarts.");
        UiPreferences saved = new UiPreferencesStore(dir.resolve("ui-preferences.json")).load();
        assertThat(saved.theme()).isEqualTo(UiPreferences.Theme.DARK);
        assertThat(saved.language()).isEqualTo(UiPreferences.Language.FR);
        assertThat(vm.label(UiPreferences.Theme.SYSTEM)).isEqualTo("Follow the system");
    }

    /** The OS side of "start at login", in memory; it can be told to refuse. */
    private static final class FakeStartAtLogin implements com.rpavision.gpurm.ui.prefs.StartAtLogin {
        boolean on;
        String refusal;

        @Override public boolean available() { return true; }
        @Override public boolean enabled() { return on; }
        @Override public void set(boolean enabled) throws java.io.IOException {
            if (refusal != null) {
                throw new java.io.IOException(refusal);
            }
            on = enabled;
        }
    }

    private SettingsViewModel viewModelWith(FakeStartAtLogin autostart) {
        return new SettingsViewModel(new ConfigStore(dir.resolve("config.json"), new MutableClock(Instant.EPOCH)),
                GpuResourceConfig.defaults(), Runnable::run, new UiThread(Runnable::run), new Messages(Locale.ENGLISH),
                new SettingsViewModel.Preferences(new UiPreferencesStore(dir.resolve("ui-preferences.json")), prefs,
                        appliedThemes::add, autostart), config -> java.util.Set.of(), restarts.action());
    }

    @Test
    void startAtLoginShowsWhatTheOsHasAndWritesAChangeAtOnce() {
        FakeStartAtLogin autostart = new FakeStartAtLogin();
        autostart.on = true;
        SettingsViewModel vm = viewModelWith(autostart);
        assertThat(vm.startAtLoginAvailable()).isTrue();
        assertThat(vm.startAtLoginProperty().get()).isTrue();

        vm.startAtLoginProperty().set(false);

        assertThat(autostart.on).isFalse();
        assertThat(vm.appearanceStatusProperty().get()).isEqualTo("The panel will no longer start when you log in.");
    }

    @Test
    void aRefusedStartAtLoginChangeIsUndoneAndExplained() {
        FakeStartAtLogin autostart = new FakeStartAtLogin();
        autostart.refusal = "Access is denied.";
        SettingsViewModel vm = viewModelWith(autostart);

        vm.startAtLoginProperty().set(true);

        assertThat(vm.startAtLoginProperty().get()).isFalse();
        assertThat(autostart.on).isFalse();
        assertThat(vm.appearanceStatusProperty().get()).isEqualTo("Start at login not changed: Access is denied.");
    }

    @Test
    void aBuildFromTheSourceTreeDoesNotOfferStartAtLogin() {
        SettingsViewModel vm = viewModel(dir.resolve("config.json"), Locale.ENGLISH);
        assertThat(vm.startAtLoginAvailable()).isFalse();
        assertThat(vm.startAtLoginHelp()).contains("installed app only");
    }

    private static SettingsViewModel.Field field(SettingsViewModel vm, ConfigKey key) {
        return vm.fields().stream().filter(f -> f.key() == key).findFirst().orElseThrow();
    }

    @Test
    void everyKeyOfTheFileIsEditable() {
        SettingsViewModel vm = viewModel(dir.resolve("config.json"), Locale.ENGLISH);
        assertThat(vm.fields()).extracting(SettingsViewModel.Field::key).containsExactly(ConfigKey.values());
        assertThat(vm.fields()).allSatisfy(f -> {
            assertThat(f.label()).doesNotStartWith("!");
            assertThat(f.help()).doesNotStartWith("!");
        });
    }

    @Test
    void theVisionModelsHelpSaysPlainlyWhatOllamaDoesWithANameWithoutATag() {
        SettingsViewModel en = viewModel(dir.resolve("config.json"), Locale.ENGLISH);
        assertThat(field(en, ConfigKey.VLM_MODEL).help())
                .contains("qwen3-vl:8b", "Without a tag after the colon, Ollama adds :latest")
                .doesNotContain("means :latest");
        SettingsViewModel fr = viewModel(dir.resolve("config.json"), Locale.FRENCH);
        assertThat(field(fr, ConfigKey.VLM_MODEL).help())
                .contains("qwen3-vl:8b", "Sans étiquette après les deux-points, Ollama ajoute\u00a0:latest");
    }

    @Test
    void aBadValueIsExplainedAtOnceAndAFixClearsIt() {
        SettingsViewModel vm = viewModel(dir.resolve("config.json"), Locale.ENGLISH);
        SettingsViewModel.Field idle = field(vm, ConfigKey.IDLE_TIMEOUT_SECONDS);

        idle.textProperty().set("five minutes");
        assertThat(idle.errorProperty().get()).isEqualTo("A whole number between 0 and 86,400.");
        idle.textProperty().set("-5");
        assertThat(idle.errorProperty().get()).isEqualTo("Between 0 and 86,400.");
        field(vm, ConfigKey.OLLAMA_ENDPOINT).textProperty().set("localhost:11434");
        assertThat(field(vm, ConfigKey.OLLAMA_ENDPOINT).errorProperty().get()).contains("http(s)");

        vm.save();
        assertThat(vm.statusProperty().get()).isEqualTo("Fix the fields marked in red first.");
        assertThat(Files.exists(dir.resolve("config.json"))).as("nothing written while invalid").isFalse();

        idle.textProperty().set("120");
        assertThat(idle.errorProperty().get()).isEmpty();
    }

    @Test
    void savingWritesTheFileAndSaysWhatNeedsARestart() throws Exception {
        Path file = dir.resolve("config.json");
        SettingsViewModel vm = viewModel(file, Locale.ENGLISH);
        field(vm, ConfigKey.IDLE_TIMEOUT_SECONDS).textProperty().set("120");
        field(vm, ConfigKey.VLM_MODEL).textProperty().set("llava:13b");

        vm.save();

        assertThat(vm.statusProperty().get())
                .isEqualTo("Saved. Applied now: Idle unload (s). Restart the app to apply: Vision model.");
        GpuResourceConfig written = new ConfigStore(file, new MutableClock(Instant.EPOCH)).load().config();
        assertThat(written.idleTimeoutSeconds()).isEqualTo(120);
        assertThat(written.vlmModel()).isEqualTo("llava:13b");
        vm.save();
        assertThat(vm.statusProperty().get()).isEqualTo("Nothing changed.");
    }

    @Test
    void aChangeTheManagerTakesLiveSaysSo() {
        SettingsViewModel vm = viewModel(dir.resolve("config.json"), Locale.ENGLISH);
        field(vm, ConfigKey.IDLE_TIMEOUT_SECONDS).textProperty().set("600");
        vm.save();
        assertThat(vm.statusProperty().get()).isEqualTo("Saved and applied: Idle unload (s).");
    }

    @Test
    void theRestoreAfterAQuitIsForTheNextStartSoNoRestartIsAskedFor() {
        SettingsViewModel vm = viewModel(dir.resolve("config.json"), Locale.ENGLISH);
        SettingsViewModel.Field restore = field(vm, ConfigKey.RESTORE_MODE_AFTER_CLEAN_STOP);
        assertThat(restore.advanced()).as("in General").isFalse();
        restore.textProperty().set("false");
        vm.save();
        assertThat(vm.statusProperty().get()).isEqualTo("Saved and applied: Restore the mode after a quit.");
        assertThat(vm.restartOfferedProperty().get()).isFalse();
        assertThat(new ConfigStore(dir.resolve("config.json"), new MutableClock(Instant.EPOCH)).load().config()
                .restoreModeAfterCleanStop()).isFalse();
    }

    @Test
    void aFileThatCannotBeWrittenIsReportedAndTheEditsStay() throws Exception {
        Path blocker = dir.resolve("not-a-folder");
        Files.writeString(blocker, "");
        SettingsViewModel vm = viewModel(blocker.resolve("config.json"), Locale.ENGLISH);
        field(vm, ConfigKey.GPU_INDEX).textProperty().set("1");

        vm.save();

        assertThat(vm.statusProperty().get()).startsWith("Cannot write the configuration to");
        assertThat(field(vm, ConfigKey.GPU_INDEX).textProperty().get()).isEqualTo("1");
    }

    @Test
    void inFrench() {
        SettingsViewModel vm = viewModel(dir.resolve("config.json"), Locale.FRENCH);
        SettingsViewModel.Field idle = field(vm, ConfigKey.IDLE_TIMEOUT_SECONDS);
        idle.textProperty().set("x");
        assertThat(idle.label()).isEqualTo("Déchargement inactif (s)");
        assertThat(idle.errorProperty().get()).isEqualTo("Un nombre entier entre 0 et 86\u202f400.");
    }

    @Test
    void restartIsOfferedOnlyOnceASavedChangeNeedsOneAndThenStartsANewInstanceBeforeQuitting() {
        SettingsViewModel vm = viewModel(dir.resolve("config.json"), Locale.ENGLISH);
        assertThat(vm.restartOfferedProperty().get()).as("nothing changed yet").isFalse();

        field(vm, ConfigKey.IDLE_TIMEOUT_SECONDS).textProperty().set("600");
        vm.save();
        assertThat(vm.restartOfferedProperty().get()).as("applied live: no restart needed").isFalse();

        field(vm, ConfigKey.VLM_MODEL).textProperty().set("llava:13b");
        assertThat(vm.restartOfferedProperty().get()).as("not before it is saved").isFalse();
        vm.save();
        assertThat(vm.restartOfferedProperty().get()).isTrue();

        vm.restartNow();

        assertThat(restarts.started).isEqualTo(1);
        assertThat(restarts.quits).isEqualTo(1);
        assertThat(vm.restartingProperty().get()).as("stays off until the app has gone").isTrue();
    }

    @Test
    void aLanguageChangeOffersARestartAndChangingItBackWithdrawsTheOffer() {
        SettingsViewModel vm = viewModel(dir.resolve("config.json"), Locale.ENGLISH);

        vm.languageProperty().set(UiPreferences.Language.FR);
        assertThat(vm.restartOfferedProperty().get()).isTrue();
        vm.languageProperty().set(UiPreferences.Language.SYSTEM);
        assertThat(vm.restartOfferedProperty().get()).isFalse();
    }

    @Test
    void aNewInstanceThatCannotBeStartedLeavesThisOneRunningAndSaysWhy() {
        restarts.refusal = "Cannot run program \"/opt/gpu-resource-manager/bin/gpu-resource-manager\": error=2, No such file or directory";
        SettingsViewModel vm = viewModel(dir.resolve("config.json"), Locale.ENGLISH);
        field(vm, ConfigKey.GPU_INDEX).textProperty().set("1");
        vm.save();

        vm.restartNow();

        assertThat(restarts.quits).as("the app does not quit").isZero();
        assertThat(vm.statusProperty().get()).isEqualTo("Could not restart: " + restarts.refusal);
        assertThat(vm.restartingProperty().get()).as("can be tried again").isFalse();
        assertThat(vm.restartOfferedProperty().get()).isTrue();
    }

    @Test
    void theRestartFailureInFrench() {
        restarts.refusal = "refus";
        SettingsViewModel vm = viewModel(dir.resolve("config.json"), Locale.FRENCH);
        vm.restartNow();
        assertThat(vm.statusProperty().get()).isEqualTo("Red\u00e9marrage impossible\u00a0: refus");
    }
}
