package com.rpavision.gpurm.core.gpu;

import com.rpavision.gpurm.core.model.GpuProcess;
import com.rpavision.gpurm.core.model.GpuSensors;
import com.rpavision.gpurm.core.model.VramInfo;
import com.rpavision.gpurm.testing.NvmlStub;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.OptionalInt;
import java.util.OptionalLong;

import static com.rpavision.gpurm.testing.NvmlStub.MIB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The JNA binding against a stub libnvidia-ml.so built from C with NVML's real signatures and layouts. */
class NvmlProbeTest {

    private static Path library;
    private static NvmlStub.Control stub;

    @BeforeAll
    static void buildStub() {
        String reason = NvmlStub.unavailableReason().orElse(null);
        assumeTrue(reason == null, () -> "NVML binding tests skipped: " + reason);
        library = NvmlStub.build("v3");
        stub = NvmlStub.control(library);
    }

    @BeforeEach
    void reset() {
        stub.nvmlStub_reset();
    }

    @Test
    void readsEveryGpuWithItsNameMemoryAndUtilization() throws Exception {
        stub.nvmlStub_addDevice("NVIDIA GeForce RTX 4090", 24_564 * MIB, 1_200 * MIB, 37);
        stub.nvmlStub_addDevice("NVIDIA RTX A2000 12GB", 12_282 * MIB, 11_000 * MIB, 100);

        try (NvmlProbe probe = NvmlProbe.open(library.toString())) {
            GpuReading reading = probe.read(false);

            assertThat(reading.gpus()).containsExactly(
                    new VramInfo(0, "NVIDIA GeForce RTX 4090", 24_564, 1_200, 23_364, 37,
                            "GPU-5b0c0c3e-0000-4000-8000-000000000000", 0, "550.54.15"),
                    new VramInfo(1, "NVIDIA RTX A2000 12GB", 12_282, 11_000, 1_282, 100,
                            "GPU-5b0c0c3e-0000-4000-8000-000000000001", 0, "550.54.15"));
            assertThat(probe.name()).contains("550.54.15");
        }
    }

    @Test
    void readsTemperatureAndPowerInWattsWhereTheGpuReportsThem() throws Exception {
        stub.nvmlStub_addDevice("NVIDIA GeForce RTX 4090", 24_564 * MIB, 1_200 * MIB, 37);
        stub.nvmlStub_setSensors(0, 64, 287_600, 450_000);
        stub.nvmlStub_addDevice("Laptop GPU", 8_188 * MIB, 300 * MIB, 0); // answers NOT_SUPPORTED

        try (NvmlProbe probe = NvmlProbe.open(library.toString())) {
            List<VramInfo> gpus = probe.read(false).gpus();

            assertThat(gpus.get(0).sensors()).isEqualTo(GpuSensors.of(64, 288, 450));
            assertThat(gpus.get(0).sensors().powerPercentOfLimit()).hasValue(64);
            assertThat(gpus.get(1).sensors()).isEqualTo(GpuSensors.UNKNOWN);
            assertThat(gpus.get(1).usedMb()).as("memory still read").isEqualTo(300);
        }
    }

    @Test
    void aDriverWithoutThePowerLimitCallStillGivesTemperatureAndPower() throws Exception {
        Path trimmed = NvmlStub.build("no-power-limit");
        NvmlStub.Control trimmedStub = NvmlStub.control(trimmed);
        trimmedStub.nvmlStub_reset();
        trimmedStub.nvmlStub_addDevice("NVIDIA GeForce RTX 4090", 24_564 * MIB, 1_200 * MIB, 37);
        trimmedStub.nvmlStub_setSensors(0, 64, 287_600, 450_000);

        try (NvmlProbe probe = NvmlProbe.open(trimmed.toString())) {
            GpuSensors first = probe.read(false).gpus().get(0).sensors();
            trimmedStub.nvmlStub_setSensors(0, 71, 301_000, 450_000);
            GpuSensors second = probe.read(false).gpus().get(0).sensors();

            assertThat(first).isEqualTo(new GpuSensors(OptionalInt.of(64), OptionalInt.of(288), OptionalInt.empty()));
            assertThat(second).as("still read once the missing call is known")
                    .isEqualTo(new GpuSensors(OptionalInt.of(71), OptionalInt.of(301), OptionalInt.empty()));
        }
    }

    @Test
    void initializesNvmlOnceAndQueriesMemoryOnEveryRead() throws Exception {
        stub.nvmlStub_addDevice("GPU", 8_192 * MIB, 0, 0);
        try (NvmlProbe probe = NvmlProbe.open(library.toString())) {
            for (int i = 0; i < 5; i++) {
                stub.nvmlStub_setUsed(0, (i + 1) * 1_000 * MIB);
                assertThat(probe.read(false).gpus().get(0).usedMb()).isEqualTo((i + 1) * 1_000L);
            }
            assertThat(stub.nvmlStub_initCalls()).isEqualTo(1);
            assertThat(stub.nvmlStub_memoryCalls()).isEqualTo(5);
        }
    }

    @Test
    void listsComputeProcessesWithTheirMemory() throws Exception {
        stub.nvmlStub_addDevice("GPU", 24_564 * MIB, 12_000 * MIB, 50);
        int self = (int) ProcessHandle.current().pid();
        stub.nvmlStub_addProcess(0, self, 10_500 * MIB);
        stub.nvmlStub_addProcess(0, 999_999, 512 * MIB);

        try (NvmlProbe probe = NvmlProbe.open(library.toString())) {
            GpuReading reading = probe.read(true);

            assertThat(reading.processMemoryKnown()).isTrue();
            assertThat(reading.processes()).hasSize(2);
            GpuProcess mine = reading.processes().get(0);
            assertThat(mine.pid()).isEqualTo(self);
            assertThat(mine.name()).isEqualTo("java");
            assertThat(mine.usedMb()).isEqualTo(OptionalLong.of(10_500));
            assertThat(reading.processes().get(1).name()).as("a pid that is gone").isEqualTo("pid 999999");
        }
    }

    @Test
    void saysSoWhenTheDriverCannotTellPerProcessMemory() throws Exception {
        stub.nvmlStub_addDevice("GPU", 8_192 * MIB, 4_000 * MIB, 10);
        stub.nvmlStub_addProcess(0, 4242, -1L); // ULLONG_MAX: NVML_VALUE_NOT_AVAILABLE, as under Windows WDDM

        try (NvmlProbe probe = NvmlProbe.open(library.toString())) {
            GpuReading reading = probe.read(true);
            assertThat(reading.processMemoryKnown()).isFalse();
            assertThat(reading.processes()).singleElement().satisfies(p -> assertThat(p.usedMb()).isEmpty());
        }
    }

    @Test
    void readsTheUuidAndKeepsDriverReservedMemoryApartThroughMemoryInfoV2() throws Exception {
        stub.nvmlStub_addDevice("NVIDIA GeForce RTX 4090", 24_564 * MIB, 1_830 * MIB, 12);
        stub.nvmlStub_setReserved(0, 330 * MIB);
        stub.nvmlStub_setUuid(0, "GPU-d1f9c0a2-7e3b-4c55-9a10-3f0e2b6c8d41");

        try (NvmlProbe probe = NvmlProbe.open(library.toString())) {
            VramInfo gpu = probe.read(false).gpus().get(0);
            assertThat(gpu.uuid()).isEqualTo("GPU-d1f9c0a2-7e3b-4c55-9a10-3f0e2b6c8d41");
            assertThat(gpu.reservedMb()).isEqualTo(330);
            assertThat(gpu.usedMb()).as("used keeps v1's meaning, reserved included").isEqualTo(1_830);
            assertThat(gpu.allocatedMb()).isEqualTo(1_500);
            assertThat(gpu.totalMb()).isEqualTo(gpu.allocatedMb() + gpu.reservedMb() + gpu.freeMb());
            assertThat(gpu.driverVersion()).isEqualTo("550.54.15");
            assertThat(stub.nvmlStub_memoryCalls()).as("one memory query, v2").isEqualTo(1);
        }
    }

    @Test
    void theMemoryV2StructHasNvmlsLayout() {
        assertThat(new NvmlLibrary.MemoryV2().size()).isEqualTo(40);
        assertThat(NvmlLibrary.MEMORY_V2_VERSION).isEqualTo(0x02000028);
    }

    @Test
    void anInitFailureIsAClearError() {
        stub.nvmlStub_setInitResult(9);
        assertThatThrownBy(() -> NvmlProbe.open(library.toString()))
                .isInstanceOf(GpuProbeException.class)
                .hasMessageContaining("Driver Not Loaded")
                .hasMessageContaining("NVIDIA driver");
    }

    @Test
    void anOldDriverWithoutTheV3ProcessListStillReadsMemory() throws Exception {
        Path old = NvmlStub.build("no-v3");
        NvmlStub.Control oldStub = NvmlStub.control(old);
        oldStub.nvmlStub_reset();
        oldStub.nvmlStub_addDevice("Tesla P40", 24_576 * MIB, 100 * MIB, 0);
        oldStub.nvmlStub_addProcess(0, 1234, 100 * MIB);
        oldStub.nvmlStub_setReserved(0, 60 * MIB); // there, but an old driver cannot tell it apart

        try (NvmlProbe probe = NvmlProbe.open(old.toString())) {
            GpuReading reading = probe.read(true);
            assertThat(reading.gpus()).singleElement().satisfies(g -> assertThat(g.usedMb()).isEqualTo(100));
            assertThat(reading.gpus().get(0).reservedMb()).as("memory info v1: reserved not known").isZero();
            assertThat(probe.read(false).gpus().get(0).usedMb()).as("v1 again, after v2 was found missing").isEqualTo(100);
            assertThat(reading.processes()).isEmpty();
            assertThat(reading.processMemoryKnown()).isFalse();
        }
    }

    @Test
    void aMissingLibraryNamesWhatWasTried() {
        assertThatThrownBy(() -> NvmlProbe.open("/nonexistent/libnvidia-ml.so.1"))
                .isInstanceOf(GpuProbeException.class)
                .hasMessageContaining("/nonexistent/libnvidia-ml.so.1");
    }

    @Test
    void theMonitorReportsChangesBeyondTheThresholdOnly() throws Exception {
        stub.nvmlStub_addDevice("GPU", 24_000 * MIB, 1_000 * MIB, 0);
        try (NvmlProbe probe = NvmlProbe.open(library.toString())) {
            VramMonitor monitor = new VramMonitor(probe, 0, 100, java.time.Clock.systemUTC());
            java.util.List<VramChange> changes = new java.util.ArrayList<>();
            monitor.onVramChanged(changes::add);
            monitor.sample();
            stub.nvmlStub_setUsed(0, 1_099 * MIB);
            monitor.sample();
            stub.nvmlStub_setUsed(0, 11_600 * MIB);
            monitor.sample();

            assertThat(changes).singleElement().satisfies(c -> assertThat(c.deltaMb()).isEqualTo(10_600));
            assertThat(monitor.managedGpu().usedMb()).isEqualTo(11_600);
        }
    }
}
