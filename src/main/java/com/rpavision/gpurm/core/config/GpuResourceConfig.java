package com.rpavision.gpurm.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Immutable configuration. Every key, its default and its range live in {@link ConfigKey}; build one with
 * {@link #builder()} (defaults) and check it with {@link ConfigKey#validate}.
 *
 * @param nvmlLibraryPath empty: the platform's usual NVML library
 */
public record GpuResourceConfig(
        String ollamaEndpoint,
        String vlmModel,
        String clipModel,
        String clipModelPath,
        String libtorchPath,
        int idleTimeoutSeconds,
        int vramThresholdForClipGpuMb,
        int maxLoadRetries,
        int loadTimeoutSeconds,
        int unloadTimeoutSeconds,
        String nvmlLibraryPath,
        String nvidiaSmiPath,
        int pollIntervalMs,
        int gpuIndex,
        int vramChangeThresholdMb,
        int ollamaRetrySeconds,
        int apiPort,
        int proxyPort,
        boolean autopilotBlocksVlm,
        int vramSafetyMarginMb,
        int vlmSizeOverheadPercent,
        int ollamaWatchIntervalMs,
        int contentionEvictions,
        int contentionWindowSeconds,
        int vlmLeaseSeconds,
        JsonObjectText vlmOptionsJson,
        String metricsListen,
        String metricsBearerTokenFile,
        String metricsTextfilePath,
        boolean restoreModeAfterCleanStop) {

    public GpuResourceConfig {
        Objects.requireNonNull(ollamaEndpoint, "ollamaEndpoint");
        Objects.requireNonNull(vlmModel, "vlmModel");
        Objects.requireNonNull(clipModel, "clipModel");
        Objects.requireNonNull(clipModelPath, "clipModelPath");
        Objects.requireNonNull(libtorchPath, "libtorchPath");
        Objects.requireNonNull(nvmlLibraryPath, "nvmlLibraryPath");
        Objects.requireNonNull(nvidiaSmiPath, "nvidiaSmiPath");
        Objects.requireNonNull(vlmOptionsJson, "vlmOptionsJson");
        Objects.requireNonNull(metricsListen, "metricsListen");
        Objects.requireNonNull(metricsBearerTokenFile, "metricsBearerTokenFile");
        Objects.requireNonNull(metricsTextfilePath, "metricsTextfilePath");
    }

    public static GpuResourceConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder()
                .ollamaEndpoint(ollamaEndpoint).vlmModel(vlmModel).clipModel(clipModel)
                .clipModelPath(clipModelPath).libtorchPath(libtorchPath)
                .idleTimeoutSeconds(idleTimeoutSeconds).vramThresholdForClipGpuMb(vramThresholdForClipGpuMb)
                .maxLoadRetries(maxLoadRetries).loadTimeoutSeconds(loadTimeoutSeconds)
                .unloadTimeoutSeconds(unloadTimeoutSeconds).nvmlLibraryPath(nvmlLibraryPath)
                .nvidiaSmiPath(nvidiaSmiPath).pollIntervalMs(pollIntervalMs).gpuIndex(gpuIndex)
                .vramChangeThresholdMb(vramChangeThresholdMb).ollamaRetrySeconds(ollamaRetrySeconds).apiPort(apiPort).proxyPort(proxyPort)
                .autopilotBlocksVlm(autopilotBlocksVlm).vramSafetyMarginMb(vramSafetyMarginMb)
                .vlmSizeOverheadPercent(vlmSizeOverheadPercent).ollamaWatchIntervalMs(ollamaWatchIntervalMs)
                .contentionEvictions(contentionEvictions).contentionWindowSeconds(contentionWindowSeconds)
                .vlmLeaseSeconds(vlmLeaseSeconds).vlmOptionsJson(vlmOptionsJson).metricsListen(metricsListen)
                .metricsBearerTokenFile(metricsBearerTokenFile).metricsTextfilePath(metricsTextfilePath)
                .restoreModeAfterCleanStop(restoreModeAfterCleanStop);
    }

    public Duration contentionWindow() {
        return Duration.ofSeconds(contentionWindowSeconds);
    }

    /** The finite keep-alive the VLM is held with, renewed while the manager runs. */
    public Duration vlmLease() {
        return Duration.ofSeconds(vlmLeaseSeconds);
    }

    public Duration ollamaWatchInterval() {
        return Duration.ofMillis(ollamaWatchIntervalMs);
    }

    /** The runner options for every VLM load and proxied VLM request; empty when none are set. */
    public java.util.Map<String, Object> vlmOptions() {
        return vlmOptionsJson.asMap();
    }

    public Duration idleTimeout() {
        return Duration.ofSeconds(idleTimeoutSeconds);
    }

    public Duration loadTimeout() {
        return Duration.ofSeconds(loadTimeoutSeconds);
    }

    public Duration unloadTimeout() {
        return Duration.ofSeconds(unloadTimeoutSeconds);
    }

    public Duration pollInterval() {
        return Duration.ofMillis(pollIntervalMs);
    }

    public Duration ollamaRetryInterval() {
        return Duration.ofSeconds(ollamaRetrySeconds);
    }

    /** Fluent builder starting from the defaults in {@link ConfigKey}. */
    public static final class Builder {
        private String ollamaEndpoint = (String) ConfigKey.OLLAMA_ENDPOINT.defaultValue();
        private String vlmModel = (String) ConfigKey.VLM_MODEL.defaultValue();
        private String clipModel = (String) ConfigKey.CLIP_MODEL.defaultValue();
        private String clipModelPath = (String) ConfigKey.CLIP_MODEL_PATH.defaultValue();
        private String libtorchPath = (String) ConfigKey.LIBTORCH_PATH.defaultValue();
        private int idleTimeoutSeconds = (int) ConfigKey.IDLE_TIMEOUT_SECONDS.defaultValue();
        private int vramThresholdForClipGpuMb = (int) ConfigKey.VRAM_THRESHOLD_FOR_CLIP_GPU_MB.defaultValue();
        private int maxLoadRetries = (int) ConfigKey.MAX_LOAD_RETRIES.defaultValue();
        private int loadTimeoutSeconds = (int) ConfigKey.LOAD_TIMEOUT_SECONDS.defaultValue();
        private int unloadTimeoutSeconds = (int) ConfigKey.UNLOAD_TIMEOUT_SECONDS.defaultValue();
        private String nvmlLibraryPath = (String) ConfigKey.NVML_LIBRARY_PATH.defaultValue();
        private String nvidiaSmiPath = (String) ConfigKey.NVIDIA_SMI_PATH.defaultValue();
        private int pollIntervalMs = (int) ConfigKey.POLL_INTERVAL_MS.defaultValue();
        private int gpuIndex = (int) ConfigKey.GPU_INDEX.defaultValue();
        private int vramChangeThresholdMb = (int) ConfigKey.VRAM_CHANGE_THRESHOLD_MB.defaultValue();
        private int ollamaRetrySeconds = (int) ConfigKey.OLLAMA_RETRY_SECONDS.defaultValue();
        private int apiPort = (int) ConfigKey.API_PORT.defaultValue();
        private int proxyPort = (int) ConfigKey.PROXY_PORT.defaultValue();
        private boolean autopilotBlocksVlm = (boolean) ConfigKey.AUTOPILOT_BLOCKS_VLM.defaultValue();
        private int vramSafetyMarginMb = (int) ConfigKey.VRAM_SAFETY_MARGIN_MB.defaultValue();
        private int vlmSizeOverheadPercent = (int) ConfigKey.VLM_SIZE_OVERHEAD_PERCENT.defaultValue();
        private int ollamaWatchIntervalMs = (int) ConfigKey.OLLAMA_WATCH_INTERVAL_MS.defaultValue();
        private int contentionEvictions = (int) ConfigKey.CONTENTION_EVICTIONS.defaultValue();
        private int contentionWindowSeconds = (int) ConfigKey.CONTENTION_WINDOW_SECONDS.defaultValue();
        private int vlmLeaseSeconds = (int) ConfigKey.VLM_LEASE_SECONDS.defaultValue();
        private JsonObjectText vlmOptionsJson = (JsonObjectText) ConfigKey.VLM_OPTIONS.defaultValue();
        private String metricsListen = (String) ConfigKey.METRICS_LISTEN.defaultValue();
        private String metricsBearerTokenFile = (String) ConfigKey.METRICS_BEARER_TOKEN_FILE.defaultValue();
        private String metricsTextfilePath = (String) ConfigKey.METRICS_TEXTFILE_PATH.defaultValue();
        private boolean restoreModeAfterCleanStop = (boolean) ConfigKey.RESTORE_MODE_AFTER_CLEAN_STOP.defaultValue();

        private Builder() {
        }

        public Builder ollamaEndpoint(String v) { this.ollamaEndpoint = v; return this; }
        public Builder vlmModel(String v) { this.vlmModel = v; return this; }
        public Builder clipModel(String v) { this.clipModel = v; return this; }
        public Builder clipModelPath(String v) { this.clipModelPath = v; return this; }
        public Builder libtorchPath(String v) { this.libtorchPath = v; return this; }
        public Builder idleTimeoutSeconds(int v) { this.idleTimeoutSeconds = v; return this; }
        public Builder vramThresholdForClipGpuMb(int v) { this.vramThresholdForClipGpuMb = v; return this; }
        public Builder maxLoadRetries(int v) { this.maxLoadRetries = v; return this; }
        public Builder loadTimeoutSeconds(int v) { this.loadTimeoutSeconds = v; return this; }
        public Builder unloadTimeoutSeconds(int v) { this.unloadTimeoutSeconds = v; return this; }
        public Builder nvmlLibraryPath(String v) { this.nvmlLibraryPath = v; return this; }
        public Builder nvidiaSmiPath(String v) { this.nvidiaSmiPath = v; return this; }
        public Builder pollIntervalMs(int v) { this.pollIntervalMs = v; return this; }
        public Builder gpuIndex(int v) { this.gpuIndex = v; return this; }
        public Builder vramChangeThresholdMb(int v) { this.vramChangeThresholdMb = v; return this; }
        public Builder ollamaRetrySeconds(int v) { this.ollamaRetrySeconds = v; return this; }
        public Builder apiPort(int v) { this.apiPort = v; return this; }
        public Builder proxyPort(int v) { this.proxyPort = v; return this; }
        public Builder autopilotBlocksVlm(boolean v) { this.autopilotBlocksVlm = v; return this; }
        public Builder vramSafetyMarginMb(int v) { this.vramSafetyMarginMb = v; return this; }
        public Builder vlmSizeOverheadPercent(int v) { this.vlmSizeOverheadPercent = v; return this; }
        public Builder ollamaWatchIntervalMs(int v) { this.ollamaWatchIntervalMs = v; return this; }
        public Builder contentionEvictions(int v) { this.contentionEvictions = v; return this; }
        public Builder contentionWindowSeconds(int v) { this.contentionWindowSeconds = v; return this; }
        public Builder vlmLeaseSeconds(int v) { this.vlmLeaseSeconds = v; return this; }
        public Builder vlmOptionsJson(JsonObjectText v) { this.vlmOptionsJson = v; return this; }
        public Builder metricsListen(String v) { this.metricsListen = v; return this; }
        public Builder metricsBearerTokenFile(String v) { this.metricsBearerTokenFile = v; return this; }
        public Builder metricsTextfilePath(String v) { this.metricsTextfilePath = v; return this; }
        public Builder restoreModeAfterCleanStop(boolean v) { this.restoreModeAfterCleanStop = v; return this; }

        /** Sets one key from an already type-checked value (used by the JSON codec). */
        public Builder set(ConfigKey key, Object value) {
            switch (key) {
                case OLLAMA_ENDPOINT -> ollamaEndpoint((String) value);
                case VLM_MODEL -> vlmModel((String) value);
                case CLIP_MODEL -> clipModel((String) value);
                case CLIP_MODEL_PATH -> clipModelPath((String) value);
                case LIBTORCH_PATH -> libtorchPath((String) value);
                case IDLE_TIMEOUT_SECONDS -> idleTimeoutSeconds((Integer) value);
                case VRAM_THRESHOLD_FOR_CLIP_GPU_MB -> vramThresholdForClipGpuMb((Integer) value);
                case MAX_LOAD_RETRIES -> maxLoadRetries((Integer) value);
                case LOAD_TIMEOUT_SECONDS -> loadTimeoutSeconds((Integer) value);
                case UNLOAD_TIMEOUT_SECONDS -> unloadTimeoutSeconds((Integer) value);
                case NVML_LIBRARY_PATH -> nvmlLibraryPath((String) value);
                case NVIDIA_SMI_PATH -> nvidiaSmiPath((String) value);
                case POLL_INTERVAL_MS -> pollIntervalMs((Integer) value);
                case GPU_INDEX -> gpuIndex((Integer) value);
                case VRAM_CHANGE_THRESHOLD_MB -> vramChangeThresholdMb((Integer) value);
                case OLLAMA_RETRY_SECONDS -> ollamaRetrySeconds((Integer) value);
                case API_PORT -> apiPort((Integer) value);
                case PROXY_PORT -> proxyPort((Integer) value);
                case AUTOPILOT_BLOCKS_VLM -> autopilotBlocksVlm((Boolean) value);
                case VRAM_SAFETY_MARGIN_MB -> vramSafetyMarginMb((Integer) value);
                case VLM_SIZE_OVERHEAD_PERCENT -> vlmSizeOverheadPercent((Integer) value);
                case OLLAMA_WATCH_INTERVAL_MS -> ollamaWatchIntervalMs((Integer) value);
                case CONTENTION_EVICTIONS -> contentionEvictions((Integer) value);
                case CONTENTION_WINDOW_SECONDS -> contentionWindowSeconds((Integer) value);
                case VLM_LEASE_SECONDS -> vlmLeaseSeconds((Integer) value);
                case VLM_OPTIONS -> vlmOptionsJson((JsonObjectText) value);
                case METRICS_LISTEN -> metricsListen((String) value);
                case METRICS_BEARER_TOKEN_FILE -> metricsBearerTokenFile((String) value);
                case METRICS_TEXTFILE_PATH -> metricsTextfilePath((String) value);
                case RESTORE_MODE_AFTER_CLEAN_STOP -> restoreModeAfterCleanStop((Boolean) value);
            }
            return this;
        }

        public GpuResourceConfig build() {
            return new GpuResourceConfig(ollamaEndpoint, vlmModel, clipModel, clipModelPath, libtorchPath, idleTimeoutSeconds,
                    vramThresholdForClipGpuMb, maxLoadRetries, loadTimeoutSeconds, unloadTimeoutSeconds,
                    nvmlLibraryPath, nvidiaSmiPath, pollIntervalMs, gpuIndex, vramChangeThresholdMb,
                    ollamaRetrySeconds, apiPort, proxyPort, autopilotBlocksVlm, vramSafetyMarginMb, vlmSizeOverheadPercent,
                    ollamaWatchIntervalMs, contentionEvictions, contentionWindowSeconds, vlmLeaseSeconds, vlmOptionsJson, metricsListen, metricsBearerTokenFile, metricsTextfilePath,
                    restoreModeAfterCleanStop);
        }
    }
}
