package com.rpavision.gpurm.ui.ollama;

import com.rpavision.gpurm.ui.Messages;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.SimpleStringProperty;
import javafx.fxml.FXML;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TableCell;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;

/** The "Ollama models" tab: binds to {@link OllamaModelsViewModel}; each other model gets an unload button. */
public final class OllamaModelsView {

    private final OllamaModelsViewModel vm;
    private final Messages messages;

    @FXML private Button freeButton;
    @FXML private Label status;
    @FXML private TableView<OllamaModelRow> table;
    @FXML private TableColumn<OllamaModelRow, String> nameColumn;
    @FXML private TableColumn<OllamaModelRow, String> vramColumn;
    @FXML private TableColumn<OllamaModelRow, OllamaModelRow> actionColumn;

    public OllamaModelsView(OllamaModelsViewModel vm, Messages messages) {
        this.vm = vm;
        this.messages = messages;
    }

    @FXML
    private void initialize() {
        table.setItems(vm.models());
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        table.setPlaceholder(new Label(messages.get("ollamaModels.empty")));
        nameColumn.setCellValueFactory(c -> new SimpleStringProperty(c.getValue().name()));
        vramColumn.setCellValueFactory(c -> new SimpleStringProperty(c.getValue().vram()));
        actionColumn.setCellValueFactory(c -> new ReadOnlyObjectWrapper<>(c.getValue()));
        actionColumn.setCellFactory(column -> new TableCell<>() {
            private final Button unload = new Button(messages.get("ollamaModels.unload"));
            private final Label managed = new Label(messages.get("ollamaModels.vlm"));

            {
                unload.getStyleClass().add("small");
                unload.disableProperty().bind(vm.busyProperty());
                managed.getStyleClass().add("muted");
            }

            @Override
            protected void updateItem(OllamaModelRow row, boolean empty) {
                super.updateItem(row, empty);
                if (empty || row == null) {
                    setGraphic(null);
                } else if (row.vlm()) {
                    setGraphic(managed);
                } else {
                    unload.setOnAction(e -> vm.unload(row.name()));
                    setGraphic(unload);
                }
            }
        });
        status.textProperty().bind(vm.statusProperty());
        freeButton.disableProperty().bind(vm.busyProperty().or(vm.othersPresentProperty().not()));
    }

    @FXML
    private void freeVram() {
        vm.freeVramForRecording();
    }

    @FXML
    private void refresh() {
        vm.refresh();
    }
}
