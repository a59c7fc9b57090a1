package com.rpavision.gpurm.core.model;

import java.util.Locale;

/** Kinds of {@link ResourceChangedEvent}; the wire name is the design's {@code event_type}. */
public enum EventType {
    MODE_CHANGED,
    MODEL_LOADING,
    MODEL_LOADED,
    MODEL_UNLOADING,
    MODEL_UNLOADED,
    MODEL_ERROR,
    /** A model Ollama held besides the VLM was unloaded on the operator's request. */
    OTHER_MODEL_UNLOADED,
    DEVICE_CHANGED,
    IDLE_UNLOAD,
    DEGRADED_ON,
    DEGRADED_OFF,
    VRAM_CHANGED,
    /** What Ollama or the GPU showed differs from what the manager expected: someone else acted. */
    VLM_DRIFT,
    /** A condition ({@link Condition}) began or ended: the {@code active} field says which. */
    CONDITION_CHANGED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
