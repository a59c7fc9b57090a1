package com.rpavision.gpurm.app;

import com.rpavision.gpurm.app.demo.Demo;
import com.rpavision.gpurm.core.clip.ClipEngine;
import com.rpavision.gpurm.core.clip.DjlClipEngine;
import com.rpavision.gpurm.core.clip.DjlEnvironment;
import com.rpavision.gpurm.core.config.GpuResourceConfig;
import com.rpavision.gpurm.core.gpu.GpuProbe;
import com.rpavision.gpurm.core.gpu.GpuProbes;
import com.rpavision.gpurm.core.gpu.VramMonitor;
import com.rpavision.gpurm.core.manager.DefaultGpuResourceManager;
import com.rpavision.gpurm.core.manager.GpuResourceManager;
import com.rpavision.gpurm.core.manager.ModelSizes;
import com.rpavision.gpurm.core.ollama.OllamaClient;
import com.rpavision.gpurm.core.storage.StorageHealth;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/** The one place the process's manager is built from its parts: the real ones, or the demo's simulations. */
public final class ManagerFactory {

    /** version, ps and unload calls; loads get load_timeout_seconds. */
    private static final Duration QUICK_OLLAMA_CALL = Duration.ofSeconds(5);

    private ManagerFactory() {
    }

    public static GpuResourceManager create(GpuResourceConfig config, AppPaths paths) {
        return create(config, paths, new StorageHealth(Clock.systemUTC()));
    }

    /** @param storage how the process's writes go; the manager holds storage_unwritable while one fails */
    public static GpuResourceManager create(GpuResourceConfig config, AppPaths paths, StorageHealth storage) {
        GpuProbe probe = GpuProbes.detect(config.nvmlLibraryPath(), config.nvidiaSmiPath());
        DjlEnvironment.configure(paths.engineCacheDir(), config.libtorchPath());
        DjlClipEngine clip = new DjlClipEngine(config.clipModel(), clipModelPath(config, paths), config.gpuIndex());
        return build(config, probe, clip, ModelSizes.persistedIn(paths.dataDir().resolve("model-sizes.json"), storage), storage);
    }

    /**
     * The whole manager against a simulated GPU, Ollama and CLIP, with the demo's own configuration
     * ({@link com.rpavision.gpurm.app.demo.DemoConfig}: a one-minute idle timeout unless changed in Settings).
     * A vision model changed in Settings applies, and the simulated Ollama answers for it as a real one would:
     * "not found" unless it is one of the two it has pulled.
     */
    public static GpuResourceManager createDemo(GpuResourceConfig config, Demo demo) {
        return createDemo(config, demo, new StorageHealth(Clock.systemUTC()));
    }

    public static GpuResourceManager createDemo(GpuResourceConfig config, Demo demo, StorageHealth storage) {
        GpuResourceConfig demoConfig = config.toBuilder().ollamaEndpoint(demo.ollamaEndpoint()).gpuIndex(0).build();
        return build(demoConfig, demo.gpu(), demo.clip(), ModelSizes.inMemory(), storage);
    }

    private static GpuResourceManager build(GpuResourceConfig config, GpuProbe probe, ClipEngine clip, ModelSizes sizes,
                                            StorageHealth storage) {
        Clock clock = Clock.systemUTC();
        VramMonitor vram = new VramMonitor(probe, config.gpuIndex(), config.vramChangeThresholdMb(), clock);
        OllamaClient ollama = new OllamaClient(config.ollamaEndpoint(), QUICK_OLLAMA_CALL, config.loadTimeout());
        return DefaultGpuResourceManager.builder(config)
                .ollama(ollama).clip(clip).vramMonitor(vram).clock(clock).modelSizes(sizes).storage(storage)
                .build();
    }

    /** clip_model_path, or models/<clip_model>.pt in the data folder. */
    static Path clipModelPath(GpuResourceConfig config, AppPaths paths) {
        return config.clipModelPath().isBlank()
                ? paths.dataDir().resolve("models").resolve(config.clipModel() + ".pt")
                : Path.of(config.clipModelPath());
    }
}
