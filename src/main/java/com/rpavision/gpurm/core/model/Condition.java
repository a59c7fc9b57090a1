package com.rpavision.gpurm.core.model;

import java.util.Locale;

/**
 * A named reason why a mode's desired state does not hold and the manager has stopped trying for now, or why what it
 * should keep is not kept.
 */
public enum Condition {
    /** Another model keeps evicting the VLM: reloading stopped until it leaves. */
    VLM_CONTENDED,
    /** Ollama holds part of the VLM in system memory. */
    VLM_PARTLY_ON_CPU,
    /** CLIP moved to the CPU because another program took the VRAM it needs. */
    CLIP_DISPLACED,
    /**
     * The VLM left Ollama a moment ago and Ollama may be in the middle of a step (an eviction, a reload, a
     * restart): the manager looks again, fast, and names the cause once Ollama has settled; it does not act meanwhile.
     */
    VLM_SETTLING,
    /**
     * The latest write of a file the manager keeps (the journal, which holds the chosen mode, the configuration,
     * api.json) failed: disk full, read-only or permission. Ends when that file is written again.
     */
    STORAGE_UNWRITABLE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
