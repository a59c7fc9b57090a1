package com.rpavision.gpurm.simulator;

import java.time.Duration;
import java.time.Instant;

/** What became of one {@link Ask}; read it under the scheduler's lock or after {@link OllamaScheduler#await}. */
public final class Ticket {

    final Ask ask;
    final Instant asked;
    Runner runner;
    /** When it got its runner (its own load, or one already there). */
    Instant attached;
    /** It started the runner itself: a cold load. */
    boolean cold;
    volatile Instant doneAt;
    volatile String failure;

    Ticket(Ask ask, Instant asked) {
        this.ask = ask;
        this.asked = asked;
    }

    public Ask ask() {
        return ask;
    }

    public boolean finished() {
        return doneAt != null || failure != null;
    }

    public boolean cold() {
        return cold;
    }

    /** Why Ollama failed it (it restarted, the load was aborted), or null. */
    public String failure() {
        return failure;
    }

    /** The load's share of the answer, as Ollama's {@code load_duration}: zero for a warm request. */
    public Duration loadDuration() {
        return cold && runner != null && runner.readyAt != null ? Duration.between(attached, runner.readyAt) : Duration.ZERO;
    }

    Instant doneAtOnceReady(Duration work) {
        Instant from = runner.readyAt.isAfter(attached) ? runner.readyAt : attached;
        return from.plus(work);
    }
}
