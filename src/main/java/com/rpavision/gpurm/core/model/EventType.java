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
    VRAM_CHANGED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
