package com.rpavision.gpurm.core.model;

import java.util.OptionalLong;

/**
 * A process holding GPU memory. {@code usedMb} is empty where the platform cannot tell (Windows WDDM).
 */
public record GpuProcess(int gpuIndex, long pid, String name, OptionalLong usedMb) {
}
