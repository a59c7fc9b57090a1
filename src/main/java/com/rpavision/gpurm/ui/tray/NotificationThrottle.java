package com.rpavision.gpurm.ui.tray;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;

/**
 * Keeps notifications from storming: at most one of a kind per interval. When Ollama flaps, the operator hears
 * that it went away once, not every 30 seconds.
 */
public final class NotificationThrottle {

    public enum Kind { IDLE_UNLOAD, LOAD_FAILED, DEGRADED, CONTENDED, MODE_RESTORED }

    private final Clock clock;
    private final Duration interval;
    private final Map<Kind, Instant> last = new EnumMap<>(Kind.class);

    public NotificationThrottle(Clock clock, Duration interval) {
        this.clock = clock;
        this.interval = interval;
    }

    /** True when a notification of this kind may be shown now (and records it). */
    public synchronized boolean allow(Kind kind) {
        Instant now = clock.instant();
        Instant previous = last.get(kind);
        if (previous != null && now.isBefore(previous.plus(interval))) {
            return false;
        }
        last.put(kind, now);
        return true;
    }
}
