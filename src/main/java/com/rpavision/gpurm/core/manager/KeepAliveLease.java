package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.ollama.RunningModel;

import java.time.Duration;
import java.time.Instant;

/**
 * The finite keep-alive the manager holds the VLM with in Ollama, and when it was last renewed. Nothing the manager
 * does outlives it: were the manager to stop renewing (quit, crash, kill -9), Ollama unloads the VLM one lease after
 * the last renewal. Renewed every third of a lease, so two renewals may fail in a row before it runs out. Tells the
 * manager's own expiry, moved by each renewal (and by each proxied request, which carries the same lease), from a
 * keep-alive another client set. Thread-safe.
 */
final class KeepAliveLease {

    /** Ollama and the manager read their clocks at slightly different moments of one request. */
    static final Duration TOLERANCE = Duration.ofSeconds(5);

    private final Duration length;
    private Instant renewedAt;
    private Instant previousRenewedAt;

    KeepAliveLease(Duration length) {
        if (length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException("a lease is finite and positive: " + length);
        }
        this.length = length;
    }

    Duration length() {
        return length;
    }

    /** A request carrying the lease was answered at {@code at}: Ollama's expiry is now {@code at} plus the lease. */
    synchronized void renewed(Instant at) {
        previousRenewedAt = renewedAt;
        renewedAt = at;
    }

    /** Forgets the renewals: the VLM left, or its runner is another client's. */
    synchronized void ended() {
        renewedAt = null;
        previousRenewedAt = null;
    }

    /** The manager has renewed it since the VLM last came or left. */
    synchronized boolean renewedSince() {
        return renewedAt != null;
    }

    /** A third of the lease has passed since the last renewal. */
    synchronized boolean due(Instant now) {
        return renewedAt == null || !now.isBefore(renewedAt.plus(length.dividedBy(3)));
    }

    /** Ollama's expiry for the VLM right after a renewal at {@code at}. */
    Instant expiryAfter(Instant at) {
        return at.plus(length);
    }

    /**
     * Whether the entry a look at {@code lookAt} showed carries the manager's lease: it expires no earlier than the
     * last renewal before the look allows, and no later than a lease from the look (a proxied request may have
     * renewed it since). A keep-alive another client set (longer, shorter or forever) does not.
     */
    synchronized boolean holds(RunningModel m, Instant lookAt) {
        if (m.expiresAt() == null || OllamaSnapshot.loading(m) || renewedAt == null) {
            return true; // nothing to compare: no verdict against it
        }
        if (OllamaSnapshot.keptForever(m)) {
            return false;
        }
        Instant last = renewedAt.isAfter(lookAt) && previousRenewedAt != null ? previousRenewedAt : renewedAt;
        Instant expiry = m.expiresAt().toInstant();
        return !expiry.isBefore(last.plus(length).minus(TOLERANCE)) && !expiry.isAfter(lookAt.plus(length).plus(TOLERANCE));
    }
}
