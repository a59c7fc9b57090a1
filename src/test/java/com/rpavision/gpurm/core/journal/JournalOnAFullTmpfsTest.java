package com.rpavision.gpurm.core.journal;

import com.rpavision.gpurm.core.config.AtomicFiles;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.core.storage.FileChannels;
import com.rpavision.gpurm.core.storage.StorageHealth;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The real thing where the test may mount (root on Linux): a 64 KiB tmpfs filled up, the kernel's own ENOSPC.
 * Skipped elsewhere; {@link JournalOnAFaultyDiskTest} covers the same with a fault-injecting file store.
 */
class JournalOnAFullTmpfsTest {

    private static final Instant T0 = Instant.parse("2026-11-30T08:00:00Z");

    @TempDir
    Path dir;
    private Path volume;
    private boolean mounted;

    @BeforeEach
    void mountASmallTmpfs() throws Exception {
        assumeTrue(System.getProperty("os.name", "").startsWith("Linux"), "tmpfs is Linux's");
        volume = Files.createDirectory(dir.resolve("volume"));
        mounted = run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", volume.toString());
        assumeTrue(mounted, "cannot mount a tmpfs here (not root, or no mount rights in this container)");
    }

    @AfterEach
    void unmount() throws Exception {
        if (mounted) {
            run("umount", volume.toString());
        }
    }

    @Test
    void aFullVolumeRaisesTheFailureKeepsTheJournalParseableAndRoomAgainEndsIt() throws IOException {
        StorageHealth storage = new StorageHealth(Clock.fixed(T0, java.time.ZoneOffset.UTC));
        Journal journal = new Journal(volume.resolve("journal"), 1 << 20, 3, FileChannels.SYSTEM, storage);
        journal.append(event(0));
        Path filler = fillUp(volume.resolve("filler"));

        int written = 1;
        while (storage.failure().isEmpty() && written < 500) { // the journal's last block fills, then ENOSPC
            journal.append(event(written));
            if (storage.failure().isEmpty()) {
                written++;
            }
        }

        assertThat(storage.failure()).hasValueSatisfying(f -> assertThat(f.problem()).isEqualTo("No space left on device"));
        assertThat(journal.read(Instant.EPOCH)).as("every entry written, none torn").hasSize(written);
        assertThat(Files.readString(journal.current(), StandardCharsets.UTF_8)).endsWith("\n");

        Files.delete(filler);
        journal.append(event(written));

        assertThat(storage.failure()).isEmpty();
        assertThat(journal.read(Instant.EPOCH)).hasSize(written + 1);
    }

    @Test
    void aReplacementThatDoesNotFitKeepsTheOldFileAndLeavesNoTempFile() throws IOException {
        Path state = volume.resolve("state.json");
        AtomicFiles.write(state, "{\"mode\":\"recording\"}".getBytes(StandardCharsets.UTF_8));
        fillUp(volume.resolve("filler"));

        assertThatThrownBy(() -> AtomicFiles.write(state, new byte[8192])).isInstanceOf(IOException.class);

        assertThat(state).hasContent("{\"mode\":\"recording\"}");
        try (Stream<Path> files = Files.list(volume)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("state.json", "filler");
        }
    }

    private static ResourceChangedEvent event(int n) {
        return new ResourceChangedEvent(T0.plusSeconds(n), EventType.MODEL_LOADED,
                Map.of("model", "qwen3-vl:8b", "duration_ms", 38_000 + n));
    }

    /** Writes {@code file} until the volume is full. */
    private static Path fillUp(Path file) throws IOException {
        try (OutputStream out = Files.newOutputStream(file)) {
            byte[] block = new byte[1024];
            for (int i = 0; i < 1024; i++) {
                out.write(block);
                out.flush();
            }
        } catch (IOException full) {
            return file;
        }
        throw new IllegalStateException("a 64 KiB tmpfs took 1 MiB");
    }

    private static boolean run(String... command) throws Exception {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException noSuchCommand) {
            return false;
        }
    }
}
