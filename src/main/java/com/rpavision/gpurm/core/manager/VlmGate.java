package com.rpavision.gpurm.core.manager;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * Lets a request lease a loaded VLM without a round trip through the operation queue, and lets the operations that
 * may unload or reload the VLM see every such lease. Lock-free: a handshake of volatile counters.
 *
 * <p>A request counts itself in flight first, then passes only while no change is pending and none closed or
 * opened the gate while it looked at the VLM's state (a sequence number, read before and after). An operation
 * closes the gate first, then reads the requests in flight. In either order one of them sees the other: a request
 * that passed was counted before the gate closed, so the idle timer that closes it next sees it in flight; one that
 * looked after the gate closed takes the queue and waits behind the change, as every request did before.
 */
final class VlmGate {

    /** Where a request or a change stands, for tests that drive the two into each order. */
    interface Steps {
        Steps NONE = point -> { };

        void reached(Point point);
    }

    enum Point { REQUEST_COUNTED, CHANGE_CLOSED }

    /** A closed gate; {@link #close()} opens it (once). */
    interface Closed extends AutoCloseable {
        @Override
        void close();
    }

    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger changesPending = new AtomicInteger();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong passed = new AtomicLong();
    private final Steps steps;

    VlmGate(Steps steps) {
        this.steps = steps;
    }

    /** A request asks for the VLM: from now on every change sees it, until {@link #requestEnds()}. */
    void requestStarts() {
        requests.incrementAndGet();
        steps.reached(Point.REQUEST_COUNTED);
    }

    void requestEnds() {
        requests.decrementAndGet();
    }

    boolean requestsInFlight() {
        return requests.get() > 0;
    }

    /**
     * After {@link #requestStarts()}: whether the request may use the VLM now, without the queue. {@code usable}
     * reads the VLM's state; it is trusted only if no change was pending and none began or ended while it was read.
     */
    boolean passes(BooleanSupplier usable) {
        long before = sequence.get();
        if (changesPending.get() > 0 || !usable.getAsBoolean() || sequence.get() != before) {
            return false;
        }
        passed.incrementAndGet();
        return true;
    }

    /**
     * A change that may unload or reload the VLM is pending (asked for, queued or running): requests take the queue
     * until the returned handle is closed. Close it before reading {@link #requestsInFlight()}.
     */
    Closed closeForChange() {
        changesPending.incrementAndGet();
        sequence.incrementAndGet();
        steps.reached(Point.CHANGE_CLOSED);
        java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean();
        return () -> {
            if (open.compareAndSet(false, true)) {
                changesPending.decrementAndGet();
                sequence.incrementAndGet();
            }
        };
    }

    /** How many requests passed without the queue (for tests and the log). */
    long passedCount() {
        return passed.get();
    }
}
