package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Whether Ollama answers, as last observed. Flips publish degraded_on / degraded_off once each; a recovery
 * also asks for the VLM's state to be reconciled with Ollama's own list.
 */
final class OllamaAvailability {

    private static final Logger LOG = LoggerFactory.getLogger(OllamaAvailability.class);

    private final AtomicReference<Reason> downReason = new AtomicReference<>();
    private final AtomicBoolean reconcileNeeded = new AtomicBoolean();
    private final EventEmitter events;

    OllamaAvailability(EventEmitter events) {
        this.events = events;
    }

    boolean isDown() {
        return downReason.get() != null;
    }

    /** Null while reachable. */
    String downReason() {
        Reason reason = downReason.get();
        return reason == null ? null : reason.text();
    }

    /** Null while reachable. */
    Reason downReasonWithCode() {
        return downReason.get();
    }

    void markDown(Reason reason) {
        if (downReason.compareAndSet(null, reason)) {
            LOG.warn("Degraded mode ON: {} VLM operations will fail until it answers; retrying periodically.", reason.text());
            events.emit(EventType.DEGRADED_ON, "reason", reason.text(), "reason_code", reason.code().name(),
                    "reason_args", reason.args(), "component", "ollama");
        }
    }

    void markUp(String version) {
        Reason previous = downReason.getAndSet(null);
        if (previous != null) {
            reconcileNeeded.set(true);
            LOG.info("Degraded mode OFF: Ollama {} is reachable again", version);
            events.emit(EventType.DEGRADED_OFF, "component", "ollama", "ollama_version", version);
        }
    }

    /** True once after each recovery. */
    boolean takeReconcileRequest() {
        return reconcileNeeded.getAndSet(false);
    }
}
