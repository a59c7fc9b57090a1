package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.ui.Messages;
import javafx.beans.property.SimpleIntegerProperty;
import javafx.beans.property.SimpleLongProperty;
import javafx.beans.property.SimpleStringProperty;
import javafx.scene.control.Label;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;

import java.util.List;

/** The processes tab bound to the view model: the table of programs on the GPU and the note above it. */
final class ProcessTableBinder {

    private ProcessTableBinder() {
    }

    static void bind(DashboardViewModel vm, Messages messages, Label processNote, TableView<ProcessRow> processTable,
                     TableColumn<ProcessRow, Number> pidColumn, TableColumn<ProcessRow, String> nameColumn,
                     TableColumn<ProcessRow, Number> gpuColumn, TableColumn<ProcessRow, String> memoryColumn) {
        processNote.textProperty().bind(vm.processNoteProperty());
        processNote.visibleProperty().bind(vm.processNoteProperty().isNotEmpty());
        processNote.managedProperty().bind(processNote.visibleProperty());
        processTable.setItems(vm.processes());
        processTable.setPlaceholder(new Label(messages.get("processes.empty")));
        pidColumn.setCellValueFactory(c -> new SimpleLongProperty(c.getValue().pid()));
        nameColumn.setCellValueFactory(c -> new SimpleStringProperty(c.getValue().name()));
        gpuColumn.setCellValueFactory(c -> new SimpleIntegerProperty(c.getValue().gpu()));
        memoryColumn.setCellValueFactory(c -> new SimpleStringProperty(c.getValue().memory()));
        // Figures right-aligned so their digits line up; the columns share the table's width (no empty filler).
        List.of(pidColumn, gpuColumn, memoryColumn).forEach(column -> column.getStyleClass().add("number-column"));
        processTable.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
    }
}
