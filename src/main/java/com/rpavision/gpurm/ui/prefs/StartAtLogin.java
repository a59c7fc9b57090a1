package com.rpavision.gpurm.ui.prefs;

import java.io.IOException;

/** Whether the installed panel starts when the operator logs in (a per-user setting of the OS, not of ours). */
public interface StartAtLogin {

    /** False when there is nothing to start (run from a build, not an installed launcher) or the OS has no way. */
    boolean available();

    boolean enabled();

    /** Blocking file or registry work: never on the FX thread. */
    void set(boolean enabled) throws IOException;

    /** For a build run from the source tree: the choice is not offered. */
    StartAtLogin UNAVAILABLE = new StartAtLogin() {
        @Override
        public boolean available() {
            return false;
        }

        @Override
        public boolean enabled() {
            return false;
        }

        @Override
        public void set(boolean enabled) throws IOException {
            throw new IOException("start at login is offered by the installed app only");
        }
    };
}
