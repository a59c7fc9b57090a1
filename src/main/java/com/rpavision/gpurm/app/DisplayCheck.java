package com.rpavision.gpurm.app;

import java.util.Map;
import java.util.Optional;

/** Whether the panel can open a window here; on Linux without X11 or Wayland it cannot, and says what to run. */
public final class DisplayCheck {

    private DisplayCheck() {
    }

    public static Optional<String> problem(Map<String, String> env, String osName) {
        boolean linux = osName != null && osName.toLowerCase(java.util.Locale.ROOT).contains("linux");
        boolean display = !env.getOrDefault("DISPLAY", "").isBlank() || !env.getOrDefault("WAYLAND_DISPLAY", "").isBlank();
        if (!linux || display) {
            return Optional.empty();
        }
        return Optional.of("No display (DISPLAY and WAYLAND_DISPLAY are unset): run with --headless to manage the GPU"
                + " without the panel (add --demo to try it), or start it under a desktop or Xvfb (see the README).");
    }
}
