package com.rpavision.gpurm.core.gpu.windows;

import com.rpavision.gpurm.core.gpu.GpuProbe;
import com.rpavision.gpurm.core.gpu.GpuProbeException;
import com.rpavision.gpurm.core.gpu.GpuReading;
import com.rpavision.gpurm.core.model.GpuProcess;
import com.rpavision.gpurm.core.model.VramInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Adds what Windows counts to another probe's reading: each GPU's shared memory (allocations paged into system
 * RAM), and on WDDM, where NVML cannot tell per-process memory, each process's dedicated usage. The counters are
 * read with the process list (once a second at most); reads in between keep the last figures.
 */
public final class SharedMemoryProbe implements GpuProbe {

    private final GpuProbe inner;
    private final SharedGpuMemory counters;
    private final Map<Integer, SharedMemoryReading> last = new HashMap<>();

    public SharedMemoryProbe(GpuProbe inner, SharedGpuMemory counters) {
        this.inner = inner;
        this.counters = counters;
    }

    /** The probe itself where the counters cannot be read (any OS but Windows, or Windows before WDDM 2). */
    public static GpuProbe onThisPlatform(GpuProbe inner) {
        SharedGpuMemory counters = SharedGpuMemory.openForThisPlatform();
        if (counters.unavailableReason().isPresent()) {
            counters.close();
            return inner;
        }
        return new SharedMemoryProbe(inner, counters);
    }

    @Override
    public String name() {
        return inner.name() + " + Windows GPU memory counters";
    }

    @Override
    public Optional<String> unavailableReason() {
        return inner.unavailableReason();
    }

    @Override
    public synchronized GpuReading read(boolean withProcesses) throws GpuProbeException {
        GpuReading reading = inner.read(withProcesses);
        if (withProcesses) {
            last.clear();
            for (VramInfo gpu : reading.gpus()) {
                counters.read(gpu.allocatedMb()).ifPresent(r -> last.put(gpu.index(), r));
            }
        }
        List<VramInfo> gpus = reading.gpus().stream()
                .map(g -> last.containsKey(g.index()) ? g.withSharedMb(last.get(g.index()).sharedMb()) : g).toList();
        if (!withProcesses || reading.processMemoryKnown()) {
            return new GpuReading(gpus, reading.processes(), reading.processMemoryKnown());
        }
        return withProcessMemory(gpus, reading.processes());
    }

    /** WDDM: NVML lists the processes without their memory; the counters have it, by pid. */
    private GpuReading withProcessMemory(List<VramInfo> gpus, List<GpuProcess> processes) {
        List<GpuProcess> filled = new ArrayList<>();
        boolean known = !last.isEmpty();
        for (GpuProcess p : processes) {
            OptionalLong dedicated = dedicatedOf(p);
            known &= dedicated.isPresent();
            filled.add(dedicated.isPresent() && p.usedMb().isEmpty()
                    ? new GpuProcess(p.gpuIndex(), p.pid(), p.name(), dedicated) : p);
        }
        return new GpuReading(gpus, filled, known);
    }

    private OptionalLong dedicatedOf(GpuProcess p) {
        SharedMemoryReading adapter = last.get(p.gpuIndex());
        if (adapter == null) {
            return OptionalLong.empty();
        }
        return adapter.processes().stream().filter(m -> m.pid() == p.pid())
                .mapToLong(ProcessGpuMemory::dedicatedMb).findFirst();
    }

    @Override
    public synchronized void close() {
        counters.close();
        inner.close();
    }
}
