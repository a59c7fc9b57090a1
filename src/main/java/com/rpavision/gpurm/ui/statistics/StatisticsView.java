package com.rpavision.gpurm.ui.statistics;

import javafx.beans.property.SimpleStringProperty;
import javafx.fxml.FXML;
import com.rpavision.gpurm.ui.Messages;
import javafx.scene.chart.StackedBarChart;
import javafx.scene.chart.XYChart;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;

import java.util.List;

/** The "Statistics" tab: today and this week side by side. */
public final class StatisticsView {

    private final StatisticsViewModel vm;

    @FXML private TableView<StatisticsRow> table;
    @FXML private TableColumn<StatisticsRow, String> whatColumn;
    @FXML private TableColumn<StatisticsRow, String> todayColumn;
    @FXML private TableColumn<StatisticsRow, String> weekColumn;
    @FXML private StackedBarChart<String, Number> chart;
    @FXML private javafx.scene.chart.NumberAxis hoursAxis;

    private final Messages messages;

    public StatisticsView(StatisticsViewModel vm, Messages messages) {
        this.vm = vm;
        this.messages = messages;
    }

    @FXML
    private void initialize() {
        table.setItems(vm.rows());
        table.setPlaceholder(new javafx.scene.control.Label(messages.get("statistics.empty"))); // JavaFX's own is English
        table.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY_FLEX_LAST_COLUMN);
        whatColumn.setCellValueFactory(c -> new SimpleStringProperty(c.getValue().what()));
        todayColumn.setCellValueFactory(c -> new SimpleStringProperty(c.getValue().today()));
        weekColumn.setCellValueFactory(c -> new SimpleStringProperty(c.getValue().week()));
        hoursAxis.setTickLabelFormatter(new javafx.util.StringConverter<>() {
            @Override
            public String toString(Number hours) {
                return StatisticsViewModel.axisLabel(hours.doubleValue());
            }

            @Override
            public Number fromString(String text) {
                return null;
            }
        });
        vm.days().addListener((javafx.collections.ListChangeListener<StatisticsViewModel.DayInModes>) c -> drawChart());
        drawChart();
    }

    /** Hours per mode on each of the last seven days, stacked; colours follow the tray's mode colours. */
    private void drawChart() {
        XYChart.Series<String, Number> idle = new XYChart.Series<>();
        XYChart.Series<String, Number> recording = new XYChart.Series<>();
        XYChart.Series<String, Number> autopilot = new XYChart.Series<>();
        idle.setName(messages.get("mode.IDLE"));
        recording.setName(messages.get("mode.RECORDING"));
        autopilot.setName(messages.get("mode.AUTOPILOT"));
        for (StatisticsViewModel.DayInModes d : vm.days()) {
            idle.getData().add(new XYChart.Data<>(d.day(), d.idleHours()));
            recording.getData().add(new XYChart.Data<>(d.day(), d.recordingHours()));
            autopilot.getData().add(new XYChart.Data<>(d.day(), d.autopilotHours()));
        }
        chart.getData().setAll(List.of(idle, recording, autopilot));
    }

    @FXML
    private void refresh() {
        vm.refresh();
    }
}
