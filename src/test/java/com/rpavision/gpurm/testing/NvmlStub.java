package com.rpavision.gpurm.testing;

import com.sun.jna.Library;
import com.sun.jna.Native;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Builds {@code src/test/c/nvml_stub.c} into a {@code libnvidia-ml.so.1} with gcc, once per variant, and
 * drives its state through the stub's control functions.
 */
public final class NvmlStub {

    /** The stub's own functions, loaded from the same file as the probe's, so they share its state. */
    public interface Control extends Library {
        void nvmlStub_reset();
        void nvmlStub_setInitResult(int result);
        int nvmlStub_addDevice(String name, long totalBytes, long usedBytes, int utilization);
        void nvmlStub_setUsed(int index, long usedBytes);
        void nvmlStub_setUuid(int index, String uuid);
        void nvmlStub_setReserved(int index, long reservedBytes);
        void nvmlStub_setSensors(int index, int temperatureC, int powerMilliwatts, int powerLimitMilliwatts);
        void nvmlStub_addProcess(int index, int pid, long usedBytes);
        int nvmlStub_initCalls();
        int nvmlStub_memoryCalls();
    }

    public static final long MIB = 1024L * 1024L;
    private static final ConcurrentHashMap<String, Path> BUILT = new ConcurrentHashMap<>();

    private NvmlStub() {
    }

    /** Why the stub cannot be built here, or empty when it can. */
    public static Optional<String> unavailableReason() {
        return CStubs.unavailableReason("NVML");
    }

    /**
     * @param variant "v3" for a current driver, "no-v3" for one without the _v3 process list and memory info v2,
     *                "no-power-limit" for a current one without nvmlDeviceGetEnforcedPowerLimit
     */
    public static Path build(String variant) {
        return BUILT.computeIfAbsent(variant, NvmlStub::compile);
    }

    private static Path compile(String variant) {
        List<String> flags = switch (variant) {
            case "no-v3" -> List.of("-DNVML_STUB_NO_V3");
            case "no-power-limit" -> List.of("-DNVML_STUB_NO_POWER_LIMIT");
            default -> List.of();
        };
        return CStubs.compile("nvml_stub.c", Path.of("nvml-stub", variant), "libnvidia-ml.so.1", flags);
    }

    public static Control control(Path library) {
        return Native.load(library.toString(), Control.class);
    }
}
