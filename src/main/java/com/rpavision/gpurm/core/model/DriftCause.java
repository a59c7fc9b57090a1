package com.rpavision.gpurm.core.model;

import java.util.Locale;

/**
 * Why what Ollama or the GPU shows differs from what the manager expected: someone else acted. Each observed
 * difference is a {@code vlm_drift} event with one of these causes, and a counter in /metrics.
 */
public enum DriftCause {
    /** The VLM appeared in Ollama without the manager loading it (another client, or the proxy's unmanaged path). */
    LOADED_OUTSIDE,
    /** The VLM left Ollama without the manager unloading it: keep_alive 0 or 'ollama stop' from another client. */
    UNLOADED_OUTSIDE,
    /** The VLM left Ollama when the expiry someone else gave it passed. */
    EXPIRED,
    /** The VLM left Ollama while another model appeared: evicted for room or for OLLAMA_MAX_LOADED_MODELS. */
    EVICTED,
    /** Ollama restarted and forgot every model. */
    OLLAMA_RESTARTED,
    /** The VLM left Ollama and what Ollama showed until it settled does not say why. */
    CAUSE_UNKNOWN,
    /** Another request gave the VLM its own keep_alive: Ollama would unload it on its own timer. */
    KEEP_ALIVE_TAKEN_OVER,
    /** The VLM was reloaded with other runner options (its size changed). */
    RELOADED_WITH_OTHER_OPTIONS,
    /** Ollama holds part of the VLM in system memory: inference is slow. */
    PARTLY_ON_CPU,
    /** Another program took VRAM on the managed GPU. */
    VRAM_TAKEN,
    /** The GPU stopped answering. */
    GPU_LOST,
    /** The GPU answers again. */
    GPU_BACK;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
