package com.rpavision.gpurm.core.gpu;

import com.rpavision.gpurm.core.model.GpuProcess;
import com.rpavision.gpurm.core.model.GpuSensors;
import com.rpavision.gpurm.core.model.VramInfo;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Reads VRAM through NVML. {@code nvmlInit_v2} runs once, in {@link #open}; a memory query then costs
 * microseconds, so sampling once a second is cheap.
 */
public final class NvmlProbe implements GpuProbe {

    private static final Logger LOG = LoggerFactory.getLogger(NvmlProbe.class);

    private static final long MIB = 1024L * 1024L;

    private final NvmlLibrary nvml;
    private final String driverVersion;
    private final boolean windows;
    private volatile boolean processListMissing;
    private volatile boolean memoryV2Missing;
    /** The sensor calls this driver lacks (older or trimmed drivers), each found missing on its own. */
    private final java.util.Set<Sensor> sensorsMissing = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private enum Sensor { TEMPERATURE, POWER, POWER_LIMIT }

    private NvmlProbe(NvmlLibrary nvml, String driverVersion, boolean windows) {
        this.nvml = nvml;
        this.driverVersion = driverVersion;
        this.windows = windows;
    }

    /**
     * Loads NVML and initializes it.
     *
     * @param libraryPath a file to load, or empty for the platform's usual names
     */
    public static NvmlProbe open(String libraryPath) throws GpuProbeException {
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        List<String> candidates = libraryPath.isBlank() ? defaultNames(windows) : List.of(libraryPath);
        List<String> failures = new ArrayList<>();
        for (String candidate : candidates) {
            NvmlLibrary nvml;
            try {
                nvml = Native.load(candidate, NvmlLibrary.class);
            } catch (UnsatisfiedLinkError e) {
                failures.add(candidate);
                LOG.debug("Cannot load {}: {}", candidate, e.getMessage());
                continue;
            }
            int rc = nvml.nvmlInit_v2();
            if (rc != NvmlLibrary.SUCCESS) {
                throw new GpuProbeException("NVML (" + candidate + ") failed to initialize: " + nvml.nvmlErrorString(rc)
                        + " (code " + rc + "). Is the NVIDIA driver installed and loaded?");
            }
            byte[] version = new byte[NvmlLibrary.SYSTEM_DRIVER_VERSION_BUFFER_SIZE];
            String driver = nvml.nvmlSystemGetDriverVersion(version, version.length) == NvmlLibrary.SUCCESS
                    ? cString(version) : "unknown";
            return new NvmlProbe(nvml, driver, windows);
        }
        throw new GpuProbeException("NVML library not found (tried " + String.join(", ", failures) + ")");
    }

    private static List<String> defaultNames(boolean windows) {
        if (windows) {
            String programFiles = System.getenv().getOrDefault("ProgramFiles", "C:\\Program Files");
            return List.of("nvml", Path.of(programFiles, "NVIDIA Corporation", "NVSMI", "nvml.dll").toString());
        }
        return List.of("libnvidia-ml.so.1", "nvidia-ml");
    }

    public String driverVersion() {
        return driverVersion;
    }

    @Override
    public String name() {
        return "NVML (driver " + driverVersion + ")";
    }

    @Override
    public synchronized GpuReading read(boolean withProcesses) throws GpuProbeException {
        IntByReference count = new IntByReference();
        check(nvml.nvmlDeviceGetCount_v2(count), "count GPUs");
        List<VramInfo> gpus = new ArrayList<>();
        List<GpuProcess> processes = new ArrayList<>();
        boolean processMemoryKnown = withProcesses && !windows;
        for (int index = 0; index < count.getValue(); index++) {
            PointerByReference handle = new PointerByReference();
            check(nvml.nvmlDeviceGetHandleByIndex_v2(index, handle), "open GPU " + index);
            Pointer device = handle.getValue();
            gpus.add(readDevice(index, device));
            if (withProcesses) {
                processMemoryKnown &= readProcesses(index, device, processes);
            }
        }
        return new GpuReading(gpus, processes, processMemoryKnown);
    }

    private VramInfo readDevice(int index, Pointer device) throws GpuProbeException {
        byte[] name = new byte[NvmlLibrary.DEVICE_NAME_BUFFER_SIZE];
        check(nvml.nvmlDeviceGetName(device, name, name.length), "read the name of GPU " + index);
        byte[] uuid = new byte[NvmlLibrary.DEVICE_UUID_BUFFER_SIZE];
        String id = nvml.nvmlDeviceGetUUID(device, uuid, uuid.length) == NvmlLibrary.SUCCESS ? cString(uuid) : "";
        long total;
        long used;
        long free;
        long reserved = 0;
        NvmlLibrary.MemoryV2 v2 = memoryV2(device);
        if (v2 != null) {
            total = v2.total;
            used = v2.used + v2.reserved; // the v1 meaning, which the manager's figures keep
            free = v2.free;
            reserved = v2.reserved;
        } else {
            NvmlLibrary.Memory memory = new NvmlLibrary.Memory();
            check(nvml.nvmlDeviceGetMemoryInfo(device, memory), "read the memory of GPU " + index);
            total = memory.total;
            used = memory.used;
            free = memory.free;
        }
        NvmlLibrary.Utilization utilization = new NvmlLibrary.Utilization();
        int rc = nvml.nvmlDeviceGetUtilizationRates(device, utilization);
        int percent = rc == NvmlLibrary.SUCCESS ? Math.max(0, Math.min(100, utilization.gpu)) : 0;
        return new VramInfo(index, cString(name), total / MIB, used / MIB, free / MIB, percent, id, reserved / MIB,
                driverVersion, readSensors(device));
    }

    /**
     * Each figure on its own: a GPU that reports its temperature may still refuse its power draw, and a driver
     * that lacks one call (nvmlDeviceGetEnforcedPowerLimit on some) still gives the others.
     */
    private GpuSensors readSensors(Pointer device) {
        IntByReference value = new IntByReference();
        OptionalInt temperature = sensor(Sensor.TEMPERATURE,
                () -> nvml.nvmlDeviceGetTemperature(device, NvmlLibrary.TEMPERATURE_GPU, value), value, OptionalInt::of);
        OptionalInt power = sensor(Sensor.POWER, () -> nvml.nvmlDeviceGetPowerUsage(device, value), value,
                mw -> OptionalInt.of(wattsOf(mw)));
        OptionalInt limit = sensor(Sensor.POWER_LIMIT, () -> nvml.nvmlDeviceGetEnforcedPowerLimit(device, value), value,
                mw -> mw > 0 ? OptionalInt.of(Math.max(1, wattsOf(mw))) : OptionalInt.empty());
        return new GpuSensors(temperature, power, limit);
    }

    /** One sensor call; a missing symbol is remembered so that it is not looked up on every read. */
    private OptionalInt sensor(Sensor sensor, java.util.function.IntSupplier call, IntByReference value,
                               java.util.function.IntFunction<OptionalInt> convert) {
        if (sensorsMissing.contains(sensor)) {
            return OptionalInt.empty();
        }
        try {
            return call.getAsInt() == NvmlLibrary.SUCCESS ? convert.apply(value.getValue())
                    : OptionalInt.empty();
        } catch (UnsatisfiedLinkError e) {
            sensorsMissing.add(sensor);
            LOG.debug("NVML lacks the {} call: that figure is not known, the others are read", sensor, e);
            return OptionalInt.empty();
        }
    }

    private static int wattsOf(int milliwatts) {
        return (int) Math.round(Integer.toUnsignedLong(milliwatts) / 1000.0);
    }

    /** Memory info v2 (reserved apart), or null where the driver lacks it or refuses it: then v1 is used. */
    private NvmlLibrary.MemoryV2 memoryV2(Pointer device) {
        if (memoryV2Missing) {
            return null;
        }
        try {
            NvmlLibrary.MemoryV2 memory = new NvmlLibrary.MemoryV2();
            int rc = nvml.nvmlDeviceGetMemoryInfo_v2(device, memory);
            if (rc == NvmlLibrary.SUCCESS) {
                return memory;
            }
            if (rc == NvmlLibrary.ERROR_NOT_SUPPORTED || rc == NvmlLibrary.ERROR_FUNCTION_NOT_FOUND
                    || rc == NvmlLibrary.ERROR_ARGUMENT_VERSION_MISMATCH) {
                memoryV2Missing = true;
                LOG.debug("NVML memory info v2 refused ({}): reading v1, reserved memory not known", rc);
            }
            return null;
        } catch (UnsatisfiedLinkError e) {
            memoryV2Missing = true; // drivers older than about 510
            return null;
        }
    }

    /** @return whether the per-process memory figures are real */
    private boolean readProcesses(int index, Pointer device, List<GpuProcess> out) {
        if (processListMissing) {
            return false;
        }
        try {
            IntByReference count = new IntByReference(0);
            int rc = nvml.nvmlDeviceGetComputeRunningProcesses_v3(device, count, null);
            if (rc == NvmlLibrary.SUCCESS && count.getValue() == 0) {
                return true;
            }
            if (rc != NvmlLibrary.ERROR_INSUFFICIENT_SIZE) {
                return false;
            }
            int capacity = count.getValue() + 4;
            NvmlLibrary.ProcessInfo[] infos = (NvmlLibrary.ProcessInfo[]) new NvmlLibrary.ProcessInfo().toArray(capacity);
            count.setValue(capacity);
            if (nvml.nvmlDeviceGetComputeRunningProcesses_v3(device, count, infos) != NvmlLibrary.SUCCESS) {
                return false;
            }
            boolean known = true;
            for (int i = 0; i < count.getValue(); i++) {
                long used = infos[i].usedGpuMemory;
                boolean available = used != NvmlLibrary.VALUE_NOT_AVAILABLE && !windows;
                known &= available;
                long pid = Integer.toUnsignedLong(infos[i].pid);
                out.add(new GpuProcess(index, pid, ProcessNames.of(pid),
                        available ? OptionalLong.of(used / MIB) : OptionalLong.empty()));
            }
            return known;
        } catch (UnsatisfiedLinkError e) {
            processListMissing = true; // drivers older than 470 lack the _v3 call
            return false;
        }
    }

    private void check(int rc, String what) throws GpuProbeException {
        if (rc != NvmlLibrary.SUCCESS) {
            throw new GpuProbeException("NVML could not " + what + ": " + nvml.nvmlErrorString(rc) + " (code " + rc + ")");
        }
    }

    private static String cString(byte[] bytes) {
        int end = 0;
        while (end < bytes.length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, 0, end, StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void close() {
        nvml.nvmlShutdown();
    }
}
