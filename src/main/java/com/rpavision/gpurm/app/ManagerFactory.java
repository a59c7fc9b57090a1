package com.rpavision.gpurm.app;

import com.rpavision.gpurm.core.clip.UnavailableClipEngine;
import com.rpavision.gpurm.core.config.GpuResourceConfig;
import com.rpavision.gpurm.core.gpu.GpuProbe;
import com.rpavision.gpurm.core.gpu.GpuProbes;
import com.rpavision.gpurm.core.gpu.VramMonitor;
import com.rpavision.gpurm.core.manager.DefaultGpuResourceManager;
import com.rpavision.gpurm.core.manager.GpuResourceManager;
import com.rpavision.gpurm.core.ollama.OllamaClient;

import java.time.Clock;
import java.time.Duration;

/** The one place the process's manager is built from its real parts. */
public final class ManagerFactory {

    /** version, ps and unload calls; loads get load_timeout_seconds. */
    private static final Duration QUICK_OLLAMA_CALL = Duration.ofSeconds(5);

    private ManagerFactory() {
    }

    public static GpuResourceManager create(GpuResourceConfig config) {
        Clock clock = Clock.systemUTC();
        GpuProbe probe = GpuProbes.detect(config.nvmlLibraryPath(), config.nvidiaSmiPath());
        VramMonitor vram = new VramMonitor(probe, config.gpuIndex(), config.vramChangeThresholdMb(), clock);
        OllamaClient ollama = new OllamaClient(config.ollamaEndpoint(), QUICK_OLLAMA_CALL, config.loadTimeout());
        UnavailableClipEngine clip = new UnavailableClipEngine(config.clipModel(),
                "this build has no CLIP engine yet (the DJL/PyTorch pipeline arrives with the CLIP feature)");
        return DefaultGpuResourceManager.builder(config)
                .ollama(ollama).clip(clip).vramMonitor(vram).clock(clock)
                .build();
    }
}
