package com.rpavision.gpurm.core.journal;

import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ExecutionMode;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What the journal says about one period: time in each mode, VLM loads with their median and 95th-percentile
 * duration, idle unloads, time degraded, CLIP moves.
 *
 * @param timeInMode  for every mode, how long the station was in it within the period
 * @param loadP50     null without loads
 */
public record Statistics(Instant from, Instant to, Map<ExecutionMode, Duration> timeInMode, int loads,
                         Duration loadP50, Duration loadP95, int idleUnloads, Duration degraded, int clipMoves) {

    /**
     * @param entries the journal, oldest first, from before {@code from} if the mode then should be known. Time
     *                before the journal's first entry is not counted (the app was not there to see it); a
     *                station with no mode change before the period counts as idle from its first entry
     */
    public static Statistics of(List<JournalEntry> entries, Instant from, Instant to) {
        if (entries.isEmpty()) {
            from = to;
        } else if (entries.get(0).at().isAfter(from)) {
            from = entries.get(0).at().isAfter(to) ? to : entries.get(0).at();
        }
        Map<ExecutionMode, Duration> inMode = new EnumMap<>(ExecutionMode.class);
        for (ExecutionMode m : ExecutionMode.values()) {
            inMode.put(m, Duration.ZERO);
        }
        ExecutionMode mode = ExecutionMode.IDLE; // null while the manager was off
        Instant modeSince = from;
        Instant degradedSince = null;
        Duration degraded = Duration.ZERO;
        List<Long> loadMillis = new java.util.ArrayList<>();
        int idleUnloads = 0;
        int clipMoves = 0;
        for (JournalEntry e : entries) {
            if (e.at().isAfter(to)) {
                break;
            }
            Instant at = e.at().isBefore(from) ? from : e.at();
            boolean inPeriod = !e.at().isBefore(from);
            switch (e.type()) {
                case MODE_CHANGED -> {
                    if (mode != null) {
                        inMode.merge(mode, Duration.between(modeSince, at), Duration::plus);
                    }
                    mode = Journal.OFF.equals(e.textDetail("to")) ? null : ExecutionMode.fromWireName(e.textDetail("to"));
                    modeSince = at;
                    if (mode == null && degradedSince != null) {
                        degraded = degraded.plus(Duration.between(degradedSince, at)); // off: no longer degraded
                        degradedSince = null;
                    }
                }
                case DEGRADED_ON -> degradedSince = degradedSince == null ? at : degradedSince;
                case DEGRADED_OFF -> {
                    if (degradedSince != null) {
                        degraded = degraded.plus(Duration.between(degradedSince, at));
                        degradedSince = null;
                    }
                }
                case MODEL_LOADED -> {
                    if (inPeriod && e.details().containsKey("duration_ms")) { // not a VLM adopted from outside
                        loadMillis.add(e.longDetail("duration_ms"));
                    }
                }
                case IDLE_UNLOAD -> idleUnloads += inPeriod ? 1 : 0;
                case DEVICE_CHANGED -> clipMoves += inPeriod ? 1 : 0;
                default -> { }
            }
        }
        if (mode != null) {
            inMode.merge(mode, Duration.between(modeSince, to), Duration::plus);
        }
        if (degradedSince != null) {
            degraded = degraded.plus(Duration.between(degradedSince, to));
        }
        loadMillis.sort(null);
        return new Statistics(from, to, inMode, loadMillis.size(), percentile(loadMillis, 50), percentile(loadMillis, 95),
                idleUnloads, degraded, clipMoves);
    }

    /**
     * How long each of the manager's own loads of {@code model} took, oldest first (a VLM adopted from outside
     * has no load time).
     */
    public static List<Duration> loadTimes(List<JournalEntry> entries, String model) {
        return entries.stream()
                .filter(e -> e.type() == EventType.MODEL_LOADED && e.details().containsKey("duration_ms")
                        && model.equals(e.textDetail("model")))
                .map(e -> Duration.ofMillis(e.longDetail("duration_ms")))
                .toList();
    }

    /** Nearest-rank percentile; null for no values. */
    static Duration percentile(List<Long> sortedMillis, int p) {
        if (sortedMillis.isEmpty()) {
            return null;
        }
        int rank = (int) Math.ceil(p / 100.0 * sortedMillis.size());
        return Duration.ofMillis(sortedMillis.get(Math.max(0, rank - 1)));
    }
}
