package com.rpavision.gpurm.testing;

import com.rpavision.gpurm.core.clip.DjlClipEngine;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Run in its own JVM with a fixed heap (-Xms64m -Xmx64m), so resident memory can only grow through native
 * allocations: embeds 100 times to warm up, then 200 more, printing resident KB after each 50.
 */
public final class ClipMemoryCheck {

    private ClipMemoryCheck() {
    }

    public static void main(String[] args) throws Exception {
        ClipFixture.configureDjl();
        DjlClipEngine engine = new DjlClipEngine("tiny-clip", ClipFixture.MODEL, 0);
        engine.start();
        BufferedImage image = ClipFixture.image("ui-640x400.png");
        StringBuilder out = new StringBuilder("RSS_KB");
        for (int i = 1; i <= 300; i++) {
            engine.embed(image);
            if (i % 50 == 0) {
                System.gc();
                out.append(' ').append(residentKb());
            }
        }
        System.out.println(out);
        engine.close();
    }

    private static long residentKb() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
