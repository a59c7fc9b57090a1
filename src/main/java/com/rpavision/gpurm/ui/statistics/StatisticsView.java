package com.rpavision.gpurm.ui.statistics;

import javafx.beans.property.SimpleStringProperty;
import javafx.fxml.FXML;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;

/** The "Statistics" tab: today and this week side by side. */
public final class StatisticsView {

    private final StatisticsViewModel vm;

    @FXML private TableView<StatisticsRow> table;
    @FXML private TableColumn<StatisticsRow, String> whatColumn;
    @FXML private TableColumn<StatisticsRow, String> todayColumn;
    @FXML private TableColumn<StatisticsRow, String> weekColumn;

    public StatisticsView(StatisticsViewModel vm) {
        this.vm = vm;
    }

    @FXML
    private void initialize() {
        table.setItems(vm.rows());
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        whatColumn.setCellValueFactory(c -> new SimpleStringProperty(c.getValue().what()));
        todayColumn.setCellValueFactory(c -> new SimpleStringProperty(c.getValue().today()));
        weekColumn.setCellValueFactory(c -> new SimpleStringProperty(c.getValue().week()));
    }

    @FXML
    private void refresh() {
        vm.refresh();
    }
}
