/*
 * A stand-in for libnvidia-ml.so with the real NVML signatures and struct layouts (nvml.h), compiled by the
 * tests. Its state is set through the nvmlStub_* functions, which the real library does not have.
 * Build with -DNVML_STUB_NO_V3 to act like a driver older than 470: no ..._v3 process list and no
 * nvmlDeviceGetMemoryInfo_v2 (both came later). Build with -DNVML_STUB_NO_POWER_LIMIT to act like a driver
 * that lacks nvmlDeviceGetEnforcedPowerLimit (the symbol is absent, not NOT_SUPPORTED).
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef int nvmlReturn_t;
typedef struct nvmlDevice_st *nvmlDevice_t;

#define NVML_SUCCESS 0
#define NVML_ERROR_UNINITIALIZED 1
#define NVML_ERROR_INVALID_ARGUMENT 2
#define NVML_ERROR_NOT_SUPPORTED 3
#define NVML_ERROR_INSUFFICIENT_SIZE 7
#define NVML_ERROR_DRIVER_NOT_LOADED 9
#define NVML_ERROR_ARGUMENT_VERSION_MISMATCH 25

typedef struct nvmlMemory_st {
    unsigned long long total;
    unsigned long long free;
    unsigned long long used;
} nvmlMemory_t;

typedef struct nvmlMemory_v2_st {
    unsigned int version;
    unsigned long long total;
    unsigned long long reserved;
    unsigned long long free;
    unsigned long long used;
} nvmlMemory_v2_t;

#define NVML_STRUCT_VERSION(data, ver) (unsigned int) (sizeof(nvml##data##_v##ver##_t) | ((ver) << 24U))
#define nvmlMemory_v2 NVML_STRUCT_VERSION(Memory, 2)

typedef struct nvmlUtilization_st {
    unsigned int gpu;
    unsigned int memory;
} nvmlUtilization_t;

typedef struct nvmlProcessInfo_st {
    unsigned int pid;
    unsigned long long usedGpuMemory;
    unsigned int gpuInstanceId;
    unsigned int computeInstanceId;
} nvmlProcessInfo_t;

_Static_assert(sizeof(nvmlMemory_t) == 24, "nvmlMemory_t is three unsigned long longs");
_Static_assert(sizeof(nvmlMemory_v2_t) == 40, "nvmlMemory_v2_t: the version is padded to 8 bytes");
_Static_assert(nvmlMemory_v2 == 0x02000028, "nvmlMemory_v2 is the version the driver checks");
_Static_assert(offsetof(nvmlProcessInfo_t, usedGpuMemory) == 8, "usedGpuMemory is 8-byte aligned");
_Static_assert(sizeof(nvmlProcessInfo_t) == 24, "nvmlProcessInfo_t (v2 layout) is 24 bytes");

#define MAX_DEVICES 8
#define MAX_PROCESSES 32

struct stub_device {
    char name[96];
    char uuid[96];
    unsigned long long total;
    unsigned long long used; /* v1 meaning: reserved included */
    unsigned long long reserved;
    unsigned int utilization;
    int has_sensors; /* without them the sensor calls answer NOT_SUPPORTED, as many laptop GPUs do */
    unsigned int temperature_c;
    unsigned int power_mw;
    unsigned int power_limit_mw;
    unsigned int process_count;
    nvmlProcessInfo_t processes[MAX_PROCESSES];
};

static struct stub_device devices[MAX_DEVICES];
static unsigned int device_count;
static int initialized;
static nvmlReturn_t init_result;
static int init_calls;
static int memory_calls;

int nvmlStub_addDevice(const char *name, unsigned long long total, unsigned long long used, unsigned int utilization);
void nvmlStub_setUuid(unsigned int index, const char *uuid);
void nvmlStub_setReserved(unsigned int index, unsigned long long reserved);
void nvmlStub_setSensors(unsigned int index, unsigned int temperature_c, unsigned int power_mw, unsigned int power_limit_mw);

/*
 * A child process (the headless app under test) gets its GPUs from
 * NVML_STUB_DEVICES="name,totalMiB,usedMiB,util[,uuid[,reservedMiB[,tempC,powerW,limitW]]];...".
 */
static void devices_from_environment(void) {
    const char *spec = getenv("NVML_STUB_DEVICES");
    if (spec == NULL || device_count > 0) {
        return;
    }
    char copy[1024];
    strncpy(copy, spec, sizeof(copy) - 1);
    copy[sizeof(copy) - 1] = 0;
    char *save = NULL;
    for (char *entry = strtok_r(copy, ";", &save); entry != NULL && device_count < MAX_DEVICES;
         entry = strtok_r(NULL, ";", &save)) {
        char name[96];
        char uuid[96];
        unsigned long long total_mib, used_mib, reserved_mib;
        unsigned int util, temperature_c, power_w, limit_w;
        int fields = sscanf(entry, "%95[^,],%llu,%llu,%u,%95[^,],%llu,%u,%u,%u", name, &total_mib, &used_mib, &util,
                            uuid, &reserved_mib, &temperature_c, &power_w, &limit_w);
        if (fields >= 4) {
            int index = nvmlStub_addDevice(name, total_mib << 20, used_mib << 20, util);
            if (fields >= 5) {
                nvmlStub_setUuid((unsigned int) index, uuid);
            }
            if (fields >= 6) {
                nvmlStub_setReserved((unsigned int) index, reserved_mib << 20);
            }
            if (fields >= 9) {
                nvmlStub_setSensors((unsigned int) index, temperature_c, power_w * 1000, limit_w * 1000);
            }
        }
    }
}

nvmlReturn_t nvmlInit_v2(void) {
    init_calls++;
    devices_from_environment();
    if (init_result != NVML_SUCCESS) {
        return init_result;
    }
    initialized = 1;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlShutdown(void) {
    initialized = 0;
    return NVML_SUCCESS;
}

const char *nvmlErrorString(nvmlReturn_t result) {
    switch (result) {
        case NVML_SUCCESS: return "Success";
        case NVML_ERROR_UNINITIALIZED: return "Uninitialized";
        case NVML_ERROR_INVALID_ARGUMENT: return "Invalid Argument";
        case NVML_ERROR_INSUFFICIENT_SIZE: return "Insufficient Size";
        case NVML_ERROR_DRIVER_NOT_LOADED: return "Driver Not Loaded";
        default: return "Unknown Error";
    }
}

/* NVML's string getters: the value with its NUL, or INSUFFICIENT_SIZE when the caller's buffer is too small. */
static nvmlReturn_t copy_string(char *out, unsigned int length, const char *value) {
    if (length < strlen(value) + 1) {
        return NVML_ERROR_INSUFFICIENT_SIZE;
    }
    strcpy(out, value);
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlSystemGetDriverVersion(char *version, unsigned int length) {
    return copy_string(version, length, "550.54.15");
}

nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *count) {
    if (!initialized) {
        return NVML_ERROR_UNINITIALIZED;
    }
    *count = device_count;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device) {
    if (!initialized) {
        return NVML_ERROR_UNINITIALIZED;
    }
    if (index >= device_count) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    *device = (nvmlDevice_t) &devices[index];
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length) {
    return copy_string(name, length, ((struct stub_device *) device)->name);
}

nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length) {
    return copy_string(uuid, length, ((struct stub_device *) device)->uuid);
}

#ifndef NVML_STUB_NO_V3
nvmlReturn_t nvmlDeviceGetMemoryInfo_v2(nvmlDevice_t device, nvmlMemory_v2_t *memory) {
    struct stub_device *d = (struct stub_device *) device;
    if (memory->version != nvmlMemory_v2) {
        return NVML_ERROR_ARGUMENT_VERSION_MISMATCH;
    }
    memory_calls++;
    memory->total = d->total;
    memory->reserved = d->reserved;
    memory->used = d->used - d->reserved;
    memory->free = d->total - d->used;
    return NVML_SUCCESS;
}
#endif

nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory) {
    struct stub_device *d = (struct stub_device *) device;
    memory_calls++;
    memory->total = d->total;
    memory->used = d->used;
    memory->free = d->total - d->used;
    return NVML_SUCCESS;
}

nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t *utilization) {
    struct stub_device *d = (struct stub_device *) device;
    utilization->gpu = d->utilization;
    utilization->memory = d->utilization / 2;
    return NVML_SUCCESS;
}

#define NVML_TEMPERATURE_GPU 0

nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t device, int sensorType, unsigned int *temp) {
    struct stub_device *d = (struct stub_device *) device;
    if (temp == NULL || sensorType != NVML_TEMPERATURE_GPU) {
        return NVML_ERROR_INVALID_ARGUMENT;
    }
    if (!d->has_sensors) {
        return NVML_ERROR_NOT_SUPPORTED;
    }
    *temp = d->temperature_c;
    return NVML_SUCCESS;
}

/* milliwatts, as the real calls give them */
nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *power) {
    struct stub_device *d = (struct stub_device *) device;
    if (!d->has_sensors) {
        return NVML_ERROR_NOT_SUPPORTED;
    }
    *power = d->power_mw;
    return NVML_SUCCESS;
}

#ifndef NVML_STUB_NO_POWER_LIMIT
nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, unsigned int *limit) {
    struct stub_device *d = (struct stub_device *) device;
    if (!d->has_sensors) {
        return NVML_ERROR_NOT_SUPPORTED;
    }
    *limit = d->power_limit_mw;
    return NVML_SUCCESS;
}
#endif

#ifndef NVML_STUB_NO_V3
nvmlReturn_t nvmlDeviceGetComputeRunningProcesses_v3(nvmlDevice_t device, unsigned int *infoCount,
                                                     nvmlProcessInfo_t *infos) {
    struct stub_device *d = (struct stub_device *) device;
    if (*infoCount < d->process_count || infos == NULL) {
        unsigned int had = *infoCount;
        *infoCount = d->process_count;
        return d->process_count == 0 && had == 0 ? NVML_SUCCESS : NVML_ERROR_INSUFFICIENT_SIZE;
    }
    memcpy(infos, d->processes, d->process_count * sizeof(nvmlProcessInfo_t));
    *infoCount = d->process_count;
    return NVML_SUCCESS;
}
#endif

/* ---- control functions for the tests ---- */

void nvmlStub_reset(void) {
    memset(devices, 0, sizeof(devices));
    device_count = 0;
    init_result = NVML_SUCCESS;
    init_calls = 0;
    memory_calls = 0;
}

void nvmlStub_setInitResult(int result) {
    init_result = result;
}

int nvmlStub_addDevice(const char *name, unsigned long long total, unsigned long long used, unsigned int utilization) {
    struct stub_device *d = &devices[device_count];
    strncpy(d->name, name, sizeof(d->name) - 1);
    d->total = total;
    d->used = used;
    d->utilization = utilization;
    /* the form of a real UUID; the index tells stub GPUs apart */
    snprintf(d->uuid, sizeof(d->uuid), "GPU-5b0c0c3e-0000-4000-8000-%012x", device_count);
    return (int) device_count++;
}

void nvmlStub_setUuid(unsigned int index, const char *uuid) {
    strncpy(devices[index].uuid, uuid, sizeof(devices[index].uuid) - 1);
}

void nvmlStub_setReserved(unsigned int index, unsigned long long reserved) {
    devices[index].reserved = reserved;
}

void nvmlStub_setSensors(unsigned int index, unsigned int temperature_c, unsigned int power_mw, unsigned int power_limit_mw) {
    devices[index].has_sensors = 1;
    devices[index].temperature_c = temperature_c;
    devices[index].power_mw = power_mw;
    devices[index].power_limit_mw = power_limit_mw;
}

void nvmlStub_setUsed(unsigned int index, unsigned long long used) {
    devices[index].used = used;
}

void nvmlStub_addProcess(unsigned int index, unsigned int pid, unsigned long long used) {
    struct stub_device *d = &devices[index];
    nvmlProcessInfo_t *p = &d->processes[d->process_count++];
    p->pid = pid;
    p->usedGpuMemory = used;
    p->gpuInstanceId = 0xFFFFFFFFu;
    p->computeInstanceId = 0xFFFFFFFFu;
}

int nvmlStub_initCalls(void) {
    return init_calls;
}

int nvmlStub_memoryCalls(void) {
    return memory_calls;
}
