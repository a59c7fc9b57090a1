package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.ModelState;

import java.time.Clock;
import java.time.Duration;

/** Whether the manager's view of the VLM can be trusted: it is, when Ollama confirmed it within the watch interval. */
final class VlmBelief {

    private final VlmController vlm;
    private final OllamaWatcher watcher;
    private final Clock clock;

    VlmBelief(VlmController vlm, OllamaWatcher watcher, Clock clock) {
        this.vlm = vlm;
        this.watcher = watcher;
        this.clock = clock;
    }

    /** Whether the VLM's believed state was confirmed within the watch interval. */
    boolean fresh() {
        return watcher.fresh(vlm.changes())
                || Duration.between(vlm.confirmedAt(), clock.instant()).compareTo(watcher.interval()) <= 0;
    }

    /** Whether Ollama serves the VLM, never answered from a stale belief; may ask Ollama on the caller's thread. */
    boolean loaded() {
        if (vlm.state() != ModelState.LOADED) {
            return false;
        }
        if (fresh()) {
            return true;
        }
        // The belief is older than the watch interval: ask Ollama now (bounded by the quick timeout).
        return watcher.look().flatMap(s -> s.find(vlm.model())).filter(m -> !OllamaSnapshot.stopping(m, clock.instant()))
                .isPresent();
    }
}
