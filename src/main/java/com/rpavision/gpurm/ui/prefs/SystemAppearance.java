package com.rpavision.gpurm.ui.prefs;

import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.WinReg;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Whether the operating system asks for dark applications (JavaFX 21 cannot tell): the Windows "apps use light
 * theme" setting, or GNOME's color-scheme on Linux. Anything unknown reads as light.
 */
public final class SystemAppearance {

    private SystemAppearance() {
    }

    public static boolean prefersDark() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        try {
            if (os.startsWith("windows")) {
                String key = "Software\\Microsoft\\Windows\\CurrentVersion\\Themes\\Personalize";
                return Advapi32Util.registryValueExists(WinReg.HKEY_CURRENT_USER, key, "AppsUseLightTheme")
                        && Advapi32Util.registryGetIntValue(WinReg.HKEY_CURRENT_USER, key, "AppsUseLightTheme") == 0;
            }
            if (os.contains("linux")) {
                return gnomeColorScheme().contains("dark");
            }
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
        return false;
    }

    private static String gnomeColorScheme() {
        try {
            Process p = new ProcessBuilder("gsettings", "get", "org.gnome.desktop.interface", "color-scheme")
                    .redirectErrorStream(true).start();
            if (!p.waitFor(2, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "";
            }
            return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }
}
