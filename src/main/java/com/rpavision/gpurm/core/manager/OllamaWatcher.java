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
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Looks at Ollama's loaded models ({@code GET /api/ps}) every watch interval on its own thread, never on the
 * model queue, and tells the manager what it saw; while the manager waits for Ollama to settle after the VLM left,
 * every {@link #HURRIED} instead. It remembers a look refused or reset (Ollama's process was gone: a model missing
 * after that was lost in a restart); a look that only timed out says nothing of the kind.
 */
final class OllamaWatcher {

    /** What the watcher reports after every look. */
    interface Listener {
        void seen(OllamaSnapshot snapshot, boolean changed);

        void failed(OllamaException failure, int consecutiveFailures);
    }

    /** How often it looks while a removal settles: Ollama's steps take 0.5 to 1.5 s. */
    static final Duration HURRIED = Duration.ofMillis(150);
    private static final Logger LOG = LoggerFactory.getLogger(OllamaWatcher.class);

    private final OllamaClient ollama;
    private final Clock clock;
    private final Duration interval;
    private final LongSupplier ownChanges;
    private final Listener listener;
    private final AtomicReference<OllamaSnapshot> latest = new AtomicReference<>();
    /** When a look was last refused or reset; null when none since it was last taken. */
    private final AtomicReference<Instant> refusedAt = new AtomicReference<>();
    private final AtomicInteger consecutiveFailures = new AtomicInteger();
    private final AtomicInteger failedLooks = new AtomicInteger();
    private volatile boolean paused;
    private volatile boolean hurried;
    /** Guards the schedule, apart from the look itself: hurrying never waits for a slow /api/ps. */
    private final Object scheduling = new Object();
    private ScheduledExecutorService executor;
    private ScheduledFuture<?> next;

    OllamaWatcher(OllamaClient ollama, Clock clock, Duration interval, LongSupplier ownChanges, Listener listener) {
        this.ollama = ollama;
        this.clock = clock;
        this.interval = interval;
        this.ownChanges = ownChanges;
        this.listener = listener;
    }

    void start(ScheduledExecutorService executor) {
        synchronized (scheduling) {
            this.executor = executor;
            scheduleIn(Duration.ZERO);
        }
    }

    Duration interval() {
        return interval;
    }

    /** Looks every {@link #HURRIED} until {@link #calm()}: the manager waits for Ollama to settle. */
    void hurry() {
        synchronized (scheduling) {
            hurried = true;
            if (next != null && next.getDelay(TimeUnit.MILLISECONDS) > HURRIED.toMillis() && next.cancel(false)) {
                scheduleIn(HURRIED);
            }
        }
    }

    void calm() {
        hurried = false;
    }

    /** For the mutation check that proves the tests notice a manager that stops looking. */
    void pause(boolean paused) {
        this.paused = paused;
    }

    private void scheduleIn(Duration delay) {
        synchronized (scheduling) {
            if (executor != null && !executor.isShutdown()) {
                next = executor.schedule(this::lookAndReschedule, delay.toMillis(), TimeUnit.MILLISECONDS);
            }
        }
    }

    private void lookAndReschedule() {
        try {
            if (!paused) {
                look();
            }
        } catch (RuntimeException e) {
            LOG.warn("Watching Ollama failed: {}", e.toString(), e);
        } finally {
            try {
                scheduleIn(hurried ? HURRIED : interval);
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                // shutting down
            }
        }
    }

    /** One look now, on the caller's thread; empty when Ollama did not answer. One look at a time. */
    synchronized Optional<OllamaSnapshot> look() {
        long changesBefore = ownChanges.getAsLong();
        long signsBefore = ollama.signals().count();
        try {
            OllamaSnapshot snapshot = new OllamaSnapshot(clock.instant(), ollama.runningModels(), changesBefore, signsBefore);
            OllamaSnapshot previous = latest.getAndSet(snapshot);
            consecutiveFailures.set(0);
            boolean same = previous != null && (previous.models() == snapshot.models() // the client's unchanged answer
                    || previous.signature().equals(snapshot.signature()));
            listener.seen(snapshot, !same);
            return Optional.of(snapshot);
        } catch (OllamaException e) {
            int failures = consecutiveFailures.incrementAndGet(); // looks also come from isVlmLoaded callers
            failedLooks.incrementAndGet();
            if (e.kind() == OllamaException.Kind.UNREACHABLE) {
                refusedAt.set(clock.instant());
            }
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

    /**
     * True once after a look was refused or reset at or after {@code since}: Ollama's process was away since then.
     * A refusal older than that (a restart while the VLM was not loaded) is dropped: it says nothing of what came later.
     */
    boolean takeRefused(Instant since) {
        Instant at = refusedAt.getAndSet(null);
        return at != null && !at.isBefore(since);
    }

    /** How many looks failed in any way since the last call. */
    int takeFailedLooks() {
        return failedLooks.getAndSet(0);
    }
}
