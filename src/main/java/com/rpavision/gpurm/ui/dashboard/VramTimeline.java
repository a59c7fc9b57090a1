package com.rpavision.gpurm.ui.dashboard;

import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.time.Duration;
import java.time.Instant;

/** Used VRAM over the last ten minutes, one point per status read, with the moments something happened. */
public final class VramTimeline {

    public static final Duration WINDOW = Duration.ofMinutes(10);

    /** A sample of the managed GPU. */
    public record Point(Instant time, long usedMb) {
    }

    /** A mode change, load or unload, drawn on the line. */
    public record Marker(Instant time, long usedMb, String label) {
    }

    private final ObservableList<Point> points = FXCollections.observableArrayList();
    private final ObservableList<Marker> markers = FXCollections.observableArrayList();

    public ObservableList<Point> points() {
        return points;
    }

    public ObservableList<Marker> markers() {
        return markers;
    }

    void add(Instant time, long usedMb) {
        if (!points.isEmpty() && !time.isAfter(points.get(points.size() - 1).time())) {
            return;
        }
        points.add(new Point(time, usedMb));
        trim(time);
    }

    void mark(Instant time, String label) {
        long used = points.isEmpty() ? 0 : points.get(points.size() - 1).usedMb();
        markers.add(new Marker(time, used, label));
        trim(time);
    }

    private void trim(Instant now) {
        Instant oldest = now.minus(WINDOW);
        points.removeIf(p -> p.time().isBefore(oldest));
        markers.removeIf(m -> m.time().isBefore(oldest));
    }
}
