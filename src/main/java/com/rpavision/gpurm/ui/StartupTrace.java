package com.rpavision.gpurm.ui;

import javafx.application.Platform;
import javafx.scene.Scene;

/**
 * Start-up timing for {@code tools/startup-time.sh} and the AppCDS training run: with
 * {@code -Dgpurm.startup.trace=true} prints {@code gpurm-startup first-frame <epoch ms>} on the first pulse
 * that lays out the window, and {@code gpurm-startup dashboard <epoch ms>} once the dashboard replaced it.
 * {@code -Dgpurm.startup.exit=first-frame|dashboard} ends the process right after that point.
 */
final class StartupTrace {

    private static final boolean TRACE = Boolean.getBoolean("gpurm.startup.trace");
    private static final String EXIT = System.getProperty("gpurm.startup.exit", "");

    private StartupTrace() {
    }

    static void onFirstFrame(Scene scene) {
        at(scene, "first-frame");
    }

    static void onDashboard(Scene scene) {
        at(scene, "dashboard");
    }

    private static void at(Scene scene, String point) {
        if (!TRACE && EXIT.isEmpty()) {
            return;
        }
        Runnable[] listener = new Runnable[1];
        listener[0] = () -> {
            scene.removePostLayoutPulseListener(listener[0]);
            if (TRACE) {
                System.out.println("gpurm-startup " + point + " " + System.currentTimeMillis());
                System.out.flush();
            }
            if (EXIT.equals(point)) {
                // let this pulse render, then leave the way a user's quit does
                Platform.runLater(Platform::exit);
            }
        };
        scene.addPostLayoutPulseListener(listener[0]);
    }
}
