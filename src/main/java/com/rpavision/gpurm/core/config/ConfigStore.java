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
 * Loads and saves the configuration file. Never overwrites anything silently: the panel's {@link #load} moves a
 * file it cannot use aside as {@code config.json.corrupt-<timestamp>} and runs on defaults, with a warning saying
 * so; a service's {@link #loadOrFail} leaves it untouched and fails; {@link #check} only reads.
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
        Optional<byte[]> bytes;
        try {
            bytes = read();
        } catch (IOException e) {
            return new ConfigLoadResult(GpuResourceConfig.defaults(), List.of("Cannot read " + file + " (" + describe(e)
                    + "); running on defaults. Fix its permissions and restart."), Optional.empty());
        }
        if (bytes.isEmpty()) {
            return defaultsWritten();
        }
        try {
            return new ConfigLoadResult(codec.fromJson(decodeUtf8(bytes.get())), List.of(), Optional.empty());
        } catch (ConfigException e) {
            return quarantine(e.getMessage(), new ArrayList<>());
        }
    }

    /**
     * For a service, which must not run on other ports than its clients expect: a file that cannot be read or
     * used is an error, and stays as it is. A missing file is written with the defaults, as {@link #load} does.
     */
    public ConfigLoadResult loadOrFail() throws ConfigException {
        Optional<byte[]> bytes;
        try {
            bytes = read();
        } catch (IOException e) {
            throw new ConfigException("cannot read it (" + describe(e) + ")", e);
        }
        return bytes.isEmpty() ? defaultsWritten()
                : new ConfigLoadResult(codec.fromJson(decodeUtf8(bytes.get())), List.of(), Optional.empty());
    }

    /** What the file holds, every problem of it, without writing or moving anything. */
    public ConfigCheck check() {
        Optional<byte[]> bytes;
        try {
            bytes = read();
        } catch (IOException e) {
            return new ConfigCheck(file, true, Optional.empty(), List.of("cannot read it (" + describe(e) + ")"));
        }
        if (bytes.isEmpty()) {
            return new ConfigCheck(file, false, Optional.empty(), List.of());
        }
        try {
            return new ConfigCheck(file, true, Optional.of(codec.fromJson(decodeUtf8(bytes.get()))), List.of());
        } catch (ConfigException e) {
            return new ConfigCheck(file, true, Optional.empty(), e.problems());
        }
    }

    /** The file's bytes; empty when there is no file. */
    private Optional<byte[]> read() throws IOException {
        try {
            return Optional.of(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    private ConfigLoadResult defaultsWritten() {
        List<String> warnings = new ArrayList<>();
        writeDefaults(warnings);
        return new ConfigLoadResult(GpuResourceConfig.defaults(), warnings, Optional.empty());
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
