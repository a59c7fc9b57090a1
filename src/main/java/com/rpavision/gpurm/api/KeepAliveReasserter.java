package com.rpavision.gpurm.api;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Takes the VLM's keep-alive back after requests that cannot carry one ({@code /v1/*}: Ollama gives a model
 * those load its own default timer), without making the client wait: at most one re-assertion in flight, and
 * one more after it when another such request ended meanwhile, so a burst of requests costs two, not one each,
 * and the last re-assertion always starts after the last request ended.
 */
final class KeepAliveReasserter {

    private final Supplier<CompletableFuture<Boolean>> reassert;
    private boolean inFlight;
    private boolean wanted;

    KeepAliveReasserter(Supplier<CompletableFuture<Boolean>> reassert) {
        this.reassert = reassert;
    }

    /** A request that may have handed the VLM another timer has ended. */
    void requestEnded() {
        synchronized (this) {
            wanted = true;
            if (inFlight) {
                return;
            }
            inFlight = true;
            wanted = false;
        }
        launch();
    }

    private void launch() {
        CompletableFuture<Boolean> done;
        try {
            done = reassert.get();
        } catch (RuntimeException e) {
            done = CompletableFuture.failedFuture(e);
        }
        done.whenComplete((ok, error) -> {
            synchronized (this) {
                if (!wanted) {
                    inFlight = false;
                    return;
                }
                wanted = false;
            }
            launch();
        });
    }
}
