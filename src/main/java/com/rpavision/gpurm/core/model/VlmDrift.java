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
 * @param client     the client whose request through the manager's Ollama proxy did it (its User-Agent), or null
 */
public record VlmDrift(Instant at, DriftCause cause, String expected, String observed, String otherModel, long otherMb,
                       String client) {

    public VlmDrift {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(cause, "cause");
        Objects.requireNonNull(expected, "expected");
        Objects.requireNonNull(observed, "observed");
    }

    public VlmDrift(Instant at, DriftCause cause, String expected, String observed, String otherModel, long otherMb) {
        this(at, cause, expected, observed, otherModel, otherMb, null);
    }

    public static VlmDrift of(Instant at, DriftCause cause, String expected, String observed) {
        return new VlmDrift(at, cause, expected, observed, null, 0);
    }

    /** The same drift, caused by {@code client}'s request through the proxy; {@code evidence} ends the observation. */
    public VlmDrift byClient(String client, String evidence) {
        return new VlmDrift(at, cause, expected, observed + "; " + evidence, otherModel, otherMb, client);
    }

    /** One line for the log. */
    public String describe(String vlm) {
        return vlm + ": expected " + expected + ", observed " + observed + " (" + cause.wireName()
                + (otherModel == null ? "" : ", " + otherModel + " holds " + otherMb + " MB")
                + (client == null ? "" : ", asked by " + client + " through the proxy") + ")";
    }
}
