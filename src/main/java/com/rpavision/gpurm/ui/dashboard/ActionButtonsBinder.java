package com.rpavision.gpurm.ui.dashboard;

import javafx.beans.value.ObservableStringValue;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.StackPane;

import java.util.function.Consumer;

import static com.rpavision.gpurm.ui.dashboard.Visibility.show;

/**
 * The action buttons bound to the view model: on only where they can do something, and a button that is off says
 * why on its holder (a disabled button shows no tooltip of its own); the last action's failure beside them.
 */
final class ActionButtonsBinder {

    private static final String REASON_TOOLTIP = "gpurm.reasonTooltip";

    /** Each button sits in a holder of its own, which carries the button's reason. */
    record HeldButton(Button button, StackPane holder) { }

    private ActionButtonsBinder() {
    }

    static void bind(DashboardViewModel vm, HeldButton load, HeldButton unload, HeldButton clipGpu, HeldButton clipCpu,
                     Button cancelLoadButton, Label actionError, Label clipNote) {
        actionError.textProperty().bind(vm.actionErrorProperty());
        ModelCardsBinder.tooltipFromText(actionError, actionError);
        load.button().disableProperty().bind(vm.loadEnabledProperty().not());
        unload.button().disableProperty().bind(vm.unloadEnabledProperty().not());
        clipGpu.button().disableProperty().bind(vm.clipGpuEnabledProperty().not());
        clipCpu.button().disableProperty().bind(vm.clipCpuEnabledProperty().not());
        clipNote.textProperty().bind(vm.clipNoteProperty());
        show(clipNote, !vm.clipNoteProperty().get().isEmpty());
        vm.clipNoteProperty().addListener((o, a, text) -> show(clipNote, !text.isEmpty()));
        reasonOn(load, vm.loadReasonProperty());
        reasonOn(unload, vm.unloadReasonProperty());
        reasonOn(clipGpu, vm.clipGpuReasonProperty());
        reasonOn(clipCpu, vm.clipCpuReasonProperty());
        cancelLoadButton.visibleProperty().bind(vm.cancelLoadShownProperty());
        cancelLoadButton.managedProperty().bind(vm.cancelLoadShownProperty());
    }

    /** A button's reason for being off (or, on, what it would cause) as its holder's tooltip and its accessible help. */
    private static void reasonOn(HeldButton held, ObservableStringValue reason) {
        StackPane holder = held.holder();
        held.button().accessibleHelpProperty().bind(reason);
        Tooltip tip = new Tooltip();
        tip.textProperty().bind(reason);
        tip.setWrapText(true);
        tip.setMaxWidth(480);
        Consumer<String> apply = text -> {
            if (text == null || text.isEmpty()) {
                Tooltip.uninstall(holder, tip);
                holder.getProperties().remove(REASON_TOOLTIP);
            } else {
                Tooltip.install(holder, tip);
                holder.getProperties().put(REASON_TOOLTIP, tip);
            }
        };
        apply.accept(reason.get());
        reason.addListener((o, was, now) -> apply.accept(now));
    }

    /** The tooltip that says why a button is off, or null while there is nothing to say. */
    static Tooltip reasonTooltip(Button button) {
        Object tip = button.getParent().getProperties().get(REASON_TOOLTIP);
        return tip instanceof Tooltip t ? t : null;
    }
}
