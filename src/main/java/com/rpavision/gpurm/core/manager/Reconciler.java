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
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Compares each mode's desired state with what Ollama and the GPU show and acts, on the model queue (one
 * operation at a time, Property 13). Desired: RECORDING has the VLM loaded, wholly on the GPU and kept alive by
 * the manager, CLIP on the CPU; AUTOPILOT has no VLM unless a request needs it (then the idle timer), CLIP on
 * the GPU when there is room; IDLE leaves whatever is loaded to the idle timer. A difference someone else made
 * is named before it is acted on; a VLM that left is named only once Ollama has settled ({@link RemovalSettle}),
 * and nothing is done meanwhile: a load sent into an eviction's gap would queue behind the newcomer and evict it.
 */
final class Reconciler {

    /** What the reconciler needs from the manager: the load with its preflight and CLIP's placement. */
    interface Actions {
        /** The load with its preflight; given up when the mode leaves RECORDING meanwhile. */
        boolean loadVlmForRecording(String why) throws InterruptedException;

        long clipGpuMb(GpuSample sample);
    }

    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());
    /** After CLIP was pushed off the GPU, wait this long before it goes back, so it does not flap. */
    static final Duration CLIP_BACK_AFTER = Duration.ofSeconds(30);
    /**
     * The least time between two of the manager's own reloads in RECORDING (from the start of one to the next), so
     * that a script unloading the VLM in a loop never makes a busy loop of it. A restart does not wait for it.
     */
    static final Duration RELOAD_SPACING = Duration.ofSeconds(5);

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
    private final ProxiedRunnerOptions proxied = new ProxiedRunnerOptions();
    /** The latest look that showed the VLM serving, and the count of signs right after it. */
    private volatile OllamaSnapshot lastWithVlm;
    private volatile long signsAfterLastWithVlm;
    /** The VLM went missing and Ollama has not settled yet; null otherwise. */
    private volatile RemovalSettle settling;
    /** Another client's load of the VLM is under way (it came back loading): its landing is not a new drift. */
    private volatile boolean adopting;
    private volatile Instant lastOwnReload = Instant.MIN;
    private volatile DriftCause lastRemoval;
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

    /** Every look passes here first (the watcher's, off the queue, and the reconciler's own). */
    void noted(OllamaSnapshot snapshot) {
        Optional<RunningModel> serving = DriftClassifier.serving(vlm.model(), snapshot);
        if (serving.isPresent()) {
            lastWithVlm = snapshot;
            signsAfterLastWithVlm = ollama.signals().count();
            proxied.seen(serving.get().sizeBytes(), snapshot.at());
        }
    }

    /**
     * A request for the VLM goes to Ollama: if it carries runner options, it may make Ollama reload the VLM. Tell the
     * returned record when its answer has ended.
     */
    ProxiedRunnerOptions.Asked proxiedRequest(VlmRequest request) {
        return proxied.asked(request, clock.instant());
    }

    /** Whether a look calls for a round on the queue (checked off the queue, by the watcher). */
    boolean differs(OllamaSnapshot snapshot) {
        if (settling != null) {
            return true; // every look while Ollama settles is a step of the settling
        }
        ModelState state = vlm.state();
        if (snapshot.ownChanges() != vlm.changes() || state == ModelState.LOADING || state == ModelState.UNLOADING) {
            return false; // the manager's own operation decides; the next look is compared
        }
        return DriftClassifier.removed(vlm.model(), vlm.expected(), snapshot)
                || !DriftClassifier.classify(vlm.model(), vlm.expected(), snapshot, adopting,
                        m -> vlm.keepAlive().takenOver(m, snapshot.at())).isEmpty()
                || (DriftClassifier.serving(vlm.model(), snapshot).isEmpty() && reloadWanted());
    }

    /** The VLM left and the cause is being checked. */
    boolean settling() {
        return settling != null;
    }

    /** The manager must act now (a load it was asked for waited long enough): the cause from what is known. */
    void decideNow() throws InterruptedException {
        RemovalSettle pending = settling;
        if (pending == null) {
            return;
        }
        OllamaSnapshot now;
        try {
            now = new OllamaSnapshot(clock.instant(), ollama.runningModels(), vlm.changes(), ollama.signals().count());
        } catch (OllamaException e) {
            return; // the load that follows finds out that Ollama is away
        }
        pending.look(now, restartSign(pending), true).ifPresent(drift -> concluded(drift, now));
    }

    /** RECORDING misses its VLM and nothing holds the reload back: the maintenance round brings it when due. */
    boolean reloadWanted() {
        return vlm.state() != ModelState.LOADED && wantsReload() && reloadDue();
    }

    /** One round on the queue: a fresh look, the drift named, the VLM's state taken from it, then the mode's wants. */
    void reconcile(String trigger) throws InterruptedException {
        long signs = ollama.signals().count();
        OllamaSnapshot now;
        try {
            now = new OllamaSnapshot(clock.instant(), ollama.runningModels(), vlm.changes(), signs);
        } catch (OllamaException e) {
            RemovalSettle pending = settling;
            if (pending != null) {
                pending.failedLook(e.kind() == OllamaException.Kind.UNREACHABLE ? "Ollama stopped answering" : null);
            }
            LOG.debug("Reconcile ({}) skipped: Ollama did not answer: {}", trigger, e.getMessage());
            return;
        }
        Optional<RunningModel> landed = DriftClassifier.serving(vlm.model(), now);
        if (landed.isPresent() && vlm.state() != ModelState.LOADED && vlm.cancellation().takeCancelledLoad()) {
            noted(now); // the manager's own cancelled load, finished by Ollama after all: not a drift
            vlm.observe(landed, now.at(), "a cancelled load finished");
            if (mode.get() != ExecutionMode.RECORDING || vlm.cancellation().heldOff()) {
                vlm.unload("load cancelled");
            }
            return;
        }
        if (vlm.state() == ModelState.ERROR && !vlm.errorIsOutage() && vlm.expected().isEmpty() && now.find(vlm.model()).isEmpty()) {
            noted(now); // a refused or failed load: nothing changed outside, the operator sees why
            return;
        }
        if (settling != null) {
            noted(now);
            settling.look(now, restartSign(settling)).ifPresent(drift -> concluded(drift, now));
            convergeIfSettled(now);
            return;
        }
        if (DriftClassifier.removed(vlm.model(), vlm.expected(), now)) {
            startSettling(now);
            convergeIfSettled(now);
            return;
        }
        noted(now);
        Optional<RunningModel> before = vlm.expected();
        List<VlmDrift> found = DriftClassifier.classify(vlm.model(), before, now, adopting,
                        m -> vlm.keepAlive().takenOver(m, now.at())).stream()
                .map(drift -> proxied.attribute(drift, before.map(RunningModel::sizeBytes).orElse(0L), now.at())).toList();
        boolean adopted = adopting && landed.isPresent();
        if (landed.isPresent() || now.find(vlm.model()).isEmpty()) {
            adopting = false; // the awaited load landed, or never will
        }
        for (VlmDrift drift : found) {
            drifts.record(vlm.model(), drift);
            if (drift.cause() == DriftCause.RELOADED_WITH_OTHER_OPTIONS) {
                vlm.keepAlive().adoptForeignRunner();
            } else if (drift.cause() == DriftCause.KEEP_ALIVE_TAKEN_OVER) {
                vlm.keepAlive().takeoverNamed();
            }
        }
        String cause = !found.isEmpty() ? found.get(0).cause().wireName()
                : adopted ? "reloaded by another client" : "observed in Ollama";
        vlm.observe(landed, now.at(), cause);
        partlyOnCpu(landed);
        conditions.settleContention(now.at(), now.names());
        converge(landed, now);
    }

    private void startSettling(OllamaSnapshot now) {
        OllamaSnapshot own = vlm.afterOwnLoad();
        OllamaSnapshot seen = lastWithVlm;
        boolean ownNewer = own != null && (seen == null || own.at().isAfter(seen.at()));
        OllamaSnapshot before = ownNewer ? own : seen;
        RunningModel last = before == null ? vlm.expected().orElseThrow()
                : before.find(vlm.model()).orElse(vlm.expected().orElseThrow());
        long baseline = ownNewer || seen == null ? (own == null ? now.signs() : own.signs()) : signsAfterLastWithVlm;
        RemovalSettle settle = new RemovalSettle(vlm.model(), last, before, now, baseline)
                .ownLease(vlm.keepAlive().ownLease(last, before == null ? now.at() : before.at()));
        settling = settle;
        Optional<VlmDrift> verdict = settle.look(now, restartSign(settle));
        if (verdict.isPresent()) {
            concluded(verdict.get(), now);
            return;
        }
        LOG.info("VLM {} left Ollama; looking again before naming why or acting", vlm.model());
        vlm.observe(Optional.empty(), now.at(), "gone, cause being checked");
        conditions.set(Condition.VLM_SETTLING, Reason.of(Reason.Code.VLM_SETTLING, vlm.model() + " left Ollama at "
                + CLOCK.format(now.at()) + ". The manager looks again before it names why or reloads it: Ollama may be"
                + " in the middle of an eviction, a reload or a restart.", vlm.model(), CLOCK.format(now.at())));
        watcher.hurry();
    }

    /** A look refused or reset since the VLM was last listed (an older one is about an earlier restart). */
    private String restartSign(RemovalSettle settle) {
        return watcher.takeRefused(settle.lastSeenAt()) ? "a look at Ollama was refused or reset" : null;
    }

    /** The cause is known: one drift, its consequences, and the VLM's state as Ollama shows it now. */
    private void concluded(VlmDrift verdict, OllamaSnapshot now) {
        VlmDrift drift = settling == null ? verdict : proxied.attribute(verdict, settling.lastSeenAt());
        settling = null;
        watcher.calm();
        watcher.takeFailedLooks();
        drifts.record(vlm.model(), drift);
        lastRemoval = drift.cause();
        if (drift.cause() == DriftCause.EVICTED && mode.get() == ExecutionMode.RECORDING) {
            conditions.recordEviction(drift.at(), vlm.model(), drift.otherModel(), drift.otherMb());
        }
        Optional<RunningModel> observed = DriftClassifier.serving(vlm.model(), now);
        if (drift.cause() == DriftCause.RELOADED_WITH_OTHER_OPTIONS) {
            vlm.keepAlive().adoptForeignRunner();
            adopting = observed.isEmpty(); // it came back loading: its landing is this same reload
            observed.filter(OllamaSnapshot::partlyOnCpu).ifPresent(m -> drifts.record(vlm.model(), VlmDrift.of(now.at(),
                    DriftCause.PARTLY_ON_CPU, "wholly on the GPU", m.sizeVramMb() + " of " + m.sizeBytes() / (1024 * 1024)
                            + " MB on the GPU")));
        }
        conditions.clear(Condition.VLM_SETTLING);
        noted(now);
        vlm.observe(observed, now.at(), drift.cause().wireName());
        partlyOnCpu(observed);
        conditions.settleContention(now.at(), now.names());
    }

    private void convergeIfSettled(OllamaSnapshot now) throws InterruptedException {
        if (settling == null) {
            converge(DriftClassifier.serving(vlm.model(), now), now);
        }
    }

    private void partlyOnCpu(Optional<RunningModel> observed) {
        observed.filter(OllamaSnapshot::partlyOnCpu).ifPresentOrElse(m -> conditions.set(Condition.VLM_PARTLY_ON_CPU,
                        Reason.of(Reason.Code.VLM_PARTLY_ON_CPU, vlm.model() + " is only partly on the GPU ("
                                + m.sizeVramMb() + " of " + m.sizeBytes() / (1024 * 1024) + " MB): the rest runs on the CPU and is slow."
                                + " Free VRAM and reload it.", vlm.model(), m.sizeVramMb(), m.sizeBytes() / (1024 * 1024))),
                () -> conditions.clear(Condition.VLM_PARTLY_ON_CPU));
    }

    private void converge(Optional<RunningModel> observed, OllamaSnapshot now) throws InterruptedException {
        ExecutionMode current = mode.get();
        if (observed.isEmpty()) {
            boolean someoneLoadsIt = now.find(vlm.model()).filter(OllamaSnapshot::loading).isPresent();
            if (wantsReload() && !someoneLoadsIt && reloadDue()) {
                lastOwnReload = clock.instant();
                actions.loadVlmForRecording("recording: reload");
            }
            return;
        }
        if (current == ExecutionMode.AUTOPILOT && config.autopilotBlocksVlm()) {
            vlm.unload("autopilot_blocks_vlm");
            return;
        }
        if (!vlm.keepAlive().held(observed.get(), now.at()) && vlm.renewLease()) {
            LOG.info("Renewed the lease of {} over another client's keep-alive: the manager's idle timer decides when it"
                    + " unloads", vlm.model());
        }
        if (clip.device() == ClipDevice.CUDA && (current == ExecutionMode.RECORDING || freeMb() < config.vramSafetyMarginMb())) {
            clip.migrate(ClipDevice.CPU, current == ExecutionMode.RECORDING ? "recording" : "the VLM appeared: make room");
        }
    }

    /**
     * RECORDING wants the VLM loaded, unless the idle timer unloaded it, the operator cancelled its load, another
     * model holds the GPU it needs
     * (contended), Ollama is still settling, or a load failed for a reason a retry cannot fix.
     */
    private boolean wantsReload() {
        return mode.get() == ExecutionMode.RECORDING && !vlm.idleUnloaded() && !vlm.cancellation().heldOff()
                && !conditions.has(Condition.VLM_CONTENDED)
                && settling == null && (vlm.state() != ModelState.ERROR || vlm.errorIsOutage());
    }

    private boolean reloadDue() {
        return lastRemoval == DriftCause.OLLAMA_RESTARTED || !clock.instant().isBefore(lastOwnReload.plus(RELOAD_SPACING));
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
