package com.rpavision.gpurm.ui;

import javafx.geometry.Pos;
import javafx.scene.control.Button;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.layout.VBox;

/**
 * What the window shows for the moment between its first frame and the dashboard (the manager is being built:
 * NVML loaded, Ollama asked). Built in code, not FXML: it is on the path to the first frame.
 */
final class StartingPane extends VBox {

    private final Label message;
    private final ProgressBar progress = new ProgressBar(ProgressBar.INDETERMINATE_PROGRESS);
    private final Messages messages;

    StartingPane(Messages messages) {
        this.messages = messages;
        Label title = new Label(messages.get("app.title"));
        title.getStyleClass().add("title-2");
        message = new Label(messages.get("starting.message"));
        message.setWrapText(true);
        message.getStyleClass().add("text-muted");
        progress.setPrefWidth(320);
        getChildren().addAll(title, message, progress);
        setAlignment(Pos.CENTER);
        setSpacing(16);
        setFillWidth(false);
        getStyleClass().add("starting-pane");
    }

    /** The manager could not be built: say so, keep the window (the log has the details), offer to quit. */
    void failed(String reason) {
        progress.setVisible(false);
        message.setText(messages.get("starting.failed", reason));
        message.getStyleClass().setAll("label", "danger");
        Button quit = new Button(messages.get("starting.quit"));
        quit.setOnAction(e -> javafx.application.Platform.exit());
        getChildren().add(quit);
    }
}
