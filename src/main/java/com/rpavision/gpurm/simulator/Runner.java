package com.rpavision.gpurm.simulator;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/** One model in memory, as Ollama's scheduler keeps it ({@code runnerRef} in its {@code sched.go}). */
final class Runner {

    final String model;
    final long pid;
    final long sizeMb;
    final long vramMb;
    final Map<String, Object> options;
    /** The client whose request started it. */
    final String startedBy;
    /** When it is ready; null while a test holds the load. */
    Instant readyAt;
    boolean ready;
    /** The keep-alive it gets once idle; negative: forever. */
    Duration session;
    /** Null until its first request finished (Ollama then prints its zero time). */
    Instant expiresAt;
    /** Requests using it: it is never unloaded while one runs. */
    int refCount;
    /** Asked to go (an unload, an eviction, a reload): it leaves as soon as it is idle. */
    boolean expiring;

    Runner(String model, long pid, long sizeMb, long vramMb, Map<String, Object> options, String startedBy, Instant readyAt,
           Duration session) {
        this.model = model;
        this.pid = pid;
        this.sizeMb = sizeMb;
        this.vramMb = vramMb;
        this.options = options;
        this.startedBy = startedBy;
        this.readyAt = readyAt;
        this.session = session;
    }

    int numCtx() {
        return ((Number) options.get("num_ctx")).intValue();
    }

    boolean keptForever() {
        return session.isNegative();
    }
}
