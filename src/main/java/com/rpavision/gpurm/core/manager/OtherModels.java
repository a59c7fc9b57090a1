package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.concurrent.Sleeper;
import com.rpavision.gpurm.core.config.GpuResourceConfig;
import com.rpavision.gpurm.core.gpu.VramMonitor;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.ollama.ModelNames;
import com.rpavision.gpurm.core.ollama.OllamaClient;
import com.rpavision.gpurm.core.ollama.OllamaException;
import com.rpavision.gpurm.core.ollama.RunningModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The models Ollama holds besides the configured VLM (someone's chat model, a test): listed with their VRAM and
 * unloaded on the operator's request, never the VLM (the manager owns that one). Runs on the model queue.
 */
final class OtherModels {

    private static final Logger LOG = LoggerFactory.getLogger(OtherModels.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /** Ollama's own bound on how long a stopped runner's VRAM takes to come back (sched.go waits at most 5 s). */
    private static final Duration VRAM_RECOVERY_LIMIT = Duration.ofSeconds(5);

    private final GpuResourceConfig config;
    private final OllamaClient ollama;
    private final VramMonitor vram;
    private final Clock clock;
    private final Sleeper sleeper;
    private final EventEmitter events;

    OtherModels(GpuResourceConfig config, OllamaClient ollama, VramMonitor vram, Clock clock, Sleeper sleeper,
                EventEmitter events) {
        this.config = config;
        this.ollama = ollama;
        this.vram = vram;
        this.clock = clock;
        this.sleeper = sleeper;
        this.events = events;
    }

    boolean isVlm(String model) {
        return ModelNames.same(model, config.vlmModel());
    }

    /** Everything Ollama holds now, the VLM included (the caller tells them apart with {@link #isVlm}). */
    List<RunningModel> all() throws OllamaException {
        return ollama.runningModels();
    }

    OtherModelUnload unload(String model) throws InterruptedException {
        if (isVlm(model)) {
            return new OtherModelUnload(model, false, 0, model + " is the vision model this manager loads and unloads;"
                    + " use the VLM unload or switch mode instead");
        }
        Optional<RunningModel> target;
        try {
            target = ollama.runningModels().stream().filter(m -> m.is(model)).findFirst();
        } catch (OllamaException e) {
            return new OtherModelUnload(model, false, 0, e.getMessage());
        }
        if (target.isEmpty()) {
            return new OtherModelUnload(model, true, 0, model + " is not loaded in Ollama");
        }
        String name = target.get().name();
        try {
            ollama.unload(name);
            Instant deadline = clock.instant().plus(Duration.ofSeconds(config.unloadTimeoutSeconds()));
            while (ollama.runningModels().stream().anyMatch(m -> m.is(name))) {
                if (!clock.instant().isBefore(deadline)) {
                    return new OtherModelUnload(name, false, 0, name + " is still listed by Ollama "
                            + config.unloadTimeoutSeconds() + " s after the unload request; check 'ollama ps'");
                }
                sleeper.sleep(POLL);
            }
        } catch (OllamaException e) {
            return new OtherModelUnload(name, false, 0, e.getMessage());
        }
        vram.sample();
        long freed = target.get().sizeVramMb();
        LOG.info("Ollama model {} unloaded on request, about {} MB VRAM freed", name, freed);
        events.emit(EventType.OTHER_MODEL_UNLOADED, "model", name, "vram_freed_mb", freed);
        return new OtherModelUnload(name, true, freed, null);
    }

    /** Unloads every model Ollama holds but the VLM, one after the other. */
    List<OtherModelUnload> unloadAllButTheVlm() throws OllamaException, InterruptedException {
        List<OtherModelUnload> results = new java.util.ArrayList<>();
        for (RunningModel m : all()) {
            if (!isVlm(m.name())) {
                results.add(unload(m.name()));
            }
        }
        return results;
    }

    /**
     * Unloads every model but the VLM and waits until the GPU has most of their memory back: a model leaves
     * {@code /api/ps} before its runner has exited, and a VLM load judged in between would find no room.
     */
    List<OtherModelUnload> unloadAllForTheVlm() throws InterruptedException {
        vram.sample();
        long freeBefore = vram.managedGpu().freeMb();
        List<OtherModelUnload> results;
        try {
            results = unloadAllButTheVlm();
        } catch (OllamaException e) {
            return List.of(new OtherModelUnload("", false, 0, e.getMessage()));
        }
        long freed = results.stream().filter(OtherModelUnload::ok).mapToLong(OtherModelUnload::vramFreedMb).sum();
        if (freed > 0 && vram.hasGpu()) {
            Instant giveUp = clock.instant().plus(VRAM_RECOVERY_LIMIT);
            long looks = VRAM_RECOVERY_LIMIT.toMillis() / POLL.toMillis();
            for (long look = 0; vram.managedGpu().freeMb() < freeBefore + freed * 3 / 4 && look < looks
                    && clock.instant().isBefore(giveUp); look++) {
                sleeper.sleep(POLL);
                vram.sample();
            }
        }
        return results;
    }
}
