package com.rpavision.gpurm.core.gpu;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/** The part of NVML's C API we call, with its real signatures and struct layouts (nvml.h). */
public interface NvmlLibrary extends Library {

    int SUCCESS = 0;
    int ERROR_NOT_SUPPORTED = 3;
    int ERROR_INSUFFICIENT_SIZE = 7;
    int ERROR_FUNCTION_NOT_FOUND = 13;
    int ERROR_ARGUMENT_VERSION_MISMATCH = 25;
    /** NVML_DEVICE_UUID_V2_BUFFER_SIZE: room for any UUID ("GPU-" or "MIG-" and 36 hex digits and dashes). */
    int DEVICE_UUID_BUFFER_SIZE = 96;
    /** nvmlMemory_v2: sizeof(nvmlMemory_v2_t) | 2 << 24; any other value is refused with error 25. */
    int MEMORY_V2_VERSION = 40 | 2 << 24;
    int DEVICE_NAME_BUFFER_SIZE = 96;
    int SYSTEM_DRIVER_VERSION_BUFFER_SIZE = 80;
    /** nvmlTemperatureSensors_t: the GPU die. */
    int TEMPERATURE_GPU = 0;
    /** usedGpuMemory when the platform cannot tell (Windows WDDM): ULLONG_MAX. */
    long VALUE_NOT_AVAILABLE = -1L;

    int nvmlInit_v2();

    int nvmlShutdown();

    String nvmlErrorString(int result);

    int nvmlSystemGetDriverVersion(byte[] version, int length);

    int nvmlDeviceGetCount_v2(IntByReference deviceCount);

    int nvmlDeviceGetHandleByIndex_v2(int index, PointerByReference device);

    int nvmlDeviceGetName(Pointer device, byte[] name, int length);

    int nvmlDeviceGetUUID(Pointer device, byte[] uuid, int length);

    int nvmlDeviceGetMemoryInfo(Pointer device, Memory memory);

    /** Drivers from about 510 on: splits driver-reserved memory from {@code used}. Older ones lack the symbol. */
    int nvmlDeviceGetMemoryInfo_v2(Pointer device, MemoryV2 memory);

    int nvmlDeviceGetUtilizationRates(Pointer device, Utilization utilization);

    int nvmlDeviceGetTemperature(Pointer device, int sensorType, IntByReference temperatureC);

    /** Milliwatts; NOT_SUPPORTED on many laptop GPUs. */
    int nvmlDeviceGetPowerUsage(Pointer device, IntByReference milliwatts);

    int nvmlDeviceGetEnforcedPowerLimit(Pointer device, IntByReference milliwatts);

    int nvmlDeviceGetComputeRunningProcesses_v3(Pointer device, IntByReference infoCount, ProcessInfo[] infos);

    /** nvmlMemory_t: {total, free, used}, in that order, bytes. */
    @Structure.FieldOrder({"total", "free", "used"})
    class Memory extends Structure {
        public long total;
        public long free;
        public long used;
    }

    /**
     * nvmlMemory_v2_t: {version, total, reserved, free, used}, bytes; {@code used} leaves out {@code reserved}
     * (total = reserved + used + free). The version must be set before the call.
     */
    @Structure.FieldOrder({"version", "total", "reserved", "free", "used"})
    class MemoryV2 extends Structure {
        public int version = MEMORY_V2_VERSION;
        public long total;
        public long reserved;
        public long free;
        public long used;
    }

    /** nvmlUtilization_t: percentages over the last sample period. */
    @Structure.FieldOrder({"gpu", "memory"})
    class Utilization extends Structure {
        public int gpu;
        public int memory;
    }

    /** nvmlProcessInfo_t (v2 layout, used by the _v3 call). */
    @Structure.FieldOrder({"pid", "usedGpuMemory", "gpuInstanceId", "computeInstanceId"})
    class ProcessInfo extends Structure {
        public int pid;
        public long usedGpuMemory;
        public int gpuInstanceId;
        public int computeInstanceId;
    }
}
