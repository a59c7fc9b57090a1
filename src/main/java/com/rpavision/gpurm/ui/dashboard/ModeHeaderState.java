package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.ui.Messages;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

import java.time.Clock;

/** The header: the mode asked for and the mode reached, a switch under way, the verdict, the window title's state. */
final class ModeHeaderState {

    private final Messages messages;
    private final ReadOnlyObjectProperty<ModelState> vlmState;
    private final ReadOnlyObjectWrapper<ExecutionMode> mode = new ReadOnlyObjectWrapper<>(ExecutionMode.IDLE);
    private final ReadOnlyBooleanWrapper switching = new ReadOnlyBooleanWrapper();
    private final ReadOnlyStringWrapper switchingText = new ReadOnlyStringWrapper("");
    /** The mode's name, shown large next to the switcher. */
    private final ReadOnlyStringWrapper modeText = new ReadOnlyStringWrapper("");
    /** The mode the manager is in, as last seen: the header shows it, not a switch's target. */
    private final ReadOnlyObjectWrapper<ExecutionMode> reachedMode = new ReadOnlyObjectWrapper<>(ExecutionMode.IDLE);
    private final ReadOnlyObjectWrapper<Verdict> verdict = new ReadOnlyObjectWrapper<>(Verdict.NONE);
    /** The state for the window title and the taskbar: "Recording · VLM loaded". */
    private final ReadOnlyStringWrapper stateTitle = new ReadOnlyStringWrapper("");
    /** Counts switches, so the answer to one overtaken by a later switch is not shown. */
    private long switchGeneration;

    ModeHeaderState(Messages messages, ReadOnlyObjectProperty<ModelState> vlmState) {
        this.messages = messages;
        this.vlmState = vlmState;
        reachedMode.addListener((obs, old, now) -> refreshModeTexts());
        vlmState.addListener((obs, old, now) -> refreshModeTexts());
        refreshModeTexts();
    }

    private void refreshModeTexts() {
        modeText.set(messages.get("mode." + reachedMode.get().name()));
        stateTitle.set(messages.get("title.state", modeText.get(), messages.get("title.vlm." + vlmState.get().name())));
    }

    ReadOnlyObjectProperty<ExecutionMode> modeProperty() { return mode.getReadOnlyProperty(); }
    ReadOnlyBooleanProperty switchingProperty() { return switching.getReadOnlyProperty(); }
    ReadOnlyStringProperty switchingTextProperty() { return switchingText.getReadOnlyProperty(); }
    ReadOnlyStringProperty modeTextProperty() { return modeText.getReadOnlyProperty(); }
    ReadOnlyObjectProperty<ExecutionMode> reachedModeProperty() { return reachedMode.getReadOnlyProperty(); }
    ReadOnlyObjectProperty<Verdict> verdictProperty() { return verdict.getReadOnlyProperty(); }
    ReadOnlyStringProperty stateTitleProperty() { return stateTitle.getReadOnlyProperty(); }

    boolean switching() {
        return switching.get();
    }

    /** The manager's mode, unless a switch runs: the manager names the target at once; the header waits until the switch is done. */
    void follow(GpuResourceStatus status) {
        if (!switching.get()) {
            mode.set(status.executionMode());
            reachedMode.set(status.executionMode());
        }
    }

    /** Whether {@code target} is the switch already under way. */
    boolean isSwitchingTo(ExecutionMode target) {
        return switching.get() && mode.get() == target;
    }

    /** A new switch begins; returns its number for {@link #endSwitch}. */
    long beginSwitch() {
        long generation = ++switchGeneration;
        switching.set(true);
        return generation;
    }

    /** The switch's target in the switcher at once, and "→ Recording…" said. */
    void aimAt(ExecutionMode target) {
        mode.set(target);
        switchingText.set(messages.get("mode.switching", messages.get("mode." + target.name())));
    }

    /** Ends the switch if it is the latest; false for one overtaken by a later switch, whose answer is not shown. */
    boolean endSwitch(long generation) {
        if (generation != switchGeneration) {
            return false;
        }
        switching.set(false);
        return true;
    }

    void clearSwitchingText() {
        switchingText.set("");
    }

    void refreshVerdict(GpuResourceStatus last, LoadProgress loadProgress, Clock clock) {
        if (last == null) {
            return;
        }
        Verdict now = Verdict.of(last, switching.get() ? mode.get() : null, loadProgress.elapsed(clock.instant()),
                loadProgress.typical(), messages);
        // an object property fires on every new instance: the header and the tray redraw only for a new verdict
        if (!now.equals(verdict.get())) {
            verdict.set(now);
        }
    }
}
