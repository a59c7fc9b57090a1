package com.rpavision.gpurm.ui.tray;

import com.rpavision.gpurm.core.events.Subscription;
import com.rpavision.gpurm.core.manager.GpuResourceManager;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.UiThread;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel;
import javafx.application.Platform;
import javafx.geometry.Pos;
import javafx.scene.control.Alert;
import javafx.scene.control.ButtonType;
import javafx.stage.Stage;
import javafx.util.Duration;
import org.controlsfx.control.Notifications;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Optional;

/**
 * The panel's place on the desktop: the tray icon when there is a tray (closing the window hides it), a
 * confirmation before quitting when there is none, and notifications (in the window when it shows, else from
 * the tray), throttled. Runs on the FX thread.
 */
public final class DesktopIntegration implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DesktopIntegration.class);
    private static final java.time.Duration NOTIFICATION_INTERVAL = java.time.Duration.ofMinutes(1);

    private final Stage stage;
    private final DashboardViewModel vm;
    private final Messages messages;
    private final NotificationPolicy policy;
    private final NotificationThrottle throttle = new NotificationThrottle(Clock.systemUTC(), NOTIFICATION_INTERVAL);
    private final QuitConfirmation quit;
    private final KeptPlacement placement = new KeptPlacement();
    private final CloseToTrayNotice stillRunningNotice = new CloseToTrayNotice();
    private Optional<Tray> tray = Optional.empty();
    private TrayMenu.State shownInTray;
    private final Subscription events;

    /** With the desktop's tray, where AWT has one, and quitting through {@link Platform#exit()}. */
    public DesktopIntegration(Stage stage, GpuResourceManager manager, DashboardViewModel vm, Messages messages, UiThread ui) {
        this(stage, manager, vm, messages, ui, SystemTrayController.installer(messages), Platform::exit);
    }

    /**
     * @param trays puts the icon in the tray, if there is one
     * @param exit  quits the app
     */
    public DesktopIntegration(Stage stage, GpuResourceManager manager, DashboardViewModel vm, Messages messages, UiThread ui,
                              Tray.Installer trays, Runnable exit) {
        this.stage = stage;
        this.vm = vm;
        this.messages = messages;
        this.policy = new NotificationPolicy(messages);
        this.quit = new QuitConfirmation(this::operatorConfirmsQuit, exit);
        // Until the AWT thread says whether there is a tray, closing asks before quitting.
        stage.setOnCloseRequest(e -> {
            e.consume();
            quit.request(QuitConfirmation.Origin.WINDOW_CLOSE, vm.modeProperty().get());
        });
        trays.install(state(), action -> Platform.runLater(() -> perform(action)), this::trayKnown);
        events = manager.onResourceChanged(event -> ui.execute(() -> policy.of(event)
                .filter(n -> throttle.allow(n.kind()))
                .ifPresent(n -> show(n.title(), n.text(), n.warning(), n.offersFreeVram() ? freeGpuForRecording() : null))));
        // A refused action is answered beside the buttons and, in case the operator looks elsewhere, here.
        vm.actionErrorProperty().addListener((o, was, reason) -> {
            if (!reason.isEmpty()) {
                show(messages.get("action.refused"), reason, true, null);
            }
        });
    }

    /** The notification's button: the same action as the banner's and the tray menu's. */
    private org.controlsfx.control.action.Action freeGpuForRecording() {
        return new org.controlsfx.control.action.Action(messages.get("notify.contended.action"), e -> vm.freeGpuForRecording());
    }

    private void trayKnown(Optional<Tray> installed) {
        tray = installed;
        if (tray.isPresent()) {
            Platform.setImplicitExit(false); // only now: without a tray, closing the last window must still quit
            stage.setOnCloseRequest(e -> {
                e.consume();
                placement.hide(stage);
                if (stillRunningNotice.due()) {
                    show(messages.get("tray.stillRunning.title"), messages.get("tray.stillRunning.text"), false, null);
                }
            });
            vm.modeProperty().addListener((o, a, b) -> refreshTray());
            vm.reachedModeProperty().addListener((o, a, b) -> refreshTray());
            vm.vlmStateProperty().addListener((o, a, b) -> refreshTray());
            vm.switchingProperty().addListener((o, a, b) -> refreshTray());
            vm.contendedProperty().addListener((o, a, b) -> refreshTray());
            vm.verdictProperty().addListener((o, a, b) -> refreshTray());
            stage.showingProperty().addListener((o, a, b) -> refreshTray());
        } else {
            LOG.info(messages.get("tray.none"));
            show(messages.get("app.title"), messages.get("tray.none"), false, null);
        }
    }

    private TrayMenu.State state() {
        return new TrayMenu.State(vm.modeProperty().get(), vm.reachedModeProperty().get(), vm.vlmStateProperty().get(),
                vm.switchingProperty().get(), stage.isShowing(), vm.contendedProperty().get(), vm.verdictProperty().get());
    }

    /** Redraws the tray only for a state it does not show yet: several properties change at once on a switch. */
    private void refreshTray() {
        TrayMenu.State now = state();
        if (tray.isPresent() && !now.equals(shownInTray)) {
            shownInTray = now;
            tray.get().update(now);
        }
    }

    private void perform(TrayMenu.Action action) {
        switch (action) {
            case MODE_IDLE -> vm.switchMode(ExecutionMode.IDLE);
            case MODE_RECORDING -> vm.switchMode(ExecutionMode.RECORDING);
            case MODE_AUTOPILOT -> vm.switchMode(ExecutionMode.AUTOPILOT);
            case LOAD_VLM -> vm.loadVlm();
            case UNLOAD_VLM -> vm.unloadVlm();
            case FREE_GPU_FOR_RECORDING -> vm.freeGpuForRecording();
            case TOGGLE_WINDOW -> {
                if (stage.isShowing()) {
                    placement.hide(stage);
                } else {
                    placement.show(stage);
                }
            }
            case QUIT -> quit.request(QuitConfirmation.Origin.TRAY, vm.modeProperty().get());
        }
    }

    private boolean operatorConfirmsQuit() {
        Alert alert = new Alert(Alert.AlertType.CONFIRMATION, messages.get("quit.text"), ButtonType.OK, ButtonType.CANCEL);
        alert.initOwner(stage);
        alert.setTitle(messages.get("app.title"));
        alert.setHeaderText(messages.get("quit.title"));
        return alert.showAndWait().filter(ButtonType.OK::equals).isPresent();
    }

    /** ControlsFX sizes a notification to one line of its text: a long reason ran off the screen. */
    private static final int WRAP_COLUMNS = 90;

    static String wrap(String text, int columns) {
        StringBuilder out = new StringBuilder();
        int lineLength = 0;
        for (String word : text.split(" ")) {
            if (lineLength > 0 && lineLength + 1 + word.length() > columns) {
                out.append('\n');
                lineLength = 0;
            } else if (lineLength > 0) {
                out.append(' ');
                lineLength++;
            }
            out.append(word);
            lineLength += word.length();
        }
        return out.toString();
    }

    private void show(String title, String text, boolean warning, org.controlsfx.control.action.Action action) {
        if (stage.isShowing()) {
            // ControlsFX places it 15 px inside a corner or edge of the window, nowhere else. Bottom-right sat on
            // the event log's scroll bar, top-right on Settings and the CLIP card, top-centre on the mode
            // switcher; bottom-centre covers only the log's oldest lines (it is newest first).
            Notifications notification = Notifications.create().owner(stage).position(Pos.BOTTOM_CENTER)
                    .title(title).text(wrap(text, WRAP_COLUMNS))
                    .hideAfter(Duration.seconds(action != null ? 30 : warning ? 10 : 6));
            if (action != null) {
                notification.action(action);
            }
            // The theme's colours, not ControlsFX's glossy icons: a warning shows as a red edge (app.css).
            notification.styleClass(warning ? "notice-warning" : "notice-info").show();
        } else {
            tray.ifPresent(t -> t.notify(title, text, warning));
        }
    }

    @Override
    public void close() {
        events.close();
        tray.ifPresent(Tray::close);
    }
}
