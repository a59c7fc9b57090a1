package com.rpavision.gpurm.bench;

import com.rpavision.gpurm.core.clip.UnavailableClipEngine;
import com.rpavision.gpurm.core.config.GpuResourceConfig;
import com.rpavision.gpurm.core.gpu.GpuReading;
import com.rpavision.gpurm.core.gpu.GpuSample;
import com.rpavision.gpurm.core.gpu.NvmlProbe;
import com.rpavision.gpurm.core.gpu.VramMonitor;
import com.rpavision.gpurm.core.manager.DefaultGpuResourceManager;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.ollama.OllamaClient;
import com.rpavision.gpurm.testing.NvmlStub;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What a status query and a VRAM sample cost. The GPU is the NVML stub (two GPUs, three processes), so the
 * sample figures are JNA plus our binding; a real driver adds its own ~10 us per memory query.
 * Run with tools/bench.sh.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class StatusBenchmarks {

    private NvmlProbe probe;
    private VramMonitor monitor;
    private DefaultGpuResourceManager manager;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        Path library = NvmlStub.build("v3");
        NvmlStub.Control stub = NvmlStub.control(library);
        stub.nvmlStub_reset();
        stub.nvmlStub_addDevice("NVIDIA GeForce RTX 4090", 24_564 * NvmlStub.MIB, 11_730 * NvmlStub.MIB, 41);
        stub.nvmlStub_addDevice("NVIDIA RTX A2000 12GB", 12_282 * NvmlStub.MIB, 900 * NvmlStub.MIB, 3);
        stub.nvmlStub_addProcess(0, (int) ProcessHandle.current().pid(), 10_500 * NvmlStub.MIB);
        stub.nvmlStub_addProcess(0, 1, 700 * NvmlStub.MIB);
        stub.nvmlStub_addProcess(1, 2, 512 * NvmlStub.MIB);
        probe = NvmlProbe.open(library.toString());
        monitor = new VramMonitor(probe, 0, 100, Clock.systemUTC());
        monitor.sample();
        GpuResourceConfig config = GpuResourceConfig.defaults();
        manager = DefaultGpuResourceManager.builder(config)
                .ollama(new OllamaClient("http://127.0.0.1:9/", Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .clip(new UnavailableClipEngine("ViT-B-32", "benchmark"))
                .vramMonitor(monitor)
                .build();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        manager.shutdown();
    }

    /** What the panel and the API call on every refresh. */
    @Benchmark
    public GpuResourceStatus getStatus() {
        return manager.getStatus();
    }

    /** One poll of the monitor: memory and utilization of both GPUs (process lists once a second). */
    @Benchmark
    public GpuSample vramSample() {
        return monitor.sample();
    }

    /** One NVML read of both GPUs with their process lists and names. */
    @Benchmark
    public GpuReading nvmlReadWithProcesses() throws Exception {
        return probe.read(true);
    }

    /** One NVML read of both GPUs, memory and utilization only. */
    @Benchmark
    public GpuReading nvmlReadMemoryOnly() throws Exception {
        return probe.read(false);
    }
}
