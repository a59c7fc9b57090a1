package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel.LogFilter;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.util.StringConverter;

/** The event log's tab bound to the view model: its filter, its lines with their time, Copy's answer. */
final class EventLogBinder {

    private EventLogBinder() {
    }

    static void bind(DashboardViewModel vm, Messages messages, ChoiceBox<LogFilter> logFilter, ListView<LogLine> logList,
                     Label copyText) {
        copyText.textProperty().bind(vm.copyTextProperty());
        logFilter.getItems().setAll(LogFilter.values());
        logFilter.setConverter(new StringConverter<>() {
            @Override
            public String toString(LogFilter filter) {
                return filter == null ? "" : messages.get("log.filter." + filter.name().toLowerCase());
            }

            @Override
            public LogFilter fromString(String s) {
                return null;
            }
        });
        logFilter.valueProperty().bindBidirectional(vm.logFilterProperty());
        logList.setItems(vm.visibleLog());
        Label emptyLog = new Label(messages.get("log.empty"));
        emptyLog.setWrapText(true);
        emptyLog.getStyleClass().add("log-empty");
        logList.setPlaceholder(emptyLog);
        logList.setCellFactory(list -> new ListCell<>() {
            @Override
            protected void updateItem(LogLine line, boolean empty) {
                super.updateItem(line, empty);
                setText(empty || line == null ? null : vm.formatTime(line.time()) + "   " + line.text());
            }
        });
    }
}
