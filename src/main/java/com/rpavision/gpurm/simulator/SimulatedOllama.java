package com.rpavision.gpurm.simulator;

import com.rpavision.gpurm.core.concurrent.Threads;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The whole simulated Ollama in real time, as the demo and {@code --simulate-ollama} run it: the scheduler, its
 * HTTP API on a loopback port, and a tick that moves the simulation on between requests (keep-alive expiries, the
 * end of an eviction gap, a finished load), so that the GPU it holds memory on is right even when nobody asks.
 */
public final class SimulatedOllama implements AutoCloseable {

    /** How a simulated Ollama behaves; the defaults are those of a 24 GB card and Ollama 0.12's own. */
    public record Settings(int port, Duration loadTime, Duration gapMin, Duration gapMax, Duration stopping,
                           Map<String, Long> modelsMb, List<String> preloaded) {

        public static final String VLM = "qwen3-vl:8b";
        public static final String OTHER = "llama3.2:3b";

        public Settings {
            if (gapMax.compareTo(gapMin) < 0) {
                throw new IllegalArgumentException("the eviction gap's upper bound is below its lower bound");
            }
            modelsMb = Map.copyOf(modelsMb);
            preloaded = List.copyOf(preloaded);
            for (String model : preloaded) {
                if (!modelsMb.containsKey(model)) {
                    throw new IllegalArgumentException("cannot preload " + model + ": it is not among the models");
                }
            }
        }

        public static Settings defaults() {
            Map<String, Long> models = new LinkedHashMap<>();
            models.put(VLM, 10_540L);
            models.put(OTHER, 2_600L);
            models.put("llama3:8b", 4_000L);
            return new Settings(0, Duration.ofSeconds(3), Duration.ofMillis(500), Duration.ofMillis(1_500),
                    Duration.ZERO, models, List.of());
        }

        public Settings withPort(int value) {
            return new Settings(value, loadTime, gapMin, gapMax, stopping, modelsMb, preloaded);
        }

        public Settings withLoadTime(Duration value) {
            return new Settings(port, value, gapMin, gapMax, stopping, modelsMb, preloaded);
        }

        public Settings withGap(Duration min, Duration max) {
            return new Settings(port, loadTime, min, max, stopping, modelsMb, preloaded);
        }

        public Settings withStopping(Duration value) {
            return new Settings(port, loadTime, gapMin, gapMax, value, modelsMb, preloaded);
        }

        public Settings withModel(String model, long mb) {
            Map<String, Long> models = new LinkedHashMap<>(modelsMb);
            models.put(model, mb);
            return new Settings(port, loadTime, gapMin, gapMax, stopping, models, preloaded);
        }

        public Settings withPreloaded(List<String> models) {
            return new Settings(port, loadTime, gapMin, gapMax, stopping, modelsMb, models);
        }
    }

    private static final Duration TICK = Duration.ofMillis(50);

    private final OllamaScheduler scheduler;
    private final SimulatorServer server;
    private final ScheduledExecutorService ticker =
            Executors.newSingleThreadScheduledExecutor(Threads.named("gpurm-simulated-ollama-tick"));

    private SimulatedOllama(OllamaScheduler scheduler, SimulatorServer server) {
        this.scheduler = scheduler;
        this.server = server;
        ticker.scheduleWithFixedDelay(scheduler::advance, TICK.toMillis(), TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts one on {@code settings.port()} (0: any free port) holding its runners' memory on {@code vram}. */
    public static SimulatedOllama start(Settings settings, SimulatedVram vram) throws IOException {
        SimulatorTime time = SimulatorTime.real();
        Random draws = new Random();
        long spread = settings.gapMax().minus(settings.gapMin()).toMillis();
        OllamaScheduler scheduler = new OllamaScheduler(time, vram)
                .loadTime(settings.loadTime())
                .evictionGap(() -> settings.gapMin().plusMillis(spread == 0 ? 0 : draws.nextLong(spread + 1)))
                .stoppingFor(settings.stopping());
        settings.modelsMb().forEach(scheduler::install);
        settings.preloaded().forEach(model -> scheduler.preload(model, null));
        return new SimulatedOllama(scheduler, new SimulatorServer(new OllamaApi(scheduler, time), settings.port()));
    }

    public int port() {
        return server.port();
    }

    public String endpoint() {
        return server.endpoint();
    }

    public OllamaScheduler scheduler() {
        return scheduler;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        server.close();
    }
}
