package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.ClipDevice;

/**
 * Outcome of a CLIP move.
 *
 * @param reason why it did not happen; null when {@code ok}
 */
public record MigrationResult(boolean ok, ClipDevice device, String reason) {
}
