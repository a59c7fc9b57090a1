package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.ui.Messages;
import javafx.beans.binding.Bindings;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.HBox;

import java.util.List;
import java.util.Map;

import static com.rpavision.gpurm.ui.dashboard.Visibility.show;

/** The header's mode card bound to the view model: the three-way switcher, its shortcuts, the mode reached, the verdict. */
final class ModeSwitcherBinder {

    private static final List<String> MODE_STYLES = List.of("mode-idle", "mode-recording", "mode-autopilot");

    private final DashboardViewModel vm;
    private final HBox modeCard;
    private final Label verdict;
    private final ToggleGroup modes = new ToggleGroup();
    private final Map<ExecutionMode, ToggleButton> modeButtons;

    ModeSwitcherBinder(DashboardViewModel vm, Messages messages, HBox modeCard, Label modeName, Label verdict,
                       ToggleButton idleButton, ToggleButton recordingButton, ToggleButton autopilotButton,
                       ProgressIndicator switchProgress, Label switchingText) {
        this.vm = vm;
        this.modeCard = modeCard;
        this.verdict = verdict;
        modeButtons = Map.of(ExecutionMode.IDLE, idleButton, ExecutionMode.RECORDING, recordingButton,
                ExecutionMode.AUTOPILOT, autopilotButton);
        modeButtons.forEach((mode, button) -> {
            button.setToggleGroup(modes);
            button.setUserData(mode);
            button.setOnAction(e -> vm.switchMode(mode));
        });
        modeButtons.forEach((mode, button) -> {
            button.getStyleClass().add("mode-" + mode.wireName() + "-button");
            button.setTooltip(new Tooltip(messages.get("mode.shortcut", mode.ordinal() + 1)));
        });
        // Before a load, as LM Studio shows it: what the VLM needs and what it could have.
        recordingButton.getTooltip().textProperty().bind(Bindings.createStringBinding(
                () -> vm.vlmFitTextProperty().get().isEmpty() ? messages.get("mode.shortcut", 2)
                        : messages.get("mode.shortcut", 2) + "\n" + vm.vlmModelProperty().get() + ": "
                                + vm.vlmFitTextProperty().get(),
                vm.vlmFitTextProperty(), vm.vlmModelProperty()));
        selectMode(vm.modeProperty().get());
        colourModeCard(vm.reachedModeProperty().get());
        vm.modeProperty().addListener((o, a, mode) -> selectMode(mode));
        modeName.textProperty().bind(vm.modeTextProperty());
        showVerdict(vm.verdictProperty().get());
        vm.verdictProperty().addListener((o, was, now) -> showVerdict(now));
        new SwitchingPulse(verdict, vm.switchingProperty());
        vm.reachedModeProperty().addListener((o, was, now) -> colourModeCard(now));
        // A pressed toggle must not end up unselected: the mode is always one of the three.
        modes.selectedToggleProperty().addListener((o, old, now) -> {
            if (now == null && old != null) {
                modes.selectToggle(old);
            }
        });
        switchProgress.visibleProperty().bind(vm.switchingProperty());
        switchProgress.managedProperty().bind(vm.switchingProperty());
        // the verdict says "→ Recording…"; this line speaks only when a switch could not be made
        switchingText.textProperty().bind(vm.switchingTextProperty());
        switchingText.visibleProperty().bind(vm.switchingProperty().not());
        // The switcher's buttons are off while a switch runs, and focus would fall to the next control
        // (Diagnostics…, where Enter opens a file dialog): it comes back to the selected mode.
        vm.switchingProperty().addListener((o, was, now) -> {
            if (!now && modes.getSelectedToggle() instanceof ToggleButton selected) {
                selected.requestFocus();
            }
        });
        idleButton.sceneProperty().addListener((o, a, scene) -> {
            if (scene != null) {
                addShortcut(scene, KeyCode.DIGIT1, ExecutionMode.IDLE);
                addShortcut(scene, KeyCode.DIGIT2, ExecutionMode.RECORDING);
                addShortcut(scene, KeyCode.DIGIT3, ExecutionMode.AUTOPILOT);
            }
        });
    }

    private void addShortcut(Scene scene, KeyCode key, ExecutionMode mode) {
        scene.getAccelerators().put(new KeyCodeCombination(key, KeyCombination.SHORTCUT_DOWN), () -> vm.switchMode(mode));
    }

    /** The segment of the mode asked for (a switch's target at once). */
    private void selectMode(ExecutionMode mode) {
        modes.selectToggle(modeButtons.get(mode));
    }

    /** The mode reached in its tray colour (grey, red, blue) on the card's band and its name. */
    private void colourModeCard(ExecutionMode mode) {
        modeCard.getStyleClass().removeAll(MODE_STYLES);
        modeCard.getStyleClass().add("mode-" + mode.wireName());
    }

    private void showVerdict(Verdict shown) {
        verdict.setText(shown.shown());
        verdict.getStyleClass().removeIf(c -> c.startsWith("verdict-"));
        verdict.getStyleClass().add(shown.kind().styleClass());
        show(verdict, shown.kind() != Verdict.Kind.NONE);
    }
}
