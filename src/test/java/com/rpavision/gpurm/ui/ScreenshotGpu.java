package com.rpavision.gpurm.ui;

import com.rpavision.gpurm.core.gpu.GpuProbe;
import com.rpavision.gpurm.core.gpu.GpuProbeException;
import com.rpavision.gpurm.core.gpu.GpuReading;
import com.rpavision.gpurm.core.model.GpuProcess;
import com.rpavision.gpurm.core.model.GpuSensors;
import com.rpavision.gpurm.core.model.VramInfo;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The fake GPU read as the demo's simulated card reads: its name, the desktop's Xorg, CLIP inside the manager's
 * java process, and a load (with temperature and power) that rises while models are on it and swings with time.
 * The memory is the fake GPU's own, so every figure the panel shows is what the fakes put there.
 */
final class ScreenshotGpu implements GpuProbe {

    static final String NAME = "NVIDIA GeForce RTX 4090 (simulated)";
    /** Of the fake's base use, what the desktop's X server holds (the rest is the driver's and unlisted). */
    private static final long XORG_MB = 910;
    /** More than the desktop and CLIP use: a model is on the card, and something is asking it. */
    private static final long BUSY_ABOVE_MB = 4_000;

    private final GpuProbe gpu;
    private final Clock clock;
    private final long startSecond;

    ScreenshotGpu(GpuProbe gpu, Clock clock) {
        this.gpu = gpu;
        this.clock = clock;
        this.startSecond = clock.instant().getEpochSecond();
    }

    @Override
    public String name() {
        return "simulated GPU (demo)";
    }

    @Override
    public GpuReading read(boolean withProcesses) throws GpuProbeException {
        GpuReading r = gpu.read(withProcesses);
        List<VramInfo> gpus = new ArrayList<>();
        List<GpuProcess> processes = new ArrayList<>();
        if (withProcesses) {
            processes.add(new GpuProcess(0, 1_207, "Xorg", OptionalLong.of(XORG_MB)));
        }
        for (GpuProcess p : r.processes()) {
            boolean clip = p.pid() == ProcessHandle.current().pid();
            processes.add(new GpuProcess(p.gpuIndex(), p.pid(), clip ? "java (CLIP)" : p.name(), p.usedMb()));
        }
        for (VramInfo v : r.gpus()) {
            int utilization = utilization(v.usedMb() > BUSY_ABOVE_MB);
            gpus.add(new VramInfo(v.index(), NAME, v.totalMb(), v.usedMb(), v.freeMb(), utilization, v.uuid(),
                    v.reservedMb(), "simulated", GpuSensors.of(38 + utilization / 3, 28 + utilization * 3, 450)));
        }
        return new GpuReading(gpus, withProcesses ? processes : List.of(), r.processMemoryKnown());
    }

    /** A working VLM keeps the card between about 20 and 70 %, an idle one between 2 and 6 %; the same every run. */
    private int utilization(boolean busy) {
        long t = clock.instant().getEpochSecond() - startSecond;
        double wave = (Math.sin(t / 45.0) + Math.sin(t / 11.0) / 2 + 1.5) / 3;
        return busy ? (int) Math.round(20 + 50 * wave) : (int) Math.round(2 + 4 * wave);
    }
}
