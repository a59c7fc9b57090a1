package com.rpavision.gpurm.core.model;

import java.util.OptionalLong;

/**
 * A process holding GPU memory. {@code usedMb} is empty where the platform cannot tell (Windows WDDM).
 *
 * @param model for an Ollama runner, the model it serves as matched against Ollama's {@code /api/ps}; null for any
 *              other process, or where the match was not clear
 */
public record GpuProcess(int gpuIndex, long pid, String name, OptionalLong usedMb, String model) {

    /** As a probe reports it: no model known. */
    public GpuProcess(int gpuIndex, long pid, String name, OptionalLong usedMb) {
        this(gpuIndex, pid, name, usedMb, null);
    }

    public GpuProcess withModel(String model) {
        return new GpuProcess(gpuIndex, pid, name, usedMb, model);
    }
}
