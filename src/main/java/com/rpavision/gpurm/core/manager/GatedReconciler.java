package com.rpavision.gpurm.core.manager;

/** A reconcile round may unload or adopt the VLM: requests take the queue meanwhile. */
final class GatedReconciler {

    private final Reconciler reconciler;
    private final VlmGate gate;

    GatedReconciler(Reconciler reconciler, VlmGate gate) {
        this.reconciler = reconciler;
        this.gate = gate;
    }

    /** On the operation queue. */
    void reconcile(String why) throws InterruptedException {
        try (VlmGate.Closed closed = gate.closeForChange()) {
            reconciler.reconcile(why);
        }
    }
}
