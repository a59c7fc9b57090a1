package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.ui.Messages;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.scene.chart.LineChart;
import javafx.scene.chart.NumberAxis;
import javafx.scene.chart.XYChart;
import javafx.scene.control.Tooltip;
import javafx.scene.shape.SVGPath;
import javafx.util.StringConverter;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * Keeps the three timeline charts (VRAM used in GB, a step at each change, with its events marked; the GPU's
 * utilization and power in %; its temperature in °C, on an axis of its own) in step with a {@link VramTimeline}. A
 * new sample appends one point to each series and drops the ones that left the window, and the time axes slide, so a
 * chart on screen costs one short layout a second; a chart off screen costs nothing and is rebuilt when it is shown
 * again.
 */
final class TimelineCharts {

    private static final double WINDOW_SECONDS = VramTimeline.WINDOW.toSeconds();
    private static final double MB_PER_GB = 1024;
    /** The VRAM axis's tick steps in GB, the first that gives at most {@link #MAX_TICKS} steps is taken. */
    private static final double[] GB_STEPS = {0.5, 1, 2, 4, 8, 16, 32, 64};
    private static final int MAX_TICKS = 6;

    private final VramTimeline timeline;
    private final LineChart<Number, Number> loadChart;
    private final LineChart<Number, Number> temperatureChart;
    private final List<NumberAxis> timeAxes;
    private final XYChart.Series<Number, Number> used = new XYChart.Series<>();
    private final XYChart.Series<Number, Number> events = new XYChart.Series<>();
    private final XYChart.Series<Number, Number> utilization = new XYChart.Series<>();
    private final XYChart.Series<Number, Number> temperature = new XYChart.Series<>();
    private final XYChart.Series<Number, Number> power = new XYChart.Series<>();
    private Instant origin = Instant.EPOCH;
    private boolean shown;
    private boolean stale = true;

    TimelineCharts(VramTimeline timeline, LineChart<Number, Number> vramChart, LineChart<Number, Number> loadChart,
                   LineChart<Number, Number> temperatureChart, ReadOnlyDoubleProperty totalMb, Messages messages) {
        this.timeline = timeline;
        this.loadChart = loadChart;
        this.temperatureChart = temperatureChart;
        this.timeAxes = List.of((NumberAxis) vramChart.getXAxis(), (NumberAxis) loadChart.getXAxis(),
                (NumberAxis) temperatureChart.getXAxis());
        used.setName(messages.get("timeline.series.used"));
        events.setName(messages.get("timeline.series.events"));
        utilization.setName(messages.get("timeline.series.utilization"));
        temperature.setName(messages.get("timeline.series.temperature"));
        power.setName(messages.get("timeline.series.power"));
        // x = 0 is the first sample, which the charts used to mark with a vertical line
        for (LineChart<Number, Number> chart : List.of(vramChart, loadChart, temperatureChart)) {
            chart.setVerticalZeroLineVisible(false);
        }
        vramChart.getData().setAll(List.of(used, events));
        loadChart.getData().setAll(List.of(utilization));
        // no temperature from the driver, no chart: it shows with the first figure
        temperatureChart.setVisible(false);
        temperatureChart.setManaged(false);
        NumberAxis usedAxis = (NumberAxis) vramChart.getYAxis();
        usedAxis.upperBoundProperty().bind(totalMb.divide(MB_PER_GB));
        usedAxis.tickUnitProperty().bind(javafx.beans.binding.Bindings.createDoubleBinding(
                () -> gbStep(totalMb.get() / MB_PER_GB), totalMb));
        java.text.NumberFormat gb = java.text.NumberFormat.getNumberInstance(messages.locale());
        gb.setMaximumFractionDigits(1);
        usedAxis.setTickLabelFormatter(new LocalNumbers(gb));
        for (NumberAxis axis : timeAxes) {
            axis.setTickLabelFormatter(new MinutesAgo(axis));
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

    /** The tick step for a VRAM axis of {@code totalGb}: 2 GB on an 8 GB card, 4 GB on 24 GB, 16 GB on 80 GB. */
    static double gbStep(double totalGb) {
        for (double step : GB_STEPS) {
            if (totalGb / step <= MAX_TICKS) {
                return step;
            }
        }
        return GB_STEPS[GB_STEPS.length - 1];
    }

    private void append(VramTimeline.Point p) {
        double x = x(p.time());
        double gb = p.usedMb() / MB_PER_GB;
        ObservableList<XYChart.Data<Number, Number>> steps = used.getData();
        if (!steps.isEmpty() && steps.get(steps.size() - 1).getYValue().doubleValue() != gb) {
            // a step, not a slope: the level held until this sample, then the new one
            steps.add(new XYChart.Data<>(x, steps.get(steps.size() - 1).getYValue()));
        }
        steps.add(new XYChart.Data<>(x, gb));
        utilization.getData().add(new XYChart.Data<>(x, p.utilizationPercent()));
        appendIfKnown(temperatureChart, temperature, x, p.temperatureC());
        appendIfKnown(loadChart, power, x, p.powerPercentOfLimit());
    }

    /** A series the GPU gives no figure for stays out of the chart and its legend. */
    private static void appendIfKnown(LineChart<Number, Number> chart, XYChart.Series<Number, Number> series, double x,
                                      OptionalInt value) {
        if (value.isEmpty()) {
            return;
        }
        if (!chart.getData().contains(series)) {
            chart.getData().add(series);
            chart.setVisible(true);
            chart.setManaged(true);
        }
        series.getData().add(new XYChart.Data<>(x, value.getAsInt()));
    }

    /** Shapes, so the kinds read apart without a colour each: ◆ mode, ▲ load, ▼ unload (amber: outside the manager). */
    private XYChart.Data<Number, Number> marker(VramTimeline.Marker m) {
        XYChart.Data<Number, Number> d = new XYChart.Data<>(x(m.time()), m.usedMb() / MB_PER_GB);
        SVGPath shape = new SVGPath();
        shape.setContent(switch (m.kind()) {
            case MODE -> "M0,-5 L5,0 L0,5 L-5,0 Z";
            case LOAD -> "M0,-5 L5,4 L-5,4 Z";
            case UNLOAD, EVICTION -> "M0,5 L5,-4 L-5,-4 Z";
        });
        shape.getStyleClass().addAll("timeline-marker", "timeline-marker-" + m.kind().name().toLowerCase(java.util.Locale.ROOT));
        Tooltip.install(shape, new Tooltip(m.label()));
        d.setNode(shape);
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
        for (NumberAxis axis : timeAxes) {
            axis.setLowerBound(newest - WINDOW_SECONDS);
            axis.setUpperBound(newest);
        }
    }

    private double x(Instant time) {
        return Duration.between(origin, time).toMillis() / 1000.0;
    }

    /** "1,5" in French, "1.5" in English. */
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

    /** Ticks read as minutes before the newest sample, "10" … "0", under an axis named "minutes ago". */
    private static final class MinutesAgo extends StringConverter<Number> {
        private final NumberAxis axis;

        MinutesAgo(NumberAxis axis) {
            this.axis = axis;
        }

        @Override
        public String toString(Number value) {
            return Long.toString(Math.round((axis.getUpperBound() - value.doubleValue()) / 60));
        }

        @Override
        public Number fromString(String text) {
            return axis.getUpperBound() - Double.parseDouble(text) * 60;
        }
    }
}
