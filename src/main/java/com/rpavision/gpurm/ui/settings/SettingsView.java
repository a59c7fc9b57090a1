package com.rpavision.gpurm.ui.settings;

import com.rpavision.gpurm.ui.prefs.UiPreferences;
import javafx.fxml.FXML;
import javafx.scene.control.CheckBox;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Tooltip;
import javafx.util.StringConverter;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.TextField;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.VBox;

/** The settings window's controller: one row per configuration key, bound to its field in the view model. */
public final class SettingsView {

    private final SettingsViewModel vm;
    private final Runnable close;

    @FXML private Label intro;
    @FXML private GridPane grid;
    @FXML private GridPane advancedGrid;
    @FXML private javafx.scene.control.TitledPane advanced;
    @FXML private Label status;
    @FXML private Button saveButton;
    @FXML private Button restartButton;
    @FXML private ChoiceBox<UiPreferences.Theme> themeChoice;
    @FXML private ChoiceBox<UiPreferences.Language> languageChoice;
    @FXML private CheckBox startAtLogin;
    @FXML private Label appearanceStatus;

    public SettingsView(SettingsViewModel vm, Runnable close) {
        this.vm = vm;
        this.close = close;
    }

    @FXML
    private void initialize() {
        intro.setText(vm.intro());
        int generalRow = 0;
        int advancedRow = 0;
        for (SettingsViewModel.Field field : vm.fields()) {
            Label label = new Label(field.label());
            label.getStyleClass().add("setting-label");
            label.setWrapText(true);
            label.setPadding(new javafx.geometry.Insets(6, 0, 0, 0));
            GridPane.setValignment(label, javafx.geometry.VPos.TOP);
            javafx.scene.control.Control input;
            if (field.key().isBoolean()) {
                javafx.scene.control.CheckBox box = new javafx.scene.control.CheckBox();
                box.setSelected(Boolean.parseBoolean(field.textProperty().get()));
                box.selectedProperty().addListener((o, a, on) -> field.textProperty().set(String.valueOf(on)));
                input = box;
            } else {
                TextField text = new TextField();
                text.textProperty().bindBidirectional(field.textProperty());
                input = text;
            }
            input.setId("setting-" + field.key().jsonName());
            label.setLabelFor(input);
            Label help = new Label(field.help());
            help.getStyleClass().addAll("muted", "small");
            help.setWrapText(true);
            Label error = new Label();
            error.getStyleClass().add("error-text");
            error.setWrapText(true);
            error.textProperty().bind(field.errorProperty());
            error.visibleProperty().bind(field.errorProperty().isNotEmpty());
            error.managedProperty().bind(error.visibleProperty());
            field.errorProperty().addListener((o, a, problem) -> {
                if (problem.isEmpty()) {
                    input.getStyleClass().remove("danger");
                } else if (!input.getStyleClass().contains("danger")) {
                    input.getStyleClass().add("danger");
                }
            });
            GridPane target = field.advanced() ? advancedGrid : grid;
            int row = field.advanced() ? advancedRow++ : generalRow++;
            target.add(label, 0, row);
            target.add(new VBox(2, input, error, help), 1, row);
            if (field.advanced()) {
                // an invalid advanced field must not hide in the folded section
                field.errorProperty().addListener((o, a, problem) -> {
                    if (!problem.isEmpty()) {
                        advanced.setExpanded(true);
                    }
                });
            }
        }
        themeChoice.getItems().setAll(UiPreferences.Theme.values());
        themeChoice.setConverter(converter());
        themeChoice.valueProperty().bindBidirectional(vm.themeProperty());
        languageChoice.getItems().setAll(UiPreferences.Language.values());
        languageChoice.setConverter(converter());
        languageChoice.valueProperty().bindBidirectional(vm.languageProperty());
        startAtLogin.selectedProperty().bindBidirectional(vm.startAtLoginProperty());
        startAtLogin.setDisable(!vm.startAtLoginAvailable());
        startAtLogin.setTooltip(new Tooltip(vm.startAtLoginHelp()));
        appearanceStatus.textProperty().bind(vm.appearanceStatusProperty());
        status.textProperty().bind(vm.statusProperty());
        saveButton.disableProperty().bind(vm.savingProperty());
        restartButton.visibleProperty().bind(vm.restartOfferedProperty());
        restartButton.managedProperty().bind(restartButton.visibleProperty());
        restartButton.disableProperty().bind(vm.restartingProperty());
    }

    private <E extends Enum<E>> StringConverter<E> converter() {
        return new StringConverter<>() {
            @Override
            public String toString(E choice) {
                return choice == null ? "" : vm.label(choice);
            }

            @Override
            public E fromString(String text) {
                return null;
            }
        };
    }

    @FXML
    private void save() {
        vm.save();
    }

    @FXML
    private void restartNow() {
        vm.restartNow();
    }

    @FXML
    private void close() {
        close.run();
    }
}
