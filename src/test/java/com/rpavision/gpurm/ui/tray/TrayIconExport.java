package com.rpavision.gpurm.ui.tray;

import com.rpavision.gpurm.core.model.ExecutionMode;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes the tray icons the app draws at run time into assets/tray/ (run by hand after changing the painter:
 * {@code java -cp target/classes:target/test-classes com.rpavision.gpurm.ui.tray.TrayIconExport}).
 */
public final class TrayIconExport {

    private TrayIconExport() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of("assets", "tray"));
        for (ExecutionMode mode : ExecutionMode.values()) {
            for (int size : new int[]{16, 24, 32, 48, 64, 256}) {
                ImageIO.write(TrayIconPainter.paint(mode, size), "png",
                        dir.resolve("tray-" + mode.wireName() + "-" + size + ".png").toFile());
            }
        }
    }
}
