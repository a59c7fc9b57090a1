package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel.VramLevel;
import javafx.collections.ListChangeListener;
import javafx.scene.control.Label;
import javafx.scene.control.Tooltip;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

import java.util.List;

import static com.rpavision.gpurm.ui.dashboard.Visibility.show;

/** The VRAM card bound to the view model: the GPU's name, the stacked bar and its legend, the figures, the other GPUs. */
final class VramCardBinder {

    private static final List<String> VRAM_STYLES = List.of("vram-ok", "vram-high", "vram-critical");

    private final DashboardViewModel vm;
    private final Messages messages;
    private final StackedVramBar vramBar;
    private final FlowPane vramLegend;
    private final Label vramShared;
    private final VBox otherGpus;

    VramCardBinder(DashboardViewModel vm, Messages messages, Label gpuName, StackedVramBar vramBar, FlowPane vramLegend,
                   Label vramUsage, Label vramFree, Label vramShared, VBox otherGpus) {
        this.vm = vm;
        this.messages = messages;
        this.vramBar = vramBar;
        this.vramLegend = vramLegend;
        this.vramShared = vramShared;
        this.otherGpus = otherGpus;
        gpuName.textProperty().bind(vm.gpuNameProperty());
        vramBar.bind(vm.vramBar().segments());
        vm.vramBar().segments().addListener((ListChangeListener<VramBarModel.Segment>) c -> fillLegend());
        fillLegend();
        vramUsage.textProperty().bind(vm.vramUsageTextProperty());
        vramFree.textProperty().bind(vm.vramFreeTextProperty());
        vramShared.textProperty().bind(vm.vramSharedTextProperty());
        show(vramShared, !vm.vramSharedTextProperty().get().isEmpty());
        vm.vramSharedTextProperty().addListener((o, a, text) -> show(vramShared, !text.isEmpty()));
        vm.vramSpilledProperty().addListener((o, a, spilled) -> styleShared(spilled));
        styleShared(vm.vramSpilledProperty().get());
        vm.otherGpus().addListener((ListChangeListener<String>) c -> showOtherGpus());
        showOtherGpus();
        vm.vramLevelProperty().addListener((o, a, level) -> styleVram(level));
        styleVram(vm.vramLevelProperty().get());
    }

    /** A swatch and a figure per part of the bar, in the bar's order. */
    private void fillLegend() {
        vramLegend.getChildren().setAll(vm.vramBar().segments().stream().map(s -> {
            Region swatch = new Region();
            swatch.getStyleClass().addAll("vram-swatch", s.kind().styleClass());
            Label entry = new Label(s.legend(), swatch);
            entry.getStyleClass().add("vram-legend-entry");
            entry.setMinWidth(Region.USE_PREF_SIZE);
            if (!s.detail().isEmpty()) {
                entry.setTooltip(new Tooltip(messages.get("vram.part.tooltip.other_models", s.detail())));
            } else if (s.kind() == VramBarModel.Kind.OTHER_PROCESSES) {
                entry.setTooltip(new Tooltip(messages.get("vram.part.tooltip.other_processes")));
            }
            return entry;
        }).toList());
    }

    private void showOtherGpus() {
        otherGpus.getChildren().setAll(vm.otherGpus().stream().map(text -> {
            Label line = new Label(text);
            line.getStyleClass().addAll("muted", "small");
            return line;
        }).toList());
    }

    private void styleShared(boolean spilled) {
        vramShared.getStyleClass().removeAll("notice", "muted");
        vramShared.getStyleClass().add(spilled ? "notice" : "muted");
    }

    private void styleVram(VramLevel level) {
        vramBar.getStyleClass().removeAll(VRAM_STYLES);
        switch (level) {
            case OK -> vramBar.getStyleClass().add("vram-ok");
            case HIGH -> vramBar.getStyleClass().add("vram-high");
            case CRITICAL -> vramBar.getStyleClass().add("vram-critical");
            case NONE -> { }
        }
    }
}
