package com.rpavision.gpurm.core.journal;

import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class JournalTest {

    private static final Instant T0 = Instant.parse("2026-11-30T08:00:00Z");

    @TempDir
    Path dir;

    private static ResourceChangedEvent event(int minute, EventType type, Map<String, Object> details) {
        return new ResourceChangedEvent(T0.plusSeconds(60L * minute), type, details);
    }

    @Test
    void keepsTheKindsThatMatterInOrderAndSkipsTheRest() {
        Journal journal = new Journal(dir, 1 << 20, 3);
        journal.append(event(0, EventType.MODE_CHANGED, Map.of("from", "idle", "to", "recording")));
        journal.append(event(1, EventType.VRAM_CHANGED, Map.of("used_mb", 11_000)));
        journal.append(event(2, EventType.MODEL_LOADED, Map.of("model", "qwen3-vl:8b", "duration_ms", 38_409)));

        var entries = journal.read(Instant.EPOCH);

        assertThat(entries).extracting(JournalEntry::type).containsExactly(EventType.MODE_CHANGED, EventType.MODEL_LOADED);
        assertThat(entries.get(1).longDetail("duration_ms")).isEqualTo(38_409);
        assertThat(entries.get(1).at()).isEqualTo(T0.plusSeconds(120));
        assertThat(journal.read(T0.plusSeconds(60))).hasSize(1);
    }

    @Test
    void aLineCutShortByACrashIsSkippedAndTheNextEventStillLands() throws IOException {
        Journal journal = new Journal(dir, 1 << 20, 3);
        for (int i = 0; i < 3; i++) {
            journal.append(event(i, EventType.IDLE_UNLOAD, Map.of("model", "qwen3-vl:8b", "idle_seconds", 300)));
        }
        long size = Files.size(journal.current());
        try (FileChannel file = FileChannel.open(journal.current(), StandardOpenOption.WRITE)) {
            file.truncate(size - 20); // the process died in the middle of the third line
        }
        assertThat(journal.read(Instant.EPOCH)).hasSize(2);

        journal.append(event(9, EventType.MODE_CHANGED, Map.of("from", "idle", "to", "autopilot")));

        assertThat(journal.read(Instant.EPOCH)).extracting(JournalEntry::type)
                .containsExactly(EventType.IDLE_UNLOAD, EventType.IDLE_UNLOAD, EventType.MODE_CHANGED);
    }

    @Test
    void rotatesBySizeKeepingTheNewestFiles() throws IOException {
        Journal journal = new Journal(dir, 400, 2);
        for (int i = 0; i < 40; i++) {
            journal.append(event(i, EventType.DEVICE_CHANGED, Map.of("model", "ViT-B-32", "to", i % 2 == 0 ? "cuda" : "cpu")));
        }
        assertThat(Files.size(journal.current())).isLessThanOrEqualTo(400);
        assertThat(dir.resolve("journal.1.jsonl")).exists();
        assertThat(dir.resolve("journal.2.jsonl")).exists();
        assertThat(dir.resolve("journal.3.jsonl")).doesNotExist();
        var entries = journal.read(Instant.EPOCH);
        assertThat(entries).isNotEmpty().hasSizeLessThan(40);
        assertThat(entries.get(entries.size() - 1).at()).isEqualTo(T0.plusSeconds(60L * 39));
        assertThat(entries).isSortedAccordingTo(java.util.Comparator.comparing(JournalEntry::at));
    }
}
