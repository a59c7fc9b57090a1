package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.config.GpuResourceConfig;
import com.rpavision.gpurm.core.ollama.OllamaClient;

import java.time.Clock;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/**
 * Who gives up the VLM's running load: a mode switch away from RECORDING, the operator's "Cancel load", the
 * shutdown. Any thread cancels; the load's own thread asks whether it was. Thread-safe.
 */
final class LoadCancellation {

    private final OllamaClient ollama;
    private final Clock clock;
    private final GpuResourceConfig config;
    /** While a load runs: whether its caller still wants it (a mode switch away from RECORDING says no). */
    private volatile BooleanSupplier loadWanted;
    private volatile boolean requested;
    /** Why the running load was given up: the log says whether the mode changed or the operator cancelled it. */
    private volatile String cause = "the mode changed";
    /**
     * The operator cancelled a load: RECORDING does not bring the VLM back by itself until the next load is asked
     * for (a switch, Load VLM, a request), or the cancel would be undone within seconds.
     */
    private volatile boolean heldOff;
    /** Set once by {@link #cancelForShutdown()}: no load starts after it (a task still queued would start one). */
    private volatile boolean shuttingDown;
    /** When a load was cancelled that Ollama may still finish: the reconciler unloads it if it lands outside RECORDING. */
    private volatile Instant cancelledAt;

    LoadCancellation(OllamaClient ollama, Clock clock, GpuResourceConfig config) {
        this.ollama = ollama;
        this.clock = clock;
        this.config = config;
    }

    /** A load starts: cancellable from the moment the panel shows LOADING (its "Cancel load" button). */
    void loadStarts(BooleanSupplier stillWanted) {
        requested = false;
        cause = "the mode changed";
        cancelledAt = null;
        heldOff = false;
        loadWanted = stillWanted;
    }

    void loadEnded() {
        loadWanted = null;
    }

    boolean requested() {
        return requested;
    }

    String cause() {
        return shuttingDown ? "the manager stops" : cause;
    }

    /** The running load is to be given up: a cancel (mode switch, operator) or the stop. */
    boolean givenUp() {
        return requested || shuttingDown;
    }

    boolean shuttingDown() {
        return shuttingDown;
    }

    /** The operator cancelled the last load and none was asked for since. */
    boolean heldOff() {
        return heldOff;
    }

    /**
     * Any thread (a mode switch): gives up the running load if its caller no longer wants it. The load's own
     * thread then finds out what Ollama holds.
     */
    void cancelIfUnwanted() {
        BooleanSupplier wanted = loadWanted;
        if (wanted != null && !wanted.getAsBoolean()) {
            requested = true;
            ollama.cancelLoads();
        }
    }

    /**
     * Any thread, the operator's "Cancel load": gives up the running load as a mode switch does, and RECORDING
     * then leaves the VLM unloaded until a load is asked for again.
     *
     * @return whether a load was running to be cancelled
     */
    boolean cancelByOperator() {
        if (loadWanted == null) {
            return false;
        }
        heldOff = true;
        cause = "cancelled by the operator";
        requested = true;
        ollama.cancelLoads();
        return true;
    }

    /**
     * Any thread, on shutdown: gives up the running load at once, so the stop does not wait for it. Should Ollama
     * have finished it anyway, the VLM is held by the load's own lease, and the hand-back queued behind follows.
     */
    void cancelForShutdown() {
        shuttingDown = true;
        if (loadWanted != null) {
            requested = true;
        }
        // at once, whether or not a load was seen running: one that checked shuttingDown just before finds it
        // set once registered (givenUp), or is registered already and cancelled here
        ollama.cancelLoads();
    }

    /** The load was given up now, and Ollama did not list it. */
    void gaveUp() {
        cancelledAt = clock.instant();
    }

    /**
     * True once, within the load timeout after a cancelled load: a VLM that appears then is that load, which
     * Ollama finished after all, not someone else's.
     */
    boolean takeCancelledLoad() {
        Instant at = cancelledAt;
        cancelledAt = null;
        return at != null && !clock.instant().isAfter(at.plus(config.loadTimeout()));
    }
}
