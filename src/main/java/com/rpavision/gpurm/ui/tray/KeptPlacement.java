package com.rpavision.gpurm.ui.tray;

import com.rpavision.gpurm.ui.WindowBounds;
import javafx.geometry.Rectangle2D;
import javafx.stage.Screen;
import javafx.stage.Stage;

import java.util.List;
import java.util.Optional;

/**
 * Hides the window to the tray and shows it again where it was: some window managers place a re-shown window
 * anew (centred, or under the pointer). A screen unplugged meanwhile puts it back inside one that is left.
 */
final class KeptPlacement {

    private Optional<WindowBounds.Rect> kept = Optional.empty();

    void hide(Stage stage) {
        // A maximized window comes back maximized by itself; its bounds are not the ones to restore.
        kept = stage.isMaximized() ? Optional.empty()
                : Optional.of(new WindowBounds.Rect(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight()));
        stage.hide();
    }

    void show(Stage stage) {
        stage.show();
        kept.ifPresent(r -> {
            WindowBounds.Rect placed = WindowBounds.clamp(r, visibleAreaFor(r));
            stage.setX(placed.x());
            stage.setY(placed.y());
            stage.setWidth(placed.width());
            stage.setHeight(placed.height());
        });
        stage.toFront();
    }

    private static Rectangle2D visibleAreaFor(WindowBounds.Rect r) {
        List<Screen> screens = Screen.getScreensForRectangle(r.x(), r.y(), r.width(), r.height());
        return (screens.isEmpty() ? Screen.getPrimary() : screens.get(0)).getVisualBounds();
    }
}
