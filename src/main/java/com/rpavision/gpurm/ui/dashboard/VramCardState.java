package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.GpuSensors;
import com.rpavision.gpurm.core.model.VramInfo;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel.VramLevel;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.List;

/** The VRAM card's figures and words: how full the GPU is, its name, its sensors, shared memory, the other GPUs. */
final class VramCardState {

    /** Desktop programs keep a few hundred MB in shared memory; a model that spilled holds gigabytes. */
    static final long SPILL_WARNING_MB = 1_024;

    private final Messages messages;
    private final ReadOnlyDoubleWrapper vramFraction = new ReadOnlyDoubleWrapper();
    private final ReadOnlyDoubleWrapper vramTotalMb = new ReadOnlyDoubleWrapper();
    private final ReadOnlyObjectWrapper<VramLevel> vramLevel = new ReadOnlyObjectWrapper<>(VramLevel.NONE);
    private final ReadOnlyStringWrapper vramUsageText = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper vramFreeText = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper vramSharedText = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper vramSpilled = new ReadOnlyBooleanWrapper();
    private final ReadOnlyStringWrapper gpuName = new ReadOnlyStringWrapper("");
    private final ObservableList<String> otherGpus = FXCollections.observableArrayList();

    VramCardState(Messages messages) {
        this.messages = messages;
    }

    ReadOnlyDoubleProperty vramFractionProperty() { return vramFraction.getReadOnlyProperty(); }
    ReadOnlyDoubleProperty vramTotalMbProperty() { return vramTotalMb.getReadOnlyProperty(); }
    ReadOnlyObjectProperty<VramLevel> vramLevelProperty() { return vramLevel.getReadOnlyProperty(); }
    ReadOnlyStringProperty vramUsageTextProperty() { return vramUsageText.getReadOnlyProperty(); }
    ReadOnlyStringProperty vramFreeTextProperty() { return vramFreeText.getReadOnlyProperty(); }
    ReadOnlyStringProperty vramSharedTextProperty() { return vramSharedText.getReadOnlyProperty(); }
    ReadOnlyBooleanProperty vramSpilledProperty() { return vramSpilled.getReadOnlyProperty(); }
    ReadOnlyStringProperty gpuNameProperty() { return gpuName.getReadOnlyProperty(); }
    ObservableList<String> otherGpus() { return otherGpus; }

    void update(VramInfo v) {
        if (v.isGpu() && v.totalMb() > 0) {
            double fraction = (double) v.usedMb() / v.totalMb();
            vramFraction.set(fraction);
            vramTotalMb.set(v.totalMb());
            vramLevel.set(fraction >= 0.9 ? VramLevel.CRITICAL : fraction >= 0.75 ? VramLevel.HIGH : VramLevel.OK);
            vramUsageText.set(messages.get("vram.usage", v.usedMb(), v.totalMb()));
            vramFreeText.set(messages.get("vram.free", v.freeMb(), v.gpuUtilizationPercent()) + sensorsText(v.sensors()));
            gpuName.set(localGpuName(v.gpuName()));
            showShared(v);
        } else {
            showShared(VramInfo.none());
            vramFraction.set(0);
            vramLevel.set(VramLevel.NONE);
            vramUsageText.set(messages.get("vram.none"));
            vramFreeText.set("");
            gpuName.set("");
        }
    }

    /** One line per GPU other than the managed one, replaced only when they differ. */
    void showOtherGpus(GpuResourceStatus status) {
        List<String> others = status.gpus().stream().filter(g -> g.index() != status.vram().index())
                .map(g -> messages.get("vram.other", g.index(), g.gpuName(), g.usedMb(), g.totalMb())).toList();
        if (!others.equals(otherGpus)) {
            otherGpus.setAll(others);
        }
    }

    private void showShared(VramInfo v) {
        boolean spilled = v.sharedMb().isPresent() && v.sharedMb().getAsLong() >= SPILL_WARNING_MB;
        vramSpilled.set(spilled);
        vramSharedText.set(v.sharedMb().isEmpty() ? ""
                : messages.get(spilled ? "vram.shared.spilled" : "vram.shared", v.sharedMb().getAsLong()));
    }

    /** " · 64 °C · 288 of 450 W", the parts the driver gives. */
    private String sensorsText(GpuSensors sensors) {
        StringBuilder text = new StringBuilder();
        sensors.temperatureC().ifPresent(t -> text.append(" \u00b7 ").append(messages.get("vram.temperature", t)));
        sensors.powerWatts().ifPresent(w -> text.append(" \u00b7 ").append(sensors.powerLimitWatts().isPresent()
                ? messages.get("vram.powerOfLimit", w, sensors.powerLimitWatts().getAsInt())
                : messages.get("vram.power", w)));
        return text.toString();
    }

    /** The demo's GPU calls itself "(simulated)" in English, as the API reports it; the panel says it in its language. */
    private String localGpuName(String name) {
        String simulated = " (simulated)";
        return name.endsWith(simulated)
                ? name.substring(0, name.length() - simulated.length()) + " " + messages.get("vram.simulated") : name;
    }
}
