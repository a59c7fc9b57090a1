package com.rpavision.gpurm.ui;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.testing.ManagerFixture;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.SnapshotParameters;
import javafx.scene.image.PixelReader;
import javafx.scene.image.WritableImage;
import javafx.scene.transform.Transform;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Writes the dashboard in each mode, light and dark, English and French, at 1280x800 and at 2560x1600 (a
 * 1707x1067 window at 150 % scaling, as on the reference workstation) into target/screenshots/, for people to
 * look at. Checks each image is the size asked and not blank. File names give the window size and the scale.
 */
@ExtendWith(ApplicationExtension.class)
class DashboardScreenshotTest {

    private static final Path OUT = Path.of("target", "screenshots");
    private Stage stage;

    @Start
    void start(Stage stage) {
        this.stage = stage;
    }

    @Test
    void writesTheScreenshotSet(FxRobot robot) throws Exception {
        Files.createDirectories(OUT);
        List<Path> written = new ArrayList<>();
        try (ManagerFixture f = ManagerFixture.options().sleepsTakeNoTime().gpu(24_564, 1_310).build()) {
            for (ExecutionMode mode : ExecutionMode.values()) {
                f.switchTo(mode);
                f.clock.advance(java.time.Duration.ofSeconds(42));
                f.vram.sample();
                for (boolean dark : new boolean[]{false, true}) {
                    for (Locale locale : List.of(Locale.ENGLISH, Locale.FRENCH)) {
                        written.add(shoot(robot, f, mode, dark, locale, 1280, 800, 1.0));
                        written.add(shoot(robot, f, mode, dark, locale, 1707, 1067, 1.5));
                    }
                }
            }
        }
        assertThat(written).hasSize(24);
        System.out.println("[screenshots] " + written.size() + " PNGs in " + OUT.toAbsolutePath());
    }

    private Path shoot(FxRobot robot, ManagerFixture f, ExecutionMode mode, boolean dark, Locale locale,
                       int width, int height, double scale) throws Exception {
        Path file = OUT.resolve(String.format("dashboard-%s-%s-%s-%dx%d%s.png", mode.wireName(), dark ? "dark" : "light",
                locale.getLanguage(), width, height, scale == 1.0 ? "" : "-at-" + Math.round(scale * 100) + "pct"));
        WritableImage[] image = new WritableImage[1];
        robot.interact(() -> {
            Application.setUserAgentStylesheet(dark ? new PrimerDark().getUserAgentStylesheet()
                    : new PrimerLight().getUserAgentStylesheet());
            Messages messages = new Messages(locale);
            DashboardViewModel vm = new DashboardViewModel(f.manager, Runnable::run, new UiThread(Platform::runLater),
                    messages, f.clock);
            f.manager.recentEvents().forEach(vm::onEvent);
            vm.update(f.manager.getStatus());
            Parent root = DashboardForTests.load(vm, f.manager, Runnable::run, new UiThread(Platform::runLater), messages);
            Scene scene = new Scene(root, width, height);
            scene.getStylesheets().add(GpuRmApplication.class.getResource("app.css").toExternalForm());
            stage.setScene(scene);
            stage.show();
        });
        WaitForAsyncUtils.waitForFxEvents();
        robot.interact(() -> {
            SnapshotParameters parameters = new SnapshotParameters();
            parameters.setTransform(Transform.scale(scale, scale));
            image[0] = stage.getScene().getRoot().snapshot(parameters, null);
        });
        BufferedImage png = toBufferedImage(image[0]);
        assertThat(png.getWidth()).isEqualTo(Math.round(width * scale));
        assertThat(png.getHeight()).isEqualTo(Math.round(height * scale));
        assertThat(distinctColors(png)).as("not a blank image: " + file).isGreaterThan(20);
        ImageIO.write(png, "png", file.toFile());
        return file;
    }

    private static BufferedImage toBufferedImage(WritableImage image) {
        int w = (int) image.getWidth();
        int h = (int) image.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        PixelReader reader = image.getPixelReader();
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                out.setRGB(x, y, reader.getArgb(x, y));
            }
        }
        return out;
    }

    private static int distinctColors(BufferedImage image) {
        java.util.Set<Integer> colors = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 7) {
            for (int x = 0; x < image.getWidth(); x += 7) {
                colors.add(image.getRGB(x, y));
            }
        }
        return colors.size();
    }
}
