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
import java.util.List;
import java.util.Optional;

/**
 * Loads and unloads the VLM through Ollama, with retries, and keeps its state. Every method except the
 * queries runs on the operation queue.
 */
final class VlmController {

    private static final Logger LOG = LoggerFactory.getLogger(VlmController.class);
    static final Duration UNLOAD_POLL = Duration.ofMillis(250);
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(8);
    /** How often a retry's backoff looks whether the load was cancelled. */
    private static final Duration CANCEL_CHECK = Duration.ofMillis(100);
    /** Ollama's own scheduler waits for about this share of a model's VRAM to come back. */
    private static final double VRAM_BACK_SHARE = 0.75;

    @FunctionalInterface
    private interface OllamaCall<T> {
        T run() throws OllamaException;
    }

    private final GpuResourceConfig config;
    private final OllamaClient ollama;
    private final OllamaAvailability availability;
    private final VramMonitor vram;
    private final Clock clock;
    private final Sleeper sleeper;
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
    /** While a load runs: whether its caller still wants it (a mode switch away from RECORDING says no). */
    private volatile java.util.function.BooleanSupplier loadWanted;
    private volatile boolean cancelRequested;
    /** What NVML showed used on the managed GPU as the latest load began; -1 when not known. */
    private volatile long usedAtLoadStartMb = -1;
    /** Why the running load was given up: the log says whether the mode changed or the operator cancelled it. */
    private volatile String cancelCause = "the mode changed";
    /**
     * The operator cancelled a load: RECORDING does not bring the VLM back by itself until the next load is asked
     * for (a switch, Load VLM, a request), or the cancel would be undone within seconds.
     */
    private volatile boolean heldOff;
    /** Set once by {@link #cancelForShutdown()}: no load starts after it (a task still queued would start one). */
    private volatile boolean shuttingDown;
    /** When a load was cancelled that Ollama may still finish: the reconciler unloads it if it lands outside RECORDING. */
    private volatile Instant cancelledAt;
    /**
     * The runner in Ollama is another client's (it reloaded the VLM with its own options): taking its keep-alive
     * back would send the manager's options and make Ollama reload it again, a fight. Until the manager's next load.
     */
    private volatile boolean foreignRunner;
    private final KeepAliveLease lease;
    /** A keep-alive another client set was named and not yet replaced by the manager's lease: not named again. */
    private volatile boolean takeoverNamed;

    VlmController(GpuResourceConfig config, OllamaClient ollama, OllamaAvailability availability, VramMonitor vram,
                  Clock clock, Sleeper sleeper, EventEmitter events, ModelSizes sizes) {
        this.sizes = sizes;
        this.config = config;
        this.ollama = ollama;
        this.availability = availability;
        this.vram = vram;
        this.clock = clock;
        this.sleeper = sleeper;
        this.events = events;
        this.lease = new KeepAliveLease(config.vlmLease());
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
     * {@link #cancelIfUnwanted()} while it runs: a load nobody wants any more is given up, not waited for.
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
        if (shuttingDown) {
            LOG.info("VLM {} not loaded ({}): the manager stops", model(), why);
            return false;
        }
        // cancellable from the moment the panel shows LOADING (its "Cancel load" button)
        cancelRequested = false;
        cancelCause = "the mode changed";
        cancelledAt = null;
        heldOff = false;
        loadWanted = stillWanted;
        usedAtLoadStartMb = vram.latest().gpu(vram.managedIndex()).map(g -> g.usedMb()).orElse(-1L);
        move(ModelState.LOADING, null);
        events.emit(EventType.MODEL_LOADING, "model", model(), "reason", why);
        LOG.info("Loading VLM {} ({})", model(), why);
        Instant start = clock.instant();
        try {
            if (cancelRequested) {
                throw new OllamaException(OllamaException.Kind.CANCELLED, "load cancelled before it was sent");
            }
            LoadResult result = retrying("load " + model(), () -> ollama.load(model(), config.vlmOptions(), lease.length()));
            lease.renewed(clock.instant());
            takeoverNamed = false;
            move(ModelState.LOADED, null);
            idleUnloaded = false;
            foreignRunner = false;
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
            if (cancelRequested && heldOff) {
                // the operator's cancel came before Ollama had the request, so nothing stopped it
                return !unloadAfterOperatorCancel();
            }
            return true;
        } catch (OllamaException e) {
            if (cancelRequested) {
                cancelled(start, why);
            } else {
                fail("load", e);
            }
            return false;
        } finally {
            loadWanted = null;
        }
    }

    /**
     * Any thread (a mode switch): gives up the running load if its caller no longer wants it. The load's own
     * thread then finds out what Ollama holds.
     */
    void cancelIfUnwanted() {
        java.util.function.BooleanSupplier wanted = loadWanted;
        if (wanted != null && !wanted.getAsBoolean()) {
            cancelRequested = true;
            ollama.cancelLoads();
        }
    }

    /**
     * Any thread, the operator's "Cancel load": gives up the running load as a mode switch does, and RECORDING
     * then leaves the VLM unloaded until a load is asked for again.
     *
     * @return whether a load was running to be cancelled
     */
    boolean cancelLoad() {
        if (loadWanted == null) {
            return false;
        }
        heldOff = true;
        cancelCause = "cancelled by the operator";
        cancelRequested = true;
        ollama.cancelLoads();
        return true;
    }

    /** The operator cancelled the last load and none was asked for since. */
    boolean heldOff() {
        return heldOff;
    }

    /**
     * Any thread, on shutdown: gives up the running load at once, so the stop does not wait for it. Should Ollama
     * have finished it anyway, the VLM is held by the load's own lease, and the hand-back queued behind follows.
     */
    void cancelForShutdown() {
        shuttingDown = true;
        if (loadWanted != null) {
            cancelRequested = true;
            ollama.cancelLoads();
        }
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
            lease.renewed(clock.instant());
            move(ModelState.LOADED, null);
            expected = landed;
            touch();
            LOG.info("VLM {} finished loading before the cancel reached Ollama ({} ms)", model(), millis);
            events.emit(EventType.MODEL_LOADED, "model", model(), "duration_ms", millis, "reason", why);
            if (heldOff) {
                unloadAfterOperatorCancel();
            }
            return;
        }
        move(ModelState.UNLOADED, null);
        expected = Optional.empty();
        cancelledAt = clock.instant();
        LOG.info("Load of VLM {} ({}) cancelled after {} ms: {}", model(), why, millis, cancelCause);
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

    /**
     * True once, within the load timeout after a cancelled load: a VLM that appears then is that load, which
     * Ollama finished after all, not someone else's.
     */
    boolean takeCancelledLoad() {
        Instant at = cancelledAt;
        cancelledAt = null;
        return at != null && !clock.instant().isAfter(at.plus(config.loadTimeout()));
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
                retrying("unload " + model(), () -> {
                    ollama.unload(model());
                    return null;
                });
            }
        } catch (OllamaException e) {
            fail("unload", e);
            return false;
        }
        if (listed.isPresent() && !awaitGoneFromOllama(start)) {
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
        long freedMb = awaitVramBack(start, usedBefore, expectedMb);
        long millis = Duration.between(start, clock.instant()).toMillis();
        LOG.info("VLM {} unloaded in {} ms, {} MB VRAM freed ({})", model(), millis, freedMb, why);
        if (vram.hasGpu() && freedMb < expectedMb * VRAM_BACK_SHARE) {
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
            case TRANSIENT -> Reason.of(Reason.Code.OLLAMA_FAILED, e.getMessage(), e.getMessage());
            case REJECTED, CANCELLED -> Reason.of(Reason.Code.OLLAMA_REFUSED, e.getMessage(), e.getMessage());
        };
    }

    private void error(Reason reason, String operation) {
        move(ModelState.ERROR, reason);
        events.emit(EventType.MODEL_ERROR, "model", model(), "operation", operation, "reason", reason.text(),
                "reason_code", reason.code().name(), "reason_args", reason.args());
    }

    /**
     * On shutdown: Ollama unloads the VLM after the idle timeout, or one lease from now if that is sooner: nothing
     * the manager set outlives it by more than one lease. Another client's runner keeps its own keep-alive.
     */
    void handIdleTimerBack(Duration idleTimeout) {
        if (state.state() != ModelState.LOADED || foreignRunner) {
            return;
        }
        Duration keepAlive = idleTimeout.isZero() || idleTimeout.compareTo(lease.length()) > 0 ? lease.length() : idleTimeout;
        try {
            ollama.setKeepAlive(model(), keepAlive, config.vlmOptions());
            LOG.info("VLM {} left loaded; Ollama will unload it after {} s idle", model(), keepAlive.toSeconds());
        } catch (OllamaException e) {
            LOG.warn("Could not hand the idle timer back to Ollama: {}", e.getMessage());
        }
    }

    /**
     * Renews the VLM's lease (a no-prompt request with the lease as its keep_alive and the VLM's options, which costs
     * Ollama nothing while it is loaded): every third of a lease, after a client's own keep_alive replaced it, or
     * after a proxied /v1 request. Only while the VLM is loaded and its runner is the manager's, so it never loads one
     * and never reloads another client's.
     */
    boolean renewLease() {
        if (state.state() != ModelState.LOADED || availability.isDown() || foreignRunner) {
            return false;
        }
        try {
            ollama.setKeepAlive(model(), lease.length(), config.vlmOptions());
            Instant at = clock.instant();
            lease.renewed(at);
            takeoverNamed = false;
            java.time.OffsetDateTime expiry = lease.expiryAfter(at).atOffset(java.time.ZoneOffset.UTC);
            expected = expected.map(m -> new RunningModel(m.name(), m.model(), m.sizeBytes(), m.sizeVramBytes(), expiry));
            return true;
        } catch (OllamaException e) {
            LOG.warn("Could not renew the VLM's lease ({} s): {}", lease.length().toSeconds(), e.getMessage());
            return false;
        }
    }

    /** Renews the lease when a third of it has passed (the maintenance round, every second). */
    boolean renewLeaseIfDue() {
        return lease.due(clock.instant()) && renewLease();
    }

    /**
     * The entry a look at {@code lookAt} showed carries a keep-alive another client set in place of the manager's
     * lease, not named yet.
     */
    boolean keepAliveTakenOver(RunningModel observed, Instant lookAt) {
        return !foreignRunner && !takeoverNamed && !lease.holds(observed, lookAt);
    }

    /** Whether the entry carries the manager's lease (or is another client's runner, whose keep-alive is its own). */
    boolean leaseHeld(RunningModel observed, Instant lookAt) {
        return foreignRunner || lease.holds(observed, lookAt);
    }

    /** The entry carries the manager's own lease (renewed by it), not another client's keep-alive. */
    boolean ownLease(RunningModel observed, Instant lookAt) {
        return !foreignRunner && lease.renewedSince() && lease.holds(observed, lookAt);
    }

    /** A takeover was named: until the lease is renewed, the same takeover is not news. */
    void takeoverNamed() {
        takeoverNamed = true;
    }

    Duration leaseLength() {
        return lease.length();
    }

    /** Another client reloaded the VLM with its own options: leave its runner as it is (see {@link #foreignRunner}). */
    void adoptForeignRunner() {
        foreignRunner = true;
        lease.ended();
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

    /** "Unloaded" means gone from /api/ps: Ollama answers the unload at once but its runner exits later. */
    private boolean awaitGoneFromOllama(Instant start) throws InterruptedException {
        Instant deadline = start.plus(config.unloadTimeout());
        long maxPolls = config.unloadTimeout().toMillis() / UNLOAD_POLL.toMillis() + 1;
        for (long poll = 0; poll < maxPolls && !clock.instant().isAfter(deadline); poll++) {
            try {
                List<RunningModel> running = ollama.runningModels();
                if (running.stream().noneMatch(m -> m.is(model()))) {
                    return true;
                }
            } catch (OllamaException e) {
                LOG.debug("Polling /api/ps after unload: {}", e.getMessage());
            }
            sleeper.sleep(UNLOAD_POLL);
        }
        return false;
    }

    /** Waits (bounded) for NVML to show the memory back, and reports how much came back. */
    private long awaitVramBack(Instant start, long usedBefore, long expectedMb) throws InterruptedException {
        if (!vram.hasGpu()) {
            return 0;
        }
        Instant deadline = start.plus(config.unloadTimeout());
        long maxPolls = config.unloadTimeout().toMillis() / UNLOAD_POLL.toMillis() + 1;
        long freed = 0;
        for (long poll = 0; poll < maxPolls; poll++) {
            long used = vram.sample().gpu(vram.managedIndex()).map(g -> g.usedMb()).orElse(usedBefore);
            freed = Math.max(0, usedBefore - used);
            if (freed >= expectedMb * VRAM_BACK_SHARE || clock.instant().isAfter(deadline)) {
                break;
            }
            sleeper.sleep(UNLOAD_POLL);
        }
        return freed;
    }

    private <T> T retrying(String what, OllamaCall<T> call) throws OllamaException, InterruptedException {
        Duration backoff = FIRST_BACKOFF;
        for (int attempt = 1; ; attempt++) {
            try {
                T result = call.run();
                availability.markUp("(answered)");
                return result;
            } catch (OllamaException e) {
                if (!e.kind().retryable() || attempt >= config.maxLoadRetries() || cancelRequested) {
                    throw e;
                }
                LOG.warn("{} failed (attempt {}/{}): {}; retrying in {} ms", what, attempt, config.maxLoadRetries(),
                        e.getMessage(), backoff.toMillis());
                if (!waitUnlessCancelled(backoff)) {
                    throw e; // given up while waiting to retry
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /**
     * Waits out a retry's backoff in short steps, so that a switch away gives the load up within one step
     * instead of after up to {@link #MAX_BACKOFF}. False when the load was cancelled meanwhile.
     */
    private boolean waitUnlessCancelled(Duration backoff) throws InterruptedException {
        Duration left = backoff;
        while (!cancelRequested && left.compareTo(Duration.ZERO) > 0) {
            Duration step = left.compareTo(CANCEL_CHECK) < 0 ? left : CANCEL_CHECK;
            sleeper.sleep(step);
            left = left.minus(step);
        }
        return !cancelRequested;
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
            lease.ended(); // another client's load: its keep-alive until the manager's first renewal
            move(ModelState.LOADED, null);
            idleUnloaded = false;
            touch();
            remember(observed.get());
            events.emit(EventType.MODEL_LOADED, "model", model(), "reason", cause);
        } else if (observed.isEmpty() && current != ModelState.UNLOADED && !refusedOrFailed()) {
            lease.ended();
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
