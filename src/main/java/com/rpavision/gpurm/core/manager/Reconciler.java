package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.config.GpuResourceConfig;
import com.rpavision.gpurm.core.gpu.GpuSample;
import com.rpavision.gpurm.core.gpu.VramMonitor;
import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.Condition;
import com.rpavision.gpurm.core.model.DriftCause;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.Reason;
import com.rpavision.gpurm.core.model.VlmDrift;
import com.rpavision.gpurm.core.model.VramInfo;
import com.rpavision.gpurm.core.ollama.OllamaClient;
import com.rpavision.gpurm.core.ollama.OllamaException;
import com.rpavision.gpurm.core.ollama.RunningModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Compares each mode's desired state with what Ollama and the GPU show and acts, on the model queue (one
 * operation at a time, Property 13). Desired: RECORDING has the VLM loaded, wholly on the GPU and kept alive by
 * the manager, CLIP on the CPU; AUTOPILOT has no VLM unless a request needs it (then the idle timer), CLIP on
 * the GPU when there is room; IDLE leaves whatever is loaded to the idle timer. A difference someone else made
 * is named ({@link DriftClassifier}) before it is acted on.
 */
final class Reconciler {

    /** What the reconciler needs from the manager: the load with its preflight and CLIP's placement. */
    interface Actions {
        /** The load with its preflight; given up when the mode leaves RECORDING meanwhile. */
        boolean loadVlmForRecording(String why) throws InterruptedException;

        long clipGpuMb(GpuSample sample);
    }

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    private static final Set<DriftCause> REMOVALS = EnumSet.of(DriftCause.UNLOADED_OUTSIDE, DriftCause.EXPIRED,
            DriftCause.EVICTED, DriftCause.OLLAMA_RESTARTED);
    /** After CLIP was pushed off the GPU, wait this long before it goes back, so it does not flap. */
    static final Duration CLIP_BACK_AFTER = Duration.ofSeconds(30);

    private final GpuResourceConfig config;
    private final OllamaClient ollama;
    private final VlmController vlm;
    private final ClipController clip;
    private final VramMonitor vram;
    private final OllamaWatcher watcher;
    private final ConditionTracker conditions;
    private final DriftRecorder drifts;
    private final Clock clock;
    private final Supplier<ExecutionMode> mode;
    private final Actions actions;
    private volatile OllamaSnapshot lastSeen;
    private String lastGpuError;
    private volatile Instant clipBackNotBefore = Instant.MIN;

    Reconciler(GpuResourceConfig config, OllamaClient ollama, VlmController vlm, ClipController clip, VramMonitor vram,
               OllamaWatcher watcher, ConditionTracker conditions, DriftRecorder drifts, Clock clock,
               Supplier<ExecutionMode> mode, Actions actions) {
        this.config = config;
        this.ollama = ollama;
        this.vlm = vlm;
        this.clip = clip;
        this.vram = vram;
        this.watcher = watcher;
        this.conditions = conditions;
        this.drifts = drifts;
        this.clock = clock;
        this.mode = mode;
        this.actions = actions;
    }

    /** Whether a look shows something the manager does not expect (checked off the queue, by the watcher). */
    boolean differs(OllamaSnapshot snapshot) {
        ModelState state = vlm.state();
        if (snapshot.ownChanges() != vlm.changes() || state == ModelState.LOADING || state == ModelState.UNLOADING) {
            return false; // the manager's own operation decides; the next look is compared
        }
        Optional<RunningModel> seen = snapshot.find(vlm.model()).filter(m -> !OllamaSnapshot.stopping(m, snapshot.at()));
        return !DriftClassifier.classify(vlm.model(), vlm.expected(), previous(), snapshot, false).isEmpty()
                || (seen.isEmpty() && wantsReload());
    }

    /** One round on the queue: a fresh look, the drift named, the VLM's state taken from it, then the mode's wants. */
    void reconcile(String trigger) throws InterruptedException {
        OllamaSnapshot now;
        try {
            now = new OllamaSnapshot(clock.instant(), ollama.runningModels(), vlm.changes());
        } catch (OllamaException e) {
            LOG.debug("Reconcile ({}) skipped: Ollama did not answer: {}", trigger, e.getMessage());
            return;
        }
        boolean gap = watcher.takeGap();
        Optional<RunningModel> landed = now.find(vlm.model()).filter(m -> !OllamaSnapshot.stopping(m, now.at()));
        if (landed.isPresent() && vlm.state() != ModelState.LOADED && vlm.takeCancelledLoad()) {
            lastSeen = now; // the manager's own cancelled load, finished by Ollama after all: not a drift
            vlm.observe(landed, now.at(), "a cancelled load finished");
            if (mode.get() != ExecutionMode.RECORDING) {
                vlm.unload("load cancelled");
            }
            return;
        }
        if (vlm.state() == ModelState.ERROR && !vlm.errorIsOutage() && vlm.expected().isEmpty() && now.find(vlm.model()).isEmpty()) {
            lastSeen = now; // a refused or failed load: nothing changed outside, the operator sees why
            return;
        }
        List<VlmDrift> found = DriftClassifier.classify(vlm.model(), vlm.expected(), previous(), now, gap);
        lastSeen = now;
        Optional<RunningModel> observed = now.find(vlm.model()).filter(m -> !OllamaSnapshot.stopping(m, now.at()));
        String cause = found.isEmpty() ? "observed in Ollama" : found.get(0).cause().wireName();
        for (VlmDrift drift : found) {
            drifts.record(vlm.model(), drift);
            if (REMOVALS.contains(drift.cause()) && mode.get() == ExecutionMode.RECORDING) {
                conditions.recordRemoval(drift.at(), vlm.model(), drift.otherModel(), drift.otherMb());
            }
        }
        vlm.observe(observed, now.at(), cause);
        observed.filter(OllamaSnapshot::partlyOnCpu).ifPresentOrElse(m -> conditions.set(Condition.VLM_PARTLY_ON_CPU,
                        Reason.of(Reason.Code.VLM_PARTLY_ON_CPU, vlm.model() + " is only partly on the GPU ("
                                + m.sizeVramMb() + " of " + m.sizeBytes() / (1024 * 1024) + " MB): the rest runs on the CPU and is slow."
                                + " Free VRAM and reload it.", vlm.model(), m.sizeVramMb(), m.sizeBytes() / (1024 * 1024))),
                () -> conditions.clear(Condition.VLM_PARTLY_ON_CPU));
        conditions.settleContention(now.at(), now.names());
        converge(observed);
    }

    private void converge(Optional<RunningModel> observed) throws InterruptedException {
        ExecutionMode current = mode.get();
        if (observed.isEmpty()) {
            if (wantsReload()) {
                conditions.recordReload(clock.instant());
                actions.loadVlmForRecording("recording: reload");
            }
            return;
        }
        if (current == ExecutionMode.AUTOPILOT && config.autopilotBlocksVlm()) {
            vlm.unload("autopilot_blocks_vlm");
            return;
        }
        if (!OllamaSnapshot.keptForever(observed.get()) && vlm.reassertKeepAlive()) {
            LOG.info("Took the keep-alive of {} back: the manager's idle timer decides when it unloads", vlm.model());
        }
        if (clip.device() == ClipDevice.CUDA && (current == ExecutionMode.RECORDING || freeMb() < config.vramSafetyMarginMb())) {
            clip.migrate(ClipDevice.CPU, current == ExecutionMode.RECORDING ? "recording" : "the VLM appeared: make room");
        }
    }

    /** The latest list to compare with: the previous round's look or the one right after an own load. */
    private OllamaSnapshot previous() {
        OllamaSnapshot own = vlm.afterOwnLoad();
        OllamaSnapshot seen = lastSeen;
        return own != null && (seen == null || own.at().isAfter(seen.at())) ? own : seen;
    }

    /** RECORDING wants the VLM loaded, unless the idle timer unloaded it, it is contended, or a load failed. */
    private boolean wantsReload() {
        return mode.get() == ExecutionMode.RECORDING && !vlm.idleUnloaded() && !conditions.has(Condition.VLM_CONTENDED)
                && (vlm.state() != ModelState.ERROR || vlm.errorIsOutage());
    }

    /**
     * The GPU side, each maintenance round: the GPU stopping or coming back, and another program taking the VRAM
     * CLIP needs (CLIP then goes to the CPU, and back only once there is room again and a while has passed).
     */
    void reconcileGpu(GpuSample sample) {
        String error = sample.error();
        Instant now = clock.instant();
        if (error != null && lastGpuError == null) {
            drifts.record(vlm.model(), VlmDrift.of(now, DriftCause.GPU_LOST, "GPU answering", "GPU not answering: " + error));
        } else if (error == null && lastGpuError != null) {
            drifts.record(vlm.model(), VlmDrift.of(now, DriftCause.GPU_BACK, "GPU not answering", "GPU answering"));
        }
        lastGpuError = error;
        if (error != null || clip.device() != ClipDevice.CUDA) {
            if (conditions.has(Condition.CLIP_DISPLACED) && clip.device() == ClipDevice.CPU
                    && sample.gpu(vram.managedIndex()).map(g -> g.freeMb() > config.vramThresholdForClipGpuMb()).orElse(false)
                    && !now.isBefore(clipBackNotBefore)) {
                conditions.clear(Condition.CLIP_DISPLACED);
            }
            return;
        }
        Optional<VramInfo> gpu = sample.gpu(vram.managedIndex());
        if (gpu.isPresent() && gpu.get().freeMb() < config.vramSafetyMarginMb()) {
            long free = gpu.get().freeMb();
            drifts.record(vlm.model(), VlmDrift.of(now, DriftCause.VRAM_TAKEN, "at least " + config.vramSafetyMarginMb()
                    + " MB free", free + " MB free"));
            if (clip.migrate(ClipDevice.CPU, "another program took the VRAM").ok()) {
                clipBackNotBefore = now.plus(CLIP_BACK_AFTER);
                conditions.set(Condition.CLIP_DISPLACED, Reason.of(Reason.Code.CLIP_DISPLACED, "CLIP moved to the CPU:"
                        + " only " + free + " MB of VRAM were left. It goes back when more than "
                        + config.vramThresholdForClipGpuMb() + " MB are free.", free, config.vramThresholdForClipGpuMb()));
            }
        }
    }

    /** Whether CLIP may go to the GPU now (not straight back after it was pushed off). */
    boolean clipMayReturn() {
        return !clock.instant().isBefore(clipBackNotBefore);
    }

    private long freeMb() {
        return vram.sample().gpu(vram.managedIndex()).map(VramInfo::freeMb).orElse(Long.MAX_VALUE);
    }
}
