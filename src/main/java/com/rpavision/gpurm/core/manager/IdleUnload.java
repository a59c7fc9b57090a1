package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.events.Listeners;
import com.rpavision.gpurm.core.events.Subscription;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.IdleUnloadEvent;
import com.rpavision.gpurm.core.model.ModelState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Consumer;

/** The idle timer: unloads the VLM once no request used it for the idle timeout (zero: never). */
final class IdleUnload {

    private static final Logger LOG = LoggerFactory.getLogger(IdleUnload.class);

    private final VlmController vlm;
    private final VlmGate gate;
    private final Clock clock;
    private final EventEmitter events;
    private final Listeners<IdleUnloadEvent> listeners = new Listeners<>();
    private volatile Duration timeout;

    IdleUnload(VlmController vlm, VlmGate gate, Clock clock, EventEmitter events, Duration timeout) {
        this.vlm = vlm;
        this.gate = gate;
        this.clock = clock;
        this.events = events;
        this.timeout = timeout;
    }

    Duration timeout() {
        return timeout;
    }

    /** Applied while running; true when it differs from the one in force. */
    boolean retime(Duration updated) {
        if (updated.equals(timeout)) {
            return false;
        }
        timeout = updated;
        return true;
    }

    Subscription onUnload(Consumer<IdleUnloadEvent> listener) {
        return listeners.add(listener);
    }

    /** On the operation queue, once per maintenance round. */
    void unloadIfIdle() throws InterruptedException {
        Instant last = vlm.lastActivity();
        Duration timeout = this.timeout;
        if (timeout.isZero() || vlm.state() != ModelState.LOADED || gate.requestsInFlight() || last == null
                || Duration.between(last, clock.instant()).compareTo(timeout) < 0) {
            return;
        }
        try (VlmGate.Closed closed = gate.closeForChange()) {
            // closed first, then the requests in flight: one that passed the gate before is counted by now, one
            // that comes after waits behind this unload and reloads the VLM
            if (!gate.requestsInFlight()) {
                unloadIdle(vlm.lastActivity(), timeout);
            }
        }
    }

    private void unloadIdle(Instant last, Duration timeout) throws InterruptedException {
        Duration idle = Duration.between(last, clock.instant());
        if (idle.compareTo(timeout) < 0) {
            return; // a request came and went meanwhile
        }
        LOG.info("VLM {} idle for {} s (timeout {} s): unloading", vlm.model(), idle.toSeconds(), timeout.toSeconds());
        if (vlm.unload("idle timeout")) {
            vlm.markIdleUnloaded();
            events.emit(EventType.IDLE_UNLOAD, "model", vlm.model(), "idle_seconds", idle.toSeconds());
            listeners.fire(new IdleUnloadEvent(clock.instant(), vlm.model(), idle));
        }
    }
}
