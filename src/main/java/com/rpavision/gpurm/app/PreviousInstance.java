package com.rpavision.gpurm.app;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A restarted app waits for the instance that started it ({@code --after-pid}) to end, so that its
 * single-instance lock is free. The wait is bounded: an instance that hangs while stopping must not keep the
 * new one from starting (it then meets the lock and knocks, as any second launch does).
 */
public final class PreviousInstance {

    /** How long a stopping instance is given: its manager hands the VLM back to Ollama within seconds. */
    public static final Duration LIMIT = Duration.ofSeconds(30);

    public enum Outcome { NOT_RUNNING, ENDED, STILL_RUNNING }

    private PreviousInstance() {
    }

    public static Outcome awaitExit(long pid, Duration limit) {
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !process.get().isAlive()) {
            return Outcome.NOT_RUNNING;
        }
        try {
            process.get().onExit().get(limit.toMillis(), TimeUnit.MILLISECONDS);
            return Outcome.ENDED;
        } catch (TimeoutException e) {
            return Outcome.STILL_RUNNING;
        } catch (ExecutionException e) {
            return process.get().isAlive() ? Outcome.STILL_RUNNING : Outcome.ENDED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return process.get().isAlive() ? Outcome.STILL_RUNNING : Outcome.ENDED;
        }
    }
}
