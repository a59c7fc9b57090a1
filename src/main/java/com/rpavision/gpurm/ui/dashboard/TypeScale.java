package com.rpavision.gpurm.ui.dashboard;

import javafx.scene.layout.Region;
import javafx.scene.text.Font;

import java.util.Locale;

/**
 * Type that grows with the window: every size in the style sheet is in em, so one font size on the dashboard
 * scales its text, and with it the mode and verdict the operator reads from across the room (issue 25, item 7).
 * A window of {@link #BASE_WIDTH} x {@link #BASE_HEIGHT} layout pixels or less keeps the system's size; a larger
 * one scales with its smaller side's ratio, up to {@link #MAX_SCALE}. A display scaled by the OS (150 %) already
 * has fewer layout pixels, so it is not scaled twice.
 */
final class TypeScale {

    static final double BASE_WIDTH = 1600;
    static final double BASE_HEIGHT = 1000;
    static final double MAX_SCALE = 1.6;
    /** Sizes move in half pixels, so a resize by a few pixels does not restyle the whole scene. */
    private static final double STEP = 0.5;

    private final Region dashboard;
    private final double baseSize;
    private double applied = -1;

    TypeScale(Region dashboard) {
        this(dashboard, Font.getDefault().getSize());
    }

    TypeScale(Region dashboard, double baseSize) {
        this.dashboard = dashboard;
        this.baseSize = baseSize;
        dashboard.widthProperty().addListener(o -> fit());
        dashboard.heightProperty().addListener(o -> fit());
        fit();
    }

    /** The factor for a window of this size. */
    static double scaleFor(double width, double height) {
        if (width <= 0 || height <= 0) {
            return 1;
        }
        double scale = Math.min(width / BASE_WIDTH, height / BASE_HEIGHT);
        return Math.max(1, Math.min(MAX_SCALE, scale));
    }

    /** The font size the dashboard has now, in pixels. */
    double fontSize() {
        return applied < 0 ? baseSize : applied;
    }

    private void fit() {
        double size = Math.round(baseSize * scaleFor(dashboard.getWidth(), dashboard.getHeight()) / STEP) * STEP;
        if (size == applied) {
            return;
        }
        applied = size;
        dashboard.setStyle(String.format(Locale.ROOT, "-fx-font-size: %.1fpx;", size));
    }
}
