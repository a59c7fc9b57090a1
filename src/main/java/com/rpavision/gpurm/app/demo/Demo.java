package com.rpavision.gpurm.app.demo;

import com.rpavision.gpurm.core.clip.ClipEngine;
import com.rpavision.gpurm.core.gpu.GpuProbe;

import java.io.IOException;

/** Everything the demo simulates: a GPU, an Ollama look-alike on a loopback port, and CLIP's placement. */
public final class Demo implements AutoCloseable {

    private final SimulatedGpu gpu = new SimulatedGpu();
    private final DemoOllama ollama;
    private final SimulatedClip clip;

    public Demo() throws IOException {
        this.ollama = new DemoOllama(gpu);
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
