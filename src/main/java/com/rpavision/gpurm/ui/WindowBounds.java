package com.rpavision.gpurm.ui;

import javafx.geometry.Rectangle2D;

/** Fits a window into a screen's visible area: no larger than it, and wholly inside it. */
public final class WindowBounds {

    /** A window's place and size; x and y are NaN when it has no place yet (the window manager chooses). */
    public record Rect(double x, double y, double width, double height) {
    }

    private WindowBounds() {
    }

    public static Rect clamp(Rect wanted, Rectangle2D visible) {
        double width = Math.min(wanted.width(), visible.getWidth());
        double height = Math.min(wanted.height(), visible.getHeight());
        if (Double.isNaN(wanted.x()) || Double.isNaN(wanted.y())) {
            return new Rect(Double.NaN, Double.NaN, width, height);
        }
        double x = Math.max(visible.getMinX(), Math.min(wanted.x(), visible.getMaxX() - width));
        double y = Math.max(visible.getMinY(), Math.min(wanted.y(), visible.getMaxY() - height));
        return new Rect(x, y, width, height);
    }
}
