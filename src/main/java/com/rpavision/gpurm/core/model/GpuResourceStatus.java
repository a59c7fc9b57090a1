package com.rpavision.gpurm.core.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A consistent snapshot of everything the manager knows. The first nine components are the design's
 * GPUResourceStatus; the rest add what the panel and the API show.
 *
 * @param lastVlmRequest  null when the VLM was never requested
 * @param degradedReason  null unless {@code degradedMode}
 * @param vlmStateReason  why the VLM is in ERROR (or null)
 * @param gpus            every GPU the probe sees; {@code vram} is the managed one
 * @param processMemoryKnown false where the platform reports no per-process memory
 * @param clipVramMb      VRAM held by this process (where CLIP runs) while CLIP is on the GPU, per NVML; null
 *                        when CLIP is on the CPU or the platform cannot tell
 * @param vlmIdleSince    while the VLM is loaded and unused, when the idle timer started; else null
 * @param conditions      the named conditions in force ({@link Condition}), each with its reason
 * @param lastDrift       the latest change someone else made that the manager observed, or null
 * @param vlmObservedAt   when Ollama last confirmed the VLM's state (a look or an own operation): the age of
 *                        {@code vlmState} as a measurement; null before the first
 * @param vramBreakdown   who holds the managed GPU's memory; null without a GPU
 */
public record GpuResourceStatus(
        ExecutionMode executionMode,
        ModelState vlmState,
        String vlmModel,
        String clipDevice,
        VramInfo vram,
        int idleTimeoutSeconds,
        Instant lastVlmRequest,
        boolean degradedMode,
        String degradedReason,
        String vlmStateReason,
        ClipStatus clip,
        List<VramInfo> gpus,
        List<GpuProcess> processes,
        boolean processMemoryKnown,
        String gpuProbe,
        Long clipVramMb,
        Instant vlmIdleSince,
        List<Reason> degradedReasons,
        Reason vlmError,
        List<Reason> conditions,
        VlmDrift lastDrift,
        Instant vlmObservedAt,
        VramBreakdown vramBreakdown) {

    public GpuResourceStatus {
        Objects.requireNonNull(executionMode, "executionMode");
        Objects.requireNonNull(vlmState, "vlmState");
        Objects.requireNonNull(vlmModel, "vlmModel");
        Objects.requireNonNull(clipDevice, "clipDevice");
        Objects.requireNonNull(vram, "vram");
        Objects.requireNonNull(clip, "clip");
        gpus = List.copyOf(gpus);
        processes = List.copyOf(processes);
        degradedReasons = List.copyOf(degradedReasons);
        conditions = List.copyOf(conditions);
    }

    /** Reasons as plain text only. */
    public GpuResourceStatus(ExecutionMode executionMode, ModelState vlmState, String vlmModel, String clipDevice,
                             VramInfo vram, int idleTimeoutSeconds, Instant lastVlmRequest, boolean degradedMode,
                             String degradedReason, String vlmStateReason, ClipStatus clip, List<VramInfo> gpus,
                             List<GpuProcess> processes, boolean processMemoryKnown, String gpuProbe, Long clipVramMb,
                             Instant vlmIdleSince) {
        this(executionMode, vlmState, vlmModel, clipDevice, vram, idleTimeoutSeconds, lastVlmRequest, degradedMode,
                degradedReason, vlmStateReason, clip, gpus, processes, processMemoryKnown, gpuProbe, clipVramMb,
                vlmIdleSince, degradedReason == null ? List.of() : List.of(Reason.text(degradedReason)),
                Reason.text(vlmStateReason), List.of(), null, null, null);
    }
}
