package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.ClipDevice;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** Puts CLIP on the GPU when there is room for it (AUTOPILOT); after a failed move, waits before trying again. */
final class ClipGpuPlacement {

    private static final Duration RETRY_AFTER_FAILURE = Duration.ofSeconds(30);

    private final ClipController clip;
    private final Clock clock;
    private volatile Instant retryNotBefore = Instant.MIN;

    ClipGpuPlacement(ClipController clip, Clock clock) {
        this.clip = clip;
        this.clock = clock;
    }

    /** On the operation queue. */
    void moveToGpuIfRoom(String why) {
        if (clip.device() == ClipDevice.CUDA || !clip.gpuMoveConceivable() || !clip.enoughVramForGpu()) {
            return;
        }
        if (!clip.migrate(ClipDevice.CUDA, why).ok()) {
            retryNotBefore = clock.instant().plus(RETRY_AFTER_FAILURE);
        }
    }

    /** False for a while after a move to the GPU failed. */
    boolean retryDue() {
        return !clock.instant().isBefore(retryNotBefore);
    }
}
