package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.UiThread;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The dashboard's commands' way to the manager and back: a call runs on the background executor and its answer
 * comes back through {@link UiThread}; what went wrong is said as the action error beside the buttons.
 */
final class ManagerCalls {

    private final Executor background;
    private final UiThread ui;
    private final Messages messages;
    private final ReadOnlyStringWrapper actionError = new ReadOnlyStringWrapper("");

    ManagerCalls(Executor background, UiThread ui, Messages messages) {
        this.background = background;
        this.ui = ui;
        this.messages = messages;
    }

    ReadOnlyStringProperty actionErrorProperty() {
        return actionError.getReadOnlyProperty();
    }

    void clearError() {
        actionError.set("");
    }

    /** "Could not {what}: {why}" beside the buttons. */
    void failed(String what, String why) {
        actionError.set(messages.get("action.failed", what, why));
    }

    /** The call's answer to {@code onDone}, or its failure said and {@code onFailure} run, on the UI thread. */
    <T> void run(String what, Supplier<CompletableFuture<T>> call, Consumer<T> onDone, Runnable onFailure) {
        actionError.set("");
        background.execute(() -> call.get().whenComplete((result, failure) -> ui.execute(() -> {
            if (failure != null) {
                failed(what, failure.getMessage());
                onFailure.run();
            } else {
                onDone.accept(result);
            }
        })));
    }

    /** The call's end to {@code onDone} on the UI thread, with its failure or null; nothing is said for it. */
    void whenDone(Supplier<? extends CompletableFuture<?>> call, Consumer<Throwable> onDone) {
        background.execute(() -> call.get().whenComplete((result, failure) -> ui.execute(() -> onDone.accept(failure))));
    }

    /** Work that answers through the manager's next status, not here. */
    void inBackground(Runnable work) {
        background.execute(work);
    }

    /** From a background thread: a step of a running call shown on the UI thread. */
    void onUiThread(Runnable step) {
        ui.execute(step);
    }
}
