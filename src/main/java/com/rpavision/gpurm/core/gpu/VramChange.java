package com.rpavision.gpurm.core.gpu;

import com.rpavision.gpurm.core.model.VramInfo;

/** Used VRAM of the managed GPU moved by at least the configured threshold since the last report. */
public record VramChange(VramInfo before, VramInfo after) {
    public long deltaMb() {
        return after.usedMb() - before.usedMb();
    }
}
