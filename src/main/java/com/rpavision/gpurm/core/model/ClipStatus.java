package com.rpavision.gpurm.core.model;

import java.util.Objects;

/**
 * Whether the CLIP pipeline can run, and why not when it cannot.
 *
 * @param reason null when {@link Availability#AVAILABLE}
 */
public record ClipStatus(Availability availability, ClipDevice device, String reason) {

    public enum Availability { AVAILABLE, MIGRATING, UNAVAILABLE, ERROR }

    public ClipStatus {
        Objects.requireNonNull(availability, "availability");
        Objects.requireNonNull(device, "device");
    }

    public boolean isUsable() {
        return availability == Availability.AVAILABLE;
    }
}
