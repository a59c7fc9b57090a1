package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.core.model.VramInfo;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.time.Duration;
import java.time.Instant;
import java.util.OptionalInt;

/**
 * Used VRAM and the GPU's load over the last ten minutes, one point per status read, with the moments something
 * happened.
 */
public final class VramTimeline {

    public static final Duration WINDOW = Duration.ofMinutes(10);

    /**
     * A sample of the managed GPU.
     *
     * @param temperatureC        empty where the driver gives none
     * @param powerPercentOfLimit empty where the driver gives no power draw or limit
     */
    public record Point(Instant time, long usedMb, int utilizationPercent, OptionalInt temperatureC,
                        OptionalInt powerPercentOfLimit) {
    }

    /** What a marker marks: each is drawn in its own shape, what another client did in the warning colour. */
    public enum Kind {
        MODE, LOAD, UNLOAD,
        /** The vision model taken off the GPU outside the manager: evicted, unloaded by another client, Ollama gone. */
        EVICTION;

        /** The kind of marker an event makes; the event log decides which events are marked at all. */
        static Kind of(ResourceChangedEvent event) {
            return switch (event.type()) {
                case MODE_CHANGED -> MODE;
                case MODEL_LOADED -> LOAD;
                case VLM_DRIFT -> "loaded_outside".equals(event.details().get("cause")) ? LOAD : EVICTION;
                default -> UNLOAD;
            };
        }
    }

    /** A mode change, load, unload or eviction, drawn on the line. */
    public record Marker(Instant time, long usedMb, String label, Kind kind) {
    }

    private final ObservableList<Point> points = FXCollections.observableArrayList();
    private final ObservableList<Marker> markers = FXCollections.observableArrayList();

    public ObservableList<Point> points() {
        return points;
    }

    public ObservableList<Marker> markers() {
        return markers;
    }

    void add(Instant time, VramInfo gpu) {
        if (!points.isEmpty() && !time.isAfter(points.get(points.size() - 1).time())) {
            return;
        }
        points.add(new Point(time, gpu.usedMb(), gpu.gpuUtilizationPercent(), gpu.sensors().temperatureC(),
                gpu.sensors().powerPercentOfLimit()));
        trim(time);
    }

    void mark(Instant time, String label, Kind kind) {
        long used = points.isEmpty() ? 0 : points.get(points.size() - 1).usedMb();
        markers.add(new Marker(time, used, label, kind));
        trim(time);
    }

    private void trim(Instant now) {
        Instant oldest = now.minus(WINDOW);
        points.removeIf(p -> p.time().isBefore(oldest));
        markers.removeIf(m -> m.time().isBefore(oldest));
    }
}
