package com.rpavision.gpurm.core.gpu;

import com.rpavision.gpurm.core.model.GpuProcess;
import com.rpavision.gpurm.core.model.VramInfo;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the monitor last saw.
 *
 * @param error why the last read failed, or null
 */
public record GpuSample(Instant at, List<VramInfo> gpus, List<GpuProcess> processes, boolean processMemoryKnown,
                        String error) {

    public GpuSample {
        gpus = List.copyOf(gpus);
        processes = List.copyOf(processes);
    }

    public static GpuSample empty(Instant at, String error) {
        return new GpuSample(at, List.of(), List.of(), false, error);
    }

    public Optional<VramInfo> gpu(int index) {
        return gpus.stream().filter(g -> g.index() == index).findFirst();
    }
}
