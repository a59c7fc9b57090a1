package com.rpavision.gpurm.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * The runners that left the scheduler and still hold their VRAM: listed as "Stopping..." for {@link #stoppingFor}
 * when set, then unlisted until their VRAM comes back after the eviction gap. Used under the scheduler's monitor.
 */
final class Departures {

    /** A runner gone from the list whose VRAM comes back at {@code at}. */
    private record Recovery(Runner runner, Instant at) {
    }

    /** A runner told to go that is still listed, "Stopping...", until {@code until}. */
    private record Leaving(Runner runner, Instant until) {
    }

    private final SimulatedVram vram;
    private final List<Leaving> leaving = new ArrayList<>();
    private final List<Recovery> recoveries = new ArrayList<>();
    private volatile Supplier<Duration> evictionGap = () -> Duration.ofSeconds(1);
    private volatile Duration stoppingFor = Duration.ZERO;

    Departures(SimulatedVram vram) {
        this.vram = vram;
    }

    void evictionGap(Supplier<Duration> gaps) {
        this.evictionGap = gaps;
    }

    /** The ones stopping now stop by {@code now} plus {@code duration} too: a stuck runner that finally exits. */
    void stoppingFor(Duration duration, Instant now) {
        this.stoppingFor = duration;
        Instant latest = now.plus(duration);
        leaving.replaceAll(l -> l.until().isAfter(latest) ? new Leaving(l.runner(), latest) : l);
    }

    /** The runner left the scheduler's table at {@code t}. */
    void depart(Runner r, Instant t) {
        if (stoppingFor.isZero() || stoppingFor.isNegative()) {
            recoveries.add(new Recovery(r, t.plus(evictionGap.get())));
        } else {
            leaving.add(new Leaving(r, t.plus(stoppingFor)));
        }
    }

    /** Still stopping, or its VRAM not back yet: it cannot be loaded again before. */
    boolean holds(String model) {
        return isStopping(model) || recoveries.stream().anyMatch(r -> r.runner().model.equals(model));
    }

    boolean isStopping(String model) {
        return leaving.stream().anyMatch(l -> l.runner().model.equals(model));
    }

    /** The runners still listed, "Stopping...". */
    List<Runner> stopping() {
        return leaving.stream().map(Leaving::runner).toList();
    }

    /** The earliest moment one stops or its VRAM comes back, or null. */
    Instant nextEvent() {
        Instant next = null;
        for (Recovery r : recoveries) {
            next = OllamaScheduler.earlier(next, r.at());
        }
        for (Leaving l : leaving) {
            next = OllamaScheduler.earlier(next, l.until());
        }
        return next;
    }

    /**
     * Gives back the VRAM due by {@code at}, then unlists the ones whose stopping is over.
     *
     * @return whether some VRAM came back
     */
    boolean apply(Instant at) {
        boolean freed = false;
        for (Recovery r : List.copyOf(recoveries)) {
            if (!r.at().isAfter(at)) {
                recoveries.remove(r);
                vram.release(r.runner().model);
                freed = true;
            }
        }
        for (Leaving l : List.copyOf(leaving)) {
            if (!l.until().isAfter(at)) {
                leaving.remove(l);
                recoveries.add(new Recovery(l.runner(), l.until().plus(evictionGap.get())));
            }
        }
        return freed;
    }

    /** A restart: every one exits at once. */
    void clear() {
        leaving.forEach(l -> vram.release(l.runner().model));
        recoveries.forEach(rec -> vram.release(rec.runner().model));
        leaving.clear();
        recoveries.clear();
    }
}
