package com.rpavision.gpurm.ui.dashboard;

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

    void add(Instant time, VramInfo gpu) {
        if (!points.isEmpty() && !time.isAfter(points.get(points.size() - 1).time())) {
            return;
        }
        points.add(new Point(time, gpu.usedMb(), gpu.gpuUtilizationPercent(), gpu.sensors().temperatureC(),
                gpu.sensors().powerPercentOfLimit()));
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
