package com.rpavision.gpurm.ui.dashboard;

import javafx.geometry.VPos;
import javafx.scene.control.Label;
import javafx.scene.layout.ColumnConstraints;
import javafx.scene.layout.GridPane;
import javafx.scene.layout.Priority;

import java.util.List;

/**
 * A card's facts as two columns, labels muted on the left; rebuilt only when the facts change. Shown on a roomy
 * window only: on a small one the event log needs the height more.
 */
public final class FactsGrid extends GridPane {

    private List<CardFact> shown = List.of();

    public FactsGrid() {
        getStyleClass().add("facts");
        setHgap(12);
        setVgap(3);
        ColumnConstraints labels = new ColumnConstraints();
        labels.setMinWidth(USE_PREF_SIZE);
        ColumnConstraints values = new ColumnConstraints();
        values.setHgrow(Priority.ALWAYS);
        getColumnConstraints().setAll(labels, values);
    }

    public void show(List<CardFact> facts) {
        if (facts.equals(shown)) {
            return;
        }
        shown = List.copyOf(facts);
        getChildren().clear();
        for (int row = 0; row < facts.size(); row++) {
            Label label = new Label(facts.get(row).label());
            label.getStyleClass().add("fact-label");
            Label value = new Label(facts.get(row).value());
            value.getStyleClass().add("fact-value");
            value.setWrapText(true);
            GridPane.setValignment(label, VPos.TOP); // beside a value on two lines, its first line
            addRow(row, label, value);
        }
    }

    /** The facts on screen now (for tests). */
    public List<CardFact> shown() {
        return shown;
    }
}
