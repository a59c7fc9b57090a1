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

    /**
     * SIGTERM (and SIGINT) end the process with status 0 once the stop has run, as a service manager expects of a
     * clean stop, instead of the JVM's 143 (130). Where the platform has no such signal (Windows), nothing changes:
     * its console and session events run the same shutdown hook.
     */
    @SuppressWarnings("sunapi") // sun.misc.Signal (jdk.unsupported): the JDK's only way to handle a signal
    public static void exitZeroOnTermSignals() {
        for (String name : new String[]{"TERM", "INT"}) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal(name),
                        signal -> new Thread(() -> System.exit(0), "gpurm-sig" + name.toLowerCase(java.util.Locale.ROOT)).start());
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // no such signal here, or the JVM keeps it (-Xrs): the shutdown hook still runs the stop
            }
        }
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
