package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.clip.ClipEngine;
import com.rpavision.gpurm.core.concurrent.Sleeper;
import com.rpavision.gpurm.core.config.GpuResourceConfig;
import com.rpavision.gpurm.core.gpu.VramMonitor;
import com.rpavision.gpurm.core.ollama.OllamaClient;
import com.rpavision.gpurm.core.storage.StorageHealth;

import java.time.Clock;
import java.util.Objects;

/** Collaborators of the manager; the app wires the real ones, tests their stand-ins. */
public final class ManagerBuilder {
    final GpuResourceConfig config;
    OllamaClient ollama;
    ClipEngine clip;
    VramMonitor vram;
    Clock clock = Clock.systemUTC();
    Sleeper sleeper = Sleeper.SYSTEM;
    ModelSizes modelSizes = ModelSizes.inMemory();
    StorageHealth storage;
    VlmGate.Steps gateSteps = VlmGate.Steps.NONE;

    ManagerBuilder(GpuResourceConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    public ManagerBuilder ollama(OllamaClient ollama) { this.ollama = ollama; return this; }
    public ManagerBuilder clip(ClipEngine clip) { this.clip = clip; return this; }
    public ManagerBuilder vramMonitor(VramMonitor vram) { this.vram = vram; return this; }
    public ManagerBuilder clock(Clock clock) { this.clock = clock; return this; }
    public ManagerBuilder sleeper(Sleeper sleeper) { this.sleeper = sleeper; return this; }
    /** Where the VRAM each model took is remembered for the next preflight; in memory by default. */
    public ManagerBuilder modelSizes(ModelSizes sizes) { this.modelSizes = Objects.requireNonNull(sizes); return this; }

    /** How the process's writes to disk went, for the condition storage_unwritable; its own one by default. */
    public ManagerBuilder storage(StorageHealth storage) { this.storage = Objects.requireNonNull(storage); return this; }

    /** Tests: hear where the VLM's lease handshake stands, to drive a request and a change into each order. */
    ManagerBuilder gateSteps(VlmGate.Steps steps) { this.gateSteps = Objects.requireNonNull(steps); return this; }

    public DefaultGpuResourceManager build() {
        Objects.requireNonNull(ollama, "ollama");
        Objects.requireNonNull(clip, "clip");
        Objects.requireNonNull(vram, "vramMonitor");
        if (storage == null) {
            storage = new StorageHealth(clock);
        }
        return new DefaultGpuResourceManager(this);
    }
}
