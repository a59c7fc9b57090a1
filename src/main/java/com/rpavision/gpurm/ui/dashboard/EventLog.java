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
 * three steps) and a run of VRAM changes with nothing between them is one line with the net change. Filterable,
 * and copied as text with dates.
 */
final class EventLog {

    private static final int LIMIT = 2_000;
    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final Messages messages;
    private final EventText eventText;
    private final ZoneId zone;
    private final ObservableList<LogLine> lines = FXCollections.observableArrayList();
    private final FilteredList<LogLine> visible = new FilteredList<>(lines);
    private final ObjectProperty<LogFilter> filter = new SimpleObjectProperty<>(LogFilter.ALL);
    private final ReadOnlyStringWrapper copyText = new ReadOnlyStringWrapper("");
    private long vramRunDeltaMb;
    private Object idleFreedMb;

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
     * @return the line's text where the event belongs on the timeline too (a mode change, load or unload)
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
            }
            return Optional.empty();
        }
        copyText.set("");
        String text = eventText.describe(event);
        if (event.type() == EventType.IDLE_UNLOAD && idleFreedMb != null) {
            text = messages.get("event.idle_unload.freed", event.details().get("model"),
                    event.details().get("idle_seconds"), idleFreedMb);
            idleFreedMb = null;
        }
        long delta = event.details().get("delta_mb") instanceof Number n ? n.longValue() : 0;
        if (kind == LogLine.Kind.VRAM && !lines.isEmpty() && lines.get(0).kind() == LogLine.Kind.VRAM) {
            vramRunDeltaMb += delta;
            lines.set(0, new LogLine(event.timestamp(), kind,
                    messages.get("event.vram_changed", event.details().get("used_mb"), eventText.signed(vramRunDeltaMb))));
        } else {
            vramRunDeltaMb = delta;
            lines.add(0, new LogLine(event.timestamp(), kind, text));
        }
        if (lines.size() > LIMIT) {
            lines.remove(LIMIT, lines.size());
        }
        boolean onTimeline = kind == LogLine.Kind.MODE || event.type() == EventType.MODEL_LOADED
                || event.type() == EventType.MODEL_UNLOADED || event.type() == EventType.IDLE_UNLOAD;
        return onTimeline ? Optional.of(text) : Optional.empty();
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
