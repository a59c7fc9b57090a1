package com.rpavision.gpurm.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * One observed difference between what the manager expected of the VLM or the GPU and what Ollama or NVML
 * showed, with its cause.
 *
 * @param expected   what the manager expected, e.g. "loaded" or "kept forever"
 * @param observed   what it saw, e.g. "gone" or "expires at 10:47"
 * @param otherModel the model involved besides the VLM (the one that evicted it), or null
 * @param otherMb    what that model holds in VRAM, or 0
 */
public record VlmDrift(Instant at, DriftCause cause, String expected, String observed, String otherModel, long otherMb) {

    public VlmDrift {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(observed, "observed");
    }

    public static VlmDrift of(Instant at, DriftCause cause, String expected, String observed) {
        return new VlmDrift(at, cause, expected, observed, null, 0);
    }

    /** One line for the log. */
    public String describe(String vlm) {
        return vlm + ": expected " + expected + ", observed " + observed + " (" + cause.wireName()
                + (otherModel == null ? "" : ", " + otherModel + " holds " + otherMb + " MB") + ")";
    }
}
