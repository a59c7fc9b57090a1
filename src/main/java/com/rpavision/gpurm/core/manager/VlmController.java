package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.concurrent.Sleeper;
import com.rpavision.gpurm.core.config.GpuResourceConfig;
import com.rpavision.gpurm.core.gpu.VramMonitor;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.Reason;
import com.rpavision.gpurm.core.ollama.LoadResult;
import com.rpavision.gpurm.core.ollama.OllamaClient;
import com.rpavision.gpurm.core.ollama.OllamaException;
import com.rpavision.gpurm.core.ollama.RunningModel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * Loads and unloads the VLM through Ollama, with retries, and keeps its state. Every method except the
 * queries runs on the operation queue.
 */
final class VlmController {

    private static final Logger LOG = LoggerFactory.getLogger(VlmController.class);

    private final GpuResourceConfig config;
    private final OllamaClient ollama;
    private final OllamaAvailability availability;
    private final VramMonitor vram;
    private final Clock clock;
    private final EventEmitter events;
    private final ModelStateMachine state = new ModelStateMachine();
    private volatile Instant lastActivity;
    /** Bumped by every state change, so a look at Ollama taken across one is not trusted about the VLM. */
    private final java.util.concurrent.atomic.AtomicLong changes = new java.util.concurrent.atomic.AtomicLong();
    /** What the manager last knew of the VLM's /api/ps entry: from its own load or the latest look; empty: not loaded. */
    private volatile Optional<RunningModel> expected = Optional.empty();
    /** The idle timer unloaded the VLM and no request came since: RECORDING loads it on the next request. */
    private volatile boolean idleUnloaded;
    private volatile OllamaSnapshot afterOwnLoad;
    /** When the VLM's state was last confirmed: by an own load or unload, or by a look at Ollama. */
    private volatile Instant confirmedAt = Instant.MIN;
    /** What Ollama said each model takes in VRAM the last time it was seen loaded. */
    private final ModelSizes sizes;
    private final LoadCancellation cancellation;
    private final OllamaRetry retry;
    private final UnloadWatch unloadWatch;
    private final VlmKeepAlive keepAlive;
    /** What NVML showed used on the managed GPU as the latest load began; -1 when not known. */
    private volatile long usedAtLoadStartMb = -1;

    VlmController(GpuResourceConfig config, OllamaClient ollama, OllamaAvailability availability, VramMonitor vram,
                  Clock clock, Sleeper sleeper, EventEmitter events, ModelSizes sizes) {
        this.sizes = sizes;
        this.config = config;
        this.ollama = ollama;
        this.availability = availability;
        this.vram = vram;
        this.clock = clock;
        this.events = events;
        this.cancellation = new LoadCancellation(ollama, clock, config);
        this.retry = new OllamaRetry(config, availability, sleeper, cancellation::requested);
        this.unloadWatch = new UnloadWatch(config, ollama, vram, clock, sleeper);
        this.keepAlive = new VlmKeepAlive(config, ollama, clock);
    }

    String model() {
        return config.vlmModel();
    }

    ModelState state() {
        return state.state();
    }

    String errorReason() {
        Reason reason = state.reason();
        return reason == null ? null : reason.text();
    }

    Reason errorReasonWithCode() {
        return state.reason();
    }

    /** When the VLM last finished loading or serving a request; the idle timer counts from here. */
    Instant lastActivity() {
        return lastActivity;
    }

    /** While a load runs: the managed GPU's used memory as it began (the VRAM bar counts the growth as the VLM's). */
    java.util.OptionalLong usedAtLoadStartMb() {
        long start = usedAtLoadStartMb;
        return state.state() == ModelState.LOADING && start >= 0 ? java.util.OptionalLong.of(start) : java.util.OptionalLong.empty();
    }

    long knownSizeMb() {
        return sizes.vramMb(model()).orElse(0);
    }

    void touch() {
        lastActivity = clock.instant();
    }

    /** Checks availability when degraded, so a recovered Ollama is used at once. */
    boolean ollamaReachable() {
        if (!availability.isDown()) {
            return true;
        }
        try {
            availability.markUp(ollama.version());
            availability.takeReconcileRequest();
            reconcile();
            return true;
        } catch (OllamaException e) {
            LOG.warn("VLM operation refused: {}", availability.downReason());
            return false;
        }
    }

    boolean load(String why) throws InterruptedException {
        return load(why, () -> true);
    }

    /**
     * Loads the VLM unless it is loaded. {@code stillWanted} is asked before the load starts and by
     * {@link LoadCancellation#cancelIfUnwanted()} while it runs: a load nobody wants any more is given up, not waited for.
     */
    boolean load(String why, java.util.function.BooleanSupplier stillWanted) throws InterruptedException {
        if (state.state() == ModelState.LOADED) {
            return true;
        }
        if (!ollamaReachable()) {
            return false;
        }
        if (state.state() == ModelState.LOADED) {
            return true; // an outage's reconcile found it loaded
        }
        if (!stillWanted.getAsBoolean()) {
            LOG.info("VLM {} not loaded ({}): no longer wanted", model(), why);
            return false;
        }
        if (cancellation.shuttingDown()) {
            LOG.info("VLM {} not loaded ({}): the manager stops", model(), why);
            return false;
        }
        cancellation.loadStarts(stillWanted);
        usedAtLoadStartMb = vram.latest().gpu(vram.managedIndex()).map(g -> g.usedMb()).orElse(-1L);
        move(ModelState.LOADING, null);
        events.emit(EventType.MODEL_LOADING, "model", model(), "reason", why);
        LOG.info("Loading VLM {} ({})", model(), why);
        Instant start = clock.instant();
        try {
            // asked once the client has registered the load: a cancel or a stop that came after the checks above,
            // too early for cancelLoads() to find it, still gives it up
            LoadResult result = retry.call("load " + model(),
                    () -> ollama.load(model(), config.vlmOptions(), keepAlive.leaseLength(), cancellation::givenUp));
            keepAlive.renewed(clock.instant());
            move(ModelState.LOADED, null);
            idleUnloaded = false;
            keepAlive.ownRunner();
            touch();
            long millis = Duration.between(start, clock.instant()).toMillis();
            LOG.info("VLM {} loaded in {} ms (Ollama: {} ms)", model(), millis, result.loadDuration().toMillis());
            events.emit(EventType.MODEL_LOADED, "model", model(), "duration_ms", millis,
                    "load_duration_ms", result.loadDuration().toMillis(), "reason", why);
            Optional<RunningModel> entry = listedAfterLoad();
            entry.ifPresent(this::remember);
            expected = Optional.of(entry.filter(m -> m.sizeBytes() > 0).orElse(new RunningModel(model(), model(), 0, 0, null)));
            confirmedAt = clock.instant();
            vram.sample();
            if (cancellation.requested() && cancellation.heldOff()) {
                // the operator's cancel came before Ollama had the request, so nothing stopped it
                return !unloadAfterOperatorCancel();
            }
            return true;
        } catch (OllamaException e) {
            if (cancellation.givenUp()) {
                cancelled(start, why);
            } else {
                fail("load", e);
            }
            return false;
        } finally {
            cancellation.loadEnded();
        }
    }

    LoadCancellation cancellation() {
        return cancellation;
    }

    private void cancelled(Instant start, String why) {
        long millis = Duration.between(start, clock.instant()).toMillis();
        Optional<RunningModel> landed;
        try {
            landed = ollama.runningModels().stream().filter(m -> m.is(model()))
                    .filter(m -> !OllamaSnapshot.stopping(m, clock.instant())).findFirst();
        } catch (OllamaException e) {
            landed = Optional.empty();
        }
        confirmedAt = clock.instant();
        if (landed.isPresent()) {
            // it finished just before the cancel: loaded, and the mode now in force decides what becomes of it
            keepAlive.renewed(clock.instant());
            move(ModelState.LOADED, null);
            expected = landed;
            touch();
            LOG.info("VLM {} finished loading before the cancel reached Ollama ({} ms)", model(), millis);
            events.emit(EventType.MODEL_LOADED, "model", model(), "duration_ms", millis, "reason", why);
            if (cancellation.heldOff()) {
                unloadAfterOperatorCancel();
            }
            return;
        }
        move(ModelState.UNLOADED, null);
        expected = Optional.empty();
        cancellation.gaveUp();
        LOG.info("Load of VLM {} ({}) cancelled after {} ms: {}", model(), why, millis, cancellation.cause());
        events.emit(EventType.MODEL_UNLOADED, "model", model(), "duration_ms", millis, "reason", "load cancelled",
                "cancelled", true);
    }

    /**
     * The operator cancelled a load that landed anyway: the cancel said "not now", so the VLM goes rather than
     * stay because RECORDING wants it (a mode switch's cancel leaves that to the new mode instead).
     *
     * @return whether it went
     */
    private boolean unloadAfterOperatorCancel() {
        LOG.info("VLM {} loaded before the operator's cancel reached Ollama: unloading it", model());
        try {
            return unload("load cancelled by the operator");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    boolean unload(String why) throws InterruptedException {
        if (state.state() == ModelState.UNLOADED) {
            return true;
        }
        if (!ollamaReachable()) {
            return false;
        }
        if (state.state() == ModelState.UNLOADED) {
            return true; // an outage's reconcile found it gone
        }
        Instant start = clock.instant();
        long usedBefore = vram.sample().gpu(vram.managedIndex()).map(g -> g.usedMb()).orElse(0L);
        Optional<RunningModel> listed = listed();
        listed.ifPresent(this::remember);
        move(ModelState.UNLOADING, null);
        events.emit(EventType.MODEL_UNLOADING, "model", model(), "reason", why);
        try {
            if (listed.isPresent()) {
                retry.call("unload " + model(), () -> {
                    ollama.unload(model());
                    return null;
                });
            }
        } catch (OllamaException e) {
            fail("unload", e);
            return false;
        }
        if (listed.isPresent() && !unloadWatch.awaitGoneFromOllama(model(), start)) {
            Reason reason = Reason.of(Reason.Code.UNLOAD_STUCK, "VLM " + model() + " is still listed by Ollama "
                    + config.unloadTimeoutSeconds() + " s after the unload request (stuck in 'Stopping'?). Check 'ollama ps'.",
                    model(), config.unloadTimeoutSeconds());
            LOG.warn(reason.text());
            error(reason, "unload");
            return false;
        }
        move(ModelState.UNLOADED, null);
        expected = Optional.empty();
        confirmedAt = clock.instant();
        long expectedMb = listed.map(RunningModel::sizeVramMb).orElse(0L);
        long freedMb = unloadWatch.awaitVramBack(start, usedBefore, expectedMb);
        long millis = Duration.between(start, clock.instant()).toMillis();
        LOG.info("VLM {} unloaded in {} ms, {} MB VRAM freed ({})", model(), millis, freedMb, why);
        if (unloadWatch.shortOf(freedMb, expectedMb)) {
            LOG.warn("Ollama listed {} MB for {} but only {} MB came back within {} s; another process may hold it",
                    expectedMb, model(), freedMb, config.unloadTimeoutSeconds());
        }
        events.emit(EventType.MODEL_UNLOADED, "model", model(), "duration_ms", millis, "vram_freed_mb", freedMb,
                "reason", why);
        return true;
    }

    /** Sets the state from Ollama's own list after an outage; the idle timer restarts for a loaded VLM. */
    void reconcile() {
        Optional<RunningModel> listed;
        try {
            listed = ollama.runningModels().stream().filter(m -> m.is(model())).findFirst();
        } catch (OllamaException e) {
            LOG.debug("Cannot reconcile the VLM state yet: {}", e.getMessage());
            return;
        }
        expected = listed;
        confirmedAt = clock.instant();
        ModelState target = listed.isPresent() ? ModelState.LOADED : ModelState.UNLOADED;
        if (state.state() != target) {
            move(target, null);
            LOG.info("VLM {} is {} according to Ollama", model(), target.wireName());
            events.emit(target == ModelState.LOADED ? EventType.MODEL_LOADED : EventType.MODEL_UNLOADED,
                    "model", model(), "reason", "reconciled with Ollama");
        }
        if (target == ModelState.LOADED) {
            touch();
        }
    }

    /** Ollama stopped answering: a VLM we thought usable is now of unknown state. */
    void markUnknownWhileDown() {
        ModelState current = state.state();
        if (current != ModelState.UNLOADED && current != ModelState.ERROR) {
            error(availability.downReasonWithCode(), "unknown while Ollama is away");
        }
    }

    /** Ollama's failure in the operator's terms; Ollama's own message stays in the text and the argument. */
    Reason reasonFor(OllamaException e) {
        return switch (e.kind()) {
            case UNREACHABLE -> Reason.of(Reason.Code.OLLAMA_UNREACHABLE, e.getMessage(), ollama.endpoint());
            case MODEL_NOT_FOUND -> Reason.of(Reason.Code.MODEL_NOT_PULLED, "Model " + model()
                    + " is not installed in Ollama: run 'ollama pull " + model() + "'. (" + e.getMessage() + ")", model());
            // the operator's text is "Ollama refused: {0}": Ollama's own words, not ours around them a second time
            case TRANSIENT -> Reason.of(Reason.Code.OLLAMA_FAILED, e.getMessage(), e.ollamaSaid().orElse(e.getMessage()));
            case REJECTED, CANCELLED -> Reason.of(Reason.Code.OLLAMA_REFUSED, e.getMessage(), e.ollamaSaid().orElse(e.getMessage()));
        };
    }

    private void error(Reason reason, String operation) {
        move(ModelState.ERROR, reason);
        events.emit(EventType.MODEL_ERROR, "model", model(), "operation", operation, "reason", reason.text(),
                "reason_code", reason.code().name(), "reason_args", reason.args());
    }

    /** On shutdown: see {@link VlmKeepAlive#handIdleTimerBack}; only a loaded VLM has a timer to hand back. */
    void handIdleTimerBack(Duration idleTimeout) {
        if (state.state() == ModelState.LOADED) {
            keepAlive.handIdleTimerBack(idleTimeout);
        }
    }

    /**
     * Renews the VLM's lease (a no-prompt request with the lease as its keep_alive and the VLM's options, which costs
     * Ollama nothing while it is loaded): every third of a lease, after a client's own keep_alive replaced it, or
     * after a proxied /v1 request. Only while the VLM is loaded and its runner is the manager's, so it never loads one
     * and never reloads another client's.
     */
    boolean renewLease() {
        if (state.state() != ModelState.LOADED || availability.isDown() || keepAlive.foreignRunner()) {
            return false;
        }
        Optional<Instant> renewedUntil = keepAlive.renew();
        renewedUntil.ifPresent(until -> {
            java.time.OffsetDateTime expiry = until.atOffset(java.time.ZoneOffset.UTC);
            expected = expected.map(m -> new RunningModel(m.name(), m.model(), m.sizeBytes(), m.sizeVramBytes(), expiry));
        });
        return renewedUntil.isPresent();
    }

    /** Renews the lease when a third of it has passed (the maintenance round, every second). */
    boolean renewLeaseIfDue() {
        return keepAlive.renewalDue() && renewLease();
    }

    VlmKeepAlive keepAlive() {
        return keepAlive;
    }

    private void remember(RunningModel running) {
        sizes.remember(model(), running.sizeVramMb());
    }

    /** The preflight said it cannot fit: ERROR with its reason, and no load sent to Ollama. */
    void refuse(Reason reason, String why) {
        LOG.warn("VLM {} not loaded ({}): {}", model(), why, reason.text());
        error(reason, "load");
    }

    /** Ollama's list right after the manager's own load: what a later drift is compared with. */
    private Optional<RunningModel> listedAfterLoad() {
        try {
            long signs = ollama.signals().count();
            OllamaSnapshot snapshot = new OllamaSnapshot(clock.instant(), ollama.runningModels(), changes.get(), signs);
            afterOwnLoad = snapshot;
            return snapshot.find(model());
        } catch (OllamaException e) {
            return Optional.empty();
        }
    }

    /** The list taken right after the manager's latest own load, or null. */
    OllamaSnapshot afterOwnLoad() {
        return afterOwnLoad;
    }

    private Optional<RunningModel> listed() {
        try {
            return ollama.runningModels().stream().filter(m -> m.is(model())).findFirst();
        } catch (OllamaException e) {
            // /api/ps can block while a load runs: assume listed and let the unload itself decide.
            return Optional.of(new RunningModel(model(), model(), 0, 0, null));
        }
    }

    private void fail(String what, OllamaException e) {
        Reason reason = reasonFor(e);
        if (e.kind() == OllamaException.Kind.UNREACHABLE) {
            availability.markDown(reason);
        }
        LOG.error("VLM {} {} failed: {}", model(), what, reason.text());
        error(reason, what);
    }

    private void move(ModelState next, Reason reason) {
        state.moveTo(next, reason);
        changes.incrementAndGet();
    }

    long changes() {
        return changes.get();
    }

    void markIdleUnloaded() {
        idleUnloaded = true;
    }

    boolean idleUnloaded() {
        return idleUnloaded;
    }

    /** The model was pulled: an ERROR that said it was missing is over (nothing is loaded yet). */
    void pulled() {
        Reason reason = state.reason();
        if (state.state() == ModelState.ERROR && reason != null && reason.code() == Reason.Code.MODEL_NOT_PULLED) {
            move(ModelState.UNLOADED, null);
        }
    }

    /** In ERROR because Ollama stopped answering (not because a load was refused or failed). */
    boolean errorIsOutage() {
        Reason reason = state.reason();
        return state.state() == ModelState.ERROR && reason != null && reason.code() == Reason.Code.OLLAMA_UNREACHABLE;
    }

    Optional<RunningModel> expected() {
        return expected;
    }

    Instant confirmedAt() {
        return confirmedAt;
    }

    /**
     * Takes what a fresh look at Ollama showed as the VLM's state (on the queue, after the drift was named): a
     * VLM that appeared is adopted and its idle timer starts; one that left is unloaded.
     */
    void observe(Optional<RunningModel> observed, Instant at, String cause) {
        confirmedAt = at;
        expected = observed;
        ModelState current = state.state();
        if (observed.isPresent() && current != ModelState.LOADED) {
            keepAlive.ended(); // another client's load: its keep-alive until the manager's first renewal
            move(ModelState.LOADED, null);
            idleUnloaded = false;
            touch();
            remember(observed.get());
            events.emit(EventType.MODEL_LOADED, "model", model(), "reason", cause);
        } else if (observed.isEmpty() && current != ModelState.UNLOADED && !refusedOrFailed()) {
            keepAlive.ended();
            move(ModelState.UNLOADED, null);
            events.emit(EventType.MODEL_UNLOADED, "model", model(), "reason", cause);
        } else if (observed.isPresent()) {
            remember(observed.get());
        }
    }

    /** An ERROR that was not about a loaded VLM (a refused or failed load) stays until the next action. */
    private boolean refusedOrFailed() {
        Reason reason = state.reason();
        return state.state() == ModelState.ERROR && reason != null && reason.code() != Reason.Code.OLLAMA_UNREACHABLE
                && reason.code() != Reason.Code.UNLOAD_STUCK;
    }
}
