package com.rpavision.gpurm.app.autostart;

import com.rpavision.gpurm.ui.prefs.StartAtLogin;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Linux desktops: a desktop entry in {@code $XDG_CONFIG_HOME/autostart} (freedesktop.org autostart spec). */
final class XdgAutostart implements StartAtLogin {

    static final String FILE = "gpu-resource-manager.desktop";

    private final Path entry;
    private final Path launcher;

    XdgAutostart(Path configHome, Path launcher) {
        this.entry = configHome.resolve("autostart").resolve(FILE);
        this.launcher = launcher;
    }

    /** jpackage puts the launcher in bin/ and its icon in lib/, named after the launcher. */
    private String icon() {
        Path png = launcher.getParent().resolveSibling("lib").resolve(launcher.getFileName() + ".png");
        return Files.isRegularFile(png) ? png.toString() : "utilities-system-monitor";
    }

    @Override
    public boolean available() {
        return true;
    }

    @Override
    public boolean enabled() {
        return Files.isRegularFile(entry);
    }

    @Override
    public void set(boolean enabled) throws IOException {
        if (!enabled) {
            Files.deleteIfExists(entry);
            return;
        }
        Files.createDirectories(entry.getParent());
        Path partial = entry.resolveSibling(FILE + ".partial");
        Files.writeString(partial, """
                [Desktop Entry]
                Type=Application
                Name=GPU Resource Manager
                Comment=Orchestrates VRAM between the RPA vision model and CLIP
                Exec="%s"
                Icon=%s
                Terminal=false
                X-GNOME-Autostart-enabled=true
                """.formatted(launcher.toString().replace("\"", "\\\""), icon()));
        Files.move(partial, entry, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
