package com.rpavision.gpurm.ui.tray;

import java.util.Optional;
import java.util.function.Consumer;

/**
 * What the panel asks of its tray icon. {@link SystemTrayController} is the AWT one; the tests drive the panel
 * through a fake, since neither Monocle nor Xvfb has a tray.
 */
public interface Tray {

    /** Redraws the icon, tooltip and menu for a new state. */
    void update(TrayMenu.State state);

    /** A notification from the tray, for when the window is hidden. */
    void notify(String title, String text, boolean warning);

    void close();

    /** Puts an icon in the tray, if the desktop has one. */
    @FunctionalInterface
    interface Installer {

        /**
         * Installs without blocking the caller. {@code onAction} receives the menu's choices on any thread;
         * {@code done} receives the tray, or empty when there is none, on the FX thread.
         */
        void install(TrayMenu.State state, Consumer<TrayMenu.Action> onAction, Consumer<Optional<Tray>> done);
    }
}
