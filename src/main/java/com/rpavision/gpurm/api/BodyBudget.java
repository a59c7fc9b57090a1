package com.rpavision.gpurm.api;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of request bodies the proxy holds whole at once, over all its connections: a body on a path that names a
 * model is gathered before it goes on (to find {@code model}), so eight 255 MB uploads at once would otherwise hold
 * 2 GB. A piece that would take the total beyond the limit is refused (the exchange answers 503), and what an
 * exchange took is given back when it ends, however it ended.
 */
final class BodyBudget {

    private final long limit;
    private final AtomicLong held = new AtomicLong();

    BodyBudget(long limit) {
        this.limit = limit;
    }

    /** Takes {@code bytes} when they fit under the limit with all that is held now; false leaves the total as it was. */
    boolean take(long bytes) {
        long now;
        do {
            now = held.get();
            if (now + bytes > limit) {
                return false;
            }
        } while (!held.compareAndSet(now, now + bytes));
        return true;
    }

    void giveBack(long bytes) {
        held.addAndGet(-bytes);
    }

    /** Bytes held now. */
    long held() {
        return held.get();
    }

    long limit() {
        return limit;
    }
}
