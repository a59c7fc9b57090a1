package com.rpavision.gpurm.simulator;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/**
 * Where the simulator's time comes from and how a request waits for it: the wall clock for the demo and the
 * tools, or a test's clock that jumps ahead when a request waits, so that a 3 s load takes no real time.
 */
public interface SimulatorTime {

    Instant now();

    /**
     * Waits on {@code monitor}, which the caller holds, until {@code deadline} or a notify. A null deadline
     * (nothing is scheduled, e.g. a load held by a test) waits a short real while, so the caller looks again.
     */
    void waitUntil(Object monitor, Instant deadline) throws InterruptedException;

    static SimulatorTime real() {
        Clock clock = Clock.systemUTC();
        return new SimulatorTime() {
            @Override
            public Instant now() {
                return clock.instant();
            }

            @Override
            public void waitUntil(Object monitor, Instant deadline) throws InterruptedException {
                long millis = deadline == null ? 50 : Duration.between(clock.instant(), deadline).toMillis() + 1;
                if (millis > 0) {
                    monitor.wait(millis);
                }
            }
        };
    }

    /** A test's clock: a wait for a known moment moves the clock there at once. */
    static SimulatorTime jumping(Clock clock, Consumer<Duration> advance) {
        return new SimulatorTime() {
            @Override
            public Instant now() {
                return clock.instant();
            }

            @Override
            public void waitUntil(Object monitor, Instant deadline) throws InterruptedException {
                if (deadline == null) {
                    monitor.wait(20);
                    return;
                }
                Duration ahead = Duration.between(clock.instant(), deadline);
                if (!ahead.isNegative() && !ahead.isZero()) {
                    advance.accept(ahead);
                }
            }
        };
    }
}
