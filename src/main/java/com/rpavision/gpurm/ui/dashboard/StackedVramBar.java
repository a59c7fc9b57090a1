package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.ui.dashboard.VramBarModel.Segment;
import javafx.collections.ListChangeListener;
import javafx.collections.ObservableList;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.Region;


/**
 * One bar with a part per holder of the GPU's memory, each as wide as its share (style class
 * {@code vram-part-<kind>}), and a tooltip with the part's figure. It grows with its card.
 */
public final class StackedVramBar extends Region {

    private static final double HEIGHT = 18;
    private static final double ROOMY_HEIGHT = 30;

    public StackedVramBar() {
        getStyleClass().add("vram-stack");
        setRoomy(false);
    }

    /** A taller bar on a tall window, where it is read from across the desk. */
    public void setRoomy(boolean roomy) {
        double height = roomy ? ROOMY_HEIGHT : HEIGHT;
        setMinHeight(height);
        setPrefHeight(height);
        setMaxHeight(height);
    }

    public void bind(ObservableList<Segment> segments) {
        segments.addListener((ListChangeListener<Segment>) change -> rebuild(segments));
        rebuild(segments);
    }

    private void rebuild(ObservableList<Segment> segments) {
        getChildren().clear();
        for (Segment s : segments) {
            Region part = new Region();
            part.getStyleClass().addAll("vram-part", s.kind().styleClass());
            part.setUserData(s);
            Tooltip.install(part, new Tooltip(s.detail().isEmpty() ? s.legend() : s.legend() + " · " + s.detail()));
            getChildren().add(part);
        }
        requestLayout();
    }

    @Override
    protected void layoutChildren() {
        double x = snappedLeftInset();
        double width = getWidth() - snappedLeftInset() - snappedRightInset();
        double height = getHeight() - snappedTopInset() - snappedBottomInset();
        double total = getChildren().stream().mapToDouble(n -> ((Segment) n.getUserData()).fraction()).sum();
        for (var node : getChildren()) {
            double share = total <= 0 ? 0 : ((Segment) node.getUserData()).fraction() / total;
            double w = snapSizeX(width * share);
            ((Region) node).resizeRelocate(snapPositionX(x), snappedTopInset(), w, height);
            x += w;
        }
    }

    @Override
    protected double computePrefWidth(double height) {
        return 200;
    }
}
