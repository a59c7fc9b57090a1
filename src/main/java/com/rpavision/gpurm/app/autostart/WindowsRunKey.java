package com.rpavision.gpurm.app.autostart;

import com.rpavision.gpurm.ui.prefs.StartAtLogin;

import java.io.IOException;
import java.nio.file.Path;

/** Windows: a value under {@code HKCU\Software\Microsoft\Windows\CurrentVersion\Run}, the per-user way. */
final class WindowsRunKey implements StartAtLogin {

    static final String KEY = "Software\\Microsoft\\Windows\\CurrentVersion\\Run";
    static final String VALUE = "GPU Resource Manager";

    /** The few registry calls this needs, so the logic is tested off Windows. */
    interface UserRegistry {
        String read(String key, String value);

        void write(String key, String value, String data);

        void delete(String key, String value);
    }

    private final UserRegistry registry;
    private final Path launcher;

    WindowsRunKey(UserRegistry registry, Path launcher) {
        this.registry = registry;
        this.launcher = launcher;
    }

    @Override
    public boolean available() {
        return true;
    }

    /** On only when the value starts this launcher: an old install elsewhere does not count. */
    @Override
    public boolean enabled() {
        String command = registry.read(KEY, VALUE);
        return command != null && command.equals(command());
    }

    @Override
    public void set(boolean enabled) throws IOException {
        try {
            if (enabled) {
                registry.write(KEY, VALUE, command());
            } else if (registry.read(KEY, VALUE) != null) {
                registry.delete(KEY, VALUE);
            }
        } catch (RuntimeException e) {
            throw new IOException("the Windows registry refused the change: " + e.getMessage(), e);
        }
    }

    private String command() {
        return "\"" + launcher + "\"";
    }
}
