package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.events.Listeners;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;

import java.time.Clock;

/** Stamps and publishes resource events, after the state they describe has changed. */
final class EventEmitter {

    private final Clock clock;
    private final Listeners<ResourceChangedEvent> listeners;

    EventEmitter(Clock clock, Listeners<ResourceChangedEvent> listeners) {
        this.clock = clock;
        this.listeners = listeners;
    }

    void emit(EventType type, Object... keyValues) {
        listeners.fire(ResourceChangedEvent.of(clock.instant(), type, keyValues));
    }
}
