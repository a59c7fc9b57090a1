package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.manager.GpuResourceManager;
import com.rpavision.gpurm.core.manager.GpuTakeBack;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.ui.Messages;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A banner's fixes that the view model does itself (the view copies the command and opens Settings). The banner's
 * buttons are off while one runs; what it found is the banner's answer, what went wrong is said beside the buttons.
 */
final class BannerFixes {

    private final GpuResourceManager manager;
    private final ManagerCalls calls;
    private final Messages messages;
    private final Clock clock;
    private final BannerState banners;
    private final VramBarModel vramBar;
    private final Consumer<GpuResourceStatus> update;
    private final Function<Instant, String> timeOfDay;
    /** A banner's fix under way: its buttons are off until it is done. */
    private final ReadOnlyBooleanWrapper fixing = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper freeingGpu = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper retrying = new ReadOnlyBooleanWrapper();

    /** @param update applies a fresh status to the whole dashboard once a fix is done */
    BannerFixes(GpuResourceManager manager, ManagerCalls calls, Messages messages, Clock clock, BannerState banners,
                VramBarModel vramBar, Consumer<GpuResourceStatus> update, Function<Instant, String> timeOfDay) {
        this.manager = manager;
        this.calls = calls;
        this.messages = messages;
        this.clock = clock;
        this.banners = banners;
        this.vramBar = vramBar;
        this.update = update;
        this.timeOfDay = timeOfDay;
    }

    ReadOnlyBooleanProperty fixingProperty() { return fixing.getReadOnlyProperty(); }
    ReadOnlyBooleanProperty freeingGpuProperty() { return freeingGpu.getReadOnlyProperty(); }
    ReadOnlyBooleanProperty retryingProperty() { return retrying.getReadOnlyProperty(); }

    void copied(String command) {
        banners.answer(messages.get("banner.copied", command));
    }

    void fix(Banner.Fix fix) {
        switch (fix.action()) {
            case FREE_GPU -> freeGpuForRecording();
            case RELOAD_VLM -> fixing(messages.get("banner.reload"),
                    () -> manager.unloadVlmAsync().thenCompose(gone -> manager.loadVlmAsync()));
            case UNLOAD_MODEL -> fixing(fix.label(), () -> manager.unloadOllamaModel(fix.argument())
                    .thenCompose(done -> done.ok() ? manager.loadVlmAsync()
                            : CompletableFuture.failedFuture(new IllegalStateException(done.reason()))));
            case RETRY_LOAD -> fixing(fix.label(), manager::loadVlmAsync);
            case PULL_MODEL -> pull(fix.argument());
            case COPY_PULL_COMMAND, RETRY_OLLAMA, OLLAMA_SETTINGS ->
                    throw new IllegalArgumentException(fix.action() + " crosses the view's boundary");
        }
    }

    /**
     * "Pull the model": Ollama downloads it while the banner says how far it is (a new line only when the share
     * moves, so a fast download does not flood the UI thread); once pulled, the manager loads it in RECORDING.
     */
    private void pull(String model) {
        fixing.set(true);
        calls.clearError();
        banners.answer(messages.get("pull.working", model));
        AtomicReference<String> said = new AtomicReference<>("");
        calls.whenDone(() -> manager.pullVlm(progress -> {
            String text = PullText.of(progress, messages, vramBar);
            if (!text.equals(said.getAndSet(text))) {
                calls.onUiThread(() -> banners.answer(text));
            }
        }), failure -> {
            fixing.set(false);
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                banners.answer(messages.get("pull.failed", model, cause.getMessage()));
            } else {
                update.accept(manager.getStatus());
                banners.answer(messages.get("pull.done", model));
            }
        });
    }

    private <T> void fixing(String what, Supplier<CompletableFuture<T>> call) {
        fixing.set(true);
        calls.run(what, call, done -> {
            fixing.set(false);
            update.accept(manager.getStatus());
        }, () -> fixing.set(false));
    }

    /**
     * "Free the GPU for recording": the other Ollama models unloaded, the VLM loaded in RECORDING. A model that
     * would not go, or a VLM that still cannot load, is said beside the buttons.
     */
    void freeGpuForRecording() {
        String what = messages.get("notify.contended.action");
        freeingGpu.set(true);
        calls.run(what, manager::freeGpuForRecording, (GpuTakeBack done) -> {
            freeingGpu.set(false);
            List<String> failed = done.unloaded().stream().filter(u -> !u.ok()).map(u -> u.model() + ": " + u.reason()).toList();
            if (!failed.isEmpty()) {
                calls.failed(what, String.join("; ", failed));
            } else if (done.status().vlmState() != ModelState.LOADED && done.status().vlmStateReason() != null) {
                calls.failed(what, done.status().vlmStateReason());
            }
            update.accept(done.status());
        }, () -> freeingGpu.set(false));
    }

    /** The degraded banner's "retry now": "Checking…" until the check is done, then what it found and when. */
    void retryNow(Supplier<CompletableFuture<?>> check) {
        retrying.set(true);
        banners.answer(messages.get("degraded.checking"));
        calls.whenDone(check, failure -> {
            GpuResourceStatus now = manager.getStatus();
            update.accept(now);
            retrying.set(false);
            banners.answer(messages.get(now.degradedMode() ? "degraded.stillDegraded" : "degraded.recovered",
                    timeOfDay.apply(clock.instant())));
        });
    }
}
