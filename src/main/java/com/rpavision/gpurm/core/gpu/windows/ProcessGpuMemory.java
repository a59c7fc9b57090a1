package com.rpavision.gpurm.core.gpu.windows;

/**
 * One process's memory on the managed GPU as Windows counts it, in MiB: what NVML cannot tell per process on
 * WDDM, and which process spilled into shared memory.
 */
public record ProcessGpuMemory(long pid, long dedicatedMb, long sharedMb) {
}
