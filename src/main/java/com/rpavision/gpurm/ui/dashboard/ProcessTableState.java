package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.GpuProcess;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.ui.Messages;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.text.NumberFormat;
import java.util.Comparator;
import java.util.List;

/** The processes tab: the programs on the GPU, largest first, and a note where their figures are missing. */
final class ProcessTableState {

    private final Messages messages;
    private final ObservableList<ProcessRow> processes = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper processNote = new ReadOnlyStringWrapper("");

    ProcessTableState(Messages messages) {
        this.messages = messages;
    }

    ObservableList<ProcessRow> processes() { return processes; }
    ReadOnlyStringProperty processNoteProperty() { return processNote.getReadOnlyProperty(); }

    void update(GpuResourceStatus status) {
        NumberFormat numbers = NumberFormat.getIntegerInstance(messages.locale());
        List<ProcessRow> rows = status.processes().stream()
                .sorted(Comparator.comparingLong((GpuProcess p) -> p.usedMb().orElse(-1)).reversed())
                .map(p -> new ProcessRow(p.pid(), shownName(p), p.gpuIndex(),
                        p.usedMb().isPresent() ? numbers.format(p.usedMb().getAsLong()) : messages.get("processes.unknown")))
                .toList();
        if (!rows.equals(processes)) {
            processes.setAll(rows);
        }
        boolean unknown = status.processes().stream().anyMatch(p -> p.usedMb().isEmpty());
        processNote.set(unknown ? messages.get("processes.unknownNote")
                : rows.isEmpty() && status.vram().isGpu() ? messages.get("processes.empty") : "");
    }

    /** An Ollama runner with the model it serves, as "ollama — qwen3-vl:8b". */
    private static String shownName(GpuProcess process) {
        return process.model() == null ? process.name() : process.name() + " — " + process.model();
    }
}
