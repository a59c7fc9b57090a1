package com.rpavision.gpurm.ui.tray;

import com.rpavision.gpurm.core.model.ExecutionMode;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;

/**
 * Draws the app's tray icon: a GPU chip whose core shows the mode in the panel's mode colours (grey idle, pink
 * recording, blue autopilot), so the mode reads at a glance in the tray at any size. The core sits on the dark chip,
 * so it takes the dark theme's values of app.css's {@code -gpurm-mode-*} (ColourSetsTest holds them equal); red
 * stays the panel's error colour.
 */
public final class TrayIconPainter {

    private static final Color CHIP = new Color(0x24, 0x29, 0x2f);
    private static final Color PINS = new Color(0x57, 0x60, 0x6a);

    private TrayIconPainter() {
    }

    public static Color modeColor(ExecutionMode mode) {
        return switch (mode) {
            case IDLE -> new Color(0x8b, 0x94, 0x9e);
            case RECORDING -> new Color(0xdb, 0x61, 0xa2);
            case AUTOPILOT -> new Color(0x58, 0xa6, 0xff);
        };
    }

    public static BufferedImage paint(ExecutionMode mode, int size) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            double u = size / 16.0;
            g.setColor(PINS);
            g.setStroke(new BasicStroke((float) Math.max(1, u)));
            for (int i = 0; i < 3; i++) {
                int p = (int) Math.round((5 + 3 * i) * u);
                g.drawLine(p, 0, p, (int) (3 * u));
                g.drawLine(p, size - (int) (3 * u), p, size);
                g.drawLine(0, p, (int) (3 * u), p);
                g.drawLine(size - (int) (3 * u), p, size, p);
            }
            g.setColor(CHIP);
            g.fillRoundRect((int) (2.5 * u), (int) (2.5 * u), (int) (11 * u), (int) (11 * u), (int) (3 * u), (int) (3 * u));
            g.setColor(modeColor(mode));
            g.fillOval((int) (5 * u), (int) (5 * u), (int) Math.ceil(6 * u), (int) Math.ceil(6 * u));
        } finally {
            g.dispose();
        }
        return image;
    }
}
