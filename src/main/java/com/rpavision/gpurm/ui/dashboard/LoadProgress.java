package com.rpavision.gpurm.ui.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;

/**
 * How far a VLM load has come, measured against how long loads took before: the median of the latest loads
 * (the journal's, then this session's). UI thread only; no nodes.
 */
final class LoadProgress {

    /** Enough loads for a median that follows a new driver or disk, few enough to forget an old one. */
    static final int KEPT = 20;

    private final Deque<Duration> recent = new ArrayDeque<>();
    private Instant since;

    /** The loads the journal holds, oldest first, ahead of those this session has seen. */
    void seed(List<Duration> past) {
        List<Duration> seen = new ArrayList<>(recent);
        recent.clear();
        past.forEach(this::record);
        seen.forEach(this::record);
    }

    void record(Duration loadTime) {
        if (loadTime.isNegative() || loadTime.isZero()) {
            return;
        }
        recent.addLast(loadTime);
        while (recent.size() > KEPT) {
            recent.removeFirst();
        }
    }

    /** Follows the VLM's state: a load's clock starts when LOADING is first seen and stops with it. */
    void loading(boolean loading, Instant now) {
        if (!loading) {
            since = null;
        } else if (since == null) {
            since = now;
        }
    }

    boolean isLoading() {
        return since != null;
    }

    Duration elapsed(Instant now) {
        return since == null ? Duration.ZERO : Duration.between(since, now);
    }

    /** The median of the kept loads; empty before the first. */
    Optional<Duration> typical() {
        if (recent.isEmpty()) {
            return Optional.empty();
        }
        List<Duration> sorted = new ArrayList<>(recent);
        sorted.sort(null);
        int n = sorted.size();
        return Optional.of(n % 2 == 1 ? sorted.get(n / 2) : sorted.get(n / 2 - 1).plus(sorted.get(n / 2)).dividedBy(2));
    }

    /**
     * The share of a typical load done, for a determinate bar; -1 (the toolkit's indeterminate) when no load was
     * seen before or this one already took longer than usual, since a bar stuck at the end would be a lie.
     */
    double fraction(Instant now) {
        Optional<Duration> typical = typical();
        if (since == null || typical.isEmpty()) {
            return -1;
        }
        double done = (double) elapsed(now).toMillis() / typical.get().toMillis();
        return done >= 1 ? -1 : done;
    }
}
