package com.rpavision.gpurm.testing;

import java.util.concurrent.atomic.AtomicInteger;

/** Counts model operations in flight across the fakes and remembers the most ever seen at once. */
public final class ConcurrencyRecorder {

    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger max = new AtomicInteger();
    private final AtomicInteger total = new AtomicInteger();

    public void enter() {
        int now = inFlight.incrementAndGet();
        max.accumulateAndGet(now, Math::max);
        total.incrementAndGet();
    }

    public void exit() {
        inFlight.decrementAndGet();
    }

    public int max() {
        return max.get();
    }

    public int total() {
        return total.get();
    }
}
