package com.rpavision.gpurm.core.manager;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An operation that is asked for often (every tick, every look at Ollama) but need run only once per wait:
 * at most one waits in the queue at a time, and every request made meanwhile completes with it.
 */
final class CoalescedOperation {

    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    private final ModelOperationQueue queue;
    private final String name;
    private final Body body;
    private final AtomicReference<CompletableFuture<Void>> pending = new AtomicReference<>();

    CoalescedOperation(ModelOperationQueue queue, String name, Body body) {
        this.queue = queue;
        this.name = name;
        this.body = body;
    }

    CompletableFuture<Void> request() {
        CompletableFuture<Void> fresh = new CompletableFuture<>();
        CompletableFuture<Void> existing = pending.compareAndExchange(null, fresh);
        if (existing != null) {
            return existing;
        }
        queue.submit(name, () -> {
            pending.set(null);
            body.run();
            return null;
        }).whenComplete((ok, failure) -> {
            if (failure != null) {
                fresh.completeExceptionally(failure);
            } else {
                fresh.complete(null);
            }
        });
        return fresh;
    }
}
