package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.Condition;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.Reason;
import com.rpavision.gpurm.core.ollama.ModelNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The named conditions in force, each with its reason in the operator's terms, and the contention rule: when other
 * clients' models evict the VLM {@code evictions} times within {@code window}, the manager stops reloading it (no
 * fight) while the model that took its place holds the GPU, and resumes by itself when that model leaves. The
 * evictions stay counted for the window: a VLM evicted again soon after it resumed is contended at once. Only
 * evictions count: an outside unload or an Ollama restart leaves the GPU free, so RECORDING reloads it. Only the
 * operator's own request starts the count afresh.
 */
final class ConditionTracker {

    /** Who holds the GPU the VLM needs while it is contended. */
    record Contender(String model, long mb) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(ConditionTracker.class);

    private final EventEmitter events;
    private final int evictionsLimit;
    private final Duration window;
    private final Map<Condition, Reason> active = new EnumMap<>(Condition.class);
    private final Deque<Instant> evictions = new ArrayDeque<>();
    private Contender contender;

    ConditionTracker(EventEmitter events, int evictionsLimit, Duration window) {
        this.events = events;
        this.evictionsLimit = evictionsLimit;
        this.window = window;
    }

    int evictionsLimit() {
        return evictionsLimit;
    }

    Duration window() {
        return window;
    }

    synchronized Set<Condition> active() {
        return Set.copyOf(active.keySet());
    }

    synchronized List<Reason> reasons() {
        return List.copyOf(active.values());
    }

    synchronized boolean has(Condition condition) {
        return active.containsKey(condition);
    }

    /** While contended: the model holding the GPU, if known. */
    synchronized Optional<Contender> contender() {
        return active.containsKey(Condition.VLM_CONTENDED) ? Optional.ofNullable(contender) : Optional.empty();
    }

    /**
     * Another client's model evicted the VLM while the manager wanted it.
     *
     * @return true when the VLM is contended now: do not reload it
     */
    boolean recordEviction(Instant at, String vlm, String otherModel, long otherMb) {
        synchronized (this) {
            evictions.addLast(at);
            trim(at);
            if (active.containsKey(Condition.VLM_CONTENDED)) {
                contender = otherModel == null ? contender : new Contender(otherModel, otherMb);
                return true;
            }
            if (evictions.size() < evictionsLimit) {
                return false;
            }
            contender = otherModel == null ? null : new Contender(otherModel, otherMb);
        }
        String who = otherModel == null ? "another client" : otherModel + " (" + otherMb + " MB)";
        long minutes = Math.max(1, Math.round(window.toSeconds() / 60.0));
        set(Condition.VLM_CONTENDED, Reason.of(Reason.Code.VLM_CONTENDED, vlm + " was pushed out of the GPU "
                + evictionsLimit + " times within " + minutes + " minutes, last by " + who + ". The manager stopped"
                + " reloading it while that model holds the GPU; free the GPU for recording to take it back.", vlm,
                otherModel == null ? "" : otherModel, otherModel == null ? 0L : otherMb, evictionsLimit, minutes));
        return true;
    }

    private void trim(Instant now) {
        while (!evictions.isEmpty() && evictions.peekFirst().isBefore(now.minus(window))) {
            evictions.removeFirst();
        }
    }

    /**
     * Ends contention when the contender has left Ollama (it expired, was unloaded, or Ollama restarted), or,
     * without a known contender, when no eviction happened for a whole window.
     */
    void settleContention(Instant now, Set<String> loadedModels) {
        boolean over;
        synchronized (this) {
            if (!active.containsKey(Condition.VLM_CONTENDED)) {
                return;
            }
            Instant last = evictions.peekLast();
            over = contender != null
                    ? loadedModels.stream().noneMatch(m -> ModelNames.same(m, contender.model()))
                    : last == null || !last.plus(window).isAfter(now);
            if (over) {
                contender = null; // the evictions stay counted: evicted again soon, it is contended at once
            }
        }
        if (over) {
            clear(Condition.VLM_CONTENDED);
        }
    }

    /** The operator's own move (a switch to RECORDING, "free the GPU") starts the count again. */
    void clearContention() {
        synchronized (this) {
            evictions.clear();
            contender = null;
        }
        clear(Condition.VLM_CONTENDED);
    }

    void set(Condition condition, Reason reason) {
        Reason before;
        synchronized (this) {
            before = active.put(condition, reason);
        }
        if (before == null) {
            if (condition == Condition.VLM_SETTLING) {
                LOG.info("Condition {}: {}", condition.wireName(), reason.text());
            } else {
                LOG.warn("Condition {}: {}", condition.wireName(), reason.text());
            }
            events.emit(EventType.CONDITION_CHANGED, "condition", condition.wireName(), "active", true,
                    "reason", reason.text(), "reason_code", reason.code().name(), "reason_args", reason.args());
        }
    }

    void clear(Condition condition) {
        Reason before;
        synchronized (this) {
            before = active.remove(condition);
        }
        if (before != null) {
            LOG.info("Condition {} ended", condition.wireName());
            events.emit(EventType.CONDITION_CHANGED, "condition", condition.wireName(), "active", false);
        }
    }
}
