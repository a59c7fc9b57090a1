package com.rpavision.gpurm.ui.settings;

import com.rpavision.gpurm.core.config.ConfigException;
import com.rpavision.gpurm.core.config.ConfigKey;
import com.rpavision.gpurm.core.config.ConfigStore;
import com.rpavision.gpurm.core.config.GpuResourceConfig;
import com.rpavision.gpurm.core.config.JsonObjectText;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.UiThread;
import com.rpavision.gpurm.ui.prefs.StartAtLogin;
import com.rpavision.gpurm.ui.prefs.UiPreferences;
import com.rpavision.gpurm.ui.prefs.UiPreferencesStore;
import javafx.beans.property.BooleanProperty;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleBooleanProperty;
import javafx.beans.property.SimpleObjectProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.beans.property.StringProperty;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.concurrent.Executor;
import java.util.stream.Collectors;

/**
 * Edits every key of the configuration file, checks each as it is typed, and saves through the core's atomic
 * config store. The running manager keeps its configuration, so saving says which changes need a restart, and
 * then offers one.
 */
public final class SettingsViewModel {

    /** One configuration key being edited. */
    public static final class Field {
        private final ConfigKey key;
        private final String label;
        private final String help;
        private final StringProperty text = new SimpleStringProperty();
        private final ReadOnlyStringWrapper error = new ReadOnlyStringWrapper("");

        Field(ConfigKey key, String label, String help, String value) {
            this.key = key;
            this.label = label;
            this.help = help;
            this.text.set(value);
        }

        public ConfigKey key() { return key; }
        public String label() { return label; }
        public String help() { return help; }
        public StringProperty textProperty() { return text; }
        public ReadOnlyStringProperty errorProperty() { return error.getReadOnlyProperty(); }
        /** Not among what an operator changes day to day: shown under "Advanced", folded. */
        public boolean advanced() { return !GENERAL.contains(key); }
    }

    /** What an operator changes: where Ollama is, which VLM, when it is unloaded, what autopilot allows. */
    private static final Set<ConfigKey> GENERAL = java.util.EnumSet.of(ConfigKey.OLLAMA_ENDPOINT, ConfigKey.VLM_MODEL,
            ConfigKey.IDLE_TIMEOUT_SECONDS, ConfigKey.AUTOPILOT_BLOCKS_VLM, ConfigKey.VRAM_THRESHOLD_FOR_CLIP_GPU_MB,
            ConfigKey.RESTORE_MODE_AFTER_CLEAN_STOP);

    /** Read only when the app next starts, after the quit it is about: saved is applied, no restart to ask for. */
    private static final Set<ConfigKey> FOR_THE_NEXT_START = java.util.EnumSet.of(ConfigKey.RESTORE_MODE_AFTER_CLEAN_STOP);

    private final ConfigStore store;
    private final Executor background;
    private final UiThread ui;
    private final Messages messages;
    private final List<Field> fields = new ArrayList<>();
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper saving = new ReadOnlyBooleanWrapper();
    private GpuResourceConfig saved;
    private final Function<GpuResourceConfig, Set<ConfigKey>> applyLive;
    private final ObjectProperty<UiPreferences.Theme> theme = new SimpleObjectProperty<>();
    private final ObjectProperty<UiPreferences.Language> language = new SimpleObjectProperty<>();
    private final ReadOnlyStringWrapper appearanceStatus = new ReadOnlyStringWrapper("");
    private final BooleanProperty startAtLogin = new SimpleBooleanProperty();
    private final boolean startAtLoginAvailable;
    private boolean revertingStartAtLogin;
    private final RestartAction restart;
    private final UiPreferences.Language startedIn;
    private boolean savedChangeNeedsRestart;
    private final ReadOnlyBooleanWrapper restartOffered = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper restarting = new ReadOnlyBooleanWrapper();

    /**
     * "Restart now": {@code newInstance} is started in the background, then, once it runs, {@code quit} (on the
     * UI thread) takes the app's one way out, as the tray's Quit does.
     */
    public record RestartAction(NewInstance newInstance, Runnable quit) {
    }

    /**
     * @param preferences the panel's own preferences; a theme change is applied at once through {@code applyTheme},
     *                    a language change at the next start
     */
    public SettingsViewModel(ConfigStore store, GpuResourceConfig current, Executor background, UiThread ui, Messages messages,
                             Preferences preferences, Function<GpuResourceConfig, Set<ConfigKey>> applyLive,
                             RestartAction restart) {
        this.store = store;
        this.restart = restart;
        this.applyLive = applyLive;
        this.saved = current;
        this.background = background;
        this.ui = ui;
        this.messages = messages;
        for (ConfigKey key : ConfigKey.values()) {
            Field field = new Field(key, messages.get("config." + key.jsonName() + ".label"),
                    messages.get("config." + key.jsonName() + ".help"), String.valueOf(key.valueIn(current)));
            field.text.addListener((o, old, now) -> {
                field.error.set(problem(key, now));
                status.set("");
            });
            fields.add(field);
        }
        theme.set(preferences.current().get().theme());
        language.set(preferences.current().get().language());
        startedIn = language.get();
        theme.addListener((o, old, now) -> {
            preferences.current().updateAndGet(p -> p.withTheme(now));
            preferences.applyTheme().accept(now);
            background.execute(() -> preferences.store().save(preferences.current().get()));
        });
        language.addListener((o, old, now) -> {
            preferences.current().updateAndGet(p -> p.withLanguage(now));
            appearanceStatus.set(messages.get("settings.language.restart"));
            updateRestartOffered();
            background.execute(() -> preferences.store().save(preferences.current().get()));
        });
        startAtLoginAvailable = preferences.startAtLogin().available();
        watchStartAtLogin(preferences.startAtLogin());
    }

    /** Where the panel's preferences live and how a theme change is shown. */
    public record Preferences(UiPreferencesStore store, java.util.concurrent.atomic.AtomicReference<UiPreferences> current,
                              java.util.function.Consumer<UiPreferences.Theme> applyTheme, StartAtLogin startAtLogin) {
        public Preferences(UiPreferencesStore store, java.util.concurrent.atomic.AtomicReference<UiPreferences> current,
                           java.util.function.Consumer<UiPreferences.Theme> applyTheme) {
            this(store, current, applyTheme, StartAtLogin.UNAVAILABLE);
        }
    }

    /** On when the OS starts the installed panel at login; a change is written at once (registry or autostart entry). */
    public BooleanProperty startAtLoginProperty() { return startAtLogin; }
    public boolean startAtLoginAvailable() { return startAtLoginAvailable; }
    public String startAtLoginHelp() {
        return messages.get(startAtLoginAvailable ? "settings.autostart.help" : "settings.autostart.unavailable");
    }

    private void watchStartAtLogin(StartAtLogin autostart) {
        if (!startAtLoginAvailable) {
            return;
        }
        background.execute(() -> {
            boolean on = autostart.enabled();
            ui.execute(() -> quietly(() -> startAtLogin.set(on)));
        });
        startAtLogin.addListener((o, old, now) -> {
            if (revertingStartAtLogin) {
                return;
            }
            background.execute(() -> {
                try {
                    autostart.set(now);
                    ui.execute(() -> appearanceStatus.set(messages.get(now ? "settings.autostart.on" : "settings.autostart.off")));
                } catch (IOException e) {
                    ui.execute(() -> {
                        quietly(() -> startAtLogin.set(!now));
                        appearanceStatus.set(messages.get("settings.autostart.failed", e.getMessage()));
                    });
                }
            });
        });
    }

    private void quietly(Runnable change) {
        revertingStartAtLogin = true;
        try {
            change.run();
        } finally {
            revertingStartAtLogin = false;
        }
    }

    public ObjectProperty<UiPreferences.Theme> themeProperty() { return theme; }
    public ObjectProperty<UiPreferences.Language> languageProperty() { return language; }
    public ReadOnlyStringProperty appearanceStatusProperty() { return appearanceStatus.getReadOnlyProperty(); }

    public String label(Enum<?> choice) {
        String kind = choice instanceof UiPreferences.Theme ? "theme" : "language";
        return messages.get("settings." + kind + "." + choice.name());
    }

    public List<Field> fields() { return fields; }
    public ReadOnlyStringProperty statusProperty() { return status.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty savingProperty() { return saving.getReadOnlyProperty(); }

    public String intro() {
        return messages.get("settings.intro", store.file());
    }

    /** The operator's words for what is wrong with a value, or "" when it is fine. */
    private String problem(ConfigKey key, String text) {
        String value = text == null ? "" : text.trim();
        if (key.isBoolean()) {
            return value.equals("true") || value.equals("false") ? "" : messages.get("settings.error.boolean");
        }
        if (key.isInteger()) {
            try {
                int number = Integer.parseInt(value);
                return key.check(number).isPresent() ? messages.get("settings.error.range", key.min(), key.max()) : "";
            } catch (NumberFormatException e) {
                return messages.get("settings.error.integer", key.min(), key.max());
            }
        }
        if (key.isJsonObject()) {
            return JsonObjectText.parse(value).isPresent() ? "" : messages.get("settings.error.object");
        }
        if (key.check(value).isEmpty()) {
            return "";
        }
        return messages.get(key == ConfigKey.OLLAMA_ENDPOINT ? "settings.error.url" : "settings.error.empty");
    }

    public void save() {
        boolean valid = true;
        for (Field field : fields) {
            field.error.set(problem(field.key, field.text.get()));
            valid &= field.error.get().isEmpty();
        }
        if (!valid) {
            status.set(messages.get("settings.invalid"));
            return;
        }
        GpuResourceConfig edited = build();
        List<Field> changed = fields.stream().filter(f -> !f.key.valueIn(edited).equals(f.key.valueIn(saved))).toList();
        if (changed.isEmpty()) {
            status.set(messages.get("settings.unchanged"));
            return;
        }
        saving.set(true);
        background.execute(() -> {
            String failure = null;
            Set<ConfigKey> live = Set.of();
            try {
                store.save(edited);
                live = new java.util.HashSet<>(applyLive.apply(edited));
                live.addAll(FOR_THE_NEXT_START);
            } catch (ConfigException e) {
                failure = e.getMessage();
            }
            String problem = failure;
            Set<ConfigKey> applied = live;
            ui.execute(() -> {
                saving.set(false);
                if (problem == null) {
                    saved = edited;
                    status.set(savedMessage(changed, applied));
                    savedChangeNeedsRestart |= changed.stream().anyMatch(f -> !applied.contains(f.key));
                    updateRestartOffered();
                } else {
                    status.set(problem);
                }
            });
        });
    }

    /** On once a saved change or the language waits for a restart. */
    public ReadOnlyBooleanProperty restartOfferedProperty() { return restartOffered.getReadOnlyProperty(); }
    /** On while the new instance is being started. */
    public ReadOnlyBooleanProperty restartingProperty() { return restarting.getReadOnlyProperty(); }

    private void updateRestartOffered() {
        restartOffered.set(savedChangeNeedsRestart || language.get() != startedIn);
    }

    /** Starts a new instance, then quits; when it cannot be started, this one stays and says why. */
    public void restartNow() {
        if (restarting.get()) {
            return;
        }
        restarting.set(true);
        status.set(messages.get("settings.restart.starting"));
        background.execute(() -> {
            try {
                restart.newInstance().start();
            } catch (IOException | RuntimeException e) {
                String reason = e.getMessage() != null ? e.getMessage() : e.toString();
                ui.execute(() -> {
                    restarting.set(false);
                    status.set(messages.get("settings.restart.failed", reason));
                });
                return;
            }
            ui.execute(restart.quit());
        });
    }

    private String savedMessage(List<Field> changed, Set<ConfigKey> applied) {
        String now = changed.stream().filter(f -> applied.contains(f.key)).map(Field::label).collect(Collectors.joining(", "));
        String later = changed.stream().filter(f -> !applied.contains(f.key)).map(Field::label).collect(Collectors.joining(", "));
        if (later.isEmpty()) {
            return messages.get("settings.saved.live", now);
        }
        return now.isEmpty() ? messages.get("settings.saved", later) : messages.get("settings.saved.mixed", now, later);
    }

    private GpuResourceConfig build() {
        GpuResourceConfig.Builder builder = GpuResourceConfig.builder();
        Map<ConfigKey, String> values = fields.stream().collect(Collectors.toMap(f -> f.key, f -> f.text.get().trim()));
        values.forEach((key, text) -> builder.set(key, key.isBoolean() ? (Object) Boolean.parseBoolean(text)
                : key.isInteger() ? (Object) Integer.parseInt(text)
                : key.isJsonObject() ? JsonObjectText.parse(text).orElseThrow() : text));
        return builder.build();
    }
}
