package com.rpavision.gpurm.ui.statistics;

import com.rpavision.gpurm.core.journal.JournalEntry;
import com.rpavision.gpurm.core.journal.Statistics;
import com.rpavision.gpurm.core.journal.WeekReport;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.UiThread;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Function;

/**
 * Today and this week (from Monday, local time) as the journal tells them: time in each mode, loads with their
 * median and 95th percentile, idle unloads, time degraded, CLIP moves. Reading the journal blocks: background.
 */
public final class StatisticsViewModel {

    private final Function<Instant, List<JournalEntry>> journal;
    private final Executor background;
    private final UiThread ui;
    private final Messages messages;
    private final Clock clock;
    private final ObservableList<StatisticsRow> rows = FXCollections.observableArrayList();
    private final ObservableList<DayInModes> days = FXCollections.observableArrayList();

    /** Hours in each mode on one of the last seven days, for the chart. */
    public record DayInModes(String day, double idleHours, double recordingHours, double autopilotHours) {
    }

    public StatisticsViewModel(Function<Instant, List<JournalEntry>> journal, Executor background, UiThread ui,
                               Messages messages, Clock clock) {
        this.journal = journal;
        this.background = background;
        this.ui = ui;
        this.messages = messages;
        this.clock = clock;
    }

    public ObservableList<StatisticsRow> rows() {
        return rows;
    }

    public ObservableList<DayInModes> days() {
        return days;
    }

    public void refresh() {
        background.execute(() -> {
            ZonedDateTime now = ZonedDateTime.now(clock);
            WeekReport report = WeekReport.read(journal, now);
            List<JournalEntry> entries = report.entries();
            List<StatisticsRow> table = table(report.today(), report.thisWeek());
            List<DayInModes> chart = new ArrayList<>();
            java.time.format.DateTimeFormatter label = java.time.format.DateTimeFormatter.ofPattern("EEE d", messages.locale());
            for (int back = 6; back >= 0; back--) {
                LocalDate date = now.toLocalDate().minusDays(back);
                Instant start = date.atStartOfDay(now.getZone()).toInstant();
                Instant end = back == 0 ? now.toInstant() : date.plusDays(1).atStartOfDay(now.getZone()).toInstant();
                Map<ExecutionMode, Duration> modes = Statistics.of(entries, start, end).timeInMode();
                chart.add(new DayInModes(label.format(date), hoursOf(modes.get(ExecutionMode.IDLE)),
                        hoursOf(modes.get(ExecutionMode.RECORDING)), hoursOf(modes.get(ExecutionMode.AUTOPILOT))));
            }
            ui.execute(() -> {
                rows.setAll(table);
                days.setAll(chart);
            });
        });
    }

    private List<StatisticsRow> table(Statistics d, Statistics w) {
        List<StatisticsRow> table = new ArrayList<>();
        for (ExecutionMode mode : ExecutionMode.values()) {
            table.add(new StatisticsRow(messages.get("statistics.timeIn", messages.get("mode." + mode.name())),
                    hours(d.timeInMode().get(mode)), hours(w.timeInMode().get(mode))));
        }
        table.add(new StatisticsRow(messages.get("statistics.loads"), String.valueOf(d.loads()), String.valueOf(w.loads())));
        table.add(new StatisticsRow(messages.get("statistics.loadP50"), seconds(d.loadP50()), seconds(w.loadP50())));
        table.add(new StatisticsRow(messages.get("statistics.loadP95"), seconds(d.loadP95()), seconds(w.loadP95())));
        table.add(new StatisticsRow(messages.get("statistics.idleUnloads"), String.valueOf(d.idleUnloads()),
                String.valueOf(w.idleUnloads())));
        table.add(new StatisticsRow(messages.get("statistics.degraded"), hours(d.degraded()), hours(w.degraded())));
        table.add(new StatisticsRow(messages.get("statistics.clipMoves"), String.valueOf(d.clipMoves()),
                String.valueOf(w.clipMoves())));
        return table;
    }

    /**
     * The chart's axis in hours and minutes ("2 min", "1 h 30", "3 h"), never "0.035": a short day's ticks are
     * fractions of an hour.
     */
    public static String axisLabel(double hours) {
        long minutes = Math.round(hours * 60);
        if (minutes < 60) {
            return minutes + " min";
        }
        return minutes % 60 == 0 ? minutes / 60 + " h" : String.format("%d h %02d", minutes / 60, minutes % 60);
    }

    private static double hoursOf(Duration d) {
        return d.toMinutes() / 60.0;
    }

    private static String hours(Duration d) {
        long minutes = d.toMinutes();
        return String.format("%d h %02d min", minutes / 60, minutes % 60);
    }

    private String seconds(Duration d) {
        return d == null ? "\u2014" : String.format(messages.locale(), "%.1f s", d.toMillis() / 1000.0);
    }
}
