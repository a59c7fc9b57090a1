package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.ollama.OllamaClient;
import com.rpavision.gpurm.core.ollama.OllamaException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Asks Ollama for its version every retry interval, on the caller's thread, and marks it up or down: how the
 * manager notices Ollama left or came back while nothing else talks to it.
 */
final class OllamaCheck {

    private final OllamaClient ollama;
    private final OllamaAvailability availability;
    private final VlmController vlm;
    private final Clock clock;
    private volatile Duration interval;
    private volatile Instant next = Instant.MIN;

    OllamaCheck(OllamaClient ollama, OllamaAvailability availability, VlmController vlm, Clock clock, Duration interval) {
        this.ollama = ollama;
        this.availability = availability;
        this.vlm = vlm;
        this.clock = clock;
        this.interval = interval;
    }

    Duration interval() {
        return interval;
    }

    /** Applied while running; true when it differs from the one in force. */
    boolean reschedule(Duration updated) {
        if (updated.equals(interval)) {
            return false;
        }
        interval = updated;
        next = Instant.MIN; // the new rhythm starts with a check now
        return true;
    }

    /** The next {@link #checkIfDue()} checks, whenever the last one was. */
    void dueNow() {
        next = Instant.MIN;
    }

    void checkIfDue() {
        Instant now = clock.instant();
        if (now.isBefore(next)) {
            return;
        }
        next = now.plus(interval);
        checkNow();
    }

    void checkNow() {
        try {
            availability.markUp(ollama.version());
        } catch (OllamaException e) {
            if (e.kind() == OllamaException.Kind.UNREACHABLE) {
                availability.markDown(vlm.reasonFor(e));
            }
        }
    }
}
