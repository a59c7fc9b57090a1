package com.rpavision.gpurm.ui;

import com.rpavision.gpurm.core.model.DriftCause;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.Reason;
import com.rpavision.gpurm.core.model.VlmDrift;

import java.time.Instant;
import java.util.List;

/** The manager's status as it reads in each state the screenshot set shows, from a real snapshot. */
final class ScreenshotStates {

    private ScreenshotStates() {
    }

    static GpuResourceStatus status(DashboardScreenshotTest.State state, GpuResourceStatus s, Instant now) {
        return switch (state) {
            case LOADING -> with(s, ExecutionMode.RECORDING, ModelState.LOADING, false, List.of(), null, List.of(), null);
            case ERROR -> with(s, s.executionMode(), ModelState.ERROR, false, List.of(),
                    Reason.of(Reason.Code.MODEL_NOT_PULLED, "Model qwen3-vl:8b is not pulled", s.vlmModel()), List.of(), null);
            case DEGRADED -> with(s, s.executionMode(), ModelState.UNLOADED, true,
                    List.of(Reason.of(Reason.Code.OLLAMA_UNREACHABLE, "Ollama is not reachable", "http://localhost:11434")),
                    null, List.of(), null);
            case CONTENDED -> with(s, s.executionMode(), ModelState.UNLOADED, false, List.of(), null,
                    List.of(Reason.of(Reason.Code.VLM_CONTENDED, "contended", s.vlmModel(), "llama3.1:8b", 5_200L, 3, 2L)),
                    new VlmDrift(now.minusSeconds(20), DriftCause.EVICTED, "loaded", "gone", "llama3.1:8b", 5_200));
            default -> s;
        };
    }

    private static GpuResourceStatus with(GpuResourceStatus s, ExecutionMode mode, ModelState vlm, boolean degraded,
                                          List<Reason> degradedReasons, Reason vlmError, List<Reason> conditions,
                                          VlmDrift drift) {
        return new GpuResourceStatus(mode, vlm, s.vlmModel(), s.clipDevice(), s.vram(), s.idleTimeoutSeconds(),
                s.lastVlmRequest(), degraded, degraded ? degradedReasons.get(0).text() : null,
                vlmError == null ? null : vlmError.text(), s.clip(), s.gpus(), s.processes(), s.processMemoryKnown(),
                s.gpuProbe(), s.clipVramMb(), s.vlmIdleSince(), degradedReasons, vlmError, conditions, drift,
                s.vlmObservedAt());
    }
}
