package com.rpavision.gpurm.ui.dashboard;

import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.scene.Node;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.layout.Region;
import javafx.scene.layout.VBox;

/**
 * On a tall window the cards would keep their size and leave most of it to the event log, so there the timeline
 * leaves its tab for a card of its own above the tabs, as tall as a share of the window, and the VRAM bar grows.
 * Below {@link #ROOMY_HEIGHT} the timeline goes back into its tab.
 */
final class RoomyLayout {

    /** The dashboard's height, in layout pixels, from which the timeline has its own card. */
    static final double ROOMY_HEIGHT = 1000;
    private static final double CARD_SHARE = 0.3;
    private static final double CARD_MIN = 220;
    private static final double CARD_MAX = 460;

    /** On the dashboard while it is roomy: the style sheet sizes the mode and verdict for across the room. */
    static final String ROOMY_STYLE = "roomy";

    private final Region dashboard;
    private final TabPane tabs;
    private final Tab timelineTab;
    private final Node timelinePane;
    private final VBox timelineCard;
    private final StackedVramBar vramBar;
    private final ReadOnlyBooleanWrapper roomy = new ReadOnlyBooleanWrapper();
    private int timelineTabIndex;

    RoomyLayout(Region dashboard, TabPane tabs, Tab timelineTab, Node timelinePane, VBox timelineCard,
                StackedVramBar vramBar) {
        this.dashboard = dashboard;
        this.tabs = tabs;
        this.timelineTab = timelineTab;
        this.timelinePane = timelinePane;
        this.timelineCard = timelineCard;
        this.vramBar = vramBar;
        VBox.setVgrow(timelinePane, javafx.scene.layout.Priority.ALWAYS);
        dashboard.heightProperty().addListener((o, old, height) -> fit(height.doubleValue()));
    }

    ReadOnlyBooleanProperty roomyProperty() {
        return roomy.getReadOnlyProperty();
    }

    private void fit(double height) {
        boolean nowRoomy = height >= ROOMY_HEIGHT;
        if (nowRoomy) {
            timelineCard.setPrefHeight(Math.max(CARD_MIN, Math.min(CARD_MAX, height * CARD_SHARE)));
        }
        if (nowRoomy == roomy.get()) {
            return;
        }
        if (nowRoomy) {
            timelineTabIndex = Math.max(0, tabs.getTabs().indexOf(timelineTab));
            tabs.getTabs().remove(timelineTab);
            timelineTab.setContent(null);
            timelineCard.getChildren().add(timelinePane);
        } else {
            timelineCard.getChildren().remove(timelinePane);
            timelineTab.setContent(timelinePane);
            tabs.getTabs().add(Math.min(timelineTabIndex, tabs.getTabs().size()), timelineTab);
        }
        timelineCard.setVisible(nowRoomy);
        timelineCard.setManaged(nowRoomy);
        vramBar.setRoomy(nowRoomy);
        if (nowRoomy) {
            dashboard.getStyleClass().add(ROOMY_STYLE);
        } else {
            dashboard.getStyleClass().remove(ROOMY_STYLE);
        }
        roomy.set(nowRoomy);
    }
}
