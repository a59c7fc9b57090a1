package com.rpavision.gpurm.testing;

import com.rpavision.gpurm.core.gpu.GpuProbe;
import com.rpavision.gpurm.core.gpu.GpuProbeException;
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

/**
 * A GPU whose memory is what the fakes put on it. Records every moment its budget was exceeded, and can
 * keep freed memory "in use" for a few reads, as a runner that exits slowly does.
 */
public final class FakeGpu implements GpuProbe, SimulatedVram {

    public static final String UUID = "GPU-5b0c0c3e-fa4e-4000-8000-0000000040a0";
    static final long RESERVED_MB = 300;
    /** A desktop card whose driver reports all of its sensors. */
    public static final GpuSensors SENSORS = GpuSensors.of(58, 112, 450);

    private final long totalMb;
    private final long baseUsedMb;
    private final Map<String, Long> residents = new LinkedHashMap<>();
    private final Map<String, long[]> draining = new LinkedHashMap<>();
    /** Owners whose process is an Ollama runner, listed under the runner's name rather than the owner's. */
    private final java.util.Set<String> runners = new java.util.HashSet<>();
    private final List<String> violations = new ArrayList<>();
    private int drainReads;
    private String failure;
    /** What runs before each read: the simulated Ollama catches up, so runners that exited have given memory back. */
    private volatile Runnable beforeRead = () -> { };

    public FakeGpu(long totalMb, long baseUsedMb) {
        this.totalMb = totalMb;
        this.baseUsedMb = baseUsedMb;
    }

    public synchronized void allocate(String owner, long mb) {
        runners.remove(owner);
        draining.remove(owner);
        residents.put(owner, mb);
        if (usedMb() > totalMb) {
            violations.add(owner + " took " + mb + " MB: " + usedMb() + " > " + totalMb + " MB " + residents);
        }
    }

    /** Memory an Ollama runner holds for {@code model}: its process is listed as "ollama", as Ollama's are. */
    public synchronized void allocateRunner(String model, long mb) {
        allocate(model, mb);
        runners.add(model);
    }

    public void beforeRead(Runnable hook) {
        this.beforeRead = hook;
    }

    @Override
    public void take(String model, long mb) {
        allocateRunner(model, mb);
    }

    @Override
    public void release(String model) {
        free(model);
    }

    public synchronized void free(String owner) {
        runners.remove(owner);
        Long mb = residents.remove(owner);
        if (mb != null && drainReads > 0) {
            draining.put(owner, new long[]{mb, drainReads});
        }
    }

    /** Freed memory stays used for this many reads. */
    public synchronized void drainOver(int reads) {
        this.drainReads = reads;
    }

    public synchronized void failReads(String message) {
        this.failure = message;
    }

    public synchronized boolean holds(String owner) {
        return residents.containsKey(owner);
    }

    public synchronized long usedMb() {
        return baseUsedMb + residents.values().stream().mapToLong(Long::longValue).sum()
                + draining.values().stream().mapToLong(d -> d[0]).sum();
    }

    @Override
    public synchronized long freeMb() {
        return Math.max(0, totalMb - usedMb());
    }

    public long totalMb() {
        return totalMb;
    }

    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    @Override
    public String name() {
        return "fake GPU";
    }

    @Override
    public GpuReading read(boolean withProcesses) throws GpuProbeException {
        beforeRead.run(); // outside this lock: the simulator takes its own, then gives memory back here
        synchronized (this) {
            return readNow(withProcesses);
        }
    }

    private GpuReading readNow(boolean withProcesses) throws GpuProbeException {
        if (failure != null) {
            throw new GpuProbeException(failure);
        }
        VramInfo info = new VramInfo(0, "Fake RTX 4090", totalMb, Math.min(totalMb, usedMb()), freeMb(), 37, UUID,
                Math.min(RESERVED_MB, Math.min(totalMb, usedMb())), "550.54.15", SENSORS);
        List<GpuProcess> processes = new ArrayList<>();
        int pid = 4000;
        for (Map.Entry<String, Long> e : residents.entrySet()) {
            // CLIP runs inside the manager's process, as the real engine does.
            long owner = e.getKey().equals("clip") ? ProcessHandle.current().pid() : pid++;
            String name = runners.contains(e.getKey()) ? "ollama" : e.getKey();
            processes.add(new GpuProcess(0, owner, name, OptionalLong.of(e.getValue())));
        }
        draining.values().removeIf(d -> --d[1] < 0);
        return new GpuReading(List.of(info), withProcesses ? processes : List.of(), withProcesses);
    }
}
