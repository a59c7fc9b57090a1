package com.rpavision.gpurm.ui;

import atlantafx.base.theme.PrimerLight;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.testing.ManagerFixture;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel;
import com.rpavision.gpurm.ui.tray.DesktopIntegration;
import com.rpavision.gpurm.ui.tray.Tray;
import com.rpavision.gpurm.ui.tray.TrayMenu;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.geometry.BoundingBox;
import javafx.geometry.Bounds;
import javafx.geometry.Orientation;
import javafx.scene.Node;
import javafx.scene.control.DialogPane;
import javafx.scene.control.ScrollBar;
import javafx.stage.PopupWindow;
import javafx.stage.Stage;
import javafx.stage.Window;
import javafx.stage.WindowEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The panel's tray behaviours, driven from a fake tray (Monocle has none), and where its notifications land,
 * on the real dashboard.
 */
@ExtendWith(ApplicationExtension.class)
class DesktopIntegrationTest {

    private static final String STILL_RUNNING = "Still running in the tray";

    private ManagerFixture f;
    private FxBridge bridge;
    private ExecutorService background;
    private DesktopIntegration desktop;
    private DashboardViewModel vm;
    private Stage stage;
    private final FakeTray tray = new FakeTray();
    private final AtomicInteger exits = new AtomicInteger();

    @Start
    void start(Stage stage) {
        this.stage = stage;
        f = ManagerFixture.options().sleepsTakeNoTime().build();
        f.ollama.realLoadDelayMillis(20);
        Application.setUserAgentStylesheet(new PrimerLight().getUserAgentStylesheet());
        Messages messages = new Messages(Locale.ENGLISH);
        background = Executors.newSingleThreadExecutor();
        UiThread ui = new UiThread(Platform::runLater);
        vm = new DashboardViewModel(f.manager, background, ui, messages, Clock.systemDefaultZone());
        bridge = new FxBridge(f.manager, vm, ui);
        DashboardForTests.show(stage, vm, f.manager, background, ui, messages);
        desktop = new DesktopIntegration(stage, f.manager, vm, messages, ui, tray, exits::incrementAndGet);
    }

    @AfterEach
    void stop() throws Exception {
        CountDownLatch closed = new CountDownLatch(1);
        Platform.runLater(() -> {
            bridge.close();
            desktop.close();
            // The toolkit's stage serves the next test class too: give it back shown, at its usual size.
            stage.show();
            stage.setWidth(1180);
            stage.setHeight(780);
            stage.centerOnScreen();
            closed.countDown();
        });
        closed.await(5, TimeUnit.SECONDS);
        background.shutdownNow();
        f.close();
    }

    @Test
    void aTrayQuitWhileRecordingAsksFirstCancelKeepsTheAppAndOkQuits(FxRobot robot) {
        tray.appear();
        f.switchTo(ExecutionMode.RECORDING);
        await().atMost(Duration.ofSeconds(5)).until(() -> vm.modeProperty().get() == ExecutionMode.RECORDING);

        tray.choose(TrayMenu.Action.QUIT);
        DialogPane question = awaitQuestion(robot);
        assertThat(question.getHeaderText()).isEqualTo("Quit GPU Resource Manager?");
        robot.clickOn("Cancel");
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(exits).as("Cancel keeps the app").hasValue(0);
        assertThat(stage.isShowing()).isTrue();

        tray.choose(TrayMenu.Action.QUIT);
        awaitQuestion(robot);
        robot.clickOn("OK");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(exits).hasValue(1));
    }

    @Test
    void aTrayQuitWhileIdleQuitsWithoutAsking(FxRobot robot) {
        tray.appear();

        tray.choose(TrayMenu.Action.QUIT);

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(exits).hasValue(1));
        assertThat(robot.lookup(".dialog-pane").tryQuery()).isEmpty();
    }

    @Test
    void withoutATrayClosingTheWindowAsksAndQuitsOnOk(FxRobot robot) {
        tray.absent();

        // Not robot.interact: it would wait for the question, which waits for the answer.
        Platform.runLater(() -> stage.fireEvent(new WindowEvent(stage, WindowEvent.WINDOW_CLOSE_REQUEST)));
        awaitQuestion(robot);
        robot.clickOn("OK");

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(exits).hasValue(1));
    }

    @Test
    void hiddenToTheTrayAndOpenedAgainTheWindowComesBackWhereItWasAtItsSize() {
        tray.appear();
        WaitForAsyncUtils.waitForFxEvents();
        interact(() -> {
            stage.setX(120);
            stage.setY(90);
            stage.setWidth(1000);
            stage.setHeight(700);
        });

        tray.choose(TrayMenu.Action.TOGGLE_WINDOW);
        await().atMost(Duration.ofSeconds(5)).until(() -> !stage.isShowing());
        assertThat(tray.lastState().windowShowing()).as("the menu offers to show it").isFalse();
        interact(() -> { // as a window manager placing a re-shown window anew would
            stage.setX(0);
            stage.setY(0);
            stage.setWidth(900);
            stage.setHeight(600);
        });
        tray.choose(TrayMenu.Action.TOGGLE_WINDOW);

        await().atMost(Duration.ofSeconds(5)).until(stage::isShowing);
        WaitForAsyncUtils.waitForFxEvents();
        assertThat(new double[]{stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight()})
                .containsExactly(120, 90, 1000, 700);
        assertThat(exits).hasValue(0);
    }

    @Test
    void theFirstCloseToTheTraySaysItStillRunsThereAndLaterClosesDoNot() {
        tray.appear();
        WaitForAsyncUtils.waitForFxEvents();

        for (int close = 0; close < 3; close++) {
            interact(() -> stage.fireEvent(new WindowEvent(stage, WindowEvent.WINDOW_CLOSE_REQUEST)));
            assertThat(stage.isShowing()).as("closing hides it to the tray").isFalse();
            tray.choose(TrayMenu.Action.TOGGLE_WINDOW);
            await().atMost(Duration.ofSeconds(5)).until(stage::isShowing);
        }

        assertThat(tray.notifications).as("told from the tray, once").containsExactly(STILL_RUNNING);
        assertThat(exits).as("closing does not quit").hasValue(0);
    }

    @Test
    void aNotificationInTheWindowCoversNeitherTheModeSwitcherNorTheLogsScrollBar(FxRobot robot) {
        for (int i = 0; i < 6; i++) { // enough lines for the log to scroll
            f.switchTo(ExecutionMode.RECORDING);
            f.switchTo(ExecutionMode.IDLE);
        }
        ScrollBar logScrollBar = await().atMost(Duration.ofSeconds(5)).until(() -> verticalScrollBar(robot), Optional::isPresent).get();

        tray.absent(); // said once, in the window

        Node bar = await().atMost(Duration.ofSeconds(5)).until(this::notificationBar, Optional::isPresent).get();
        WaitForAsyncUtils.sleep(1, TimeUnit.SECONDS); // it slides in
        WaitForAsyncUtils.waitForFxEvents();
        Window popup = bar.getScene().getWindow();
        Bounds popupBounds = new BoundingBox(popup.getX(), popup.getY(), popup.getWidth(), popup.getHeight());
        Bounds barBounds = bar.localToScreen(bar.getBoundsInLocal());
        Node switcher = robot.lookup("#modeSwitcher").query();
        Bounds switcherBounds = switcher.localToScreen(switcher.getBoundsInLocal());
        Bounds scrollBarBounds = logScrollBar.localToScreen(logScrollBar.getBoundsInLocal());

        for (Bounds notification : List.of(popupBounds, barBounds)) {
            assertThat(notification.intersects(scrollBarBounds)).as("%s over the log's scroll bar %s", notification, scrollBarBounds).isFalse();
            assertThat(notification.intersects(switcherBounds)).as("%s over the mode switcher %s", notification, switcherBounds).isFalse();
        }
        Bounds window = new BoundingBox(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight());
        assertThat(window.contains(barBounds)).as("inside the window %s: %s", window, barBounds).isTrue();
    }

    private static Optional<ScrollBar> verticalScrollBar(FxRobot robot) {
        return robot.lookup("#logList").queryAs(javafx.scene.control.ListView.class).lookupAll(".scroll-bar").stream()
                .filter(n -> n instanceof ScrollBar s && s.getOrientation() == Orientation.VERTICAL && s.isVisible())
                .map(ScrollBar.class::cast).findFirst();
    }

    private Optional<Node> notificationBar() {
        return Window.getWindows().stream()
                .filter(w -> w instanceof PopupWindow p && p.getOwnerWindow() == stage && w.isShowing())
                .map(w -> w.getScene().getRoot().lookup(".notification-bar"))
                .filter(n -> n != null)
                .findFirst();
    }

    private static DialogPane awaitQuestion(FxRobot robot) {
        await().atMost(Duration.ofSeconds(5)).until(() -> robot.lookup(".dialog-pane").tryQuery().isPresent());
        return robot.lookup(".dialog-pane").queryAs(DialogPane.class);
    }

    private static void interact(Runnable onFx) {
        WaitForAsyncUtils.asyncFx(onFx);
        WaitForAsyncUtils.waitForFxEvents();
    }
}
