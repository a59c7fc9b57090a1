package com.rpavision.gpurm.packaging;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Arc2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws the application icon (window, Start menu, desktop entry, installers) and writes assets/app/: one PNG per
 * size and app.ico holding them all. Run by hand after changing the drawing:
 * {@code java -cp target/classes:target/test-classes com.rpavision.gpurm.packaging.AppIconExport}.
 * The tile is dark slate; the chip is the tray icon's, its core split between recording red and autopilot blue.
 */
public final class AppIconExport {

    static final int[] SIZES = {16, 24, 32, 48, 64, 128, 256};

    private AppIconExport() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Files.createDirectories(Path.of("assets", "app"));
        List<byte[]> pngs = new ArrayList<>();
        for (int size : SIZES) {
            byte[] png = png(paint(size));
            Files.write(dir.resolve("app-" + size + ".png"), png);
            pngs.add(png);
        }
        Files.write(dir.resolve("app.ico"), ico(SIZES, pngs));
    }

    static BufferedImage paint(int size) {
        BufferedImage image = new BufferedImage(size, size, BufferedImage.TYPE_INT_ARGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            double u = size / 32.0;
            g.setPaint(new GradientPaint(0, 0, new Color(0x37, 0x41, 0x51), 0, size, new Color(0x11, 0x18, 0x27)));
            g.fill(new RoundRectangle2D.Double(0, 0, size, size, 14 * u, 14 * u));
            g.setColor(new Color(0xaf, 0xb8, 0xc1));
            g.setStroke(new BasicStroke((float) Math.max(1, 1.6 * u), BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
            for (int i = 0; i < 3; i++) {
                double p = (11 + 5 * i) * u;
                g.draw(new java.awt.geom.Line2D.Double(p, 4.5 * u, p, 8 * u));
                g.draw(new java.awt.geom.Line2D.Double(p, 24 * u, p, 27.5 * u));
                g.draw(new java.awt.geom.Line2D.Double(4.5 * u, p, 8 * u, p));
                g.draw(new java.awt.geom.Line2D.Double(24 * u, p, 27.5 * u, p));
            }
            g.setColor(new Color(0xf6, 0xf8, 0xfa));
            g.fill(new RoundRectangle2D.Double(8 * u, 8 * u, 16 * u, 16 * u, 4 * u, 4 * u));
            double c = 10.5 * u;
            double d = 11 * u;
            g.setColor(new Color(0xcf, 0x22, 0x2e));
            g.fill(new Arc2D.Double(c, c, d, d, 45, 180, Arc2D.PIE));
            g.setColor(new Color(0x09, 0x69, 0xda));
            g.fill(new Arc2D.Double(c, c, d, d, 225, 180, Arc2D.PIE));
        } finally {
            g.dispose();
        }
        return image;
    }

    static byte[] png(BufferedImage image) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    /** An ICO file whose images are PNGs (Windows Vista and later read these at every size). */
    static byte[] ico(int[] sizes, List<byte[]> pngs) {
        int header = 6 + 16 * sizes.length;
        int total = header + pngs.stream().mapToInt(p -> p.length).sum();
        ByteBuffer out = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        out.putShort((short) 0).putShort((short) 1).putShort((short) sizes.length);
        int offset = header;
        for (int i = 0; i < sizes.length; i++) {
            int side = sizes[i] >= 256 ? 0 : sizes[i]; // 0 means 256 in an ICO directory
            out.put((byte) side).put((byte) side).put((byte) 0).put((byte) 0);
            out.putShort((short) 1).putShort((short) 32);
            out.putInt(pngs.get(i).length).putInt(offset);
            offset += pngs.get(i).length;
        }
        pngs.forEach(out::put);
        return out.array();
    }
}
