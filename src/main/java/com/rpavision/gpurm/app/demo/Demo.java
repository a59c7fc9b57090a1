package com.rpavision.gpurm.app.demo;

import com.rpavision.gpurm.core.clip.ClipEngine;
import com.rpavision.gpurm.core.gpu.GpuProbe;
import com.rpavision.gpurm.simulator.SimulatedOllama;

import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Everything the demo simulates: a GPU, Ollama (the same model of its scheduler the tests use, in real time, on
 * a loopback port) and CLIP's placement. A second model is loaded as if by another client, so that Unload and
 * "Free the GPU for recording" can be tried.
 */
public final class Demo implements AutoCloseable {

    static final String OTHER_MODEL = SimulatedOllama.Settings.OTHER;
    private static final Duration LOAD_TIME = Duration.ofMillis(4_500);

    private final SimulatedGpu gpu = new SimulatedGpu();
    private final SimulatedOllama ollama;
    private final SimulatedClip clip;

    public Demo() throws IOException {
        SimulatedOllama.Settings settings = SimulatedOllama.Settings.defaults()
                .withLoadTime(LOAD_TIME)
                .withGap(Duration.ofMillis(800), Duration.ofMillis(1_400))
                .withStopping(Duration.ofMillis(1_200))
                .withPreloaded(List.of(OTHER_MODEL));
        this.ollama = SimulatedOllama.start(settings, gpu);
        this.clip = new SimulatedClip(gpu);
    }

    public GpuProbe gpu() {
        return gpu;
    }

    public String ollamaEndpoint() {
        return ollama.endpoint();
    }

    public ClipEngine clip() {
        return clip;
    }

    @Override
    public void close() {
        ollama.close();
    }
}
