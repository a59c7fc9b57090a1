package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.config.GpuResourceConfig;
import com.rpavision.gpurm.core.ollama.OllamaClient;
import com.rpavision.gpurm.core.ollama.OllamaException;
import com.rpavision.gpurm.core.ollama.RunningModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The VLM's keep-alive in Ollama: the manager's {@link KeepAliveLease} on it, a keep-alive another client set in its
 * place, or another client's runner, whose keep-alive is its own. Thread-safe.
 */
final class VlmKeepAlive {

    private static final Logger LOG = LoggerFactory.getLogger(VlmKeepAlive.class);

    private final GpuResourceConfig config;
    private final OllamaClient ollama;
    private final Clock clock;
    private final KeepAliveLease lease;
    /**
     * The runner in Ollama is another client's (it reloaded the VLM with its own options): taking its keep-alive
     * back would send the manager's options and make Ollama reload it again, a fight. Until the manager's next load.
     */
    private volatile boolean foreignRunner;
    /** A keep-alive another client set was named and not yet replaced by the manager's lease: not named again. */
    private volatile boolean takeoverNamed;

    VlmKeepAlive(GpuResourceConfig config, OllamaClient ollama, Clock clock) {
        this.config = config;
        this.ollama = ollama;
        this.clock = clock;
        this.lease = new KeepAliveLease(config.vlmLease());
    }

    /** A request carrying the lease was answered at {@code at}. */
    void renewed(Instant at) {
        lease.renewed(at);
        takeoverNamed = false;
    }

    /** The manager's own load: the runner is the manager's again. */
    void ownRunner() {
        foreignRunner = false;
    }

    /** The VLM came or left without the manager: its renewals are forgotten. */
    void ended() {
        lease.ended();
    }

    boolean foreignRunner() {
        return foreignRunner;
    }

    /**
     * Sends the lease as the keep_alive of a no-prompt request with the VLM's options.
     *
     * @return Ollama's expiry for the VLM now, or empty when the renewal failed
     */
    Optional<Instant> renew() {
        try {
            ollama.setKeepAlive(config.vlmModel(), lease.length(), config.vlmOptions());
            Instant at = clock.instant();
            renewed(at);
            return Optional.of(lease.expiryAfter(at));
        } catch (OllamaException e) {
            LOG.warn("Could not renew the VLM's lease ({} s): {}", lease.length().toSeconds(), e.getMessage());
            return Optional.empty();
        }
    }

    /** A third of the lease has passed since the last renewal. */
    boolean renewalDue() {
        return lease.due(clock.instant());
    }

    /**
     * On shutdown: Ollama unloads the loaded VLM after the idle timeout, or one lease from now if that is sooner:
     * nothing the manager set outlives it by more than one lease. Another client's runner keeps its own keep-alive.
     */
    void handIdleTimerBack(Duration idleTimeout) {
        if (foreignRunner) {
            return;
        }
        Duration keepAlive = idleTimeout.isZero() || idleTimeout.compareTo(lease.length()) > 0 ? lease.length() : idleTimeout;
        try {
            ollama.setKeepAlive(config.vlmModel(), keepAlive, config.vlmOptions());
            LOG.info("VLM {} left loaded; Ollama will unload it after {} s idle", config.vlmModel(), keepAlive.toSeconds());
        } catch (OllamaException e) {
            LOG.warn("Could not hand the idle timer back to Ollama: {}", e.getMessage());
        }
    }

    /**
     * The entry a look at {@code lookAt} showed carries a keep-alive another client set in place of the manager's
     * lease, not named yet.
     */
    boolean takenOver(RunningModel observed, Instant lookAt) {
        return !foreignRunner && !takeoverNamed && !lease.holds(observed, lookAt);
    }

    /** Whether the entry carries the manager's lease (or is another client's runner, whose keep-alive is its own). */
    boolean held(RunningModel observed, Instant lookAt) {
        return foreignRunner || lease.holds(observed, lookAt);
    }

    /** The entry carries the manager's own lease (renewed by it), not another client's keep-alive. */
    boolean ownLease(RunningModel observed, Instant lookAt) {
        return !foreignRunner && lease.renewedSince() && lease.holds(observed, lookAt);
    }

    /** A takeover was named: until the lease is renewed, the same takeover is not news. */
    void takeoverNamed() {
        takeoverNamed = true;
    }

    Duration leaseLength() {
        return lease.length();
    }

    /** Another client reloaded the VLM with its own options: leave its runner as it is (see {@link #foreignRunner}). */
    void adoptForeignRunner() {
        foreignRunner = true;
        lease.ended();
    }
}
