package com.rpavision.gpurm.ui.tray;

import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.ui.dashboard.Verdict;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Arc2D;
import java.awt.geom.Ellipse2D;
import java.awt.image.BufferedImage;

/**
 * Draws the app's tray icon: a GPU chip whose core shows the mode in the panel's mode colours (grey idle, pink
 * recording, blue autopilot), and the panel's verdict as a mark, so both read at a glance in the tray at any size:
 * a full core when the mode's model is ready (or IDLE needs none), an open ring while it loads or a switch runs, a
 * hollow core when it is not loaded, and a dot in the corner in the panel's alarm colours, amber when pushed out
 * or slow, red on an error or with Ollama down. The icon sits on the dark chip, so it takes the dark theme's values
 * of app.css's {@code -gpurm-mode-*} and {@code -gpurm-alarm-*} (ColourSetsTest holds them equal).
 */
public final class TrayIconPainter {

    private static final Color CHIP = new Color(0x24, 0x29, 0x2f);
    private static final Color PINS = new Color(0x57, 0x60, 0x6a);

    /** How the icon shows a verdict. */
    public enum Mark {
        /** The core filled: ready, or nothing to be ready. */
        FULL,
        /** The core an open ring, as the verdict's ↻: loading, or a switch under way. */
        OPEN_RING,
        /** The core a closed ring, as the verdict's ○: the model is not loaded. */
        HOLLOW,
        /** A full core and an amber corner dot: pushed out, or partly on the CPU. */
        WARNING,
        /** A full core and a red corner dot: an error, or Ollama down. */
        ALARM
    }

    private TrayIconPainter() {
    }

    public static Color modeColor(ExecutionMode mode) {
        return switch (mode) {
            case IDLE -> new Color(0x8b, 0x94, 0x9e);
            case RECORDING -> new Color(0xdb, 0x61, 0xa2);
            case AUTOPILOT -> new Color(0x58, 0xa6, 0xff);
        };
    }

    /** The corner dot's colour; only {@link Mark#WARNING} and {@link Mark#ALARM} have one. */
    public static Color alarmColor(Mark mark) {
        return switch (mark) {
            case WARNING -> new Color(0xd2, 0x99, 0x22);
            case ALARM -> new Color(0xff, 0x7b, 0x72);
            default -> throw new IllegalArgumentException(mark + " has no corner dot");
        };
    }

    public static Mark mark(Verdict.Kind verdict) {
        return switch (verdict) {
            case READY, NONE -> Mark.FULL;
            case LOADING, SWITCHING -> Mark.OPEN_RING;
            case NOT_LOADED -> Mark.HOLLOW;
            case PUSHED_OUT, SLOW -> Mark.WARNING;
            case ERROR, OLLAMA_DOWN -> Mark.ALARM;
        };
    }

    /** The icon without a verdict: the mode alone, as the installers' files show it. */
    public static BufferedImage paint(ExecutionMode mode, int size) {
        return paint(mode, Verdict.Kind.NONE, size);
    }

    public static BufferedImage paint(ExecutionMode mode, Verdict.Kind verdict, int size) {
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
            Mark mark = mark(verdict);
            paintCore(g, mark, modeColor(mode), u);
            if (mark == Mark.WARNING || mark == Mark.ALARM) {
                // outlined in the chip's colour, so the dot stands apart from the core and from a light tray alike
                double r = 3.5 * u;
                g.setColor(CHIP);
                g.fill(new Ellipse2D.Double(12.5 * u - r, 12.5 * u - r, 2 * r, 2 * r));
                double dot = r - Math.max(1, u);
                g.setColor(alarmColor(mark));
                g.fill(new Ellipse2D.Double(12.5 * u - dot, 12.5 * u - dot, 2 * dot, 2 * dot));
            }
        } finally {
            g.dispose();
        }
        return image;
    }

    private static void paintCore(Graphics2D g, Mark mark, Color colour, double u) {
        g.setColor(colour);
        if (mark != Mark.OPEN_RING && mark != Mark.HOLLOW) {
            g.fillOval((int) (5 * u), (int) (5 * u), (int) Math.ceil(6 * u), (int) Math.ceil(6 * u));
            return;
        }
        // a ring 1.5 units wide around the core's middle, open at the top right as the verdict's ↻ for a load
        double width = Math.max(1.5, 1.5 * u);
        double inset = 5 * u + width / 2;
        double diameter = 6 * u - width;
        g.setStroke(new BasicStroke((float) width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER));
        g.draw(new Arc2D.Double(inset, inset, diameter, diameter, mark == Mark.OPEN_RING ? 90 : 0,
                mark == Mark.OPEN_RING ? 270 : 360, Arc2D.OPEN));
    }
}
