package com.rpavision.gpurm.core.manager;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs model operations one at a time, in submission order (Property 13). */
final class ModelOperationQueue {

    private static final Logger LOG = LoggerFactory.getLogger(ModelOperationQueue.class);

    private final ExecutorService executor;
    private volatile Thread worker;

    ModelOperationQueue(ExecutorService singleThreadExecutor) {
        this.executor = singleThreadExecutor;
    }

    <T> CompletableFuture<T> submit(String name, Callable<T> operation) {
        CompletableFuture<T> result = new CompletableFuture<>();
        try {
            executor.execute(() -> {
                worker = Thread.currentThread();
                try {
                    result.complete(operation.call());
                } catch (Throwable t) {
                    LOG.error("Model operation '{}' failed unexpectedly", name, t);
                    result.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            result.completeExceptionally(new IllegalStateException("the GPU resource manager is shut down"));
        }
        return result;
    }

    boolean isWorkerThread() {
        return Thread.currentThread() == worker;
    }

    /** A blocking call's wait for its operation; {@code onInterrupt} if the caller is interrupted meanwhile. */
    <T> T await(CompletableFuture<T> future, T onInterrupt) {
        if (isWorkerThread()) {
            throw new IllegalStateException("a blocking manager call from the operation queue would deadlock; use the async variant");
        }
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return onInterrupt;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(cause);
        }
    }

    void shutdown(long waitMillis) {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(waitMillis, TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
