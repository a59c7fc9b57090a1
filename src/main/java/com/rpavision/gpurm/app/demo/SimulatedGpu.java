package com.rpavision.gpurm.app.demo;

import com.rpavision.gpurm.core.gpu.GpuProbe;
import com.rpavision.gpurm.core.gpu.GpuReading;
import com.rpavision.gpurm.core.model.GpuProcess;
import com.rpavision.gpurm.core.model.GpuSensors;
import com.rpavision.gpurm.core.model.VramInfo;
import com.rpavision.gpurm.simulator.SimulatedVram;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;

/** The demo's 24 GB GPU: a desktop's own use, plus whatever the simulated Ollama and CLIP put on it. */
public final class SimulatedGpu implements GpuProbe, SimulatedVram {

    static final long TOTAL_MB = 24_564;
    private static final long DESKTOP_MB = 1_310;
    /** What a driver reserves for itself on a 24 GB card (NVML memory info v2). */
    private static final long RESERVED_MB = 330;

    private record Resident(String process, long mb) {
    }

    /** By pid: each process as NVML would list it. */
    private final Map<Long, Resident> residents = new LinkedHashMap<>();
    private final Random jitter = new Random(42);
    /** Each model has its own runner process, as Ollama starts one per loaded model. */
    private final Map<String, Long> runnerPids = new LinkedHashMap<>();
    private long nextPid = 48_211;

    synchronized void allocate(long pid, String process, long mb) {
        residents.put(pid, new Resident(process, mb));
    }

    synchronized void free(long pid) {
        residents.remove(pid);
    }

    @Override
    public synchronized long freeMb() {
        return TOTAL_MB - RESERVED_MB - DESKTOP_MB - residents.values().stream().mapToLong(Resident::mb).sum();
    }

    /** A newer Ollama runs the ollama binary itself as its runner ("ollama runner ..."), not ollama_llama_server. */
    @Override
    public synchronized void take(String model, long mb) {
        long pid = runnerPids.computeIfAbsent(model, m -> nextPid++);
        allocate(pid, "ollama", mb);
    }

    @Override
    public synchronized void release(String model) {
        Long pid = runnerPids.remove(model);
        if (pid != null) {
            free(pid);
        }
    }

    @Override
    public String name() {
        return "simulated GPU (demo)";
    }

    @Override
    public synchronized GpuReading read(boolean withProcesses) {
        long models = residents.values().stream().mapToLong(Resident::mb).sum();
        long used = Math.min(TOTAL_MB, DESKTOP_MB + models + jitter.nextInt(24));
        int utilization = residents.isEmpty() ? 2 + jitter.nextInt(3) : 18 + jitter.nextInt(25);
        VramInfo gpu = new VramInfo(0, "NVIDIA GeForce RTX 4090 (simulated)", TOTAL_MB, used, TOTAL_MB - used, utilization,
                "GPU-00000000-0000-4000-8000-00000000de70", RESERVED_MB, "simulated", sensors(utilization));
        List<GpuProcess> processes = new ArrayList<>();
        processes.add(new GpuProcess(0, 1_207, "Xorg", OptionalLong.of(DESKTOP_MB - 400)));
        residents.forEach((pid, r) -> processes.add(new GpuProcess(0, pid, r.process(), OptionalLong.of(r.mb()))));
        return new GpuReading(List.of(gpu), withProcesses ? processes : List.of(), withProcesses);
    }

    /** A 450 W card: warmer and hungrier the busier it is. */
    private static GpuSensors sensors(int utilization) {
        return GpuSensors.of(38 + utilization / 3, 28 + utilization * 3, 450);
    }
}
