package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.Reason;

/**
 * Outcome of a CLIP move.
 *
 * @param reason why it did not happen; null when {@code ok}
 */
public record MigrationResult(boolean ok, ClipDevice device, String reason, Reason why) {

    public MigrationResult(boolean ok, ClipDevice device, String reason) {
        this(ok, device, reason, Reason.text(reason));
    }

    public static MigrationResult refused(ClipDevice device, Reason why) {
        return new MigrationResult(false, device, why.text(), why);
    }
}
