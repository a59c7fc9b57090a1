package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.config.GpuResourceConfig;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.ModelState;

import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Leases the VLM to requests (the agent, the API). A request counts itself in flight at the gate first; a loaded
 * VLM is then leased without the queue when nothing may unload it meanwhile, any other request waits for a queued
 * load on demand. Each request and each lease's end count as the VLM's use for the idle timer.
 */
final class VlmLeases {

    private final ModelOperationQueue queue;
    private final VlmGate gate;
    private final VlmLoader loader;
    private final VlmController vlm;
    private final Reconciler reconciler;
    private final OllamaAvailability availability;
    private final GpuResourceConfig config;
    private final Clock clock;
    private final Supplier<ExecutionMode> mode;
    private final BooleanSupplier shutDown;
    private final VlmBelief belief;
    private volatile Instant lastRequest;

    VlmLeases(ModelOperationQueue queue, VlmGate gate, VlmLoader loader, VlmController vlm, Reconciler reconciler,
              OllamaAvailability availability, GpuResourceConfig config, Clock clock, Supplier<ExecutionMode> mode,
              BooleanSupplier shutDown, VlmBelief belief) {
        this.queue = queue;
        this.gate = gate;
        this.loader = loader;
        this.vlm = vlm;
        this.reconciler = reconciler;
        this.availability = availability;
        this.config = config;
        this.clock = clock;
        this.mode = mode;
        this.shutDown = shutDown;
        this.belief = belief;
    }

    /** Blocks until the VLM is usable; off the operation queue only. */
    VlmLease acquire(VlmRequest request) throws VlmUnavailableException {
        if (queue.isWorkerThread()) {
            throw new IllegalStateException("a blocking manager call from the operation queue would deadlock; use the async variant");
        }
        gate.requestStarts(); // first: every change that closes the gate from now on sees this request
        markRequest();
        if (!gate.passes(this::usableWithoutQueue)) {
            boolean loaded;
            try {
                loaded = queue.await(queue.submit("load VLM on demand", () -> loader.loadOnRequest("on demand")), false);
            } catch (RuntimeException e) {
                gate.requestEnds();
                throw e;
            }
            if (!loaded) {
                gate.requestEnds();
                throw new VlmUnavailableException(unavailableReason());
            }
        }
        return leaseFor(request);
    }

    /** A lease only if the VLM is usable without the queue; never blocks. */
    Optional<VlmLease> tryAcquireNow(VlmRequest request) {
        gate.requestStarts();
        if (!gate.passes(this::usableWithoutQueue)) {
            gate.requestEnds(); // a change the idle timer skipped for it comes again next round
            return Optional.empty();
        }
        markRequest();
        return Optional.of(leaseFor(request));
    }

    /** The VLM was asked for now: the idle timer starts over. */
    void markRequest() {
        lastRequest = clock.instant();
        vlm.touch();
    }

    /** Null until the first request. */
    Instant lastRequest() {
        return lastRequest;
    }

    /** The lease of a request that may go to Ollama now (the in-flight count already holds it). */
    private VlmLease leaseFor(VlmRequest request) {
        ProxiedRunnerOptions.Asked asked = reconciler.proxiedRequest(request); // now it goes to Ollama
        AtomicBoolean closed = new AtomicBoolean();
        return () -> {
            if (closed.compareAndSet(false, true)) {
                asked.ended(clock.instant());
                markRequest();
                gate.requestEnds();
            }
        };
    }

    /**
     * The hot path: the VLM is loaded as last confirmed within the watch interval, Ollama answers, nothing settles,
     * the manager runs and the mode does not keep the VLM out. What the queued "load on demand" would then do is
     * nothing but answer true. Read under {@link VlmGate#passes}, so no change that may unload it is pending.
     */
    private boolean usableWithoutQueue() {
        return vlm.state() == ModelState.LOADED && !shutDown.getAsBoolean() && !availability.isDown()
                && !reconciler.settling() && !(config.autopilotBlocksVlm() && mode.get() == ExecutionMode.AUTOPILOT)
                && belief.fresh();
    }

    private String unavailableReason() {
        if (availability.isDown()) {
            return availability.downReason();
        }
        String reason = vlm.errorReason();
        return reason != null ? reason : "VLM " + vlm.model() + " could not be loaded; see the log.";
    }
}
