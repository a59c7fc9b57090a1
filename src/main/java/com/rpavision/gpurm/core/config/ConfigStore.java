package com.rpavision.gpurm.core.config;

import com.rpavision.gpurm.core.storage.StorageHealth;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Loads and saves the configuration file. Never overwrites anything silently: a file it cannot use is moved
 * aside as {@code config.json.corrupt-<timestamp>} and the app runs on defaults, with a warning saying so.
 */
public final class ConfigStore {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final Path file;
    private final Clock clock;
    private final ConfigCodec codec = new ConfigCodec();
    private final StorageHealth storage;

    public ConfigStore(Path file, Clock clock) {
        this(file, clock, new StorageHealth(clock));
    }

    /** @param storage told how each save went (a failed one raises storage_unwritable) */
    public ConfigStore(Path file, Clock clock, StorageHealth storage) {
        this.file = file;
        this.clock = clock;
        this.storage = storage;
    }

    public Path file() {
        return file;
    }

    public ConfigLoadResult load() {
        List<String> warnings = new ArrayList<>();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            writeDefaults(warnings);
            return new ConfigLoadResult(GpuResourceConfig.defaults(), warnings, Optional.empty());
        } catch (IOException e) {
            warnings.add("Cannot read " + file + " (" + describe(e) + "); running on defaults. Fix its permissions and restart.");
            return new ConfigLoadResult(GpuResourceConfig.defaults(), warnings, Optional.empty());
        }
        try {
            return new ConfigLoadResult(codec.fromJson(decodeUtf8(bytes)), warnings, Optional.empty());
        } catch (ConfigException e) {
            return quarantine(e.getMessage(), warnings);
        }
    }

    private static String decodeUtf8(byte[] bytes) throws ConfigException {
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new ConfigException("not UTF-8 text", e);
        }
    }

    private ConfigLoadResult quarantine(String problem, List<String> warnings) {
        Path aside = file.resolveSibling(file.getFileName() + ".corrupt-" + STAMP.format(clock.instant()));
        try {
            Files.move(file, aside);
            warnings.add("The configuration " + file + " is invalid (" + problem + "). It was moved to " + aside
                    + " and the app is running on defaults; fix that file and copy it back, or edit the new one.");
            writeDefaults(warnings);
            return new ConfigLoadResult(GpuResourceConfig.defaults(), warnings, Optional.of(aside));
        } catch (IOException e) {
            warnings.add("The configuration " + file + " is invalid (" + problem + ") and could not be moved aside ("
                    + describe(e) + "); it was left untouched and the app is running on defaults.");
            return new ConfigLoadResult(GpuResourceConfig.defaults(), warnings, Optional.empty());
        }
    }

    private void writeDefaults(List<String> warnings) {
        try {
            save(GpuResourceConfig.defaults());
        } catch (ConfigException e) {
            warnings.add(e.getMessage() + " The app is running on defaults.");
        }
    }

    /** Validates and writes atomically. Throws with a message naming the key or the file problem. */
    public void save(GpuResourceConfig config) throws ConfigException {
        List<String> problems = ConfigKey.validate(config);
        if (!problems.isEmpty()) {
            throw new ConfigException("Not saved: " + String.join("; ", problems));
        }
        try {
            byte[] json = codec.toJson(config).getBytes(StandardCharsets.UTF_8);
            storage.write(file, () -> AtomicFiles.write(file, json));
        } catch (IOException e) {
            throw new ConfigException("Cannot write the configuration to " + file + " (" + describe(e)
                    + "); check that the folder exists and is writable.", e);
        }
    }

    private static String describe(IOException e) {
        String kind = e.getClass().getSimpleName().replace("Exception", "");
        return e.getMessage() == null ? kind : kind + ": " + e.getMessage();
    }
}
