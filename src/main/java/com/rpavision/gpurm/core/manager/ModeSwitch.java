package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.events.Listeners;
import com.rpavision.gpurm.core.events.Subscription;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.ModeChangedEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The execution mode and the switches between modes. A switch is in force and announced at once; what the new
 * mode wants of the models is done on the operation queue, and only by the latest of several queued switches.
 */
final class ModeSwitch {

    /** What a mode wants of the models once switched to, on the operation queue. */
    @FunctionalInterface
    interface Orchestration {
        void orchestrate(ExecutionMode target) throws InterruptedException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(ModeSwitch.class);

    private final ModelOperationQueue queue;
    private final VlmGate gate;
    private final VlmController vlm;
    private final EventEmitter events;
    private final Clock clock;
    private final Orchestration orchestration;
    private final Supplier<GpuResourceStatus> status;
    private final AtomicReference<ExecutionMode> mode = new AtomicReference<>(ExecutionMode.IDLE);
    private final AtomicLong generation = new AtomicLong();
    private final Listeners<ModeChangedEvent> listeners = new Listeners<>();

    ModeSwitch(ModelOperationQueue queue, VlmGate gate, VlmController vlm, EventEmitter events, Clock clock,
               Orchestration orchestration, Supplier<GpuResourceStatus> status) {
        this.queue = queue;
        this.gate = gate;
        this.vlm = vlm;
        this.events = events;
        this.clock = clock;
        this.orchestration = orchestration;
        this.status = status;
    }

    ExecutionMode current() {
        return mode.get();
    }

    Subscription onChange(Consumer<ModeChangedEvent> listener) {
        return listeners.add(listener);
    }

    /** @param restored how the last run ended, for a mode taken up again at start; null for the operator's switch */
    CompletableFuture<GpuResourceStatus> switchTo(ExecutionMode target, String restored) {
        Objects.requireNonNull(target, "mode");
        // from this call on, a request for the VLM waits behind the switch, as it did when every lease was queued
        VlmGate.Closed closed = gate.closeForChange();
        ExecutionMode previous = mode.getAndSet(target);
        long switchGeneration = generation.incrementAndGet();
        vlm.cancellation().cancelIfUnwanted(); // a load for the mode just left is given up, not waited for
        if (previous != target) {
            LOG.info("Mode {} -> {}{}", previous, target, restored == null ? "" : " (restored: " + restored + ")");
            events.emit(EventType.MODE_CHANGED, "from", previous.wireName(), "to", target.wireName(), "restored", restored);
            listeners.fire(new ModeChangedEvent(clock.instant(), previous, target));
        }
        return queue.submit("switch to " + target.wireName(), () -> {
            try (closed) {
                if (generation.get() == switchGeneration) {
                    orchestration.orchestrate(target);
                }
            }
            return status.get();
        }).whenComplete((switched, failure) -> closed.close()); // also when the queue refused it
    }
}
