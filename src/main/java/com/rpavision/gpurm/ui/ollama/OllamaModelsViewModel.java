package com.rpavision.gpurm.ui.ollama;

import com.rpavision.gpurm.core.manager.GpuResourceManager;
import com.rpavision.gpurm.core.manager.OtherModelUnload;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.core.ollama.OllamaException;
import com.rpavision.gpurm.core.ollama.RunningModel;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.UiThread;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.text.NumberFormat;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * The models Ollama holds, the VLM marked, with an unload for each other one and "free VRAM for recording" for
 * all of them. Asking Ollama and unloading block, so they run on {@code background}; results come back
 * through {@link UiThread}.
 */
public final class OllamaModelsViewModel {

    private final GpuResourceManager manager;
    private final Executor background;
    private final UiThread ui;
    private final Messages messages;
    private final ObservableList<OllamaModelRow> models = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper status = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper busy = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper othersPresent = new ReadOnlyBooleanWrapper();

    public OllamaModelsViewModel(GpuResourceManager manager, Executor background, UiThread ui, Messages messages) {
        this.manager = manager;
        this.background = background;
        this.ui = ui;
        this.messages = messages;
    }

    public ObservableList<OllamaModelRow> models() { return models; }
    public ReadOnlyStringProperty statusProperty() { return status.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty busyProperty() { return busy.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty othersPresentProperty() { return othersPresent.getReadOnlyProperty(); }

    /** Models came or went: ask Ollama again. */
    public void onEvent(ResourceChangedEvent event) {
        switch (event.type()) {
            case MODEL_LOADED, MODEL_UNLOADED, OTHER_MODEL_UNLOADED, IDLE_UNLOAD, DEGRADED_OFF -> refresh();
            default -> { }
        }
    }

    public void refresh() {
        background.execute(() -> {
            try {
                List<OllamaModelRow> rows = rows(manager.ollamaModels());
                ui.execute(() -> {
                    models.setAll(rows);
                    othersPresent.set(rows.stream().anyMatch(r -> !r.vlm()));
                });
            } catch (OllamaException e) {
                ui.execute(() -> {
                    models.clear();
                    othersPresent.set(false);
                    status.set(messages.get("ollamaModels.unreachable", e.getMessage()));
                });
            }
        });
    }

    public void unload(String model) {
        busy.set(true);
        status.set(messages.get("ollamaModels.unloading", model));
        background.execute(() -> {
            OtherModelUnload result = manager.unloadOllamaModel(model).join();
            ui.execute(() -> {
                busy.set(false);
                status.set(describe(result));
            });
            refresh();
        });
    }

    /** Unloads every model but the VLM, so that recording has the room. */
    public void freeVramForRecording() {
        busy.set(true);
        status.set(messages.get("ollamaModels.freeing"));
        background.execute(() -> {
            List<OtherModelUnload> results = manager.unloadOtherOllamaModels().join();
            long freed = results.stream().filter(OtherModelUnload::ok).mapToLong(OtherModelUnload::vramFreedMb).sum();
            List<String> failed = results.stream().filter(r -> !r.ok()).map(this::describe).toList();
            ui.execute(() -> {
                busy.set(false);
                status.set(failed.isEmpty()
                        ? messages.get("ollamaModels.freed", results.size(), number(freed))
                        : String.join(" ", failed));
            });
            refresh();
        });
    }

    private String describe(OtherModelUnload result) {
        return result.ok()
                ? messages.get("ollamaModels.unloaded", result.model(), number(result.vramFreedMb()))
                : messages.get("ollamaModels.failed", result.model(), result.reason());
    }

    private List<OllamaModelRow> rows(List<RunningModel> running) {
        return running.stream()
                .sorted(Comparator.comparingLong(RunningModel::sizeVramMb).reversed())
                .map(m -> new OllamaModelRow(m.name(), messages.get("unit.mb", number(m.sizeVramMb())), manager.isVlm(m.name())))
                .toList();
    }

    private String number(long value) {
        return NumberFormat.getIntegerInstance(messages.locale()).format(value);
    }
}
