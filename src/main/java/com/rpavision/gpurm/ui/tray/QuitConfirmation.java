package com.rpavision.gpurm.ui.tray;

import com.rpavision.gpurm.core.model.ExecutionMode;

import java.util.function.BooleanSupplier;

/** Whether quitting asks the operator first, and quitting through the app's exit when the answer allows it. */
public final class QuitConfirmation {

    /** Where the operator asked to quit. */
    public enum Origin {
        /** The tray menu's Quit. */
        TRAY,
        /** The window's close box, on a desktop without a tray (or before the tray is known): closing quits. */
        WINDOW_CLOSE
    }

    private final BooleanSupplier operatorConfirms;
    private final Runnable exit;

    /**
     * @param operatorConfirms asks and answers true for OK; on the FX thread it may wait in a nested event loop
     * @param exit             the app's one way out ({@code Platform::exit}: it saves the window's placement)
     */
    public QuitConfirmation(BooleanSupplier operatorConfirms, Runnable exit) {
        this.operatorConfirms = operatorConfirms;
        this.exit = exit;
    }

    public static boolean asksFirst(Origin origin, ExecutionMode mode) {
        return switch (origin) {
            // Quitting while recording leaves the RPA agent without its VLM manager; otherwise Quit means it.
            case TRAY -> mode == ExecutionMode.RECORDING;
            // Without a tray the close box stops the manager, which closing a window does not suggest.
            case WINDOW_CLOSE -> true;
        };
    }

    /** Quits unless the operator, asked where {@link #asksFirst} says so, cancels; true when it quit. */
    public boolean request(Origin origin, ExecutionMode mode) {
        if (asksFirst(origin, mode) && !operatorConfirms.getAsBoolean()) {
            return false;
        }
        exit.run();
        return true;
    }
}
