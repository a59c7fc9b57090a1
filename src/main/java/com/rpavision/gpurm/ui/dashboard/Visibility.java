package com.rpavision.gpurm.ui.dashboard;

import javafx.scene.Node;

/** Shown or hidden, a node takes its room or gives it up with it. */
final class Visibility {

    private Visibility() {
    }

    static void show(Node node, boolean visible) {
        node.setVisible(visible);
        node.setManaged(visible);
    }
}
