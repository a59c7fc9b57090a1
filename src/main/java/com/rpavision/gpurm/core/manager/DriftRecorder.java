package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.DriftCause;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.VlmDrift;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** Every drift becomes one log line, one {@code vlm_drift} event (kept by the journal) and a count by cause. */
final class DriftRecorder {

    private static final Logger LOG = LoggerFactory.getLogger(DriftRecorder.class);

    private final EventEmitter events;
    private final Map<DriftCause, AtomicLong> counts = new EnumMap<>(DriftCause.class);
    private final AtomicReference<VlmDrift> last = new AtomicReference<>();

    DriftRecorder(EventEmitter events) {
        this.events = events;
        for (DriftCause cause : DriftCause.values()) {
            counts.put(cause, new AtomicLong());
        }
    }

    void record(String vlm, VlmDrift drift) {
        counts.get(drift.cause()).incrementAndGet();
        last.set(drift);
        LOG.warn("Drift: {}", drift.describe(vlm));
        events.emit(EventType.VLM_DRIFT, "model", vlm, "cause", drift.cause().wireName(), "expected", drift.expected(),
                "observed", drift.observed(), "other_model", drift.otherModel(), "other_mb", drift.otherMb(),
                "client", drift.client());
    }

    Map<DriftCause, Long> counts() {
        Map<DriftCause, Long> copy = new EnumMap<>(DriftCause.class);
        counts.forEach((cause, n) -> copy.put(cause, n.get()));
        return copy;
    }

    /** The most recent drift, or null. */
    VlmDrift last() {
        return last.get();
    }
}
