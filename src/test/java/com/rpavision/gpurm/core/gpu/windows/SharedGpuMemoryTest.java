package com.rpavision.gpurm.core.gpu.windows;

import com.rpavision.gpurm.testing.PdhStub;
import com.sun.jna.WString;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Shared GPU memory read through the real PDH binding from a stub pdh built from C. */
class SharedGpuMemoryTest {

    private static final long MIB = 1024L * 1024L;
    private static final String NVIDIA = PdhStub.NVIDIA_ADAPTER;
    private static final String INTEGRATED = PdhStub.INTEGRATED_ADAPTER;
    private static final String BASIC_RENDER = "luid_0x00000000_0x00010F2C_phys_0";

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
    }

    /** A laptop's three adapters: the VLM on the NVIDIA GPU with 2 GiB spilled, the desktop on the integrated one. */
    private static void laptop() {
        PdhStub.setAdapter(stub, INTEGRATED, 96 * MIB, 1_400 * MIB);
        PdhStub.setAdapter(stub, NVIDIA, 10_200 * MIB, 2_048 * MIB);
        PdhStub.setAdapter(stub, BASIC_RENDER, 0, 0);
    }

    @Test
    void readsTheDedicatedAndSharedUsageOfTheAdapterNvmlMeasures() {
        laptop();
        try (SharedGpuMemory memory = SharedGpuMemory.open(library)) {
            assertThat(memory.unavailableReason()).isEmpty();

            assertThat(memory.read(10_650)).contains(new SharedMemoryReading(10_200, 2_048, NVIDIA, List.of()));
            assertThat(memory.unavailableReason()).isEmpty();
        }
    }

    @Test
    void opensTheQueryOnceAndCollectsOncePerRead() {
        laptop();
        try (SharedGpuMemory memory = SharedGpuMemory.open(library)) {
            for (int i = 1; i <= 4; i++) {
                PdhStub.setAdapter(stub, NVIDIA, 10_200 * MIB, i * 512 * MIB);
                assertThat(memory.read(10_650)).map(SharedMemoryReading::sharedMb).contains(i * 512L);
            }
            assertThat(stub.pdhStub_openCalls()).isEqualTo(1);
            assertThat(stub.pdhStub_collectCalls()).isEqualTo(4);
            // the adapter pair: each sized once (two calls), then one call per read; the process pair has
            // no instances here, which takes one call each
            assertThat(stub.pdhStub_sizingCalls()).isEqualTo(2);
            assertThat(stub.pdhStub_arrayCalls()).isEqualTo(2 * 2 + 2 * 3 + 2 * 4);
        }
    }

    @Test
    void listsEachProcessOnTheNvidiaAdapterWithItsDedicatedAndSharedUsage() {
        laptop();
        setProcess(4242, NVIDIA, 9_000 * MIB, 2_000 * MIB); // the VLM's runner, partly spilled
        setProcess(1337, NVIDIA, 300 * MIB, 48 * MIB);
        setProcess(1337, INTEGRATED, 90 * MIB, 1_000 * MIB); // the same program on the other adapter
        setProcess(880, INTEGRATED, 6 * MIB, 400 * MIB);

        try (SharedGpuMemory memory = SharedGpuMemory.open(library)) {
            assertThat(memory.read(10_650)).map(SharedMemoryReading::processes).contains(List.of(
                    new ProcessGpuMemory(1337, 300, 48), new ProcessGpuMemory(4242, 9_000, 2_000)));
        }
    }

    @Test
    void withoutTheProcessCountersTheAdapterFiguresStillCome() {
        laptop();
        stub.pdhStub_removeObject(new WString("GPU Process Memory"));

        try (SharedGpuMemory memory = SharedGpuMemory.open(library)) {
            assertThat(memory.read(10_650)).contains(new SharedMemoryReading(10_200, 2_048, NVIDIA, List.of()));
        }
    }

    private static void setProcess(long pid, String adapter, long dedicatedBytes, long sharedBytes) {
        PdhStub.setProcess(stub, pid, adapter, dedicatedBytes, sharedBytes);
    }

    @Test
    void aMissingCounterObjectMakesItUnavailableWithTheReason() {
        laptop();
        stub.pdhStub_removeObject(new WString(PdhStub.ADAPTER_MEMORY));

        try (SharedGpuMemory memory = SharedGpuMemory.open(library)) {
            assertThat(memory.read(10_650)).isEmpty();
            assertThat(memory.unavailableReason()).hasValueSatisfying(reason -> assertThat(reason)
                    .contains("\\GPU Adapter Memory(*)\\Dedicated Usage").contains("PDH_CSTATUS_NO_OBJECT"));
        }
        assertThat(stub.pdhStub_openQueries()).as("the half-built query is closed").isZero();
    }

    @Test
    void aFailedCollectGivesNothingThisTimeAndTheNextReadRecovers() {
        laptop();
        try (SharedGpuMemory memory = SharedGpuMemory.open(library)) {
            stub.pdhStub_setCollectResult(PdhLibrary.PDH_INVALID_DATA);
            assertThat(memory.read(10_650)).isEmpty();
            assertThat(memory.unavailableReason()).hasValueSatisfying(reason -> assertThat(reason)
                    .contains("PdhCollectQueryData").contains("PDH_INVALID_DATA (0xC0000BC6)"));

            stub.pdhStub_setCollectResult(PdhLibrary.ERROR_SUCCESS);
            assertThat(memory.read(10_650)).isPresent();
            assertThat(memory.unavailableReason()).isEmpty();
        }
    }

    @Test
    void saysSoWhenItCannotTellWhichAdapterIsTheNvidiaGpu() {
        laptop();
        PdhStub.setAdapter(stub, NVIDIA, 150 * MIB, 0); // the VLM is unloaded: both GPUs nearly empty
        try (SharedGpuMemory memory = SharedGpuMemory.open(library)) {
            assertThat(memory.read(300)).isEmpty();
            assertThat(memory.unavailableReason()).hasValueSatisfying(reason -> assertThat(reason)
                    .contains("cannot tell which adapter").contains(NVIDIA).contains(INTEGRATED));
        }
    }

    @Test
    void saysSoWhenNoAdapterIsCounted() {
        try (SharedGpuMemory memory = SharedGpuMemory.open(library)) {
            assertThat(memory.read(1_000)).isEmpty();
            assertThat(memory.unavailableReason()).contains("no GPU adapter in the GPU Adapter Memory counters");
        }
    }

    @Test
    void closeClosesTheQueryAndLaterReadsGiveNothing() {
        laptop();
        SharedGpuMemory memory = SharedGpuMemory.open(library);
        assertThat(stub.pdhStub_openQueries()).isEqualTo(1);

        memory.close();
        memory.close();

        assertThat(stub.pdhStub_openQueries()).isZero();
        assertThat(stub.pdhStub_closeCalls()).isEqualTo(1);
        assertThat(memory.read(10_650)).isEmpty();
        assertThat(memory.unavailableReason()).contains("closed");
    }

    @Test
    void aLibraryThatCannotBeLoadedIsUnavailableWithTheReason() {
        SharedGpuMemory memory = SharedGpuMemory.open("/nonexistent/pdh-stub.so");

        assertThat(memory.read(1_000)).isEmpty();
        assertThat(memory.unavailableReason()).hasValueSatisfying(reason ->
                assertThat(reason).startsWith("cannot load /nonexistent/pdh-stub.so"));
        memory.close();
    }

    @Test
    void offWindowsThePlatformEntryPointIsUnavailable() {
        assumeTrue(!System.getProperty("os.name", "").toLowerCase().startsWith("windows"));

        try (SharedGpuMemory memory = SharedGpuMemory.openForThisPlatform()) {
            assertThat(memory.read(1_000)).isEmpty();
            assertThat(memory.unavailableReason()).contains("shared GPU memory is a Windows (WDDM) figure");
        }
    }

    @Test
    void readsFromSeveralThreadsAtOnce() throws Exception {
        laptop();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (SharedGpuMemory memory = SharedGpuMemory.open(library)) {
            List<Future<Optional<SharedMemoryReading>>> reads = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                reads.add(pool.submit(() -> memory.read(10_650)));
            }
            for (Future<Optional<SharedMemoryReading>> read : reads) {
                assertThat(read.get()).contains(new SharedMemoryReading(10_200, 2_048, NVIDIA, List.of()));
            }
            assertThat(stub.pdhStub_collectCalls()).isEqualTo(200);
        } finally {
            pool.shutdownNow();
        }
    }
}
