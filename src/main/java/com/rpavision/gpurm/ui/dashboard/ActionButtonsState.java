package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.ClipStatus;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.Reason;
import com.rpavision.gpurm.core.model.VramInfo;
import com.rpavision.gpurm.ui.Messages;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

/**
 * Each action is offered only where it can do something, as the tray menu does, and a button that is off says
 * why (its tooltip and its accessible help).
 */
final class ActionButtonsState {

    private final Messages messages;
    /** Why each action button is off (empty while it is on, but for Unload's note in RECORDING). */
    private final ReadOnlyStringWrapper loadReason = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper unloadReason = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper clipGpuReason = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper clipCpuReason = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper loadEnabled = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper unloadEnabled = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper clipGpuEnabled = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper clipCpuEnabled = new ReadOnlyBooleanWrapper();
    /** Why the CLIP buttons are off in AUTOPILOT: the autopilot places CLIP and would undo a manual move. */
    private final ReadOnlyStringWrapper clipNote = new ReadOnlyStringWrapper("");
    /** A VLM load runs that "Cancel load" can give up. */
    private final ReadOnlyBooleanWrapper cancelLoadShown = new ReadOnlyBooleanWrapper();

    ActionButtonsState(Messages messages) {
        this.messages = messages;
    }

    ReadOnlyStringProperty loadReasonProperty() { return loadReason.getReadOnlyProperty(); }
    ReadOnlyStringProperty unloadReasonProperty() { return unloadReason.getReadOnlyProperty(); }
    ReadOnlyStringProperty clipGpuReasonProperty() { return clipGpuReason.getReadOnlyProperty(); }
    ReadOnlyStringProperty clipCpuReasonProperty() { return clipCpuReason.getReadOnlyProperty(); }
    ReadOnlyBooleanProperty loadEnabledProperty() { return loadEnabled.getReadOnlyProperty(); }
    ReadOnlyBooleanProperty unloadEnabledProperty() { return unloadEnabled.getReadOnlyProperty(); }
    ReadOnlyBooleanProperty clipGpuEnabledProperty() { return clipGpuEnabled.getReadOnlyProperty(); }
    ReadOnlyBooleanProperty clipCpuEnabledProperty() { return clipCpuEnabled.getReadOnlyProperty(); }
    ReadOnlyStringProperty clipNoteProperty() { return clipNote.getReadOnlyProperty(); }
    ReadOnlyBooleanProperty cancelLoadShownProperty() { return cancelLoadShown.getReadOnlyProperty(); }

    /** @param clipNeedsMoreThanMb CLIP's own rule for going to the GPU; 0: not told */
    void update(GpuResourceStatus status, boolean switching, long clipNeedsMoreThanMb) {
        ModelState vlm = status.vlmState();
        boolean ollamaAway = status.degradedReasons().stream()
                .anyMatch(r -> r.code() == Reason.Code.OLLAMA_UNREACHABLE);
        boolean notPulled = status.vlmError() != null
                && status.vlmError().code() == Reason.Code.MODEL_NOT_PULLED;
        String busy = switching ? messages.get("why.switching")
                : vlm == ModelState.LOADING ? messages.get("why.loading")
                : vlm == ModelState.UNLOADING ? messages.get("why.unloading") : "";
        String ollama = ollamaAway ? messages.get("why.ollamaDown") : "";
        loadReason.set(first(busy, ollama, vlm == ModelState.LOADED ? messages.get("why.loaded") : "",
                notPulled ? messages.get("why.notPulled", status.vlmModel()) : ""));
        loadEnabled.set(loadReason.get().isEmpty());
        // ERROR is a load that failed: nothing is loaded unless Ollama's list still shows the VLM's memory
        boolean held = vlm == ModelState.LOADED || (vlm == ModelState.ERROR && status.vramBreakdown() != null
                && status.vramBreakdown().vlmMb() > 0);
        String unloadOff = first(busy, ollama, held ? "" : messages.get("why.nothingLoaded"));
        unloadEnabled.set(unloadOff.isEmpty());
        unloadReason.set(!unloadOff.isEmpty() ? unloadOff
                : status.executionMode() == ExecutionMode.RECORDING ? messages.get("why.recordingReloads") : "");
        boolean autopilot = status.executionMode() == ExecutionMode.AUTOPILOT;
        ClipStatus clip = status.clip();
        String clipOff = first(autopilot ? messages.get("clip.autopilotPlaces") : "", busy,
                clip.availability() == ClipStatus.Availability.MIGRATING ? messages.get("why.clipMoving")
                        : clip.availability() != ClipStatus.Availability.AVAILABLE ? messages.get("why.clipUnavailable") : "");
        VramInfo v = status.vram();
        clipGpuReason.set(first(clipOff, clip.device() == ClipDevice.CUDA ? messages.get("why.clipOnGpu") : "",
                !v.isGpu() ? messages.get("why.noGpu") : "",
                clipNeedsMoreThanMb > 0 && v.freeMb() <= clipNeedsMoreThanMb
                        ? messages.get("why.clipNoRoom", v.freeMb(), clipNeedsMoreThanMb) : ""));
        clipGpuEnabled.set(clipGpuReason.get().isEmpty());
        clipCpuReason.set(first(clipOff, clip.device() == ClipDevice.CPU ? messages.get("why.clipOnCpu") : ""));
        clipCpuEnabled.set(clipCpuReason.get().isEmpty());
        clipNote.set(autopilot ? messages.get("clip.autopilotPlaces") : "");
        cancelLoadShown.set(vlm == ModelState.LOADING);
    }

    private static String first(String... reasons) {
        for (String reason : reasons) {
            if (!reason.isEmpty()) {
                return reason;
            }
        }
        return "";
    }
}
