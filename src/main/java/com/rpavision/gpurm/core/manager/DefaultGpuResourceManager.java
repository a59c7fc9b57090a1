package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.clip.ClipException;
import com.rpavision.gpurm.core.concurrent.Threads;
import com.rpavision.gpurm.core.config.ConfigKey;
import com.rpavision.gpurm.core.config.GpuResourceConfig;
import com.rpavision.gpurm.core.events.Listeners;
import com.rpavision.gpurm.core.events.Subscription;
import com.rpavision.gpurm.core.gpu.GpuSample;
import com.rpavision.gpurm.core.gpu.VramMonitor;
import com.rpavision.gpurm.core.model.ClipDevice;
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
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The manager: coordinates its parts over one operation queue. The mode and its switches are {@link ModeSwitch}'s,
 * what each mode wants of the models is {@code orchestrate}'s; requests lease the VLM through {@link VlmLeases},
 * which loads it with {@link VlmLoader}; the {@link MaintenanceRound} runs the idle timer and the reconcile rounds
 * that time makes due, the {@link OllamaWatcher}'s looks call for the others.
 */
public final class DefaultGpuResourceManager implements GpuResourceManager {

    private static final Logger LOG = LoggerFactory.getLogger(DefaultGpuResourceManager.class);
    private static final Duration TICK = Duration.ofSeconds(1);

    private final GpuResourceConfig config;
    private final OllamaClient ollama;
    private final VramMonitor vram;
    private final Clock clock;
    private final ModelOperationQueue queue;
    private final VlmPull pull;

    private final Listeners<ResourceChangedEvent> resourceListeners = new Listeners<>();
    private final RecentEvents recent = new RecentEvents();
    private final EventEmitter events;
    private final OllamaAvailability availability;
    private final VlmController vlm;
    private final ClipController clip;
    private final OtherModels otherModels;
    private final ConditionTracker conditions;
    private final StorageCondition storageCondition;
    private final DriftRecorder drifts;

    private final ModeSwitch modes;
    /** Requests for the VLM in flight, and the handshake that lets a loaded VLM's lease skip the queue. */
    private final VlmGate gate;
    private final VlmLeases leases;
    private final VlmLoader vlmLoader;
    private final ClipGpuPlacement clipPlacement;
    private final IdleUnload idleUnload;
    private final OllamaCheck ollamaCheck;
    private final MaintenanceRound maintenance;
    private final OllamaWatcher watcher;
    private final VlmBelief belief;
    private final Reconciler reconciler;
    private final GatedReconciler gatedReconciler;
    private final CoalescedOperation reconcileRound;
    private final StatusAssembler statusAssembler;

    private final AtomicBoolean shutDown = new AtomicBoolean();
    private ScheduledExecutorService monitoring;
    private ScheduledExecutorService watching;
    private final Subscription vramSubscription;

    DefaultGpuResourceManager(ManagerBuilder b) {
        this.config = b.config;
        this.ollama = b.ollama;
        this.vram = b.vram;
        this.clock = b.clock;
        this.queue = new ModelOperationQueue(Threads.modelOperations());
        this.pull = new VlmPull(b.ollama, Threads.pulls());
        this.gate = new VlmGate(b.gateSteps);
        this.events = new EventEmitter(clock, resourceListeners);
        resourceListeners.add(recent);
        this.availability = new OllamaAvailability(events);
        this.vlm = new VlmController(config, ollama, availability, vram, clock, b.sleeper, events, b.modelSizes);
        VlmPreflight preflight = new VlmPreflight(ollama, b.modelSizes, config);
        this.otherModels = new OtherModels(config, ollama, vram, clock, b.sleeper, events);
        this.clip = new ClipController(b.clip, vram, config.vramThresholdForClipGpuMb(), events);
        this.conditions = new ConditionTracker(events, config.contentionEvictions(), config.contentionWindow());
        this.storageCondition = new StorageCondition(b.storage, conditions);
        this.drifts = new DriftRecorder(events);
        this.modes = new ModeSwitch(queue, gate, vlm, events, clock, this::orchestrate, this::getStatus);
        this.idleUnload = new IdleUnload(vlm, gate, clock, events, config.idleTimeout());
        this.ollamaCheck = new OllamaCheck(ollama, availability, vlm, clock, config.ollamaRetryInterval());
        this.clipPlacement = new ClipGpuPlacement(clip, clock);
        this.watcher = new OllamaWatcher(ollama, clock, config.ollamaWatchInterval(), vlm::changes, new WatchListener());
        this.belief = new VlmBelief(vlm, watcher, clock);
        this.statusAssembler = new StatusAssembler(vram, clip, vlm, availability, preflight, conditions, drifts, watcher);
        this.reconciler = new Reconciler(config, ollama, vlm, clip, vram, watcher, conditions, drifts, clock, modes::current,
                new Reconciler.Actions() {
                    @Override
                    public boolean loadVlmForRecording(String why) throws InterruptedException {
                        return vlmLoader.keepLoadedForRecording(why);
                    }

                    @Override
                    public long clipGpuMb(GpuSample sample) {
                        return statusAssembler.clipGpuMb(sample);
                    }
                });
        this.gatedReconciler = new GatedReconciler(reconciler, gate);
        this.vlmLoader = new VlmLoader(vlm, clip, vram, preflight, statusAssembler, reconciler, gatedReconciler, clock,
                b.sleeper, modes::current, belief);
        this.leases = new VlmLeases(queue, gate, vlmLoader, vlm, reconciler, availability, config, clock, modes::current,
                shutDown::get, belief);
        this.maintenance = new MaintenanceRound(queue, availability, gate, vlm, reconciler, gatedReconciler, vram, conditions,
                idleUnload, clipPlacement, modes::current);
        this.reconcileRound = new CoalescedOperation(queue, "reconcile", () -> gatedReconciler.reconcile("Ollama changed"));
        this.vramSubscription = vram.onVramChanged(change -> events.emit(EventType.VRAM_CHANGED,
                "gpu_index", change.after().index(), "used_mb", change.after().usedMb(),
                "free_mb", change.after().freeMb(), "delta_mb", change.deltaMb()));
        vram.sample(); // the status has figures from the start, and VRAM changes a baseline
    }

    public static ManagerBuilder builder(GpuResourceConfig config) {
        return new ManagerBuilder(config);
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
        watching = Threads.ollamaWatch();
        watcher.start(watching);
    }

    /** What the watcher saw, turned into a reconcile round when it differs from what the manager expects. */
    private final class WatchListener implements OllamaWatcher.Listener {
        @Override
        public void seen(OllamaSnapshot snapshot, boolean changed) {
            reconciler.noted(snapshot);
            if (availability.isDown()) {
                ollamaCheck.checkNow(); // back: say so with its version, and reconcile at the next round
            }
            if (changed || reconciler.differs(snapshot)) {
                reconcileRound.request();
            }
        }

        @Override
        public void failed(OllamaException failure, int consecutiveFailures) {
            if (failure.kind() == OllamaException.Kind.UNREACHABLE && consecutiveFailures >= 2) {
                availability.markDown(vlm.reasonFor(failure));
            }
        }
    }

    /**
     * One look at Ollama now and the reconcile round it calls for, as the watcher does every interval. Public
     * for tests, which drive the watcher instead of waiting for it.
     */
    public CompletableFuture<Void> observeOllama() {
        watcher.look();
        return queue.submit("after a look at Ollama", () -> null);
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
                watching.shutdownNow();
            }
        }
        vramSubscription.close();
        storageCondition.close();
        vlm.cancellation().cancelForShutdown();
        queue.submit("hand idle timer back", () -> {
            vlm.handIdleTimerBack(idleUnload.timeout());
            return null;
        });
        queue.shutdown(config.unloadTimeout().toMillis() + 5_000);
        pull.close();
        clip.close();
        ollama.close();
        vram.probe().close();
        LOG.info("GPU resource manager stopped");
    }

    // ---------------------------------------------------------------- modes

    @Override
    public CompletableFuture<GpuResourceStatus> setExecutionMode(ExecutionMode target) {
        return modes.switchTo(target, null);
    }

    @Override
    public CompletableFuture<GpuResourceStatus> restoreExecutionMode(ExecutionMode target, String restored) {
        return modes.switchTo(target, Objects.requireNonNull(restored, "restored"));
    }

    private void orchestrate(ExecutionMode target) throws InterruptedException {
        switch (target) {
            case AUTOPILOT -> {
                vlm.unload("autopilot");
                clipPlacement.moveToGpuIfRoom("autopilot");
            }
            case RECORDING -> {
                conditions.clearContention(); // the operator asked again: try again
                clip.migrate(ClipDevice.CPU, "recording");
                vlmLoader.loadForRecording("recording");
            }
            case IDLE -> { /* the idle timer decides */ }
        }
        gatedReconciler.reconcile("switch to " + target.wireName());
    }

    @Override
    public ExecutionMode getExecutionMode() {
        return modes.current();
    }

    // ---------------------------------------------------------------- VLM

    @Override
    public boolean ensureVlmLoaded() {
        leases.markRequest();
        return queue.await(loadVlmAsync(), false);
    }

    @Override
    public boolean ensureVlmUnloaded() {
        return queue.await(unloadVlmAsync(), false);
    }

    @Override
    public CompletableFuture<Boolean> loadVlmAsync() {
        return queue.submit("load VLM", () -> vlmLoader.loadOnRequest("requested"));
    }

    @Override
    public CompletableFuture<Boolean> unloadVlmAsync() {
        VlmGate.Closed closed = gate.closeForChange(); // a request after this call waits for the unload, then reloads
        return queue.submit("unload VLM", () -> {
            try (closed) {
                return vlm.unload("requested");
            }
        }).whenComplete((unloaded, failure) -> closed.close());
    }

    @Override
    public boolean cancelVlmLoad() {
        boolean cancelled = vlm.cancellation().cancelByOperator();
        LOG.info(cancelled ? "VLM load cancelled by the operator" : "Cancel load: no VLM load was running");
        return cancelled;
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
        return queue.submit("unload the other models", otherModels::unloadAllButTheVlm);
    }

    @Override
    public CompletableFuture<GpuTakeBack> freeGpuForRecording() {
        LOG.info("Freeing the GPU for recording (operator)");
        return queue.submit("free the GPU for recording", () -> {
            conditions.clearContention();
            return otherModels.unloadAllForTheVlm();
        }).thenCompose(unloaded -> setExecutionMode(ExecutionMode.RECORDING)
                .thenApply(status -> new GpuTakeBack(unloaded, status)));
    }

    @Override
    public VlmLease acquireVlm(VlmRequest request) throws VlmUnavailableException {
        return leases.acquire(request);
    }

    @Override
    public Optional<VlmLease> tryAcquireVlmNow(VlmRequest request) {
        return leases.tryAcquireNow(request);
    }

    /** How many leases were granted without the queue (tests). */
    long leasesWithoutQueue() {
        return gate.passedCount();
    }

    @Override
    public boolean isVlmLoaded() {
        return belief.loaded();
    }

    @Override
    public CompletableFuture<Boolean> reassertVlmKeepAlive() {
        return queue.submit("renew the VLM's lease", vlm::renewLease);
    }

    @Override
    public Duration vlmLease() {
        return vlm.keepAlive().leaseLength();
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
        return queue.await(migrateClipAsync(device), new MigrationResult(false, before, "interrupted"));
    }

    @Override
    public CompletableFuture<MigrationResult> migrateClipAsync(ClipDevice device) {
        return queue.submit("move CLIP to " + device.wireName(), () -> clip.migrate(device, "requested"));
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
        ollamaCheck.checkIfDue();
        return maintenance.request();
    }

    @Override
    public Set<ConfigKey> applyLive(GpuResourceConfig updated) {
        Set<ConfigKey> changed = EnumSet.noneOf(ConfigKey.class);
        if (idleUnload.retime(updated.idleTimeout())) {
            changed.add(ConfigKey.IDLE_TIMEOUT_SECONDS);
        }
        if (ollamaCheck.reschedule(updated.ollamaRetryInterval())) {
            changed.add(ConfigKey.OLLAMA_RETRY_SECONDS);
        }
        if (!changed.isEmpty()) {
            LOG.info("Applied while running: idle timeout {} s, Ollama check every {} s", idleUnload.timeout().toSeconds(),
                    ollamaCheck.interval().toSeconds());
        }
        return changed;
    }

    @Override
    public CompletableFuture<Void> pullVlm(java.util.function.Consumer<com.rpavision.gpurm.core.model.PullProgress> progress) {
        return pull.start(vlm.model(), progress).thenCompose(pulled -> queue.submit("after the pull of " + vlm.model(), () -> {
            vlm.pulled();
            if (modes.current() == ExecutionMode.RECORDING) {
                vlmLoader.loadForRecording("pulled");
            }
            return null;
        }));
    }

    @Override
    public CompletableFuture<Void> retryNow() {
        ollamaCheck.dueNow();
        return tick();
    }

    // ---------------------------------------------------------------- monitoring

    @Override
    public GpuResourceStatus getStatus() {
        return statusAssembler.status(new StatusAssembler.ManagerFigures(modes.current(), (int) idleUnload.timeout().toSeconds(),
                leases.lastRequest(), gate.requestsInFlight()));
    }

    @Override
    public java.util.Map<com.rpavision.gpurm.core.model.DriftCause, Long> driftCounts() {
        return drifts.counts();
    }

    @Override
    public Set<com.rpavision.gpurm.core.model.Condition> activeConditions() {
        return conditions.active();
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

    @Override
    public List<ResourceChangedEvent> recentEvents() {
        return recent.list();
    }

    @Override
    public Subscription onModeChanged(Consumer<ModeChangedEvent> listener) {
        return modes.onChange(listener);
    }

    @Override
    public Subscription onIdleUnload(Consumer<IdleUnloadEvent> listener) {
        return idleUnload.onUnload(listener);
    }
}
