package com.rpavision.gpurm.core.model;

import java.util.Objects;

/**
 * Whether the CLIP pipeline can run, and why not when it cannot.
 *
 * @param reason                why CLIP is not available; null when {@link Availability#AVAILABLE}
 * @param cudaUnavailableReason why CLIP cannot go to the GPU ("CPU-only libtorch", "no CUDA device"); null when it can
 */
public record ClipStatus(Availability availability, ClipDevice device, String reason, String cudaUnavailableReason,
                         Reason why, Reason whyNotCuda) {

    public enum Availability { AVAILABLE, MIGRATING, UNAVAILABLE, ERROR }

    public ClipStatus {
        Objects.requireNonNull(availability, "availability");
        Objects.requireNonNull(device, "device");
    }

    /** Reasons as plain text. */
    public ClipStatus(Availability availability, ClipDevice device, String reason, String cudaUnavailableReason) {
        this(availability, device, reason, cudaUnavailableReason, Reason.text(reason), Reason.text(cudaUnavailableReason));
    }

    /** Reasons with codes; their texts fill the plain fields. */
    public static ClipStatus of(Availability availability, ClipDevice device, Reason why, Reason whyNotCuda) {
        return new ClipStatus(availability, device, why == null ? null : why.text(),
                whyNotCuda == null ? null : whyNotCuda.text(), why, whyNotCuda);
    }

    public boolean isUsable() {
        return availability == Availability.AVAILABLE;
    }
}
