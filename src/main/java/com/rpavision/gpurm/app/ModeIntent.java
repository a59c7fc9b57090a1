package com.rpavision.gpurm.app;

import com.rpavision.gpurm.core.journal.Journal;
import com.rpavision.gpurm.core.journal.JournalEntry;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ExecutionMode;

import java.util.List;
import java.util.Optional;

/**
 * The mode the operator had chosen when the manager last ran, read back from the journal (every mode change is in
 * it, and a clean stop ends with a change to "off"): after a crash, a kill -9 or a power cut the station comes back
 * in that mode instead of IDLE.
 */
final class ModeIntent {

    /** The mode to restore, and whether the manager had stopped without a word. */
    record Restore(ExecutionMode mode, boolean unexpectedStop) {
        String wireReason() {
            return unexpectedStop ? "unexpected_stop" : "clean_stop";
        }
    }

    private ModeIntent() {
    }

    /**
     * From the journal's entries, oldest first; empty when there is nothing to restore (IDLE, no history, or a
     * clean quit while {@code afterCleanStop} is off: the Settings' choice; a crash always restores).
     */
    static Optional<Restore> of(List<JournalEntry> entries, boolean afterCleanStop) {
        return of(entries).filter(restore -> restore.unexpectedStop() || afterCleanStop);
    }

    static Optional<Restore> of(List<JournalEntry> entries) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            JournalEntry e = entries.get(i);
            if (e.type() != EventType.MODE_CHANGED) {
                continue;
            }
            boolean clean = Journal.OFF.equals(e.textDetail("to"));
            String mode = clean ? e.textDetail("from") : e.textDetail("to");
            try {
                ExecutionMode chosen = ExecutionMode.fromWireName(mode);
                return chosen == ExecutionMode.IDLE ? Optional.empty() : Optional.of(new Restore(chosen, !clean));
            } catch (IllegalArgumentException notAMode) {
                return Optional.empty(); // "off" then "off": nothing was chosen
            }
        }
        return Optional.empty();
    }
}
