package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.gpu.VramMonitor;
import com.rpavision.gpurm.core.model.Condition;
import com.rpavision.gpurm.core.model.ExecutionMode;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The manager's periodic round on the operation queue: what Ollama's availability calls for, the reconcile rounds
 * that time alone can make due, the idle timer, the VLM's lease and, in AUTOPILOT, CLIP's way back to the GPU. At
 * most one round waits in the queue at a time.
 */
final class MaintenanceRound {

    private final OllamaAvailability availability;
    private final VlmGate gate;
    private final VlmController vlm;
    private final Reconciler reconciler;
    private final GatedReconciler reconcile;
    private final VramMonitor vram;
    private final ConditionTracker conditions;
    private final IdleUnload idleUnload;
    private final ClipGpuPlacement clipPlacement;
    private final Supplier<ExecutionMode> mode;
    private final CoalescedOperation round;

    MaintenanceRound(ModelOperationQueue queue, OllamaAvailability availability, VlmGate gate, VlmController vlm,
                     Reconciler reconciler, GatedReconciler reconcile, VramMonitor vram, ConditionTracker conditions,
                     IdleUnload idleUnload, ClipGpuPlacement clipPlacement, Supplier<ExecutionMode> mode) {
        this.availability = availability;
        this.gate = gate;
        this.vlm = vlm;
        this.reconciler = reconciler;
        this.reconcile = reconcile;
        this.vram = vram;
        this.conditions = conditions;
        this.idleUnload = idleUnload;
        this.clipPlacement = clipPlacement;
        this.mode = mode;
        this.round = new CoalescedOperation(queue, "maintenance", this::run);
    }

    /** Queues a round, or joins the one already waiting. */
    CompletableFuture<Void> request() {
        return round.request();
    }

    private void run() throws InterruptedException {
        if (availability.isDown()) {
            try (VlmGate.Closed closed = gate.closeForChange()) {
                vlm.markUnknownWhileDown();
            }
        } else if (availability.takeReconcileRequest()) {
            reconcile.reconcile("Ollama answers again");
        }
        reconciler.reconcileGpu(vram.latest());
        if (reconciler.settling()) {
            reconcile.reconcile("the VLM left: has Ollama settled?"); // time alone can settle it
        } else if (conditions.has(Condition.VLM_CONTENDED)) {
            reconcile.reconcile("contention: has the window passed?"); // time alone can end it
        } else if (reconciler.reloadWanted()) {
            reconcile.reconcile("recording: reload due");
        }
        idleUnload.unloadIfIdle();
        vlm.renewLeaseIfDue();
        if (mode.get() == ExecutionMode.AUTOPILOT && clipPlacement.retryDue()
                && reconciler.clipMayReturn() && !conditions.has(Condition.CLIP_DISPLACED)) {
            clipPlacement.moveToGpuIfRoom("autopilot: VRAM available");
        }
    }
}
