package com.rpavision.gpurm.ui.tray;

/**
 * Closing the window with a tray hides it there; the first close of a run says that the manager still runs,
 * after that the operator knows. Kept for the run only, not in the preferences.
 */
final class CloseToTrayNotice {

    private boolean told;

    /** True on the first call only: the notice is due now. */
    boolean due() {
        if (told) {
            return false;
        }
        told = true;
        return true;
    }
}
