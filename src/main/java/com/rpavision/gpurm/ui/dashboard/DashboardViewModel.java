package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.manager.GpuResourceManager;
import com.rpavision.gpurm.core.manager.MigrationResult;
import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.core.model.VramInfo;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.ReasonText;
import com.rpavision.gpurm.ui.UiThread;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.collections.ObservableList;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/**
 * The dashboard's state and commands. Its update methods run on the UI thread; its commands hand the
 * manager's work to the background executor and come back through {@link UiThread} ({@link ManagerCalls}).
 * It never touches nodes. Each card's state is a part of its own; this class feeds them and keeps their order.
 */
public final class DashboardViewModel {

    public enum VramLevel { NONE, OK, HIGH, CRITICAL }

    public enum ClipBadge { CPU, CUDA, MIGRATING, STARTING, UNAVAILABLE, ERROR }

    public enum LogFilter { ALL, MODELS, MODES, HEALTH }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final GpuResourceManager manager;
    private final Messages messages;
    private final Clock clock;
    private final ManagerCalls calls;
    private final LoadProgress loadProgress = new LoadProgress();
    private final VramBarModel vramBar;
    private final CardFacts cardFacts;
    private final VlmCardState vlmCard;
    private final ModeHeaderState header;
    private final VramCardState vramCard;
    private final ClipCardState clipCard;
    private final ActionButtonsState actions;
    private final BannerState banners;
    private final BannerFixes fixes;
    private final ProcessTableState processTable;
    private final VramTimeline timeline = new VramTimeline();
    private final EventLog eventLog;
    private final ReadOnlyBooleanWrapper degraded = new ReadOnlyBooleanWrapper();
    /** CLIP goes to the GPU only with more than this free ({@code vram_threshold_for_clip_gpu_mb}); 0: not told. */
    private long clipNeedsMoreThanMb;
    private GpuResourceStatus lastStatus;

    public DashboardViewModel(GpuResourceManager manager, Executor background, UiThread ui, Messages messages, Clock clock) {
        this.manager = manager;
        this.messages = messages;
        this.clock = clock;
        this.calls = new ManagerCalls(background, ui, messages);
        this.eventLog = new EventLog(messages, clock.getZone());
        this.vramBar = new VramBarModel(messages);
        this.cardFacts = new CardFacts(messages, clock, vramBar);
        this.vlmCard = new VlmCardState(messages, clock, loadProgress, vramBar);
        this.header = new ModeHeaderState(messages, vlmCard.vlmStateProperty());
        this.vramCard = new VramCardState(messages);
        this.clipCard = new ClipCardState(messages);
        this.actions = new ActionButtonsState(messages);
        this.banners = new BannerState(messages);
        this.fixes = new BannerFixes(manager, calls, messages, clock, banners, vramBar, this::update, this::formatTime);
        this.processTable = new ProcessTableState(messages);
    }

    // ================================================================ properties

    public ReadOnlyObjectProperty<ExecutionMode> modeProperty() { return header.modeProperty(); }
    public ReadOnlyBooleanProperty switchingProperty() { return header.switchingProperty(); }
    public ReadOnlyStringProperty switchingTextProperty() { return header.switchingTextProperty(); }
    /** The mode's name, shown large next to the switcher. */
    public ReadOnlyStringProperty modeTextProperty() { return header.modeTextProperty(); }
    /** The mode the manager is in, as last seen: the header shows it, not a switch's target. */
    public ReadOnlyObjectProperty<ExecutionMode> reachedModeProperty() { return header.reachedModeProperty(); }
    /** Whether the mode's model is ready, beside the mode (and in the tray's tooltip). */
    public ReadOnlyObjectProperty<Verdict> verdictProperty() { return header.verdictProperty(); }
    /** The state for the window title and the taskbar: "Recording · VLM loaded". */
    public ReadOnlyStringProperty stateTitleProperty() { return header.stateTitleProperty(); }
    public ReadOnlyBooleanProperty contendedProperty() { return banners.contendedProperty(); }
    public ReadOnlyBooleanProperty freeingGpuProperty() { return fixes.freeingGpuProperty(); }
    public ReadOnlyObjectProperty<Banner> bannerProperty() { return banners.bannerProperty(); }
    /** "Also: Data not saved" when more than one abnormal state is in force. */
    public ReadOnlyStringProperty bannerMoreProperty() { return banners.bannerMoreProperty(); }
    public ReadOnlyStringProperty bannerAnswerProperty() { return banners.bannerAnswerProperty(); }
    public ReadOnlyBooleanProperty fixingProperty() { return fixes.fixingProperty(); }
    public ReadOnlyStringProperty loadReasonProperty() { return actions.loadReasonProperty(); }
    public ReadOnlyStringProperty unloadReasonProperty() { return actions.unloadReasonProperty(); }
    public ReadOnlyStringProperty clipGpuReasonProperty() { return actions.clipGpuReasonProperty(); }
    public ReadOnlyStringProperty clipCpuReasonProperty() { return actions.clipCpuReasonProperty(); }
    public ReadOnlyBooleanProperty cancelLoadShownProperty() { return actions.cancelLoadShownProperty(); }
    public ReadOnlyDoubleProperty vramFractionProperty() { return vramCard.vramFractionProperty(); }
    public ReadOnlyDoubleProperty vramTotalMbProperty() { return vramCard.vramTotalMbProperty(); }
    public ReadOnlyObjectProperty<VramLevel> vramLevelProperty() { return vramCard.vramLevelProperty(); }
    public ReadOnlyStringProperty vramUsageTextProperty() { return vramCard.vramUsageTextProperty(); }
    public ReadOnlyStringProperty vramFreeTextProperty() { return vramCard.vramFreeTextProperty(); }
    /** Windows only: the shared GPU memory in use; empty elsewhere. */
    public ReadOnlyStringProperty vramSharedTextProperty() { return vramCard.vramSharedTextProperty(); }
    /** Whether so much sits in shared memory that a model there is likely slowed down. */
    public ReadOnlyBooleanProperty vramSpilledProperty() { return vramCard.vramSpilledProperty(); }
    public ReadOnlyStringProperty gpuNameProperty() { return vramCard.gpuNameProperty(); }
    public ReadOnlyObjectProperty<ModelState> vlmStateProperty() { return vlmCard.vlmStateProperty(); }
    public ReadOnlyStringProperty vlmModelProperty() { return vlmCard.vlmModelProperty(); }
    public ReadOnlyStringProperty vlmTextProperty() { return vlmCard.vlmTextProperty(); }
    public ReadOnlyStringProperty vlmDetailProperty() { return vlmCard.vlmDetailProperty(); }
    /** Before a load: what the VLM needs and what it could have now; empty while it is loaded or unknown. */
    public ReadOnlyStringProperty vlmFitTextProperty() { return vlmCard.vlmFitTextProperty(); }
    /** A running load's share of a typical one; -1 when that cannot be told (indeterminate); 0 with no load. */
    public ReadOnlyDoubleProperty loadFractionProperty() { return vlmCard.loadFractionProperty(); }
    public ReadOnlyStringProperty vlmNoticeProperty() { return vlmCard.vlmNoticeProperty(); }
    public ReadOnlyObjectProperty<ClipBadge> clipBadgeProperty() { return clipCard.clipBadgeProperty(); }
    public ReadOnlyStringProperty clipTextProperty() { return clipCard.clipTextProperty(); }
    public ReadOnlyStringProperty clipDetailProperty() { return clipCard.clipDetailProperty(); }
    public ReadOnlyBooleanProperty degradedProperty() { return degraded.getReadOnlyProperty(); }
    public ReadOnlyStringProperty actionErrorProperty() { return calls.actionErrorProperty(); }
    public ReadOnlyBooleanProperty loadEnabledProperty() { return actions.loadEnabledProperty(); }
    public ReadOnlyBooleanProperty unloadEnabledProperty() { return actions.unloadEnabledProperty(); }
    public ReadOnlyBooleanProperty clipGpuEnabledProperty() { return actions.clipGpuEnabledProperty(); }
    public ReadOnlyBooleanProperty clipCpuEnabledProperty() { return actions.clipCpuEnabledProperty(); }
    public ReadOnlyStringProperty clipNoteProperty() { return actions.clipNoteProperty(); }
    public ReadOnlyObjectProperty<List<CardFact>> vlmFactsProperty() { return vlmCard.vlmFactsProperty(); }
    public ReadOnlyObjectProperty<List<CardFact>> clipFactsProperty() { return clipCard.clipFactsProperty(); }
    public ReadOnlyBooleanProperty retryingProperty() { return fixes.retryingProperty(); }
    /** "Copied 12 lines" after Copy, until the log changes. */
    public ReadOnlyStringProperty copyTextProperty() { return eventLog.copyTextProperty(); }
    public ObjectProperty<LogFilter> logFilterProperty() { return eventLog.filterProperty(); }
    public ObservableList<LogLine> visibleLog() { return eventLog.visible(); }
    public VramTimeline timeline() { return timeline; }
    /** The stacked bar's parts: VLM, CLIP, other models, other programs, free. */
    public VramBarModel vramBar() { return vramBar; }
    public ObservableList<ProcessRow> processes() { return processTable.processes(); }
    /** The GPUs other than the managed one, one line each; empty on a single-GPU machine. */
    public ObservableList<String> otherGpus() { return vramCard.otherGpus(); }
    public ReadOnlyStringProperty processNoteProperty() { return processTable.processNoteProperty(); }

    // ================================================================ updates (UI thread)

    /** Applies a fresh status snapshot. */
    public void update(GpuResourceStatus status) {
        lastStatus = status;
        header.follow(status);
        VramInfo v = status.vram();
        vramCard.update(v);
        vramBar.update(v.isGpu() ? status.vramBreakdown() : null, status.vlmState() == ModelState.LOADING);
        if (v.isGpu() && status.vramBreakdown() != null) {
            eventLog.otherModelsSeen(clock.instant(), status.vramBreakdown().otherModels());
        }
        vlmCard.update(status, header.switching());
        showFacts(status);
        banners.show(status);
        clipCard.update(status);
        actions.update(status, header.switching(), clipNeedsMoreThanMb);
        refreshVerdict();
        degraded.set(status.degradedMode());
        if (v.isGpu()) {
            timeline.add(clock.instant(), v);
        }
        processTable.update(status);
        vramCard.showOtherGpus(status);
    }

    private void showFacts(GpuResourceStatus status) {
        vlmCard.showFacts(cardFacts.vlm(status, loadProgress.typical()));
        clipCard.showFacts(cardFacts.clip(status, clipNeedsMoreThanMb));
    }

    private void refreshVerdict() {
        header.refreshVerdict(lastStatus, loadProgress, clock);
    }

    /** CLIP's own rule for going to the GPU, so "CLIP to GPU" is off, with the figures, where it would be refused. */
    public void clipNeedsMoreThanMb(long mb) {
        this.clipNeedsMoreThanMb = mb;
        if (lastStatus != null) {
            actions.update(lastStatus, header.switching(), clipNeedsMoreThanMb);
            showFacts(lastStatus);
        }
    }

    /** Adds an event to the log, newest first, and to the timeline where it marks a moment. */
    public void onEvent(ResourceChangedEvent event) {
        if (vlmCard.recordLoad(event) && lastStatus != null) {
            showFacts(lastStatus);
        }
        eventLog.add(event).ifPresent(text -> timeline.mark(clock.instant(), text, VramTimeline.Kind.of(event)));
    }

    /** The visible log as text, newest first as on screen, each line with its date, for the clipboard. */
    public String visibleLogAsText() {
        return eventLog.visibleAsText();
    }

    /** Copy's answer: how many lines went to the clipboard. Returns the text to put there. */
    public String copyVisibleLog() {
        return eventLog.copyVisible();
    }

    public String formatTime(Instant time) {
        return TIME.format(time.atZone(clock.getZone()));
    }

    /** Called once a second by the app so counters (loading time, idle countdown) move. */
    public void refreshClock() {
        if (lastStatus != null) {
            vlmCard.refreshClock(lastStatus, header.switching());
        }
    }

    /** The VLM's load times the journal holds, oldest first: a load's bar then knows how long one usually takes. */
    public void seedLoadTimes(List<Duration> past) {
        loadProgress.seed(past);
        refreshClock();
    }

    // ================================================================ commands

    /**
     * Switches the mode. Another switch may follow before this one is done (a mis-click during a cold load): the
     * manager gives up a load the new mode does not want, and only the latest switch's answer is shown.
     */
    public void switchMode(ExecutionMode target) {
        if (header.isSwitchingTo(target)) {
            return;
        }
        long generation = header.beginSwitch();
        if (lastStatus != null) {
            actions.update(lastStatus, header.switching(), clipNeedsMoreThanMb);
        }
        header.aimAt(target);
        refreshVerdict();
        calls.run("mode " + target.wireName(), () -> manager.setExecutionMode(target), status -> {
            if (header.endSwitch(generation)) {
                update(status);
                header.clearSwitchingText();
            }
        }, () -> {
            if (header.endSwitch(generation)) {
                header.clearSwitchingText();
                if (lastStatus != null) {
                    update(lastStatus);
                }
            }
        });
    }

    public void loadVlm() {
        calls.run(messages.get("action.load"), manager::loadVlmAsync, ok -> { }, () -> { });
    }

    public void unloadVlm() {
        calls.run(messages.get("action.unload"), manager::unloadVlmAsync, ok -> { }, () -> { });
    }

    /** The view put a banner's command on the clipboard: the banner says so. */
    public void copied(String command) {
        fixes.copied(command);
    }

    /** "Cancel load": the running load given up; the manager's answer comes as its next status. */
    public void cancelLoad() {
        calls.clearError();
        calls.inBackground(manager::cancelVlmLoad);
    }

    /**
     * A banner's fix, for those the view model can do itself (the view copies the command and opens Settings).
     * Its buttons are off until the fix is done; what went wrong is said beside the action buttons.
     */
    public void fix(Banner.Fix fix) {
        fixes.fix(fix);
    }

    public void moveClip(ClipDevice device) {
        String what = messages.get(device == ClipDevice.CUDA ? "action.clipGpu" : "action.clipCpu");
        calls.run(what, () -> manager.migrateClipAsync(device), (MigrationResult result) -> {
            if (!result.ok()) {
                calls.failed(what, ReasonText.of(result.why(), messages));
            }
        }, () -> { });
    }

    /**
     * "Free the GPU for recording": the other Ollama models unloaded, the VLM loaded in RECORDING. A model that
     * would not go, or a VLM that still cannot load, is said beside the buttons.
     */
    public void freeGpuForRecording() {
        fixes.freeGpuForRecording();
    }

    /**
     * Asks for an immediate availability check (the degraded banner's "retry now"): "Checking…" until it is done,
     * then what it found and when.
     */
    public void retryNow(Supplier<CompletableFuture<?>> check) {
        fixes.retryNow(check);
    }
}
