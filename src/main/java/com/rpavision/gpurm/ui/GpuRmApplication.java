package com.rpavision.gpurm.ui;

import atlantafx.base.theme.PrimerDark;
import atlantafx.base.theme.PrimerLight;
import com.rpavision.gpurm.core.concurrent.Threads;
import com.rpavision.gpurm.core.config.ConfigStore;
import com.rpavision.gpurm.core.config.GpuResourceConfig;
import com.rpavision.gpurm.core.manager.GpuResourceManager;
import com.rpavision.gpurm.ui.dashboard.DashboardView;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel;
import com.rpavision.gpurm.ui.ollama.OllamaModelsView;
import com.rpavision.gpurm.ui.statistics.StatisticsView;
import com.rpavision.gpurm.ui.statistics.StatisticsViewModel;
import com.rpavision.gpurm.ui.ollama.OllamaModelsViewModel;
import com.rpavision.gpurm.ui.prefs.StartAtLogin;
import com.rpavision.gpurm.ui.prefs.UiPreferences;
import com.rpavision.gpurm.ui.prefs.UiPreferencesStore;
import com.rpavision.gpurm.ui.settings.NewInstance;
import com.rpavision.gpurm.ui.settings.SettingsView;
import com.rpavision.gpurm.ui.settings.SettingsViewModel;
import com.rpavision.gpurm.ui.tray.DesktopIntegration;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.scene.Parent;
import javafx.scene.Scene;
import javafx.scene.image.Image;
import javafx.stage.Modality;
import javafx.stage.Screen;
import javafx.stage.Stage;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/** The control panel's JavaFX application; started by {@code Launcher} through {@link #launch(Context)}. */
public final class GpuRmApplication extends Application {

    private static final Logger LOG = LoggerFactory.getLogger(GpuRmApplication.class);

    /** What the app is given; JavaFX builds the Application itself, so it is handed over through here. */
    public record Context(ManagerStartup startup, ConfigStore configStore, GpuResourceConfig config,
                          Messages messages, boolean demo, UiPreferencesStore preferencesStore,
                          AtomicReference<UiPreferences> preferences, boolean systemPrefersDark, StartAtLogin startAtLogin,
                          DiagnosticsWriter diagnostics, Runnable onExit, NewInstance newInstance) {
    }

    private static volatile Context context;
    private FxBridge bridge;
    private ViewLoader loader;
    private Stage settingsStage;
    private DesktopIntegration desktop;
    private Stage stage;
    private ExecutorService background;
    private StartingPane starting;
    private volatile boolean stopping;

    private static volatile Stage mainStage;

    /** A second launch knocked: show the window, wherever it was. Any thread. */
    public static void bringToFront() {
        Platform.runLater(() -> {
            Stage s = mainStage;
            if (s != null) {
                s.setIconified(false);
                s.show();
                s.toFront();
            }
        });
    }

    public static void launch(Context given) {
        context = given;
        Application.launch(GpuRmApplication.class);
    }

    @Override
    public void start(Stage stage) {
        Context c = context;
        applyTheme(c.preferences().get().theme());
        background = Executors.newSingleThreadExecutor(Threads.named("gpurm-ui-tasks"));
        starting = new StartingPane(c.messages());
        Scene scene = new Scene(starting, 1180, 780);
        scene.getStylesheets().add(GpuRmApplication.class.getResource("app.css").toExternalForm());
        stage.setTitle(c.messages().get(c.demo() ? "app.title.demo" : "app.title"));
        for (int size : new int[]{16, 32, 48, 256}) {
            stage.getIcons().add(new Image(GpuRmApplication.class.getResource("icons/app-" + size + ".png").toExternalForm()));
        }
        stage.setScene(scene);
        StartupTrace.onFirstFrame(scene);
        stage.show();
        // Hints given before the window maps are overridden by some X window managers (openbox opened it at
        // 900x575): size it once it is mapped.
        stage.setMinWidth(900);
        stage.setMinHeight(600);
        Platform.runLater(() -> place(stage, c.preferences().get()));
        this.stage = stage;
        mainStage = stage;
        Thread starter = Threads.named("gpurm-startup").newThread(() -> {
            try {
                GpuResourceManager manager = c.startup().build();
                Platform.runLater(() -> showDashboard(manager));
            } catch (RuntimeException | LinkageError e) {
                LOG.error("The manager could not be built", e);
                Platform.runLater(() -> starting.failed(String.valueOf(e.getMessage())));
            }
        });
        starter.start();
    }

    /** The journal's last month of VLM loads, read in the background, so a load's bar knows the usual time. */
    private void seedLoadTimes(DashboardViewModel vm, GpuResourceManager manager, UiThread ui) {
        background.execute(() -> {
            String model = manager.getStatus().vlmModel();
            java.util.List<java.time.Duration> times = com.rpavision.gpurm.core.journal.Statistics.loadTimes(
                    context.startup().journal(java.time.Instant.now().minus(java.time.Duration.ofDays(30))), model);
            ui.execute(() -> vm.seedLoadTimes(times));
        });
    }

    /** The manager exists: the real panel replaces the start-up one, then the manager starts behind it. */
    private void showDashboard(GpuResourceManager manager) {
        if (stopping) {
            return;
        }
        Context c = context;
        UiThread ui = new UiThread(Platform::runLater);
        DashboardViewModel vm = new DashboardViewModel(manager, background, ui, c.messages(), Clock.systemDefaultZone());
        vm.clipNeedsMoreThanMb(c.config().vramThresholdForClipGpuMb());
        seedLoadTimes(vm, manager, ui);
        SettingsViewModel settings = new SettingsViewModel(c.configStore(), c.config(), background, ui, c.messages(),
                new SettingsViewModel.Preferences(c.preferencesStore(), c.preferences(), this::applyTheme, c.startAtLogin()),
                manager::applyLive, new SettingsViewModel.RestartAction(c.newInstance(), Platform::exit));
        OllamaModelsViewModel ollamaModels = new OllamaModelsViewModel(manager, background, ui, c.messages());
        StatisticsViewModel statistics = new StatisticsViewModel(c.startup()::journal, background, ui, c.messages(),
                Clock.systemDefaultZone());
        Map<Class<?>, Supplier<?>> controllers = Map.of(
                DashboardView.class, () -> new DashboardView(vm, c.messages(), c.demo(), manager::retryNow,
                        () -> openSettings(stage), this::exportDiagnostics),
                OllamaModelsView.class, () -> new OllamaModelsView(ollamaModels, c.messages()),
                StatisticsView.class, () -> new StatisticsView(statistics, c.messages()),
                SettingsView.class, () -> new SettingsView(settings, () -> settingsStage.close()));
        loader = new ViewLoader(c.messages(), controllers);
        Parent root = loader.load(FxmlView.DASHBOARD);
        bridge = new FxBridge(manager, vm, ui);
        bridge.forwardEventsTo(ollamaModels::onEvent);
        bridge.forwardEventsTo(event -> {
            if (com.rpavision.gpurm.core.journal.Journal.KEPT.contains(event.type())) {
                statistics.refresh();
            }
        });
        ollamaModels.refresh();
        statistics.refresh();
        stage.showingProperty().addListener((o, was, now) -> bridge.setOnScreen(now && !stage.isIconified()));
        stage.iconifiedProperty().addListener((o, was, now) -> bridge.setOnScreen(stage.isShowing() && !now));
        stage.getScene().setRoot(root);
        // "Recording · VLM loaded — GPU Resource Manager": the state reads in the taskbar and window switcher too.
        String appTitle = c.messages().get(c.demo() ? "app.title.demo" : "app.title");
        stage.titleProperty().bind(javafx.beans.binding.Bindings.concat(vm.stateTitleProperty(), " \u2014 ", appTitle));
        starting = null;
        desktop = new DesktopIntegration(stage, manager, vm, c.messages(), ui);
        StartupTrace.onDashboard(stage.getScene());
        Threads.named("gpurm-startup").newThread(() -> {
            try {
                c.startup().start();
            } catch (RuntimeException e) {
                LOG.error("The manager did not start", e);
            }
        }).start();
    }

    private void applyTheme(UiPreferences.Theme theme) {
        boolean dark = theme == UiPreferences.Theme.DARK
                || (theme == UiPreferences.Theme.SYSTEM && context.systemPrefersDark());
        Application.setUserAgentStylesheet(dark ? new PrimerDark().getUserAgentStylesheet()
                : new PrimerLight().getUserAgentStylesheet());
    }

    /**
     * Where the window was last time, if that place is still on a screen, and never larger than the screen's
     * visible area (at 1920x1080 and 150 % the default size ran under the taskbar).
     */
    private static void place(Stage stage, UiPreferences p) {
        boolean placed = p.hasPlacement() && !Screen.getScreensForRectangle(p.windowX(), p.windowY(), 100, 40).isEmpty();
        Screen screen = placed ? Screen.getScreensForRectangle(p.windowX(), p.windowY(), 100, 40).get(0) : Screen.getPrimary();
        WindowBounds.Rect r = WindowBounds.clamp(new WindowBounds.Rect(placed ? p.windowX() : Double.NaN,
                placed ? p.windowY() : Double.NaN, p.windowWidth(), p.windowHeight()), screen.getVisualBounds());
        stage.setWidth(r.width());
        stage.setHeight(r.height());
        if (!Double.isNaN(r.x())) {
            stage.setX(r.x());
            stage.setY(r.y());
        } else {
            stage.centerOnScreen();
        }
        stage.setMaximized(p.maximized());
    }

    /** Asks where, then writes the support zip in the background and says where it went (or why not). */
    private void exportDiagnostics() {
        Messages messages = context.messages();
        javafx.stage.FileChooser chooser = new javafx.stage.FileChooser();
        chooser.setTitle(messages.get("diagnostics.title"));
        chooser.setInitialFileName("gpu-resource-manager-diagnostics-" + java.time.LocalDate.now() + ".zip");
        chooser.setInitialDirectory(new java.io.File(System.getProperty("user.home")));
        chooser.getExtensionFilters().add(new javafx.stage.FileChooser.ExtensionFilter("ZIP", "*.zip"));
        java.io.File file = chooser.showSaveDialog(stage);
        if (file == null) {
            return;
        }
        background.execute(() -> {
            String outcome;
            javafx.scene.control.Alert.AlertType type;
            try {
                context.diagnostics().writeTo(file.toPath());
                outcome = messages.get("diagnostics.done", file.getAbsolutePath());
                type = javafx.scene.control.Alert.AlertType.INFORMATION;
            } catch (java.io.IOException | RuntimeException e) {
                LOG.warn("Diagnostics not written to {}", file, e);
                outcome = messages.get("diagnostics.failed", e.getMessage());
                type = javafx.scene.control.Alert.AlertType.ERROR;
            }
            String text = outcome;
            javafx.scene.control.Alert.AlertType kind = type;
            Platform.runLater(() -> showDiagnosticsResult(kind, text, file.getAbsoluteFile().getParentFile()));
        });
    }

    /** The outcome as a titled dialog; a written zip offers to open its folder, where the operator attaches it. */
    private void showDiagnosticsResult(javafx.scene.control.Alert.AlertType kind, String text, java.io.File folder) {
        Messages messages = context.messages();
        javafx.scene.control.ButtonType openFolder = new javafx.scene.control.ButtonType(messages.get("diagnostics.openFolder"));
        javafx.scene.control.Alert alert = kind == javafx.scene.control.Alert.AlertType.INFORMATION
                ? new javafx.scene.control.Alert(kind, text, openFolder, javafx.scene.control.ButtonType.CLOSE)
                : new javafx.scene.control.Alert(kind, text, javafx.scene.control.ButtonType.CLOSE);
        alert.initOwner(stage);
        alert.setTitle(messages.get("diagnostics.title"));
        alert.setHeaderText(messages.get(kind == javafx.scene.control.Alert.AlertType.INFORMATION
                ? "diagnostics.doneTitle" : "diagnostics.failedTitle"));
        alert.getDialogPane().setMinWidth(520);
        if (alert.getDialogPane().lookup(".content") instanceof javafx.scene.control.Label content) {
            content.setWrapText(true); // the path is long: wrap it rather than cut it
        }
        alert.showAndWait().filter(openFolder::equals).ifPresent(b -> background.execute(() -> {
            try {
                java.awt.Desktop.getDesktop().open(folder);
            } catch (java.io.IOException | RuntimeException e) {
                LOG.warn("Cannot open {}: {}", folder, e.toString());
                Platform.runLater(() -> getHostServices().showDocument(folder.toURI().toString()));
            }
        }));
    }

    /** One settings window, owned by the main one; opening it again brings it forward. */
    private void openSettings(Stage owner) {
        if (settingsStage == null) {
            settingsStage = new Stage();
            settingsStage.initOwner(owner);
            settingsStage.initModality(Modality.WINDOW_MODAL);
            settingsStage.setTitle(context.messages().get("settings.title"));
            settingsStage.getIcons().setAll(owner.getIcons());
            Scene scene = new Scene(loader.load(FxmlView.SETTINGS), 760, 640);
            scene.getStylesheets().add(GpuRmApplication.class.getResource("app.css").toExternalForm());
            settingsStage.setScene(scene);
        }
        settingsStage.show();
        settingsStage.toFront();
    }

    @Override
    public void stop() {
        stopping = true;
        if (stage != null) {
            context.preferences().updateAndGet(p -> stage.isMaximized()
                    ? p.withWindow(p.windowX(), p.windowY(), p.windowWidth(), p.windowHeight(), true)
                    : p.withWindow(stage.getX(), stage.getY(), stage.getWidth(), stage.getHeight(), false));
        }
        if (bridge != null) {
            bridge.close();
        }
        if (desktop != null) {
            desktop.close();
        }
        if (background != null) {
            background.shutdownNow();
        }
        context.onExit().run();
    }
}
