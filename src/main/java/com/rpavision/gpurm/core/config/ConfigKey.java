package com.rpavision.gpurm.core.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** Every configuration key: its JSON name, default, allowed values and meaning. The one table of them. */
public enum ConfigKey {
    OLLAMA_ENDPOINT("ollama_endpoint", "http://localhost:11434", GpuResourceConfig::ollamaEndpoint,
            "Base URL of the Ollama server (http or https)."),
    VLM_MODEL("vlm_model", "qwen3-vl:8b", GpuResourceConfig::vlmModel,
            "Ollama model used while RECORDING; a name without a tag means ':latest'."),
    CLIP_MODEL("clip_model", "ViT-B-32", GpuResourceConfig::clipModel,
            "CLIP architecture used for screenshot embeddings in AUTOPILOT."),
    CLIP_MODEL_PATH("clip_model_path", "", GpuResourceConfig::clipModelPath,
            "TorchScript file of CLIP's image encoder; empty means models/<clip_model>.pt in the data folder."),
    LIBTORCH_PATH("libtorch_path", "", GpuResourceConfig::libtorchPath,
            "Folder of an existing libtorch (a CUDA build, for CLIP on the GPU); empty uses the bundled CPU one."),
    IDLE_TIMEOUT_SECONDS("idle_timeout_seconds", 300, 0, 86_400, GpuResourceConfig::idleTimeoutSeconds,
            "Unload the VLM after this many seconds without a VLM request; 0 never unloads."),
    VRAM_THRESHOLD_FOR_CLIP_GPU_MB("vram_threshold_for_clip_gpu_mb", 1024, 0, 1_048_576,
            GpuResourceConfig::vramThresholdForClipGpuMb, "Move CLIP to the GPU only when more than this much VRAM is free."),
    MAX_LOAD_RETRIES("max_load_retries", 3, 1, 20, GpuResourceConfig::maxLoadRetries,
            "Attempts for a load or unload that fails transiently (refused, timeout, 5xx) before ERROR."),
    LOAD_TIMEOUT_SECONDS("load_timeout_seconds", 120, 1, 3_600, GpuResourceConfig::loadTimeoutSeconds,
            "How long one load attempt may take; a cold load of a vision model takes 30-60 s."),
    UNLOAD_TIMEOUT_SECONDS("unload_timeout_seconds", 5, 1, 600, GpuResourceConfig::unloadTimeoutSeconds,
            "How long to wait for an unloaded model to leave /api/ps and give its VRAM back."),
    NVML_LIBRARY_PATH("nvml_library_path", "", GpuResourceConfig::nvmlLibraryPath,
            "Path of libnvidia-ml.so / nvml.dll; empty finds the system's."),
    NVIDIA_SMI_PATH("nvidia_smi_path", "nvidia-smi", GpuResourceConfig::nvidiaSmiPath,
            "nvidia-smi used when NVML cannot be loaded; a bare name is looked up on PATH."),
    POLL_INTERVAL_MS("poll_interval_ms", 1000, 100, 60_000, GpuResourceConfig::pollIntervalMs,
            "How often VRAM is sampled, in milliseconds."),
    GPU_INDEX("gpu_index", 0, 0, 63, GpuResourceConfig::gpuIndex,
            "NVML index of the GPU the models run on; all GPUs are monitored."),
    VRAM_CHANGE_THRESHOLD_MB("vram_change_threshold_mb", 100, 1, 1_048_576, GpuResourceConfig::vramChangeThresholdMb,
            "Emit a vram_changed event when used VRAM moves by at least this much."),
    OLLAMA_RETRY_SECONDS("ollama_retry_seconds", 30, 1, 3_600, GpuResourceConfig::ollamaRetrySeconds,
            "How often Ollama's availability is checked, and retried while it is unreachable."),
    API_PORT("api_port", 11436, 0, 65_535, GpuResourceConfig::apiPort,
            "Loopback port of the control API for the RPA agent; 0 picks a free one (see api.json)."),
    PROXY_PORT("proxy_port", 11435, 0, 65_535, GpuResourceConfig::proxyPort,
            "Loopback port of the Ollama-compatible proxy; 0 picks a free one."),
    AUTOPILOT_BLOCKS_VLM("autopilot_blocks_vlm", Boolean.FALSE, 0, 0, GpuResourceConfig::autopilotBlocksVlm,
            "In AUTOPILOT, answer VLM requests through the proxy with 409 instead of loading the VLM."),
    VRAM_SAFETY_MARGIN_MB("vram_safety_margin_mb", 256, 0, 65_536, GpuResourceConfig::vramSafetyMarginMb,
            "VRAM kept free when checking whether the VLM fits before a load."),
    VLM_SIZE_OVERHEAD_PERCENT("vlm_size_overhead_percent", 20, 0, 500, GpuResourceConfig::vlmSizeOverheadPercent,
            "Added to the model file's size to estimate a VLM's VRAM before it was ever loaded here."),
    OLLAMA_WATCH_INTERVAL_MS("ollama_watch_interval_ms", 1000, 200, 60_000, GpuResourceConfig::ollamaWatchIntervalMs,
            "How often Ollama's loaded models (/api/ps) are checked for changes made outside the manager, in milliseconds."),
    CONTENTION_EVICTIONS("contention_evictions", 3, 1, 20, GpuResourceConfig::contentionEvictions,
            "In RECORDING, after this many evictions of the VLM by other clients' models within contention_window_seconds,"
                    + " stop reloading it while the model that took its place holds the GPU (condition vlm_contended)."),
    CONTENTION_WINDOW_SECONDS("contention_window_seconds", 120, 10, 3_600, GpuResourceConfig::contentionWindowSeconds,
            "The window, in seconds, in which contention_evictions evictions make the VLM contended."),
    VLM_LEASE_SECONDS("vlm_lease_seconds", 180, 30, 86_400, GpuResourceConfig::vlmLeaseSeconds,
            "The VLM is held in Ollama with this finite keep_alive, renewed while the manager runs and wants it: however"
                    + " the manager ends (quit, crash, kill -9, uninstall), Ollama unloads the VLM within one lease."),
    RESTORE_MODE_AFTER_CLEAN_STOP("restore_mode_after_clean_stop", Boolean.TRUE, 0, 0,
            GpuResourceConfig::restoreModeAfterCleanStop,
            "At start, take up the mode the manager was in when it was last quit; false: start in IDLE after a quit."
                    + " After a crash, a kill -9 or a power cut the mode is always restored."),
    VLM_OPTIONS("vlm_options", JsonObjectText.EMPTY, GpuResourceConfig::vlmOptionsJson,
            "Ollama runner options (a JSON object, e.g. {\"num_ctx\": 8192}) sent with every VLM load and laid over"
                    + " proxied VLM requests, so a client's own options never make Ollama reload the VLM."),
    METRICS_LISTEN("metrics_listen", "", GpuResourceConfig::metricsListen,
            "Address and port (host:port, e.g. 0.0.0.0:9836) where Prometheus may scrape /metrics and /health from"
                    + " other machines; empty: off (the loopback control API still serves /metrics)."),
    METRICS_BEARER_TOKEN_FILE("metrics_bearer_token_file", "", GpuResourceConfig::metricsBearerTokenFile,
            "File holding the bearer token every request to metrics_listen must send (Prometheus: authorization"
                    + " credentials_file); empty: no token."),
    METRICS_TEXTFILE_PATH("metrics_textfile_path", "", GpuResourceConfig::metricsTextfilePath,
            "A .prom file rewritten atomically every 15 s with the metrics, for node_exporter's or"
                    + " windows_exporter's textfile collector; empty: off.");

    private final String jsonName;
    private final Object defaultValue;
    private final int min;
    private final int max;
    private final Function<GpuResourceConfig, Object> getter;
    private final String description;

    ConfigKey(String jsonName, JsonObjectText defaultValue, Function<GpuResourceConfig, Object> getter, String description) {
        this(jsonName, defaultValue, 0, 0, getter, description);
    }

    ConfigKey(String jsonName, String defaultValue, Function<GpuResourceConfig, Object> getter, String description) {
        this(jsonName, defaultValue, 0, 0, getter, description);
    }

    ConfigKey(String jsonName, Object defaultValue, int min, int max,
              Function<GpuResourceConfig, Object> getter, String description) {
        this.jsonName = jsonName;
        this.defaultValue = defaultValue;
        this.min = min;
        this.max = max;
        this.getter = getter;
        this.description = description;
    }

    public String jsonName() { return jsonName; }
    public Object defaultValue() { return defaultValue; }
    public boolean isInteger() { return defaultValue instanceof Integer; }
    public boolean isBoolean() { return defaultValue instanceof Boolean; }
    /** A JSON object, kept as its compact text ({@link JsonObjectText}). */
    public boolean isJsonObject() { return defaultValue instanceof JsonObjectText; }
    public int min() { return min; }
    public int max() { return max; }
    public String description() { return description; }

    public Object valueIn(GpuResourceConfig config) {
        return getter.apply(config);
    }

    public static Optional<ConfigKey> byJsonName(String name) {
        for (ConfigKey key : values()) {
            if (key.jsonName.equals(name)) {
                return Optional.of(key);
            }
        }
        return Optional.empty();
    }

    /**
     * The key a mistyped name most likely meant: the closest by edit distance, within three edits, for a
     * "did you mean" (a name far from every key gets none).
     */
    public static Optional<ConfigKey> nearest(String name) {
        ConfigKey best = null;
        int bestDistance = 4;
        for (ConfigKey key : values()) {
            int d = editDistance(name.toLowerCase(java.util.Locale.ROOT), key.jsonName);
            if (d < bestDistance) {
                best = key;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    /** Checks one value of this key; returns the problem in words, naming the key, or empty. */
    public Optional<String> check(Object value) {
        if (isBoolean()) {
            return value instanceof Boolean ? Optional.empty() : Optional.of(jsonName + " must be true or false");
        }
        if (isInteger()) {
            int v = (Integer) value;
            return v < min || v > max
                    ? Optional.of(jsonName + " must be between " + min + " and " + max + ", got " + v)
                    : Optional.empty();
        }
        if (isJsonObject()) {
            return value instanceof JsonObjectText ? Optional.empty() : Optional.of(jsonName + " must be a JSON object");
        }
        String s = (String) value;
        return switch (this) {
            case OLLAMA_ENDPOINT -> checkEndpoint(s);
            case VLM_MODEL, CLIP_MODEL, NVIDIA_SMI_PATH -> s.isBlank()
                    ? Optional.of(jsonName + " must not be empty") : Optional.empty();
            case METRICS_LISTEN -> s.isEmpty() ? Optional.empty() : ListenAddress.problem(s).map(p -> jsonName + " " + p);
            case METRICS_TEXTFILE_PATH -> s.isEmpty() || s.endsWith(".prom") ? Optional.empty()
                    : Optional.of(jsonName + " must end with .prom (the textfile collectors read only those), got '" + s + "'");
            default -> Optional.empty();
        };
    }

    private Optional<String> checkEndpoint(String s) {
        try {
            URI uri = new URI(s);
            boolean ok = ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
            return ok ? Optional.empty()
                    : Optional.of(jsonName + " must be an http(s) URL with a host, like http://localhost:11434; got '" + s + "'");
        } catch (URISyntaxException e) {
            return Optional.of(jsonName + " is not a valid URL: '" + s + "'");
        }
    }

    /** Every problem of a whole configuration, each naming its key; empty when valid. */
    public static List<String> validate(GpuResourceConfig config) {
        List<String> problems = new ArrayList<>();
        for (ConfigKey key : values()) {
            key.check(key.valueIn(config)).ifPresent(problems::add);
        }
        return problems;
    }
}
