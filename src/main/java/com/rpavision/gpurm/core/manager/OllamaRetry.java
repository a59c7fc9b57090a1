package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.concurrent.Sleeper;
import com.rpavision.gpurm.core.config.GpuResourceConfig;
import com.rpavision.gpurm.core.ollama.OllamaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Retries the VLM's load and unload calls to Ollama with a doubling backoff, unless the load is given up. */
final class OllamaRetry {

    private static final Logger LOG = LoggerFactory.getLogger(OllamaRetry.class);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(8);
    /** How often a retry's backoff looks whether the load was cancelled. */
    private static final Duration CANCEL_CHECK = Duration.ofMillis(100);

    @FunctionalInterface
    interface OllamaCall<T> {
        T run() throws OllamaException;
    }

    private final GpuResourceConfig config;
    private final OllamaAvailability availability;
    private final Sleeper sleeper;
    private final BooleanSupplier cancelled;

    OllamaRetry(GpuResourceConfig config, OllamaAvailability availability, Sleeper sleeper, BooleanSupplier cancelled) {
        this.config = config;
        this.availability = availability;
        this.sleeper = sleeper;
        this.cancelled = cancelled;
    }

    <T> T call(String what, OllamaCall<T> call) throws OllamaException, InterruptedException {
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            try {
                T result = call.run();
                availability.markUp("(answered)");
                return result;
            } catch (OllamaException e) {
                if (!e.kind().retryable() || attempt >= config.maxLoadRetries() || cancelled.getAsBoolean()) {
                    throw e;
                }
                LOG.warn("{} failed (attempt {}/{}): {}; retrying in {} ms", what, attempt, config.maxLoadRetries(),
                        e.getMessage(), backoff.toMillis());
                if (!waitUnlessCancelled(backoff)) {
                    throw e; // given up while waiting to retry
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /**
     * Waits out a retry's backoff in short steps, so that a switch away gives the load up within one step
     * instead of after up to {@link #MAX_BACKOFF}. False when the load was cancelled meanwhile.
     */
    private boolean waitUnlessCancelled(Duration backoff) throws InterruptedException {
        Duration left = backoff;
        while (!cancelled.getAsBoolean() && left.compareTo(Duration.ZERO) > 0) {
            Duration step = left.compareTo(CANCEL_CHECK) < 0 ? left : CANCEL_CHECK;
            sleeper.sleep(step);
            left = left.minus(step);
        }
        return !cancelled.getAsBoolean();
    }
}
