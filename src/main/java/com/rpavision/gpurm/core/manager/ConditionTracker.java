package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.Condition;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The named conditions in force, each with its reason in the operator's terms, and the contention rule: when
 * the VLM is taken away from outside {@link #REMOVALS} times within {@link #WINDOW}, the manager stops
 * reloading it (no fight with another client) until the model that took its place leaves, or, when none is
 * known, until the window passes quietly. Either way it reloads at most {@link #REMOVALS} times within a window:
 * a resumed VLM taken away again is contended at once. Only the operator's own request starts the count afresh.
 */
final class ConditionTracker {

    static final int REMOVALS = 3;
    static final Duration WINDOW = Duration.ofMinutes(2);
    private static final Logger LOG = LoggerFactory.getLogger(ConditionTracker.class);

    private final EventEmitter events;
    private final Map<Condition, Reason> active = new EnumMap<>(Condition.class);
    private final Deque<Instant> removals = new ArrayDeque<>();
    private final Deque<Instant> reloads = new ArrayDeque<>();
    private String contender;

    ConditionTracker(EventEmitter events) {
        this.events = events;
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

    /**
     * The VLM was taken away from outside while the manager wanted it.
     *
     * @return true when this makes it contended: stop reloading
     */
    boolean recordRemoval(Instant at, String vlm, String otherModel, long otherMb) {
        synchronized (this) {
            removals.addLast(at);
            trim(removals, at);
            trim(reloads, at);
            if ((removals.size() < REMOVALS && reloads.size() < REMOVALS) || active.containsKey(Condition.VLM_CONTENDED)) {
                return active.containsKey(Condition.VLM_CONTENDED);
            }
            contender = otherModel;
        }
        String who = otherModel == null ? "another client" : otherModel + " (" + otherMb + " MB)";
        set(Condition.VLM_CONTENDED, Reason.of(Reason.Code.VLM_CONTENDED, vlm + " was taken away " + REMOVALS
                + " times within " + WINDOW.toMinutes() + " minutes, last by " + who + ". The manager stopped reloading it;"
                + " free VRAM for recording to take it back.", vlm, otherModel == null ? "" : otherModel,
                otherModel == null ? 0L : otherMb, REMOVALS, WINDOW.toMinutes()));
        return true;
    }

    /** The manager reloaded the VLM after a removal. */
    synchronized void recordReload(Instant at) {
        reloads.addLast(at);
        trim(reloads, at);
    }

    private static void trim(Deque<Instant> times, Instant now) {
        while (!times.isEmpty() && times.peekFirst().isBefore(now.minus(WINDOW))) {
            times.removeFirst();
        }
    }

    /**
     * Ends contention when the contender left Ollama, or, without a known contender, when no removal happened
     * for a whole window.
     */
    void settleContention(Instant now, Set<String> loadedModels) {
        boolean over;
        synchronized (this) {
            if (!active.containsKey(Condition.VLM_CONTENDED)) {
                return;
            }
            trim(reloads, now);
            Instant last = removals.peekLast();
            over = reloads.size() < REMOVALS && (contender != null
                    ? loadedModels.stream().noneMatch(m -> com.rpavision.gpurm.core.ollama.ModelNames.same(m, contender))
                    : last == null || !last.plus(WINDOW).isAfter(now));
            if (over) {
                contender = null; // the removals stay counted: taken away again soon, it is contended at once
            }
        }
        if (over) {
            clear(Condition.VLM_CONTENDED);
        }
    }

    /** The operator's own move (a mode switch, "free VRAM") starts the count again. */
    void clearContention() {
        synchronized (this) {
            removals.clear();
            reloads.clear();
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
            LOG.warn("Condition {}: {}", condition.wireName(), reason.text());
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
