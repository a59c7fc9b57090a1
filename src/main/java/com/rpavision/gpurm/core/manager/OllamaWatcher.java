package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.ollama.OllamaClient;
import com.rpavision.gpurm.core.ollama.OllamaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Looks at Ollama's loaded models ({@code GET /api/ps}) every watch interval on its own thread, never on the
 * model queue, and tells the manager what it saw. It remembers a gap (a look that failed), since a model that
 * is gone after a gap was most likely lost in an Ollama restart.
 */
final class OllamaWatcher {

    /** What the watcher reports after every look. */
    interface Listener {
        void seen(OllamaSnapshot snapshot, boolean changed);

        void failed(OllamaException failure, int consecutiveFailures);
    }

    private static final Logger LOG = LoggerFactory.getLogger(OllamaWatcher.class);

    private final OllamaClient ollama;
    private final Clock clock;
    private final Duration interval;
    private final LongSupplier ownChanges;
    private final Listener listener;
    private final AtomicReference<OllamaSnapshot> latest = new AtomicReference<>();
    private final AtomicBoolean gap = new AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicInteger consecutiveFailures = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean paused;

    OllamaWatcher(OllamaClient ollama, Clock clock, Duration interval, LongSupplier ownChanges, Listener listener) {
        this.ollama = ollama;
        this.clock = clock;
        this.interval = interval;
        this.ownChanges = ownChanges;
        this.listener = listener;
    }

    void start(ScheduledExecutorService executor) {
        executor.scheduleWithFixedDelay(this::lookQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    Duration interval() {
        return interval;
    }

    /** For the mutation check that proves the tests notice a manager that stops looking. */
    void pause(boolean paused) {
        this.paused = paused;
    }

    private void lookQuietly() {
        try {
            if (!paused) {
                look();
            }
        } catch (RuntimeException e) {
            LOG.warn("Watching Ollama failed: {}", e.toString(), e);
        }
    }

    /** One look now, on the caller's thread; empty when Ollama did not answer. */
    Optional<OllamaSnapshot> look() {
        long changesBefore = ownChanges.getAsLong();
        try {
            OllamaSnapshot snapshot = new OllamaSnapshot(clock.instant(), ollama.runningModels(), changesBefore);
            OllamaSnapshot previous = latest.getAndSet(snapshot);
            consecutiveFailures.set(0);
            boolean same = previous != null && (previous.models() == snapshot.models() // the client's unchanged answer
                    || previous.signature().equals(snapshot.signature()));
            listener.seen(snapshot, !same);
            return Optional.of(snapshot);
        } catch (OllamaException e) {
            int failures = consecutiveFailures.incrementAndGet(); // looks also come from isVlmLoaded callers
            gap.set(true);
            LOG.debug("Ollama did not answer /api/ps ({} in a row): {}", failures, e.getMessage());
            listener.failed(e, failures);
            return Optional.empty();
        }
    }

    Optional<OllamaSnapshot> latest() {
        return Optional.ofNullable(latest.get());
    }

    /** Whether the latest look is younger than the watch interval and no own change happened since. */
    boolean fresh(long currentOwnChanges) {
        OllamaSnapshot s = latest.get();
        return s != null && s.ownChanges() == currentOwnChanges
                && Duration.between(s.at(), clock.instant()).compareTo(interval) <= 0;
    }

    /** True once after Ollama failed to answer at least once. */
    boolean takeGap() {
        return gap.getAndSet(false);
    }
}
