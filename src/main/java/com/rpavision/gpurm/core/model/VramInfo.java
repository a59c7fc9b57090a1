package com.rpavision.gpurm.core.model;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * Memory of one GPU in MiB as NVML reports it ({@code used} includes driver-reserved memory), its load and
 * sensors, and who the GPU is.
 *
 * @param index                 the GPU's NVML index, or -1 for "no GPU"
 * @param gpuUtilizationPercent 0-100
 * @param uuid                  the driver's stable id of the GPU ("GPU-…"), or "" where the source has none
 * @param reservedMb            the part of {@code usedMb} the driver reserves for itself (NVML's memory info v2);
 *                              0 where the driver cannot tell
 * @param driverVersion         the NVIDIA driver's version, or "" where unknown
 * @param sensors               temperature and power, where the driver reports them
 * @param sharedMb              on Windows (WDDM), the GPU's allocations the driver placed in system RAM
 *                              ("shared GPU memory"), which run much slower; empty elsewhere or where unknown
 */
public record VramInfo(int index, String gpuName, long totalMb, long usedMb, long freeMb, int gpuUtilizationPercent,
                       String uuid, long reservedMb, String driverVersion, GpuSensors sensors, OptionalLong sharedMb) {

    public static final String NO_GPU_NAME = "no GPU";

    public VramInfo {
        Objects.requireNonNull(gpuName, "gpuName");
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(driverVersion, "driverVersion");
        Objects.requireNonNull(sensors, "sensors");
        Objects.requireNonNull(sharedMb, "sharedMb");
        if (sharedMb.isPresent() && sharedMb.getAsLong() < 0) {
            throw new IllegalArgumentException("negative shared memory: " + sharedMb.getAsLong());
        }
        if (totalMb < 0 || usedMb < 0 || freeMb < 0 || reservedMb < 0) {
            throw new IllegalArgumentException("negative VRAM figure: total=" + totalMb + " used=" + usedMb + " free=" + freeMb
                    + " reserved=" + reservedMb);
        }
        if (gpuUtilizationPercent < 0 || gpuUtilizationPercent > 100) {
            throw new IllegalArgumentException("utilization out of 0-100: " + gpuUtilizationPercent);
        }
    }

    /** A GPU without a shared-memory figure (any platform but Windows). */
    public VramInfo(int index, String gpuName, long totalMb, long usedMb, long freeMb, int gpuUtilizationPercent,
                    String uuid, long reservedMb, String driverVersion, GpuSensors sensors) {
        this(index, gpuName, totalMb, usedMb, freeMb, gpuUtilizationPercent, uuid, reservedMb, driverVersion, sensors,
                OptionalLong.empty());
    }

    /** The same GPU with Windows' shared-memory figure. */
    public VramInfo withSharedMb(long mb) {
        return new VramInfo(index, gpuName, totalMb, usedMb, freeMb, gpuUtilizationPercent, uuid, reservedMb,
                driverVersion, sensors, OptionalLong.of(mb));
    }

    /** A GPU whose sensors are not known. */
    public VramInfo(int index, String gpuName, long totalMb, long usedMb, long freeMb, int gpuUtilizationPercent,
                    String uuid, long reservedMb, String driverVersion) {
        this(index, gpuName, totalMb, usedMb, freeMb, gpuUtilizationPercent, uuid, reservedMb, driverVersion,
                GpuSensors.UNKNOWN);
    }

    /** A GPU whose identity, reserved memory and sensors are not known. */
    public VramInfo(int index, String gpuName, long totalMb, long usedMb, long freeMb, int gpuUtilizationPercent) {
        this(index, gpuName, totalMb, usedMb, freeMb, gpuUtilizationPercent, "", 0, "");
    }

    /** What is reported when no GPU can be read: all zeros, so every field stays valid. */
    public static VramInfo none() {
        return new VramInfo(-1, NO_GPU_NAME, 0, 0, 0, 0);
    }

    public boolean isGpu() {
        return index >= 0;
    }

    /** Used memory without the driver's reservation: what programs allocated. */
    public long allocatedMb() {
        return Math.max(0, usedMb - reservedMb);
    }

    /** "3120 / 24564 MB used (21420 MB free) on NVIDIA RTX 4090". */
    public String describe() {
        if (!isGpu()) {
            return "no GPU";
        }
        return usedMb + " / " + totalMb + " MB used (" + freeMb + " MB free) on " + gpuName;
    }
}
