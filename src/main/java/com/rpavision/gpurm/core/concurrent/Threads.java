package com.rpavision.gpurm.core.concurrent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** The one place background threads come from: named daemons whose uncaught failures are logged. */
public final class Threads {

    private static final Logger LOG = LoggerFactory.getLogger(Threads.class);

    private Threads() {
    }

    public static ThreadFactory named(String name) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            int n = counter.incrementAndGet();
            Thread thread = new Thread(runnable, n == 1 ? name : name + "-" + n);
            thread.setDaemon(true);
            thread.setUncaughtExceptionHandler((t, e) -> LOG.error("Uncaught failure on {}", t.getName(), e));
            return thread;
        };
    }

    /** The queue every model operation runs on, one at a time. */
    public static ExecutorService modelOperations() {
        return Executors.newSingleThreadExecutor(named("gpurm-model-ops"));
    }

    /** Looks at Ollama's loaded models; its own thread, so a slow /api/ps delays nothing else. */
    public static ScheduledExecutorService ollamaWatch() {
        return Executors.newSingleThreadScheduledExecutor(named("gpurm-ollama-watch"));
    }

    /** Pulls a model through Ollama: minutes of download that must hold up no model operation. */
    public static ExecutorService pulls() {
        return Executors.newSingleThreadExecutor(named("gpurm-pull"));
    }

    /** Runs VRAM polling and the maintenance tick (idle timer, Ollama retry). */
    public static ScheduledExecutorService monitoring() {
        return Executors.newScheduledThreadPool(2, named("gpurm-monitor"));
    }
}
