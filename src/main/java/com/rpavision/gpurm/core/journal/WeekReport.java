package com.rpavision.gpurm.core.journal;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.TemporalAdjusters;
import java.util.List;
import java.util.function.Function;

/**
 * Today and this week (from Monday, local time), the periods the panel and the API report, with the entries
 * they were computed from (the week before too: the mode the station was in when the week began).
 */
public record WeekReport(Statistics today, Statistics thisWeek, List<JournalEntry> entries) {

    /** @param journal the journal's entries since an instant, oldest first (blocking) */
    public static WeekReport read(Function<Instant, List<JournalEntry>> journal, ZonedDateTime now) {
        Instant today = now.toLocalDate().atStartOfDay(now.getZone()).toInstant();
        Instant week = now.toLocalDate().with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY))
                .atStartOfDay(now.getZone()).toInstant();
        List<JournalEntry> entries = journal.apply(week.minus(Duration.ofDays(7)));
        return new WeekReport(Statistics.of(entries, today, now.toInstant()), Statistics.of(entries, week, now.toInstant()),
                entries);
    }
}
