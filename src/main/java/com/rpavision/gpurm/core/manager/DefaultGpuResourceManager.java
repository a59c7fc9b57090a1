package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.clip.ClipEngine;
import com.rpavision.gpurm.core.clip.ClipException;
import com.rpavision.gpurm.core.concurrent.Sleeper;
import com.rpavision.gpurm.core.concurrent.Threads;
import com.rpavision.gpurm.core.config.ConfigKey;
import com.rpavision.gpurm.core.config.GpuResourceConfig;
import com.rpavision.gpurm.core.events.Listeners;
import com.rpavision.gpurm.core.events.Subscription;
import com.rpavision.gpurm.core.gpu.GpuSample;
import com.rpavision.gpurm.core.gpu.VramMonitor;
import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.ClipStatus;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.IdleUnloadEvent;
import com.rpavision.gpurm.core.model.ModeChangedEvent;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.Reason;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.core.model.VramInfo;
import com.rpavision.gpurm.core.ollama.OllamaClient;
import com.rpavision.gpurm.core.ollama.OllamaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.image.BufferedImage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Set;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** The manager: mode orchestration, idle timer and degraded mode over one operation queue. */
public final class DefaultGpuResourceManager implements GpuResourceManager {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultGpuResourceManager.class);
    private static final Duration TICK = Duration.ofSeconds(1);
    private static final Duration CLIP_RETRY_AFTER_FAILURE = Duration.ofSeconds(30);

    private final GpuResourceConfig config;
    private final OllamaClient ollama;
    private final VramMonitor vram;
    private final Clock clock;
    private final ModelOperationQueue queue;
    private static final int RECENT_EVENTS = 500;

    private final Listeners<ResourceChangedEvent> resourceListeners = new Listeners<>();
    private final java.util.Deque<ResourceChangedEvent> recent = new java.util.ArrayDeque<>();
    private final Listeners<ModeChangedEvent> modeListeners = new Listeners<>();
    private final Listeners<IdleUnloadEvent> idleListeners = new Listeners<>();
    private final EventEmitter events;
    private final OllamaAvailability availability;
    private final VlmController vlm;
    private final ClipController clip;

    private final AtomicReference<ExecutionMode> mode = new AtomicReference<>(ExecutionMode.IDLE);
    private final AtomicLong modeGeneration = new AtomicLong();
    private final AtomicInteger vlmRequestsInFlight = new AtomicInteger();
    private final AtomicReference<CompletableFuture<Void>> pendingMaintenance = new AtomicReference<>();
    private final AtomicBoolean shutDown = new AtomicBoolean();
    private volatile Instant lastVlmRequest;
    private volatile Duration idleTimeout;
    private volatile Duration ollamaRetryInterval;
    private volatile Instant nextOllamaCheck = Instant.MIN;
    private volatile Instant clipGpuRetryNotBefore = Instant.MIN;
    private ScheduledExecutorService monitoring;
    private Subscription vramSubscription;
    private final VlmPreflight preflight;
    private final OtherModels otherModels;

    private DefaultGpuResourceManager(Builder b) {
        this.config = b.config;
        this.ollama = b.ollama;
        this.vram = b.vram;
        this.clock = b.clock;
        this.idleTimeout = config.idleTimeout();
        this.ollamaRetryInterval = config.ollamaRetryInterval();
        this.queue = new ModelOperationQueue(Threads.modelOperations());
        this.events = new EventEmitter(clock, resourceListeners);
        resourceListeners.add(this::remember);
        this.availability = new OllamaAvailability(events);
        this.vlm = new VlmController(config, ollama, availability, vram, clock, b.sleeper, events, b.modelSizes);
        this.preflight = new VlmPreflight(ollama, b.modelSizes, config);
        this.otherModels = new OtherModels(config, ollama, vram, clock, b.sleeper, events);
        this.clip = new ClipController(b.clip, vram, config.vramThresholdForClipGpuMb(), events);
        this.vramSubscription = vram.onVramChanged(change -> events.emit(EventType.VRAM_CHANGED,
                "gpu_index", change.after().index(), "used_mb", change.after().usedMb(),
                "free_mb", change.after().freeMb(), "delta_mb", change.deltaMb()));
        vram.sample(); // the status has figures from the start, and VRAM changes a baseline
    }

    public static Builder builder(GpuResourceConfig config) {
        return new Builder(config);
    }

    // ---------------------------------------------------------------- lifecycle

    @Override
    public synchronized void start() {
        if (monitoring != null) {
            return;
        }
        vram.unavailableReason().ifPresent(reason -> events.emit(EventType.DEGRADED_ON, "reason", reason,
                "reason_code", Reason.Code.NO_GPU.name(), "reason_args", List.of(reason), "component", "gpu"));
        clip.startInBackground();
        monitoring = Threads.monitoring();
        vram.start(monitoring, config.pollInterval());
        monitoring.scheduleWithFixedDelay(this::tickQuietly, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void tickQuietly() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("Maintenance tick failed: {}", e.toString(), e);
        }
    }

    @Override
    public void shutdown() {
        if (!shutDown.compareAndSet(false, true)) {
            return;
        }
        synchronized (this) {
            if (monitoring != null) {
                vram.stop();
                monitoring.shutdownNow();
            }
        }
        vramSubscription.close();
        queue.submit("hand idle timer back", () -> {
            vlm.handIdleTimerBack(idleTimeout);
            return null;
        });
        queue.shutdown(config.unloadTimeout().toMillis() + 5_000);
        clip.close();
        ollama.close();
        vram.probe().close();
        LOG.info("GPU resource manager stopped");
    }

    // ---------------------------------------------------------------- modes

    @Override
    public CompletableFuture<GpuResourceStatus> setExecutionMode(ExecutionMode target) {
        Objects.requireNonNull(target, "mode");
        ExecutionMode previous = mode.getAndSet(target);
        long generation = modeGeneration.incrementAndGet();
        if (previous != target) {
            LOG.info("Mode {} -> {}", previous, target);
            events.emit(EventType.MODE_CHANGED, "from", previous.wireName(), "to", target.wireName());
            modeListeners.fire(new ModeChangedEvent(clock.instant(), previous, target));
        }
        return queue.submit("switch to " + target.wireName(), () -> {
            if (modeGeneration.get() == generation) {
                orchestrate(target);
            }
            return getStatus();
        });
    }

    private void orchestrate(ExecutionMode target) throws InterruptedException {
        switch (target) {
            case AUTOPILOT -> {
                vlm.unload("autopilot");
                moveClipToGpuIfRoom("autopilot");
            }
            case RECORDING -> {
                clip.migrate(ClipDevice.CPU, "recording");
                loadVlm("recording");
            }
            case IDLE -> { /* the idle timer decides */ }
        }
    }

    @Override
    public ExecutionMode getExecutionMode() {
        return mode.get();
    }

    // ---------------------------------------------------------------- VLM

    /**
     * Property 6: CLIP leaves the GPU before any VLM load. Before that, the preflight: a load that cannot fit even
     * with CLIP moved off is not sent, and CLIP stays where it is.
     */
    private boolean loadVlm(String why) throws InterruptedException {
        if (vlm.state() != ModelState.LOADED && vlm.ollamaReachable()) {
            long clipMb = clip.device() == ClipDevice.CUDA ? clipGpuMb(vram.latest()) : 0;
            if (clip.device() == ClipDevice.CUDA && clipMb == 0) {
                // what CLIP holds is not known: move it first, then judge on what NVML shows
                clip.migrate(ClipDevice.CPU, "make room for the VLM");
            }
            java.util.Optional<Reason> refusal = preflight.check(vlm.model(), vram.sampleWithProcesses(), vram.managedIndex(),
                    clip.device() == ClipDevice.CUDA ? clipMb : 0, ProcessHandle.current().pid());
            if (refusal.isPresent()) {
                vlm.refuse(refusal.get(), why);
                return false;
            }
            if (clip.device() == ClipDevice.CUDA) {
                clip.migrate(ClipDevice.CPU, "make room for the VLM");
            }
        }
        return vlm.load(why);
    }

    private long clipGpuMb(GpuSample sample) {
        Long reported = ownVramMb(sample);
        return reported != null ? reported : clip.measuredGpuMb();
    }

    @Override
    public boolean ensureVlmLoaded() {
        markVlmRequest();
        return await(loadVlmAsync(), false);
    }

    @Override
    public boolean ensureVlmUnloaded() {
        return await(unloadVlmAsync(), false);
    }

    @Override
    public CompletableFuture<Boolean> loadVlmAsync() {
        return queue.submit("load VLM", () -> loadVlm("requested"));
    }

    @Override
    public CompletableFuture<Boolean> unloadVlmAsync() {
        return queue.submit("unload VLM", () -> vlm.unload("requested"));
    }

    @Override
    public List<com.rpavision.gpurm.core.ollama.RunningModel> ollamaModels() throws com.rpavision.gpurm.core.ollama.OllamaException {
        return otherModels.all();
    }

    @Override
    public boolean isVlm(String model) {
        return otherModels.isVlm(model);
    }

    @Override
    public CompletableFuture<OtherModelUnload> unloadOllamaModel(String model) {
        return queue.submit("unload " + model, () -> otherModels.unload(model));
    }

    @Override
    public CompletableFuture<List<OtherModelUnload>> unloadOtherOllamaModels() {
        return queue.submit("unload the other models", () -> {
            List<OtherModelUnload> results = new java.util.ArrayList<>();
            for (com.rpavision.gpurm.core.ollama.RunningModel m : otherModels.all()) {
                if (!otherModels.isVlm(m.name())) {
                    results.add(otherModels.unload(m.name()));
                }
            }
            return results;
        });
    }

    @Override
    public VlmLease acquireVlm() throws VlmUnavailableException {
        vlmRequestsInFlight.incrementAndGet();
        markVlmRequest();
        boolean loaded = await(queue.submit("load VLM on demand", () -> loadVlm("on demand")), false);
        if (!loaded) {
            vlmRequestsInFlight.decrementAndGet();
            throw new VlmUnavailableException(vlmUnavailableReason());
        }
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                markVlmRequest();
                vlmRequestsInFlight.decrementAndGet();
            }
        };
    }

    private String vlmUnavailableReason() {
        if (availability.isDown()) {
            return availability.downReason();
        }
        String reason = vlm.errorReason();
        return reason != null ? reason : "VLM " + vlm.model() + " could not be loaded; see the log.";
    }

    private void markVlmRequest() {
        lastVlmRequest = clock.instant();
        vlm.touch();
    }

    @Override
    public boolean isVlmLoaded() {
        return vlm.state() == ModelState.LOADED;
    }

    @Override
    public CompletableFuture<Boolean> reassertVlmKeepAlive() {
        return queue.submit("take the VLM's keep-alive back", vlm::reassertKeepAlive);
    }

    @Override
    public ModelState getVlmState() {
        return vlm.state();
    }

    // ---------------------------------------------------------------- CLIP

    @Override
    public String getClipDevice() {
        return clip.device().wireName();
    }

    @Override
    public MigrationResult migrateClip(ClipDevice device) {
        ClipDevice before = clip.device();
        return await(migrateClipAsync(device), new MigrationResult(false, before, "interrupted"));
    }

    @Override
    public CompletableFuture<MigrationResult> migrateClipAsync(ClipDevice device) {
        return queue.submit("move CLIP to " + device.wireName(), () -> clip.migrate(device, "requested"));
    }

    private void moveClipToGpuIfRoom(String why) {
        if (clip.device() == ClipDevice.CUDA || !clip.gpuMoveConceivable() || !clip.enoughVramForGpu()) {
            return;
        }
        if (!clip.migrate(ClipDevice.CUDA, why).ok()) {
            clipGpuRetryNotBefore = clock.instant().plus(CLIP_RETRY_AFTER_FAILURE);
        }
    }

    @Override
    public float[] embed(BufferedImage image) throws ClipException {
        return clip.embed(List.of(image))[0];
    }

    @Override
    public float[][] embed(List<BufferedImage> images) throws ClipException {
        return clip.embed(images);
    }

    // ---------------------------------------------------------------- maintenance

    /**
     * One maintenance round: checks Ollama when due (on the caller's thread), then queues the idle timer and
     * the autopilot CLIP placement. At most one round waits in the queue at a time. Public for tests, which
     * drive time with a fake clock instead of sleeping.
     */
    public CompletableFuture<Void> tick() {
        checkOllamaIfDue();
        CompletableFuture<Void> fresh = new CompletableFuture<>();
        CompletableFuture<Void> existing = pendingMaintenance.compareAndExchange(null, fresh);
        if (existing != null) {
            return existing;
        }
        queue.submit("maintenance", () -> {
            pendingMaintenance.set(null);
            maintain();
            return null;
        }).whenComplete((ok, failure) -> {
            if (failure != null) {
                fresh.completeExceptionally(failure);
            } else {
                fresh.complete(null);
            }
        });
        return fresh;
    }

    @Override
    public Set<ConfigKey> applyLive(GpuResourceConfig updated) {
        Set<ConfigKey> changed = EnumSet.noneOf(ConfigKey.class);
        if (!updated.idleTimeout().equals(idleTimeout)) {
            idleTimeout = updated.idleTimeout();
            changed.add(ConfigKey.IDLE_TIMEOUT_SECONDS);
        }
        if (!updated.ollamaRetryInterval().equals(ollamaRetryInterval)) {
            ollamaRetryInterval = updated.ollamaRetryInterval();
            nextOllamaCheck = Instant.MIN; // the new rhythm starts with a check now
            changed.add(ConfigKey.OLLAMA_RETRY_SECONDS);
        }
        if (!changed.isEmpty()) {
            LOG.info("Applied while running: idle timeout {} s, Ollama check every {} s", idleTimeout.toSeconds(),
                    ollamaRetryInterval.toSeconds());
        }
        return changed;
    }

    @Override
    public CompletableFuture<Void> retryNow() {
        nextOllamaCheck = Instant.MIN;
        return tick();
    }

    private void checkOllamaIfDue() {
        Instant now = clock.instant();
        if (now.isBefore(nextOllamaCheck)) {
            return;
        }
        nextOllamaCheck = now.plus(ollamaRetryInterval);
        try {
            availability.markUp(ollama.version());
        } catch (OllamaException e) {
            if (e.kind() == OllamaException.Kind.UNREACHABLE) {
                availability.markDown(vlm.reasonFor(e));
            }
        }
    }

    private void maintain() throws InterruptedException {
        if (availability.isDown()) {
            vlm.markUnknownWhileDown();
        } else if (availability.takeReconcileRequest()) {
            vlm.reconcile();
        }
        unloadIfIdle();
        if (mode.get() == ExecutionMode.AUTOPILOT && !clock.instant().isBefore(clipGpuRetryNotBefore)) {
            moveClipToGpuIfRoom("autopilot: VRAM available");
        }
    }

    private void unloadIfIdle() throws InterruptedException {
        Instant last = vlm.lastActivity();
        Duration timeout = idleTimeout;
        if (timeout.isZero() || vlm.state() != ModelState.LOADED
                || vlmRequestsInFlight.get() > 0 || last == null) {
            return;
        }
        Duration idle = Duration.between(last, clock.instant());
        if (idle.compareTo(timeout) < 0) {
            return;
        }
        LOG.info("VLM {} idle for {} s (timeout {} s): unloading", vlm.model(), idle.toSeconds(), timeout.toSeconds());
        if (vlm.unload("idle timeout")) {
            events.emit(EventType.IDLE_UNLOAD, "model", vlm.model(), "idle_seconds", idle.toSeconds());
            idleListeners.fire(new IdleUnloadEvent(clock.instant(), vlm.model(), idle));
        }
    }

    // ---------------------------------------------------------------- monitoring

    @Override
    public GpuResourceStatus getStatus() {
        GpuSample sample = vram.latest();
        ClipStatus clipStatus = clip.status();
        List<Reason> degraded = new ArrayList<>();
        if (availability.isDown()) {
            degraded.add(availability.downReasonWithCode());
        }
        vram.unavailableReason().ifPresentOrElse(
                reason -> degraded.add(Reason.of(Reason.Code.NO_GPU, reason, reason)),
                () -> {
                    if (sample.error() != null) {
                        degraded.add(Reason.of(Reason.Code.GPU_UNREADABLE, "Cannot read VRAM: " + sample.error(), sample.error()));
                    }
                });
        vramShort(sample, clipStatus).ifPresent(degraded::add);
        String degradedText = degraded.isEmpty() ? null
                : String.join(" ", degraded.stream().map(Reason::text).toList());
        return new GpuResourceStatus(mode.get(), vlm.state(), vlm.model(), clipStatus.device().wireName(),
                vram.managedGpu(), (int) idleTimeout.toSeconds(), lastVlmRequest, !degraded.isEmpty(),
                degradedText, vlm.errorReason(), clipStatus,
                sample.gpus(), sample.processes(), sample.processMemoryKnown(), vram.probe().name(),
                clipStatus.device() == ClipDevice.CUDA ? ownVramMb(sample) : null,
                vlm.state() == ModelState.LOADED && vlmRequestsInFlight.get() == 0 ? vlm.lastActivity() : null,
                degraded, vlm.errorReasonWithCode());
    }

    /**
     * The VLM is not loaded and would not fit: free VRAM, plus what moving CLIP to the CPU would give back, is
     * less than the size Ollama reported for it last time.
     */
    private java.util.Optional<Reason> vramShort(GpuSample sample, ClipStatus clipStatus) {
        long need = vlm.knownSizeMb();
        ModelState state = vlm.state();
        java.util.Optional<VramInfo> gpu = sample.gpu(vram.managedIndex());
        if (need == 0 || gpu.isEmpty() || (state != ModelState.UNLOADED && state != ModelState.ERROR)) {
            return java.util.Optional.empty();
        }
        long clipMb = clipStatus.device() == ClipDevice.CUDA ? clipGpuMb(sample) : 0;
        long available = preflight.availableMb(gpu.get().freeMb(), clipMb);
        if (available >= need) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(Reason.of(Reason.Code.VRAM_SHORT, "VRAM short: " + vlm.model() + " needs about "
                + need + " MB, " + available + " MB can be freed on " + gpu.get().gpuName()
                + ". Close other GPU programs or unload other models.", vlm.model(), need, available));
    }

    /** CLIP runs in this process: NVML's figure for our pid on the managed GPU is its VRAM. */
    private Long ownVramMb(GpuSample sample) {
        long self = ProcessHandle.current().pid();
        return sample.processes().stream()
                .filter(p -> p.pid() == self && p.gpuIndex() == vram.managedIndex() && p.usedMb().isPresent())
                .map(p -> p.usedMb().getAsLong()).findFirst().orElse(null);
    }

    @Override
    public java.util.Map<com.rpavision.gpurm.core.model.DriftCause, Long> driftCounts() {
        return java.util.Map.of(); // filled by the watcher (issue 11, in progress)
    }

    @Override
    public Set<com.rpavision.gpurm.core.model.Condition> activeConditions() {
        return Set.of(); // filled by the reconciler (issue 11, in progress)
    }

    @Override
    public VramInfo getVramUsage() {
        return vram.managedGpu();
    }

    // ---------------------------------------------------------------- events

    @Override
    public Subscription onResourceChanged(Consumer<ResourceChangedEvent> listener) {
        return resourceListeners.add(listener);
    }

    private void remember(ResourceChangedEvent event) {
        synchronized (recent) {
            recent.addLast(event);
            if (recent.size() > RECENT_EVENTS) {
                recent.removeFirst();
            }
        }
    }

    @Override
    public List<ResourceChangedEvent> recentEvents() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }

    @Override
    public Subscription onModeChanged(Consumer<ModeChangedEvent> listener) {
        return modeListeners.add(listener);
    }

    @Override
    public Subscription onIdleUnload(Consumer<IdleUnloadEvent> listener) {
        return idleListeners.add(listener);
    }

    // ---------------------------------------------------------------- helpers

    private <T> T await(CompletableFuture<T> future, T onInterrupt) {
        if (queue.isWorkerThread()) {
            throw new IllegalStateException("a blocking manager call from the operation queue would deadlock; use the async variant");
        }
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return onInterrupt;
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(cause);
        }
    }

    /** Collaborators of the manager; the app wires the real ones, tests their stand-ins. */
    public static final class Builder {
        private final GpuResourceConfig config;
        private OllamaClient ollama;
        private ClipEngine clip;
        private VramMonitor vram;
        private Clock clock = Clock.systemUTC();
        private Sleeper sleeper = Sleeper.SYSTEM;
        private ModelSizes modelSizes = ModelSizes.inMemory();

        private Builder(GpuResourceConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        public Builder ollama(OllamaClient ollama) { this.ollama = ollama; return this; }
        public Builder clip(ClipEngine clip) { this.clip = clip; return this; }
        public Builder vramMonitor(VramMonitor vram) { this.vram = vram; return this; }
        public Builder clock(Clock clock) { this.clock = clock; return this; }
        public Builder sleeper(Sleeper sleeper) { this.sleeper = sleeper; return this; }
        /** Where the VRAM each model took is remembered for the next preflight; in memory by default. */
        public Builder modelSizes(ModelSizes sizes) { this.modelSizes = Objects.requireNonNull(sizes); return this; }

        public DefaultGpuResourceManager build() {
            Objects.requireNonNull(ollama, "ollama");
            Objects.requireNonNull(clip, "clip");
            Objects.requireNonNull(vram, "vramMonitor");
            return new DefaultGpuResourceManager(this);
        }
    }
}
