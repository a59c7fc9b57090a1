package com.rpavision.gpurm.app;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The one way out, for the headless manager and the panel alike: whatever asks first (Quit, the window's
 * close, SIGTERM, a logoff) runs the stop, and the others find it done.
 */
public final class Shutdown {

    private static final CountDownLatch TERMINATED = new CountDownLatch(1);

    private Shutdown() {
    }

    /** {@code stop} made safe to call from several places: it runs the first time only. */
    public static Runnable once(Runnable stop) {
        AtomicBoolean done = new AtomicBoolean();
        return () -> {
            if (done.compareAndSet(false, true)) {
                stop.run();
            }
        };
    }

    /** Runs {@code stop} when the JVM is told to end (SIGTERM, SIGINT, a logoff), and lets {@link #await} return. */
    public static void onTermination(Runnable stop) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.run();
            TERMINATED.countDown();
        }, "gpurm-shutdown"));
    }

    /** Blocks the headless main thread until the JVM is told to end. */
    public static void await() {
        try {
            TERMINATED.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
