package com.rpavision.gpurm.core.gpu.windows;

import com.rpavision.gpurm.core.gpu.GpuProbe;
import com.rpavision.gpurm.core.gpu.GpuReading;
import com.rpavision.gpurm.core.model.GpuProcess;
import com.rpavision.gpurm.core.model.VramInfo;
import com.rpavision.gpurm.testing.PdhStub;
import com.sun.jna.WString;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The counters laid over a probe that reads like NVML on Windows (WDDM: no per-process memory), through the PDH stub. */
class SharedMemoryProbeTest {

    private static final long MIB = 1024L * 1024L;
    private static final String NVIDIA = PdhStub.NVIDIA_ADAPTER;
    private static final String INTEGRATED = PdhStub.INTEGRATED_ADAPTER;

    private static String library;
    private static PdhStub.Control stub;

    @BeforeAll
    static void buildStub() {
        library = PdhStub.buildOrSkip().toString();
        stub = PdhStub.control(PdhStub.build());
    }

    @BeforeEach
    void reset() {
        stub.pdhStub_reset();
        PdhStub.setAdapter(stub, INTEGRATED, 96 * MIB, 700 * MIB);
        PdhStub.setAdapter(stub, NVIDIA, 10_200 * MIB, 2_048 * MIB);
        setProcess(4242, 9_800, 2_000);
        setProcess(1337, 300, 48);
    }

    /** What NVML gives on WDDM: the GPU, and its processes without their memory. */
    private static final class WddmNvml implements GpuProbe {
        int reads;

        @Override
        public String name() {
            return "NVML (driver 552.22)";
        }

        @Override
        public GpuReading read(boolean withProcesses) {
            reads++;
            VramInfo gpu = new VramInfo(0, "NVIDIA GeForce RTX 4070", 12_282, 10_650, 1_632, 40, "GPU-1", 350, "552.22");
            List<GpuProcess> processes = List.of(new GpuProcess(0, 4242, "ollama.exe", OptionalLong.empty()),
                    new GpuProcess(0, 1337, "chrome.exe", OptionalLong.empty()));
            return new GpuReading(List.of(gpu), withProcesses ? processes : List.of(), false);
        }
    }

    @Test
    void addsTheSharedMemoryOfTheNvidiaAdapterAndEachProcesssDedicatedUsage() throws Exception {
        try (SharedMemoryProbe probe = new SharedMemoryProbe(new WddmNvml(), SharedGpuMemory.open(library))) {
            GpuReading reading = probe.read(true);

            assertThat(reading.gpus()).singleElement().satisfies(g -> {
                assertThat(g.sharedMb()).hasValue(2_048);
                assertThat(g.usedMb()).as("NVML's figure kept").isEqualTo(10_650);
            });
            assertThat(reading.processes()).extracting(GpuProcess::usedMb)
                    .containsExactly(OptionalLong.of(9_800), OptionalLong.of(300));
            assertThat(reading.processMemoryKnown()).isTrue();
        }
    }

    @Test
    void readsBetweenProcessListsKeepTheLastFiguresWithoutCollectingAgain() throws Exception {
        try (SharedMemoryProbe probe = new SharedMemoryProbe(new WddmNvml(), SharedGpuMemory.open(library))) {
            probe.read(true);
            int collects = stub.pdhStub_collectCalls();
            PdhStub.setAdapter(stub, NVIDIA, 10_200 * MIB, 4_096 * MIB);

            assertThat(probe.read(false).gpus().get(0).sharedMb()).hasValue(2_048);
            assertThat(stub.pdhStub_collectCalls()).isEqualTo(collects);
            assertThat(probe.read(true).gpus().get(0).sharedMb()).hasValue(4_096);
        }
    }

    @Test
    void withoutTheCountersTheReadingIsTheProbesOwn() throws Exception {
        stub.pdhStub_removeObject(new WString(PdhStub.ADAPTER_MEMORY));
        try (SharedMemoryProbe probe = new SharedMemoryProbe(new WddmNvml(), SharedGpuMemory.open(library))) {
            GpuReading reading = probe.read(true);

            assertThat(reading.gpus().get(0).sharedMb()).isEmpty();
            assertThat(reading.processes()).extracting(GpuProcess::usedMb).containsOnly(OptionalLong.empty());
            assertThat(reading.processMemoryKnown()).isFalse();
        }
    }

    @Test
    void offWindowsTheProbeIsLeftAsItIs() {
        assumeTrue(!System.getProperty("os.name", "").toLowerCase().startsWith("windows"));
        WddmNvml nvml = new WddmNvml();
        assertThat(SharedMemoryProbe.onThisPlatform(nvml)).isSameAs(nvml);
    }

    private static void setProcess(long pid, long dedicatedMb, long sharedMb) {
        PdhStub.setProcess(stub, pid, NVIDIA, dedicatedMb * MIB, sharedMb * MIB);
    }
}
