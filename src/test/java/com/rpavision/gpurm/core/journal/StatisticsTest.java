package com.rpavision.gpurm.core.journal;

import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ExecutionMode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StatisticsTest {

    private static final Instant DAY = Instant.parse("2026-11-30T00:00:00Z");

    private static JournalEntry at(String time, EventType type, Map<String, Object> details) {
        return new JournalEntry(Instant.parse("2026-11-30T" + time + "Z"), type, details);
    }

    @Test
    void timeInModeLoadsIdleUnloadsAndDegradedTimeOverOneDay() {
        List<JournalEntry> journal = List.of(
                new JournalEntry(DAY.minusSeconds(3_600), EventType.MODE_CHANGED, Map.of("from", "idle", "to", "autopilot")),
                at("08:00:00", EventType.MODE_CHANGED, Map.of("from", "autopilot", "to", "recording")),
                at("08:00:40", EventType.MODEL_LOADED, Map.of("duration_ms", 40_000)),
                at("10:00:00", EventType.MODE_CHANGED, Map.of("from", "recording", "to", "idle")),
                at("10:05:00", EventType.IDLE_UNLOAD, Map.of("idle_seconds", 300)),
                at("11:00:00", EventType.MODEL_LOADED, Map.of("duration_ms", 10_000)),
                at("12:00:00", EventType.DEGRADED_ON, Map.of()),
                at("12:30:00", EventType.DEGRADED_OFF, Map.of()),
                at("13:00:00", EventType.MODEL_LOADED, Map.of("duration_ms", 20_000)),
                at("13:30:00", EventType.MODEL_LOADED, Map.of("reason", "loaded_outside")), // adopted: no load time
                at("14:00:00", EventType.DEVICE_CHANGED, Map.of("to", "cuda")));

        Statistics day = Statistics.of(journal, DAY, DAY.plus(Duration.ofDays(1)));

        assertThat(day.timeInMode()).containsEntry(ExecutionMode.AUTOPILOT, Duration.ofHours(8))
                .containsEntry(ExecutionMode.RECORDING, Duration.ofHours(2))
                .containsEntry(ExecutionMode.IDLE, Duration.ofHours(14));
        assertThat(day.loads()).isEqualTo(3);
        assertThat(day.loadP50()).isEqualTo(Duration.ofSeconds(20));
        assertThat(day.loadP95()).isEqualTo(Duration.ofSeconds(40));
        assertThat(day.idleUnloads()).isEqualTo(1);
        assertThat(day.degraded()).isEqualTo(Duration.ofMinutes(30));
        assertThat(day.clipMoves()).isEqualTo(1);
    }

    @Test
    void loadTimesAreTheManagersOwnLoadsOfThatModelOldestFirst() {
        List<JournalEntry> journal = List.of(
                at("08:00:40", EventType.MODEL_LOADED, Map.of("model", "qwen3-vl:8b", "duration_ms", 40_000)),
                at("09:00:00", EventType.MODEL_LOADED, Map.of("model", "llama3:8b", "duration_ms", 3_000)),
                at("09:30:00", EventType.MODEL_LOADED, Map.of("model", "qwen3-vl:8b", "reason", "loaded_outside")),
                at("10:00:00", EventType.MODEL_UNLOADED, Map.of("model", "qwen3-vl:8b", "duration_ms", 900)),
                at("11:00:00", EventType.MODEL_LOADED, Map.of("model", "qwen3-vl:8b", "duration_ms", 36_000)));

        assertThat(Statistics.loadTimes(journal, "qwen3-vl:8b"))
                .containsExactly(Duration.ofSeconds(40), Duration.ofSeconds(36));
    }

    @Test
    void timeWhileTheManagerWasOffCountsInNoMode() {
        List<JournalEntry> journal = List.of(
                at("08:00:00", EventType.MODE_CHANGED, Map.of("from", "off", "to", "idle")),
                at("09:00:00", EventType.MODE_CHANGED, Map.of("from", "idle", "to", "autopilot")),
                at("10:00:00", EventType.DEGRADED_ON, Map.of()),
                at("11:00:00", EventType.MODE_CHANGED, Map.of("from", "autopilot", "to", "off")),
                at("15:00:00", EventType.MODE_CHANGED, Map.of("from", "off", "to", "idle")));

        Statistics s = Statistics.of(journal, DAY, Instant.parse("2026-11-30T16:00:00Z"));

        assertThat(s.timeInMode()).containsEntry(ExecutionMode.IDLE, Duration.ofHours(2))
                .containsEntry(ExecutionMode.AUTOPILOT, Duration.ofHours(2));
        assertThat(s.degraded()).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void withoutAJournalNothingIsCounted() {
        Statistics s = Statistics.of(List.of(), DAY, DAY.plus(Duration.ofDays(1)));
        assertThat(s.timeInMode().values()).containsOnly(Duration.ZERO);
        assertThat(s.degraded()).isZero();
    }

    @Test
    void aPeriodStillDegradedAtItsEndCountsUpToTheEnd() {
        Statistics s = Statistics.of(List.of(at("23:00:00", EventType.DEGRADED_ON, Map.of())), DAY, DAY.plus(Duration.ofDays(1)));
        assertThat(s.degraded()).isEqualTo(Duration.ofHours(1));
        assertThat(s.loadP50()).isNull();
        assertThat(s.timeInMode().get(ExecutionMode.IDLE)).as("counted from the journal's first entry")
                .isEqualTo(Duration.ofHours(1));
    }
}
