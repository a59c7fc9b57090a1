package com.rpavision.gpurm.ui.statistics;

import com.rpavision.gpurm.core.journal.JournalEntry;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.UiThread;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class StatisticsViewModelTest {

    @Test
    void todayAndThisWeekSideBySide() {
        // Monday 2026-11-30, 12:00 UTC; the week began this morning too, the journal also holds last Friday
        Clock clock = Clock.fixed(Instant.parse("2026-11-30T12:00:00Z"), ZoneOffset.UTC);
        List<JournalEntry> journal = List.of(
                new JournalEntry(Instant.parse("2026-11-27T09:00:00Z"), EventType.MODEL_LOADED, Map.of("duration_ms", 90_000)),
                new JournalEntry(Instant.parse("2026-11-30T08:00:00Z"), EventType.MODE_CHANGED, Map.of("from", "idle", "to", "recording")),
                new JournalEntry(Instant.parse("2026-11-30T08:00:38Z"), EventType.MODEL_LOADED, Map.of("duration_ms", 38_400)));
        StatisticsViewModel vm = new StatisticsViewModel(since -> journal.stream().filter(e -> !e.at().isBefore(since)).toList(),
                Runnable::run, new UiThread(Runnable::run), new Messages(Locale.ENGLISH), clock);

        vm.refresh();

        assertThat(vm.rows()).contains(
                new StatisticsRow("Time in Recording", "4 h 00 min", "4 h 00 min"),
                new StatisticsRow("Time in Idle", "8 h 00 min", "8 h 00 min"),
                new StatisticsRow("Vision model loads", "1", "1"),
                new StatisticsRow("Load time, median", "38.4 s", "38.4 s"));
    }

    @Test
    void theChartsAxisReadsInHoursAndMinutesNotFractions() {
        assertThat(StatisticsViewModel.axisLabel(0.035)).isEqualTo("2 min");
        assertThat(StatisticsViewModel.axisLabel(0)).isEqualTo("0 min");
        assertThat(StatisticsViewModel.axisLabel(1.5)).isEqualTo("1 h 30");
        assertThat(StatisticsViewModel.axisLabel(3)).isEqualTo("3 h");
    }
}
