package com.rpavision.gpurm.app.autostart;

import com.rpavision.gpurm.ui.prefs.StartAtLogin;
import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.WinReg;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Picks how this OS starts the installed app at login; jpackage's launcher names itself in {@code jpackage.app-path}. */
public final class StartAtLogins {

    private StartAtLogins() {
    }

    public static StartAtLogin forThisProcess() {
        return forLauncher(System.getProperty("jpackage.app-path"), System.getProperty("os.name", ""), System.getenv(),
                Path.of(System.getProperty("user.home")));
    }

    static StartAtLogin forLauncher(String appPath, String osName, Map<String, String> env, Path home) {
        if (appPath == null || appPath.isBlank() || !Files.isExecutable(Path.of(appPath))) {
            return StartAtLogin.UNAVAILABLE;
        }
        Path launcher = Path.of(appPath).toAbsolutePath();
        if (osName.toLowerCase(Locale.ROOT).startsWith("windows")) {
            return new WindowsRunKey(new JnaUserRegistry(), launcher);
        }
        String xdg = env.get("XDG_CONFIG_HOME");
        Path configHome = xdg != null && Path.of(xdg).isAbsolute() ? Path.of(xdg) : home.resolve(".config");
        return new XdgAutostart(configHome, launcher);
    }

    private static final class JnaUserRegistry implements WindowsRunKey.UserRegistry {
        @Override
        public String read(String key, String value) {
            return Advapi32Util.registryValueExists(WinReg.HKEY_CURRENT_USER, key, value)
                    ? Advapi32Util.registryGetStringValue(WinReg.HKEY_CURRENT_USER, key, value) : null;
        }

        @Override
        public void write(String key, String value, String data) {
            Advapi32Util.registrySetStringValue(WinReg.HKEY_CURRENT_USER, key, value, data);
        }

        @Override
        public void delete(String key, String value) {
            Advapi32Util.registryDeleteValue(WinReg.HKEY_CURRENT_USER, key, value);
        }
    }
}
