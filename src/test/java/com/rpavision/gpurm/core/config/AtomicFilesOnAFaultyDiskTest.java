package com.rpavision.gpurm.core.config;

import com.rpavision.gpurm.core.storage.StorageHealth;
import com.rpavision.gpurm.testing.FaultyDisk;
import com.rpavision.gpurm.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A state file written whole or not at all: a failed write keeps the old content and leaves no temp file. */
class AtomicFilesOnAFaultyDiskTest {

    @TempDir
    Path dir;

    private final FaultyDisk disk = new FaultyDisk();

    @Test
    void aWriteThatDoesNotFitKeepsTheOldFileAndLeavesNoTempFile() throws IOException {
        Path file = dir.resolve("state.json");
        AtomicFiles.write(file, "{\"mode\":\"idle\"}".getBytes(StandardCharsets.UTF_8), null, disk);

        disk.fillLeaving(5);
        assertThatThrownBy(() -> AtomicFiles.write(file, "{\"mode\":\"recording\"}".getBytes(StandardCharsets.UTF_8), null, disk))
                .hasMessage("No space left on device");

        assertThat(file).hasContent("{\"mode\":\"idle\"}");
        assertThat(filesIn(dir)).containsExactly("state.json");
    }

    @Test
    void aReadOnlyFolderLeavesNoTempFileEither() throws IOException {
        Path file = dir.resolve("state.json");
        disk.readOnly();

        assertThatThrownBy(() -> AtomicFiles.write(file, new byte[]{'1'}, null, disk)).hasMessageContaining("Read-only file system");

        assertThat(filesIn(dir)).isEmpty();
    }

    @Test
    void aConfigThatCannotBeSavedIsToldToTheStorageHealthAndASaveThatLandsEndsIt() throws Exception {
        StorageHealth storage = new StorageHealth(new MutableClock(Instant.parse("2026-11-30T08:00:00Z")));
        Path folder = dir.resolve("config");
        Files.writeString(folder, "a file where the folder should be"); // fails for root too, unlike permissions
        Path file = folder.resolve("config.json");
        ConfigStore store = new ConfigStore(file, java.time.Clock.systemUTC(), storage);

        assertThatThrownBy(() -> store.save(GpuResourceConfig.defaults())).isInstanceOf(ConfigException.class);
        assertThat(storage.failure()).hasValueSatisfying(f -> assertThat(f.file()).isEqualTo(file.toAbsolutePath()));

        Files.delete(folder);
        store.save(GpuResourceConfig.defaults());
        assertThat(storage.failure()).isEmpty();
    }

    private static java.util.List<String> filesIn(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
