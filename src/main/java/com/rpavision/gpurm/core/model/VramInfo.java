package com.rpavision.gpurm.core.model;

import java.util.Objects;

/**
 * Memory of one GPU, in MiB as NVML reports it ({@code used} includes driver-reserved memory).
 *
 * @param index                 the GPU's NVML index, or -1 for "no GPU"
 * @param gpuUtilizationPercent 0-100
 */
public record VramInfo(int index, String gpuName, long totalMb, long usedMb, long freeMb, int gpuUtilizationPercent) {

    public static final String NO_GPU_NAME = "no GPU";

    public VramInfo {
        Objects.requireNonNull(gpuName, "gpuName");
        if (totalMb < 0 || usedMb < 0 || freeMb < 0) {
            throw new IllegalArgumentException("negative VRAM figure: total=" + totalMb + " used=" + usedMb + " free=" + freeMb);
        }
        if (gpuUtilizationPercent < 0 || gpuUtilizationPercent > 100) {
            throw new IllegalArgumentException("utilization out of 0-100: " + gpuUtilizationPercent);
        }
    }

    /** What is reported when no GPU can be read: all zeros, so every field stays valid. */
    public static VramInfo none() {
        return new VramInfo(-1, NO_GPU_NAME, 0, 0, 0, 0);
    }

    public boolean isGpu() {
        return index >= 0;
    }

    /** "3120 / 24564 MB used (21420 MB free) on NVIDIA RTX 4090". */
    public String describe() {
        if (!isGpu()) {
            return "no GPU";
        }
        return usedMb + " / " + totalMb + " MB used (" + freeMb + " MB free) on " + gpuName;
    }
}
