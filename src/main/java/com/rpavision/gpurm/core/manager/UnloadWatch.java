package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.concurrent.Sleeper;
import com.rpavision.gpurm.core.config.GpuResourceConfig;
import com.rpavision.gpurm.core.gpu.VramMonitor;
import com.rpavision.gpurm.core.ollama.OllamaClient;
import com.rpavision.gpurm.core.ollama.OllamaException;
import com.rpavision.gpurm.core.ollama.RunningModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Waits, within the unload timeout, for an unloaded model to leave Ollama's list and for its VRAM to come back:
 * Ollama answers the unload at once but its runner exits later.
 */
final class UnloadWatch {

    private static final Logger LOG = LoggerFactory.getLogger(UnloadWatch.class);
    static final Duration POLL = Duration.ofMillis(250);
    /** Ollama's own scheduler waits for about this share of a model's VRAM to come back. */
    private static final double VRAM_BACK_SHARE = 0.75;

    private final GpuResourceConfig config;
    private final OllamaClient ollama;
    private final VramMonitor vram;
    private final Clock clock;
    private final Sleeper sleeper;

    UnloadWatch(GpuResourceConfig config, OllamaClient ollama, VramMonitor vram, Clock clock, Sleeper sleeper) {
        this.config = config;
        this.ollama = ollama;
        this.vram = vram;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    /** "Unloaded" means gone from /api/ps. */
    boolean awaitGoneFromOllama(String model, Instant start) throws InterruptedException {
        Instant deadline = start.plus(config.unloadTimeout());
        long maxPolls = config.unloadTimeout().toMillis() / POLL.toMillis() + 1;
        for (long poll = 0; poll < maxPolls && !clock.instant().isAfter(deadline); poll++) {
            try {
                List<RunningModel> running = ollama.runningModels();
                if (running.stream().noneMatch(m -> m.is(model))) {
                    return true;
                }
            } catch (OllamaException e) {
                LOG.debug("Polling /api/ps after unload: {}", e.getMessage());
            }
            sleeper.sleep(POLL);
        }
        return false;
    }

    /** Waits (bounded) for NVML to show the memory back, and reports how much came back. */
    long awaitVramBack(Instant start, long usedBefore, long expectedMb) throws InterruptedException {
        if (!vram.hasGpu()) {
            return 0;
        }
        Instant deadline = start.plus(config.unloadTimeout());
        long maxPolls = config.unloadTimeout().toMillis() / POLL.toMillis() + 1;
        long freed = 0;
        for (long poll = 0; poll < maxPolls; poll++) {
            long used = vram.sample().gpu(vram.managedIndex()).map(g -> g.usedMb()).orElse(usedBefore);
            freed = Math.max(0, usedBefore - used);
            if (freed >= expectedMb * VRAM_BACK_SHARE || clock.instant().isAfter(deadline)) {
                break;
            }
            sleeper.sleep(POLL);
        }
        return freed;
    }

    /** Less came back than Ollama's own scheduler waits for: another process may hold the rest. */
    boolean shortOf(long freedMb, long expectedMb) {
        return vram.hasGpu() && freedMb < expectedMb * VRAM_BACK_SHARE;
    }
}
