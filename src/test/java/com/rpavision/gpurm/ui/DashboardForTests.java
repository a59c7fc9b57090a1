package com.rpavision.gpurm.ui;

import com.rpavision.gpurm.core.manager.GpuResourceManager;
import com.rpavision.gpurm.ui.dashboard.DashboardView;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel;
import com.rpavision.gpurm.ui.ollama.OllamaModelsView;
import com.rpavision.gpurm.ui.ollama.OllamaModelsViewModel;
import com.rpavision.gpurm.ui.statistics.StatisticsView;
import com.rpavision.gpurm.ui.statistics.StatisticsViewModel;
import javafx.scene.Parent;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/** The dashboard FXML with its included tabs, wired as the app wires it, minus the app's callbacks and journal. */
final class DashboardForTests {

    private DashboardForTests() {
    }

    static Parent load(DashboardViewModel vm, GpuResourceManager manager, Executor background, UiThread ui, Messages messages) {
        return load(vm, manager, background, ui, messages, () -> java.util.concurrent.CompletableFuture.completedFuture(null), () -> { });
    }

    /**
     * As the app wires it, with the demo's banner or not, and the statistics tab reading {@code journal} as of
     * {@code clock}'s now.
     */
    static Parent load(DashboardViewModel vm, GpuResourceManager manager, Executor background, UiThread ui, Messages messages,
                       boolean demo, java.util.function.Function<java.time.Instant, List<com.rpavision.gpurm.core.journal.JournalEntry>> journal,
                       Clock clock) {
        OllamaModelsViewModel ollamaModels = new OllamaModelsViewModel(manager, background, ui, messages);
        StatisticsViewModel statistics = new StatisticsViewModel(journal, Runnable::run, new UiThread(Runnable::run),
                messages, clock);
        Map<Class<?>, Supplier<?>> controllers = Map.of(
                DashboardView.class, () -> new DashboardView(vm, messages, demo,
                        () -> java.util.concurrent.CompletableFuture.completedFuture(null), () -> { }),
                OllamaModelsView.class, () -> new OllamaModelsView(ollamaModels, messages),
                StatisticsView.class, () -> new StatisticsView(statistics, messages));
        Parent root = new ViewLoader(messages, controllers).load(FxmlView.DASHBOARD);
        ollamaModels.refresh();
        statistics.refresh();
        return root;
    }

    /** As the app wires it: the banner's "Retry now" asks the manager, "Ollama settings…" runs {@code openSettings}. */
    static Parent load(DashboardViewModel vm, GpuResourceManager manager, Executor background, UiThread ui, Messages messages,
                       Supplier<java.util.concurrent.CompletableFuture<?>> retryCheck, Runnable openSettings) {
        OllamaModelsViewModel ollamaModels = new OllamaModelsViewModel(manager, background, ui, messages);
        StatisticsViewModel statistics = new StatisticsViewModel(since -> List.of(), Runnable::run, new UiThread(Runnable::run),
                messages, Clock.systemUTC());
        Map<Class<?>, Supplier<?>> controllers = Map.of(
                DashboardView.class, () -> new DashboardView(vm, messages, false, retryCheck, openSettings),
                OllamaModelsView.class, () -> new OllamaModelsView(ollamaModels, messages),
                StatisticsView.class, () -> new StatisticsView(statistics, messages));
        return new ViewLoader(messages, controllers).load(FxmlView.DASHBOARD);
    }

    /** The dashboard shown on the toolkit's stage at the panel's first-start size, with the app's stylesheet. */
    static void show(javafx.stage.Stage stage, DashboardViewModel vm, GpuResourceManager manager, Executor background,
                     UiThread ui, Messages messages) {
        show(stage, load(vm, manager, background, ui, messages));
    }

    static void show(javafx.stage.Stage stage, Parent root) {
        javafx.scene.Scene scene = new javafx.scene.Scene(root, 1180, 780);
        scene.getStylesheets().add(GpuRmApplication.class.getResource("app.css").toExternalForm());
        stage.setScene(scene);
        stage.show();
    }
}
