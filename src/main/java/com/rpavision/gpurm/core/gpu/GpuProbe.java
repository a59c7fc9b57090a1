package com.rpavision.gpurm.core.gpu;

import java.util.Optional;

/** Reads VRAM figures from some source (NVML, nvidia-smi, or nothing). Implementations are thread-safe. */
public interface GpuProbe extends AutoCloseable {

    /** Short name for logs and status: "NVML 550.54", "nvidia-smi", "none". */
    String name();

    /** Why there is no GPU, when there is none; empty for a working probe. */
    default Optional<String> unavailableReason() {
        return Optional.empty();
    }

    /** @param withProcesses also list the processes using each GPU (slower; once a second at most) */
    GpuReading read(boolean withProcesses) throws GpuProbeException;

    @Override
    default void close() {
    }
}
