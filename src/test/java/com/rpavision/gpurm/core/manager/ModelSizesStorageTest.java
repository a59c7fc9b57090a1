package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.storage.StorageHealth;
import com.rpavision.gpurm.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ModelSizesStorageTest {

    @TempDir
    Path dir;

    @Test
    void aSizeThatCouldNotBeSavedIsSavedWithTheNextOneHeardEvenIfUnchanged() throws Exception {
        StorageHealth storage = new StorageHealth(new MutableClock(Instant.parse("2026-11-30T08:00:00Z")));
        Path folder = dir.resolve("data");
        Files.writeString(folder, "a file where the folder should be");
        Path file = folder.resolve("model-sizes.json");
        ModelSizes sizes = ModelSizes.persistedIn(file, storage);

        sizes.remember("qwen3-vl:8b", 10_500);
        assertThat(storage.failure()).hasValueSatisfying(f -> assertThat(f.file()).isEqualTo(file.toAbsolutePath()));

        Files.delete(folder);
        sizes.remember("qwen3-vl:8b", 10_500); // the same size: written anyway, the last write had failed

        assertThat(storage.failure()).isEmpty();
        assertThat(ModelSizes.persistedIn(file).vramMb("qwen3-vl:8b")).hasValue(10_500);
    }
}
