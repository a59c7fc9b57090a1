package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.Reason;

import java.util.concurrent.atomic.AtomicReference;

/** A model's state with the legal moves of {@link ModelState#canMoveTo} checked on every change. */
final class ModelStateMachine {

    private record Snapshot(ModelState state, Reason reason) {
    }

    private final AtomicReference<Snapshot> current = new AtomicReference<>(new Snapshot(ModelState.UNLOADED, null));

    ModelState state() {
        return current.get().state();
    }

    /** Why the model is in ERROR; null otherwise. */
    Reason reason() {
        return current.get().reason();
    }

    /**
     * @return false when already in {@code next} (nothing changed, nothing to publish)
     * @throws IllegalStateException on a move the table forbids: a bug, never an operator error
     */
    boolean moveTo(ModelState next, Reason reason) {
        Snapshot before = current.get();
        if (before.state() == next && next != ModelState.ERROR) {
            return false;
        }
        if (before.state() != next && !before.state().canMoveTo(next)) {
            throw new IllegalStateException("illegal VLM transition " + before.state() + " -> " + next);
        }
        return current.compareAndSet(before, new Snapshot(next, next == ModelState.ERROR ? reason : null));
    }
}
