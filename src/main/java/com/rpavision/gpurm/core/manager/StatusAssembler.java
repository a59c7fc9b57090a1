package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.gpu.GpuSample;
import com.rpavision.gpurm.core.gpu.VramMonitor;
import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.ClipStatus;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.Reason;
import com.rpavision.gpurm.core.model.VramBreakdown;
import com.rpavision.gpurm.core.model.VramInfo;
import com.rpavision.gpurm.core.ollama.RunningModel;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds the manager's status from its parts' latest figures; never blocks on the driver or on Ollama. */
final class StatusAssembler {

    /** The manager's own figures that only it keeps. */
    record ManagerFigures(ExecutionMode mode, int idleTimeoutSeconds, Instant lastVlmRequest, boolean vlmInUse) {
    }

    private final VramMonitor vram;
    private final ClipController clip;
    private final VlmController vlm;
    private final OllamaAvailability availability;
    private final VlmPreflight preflight;
    private final ConditionTracker conditions;
    private final DriftRecorder drifts;
    private final OllamaWatcher watcher;

    StatusAssembler(VramMonitor vram, ClipController clip, VlmController vlm, OllamaAvailability availability,
                    VlmPreflight preflight, ConditionTracker conditions, DriftRecorder drifts, OllamaWatcher watcher) {
        this.vram = vram;
        this.clip = clip;
        this.vlm = vlm;
        this.availability = availability;
        this.preflight = preflight;
        this.conditions = conditions;
        this.drifts = drifts;
        this.watcher = watcher;
    }

    GpuResourceStatus status(ManagerFigures figures) {
        GpuSample sample = vram.latest();
        ClipStatus clipStatus = clip.status();
        List<Reason> degraded = new ArrayList<>();
        if (availability.isDown()) {
            degraded.add(availability.downReasonWithCode());
        }
        vram.unavailableReason().ifPresentOrElse(
                reason -> degraded.add(Reason.of(Reason.Code.NO_GPU, reason, reason)),
                () -> {
                    if (sample.error() != null) {
                        degraded.add(Reason.of(Reason.Code.GPU_UNREADABLE, "Cannot read VRAM: " + sample.error(), sample.error()));
                    }
                });
        vramShort(sample, clipStatus).ifPresent(degraded::add);
        String degradedText = degraded.isEmpty() ? null
                : String.join(" ", degraded.stream().map(Reason::text).toList());
        ModelState state = vlm.state();
        return new GpuResourceStatus(figures.mode(), state, vlm.model(), clipStatus.device().wireName(),
                vram.managedGpu(), figures.idleTimeoutSeconds(), figures.lastVlmRequest(), !degraded.isEmpty(),
                degradedText, vlm.errorReason(), clipStatus,
                sample.gpus(), RunnerModels.label(sample.processes(), loadedModels(state)), sample.processMemoryKnown(),
                vram.probe().name(),
                clipStatus.device() == ClipDevice.CUDA ? ownVramMb(sample) : null,
                state == ModelState.LOADED && !figures.vlmInUse() ? vlm.lastActivity() : null,
                degraded, vlm.errorReasonWithCode(), conditions.reasons(), drifts.last(), observedAt(),
                breakdown(sample, clipStatus, state));
    }

    /**
     * The managed GPU's memory by holder: the VLM as its controller last saw it (its own load counts, the watcher's
     * next look may not have come yet), the other models from the watcher's latest look, CLIP from NVML.
     */
    private VramBreakdown breakdown(GpuSample sample, ClipStatus clipStatus, ModelState vlmState) {
        Optional<VramInfo> gpu = sample.gpu(vram.managedIndex());
        if (gpu.isEmpty() || gpu.get().totalMb() == 0) {
            return null;
        }
        long vlmMb = vlmState == ModelState.LOADING ? growthSinceLoadBegan(gpu.get()) : vlmMb(vlmState);
        List<VramBreakdown.ModelUse> others = otherModels();
        long clipMb = clipStatus.device() == ClipDevice.CUDA ? clipGpuMb(sample) : 0;
        long need = vlm.knownSizeMb();
        return VramBreakdown.of(gpu.get(), vlmMb, clipMb, others).withFit(need == 0 ? null
                : new VramBreakdown.VlmFit(need, preflight.availableMb(gpu.get().freeMb(), clipMb)));
    }

    /**
     * While the manager's own load runs, what the GPU's used memory grew since it began is the VLM filling it, not
     * another program; Ollama lists the model only once it is loaded.
     */
    private long growthSinceLoadBegan(VramInfo gpu) {
        return vlm.usedAtLoadStartMb().stream().map(start -> Math.max(0, gpu.usedMb() - start)).findFirst().orElse(0L);
    }

    private long vlmMb(ModelState vlmState) {
        return vlmState == ModelState.LOADED ? vlm.expected().map(RunningModel::sizeVramMb).orElse(0L) : 0;
    }

    /**
     * The other models Ollama holds, from the watcher's latest look; none while Ollama does not answer: a model it
     * cannot be asked about is not shown as present (its memory counts as other programs' until Ollama answers).
     */
    private List<VramBreakdown.ModelUse> otherModels() {
        if (availability.isDown()) {
            return List.of();
        }
        return watcher.latest().map(OllamaSnapshot::models).orElse(List.<RunningModel>of())
                .stream().filter(m -> !m.is(vlm.model()))
                .map(m -> new VramBreakdown.ModelUse(m.name(), m.sizeVramMb())).toList();
    }

    /** Every model Ollama holds, as the breakdown counts them: what the runner processes are matched against. */
    private List<VramBreakdown.ModelUse> loadedModels(ModelState vlmState) {
        List<VramBreakdown.ModelUse> models = new ArrayList<>(otherModels());
        long vlmMb = vlmMb(vlmState);
        if (vlmMb > 0) {
            models.add(new VramBreakdown.ModelUse(vlm.model(), vlmMb));
        }
        return models;
    }

    /** When Ollama was last seen to agree with the VLM's state: a look at /api/ps or an own load or unload. */
    private Instant observedAt() {
        Instant own = vlm.confirmedAt();
        Instant seen = watcher.latest().map(OllamaSnapshot::at).orElse(Instant.MIN);
        Instant latest = own.isAfter(seen) ? own : seen;
        return latest.equals(Instant.MIN) ? null : latest;
    }

    /**
     * The VLM is not loaded and would not fit: free VRAM, plus what moving CLIP to the CPU would give back, is
     * less than the size Ollama reported for it last time.
     */
    private Optional<Reason> vramShort(GpuSample sample, ClipStatus clipStatus) {
        long need = vlm.knownSizeMb();
        ModelState state = vlm.state();
        Optional<VramInfo> gpu = sample.gpu(vram.managedIndex());
        if (need == 0 || gpu.isEmpty() || (state != ModelState.UNLOADED && state != ModelState.ERROR)) {
            return Optional.empty();
        }
        long clipMb = clipStatus.device() == ClipDevice.CUDA ? clipGpuMb(sample) : 0;
        long available = preflight.availableMb(gpu.get().freeMb(), clipMb);
        if (available >= need) {
            return Optional.empty();
        }
        return Optional.of(Reason.of(Reason.Code.VRAM_SHORT, "VRAM short: " + vlm.model() + " needs about "
                + need + " MB, " + available + " MB can be freed on " + gpu.get().gpuName()
                + ". Close other GPU programs or unload other models.", vlm.model(), need, available));
    }

    /** What CLIP holds on the GPU: NVML's figure for this process, else what was measured when it moved. */
    long clipGpuMb(GpuSample sample) {
        Long reported = ownVramMb(sample);
        return reported != null ? reported : clip.measuredGpuMb();
    }

    /** CLIP runs in this process: NVML's figure for our pid on the managed GPU is its VRAM. */
    private Long ownVramMb(GpuSample sample) {
        long self = ProcessHandle.current().pid();
        return sample.processes().stream()
                .filter(p -> p.pid() == self && p.gpuIndex() == vram.managedIndex() && p.usedMb().isPresent())
                .map(p -> p.usedMb().getAsLong()).findFirst().orElse(null);
    }
}
