package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.ui.Messages;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Tooltip;
import javafx.scene.shape.Circle;
import javafx.util.StringConverter;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * Keeps the two timeline charts (VRAM used with its events; the GPU's utilization, temperature and power) in step
 * with a {@link VramTimeline}. A new sample appends one point to each series and drops the ones that left the
 * window, and the time axes slide, so a chart on screen costs one short layout a second; a chart off screen costs
 * nothing and is rebuilt when it is shown again.
 */
final class TimelineCharts {

    private static final double WINDOW_SECONDS = VramTimeline.WINDOW.toSeconds();

    private final VramTimeline timeline;
    private final LineChart<Number, Number> loadChart;
    private final NumberAxis vramTime;
    private final NumberAxis loadTime;
    private final XYChart.Series<Number, Number> used = new XYChart.Series<>();
    private final XYChart.Series<Number, Number> events = new XYChart.Series<>();
    private final XYChart.Series<Number, Number> utilization = new XYChart.Series<>();
    private final XYChart.Series<Number, Number> temperature = new XYChart.Series<>();
    private final XYChart.Series<Number, Number> power = new XYChart.Series<>();
    private Instant origin = Instant.EPOCH;
    private boolean shown;
    private boolean stale = true;

    TimelineCharts(VramTimeline timeline, LineChart<Number, Number> vramChart, LineChart<Number, Number> loadChart,
                   ReadOnlyDoubleProperty totalMb, Messages messages) {
        this.timeline = timeline;
        this.loadChart = loadChart;
        this.vramTime = (NumberAxis) vramChart.getXAxis();
        this.loadTime = (NumberAxis) loadChart.getXAxis();
        used.setName(messages.get("timeline.series.used"));
        events.setName(messages.get("timeline.series.events"));
        utilization.setName(messages.get("timeline.series.utilization"));
        temperature.setName(messages.get("timeline.series.temperature"));
        power.setName(messages.get("timeline.series.power"));
        // x = 0 is the first sample, which the charts used to mark with a vertical line
        vramChart.setVerticalZeroLineVisible(false);
        loadChart.setVerticalZeroLineVisible(false);
        vramChart.getData().setAll(List.of(used, events));
        loadChart.getData().setAll(List.of(utilization));
        NumberAxis usedAxis = (NumberAxis) vramChart.getYAxis();
        usedAxis.upperBoundProperty().bind(totalMb);
        usedAxis.setTickUnit(4096);
        usedAxis.setTickLabelFormatter(new LocalNumbers(java.text.NumberFormat.getIntegerInstance(messages.locale())));
        for (NumberAxis axis : List.of(vramTime, loadTime)) {
            axis.setTickLabelFormatter(new SecondsAgo(axis));
        }
        timeline.points().addListener((ListChangeListener<VramTimeline.Point>) this::pointsChanged);
        timeline.markers().addListener((ListChangeListener<VramTimeline.Marker>) this::markersChanged);
    }

    /** Whether the charts are on screen; they are rebuilt when they come back into view. */
    void setShown(boolean shown) {
        this.shown = shown;
        if (shown && stale) {
            rebuild();
        }
    }

    private void pointsChanged(ListChangeListener.Change<? extends VramTimeline.Point> change) {
        if (!shown) {
            stale = true;
            return;
        }
        while (change.next()) {
            for (VramTimeline.Point p : change.getAddedSubList()) {
                append(p);
            }
        }
        dropOlderThanWindow();
        slideAxes();
    }

    private void markersChanged(ListChangeListener.Change<? extends VramTimeline.Marker> change) {
        if (!shown) {
            stale = true;
            return;
        }
        while (change.next()) {
            change.getAddedSubList().forEach(m -> events.getData().add(marker(m)));
        }
        dropOlderThanWindow();
    }

    private void rebuild() {
        stale = false;
        ObservableList<VramTimeline.Point> points = timeline.points();
        origin = points.isEmpty() ? Instant.EPOCH : points.get(0).time();
        for (XYChart.Series<Number, Number> series : List.of(used, events, utilization, temperature, power)) {
            series.getData().clear();
        }
        points.forEach(this::append);
        events.getData().setAll(timeline.markers().stream().map(this::marker).toList());
        slideAxes();
    }

    private void append(VramTimeline.Point p) {
        double x = x(p.time());
        used.getData().add(new XYChart.Data<>(x, p.usedMb()));
        utilization.getData().add(new XYChart.Data<>(x, p.utilizationPercent()));
        appendIfKnown(temperature, x, p.temperatureC());
        appendIfKnown(power, x, p.powerPercentOfLimit());
    }

    /** A series the GPU gives no figure for stays out of the chart and its legend. */
    private void appendIfKnown(XYChart.Series<Number, Number> series, double x, OptionalInt value) {
        if (value.isEmpty()) {
            return;
        }
        if (!loadChart.getData().contains(series)) {
            loadChart.getData().add(series);
        }
        series.getData().add(new XYChart.Data<>(x, value.getAsInt()));
    }

    private XYChart.Data<Number, Number> marker(VramTimeline.Marker m) {
        XYChart.Data<Number, Number> d = new XYChart.Data<>(x(m.time()), m.usedMb());
        Circle dot = new Circle(4);
        dot.getStyleClass().add("timeline-marker");
        Tooltip.install(dot, new Tooltip(m.label()));
        d.setNode(dot);
        return d;
    }

    private void dropOlderThanWindow() {
        ObservableList<VramTimeline.Point> points = timeline.points();
        if (points.isEmpty()) {
            return;
        }
        double oldest = x(points.get(0).time());
        for (XYChart.Series<Number, Number> series : List.of(used, events, utilization, temperature, power)) {
            dropBefore(series.getData(), oldest, XYChart.Data::getXValue);
        }
    }

    private static <T> void dropBefore(ObservableList<T> data, double oldest, Function<T, Number> xOf) {
        int count = 0;
        while (count < data.size() && xOf.apply(data.get(count)).doubleValue() < oldest) {
            count++;
        }
        if (count > 0) {
            data.remove(0, count);
        }
    }

    private void slideAxes() {
        ObservableList<VramTimeline.Point> points = timeline.points();
        double newest = points.isEmpty() ? 0 : x(points.get(points.size() - 1).time());
        for (NumberAxis axis : List.of(vramTime, loadTime)) {
            axis.setLowerBound(newest - WINDOW_SECONDS);
            axis.setUpperBound(newest);
        }
    }

    private double x(Instant time) {
        return Duration.between(origin, time).toMillis() / 1000.0;
    }

    /** "24 564" in French, "24,564" in English. */
    private static final class LocalNumbers extends StringConverter<Number> {
        private final java.text.NumberFormat format;

        LocalNumbers(java.text.NumberFormat format) {
            this.format = format;
        }

        @Override
        public String toString(Number value) {
            return format.format(value);
        }

        @Override
        public Number fromString(String text) {
            try {
                return format.parse(text);
            } catch (java.text.ParseException e) {
                throw new IllegalArgumentException(text, e);
            }
        }
    }

    /** Ticks read as seconds before the newest sample: "-600" … "0". */
    private static final class SecondsAgo extends StringConverter<Number> {
        private final NumberAxis axis;

        SecondsAgo(NumberAxis axis) {
            this.axis = axis;
        }

        @Override
        public String toString(Number value) {
            return Long.toString(Math.round(value.doubleValue() - axis.getUpperBound()));
        }

        @Override
        public Number fromString(String text) {
            return Double.parseDouble(text) + axis.getUpperBound();
        }
    }
}
