package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.clip.ClipException;
import com.rpavision.gpurm.core.events.Subscription;
import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.IdleUnloadEvent;
import com.rpavision.gpurm.core.model.ModeChangedEvent;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.core.model.VramInfo;

import com.rpavision.gpurm.core.config.ConfigKey;
import com.rpavision.gpurm.core.config.GpuResourceConfig;

import java.awt.image.BufferedImage;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * Orchestrates VRAM between the Ollama VLM and CLIP. One instance per process, built in one place.
 *
 * <p>Threading: every model operation (load, unload, CLIP move, mode orchestration, idle unload) runs on one
 * internal queue, one at a time. Queries ({@code get*}, {@code is*}) never block, except {@link #isVlmLoaded} on a
 * stale view of Ollama. The blocking methods
 * ({@link #ensureVlmLoaded}, {@link #ensureVlmUnloaded}, {@link #migrateClip}, {@link #acquireVlm}) wait for
 * their queued operation and may be called from any thread except a listener running on that queue; each has
 * an asynchronous twin returning a future for UI threads that must not block.
 */
public interface GpuResourceManager extends AutoCloseable {

    // ---- lifecycle

    /** Starts VRAM polling and the maintenance tick (idle timer, Ollama availability). */
    void start();

    /** Stops everything; a loaded VLM gets its idle timer handed back to Ollama. Idempotent. */
    void shutdown();

    @Override
    default void close() {
        shutdown();
    }

    /** The configuration keys {@link #applyLive} can change while the manager runs; the rest need a restart. */
    Set<ConfigKey> LIVE_KEYS = Collections.unmodifiableSet(EnumSet.of(ConfigKey.IDLE_TIMEOUT_SECONDS, ConfigKey.OLLAMA_RETRY_SECONDS));

    /**
     * Takes the values of {@link #LIVE_KEYS} from {@code updated} at once (an idle timeout counts from the
     * VLM's last use, as before) and ignores the other keys.
     *
     * @return the keys whose value changed now
     */
    Set<ConfigKey> applyLive(GpuResourceConfig updated);

    /** Checks Ollama's availability now rather than at the next retry (the panel's "retry now"). */
    CompletableFuture<Void> retryNow();

    /**
     * Has Ollama pull the configured VLM from its registry ({@code /api/pull}), telling {@code progress} as it
     * downloads; an ask while a pull runs joins it. Once pulled, a "not pulled" error is over, and in RECORDING the
     * VLM loads. Fails with Ollama's reason (no such model, no network on Ollama's side).
     */
    CompletableFuture<Void> pullVlm(java.util.function.Consumer<com.rpavision.gpurm.core.model.PullProgress> progress);

    // ---- modes

    /**
     * Switches mode at once (getExecutionMode returns it immediately) and queues the orchestration: AUTOPILOT
     * unloads the VLM then moves CLIP to the GPU when enough VRAM is free; RECORDING moves CLIP to the CPU, then
     * loads the VLM; IDLE leaves the models to the idle timer. Switching to the current mode re-applies it.
     *
     * @return completes with the status once the orchestration ran (or was superseded by a later switch)
     */
    CompletableFuture<GpuResourceStatus> setExecutionMode(ExecutionMode mode);

    /**
     * As {@link #setExecutionMode}, for the mode the operator had chosen when the manager last ran, taken up again
     * at start; its {@code mode_changed} event says so ({@code restored}: {@code unexpected_stop} or
     * {@code clean_stop}).
     */
    CompletableFuture<GpuResourceStatus> restoreExecutionMode(ExecutionMode target, String restored);

    ExecutionMode getExecutionMode();

    // ---- VLM

    /** Blocks until the VLM is loaded (true) or cannot be (false). Counts as a VLM request. Property 10. */
    boolean ensureVlmLoaded();

    /** Blocks until the VLM is gone from Ollama (true) or cannot be unloaded (false). Property 11. */
    boolean ensureVlmUnloaded();

    CompletableFuture<Boolean> loadVlmAsync();

    CompletableFuture<Boolean> unloadVlmAsync();

    /**
     * The operator's "Cancel load": gives up the VLM load under way, as a switch away from RECORDING does (Ollama's
     * request is cancelled; should Ollama finish it anyway, it is unloaded). In RECORDING the VLM then stays
     * unloaded until a load is asked for again. Any thread; does not wait for the queue.
     *
     * @return whether a load was running to be cancelled
     */
    boolean cancelVlmLoad();

    /**
     * Loads the VLM if needed and holds it for one request (Property 9); close the lease when the request ends.
     */
    default VlmLease acquireVlm() throws VlmUnavailableException {
        return acquireVlm(VlmRequest.UNNAMED);
    }

    /**
     * As {@link #acquireVlm()}, for a request that says who asks and with which runner options: should Ollama reload
     * the VLM at another size for it, the drift names that client.
     */
    VlmLease acquireVlm(VlmRequest request) throws VlmUnavailableException;

    /**
     * As {@link #acquireVlm(VlmRequest)}, but only when that would not wait: the VLM is loaded and no operation that
     * may unload it is pending. Never blocks (a proxy's event loop may call it); empty means call
     * {@link #acquireVlm(VlmRequest)} from a thread that may wait.
     */
    default java.util.Optional<VlmLease> tryAcquireVlmNow(VlmRequest request) {
        return java.util.Optional.empty();
    }

    /**
     * Whether Ollama serves the VLM. Answers from the manager's view when Ollama confirmed it within the watch
     * interval; otherwise asks Ollama first ({@code /api/ps}, bounded by the quick timeout), so it never answers
     * from a stale belief.
     */
    boolean isVlmLoaded();

    /**
     * Takes the VLM's keep-alive back (forever, the manager's idle timer decides) once a request that Ollama
     * gave its own timer has ended, e.g. a proxied {@code /v1/*} request; on the model queue, and only while the
     * VLM is loaded.
     *
     * @return completes with whether the request was sent and answered
     */
    CompletableFuture<Boolean> reassertVlmKeepAlive();

    /**
     * The finite keep-alive the VLM is held with ({@code vlm_lease_seconds}): the proxy gives it to every VLM request
     * on Ollama's own paths, so no request through the manager pins the VLM beyond one lease.
     */
    java.time.Duration vlmLease();

    /**
     * Every model Ollama holds now ({@code /api/ps}), the VLM included; blocking, bounded by the quick timeout.
     *
     * @throws com.rpavision.gpurm.core.ollama.OllamaException when Ollama cannot be asked
     */
    List<com.rpavision.gpurm.core.ollama.RunningModel> ollamaModels() throws com.rpavision.gpurm.core.ollama.OllamaException;

    /** Whether {@code model} names the configured VLM (with or without {@code :latest}). */
    boolean isVlm(String model);

    /** Unloads a model Ollama holds besides the VLM, on the model queue; the VLM itself is refused. */
    CompletableFuture<OtherModelUnload> unloadOllamaModel(String model);

    /** Unloads every model Ollama holds except the VLM: room for recording. */
    CompletableFuture<List<OtherModelUnload>> unloadOtherOllamaModels();

    /**
     * "Free the GPU for recording", the operator taking the GPU back in one click: every other model Ollama holds
     * is unloaded (the one contending for the GPU first of all), the contention ends, and the manager switches to
     * RECORDING with its VLM loaded.
     *
     * @return completes with what was unloaded and the status once RECORDING's load has been tried
     */
    CompletableFuture<GpuTakeBack> freeGpuForRecording();

    ModelState getVlmState();

    // ---- CLIP

    /** "cpu" or "cuda", nothing else (Property 12). */
    String getClipDevice();

    /** Blocks until CLIP is on {@code device} or the move was refused, with the reason. */
    MigrationResult migrateClip(ClipDevice device);

    CompletableFuture<MigrationResult> migrateClipAsync(ClipDevice device);

    default boolean migrateClipToGpu() {
        return migrateClip(ClipDevice.CUDA).ok();
    }

    default boolean migrateClipToCpu() {
        return migrateClip(ClipDevice.CPU).ok();
    }

    /** An L2-normalized CLIP embedding, never computed while CLIP is moving (Property 7). */
    float[] embed(BufferedImage image) throws ClipException;

    /** Embeddings of a batch, in order; one inference for all of them. */
    float[][] embed(List<BufferedImage> images) throws ClipException;

    // ---- monitoring

    /** A consistent snapshot; never blocks on the driver or on Ollama (Property 5). */
    GpuResourceStatus getStatus();

    /** How many times each kind of outside change was observed since start (for /metrics). */
    java.util.Map<com.rpavision.gpurm.core.model.DriftCause, Long> driftCounts();

    /** The conditions in force now; empty when each mode's desired state holds or is being worked on. */
    Set<com.rpavision.gpurm.core.model.Condition> activeConditions();

    /** The managed GPU's latest VRAM figures, or {@link VramInfo#none()} without a GPU. */
    VramInfo getVramUsage();

    // ---- events (listeners run on the thread that made the change; keep them short)

    Subscription onResourceChanged(Consumer<ResourceChangedEvent> listener);

    /** The most recent events (at most 500), oldest first, for views that open after they happened. */
    List<ResourceChangedEvent> recentEvents();

    Subscription onModeChanged(Consumer<ModeChangedEvent> listener);

    Subscription onIdleUnload(Consumer<IdleUnloadEvent> listener);
}
