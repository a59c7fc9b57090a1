package com.rpavision.gpurm.core.config;

import com.rpavision.gpurm.testing.MutableClock;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigRoundTripProperties {

    @Property(tries = 200)
    void loadOfSaveIsTheSameConfiguration(@ForAll("configs") GpuResourceConfig config) throws Exception {
        Path dir = Files.createTempDirectory("gpurm-config");
        try {
            ConfigStore store = new ConfigStore(dir.resolve("config.json"), new MutableClock(Instant.EPOCH));
            store.save(config);
            ConfigLoadResult loaded = store.load();
            assertThat(loaded.warnings()).isEmpty();
            assertThat(loaded.config()).isEqualTo(config);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(dir);
        }
    }

    @Provide
    Arbitrary<GpuResourceConfig> configs() {
        Arbitrary<String> text = Arbitraries.strings().ofMinLength(1).ofMaxLength(40)
                .withChars("abcxyz019:._-/ éüß\"\\\t").filter(s -> !s.isBlank());
        Arbitrary<String> endpoints = Arbitraries.of("http://localhost:11434", "https://gpu-box.lan:443/ollama/",
                "http://127.0.0.1:1", "http://[::1]:11434");
        return Combinators.combine(
                Combinators.combine(endpoints, text, text, ints(ConfigKey.IDLE_TIMEOUT_SECONDS),
                        ints(ConfigKey.VRAM_THRESHOLD_FOR_CLIP_GPU_MB), ints(ConfigKey.MAX_LOAD_RETRIES),
                        ints(ConfigKey.LOAD_TIMEOUT_SECONDS), ints(ConfigKey.UNLOAD_TIMEOUT_SECONDS))
                        .as((e, vlm, clip, idle, thr, retries, load, unload) -> GpuResourceConfig.builder()
                                .ollamaEndpoint(e).vlmModel(vlm).clipModel(clip).idleTimeoutSeconds(idle)
                                .vramThresholdForClipGpuMb(thr).maxLoadRetries(retries).loadTimeoutSeconds(load)
                                .unloadTimeoutSeconds(unload)),
                Arbitraries.of("", "/usr/lib/x86_64-linux-gnu/libnvidia-ml.so.1", "C:\\Windows\\System32\\nvml.dll"),
                text, ints(ConfigKey.POLL_INTERVAL_MS), ints(ConfigKey.GPU_INDEX), ints(ConfigKey.VRAM_CHANGE_THRESHOLD_MB),
                ints(ConfigKey.OLLAMA_RETRY_SECONDS))
                .as((b, nvml, smi, poll, gpu, change, retry) -> b.nvmlLibraryPath(nvml).nvidiaSmiPath(smi)
                        .autopilotBlocksVlm(!nvml.isEmpty())
                        .clipModelPath(nvml.isEmpty() ? "" : "/opt/models/ViT-B-32.pt").libtorchPath(nvml.isEmpty() ? "" : "C:\\torch\\lib")
                        .pollIntervalMs(poll).gpuIndex(gpu).vramChangeThresholdMb(change).ollamaRetrySeconds(retry)
                        .ollamaWatchIntervalMs(Math.max(ConfigKey.OLLAMA_WATCH_INTERVAL_MS.min(), poll))
                        .vlmOptionsJson(JsonObjectText.parse(nvml.isEmpty() ? "{}" : "{\"num_ctx\":" + (change + 1) + "}").orElseThrow())
                        .build());
    }

    private static Arbitrary<Integer> ints(ConfigKey key) {
        return Arbitraries.integers().between(key.min(), key.max());
    }
}
