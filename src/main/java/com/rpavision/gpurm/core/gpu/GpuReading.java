package com.rpavision.gpurm.core.gpu;

import com.rpavision.gpurm.core.model.GpuProcess;
import com.rpavision.gpurm.core.model.VramInfo;

import java.util.List;

/**
 * One read of every GPU.
 *
 * @param processMemoryKnown false where the platform reports no per-process memory (Windows WDDM) or the
 *                           probe cannot list processes
 */
public record GpuReading(List<VramInfo> gpus, List<GpuProcess> processes, boolean processMemoryKnown) {
    public GpuReading {
        gpus = List.copyOf(gpus);
        processes = List.copyOf(processes);
    }
}
