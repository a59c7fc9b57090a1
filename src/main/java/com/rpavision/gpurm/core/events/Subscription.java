package com.rpavision.gpurm.core.events;

/** Handle returned when a listener is added; closing it removes the listener. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    @Override
    void close();
}
