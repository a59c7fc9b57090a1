package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.manager.GpuResourceManager;
import com.rpavision.gpurm.core.manager.MigrationResult;
import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.ClipStatus;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.GpuProcess;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.core.model.GpuSensors;
import com.rpavision.gpurm.core.model.VramInfo;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.ReasonText;
import com.rpavision.gpurm.ui.UiThread;
import javafx.beans.property.ObjectProperty;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;
import javafx.collections.FXCollections;
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
 * manager's work to the background executor and come back through {@link UiThread}. It never touches nodes.
 */
public final class DashboardViewModel {

    public enum VramLevel { NONE, OK, HIGH, CRITICAL }

    public enum ClipBadge { CPU, CUDA, MIGRATING, STARTING, UNAVAILABLE, ERROR }

    public enum LogFilter { ALL, MODELS, MODES, HEALTH }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final GpuResourceManager manager;
    private final Executor background;
    private final UiThread ui;
    private final Messages messages;
    private final Clock clock;

    // ---- properties
    private final ReadOnlyObjectWrapper<ExecutionMode> mode = new ReadOnlyObjectWrapper<>(ExecutionMode.IDLE);
    private final ReadOnlyBooleanWrapper switching = new ReadOnlyBooleanWrapper();
    private final ReadOnlyStringWrapper switchingText = new ReadOnlyStringWrapper("");
    /** The mode's name, shown large next to the switcher. */
    private final ReadOnlyStringWrapper modeText = new ReadOnlyStringWrapper("");
    /** The mode the manager is in, as last seen: the header shows it, not a switch's target. */
    private final javafx.beans.property.ReadOnlyObjectWrapper<ExecutionMode> reachedMode =
            new javafx.beans.property.ReadOnlyObjectWrapper<>(ExecutionMode.IDLE);
    private final javafx.beans.property.ReadOnlyObjectWrapper<Verdict> verdict =
            new javafx.beans.property.ReadOnlyObjectWrapper<>(Verdict.NONE);
    /** The state for the window title and the taskbar: "Recording · VLM loaded". */
    private final ReadOnlyStringWrapper stateTitle = new ReadOnlyStringWrapper("");
    /** Another Ollama model holds the GPU the VLM needs: the banner offers "Free the GPU for recording". */
    private final ReadOnlyBooleanWrapper contended = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper freeingGpu = new ReadOnlyBooleanWrapper();
    /** The most urgent abnormal state with its fix, or null; the others are named in {@link #bannerMore}. */
    private final ReadOnlyObjectWrapper<Banner> banner = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper bannerMore = new ReadOnlyStringWrapper("");
    /** What the banner's last fix found ("Checking…", "Copied: …"), until the banner changes. */
    private final ReadOnlyStringWrapper bannerAnswer = new ReadOnlyStringWrapper("");
    /** A banner's fix under way: its buttons are off until it is done. */
    private final ReadOnlyBooleanWrapper fixing = new ReadOnlyBooleanWrapper();
    /** Why each action button is off (empty while it is on, but for Unload's note in RECORDING). */
    private final ReadOnlyStringWrapper loadReason = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper unloadReason = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper clipGpuReason = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper clipCpuReason = new ReadOnlyStringWrapper("");
    /** A VLM load runs that "Cancel load" can give up. */
    private final ReadOnlyBooleanWrapper cancelLoadShown = new ReadOnlyBooleanWrapper();
    /** The VLM is loaded but partly on the CPU: its card says so too, not a plain green "Loaded". */
    private final ReadOnlyBooleanWrapper vlmSlow = new ReadOnlyBooleanWrapper();
    /** CLIP goes to the GPU only with more than this free ({@code vram_threshold_for_clip_gpu_mb}); 0: not told. */
    private long clipNeedsMoreThanMb;
    private final ReadOnlyDoubleWrapper vramFraction = new ReadOnlyDoubleWrapper();
    private final ReadOnlyDoubleWrapper vramTotalMb = new ReadOnlyDoubleWrapper();
    private final ReadOnlyObjectWrapper<VramLevel> vramLevel = new ReadOnlyObjectWrapper<>(VramLevel.NONE);
    private final ReadOnlyStringWrapper vramUsageText = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper vramFreeText = new ReadOnlyStringWrapper("");
    /** Desktop programs keep a few hundred MB in shared memory; a model that spilled holds gigabytes. */
    static final long SPILL_WARNING_MB = 1_024;
    private final ReadOnlyStringWrapper vramSharedText = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper vramSpilled = new ReadOnlyBooleanWrapper();
    private final ReadOnlyStringWrapper gpuName = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<ModelState> vlmState = new ReadOnlyObjectWrapper<>(ModelState.UNLOADED);
    private final ReadOnlyStringWrapper vlmModel = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper vlmText = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper vlmDetail = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper vlmFitText = new ReadOnlyStringWrapper("");
    /** What the operator must know first about the VLM: a condition in force, else the latest outside change. */
    private final ReadOnlyStringWrapper vlmNotice = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<ClipBadge> clipBadge = new ReadOnlyObjectWrapper<>(ClipBadge.UNAVAILABLE);
    private final ReadOnlyStringWrapper clipText = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper clipDetail = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper degraded = new ReadOnlyBooleanWrapper();
    private final ReadOnlyStringWrapper actionError = new ReadOnlyStringWrapper("");
    private final ReadOnlyBooleanWrapper loadEnabled = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper unloadEnabled = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper clipGpuEnabled = new ReadOnlyBooleanWrapper();
    private final ReadOnlyBooleanWrapper clipCpuEnabled = new ReadOnlyBooleanWrapper();
    /** Why the CLIP buttons are off in AUTOPILOT: the autopilot places CLIP and would undo a manual move. */
    private final ReadOnlyStringWrapper clipNote = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<List<CardFact>> vlmFacts = new ReadOnlyObjectWrapper<>(List.of());
    private final ReadOnlyObjectWrapper<List<CardFact>> clipFacts = new ReadOnlyObjectWrapper<>(List.of());
    private final ReadOnlyBooleanWrapper retrying = new ReadOnlyBooleanWrapper();
    private final VramTimeline timeline = new VramTimeline();
    private final VramBarModel vramBar;
    private final VlmCardText vlmCard;
    private final ObservableList<ProcessRow> processes = FXCollections.observableArrayList();
    private final ObservableList<String> otherGpus = FXCollections.observableArrayList();
    private final ReadOnlyStringWrapper processNote = new ReadOnlyStringWrapper("");
    private final LoadProgress loadProgress = new LoadProgress();
    private final CardFacts cardFacts;
    private final ReadOnlyDoubleWrapper loadFraction = new ReadOnlyDoubleWrapper(0);
    /** Counts switches, so the answer to one overtaken by a later switch is not shown. */
    private long switchGeneration;
    private GpuResourceStatus lastStatus;
    private final EventLog eventLog;

    public DashboardViewModel(GpuResourceManager manager, Executor background, UiThread ui, Messages messages, Clock clock) {
        this.manager = manager;
        this.background = background;
        this.ui = ui;
        this.messages = messages;
        this.clock = clock;
        this.eventLog = new EventLog(messages, clock.getZone());
        this.vramBar = new VramBarModel(messages);
        this.vlmCard = new VlmCardText(messages, clock, loadProgress, vramBar);
        this.cardFacts = new CardFacts(messages, clock, vramBar);
        reachedMode.addListener((obs, old, now) -> refreshModeTexts());
        vlmState.addListener((obs, old, now) -> refreshModeTexts());
        refreshModeTexts();
    }

    private void refreshModeTexts() {
        modeText.set(messages.get("mode." + reachedMode.get().name()));
        stateTitle.set(messages.get("title.state", modeText.get(), messages.get("title.vlm." + vlmState.get().name())));
    }

    // ================================================================ properties

    public ReadOnlyObjectProperty<ExecutionMode> modeProperty() { return mode.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty switchingProperty() { return switching.getReadOnlyProperty(); }
    public ReadOnlyStringProperty switchingTextProperty() { return switchingText.getReadOnlyProperty(); }
    public ReadOnlyStringProperty modeTextProperty() { return modeText.getReadOnlyProperty(); }
    public javafx.beans.property.ReadOnlyObjectProperty<ExecutionMode> reachedModeProperty() { return reachedMode.getReadOnlyProperty(); }
    /** Whether the mode's model is ready, beside the mode (and in the tray's tooltip). */
    public javafx.beans.property.ReadOnlyObjectProperty<Verdict> verdictProperty() { return verdict.getReadOnlyProperty(); }
    public ReadOnlyStringProperty stateTitleProperty() { return stateTitle.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty contendedProperty() { return contended.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty freeingGpuProperty() { return freeingGpu.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<Banner> bannerProperty() { return banner.getReadOnlyProperty(); }
    /** "Also: Data not saved" when more than one abnormal state is in force. */
    public ReadOnlyStringProperty bannerMoreProperty() { return bannerMore.getReadOnlyProperty(); }
    public ReadOnlyStringProperty bannerAnswerProperty() { return bannerAnswer.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty fixingProperty() { return fixing.getReadOnlyProperty(); }
    public ReadOnlyStringProperty loadReasonProperty() { return loadReason.getReadOnlyProperty(); }
    public ReadOnlyStringProperty unloadReasonProperty() { return unloadReason.getReadOnlyProperty(); }
    public ReadOnlyStringProperty clipGpuReasonProperty() { return clipGpuReason.getReadOnlyProperty(); }
    public ReadOnlyStringProperty clipCpuReasonProperty() { return clipCpuReason.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty cancelLoadShownProperty() { return cancelLoadShown.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty vlmSlowProperty() { return vlmSlow.getReadOnlyProperty(); }
    public ReadOnlyDoubleProperty vramFractionProperty() { return vramFraction.getReadOnlyProperty(); }
    public ReadOnlyDoubleProperty vramTotalMbProperty() { return vramTotalMb.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<VramLevel> vramLevelProperty() { return vramLevel.getReadOnlyProperty(); }
    public ReadOnlyStringProperty vramUsageTextProperty() { return vramUsageText.getReadOnlyProperty(); }
    public ReadOnlyStringProperty vramFreeTextProperty() { return vramFreeText.getReadOnlyProperty(); }
    /** Windows only: the shared GPU memory in use; empty elsewhere. */
    public ReadOnlyStringProperty vramSharedTextProperty() { return vramSharedText.getReadOnlyProperty(); }
    /** Whether so much sits in shared memory that a model there is likely slowed down. */
    public ReadOnlyBooleanProperty vramSpilledProperty() { return vramSpilled.getReadOnlyProperty(); }
    public ReadOnlyStringProperty gpuNameProperty() { return gpuName.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<ModelState> vlmStateProperty() { return vlmState.getReadOnlyProperty(); }
    public ReadOnlyStringProperty vlmModelProperty() { return vlmModel.getReadOnlyProperty(); }
    public ReadOnlyStringProperty vlmTextProperty() { return vlmText.getReadOnlyProperty(); }
    public ReadOnlyStringProperty vlmDetailProperty() { return vlmDetail.getReadOnlyProperty(); }
    /** Before a load: what the VLM needs and what it could have now; empty while it is loaded or unknown. */
    public ReadOnlyStringProperty vlmFitTextProperty() { return vlmFitText.getReadOnlyProperty(); }
    /** A running load's share of a typical one; -1 when that cannot be told (indeterminate); 0 with no load. */
    public ReadOnlyDoubleProperty loadFractionProperty() { return loadFraction.getReadOnlyProperty(); }
    public ReadOnlyStringProperty vlmNoticeProperty() { return vlmNotice.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<ClipBadge> clipBadgeProperty() { return clipBadge.getReadOnlyProperty(); }
    public ReadOnlyStringProperty clipTextProperty() { return clipText.getReadOnlyProperty(); }
    public ReadOnlyStringProperty clipDetailProperty() { return clipDetail.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty degradedProperty() { return degraded.getReadOnlyProperty(); }
    public ReadOnlyStringProperty actionErrorProperty() { return actionError.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty loadEnabledProperty() { return loadEnabled.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty unloadEnabledProperty() { return unloadEnabled.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty clipGpuEnabledProperty() { return clipGpuEnabled.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty clipCpuEnabledProperty() { return clipCpuEnabled.getReadOnlyProperty(); }
    public ReadOnlyStringProperty clipNoteProperty() { return clipNote.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<List<CardFact>> vlmFactsProperty() { return vlmFacts.getReadOnlyProperty(); }
    public ReadOnlyObjectProperty<List<CardFact>> clipFactsProperty() { return clipFacts.getReadOnlyProperty(); }
    public ReadOnlyBooleanProperty retryingProperty() { return retrying.getReadOnlyProperty(); }
    /** "Copied 12 lines" after Copy, until the log changes. */
    public ReadOnlyStringProperty copyTextProperty() { return eventLog.copyTextProperty(); }
    public ObjectProperty<LogFilter> logFilterProperty() { return eventLog.filterProperty(); }
    public ObservableList<LogLine> visibleLog() { return eventLog.visible(); }
    public VramTimeline timeline() { return timeline; }
    /** The stacked bar's parts: VLM, CLIP, other models, other programs, free. */
    public VramBarModel vramBar() { return vramBar; }
    public ObservableList<ProcessRow> processes() { return processes; }
    /** The GPUs other than the managed one, one line each; empty on a single-GPU machine. */
    public ObservableList<String> otherGpus() { return otherGpus; }
    public ReadOnlyStringProperty processNoteProperty() { return processNote.getReadOnlyProperty(); }

    // ================================================================ updates (UI thread)

    /** Applies a fresh status snapshot. */
    public void update(GpuResourceStatus status) {
        lastStatus = status;
        if (!switching.get()) {
            // the manager names the target at once; the header waits until the switch is done
            mode.set(status.executionMode());
            reachedMode.set(status.executionMode());
        }
        VramInfo v = status.vram();
        if (v.isGpu() && v.totalMb() > 0) {
            double fraction = (double) v.usedMb() / v.totalMb();
            vramFraction.set(fraction);
            vramTotalMb.set(v.totalMb());
            vramLevel.set(fraction >= 0.9 ? VramLevel.CRITICAL : fraction >= 0.75 ? VramLevel.HIGH : VramLevel.OK);
            vramUsageText.set(messages.get("vram.usage", v.usedMb(), v.totalMb()));
            vramFreeText.set(messages.get("vram.free", v.freeMb(), v.gpuUtilizationPercent()) + sensorsText(v.sensors()));
            gpuName.set(localGpuName(v.gpuName()));
            showShared(v);
        } else {
            showShared(VramInfo.none());
            vramFraction.set(0);
            vramLevel.set(VramLevel.NONE);
            vramUsageText.set(messages.get("vram.none"));
            vramFreeText.set("");
            gpuName.set("");
        }
        vramBar.update(v.isGpu() ? status.vramBreakdown() : null, status.vlmState() == ModelState.LOADING);
        if (v.isGpu() && status.vramBreakdown() != null) {
            eventLog.otherModelsSeen(clock.instant(), status.vramBreakdown().otherModels());
        }
        vlmModel.set(status.vlmModel());
        vlmState.set(status.vlmState());
        loadProgress.loading(status.vlmState() == ModelState.LOADING, clock.instant());
        loadFraction.set(loadShare());
        vlmFitText.set(vlmCard.fit(status));
        vlmText.set(vlmCard.state(status));
        vlmDetail.set(vlmCard.detail(status, switching.get()));
        vlmNotice.set(vlmCard.notice(status));
        showFacts(status);
        contended.set(status.conditions().stream().anyMatch(r -> r.code() == com.rpavision.gpurm.core.model.Reason.Code.VLM_CONTENDED));
        vlmSlow.set(status.vlmState() == ModelState.LOADED && status.conditions().stream()
                .anyMatch(r -> r.code() == com.rpavision.gpurm.core.model.Reason.Code.VLM_PARTLY_ON_CPU));
        showBanners(status);
        applyClip(status.clip());
        status.conditions().stream().filter(r -> r.code() == com.rpavision.gpurm.core.model.Reason.Code.CLIP_DISPLACED)
                .findFirst().ifPresent(r -> clipDetail.set(ReasonText.of(r, messages)));
        updateActions(status);
        refreshVerdict();
        degraded.set(status.degradedMode());
        if (v.isGpu()) {
            timeline.add(clock.instant(), v);
        }
        updateProcesses(status);
        List<String> others = status.gpus().stream().filter(g -> g.index() != v.index())
                .map(g -> messages.get("vram.other", g.index(), g.gpuName(), g.usedMb(), g.totalMb())).toList();
        if (!others.equals(otherGpus)) {
            otherGpus.setAll(others);
        }
    }

    /** Set only when they differ, so an unchanged status rebuilds no card. */
    private void showFacts(GpuResourceStatus status) {
        List<CardFact> vlm = cardFacts.vlm(status, loadProgress.typical());
        if (!vlm.equals(vlmFacts.get())) {
            vlmFacts.set(vlm);
        }
        List<CardFact> clip = cardFacts.clip(status, clipNeedsMoreThanMb);
        if (!clip.equals(clipFacts.get())) {
            clipFacts.set(clip);
        }
    }

    private void refreshVerdict() {
        if (lastStatus == null) {
            return;
        }
        Verdict now = Verdict.of(lastStatus, switching.get() ? mode.get() : null, loadProgress.elapsed(clock.instant()),
                loadProgress.typical(), messages);
        // an object property fires on every new instance: the header and the tray redraw only for a new verdict
        if (!now.equals(verdict.get())) {
            verdict.set(now);
        }
    }

    private void showShared(VramInfo v) {
        boolean spilled = v.sharedMb().isPresent() && v.sharedMb().getAsLong() >= SPILL_WARNING_MB;
        vramSpilled.set(spilled);
        vramSharedText.set(v.sharedMb().isEmpty() ? ""
                : messages.get(spilled ? "vram.shared.spilled" : "vram.shared", v.sharedMb().getAsLong()));
    }

    /** " · 64 °C · 288 of 450 W", the parts the driver gives. */
    private String sensorsText(GpuSensors sensors) {
        StringBuilder text = new StringBuilder();
        sensors.temperatureC().ifPresent(t -> text.append(" \u00b7 ").append(messages.get("vram.temperature", t)));
        sensors.powerWatts().ifPresent(w -> text.append(" \u00b7 ").append(sensors.powerLimitWatts().isPresent()
                ? messages.get("vram.powerOfLimit", w, sensors.powerLimitWatts().getAsInt())
                : messages.get("vram.power", w)));
        return text.toString();
    }

    /**
     * Each action is offered only where it can do something, as the tray menu does, and a button that is off says
     * why (its tooltip and its accessible help).
     */
    private void updateActions(GpuResourceStatus status) {
        ModelState vlm = status.vlmState();
        boolean ollamaAway = status.degradedReasons().stream()
                .anyMatch(r -> r.code() == com.rpavision.gpurm.core.model.Reason.Code.OLLAMA_UNREACHABLE);
        boolean notPulled = status.vlmError() != null
                && status.vlmError().code() == com.rpavision.gpurm.core.model.Reason.Code.MODEL_NOT_PULLED;
        String busy = switching.get() ? messages.get("why.switching")
                : vlm == ModelState.LOADING ? messages.get("why.loading")
                : vlm == ModelState.UNLOADING ? messages.get("why.unloading") : "";
        String ollama = ollamaAway ? messages.get("why.ollamaDown") : "";
        loadReason.set(first(busy, ollama, vlm == ModelState.LOADED ? messages.get("why.loaded") : "",
                notPulled ? messages.get("why.notPulled", status.vlmModel()) : ""));
        loadEnabled.set(loadReason.get().isEmpty());
        // ERROR is a load that failed: nothing is loaded unless Ollama's list still shows the VLM's memory
        boolean held = vlm == ModelState.LOADED || (vlm == ModelState.ERROR && status.vramBreakdown() != null
                && status.vramBreakdown().vlmMb() > 0);
        String unloadOff = first(busy, ollama, held ? "" : messages.get("why.nothingLoaded"));
        unloadEnabled.set(unloadOff.isEmpty());
        unloadReason.set(!unloadOff.isEmpty() ? unloadOff
                : status.executionMode() == ExecutionMode.RECORDING ? messages.get("why.recordingReloads") : "");
        boolean autopilot = status.executionMode() == ExecutionMode.AUTOPILOT;
        ClipStatus clip = status.clip();
        String clipOff = first(autopilot ? messages.get("clip.autopilotPlaces") : "", busy,
                clip.availability() == ClipStatus.Availability.MIGRATING ? messages.get("why.clipMoving")
                        : clip.availability() != ClipStatus.Availability.AVAILABLE ? messages.get("why.clipUnavailable") : "");
        VramInfo v = status.vram();
        clipGpuReason.set(first(clipOff, clip.device() == ClipDevice.CUDA ? messages.get("why.clipOnGpu") : "",
                !v.isGpu() ? messages.get("why.noGpu") : "",
                clipNeedsMoreThanMb > 0 && v.freeMb() <= clipNeedsMoreThanMb
                        ? messages.get("why.clipNoRoom", v.freeMb(), clipNeedsMoreThanMb) : ""));
        clipGpuEnabled.set(clipGpuReason.get().isEmpty());
        clipCpuReason.set(first(clipOff, clip.device() == ClipDevice.CPU ? messages.get("why.clipOnCpu") : ""));
        clipCpuEnabled.set(clipCpuReason.get().isEmpty());
        clipNote.set(autopilot ? messages.get("clip.autopilotPlaces") : "");
        cancelLoadShown.set(vlm == ModelState.LOADING);
    }

    private static String first(String... reasons) {
        for (String reason : reasons) {
            if (!reason.isEmpty()) {
                return reason;
            }
        }
        return "";
    }

    private void showBanners(GpuResourceStatus status) {
        List<Banner> all = Banner.of(status, messages);
        Banner shown = all.isEmpty() ? null : all.get(0);
        if (shown == null || banner.get() == null || shown.kind() != banner.get().kind()) {
            bannerAnswer.set(""); // an answer belongs to the banner it was given in
        }
        banner.set(shown);
        bannerMore.set(all.size() < 2 ? "" : messages.get("banner.more",
                String.join(" \u00b7 ", all.subList(1, all.size()).stream().map(Banner::title).toList())));
    }

    /** CLIP's own rule for going to the GPU, so "CLIP to GPU" is off, with the figures, where it would be refused. */
    public void clipNeedsMoreThanMb(long mb) {
        this.clipNeedsMoreThanMb = mb;
        if (lastStatus != null) {
            updateActions(lastStatus);
            showFacts(lastStatus);
        }
    }

    /** The demo's GPU calls itself "(simulated)" in English, as the API reports it; the panel says it in its language. */
    private String localGpuName(String name) {
        String simulated = " (simulated)";
        return name.endsWith(simulated)
                ? name.substring(0, name.length() - simulated.length()) + " " + messages.get("vram.simulated") : name;
    }

    private void updateProcesses(GpuResourceStatus status) {
        java.text.NumberFormat numbers = java.text.NumberFormat.getIntegerInstance(messages.locale());
        List<ProcessRow> rows = status.processes().stream()
                .sorted(java.util.Comparator.comparingLong((GpuProcess p) -> p.usedMb().orElse(-1)).reversed())
                .map(p -> new ProcessRow(p.pid(), shownName(p), p.gpuIndex(),
                        p.usedMb().isPresent() ? numbers.format(p.usedMb().getAsLong()) : messages.get("processes.unknown")))
                .toList();
        if (!rows.equals(processes)) {
            processes.setAll(rows);
        }
        boolean unknown = status.processes().stream().anyMatch(p -> p.usedMb().isEmpty());
        processNote.set(unknown ? messages.get("processes.unknownNote")
                : rows.isEmpty() && status.vram().isGpu() ? messages.get("processes.empty") : "");
    }

    /** An Ollama runner with the model it serves, as "ollama — qwen3-vl:8b". */
    private static String shownName(GpuProcess process) {
        return process.model() == null ? process.name() : process.name() + " — " + process.model();
    }

    private void applyClip(ClipStatus clip) {
        ClipBadge badge = switch (clip.availability()) {
            case AVAILABLE -> clip.device() == ClipDevice.CUDA ? ClipBadge.CUDA : ClipBadge.CPU;
            case MIGRATING -> ClipBadge.MIGRATING;
            // the engine loads its model for a few seconds at start: that is not "unavailable" (issue 26)
            case UNAVAILABLE -> starting(clip) ? ClipBadge.STARTING : ClipBadge.UNAVAILABLE;
            case ERROR -> ClipBadge.ERROR;
        };
        clipBadge.set(badge);
        clipText.set(messages.get("clip." + badge.name().toLowerCase()));
        if (badge == ClipBadge.STARTING) {
            clipDetail.set("");
        } else if (clip.why() != null) {
            clipDetail.set(ReasonText.of(clip.why(), messages));
        } else if (clip.device() == ClipDevice.CPU && clip.whyNotCuda() != null) {
            clipDetail.set(messages.get("clip.noCuda", ReasonText.of(clip.whyNotCuda(), messages)));
        } else {
            clipDetail.set("");
        }
    }

    private static boolean starting(ClipStatus clip) {
        return clip.why() != null && clip.why().code() == com.rpavision.gpurm.core.model.Reason.Code.CLIP_STARTING;
    }

    /** Adds an event to the log, newest first, and to the timeline where it marks a moment. */
    public void onEvent(ResourceChangedEvent event) {
        if (event.type() == EventType.MODEL_LOADED && event.details().get("duration_ms") instanceof Number ms
                && (vlmModel.get().isEmpty() || vlmModel.get().equals(event.details().get("model")))) {
            loadProgress.record(Duration.ofMillis(ms.longValue()));
            if (lastStatus != null) {
                showFacts(lastStatus);
            }
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
            vlmText.set(vlmCard.state(lastStatus));
            vlmDetail.set(vlmCard.detail(lastStatus, switching.get()));
            loadFraction.set(loadShare());
        }
    }

    /** 0 while no load runs: a hidden bar left indeterminate would keep its animation running. */
    private double loadShare() {
        return loadProgress.isLoading() ? loadProgress.fraction(clock.instant()) : 0;
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
        if (switching.get() && mode.get() == target) {
            return;
        }
        long generation = ++switchGeneration;
        switching.set(true);
        if (lastStatus != null) {
            updateActions(lastStatus);
        }
        mode.set(target);
        switchingText.set(messages.get("mode.switching", messages.get("mode." + target.name())));
        refreshVerdict();
        run("mode " + target.wireName(), () -> manager.setExecutionMode(target), status -> {
            if (generation == switchGeneration) {
                switching.set(false);
                update(status);
                switchingText.set("");
            }
        }, () -> {
            if (generation == switchGeneration) {
                switching.set(false);
                switchingText.set("");
                if (lastStatus != null) {
                    update(lastStatus);
                }
            }
        });
    }

    public void loadVlm() {
        run(messages.get("action.load"), manager::loadVlmAsync, ok -> { }, () -> { });
    }

    public void unloadVlm() {
        run(messages.get("action.unload"), manager::unloadVlmAsync, ok -> { }, () -> { });
    }

    /** The view put a banner's command on the clipboard: the banner says so. */
    public void copied(String command) {
        bannerAnswer.set(messages.get("banner.copied", command));
    }

    /** "Cancel load": the running load given up; the manager's answer comes as its next status. */
    public void cancelLoad() {
        actionError.set("");
        background.execute(manager::cancelVlmLoad);
    }

    /**
     * A banner's fix, for those the view model can do itself (the view copies the command and opens Settings).
     * Its buttons are off until the fix is done; what went wrong is said beside the action buttons.
     */
    public void fix(Banner.Fix fix) {
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
        actionError.set("");
        bannerAnswer.set(messages.get("pull.working", model));
        java.util.concurrent.atomic.AtomicReference<String> said = new java.util.concurrent.atomic.AtomicReference<>("");
        background.execute(() -> manager.pullVlm(progress -> {
            String text = PullText.of(progress, messages, vramBar);
            if (!text.equals(said.getAndSet(text))) {
                ui.execute(() -> bannerAnswer.set(text));
            }
        }).whenComplete((done, failure) -> ui.execute(() -> {
            fixing.set(false);
            if (failure != null) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                bannerAnswer.set(messages.get("pull.failed", model, cause.getMessage()));
            } else {
                update(manager.getStatus());
                bannerAnswer.set(messages.get("pull.done", model));
            }
        })));
    }

    private <T> void fixing(String what, Supplier<CompletableFuture<T>> call) {
        fixing.set(true);
        run(what, call, done -> {
            fixing.set(false);
            update(manager.getStatus());
        }, () -> fixing.set(false));
    }

    public void moveClip(ClipDevice device) {
        String what = messages.get(device == ClipDevice.CUDA ? "action.clipGpu" : "action.clipCpu");
        run(what, () -> manager.migrateClipAsync(device), (MigrationResult result) -> {
            if (!result.ok()) {
                actionError.set(messages.get("action.failed", what, ReasonText.of(result.why(), messages)));
            }
        }, () -> { });
    }

    /**
     * "Free the GPU for recording": the other Ollama models unloaded, the VLM loaded in RECORDING. A model that
     * would not go, or a VLM that still cannot load, is said beside the buttons.
     */
    public void freeGpuForRecording() {
        String what = messages.get("notify.contended.action");
        freeingGpu.set(true);
        run(what, manager::freeGpuForRecording, (com.rpavision.gpurm.core.manager.GpuTakeBack done) -> {
            freeingGpu.set(false);
            List<String> failed = done.unloaded().stream().filter(u -> !u.ok()).map(u -> u.model() + ": " + u.reason()).toList();
            if (!failed.isEmpty()) {
                actionError.set(messages.get("action.failed", what, String.join("; ", failed)));
            } else if (done.status().vlmState() != ModelState.LOADED && done.status().vlmStateReason() != null) {
                actionError.set(messages.get("action.failed", what, done.status().vlmStateReason()));
            }
            update(done.status());
        }, () -> freeingGpu.set(false));
    }

    /**
     * Asks for an immediate availability check (the degraded banner's "retry now"): "Checking…" until it is done,
     * then what it found and when.
     */
    public void retryNow(Supplier<CompletableFuture<?>> check) {
        retrying.set(true);
        bannerAnswer.set(messages.get("degraded.checking"));
        background.execute(() -> check.get().whenComplete((ok, failure) -> ui.execute(() -> {
            GpuResourceStatus now = manager.getStatus();
            update(now);
            retrying.set(false);
            bannerAnswer.set(messages.get(now.degradedMode() ? "degraded.stillDegraded" : "degraded.recovered",
                    formatTime(clock.instant())));
        })));
    }

    private <T> void run(String what, Supplier<CompletableFuture<T>> call, java.util.function.Consumer<T> onDone,
                         Runnable onFailure) {
        actionError.set("");
        background.execute(() -> call.get().whenComplete((result, failure) -> ui.execute(() -> {
            if (failure != null) {
                actionError.set(messages.get("action.failed", what, failure.getMessage()));
                onFailure.run();
            } else {
                onDone.accept(result);
            }
        })));
    }


}
