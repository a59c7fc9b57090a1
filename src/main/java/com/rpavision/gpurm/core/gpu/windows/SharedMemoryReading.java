package com.rpavision.gpurm.core.gpu.windows;

import java.util.List;

/**
 * One adapter's GPU memory as Windows counts it (WDDM), in MiB.
 *
 * @param dedicatedMb      allocations resident in the adapter's own VRAM ({@code Dedicated Usage})
 * @param sharedMb         allocations the driver placed in system RAM instead ({@code Shared Usage}): a model
 *                         that spilled there runs much slower
 * @param adapterInstance  the PDH instance read, such as {@code luid_0x00000000_0x0000D1A5_phys_0}
 * @param processes        each process's share on this adapter, by pid; empty where the per-process
 *                         counters could not be read
 */
public record SharedMemoryReading(long dedicatedMb, long sharedMb, String adapterInstance,
                                  List<ProcessGpuMemory> processes) {

    public SharedMemoryReading {
        processes = List.copyOf(processes);
    }
}
