package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.concurrent.Sleeper;
import com.rpavision.gpurm.core.gpu.VramMonitor;
import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.Reason;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The manager's loads of the VLM, on the operation queue. Property 6: CLIP leaves the GPU before any VLM load.
 * Before that, the preflight: a load that cannot fit even with CLIP moved off is not sent, and CLIP stays where it is.
 */
final class VlmLoader {

    private final VlmController vlm;
    private final ClipController clip;
    private final VramMonitor vram;
    private final VlmPreflight preflight;
    private final StatusAssembler statusAssembler;
    private final Reconciler reconciler;
    private final GatedReconciler reconcile;
    private final Clock clock;
    private final Sleeper sleeper;
    private final Supplier<ExecutionMode> mode;
    private final VlmBelief belief;

    VlmLoader(VlmController vlm, ClipController clip, VramMonitor vram, VlmPreflight preflight,
              StatusAssembler statusAssembler, Reconciler reconciler, GatedReconciler reconcile, Clock clock,
              Sleeper sleeper, Supplier<ExecutionMode> mode, VlmBelief belief) {
        this.vlm = vlm;
        this.clip = clip;
        this.vram = vram;
        this.preflight = preflight;
        this.statusAssembler = statusAssembler;
        this.reconciler = reconciler;
        this.reconcile = reconcile;
        this.clock = clock;
        this.sleeper = sleeper;
        this.mode = mode;
        this.belief = belief;
    }

    /** The operator's switch: another client's models are not pushed out behind the operator's back (the preflight says). */
    boolean loadForRecording(String why) throws InterruptedException {
        return load(why, this::recording, false);
    }

    /** The reconciler's: RECORDING keeps its VLM as any Ollama client would: Ollama evicts another idle model for it. */
    boolean keepLoadedForRecording(String why) throws InterruptedException {
        return load(why, this::recording, true);
    }

    /** A request for the VLM (the agent, the API): it loads as any Ollama client's would, evicting idle models. */
    boolean loadOnRequest(String why) throws InterruptedException {
        return load(why, () -> true, true);
    }

    private boolean recording() {
        return mode.get() == ExecutionMode.RECORDING;
    }

    /**
     * @param asOllamaClient other models Ollama holds count as room: Ollama evicts idle ones for this load, as it
     *                       would for any client's request
     */
    private boolean load(String why, BooleanSupplier stillWanted, boolean asOllamaClient) throws InterruptedException {
        waitForOllamaToSettle();
        if (vlm.state() == ModelState.LOADED && !belief.fresh()) {
            reconcile.reconcile("VLM request with a stale view of Ollama");
        }
        if (vlm.state() != ModelState.LOADED) {
            if (!vlm.ollamaReachable()) {
                return false; // asked once: an Ollama back a moment later must not get a load that skipped CLIP's move
            }
            long clipMb = clip.device() == ClipDevice.CUDA ? statusAssembler.clipGpuMb(vram.latest()) : 0;
            if (clip.device() == ClipDevice.CUDA && clipMb == 0) {
                // what CLIP holds is not known: move it first, then judge on what NVML shows
                clip.migrate(ClipDevice.CPU, "make room for the VLM");
            }
            Optional<Reason> refusal = preflight.check(vlm.model(), vram.sampleWithProcesses(), vram.managedIndex(),
                    clip.device() == ClipDevice.CUDA ? clipMb : 0, ProcessHandle.current().pid(), asOllamaClient);
            if (refusal.isPresent()) {
                vlm.refuse(refusal.get(), why);
                return false;
            }
            if (clip.device() == ClipDevice.CUDA) {
                clip.migrate(ClipDevice.CPU, "make room for the VLM");
            }
        }
        return vlm.load(why, stillWanted);
    }

    /**
     * The VLM left Ollama a moment ago and the cause is being checked: a load now would go into the middle of what
     * Ollama is doing (behind an eviction's newcomer, evicting it after its first answer). Looks again every
     * {@link OllamaWatcher#HURRIED} until Ollama settles, at most {@link RemovalSettle#LIMIT} and a second, then
     * names the cause from what it knows.
     */
    private void waitForOllamaToSettle() throws InterruptedException {
        Instant giveUp = clock.instant().plus(RemovalSettle.LIMIT).plusSeconds(1);
        long maxLooks = (RemovalSettle.LIMIT.toMillis() + 1_000) / OllamaWatcher.HURRIED.toMillis();
        for (long looks = 0; reconciler.settling() && looks < maxLooks && clock.instant().isBefore(giveUp); looks++) {
            sleeper.sleep(OllamaWatcher.HURRIED);
            reconcile.reconcile("a load waits for Ollama to settle");
        }
        reconciler.decideNow();
    }
}
