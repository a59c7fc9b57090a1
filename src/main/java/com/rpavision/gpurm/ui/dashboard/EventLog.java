package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel.LogFilter;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.beans.property.SimpleObjectProperty;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;
import javafx.collections.transformation.FilteredList;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The dashboard's event log, newest first: one line per event, except that an idle unload is one line (not its
 * three steps), a VRAM change is added to the line of the action that caused it (a load, an unload, an eviction
 * seen, a CLIP move: the latest one, within {@link #CAUSE_WINDOW}), and a run of other VRAM changes is one line
 * with the net change, gone when that is zero. Filterable, and copied as text with dates.
 */
final class EventLog {

    private static final int LIMIT = 2_000;
    /** VRAM moves in steps for a few seconds after the action that moves it (Ollama frees a runner in ~1 s). */
    static final java.time.Duration CAUSE_WINDOW = java.time.Duration.ofSeconds(15);
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final Messages messages;
    private final EventText eventText;
    private final ZoneId zone;
    private final ObservableList<LogLine> lines = FXCollections.observableArrayList();
    private final FilteredList<LogLine> visible = new FilteredList<>(lines);
    private final ObjectProperty<LogFilter> filter = new SimpleObjectProperty<>(LogFilter.ALL);
    private final ReadOnlyStringWrapper copyText = new ReadOnlyStringWrapper("");
    private long vramRunDeltaMb;
    private Object vramRunUsedMb;
    private Object idleFreedMb;
    /** The VRAM that moved during an idle unload's unlogged steps, for the idle unload's line; null outside one. */
    private IdleSteps idleSteps;
    private final OtherModelMoves otherModels = new OtherModelMoves();
    /** The latest action a VRAM change may belong to; its line is at the top while no other line came after it. */
    private Cause cause;

    private record IdleSteps(long deltaMb, Object usedMb) {
    }

    /** An action's line as written, and the VRAM change added to it so far. */
    private record Cause(LogLine line, String text, String model, long deltaMb, boolean underWay) {
    }

    EventLog(Messages messages, ZoneId zone) {
        this.messages = messages;
        this.zone = zone;
        this.eventText = new EventText(messages, zone);
        filter.addListener((obs, old, now) -> visible.setPredicate(line -> accepts(now, line)));
    }

    ObjectProperty<LogFilter> filterProperty() { return filter; }
    ObservableList<LogLine> visible() { return visible; }
    ReadOnlyStringProperty copyTextProperty() { return copyText.getReadOnlyProperty(); }

    /**
     * Adds the event's line.
     *
     * @return the line's text where the event belongs on the timeline too (a mode change, load, unload, or the
     *         vision model changed outside the manager)
     */
    Optional<String> add(ResourceChangedEvent event) {
        LogLine.Kind kind = switch (event.type()) {
            case MODE_CHANGED -> LogLine.Kind.MODE;
            case DEGRADED_ON, DEGRADED_OFF, VLM_DRIFT, CONDITION_CHANGED -> LogLine.Kind.HEALTH;
            case VRAM_CHANGED -> LogLine.Kind.VRAM;
            default -> LogLine.Kind.MODEL;
        };
        if (isIdleUnloadStep(event)) {
            // The idle unload's own line says it all; its unloading and unloaded steps would make it three.
            if (event.type() == EventType.MODEL_UNLOADED) {
                idleFreedMb = event.details().get("vram_freed_mb");
            } else if (idleSteps == null) {
                idleSteps = new IdleSteps(0, null);
            }
            return Optional.empty();
        }
        long delta = event.details().get("delta_mb") instanceof Number n ? n.longValue() : 0;
        if (idleSteps != null && kind == LogLine.Kind.VRAM) {
            // VRAM freed between the idle unload's steps belongs to its line, which comes after them
            idleSteps = new IdleSteps(idleSteps.deltaMb() + delta, event.details().get("used_mb"));
            return Optional.empty();
        }
        IdleSteps freedDuringSteps = idleSteps;
        idleSteps = null;
        if (freedDuringSteps != null && freedDuringSteps.deltaMb() != 0 && event.type() != EventType.IDLE_UNLOAD) {
            // the unload did not end as an idle unload: its VRAM change gets a line of its own, as any other
            addVramChange(ResourceChangedEvent.of(event.timestamp(), EventType.VRAM_CHANGED,
                    "used_mb", freedDuringSteps.usedMb(), "delta_mb", freedDuringSteps.deltaMb()),
                    freedDuringSteps.deltaMb());
            freedDuringSteps = null;
        }
        copyText.set("");
        String text = eventText.describe(event);
        if (event.type() == EventType.IDLE_UNLOAD && idleFreedMb != null) {
            text = messages.get("event.idle_unload.freed", event.details().get("model"),
                    event.details().get("idle_seconds"), idleFreedMb);
            idleFreedMb = null;
        }
        if (kind == LogLine.Kind.VRAM) {
            addVramChange(event, delta);
        } else {
            addAction(event, kind, text);
        }
        if (freedDuringSteps != null && freedDuringSteps.deltaMb() != 0 && cause != null) {
            cause = withDelta(cause, freedDuringSteps.deltaMb(), freedDuringSteps.usedMb());
        }
        if (lines.size() > LIMIT) {
            lines.remove(LIMIT, lines.size());
        }
        boolean onTimeline = kind == LogLine.Kind.MODE || event.type() == EventType.MODEL_LOADED
                || event.type() == EventType.MODEL_UNLOADED || event.type() == EventType.IDLE_UNLOAD
                || event.type() == EventType.OTHER_MODEL_UNLOADED || event.type() == EventType.VLM_DRIFT;
        return onTimeline ? Optional.of(text) : Optional.empty();
    }

    /**
     * Logs the other Ollama models that came onto the GPU or left it since the last status, as actions a VRAM change
     * may belong to.
     */
    void otherModelsSeen(java.time.Instant at, java.util.List<com.rpavision.gpurm.core.model.VramBreakdown.ModelUse> models) {
        for (OtherModelMoves.Move move : otherModels.look(models)) {
            copyText.set("");
            String text = messages.get(move.arrived() ? "event.other_model_arrived" : "event.other_model_left",
                    move.model(), move.vramMb());
            LogLine line = new LogLine(at, LogLine.Kind.MODEL, text);
            boolean ownActionRecent = cause != null && !at.isAfter(cause.line().time().plus(CAUSE_WINDOW));
            LogLine run = lines.isEmpty() ? null : lines.get(0);
            boolean runJustBefore = run != null && run.kind() == LogLine.Kind.VRAM && !ownActionRecent
                    && !at.isAfter(run.time().plus(CAUSE_WINDOW));
            if (runJustBefore) {
                lines.remove(0); // the GPU reading saw the model before Ollama's list did: the change is its
            }
            lines.add(0, line);
            if (!ownActionRecent) {
                // else the VRAM still belongs to our own action: a model Ollama evicted for our load left for it
                cause = new Cause(line, text, move.model(), 0, false);
                if (runJustBefore) {
                    cause = withDelta(cause, vramRunDeltaMb, vramRunUsedMb);
                }
            }
            vramRunDeltaMb = 0;
        }
    }

    private void addAction(ResourceChangedEvent event, LogLine.Kind kind, String text) {
        LogLine line = new LogLine(event.timestamp(), kind, text);
        lines.add(0, line);
        if (event.type() == EventType.OTHER_MODEL_UNLOADED) {
            otherModels.unloadedOnRequest(String.valueOf(event.details().get("model")));
        }
        if (event.type() == EventType.CONDITION_CHANGED || event.type() == EventType.DEGRADED_ON
                || event.type() == EventType.DEGRADED_OFF) {
            return; // a condition comments on what happened: the VRAM still belongs to the action before it
        }
        Object model = event.details().get("model");
        boolean underWay = event.type() == EventType.MODEL_LOADING || event.type() == EventType.MODEL_UNLOADING;
        boolean ends = event.type() == EventType.MODEL_LOADED || event.type() == EventType.MODEL_UNLOADED
                || event.type() == EventType.IDLE_UNLOAD;
        long carried = 0;
        if (ends && cause != null && cause.underWay() && java.util.Objects.equals(cause.model(), model)) {
            // The VRAM that moved while it loaded belongs to "loaded", the step that says what it cost.
            carried = cause.deltaMb();
            replace(cause.line(), new LogLine(cause.line().time(), cause.line().kind(), cause.text()));
        }
        boolean causesVram = underWay || ends || event.type() == EventType.DEVICE_CHANGED
                || event.type() == EventType.OTHER_MODEL_UNLOADED || event.type() == EventType.VLM_DRIFT;
        cause = causesVram ? new Cause(line, eventText.beforeVramChange(event, text), model == null ? null : model.toString(), carried, underWay) : null;
        if (carried != 0) {
            cause = withDelta(cause, carried, null);
        }
        vramRunDeltaMb = 0;
    }

    private void addVramChange(ResourceChangedEvent event, long delta) {
        Object used = event.details().get("used_mb");
        if (cause != null && !event.timestamp().isAfter(cause.line().time().plus(CAUSE_WINDOW))) {
            cause = withDelta(cause, cause.deltaMb() + delta, used);
            return;
        }
        cause = null;
        vramRunUsedMb = used;
        if (!lines.isEmpty() && lines.get(0).kind() == LogLine.Kind.VRAM) {
            vramRunDeltaMb += delta;
            if (vramRunDeltaMb == 0) {
                lines.remove(0); // back where the run started: nothing to tell
            } else {
                lines.set(0, new LogLine(event.timestamp(), LogLine.Kind.VRAM,
                        messages.get("event.vram_changed", used, eventText.signed(vramRunDeltaMb))));
            }
        } else if (delta != 0) {
            vramRunDeltaMb = delta;
            lines.add(0, new LogLine(event.timestamp(), LogLine.Kind.VRAM, eventText.describe(event)));
        }
    }

    /** The cause's line with its VRAM change: "qwen3-vl:8b loaded (3.0 s); VRAM 11,810 MB used (+10,500 MB)". */
    private Cause withDelta(Cause c, long deltaMb, Object usedMb) {
        // "Loading vision model qwen3-vl:8b; VRAM …": the step's ellipsis goes where the line goes on
        String base = c.text().endsWith("\u2026") ? c.text().substring(0, c.text().length() - 1) : c.text();
        String text = deltaMb == 0 ? c.text() : usedMb == null
                ? messages.get("event.with_vram_delta", base, eventText.signed(deltaMb))
                : messages.get("event.with_vram", base, usedMb, eventText.signed(deltaMb));
        LogLine updated = new LogLine(c.line().time(), c.line().kind(), text);
        replace(c.line(), updated);
        return new Cause(updated, c.text(), c.model(), deltaMb, c.underWay());
    }

    private void replace(LogLine old, LogLine updated) {
        int at = lines.indexOf(old);
        if (at >= 0) {
            lines.set(at, updated);
        }
    }

    /** The core names an idle unload's steps "idle timeout" (VlmController.unload's why). */
    private static boolean isIdleUnloadStep(ResourceChangedEvent e) {
        return (e.type() == EventType.MODEL_UNLOADING || e.type() == EventType.MODEL_UNLOADED)
                && "idle timeout".equals(e.details().get("reason"));
    }

    private static boolean accepts(LogFilter filter, LogLine line) {
        return switch (filter) {
            case ALL -> true;
            case MODELS -> line.kind() == LogLine.Kind.MODEL;
            case MODES -> line.kind() == LogLine.Kind.MODE;
            case HEALTH -> line.kind() == LogLine.Kind.HEALTH;
        };
    }

    /** The visible lines as text, newest first as on screen, each with its date, for the clipboard. */
    String visibleAsText() {
        return visible.stream().map(l -> DATE_TIME.format(l.time().atZone(zone)) + "  " + l.text())
                .collect(Collectors.joining(System.lineSeparator()));
    }

    /** Copy's answer: how many lines went to the clipboard. Returns the text to put there. */
    String copyVisible() {
        String text = visibleAsText();
        copyText.set(messages.get("log.copied", visible.size()));
        return text;
    }
}
