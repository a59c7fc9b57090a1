package com.rpavision.gpurm.core.model;

import java.util.Locale;

/** What the RPA system is doing, which decides where the models should live. */
public enum ExecutionMode {
    /** Nothing running: the models are left to the idle timer. */
    IDLE,
    /** An operator records a session: the VLM classifies UI elements, CLIP lives on the CPU. */
    RECORDING,
    /** Replay: the VLM is unloaded, CLIP moves to the GPU when there is room. */
    AUTOPILOT;

    /** The lower-case name used in JSON and logs. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name, case-insensitively; throws with the accepted values on anything else. */
    public static ExecutionMode fromWireName(String value) {
        if (value != null) {
            for (ExecutionMode mode : values()) {
                if (mode.wireName().equalsIgnoreCase(value.trim())) {
                    return mode;
                }
            }
        }
        throw new IllegalArgumentException("unknown mode '" + value + "': expected idle, recording or autopilot");
    }
}
