package com.rpavision.gpurm.core.model;

import java.util.Objects;

/**
 * Whether the CLIP pipeline can run, and why not when it cannot.
 *
 * @param reason                why CLIP is not available; null when {@link Availability#AVAILABLE}
 * @param cudaUnavailableReason why CLIP cannot go to the GPU ("CPU-only libtorch", "no CUDA device"); null when it can
 */
public record ClipStatus(Availability availability, ClipDevice device, String reason, String cudaUnavailableReason) {

    public enum Availability { AVAILABLE, MIGRATING, UNAVAILABLE, ERROR }

    public ClipStatus {
        Objects.requireNonNull(availability, "availability");
        Objects.requireNonNull(device, "device");
    }

    public boolean isUsable() {
        return availability == Availability.AVAILABLE;
    }
}
