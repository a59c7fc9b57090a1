package com.rpavision.gpurm.ui;

import javafx.scene.Node;
import javafx.scene.Parent;
import javafx.scene.control.Labeled;
import javafx.scene.text.Text;

import java.util.ArrayList;
import java.util.List;

/**
 * The labels on screen whose skin shows less than their text: JavaFX cuts a label that does not fit and draws
 * the rest as "…", which the label's own text never says. Compares each showing {@link Labeled}'s text with the
 * text its skin drew.
 */
final class TruncatedLabels {

    private TruncatedLabels() {
    }

    /** "id or class: 'full text' shown as 'cut…'" for each cut label under {@code root} that can be seen. */
    static List<String> in(Parent root) {
        List<String> cut = new ArrayList<>();
        collect(root, cut);
        return cut;
    }

    private static void collect(Node node, List<String> cut) {
        if (!node.isVisible()) {
            return; // hidden with everything under it (the other tabs, a banner not in force)
        }
        if (node instanceof Labeled labeled && labeled.getText() != null && !labeled.getText().isBlank()) {
            drawnText(labeled).filter(drawn -> !drawn.equals(labeled.getText()))
                    .ifPresent(drawn -> cut.add(describe(labeled) + ": '" + labeled.getText() + "' shown as '" + drawn + "'"));
        }
        if (node instanceof Parent parent) {
            parent.getChildrenUnmodifiable().forEach(child -> collect(child, cut));
        }
    }

    /** The skin's text node (LabeledText), a direct child of the label. */
    private static java.util.Optional<String> drawnText(Labeled labeled) {
        return labeled.getChildrenUnmodifiable().stream().filter(Text.class::isInstance).map(n -> ((Text) n).getText())
                .findFirst();
    }

    private static String describe(Labeled labeled) {
        String id = labeled.getId() != null ? "#" + labeled.getId() : labeled.getClass().getSimpleName() + labeled.getStyleClass();
        return id;
    }
}
