package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.PullProgress;
import com.rpavision.gpurm.core.ollama.OllamaClient;
import com.rpavision.gpurm.core.ollama.OllamaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/**
 * One pull of the VLM at a time, off the model queue (a download of gigabytes uses no VRAM and must not hold up a
 * mode switch): a second ask while one runs joins it. Ollama downloads; the manager only relays its progress.
 */
final class VlmPull {

    private static final Logger LOG = LoggerFactory.getLogger(VlmPull.class);

    private final OllamaClient ollama;
    private final ExecutorService executor;
    private CompletableFuture<Void> running = CompletableFuture.completedFuture(null);
    private volatile Consumer<PullProgress> listener = p -> { };

    VlmPull(OllamaClient ollama, ExecutorService executor) {
        this.ollama = ollama;
        this.executor = executor;
    }

    synchronized CompletableFuture<Void> start(String model, Consumer<PullProgress> progress) {
        listener = progress;
        if (!running.isDone()) {
            return running;
        }
        LOG.info("Pulling {} through Ollama", model);
        running = CompletableFuture.runAsync(() -> {
            try {
                ollama.pull(model, p -> listener.accept(p));
                LOG.info("Pulled {}", model);
            } catch (OllamaException e) {
                LOG.warn("Pull of {} failed: {}", model, e.getMessage());
                throw new CompletionException(e);
            }
        }, executor);
        return running;
    }

    void close() {
        executor.shutdownNow();
    }
}
