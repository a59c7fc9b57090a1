import javafx.application.Platform;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;

/**
 * A bare JavaFX "hello" window, the baseline tools/idle-cpu-by-thread.py --bare measures: what any shown JavaFX
 * window costs on the display (JavaFX's GTK event loop), so the panel's own cost is its figure less this one.
 */
public final class BareJavaFxWindow {

    public static void main(String[] args) {
        Platform.startup(() -> {
            Stage stage = new Stage();
            stage.setTitle("hello");
            stage.setScene(new Scene(new StackPane(new Label("hello")), 1280, 900));
            stage.show();
        });
    }
}
