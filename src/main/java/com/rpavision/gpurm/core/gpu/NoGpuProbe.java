package com.rpavision.gpurm.core.gpu;

import java.util.List;
import java.util.Optional;

/** Stands for a machine without a usable NVIDIA GPU: reads nothing and says why. */
public final class NoGpuProbe implements GpuProbe {

    private final String reason;

    public NoGpuProbe(String reason) {
        this.reason = reason;
    }

    @Override
    public String name() {
        return "none";
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.of(reason);
    }

    @Override
    public GpuReading read(boolean withProcesses) {
        return new GpuReading(List.of(), List.of(), false);
    }
}
