package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel.ClipBadge;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel.LogFilter;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel.VramLevel;
import javafx.fxml.FXML;
import javafx.scene.Node;
import javafx.scene.chart.LineChart;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListCell;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.ToggleGroup;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.input.KeyCode;
import javafx.scene.input.KeyCodeCombination;
import javafx.scene.input.KeyCombination;
import javafx.scene.layout.HBox;
import javafx.util.StringConverter;

import java.util.List;
import java.util.Map;

/** The dashboard's controller: binds nodes to the view model and forwards clicks; no logic of its own. */
public final class DashboardView {

    private static final List<String> BADGE_STYLES = List.of("badge-ok", "badge-busy", "badge-error", "badge-gpu", "badge-cpu");
    private static final List<String> MODE_STYLES = List.of("mode-idle", "mode-recording", "mode-autopilot");
    /** The alarm and warning colours the two former banners had (app.css owns them): red, then amber. */
    private static final List<String> BANNER_COLOURS = List.of("banner-condition", "banner-degraded");
    private static final String REASON_TOOLTIP = "gpurm.reasonTooltip";
    private static final List<String> VRAM_STYLES = List.of("vram-ok", "vram-high", "vram-critical");

    private final DashboardViewModel vm;
    private final Messages messages;
    private final boolean demo;
    private final java.util.function.Supplier<java.util.concurrent.CompletableFuture<?>> retryCheck;
    private final Runnable openSettings;
    private final Runnable exportDiagnostics;
    @FXML private Button diagnosticsButton;

    @FXML private Label demoBanner;
    @FXML private javafx.scene.layout.StackPane bannerSlot;
    @FXML private HBox banner;
    @FXML private Label bannerTitle;
    @FXML private Label bannerMore;
    @FXML private Label bannerText;
    @FXML private Label bannerAnswer;
    @FXML private Label allClear;
    @FXML private Button bannerFix;
    @FXML private Button bannerSecondFix;
    @FXML private javafx.scene.layout.StackPane loadHolder;
    @FXML private javafx.scene.layout.StackPane unloadHolder;
    @FXML private javafx.scene.layout.StackPane clipGpuHolder;
    @FXML private javafx.scene.layout.StackPane clipCpuHolder;
    @FXML private Button cancelLoadButton;
    @FXML private HBox modeCard;
    @FXML private Label modeName;
    @FXML private Label verdict;
    @FXML private ToggleButton idleButton;
    @FXML private ToggleButton recordingButton;
    @FXML private ToggleButton autopilotButton;
    @FXML private ProgressIndicator switchProgress;
    @FXML private Label switchingText;
    @FXML private Label gpuName;
    @FXML private StackedVramBar vramBar;
    @FXML private javafx.scene.layout.FlowPane vramLegend;
    @FXML private Label vramUsage;
    @FXML private Label vramFree;
    @FXML private Label vramShared;
    @FXML private javafx.scene.layout.VBox otherGpus;
    @FXML private Label vlmModel;
    @FXML private Label vlmBadge;
    @FXML private Label vlmDetail;
    @FXML private javafx.scene.control.ProgressBar vlmLoadBar;
    @FXML private Label vlmNotice;
    @FXML private Label clipBadge;
    @FXML private Label clipDetail;
    @FXML private Button loadButton;
    @FXML private Button unloadButton;
    @FXML private Button clipGpuButton;
    @FXML private Button clipCpuButton;
    @FXML private Label actionError;
    @FXML private Label clipNote;
    @FXML private FactsGrid vlmFacts;
    @FXML private FactsGrid clipFacts;
    @FXML private Label copyText;
    @FXML private ChoiceBox<LogFilter> logFilter;
    @FXML private ListView<LogLine> logList;
    @FXML private javafx.scene.layout.BorderPane dashboard;
    @FXML private javafx.scene.control.TabPane tabs;
    @FXML private javafx.scene.control.Tab timelineTab;
    @FXML private HBox timelinePane;
    @FXML private javafx.scene.layout.VBox timelineCard;
    @FXML private LineChart<Number, Number> timelineChart;
    @FXML private LineChart<Number, Number> loadChart;
    @FXML private LineChart<Number, Number> temperatureChart;
    @FXML private Label processNote;
    @FXML private TableView<ProcessRow> processTable;
    @FXML private TableColumn<ProcessRow, Number> pidColumn;
    @FXML private TableColumn<ProcessRow, String> nameColumn;
    @FXML private TableColumn<ProcessRow, Number> gpuColumn;
    @FXML private TableColumn<ProcessRow, String> memoryColumn;
    private TimelineCharts timelineCharts;
    private RoomyLayout roomyLayout;
    private TypeScale typeScale;

    private final ToggleGroup modes = new ToggleGroup();
    private Map<ExecutionMode, ToggleButton> modeButtons;

    public DashboardView(DashboardViewModel vm, Messages messages, boolean demo, java.util.function.Supplier<java.util.concurrent.CompletableFuture<?>> retryCheck,
                         Runnable openSettings) {
        this(vm, messages, demo, retryCheck, openSettings, null);
    }

    /** @param exportDiagnostics asks where and writes the support zip; null hides the button */
    public DashboardView(DashboardViewModel vm, Messages messages, boolean demo, java.util.function.Supplier<java.util.concurrent.CompletableFuture<?>> retryCheck,
                         Runnable openSettings, Runnable exportDiagnostics) {
        this.exportDiagnostics = exportDiagnostics;
        this.vm = vm;
        this.messages = messages;
        this.demo = demo;
        this.retryCheck = retryCheck;
        this.openSettings = openSettings;
    }

    @FXML
    private void initialize() {
        show(diagnosticsButton, exportDiagnostics != null);
        show(demoBanner, demo);
        initBanner();

        modeButtons = Map.of(ExecutionMode.IDLE, idleButton, ExecutionMode.RECORDING, recordingButton,
                ExecutionMode.AUTOPILOT, autopilotButton);
        modeButtons.forEach((mode, button) -> {
            button.setToggleGroup(modes);
            button.setUserData(mode);
            button.setOnAction(e -> vm.switchMode(mode));
        });
        modeButtons.forEach((mode, button) -> {
            button.getStyleClass().add("mode-" + mode.wireName() + "-button");
            button.setTooltip(new Tooltip(messages.get("mode.shortcut", mode.ordinal() + 1)));
        });
        // Before a load, as LM Studio shows it: what the VLM needs and what it could have.
        recordingButton.getTooltip().textProperty().bind(javafx.beans.binding.Bindings.createStringBinding(
                () -> vm.vlmFitTextProperty().get().isEmpty() ? messages.get("mode.shortcut", 2)
                        : messages.get("mode.shortcut", 2) + "\n" + vm.vlmModelProperty().get() + ": "
                                + vm.vlmFitTextProperty().get(),
                vm.vlmFitTextProperty(), vm.vlmModelProperty()));
        selectMode(vm.modeProperty().get());
        colourModeCard(vm.reachedModeProperty().get());
        vm.modeProperty().addListener((o, a, mode) -> selectMode(mode));
        modeName.textProperty().bind(vm.modeTextProperty());
        showVerdict(vm.verdictProperty().get());
        vm.verdictProperty().addListener((o, was, now) -> showVerdict(now));
        new SwitchingPulse(verdict, vm.switchingProperty());
        vm.reachedModeProperty().addListener((o, was, now) -> colourModeCard(now));
        // A pressed toggle must not end up unselected: the mode is always one of the three.
        modes.selectedToggleProperty().addListener((o, old, now) -> {
            if (now == null && old != null) {
                modes.selectToggle(old);
            }
        });
        switchProgress.visibleProperty().bind(vm.switchingProperty());
        switchProgress.managedProperty().bind(vm.switchingProperty());
        // the verdict says "→ Recording…"; this line speaks only when a switch could not be made
        switchingText.textProperty().bind(vm.switchingTextProperty());
        switchingText.visibleProperty().bind(vm.switchingProperty().not());

        gpuName.textProperty().bind(vm.gpuNameProperty());
        vramBar.bind(vm.vramBar().segments());
        vm.vramBar().segments().addListener((javafx.collections.ListChangeListener<VramBarModel.Segment>) c -> fillLegend());
        fillLegend();
        vramUsage.textProperty().bind(vm.vramUsageTextProperty());
        vramFree.textProperty().bind(vm.vramFreeTextProperty());
        vramShared.textProperty().bind(vm.vramSharedTextProperty());
        show(vramShared, !vm.vramSharedTextProperty().get().isEmpty());
        vm.vramSharedTextProperty().addListener((o, a, text) -> show(vramShared, !text.isEmpty()));
        vm.vramSpilledProperty().addListener((o, a, spilled) -> styleShared(spilled));
        styleShared(vm.vramSpilledProperty().get());
        vm.otherGpus().addListener((javafx.collections.ListChangeListener<String>) c -> showOtherGpus());
        showOtherGpus();
        vm.vramLevelProperty().addListener((o, a, level) -> styleVram(level));
        styleVram(vm.vramLevelProperty().get());

        vlmModel.textProperty().bind(vm.vlmModelProperty());
        vlmBadge.textProperty().bind(vm.vlmTextProperty());
        vlmDetail.textProperty().bind(vm.vlmDetailProperty());
        vlmNotice.textProperty().bind(vm.vlmNoticeProperty());
        vlmNotice.visibleProperty().bind(vm.vlmNoticeProperty().isNotEmpty());
        vlmNotice.managedProperty().bind(vlmNotice.visibleProperty());
        vlmLoadBar.progressProperty().bind(vm.loadFractionProperty());
        vlmLoadBar.visibleProperty().bind(vm.vlmStateProperty().isEqualTo(ModelState.LOADING));
        vlmLoadBar.managedProperty().bind(vlmLoadBar.visibleProperty());
        vm.vlmStateProperty().addListener((o, a, state) -> styleVlm(state));
        styleVlm(vm.vlmStateProperty().get());
        clipBadge.textProperty().bind(vm.clipTextProperty());
        clipDetail.textProperty().bind(vm.clipDetailProperty());
        vm.clipBadgeProperty().addListener((o, a, badge) -> styleClip(badge));
        styleClip(vm.clipBadgeProperty().get());
        tooltipFromText(vlmBadge, vlmDetail);
        tooltipFromText(clipBadge, clipDetail);

        actionError.textProperty().bind(vm.actionErrorProperty());
        tooltipFromText(actionError, actionError);
        loadButton.disableProperty().bind(vm.loadEnabledProperty().not());
        unloadButton.disableProperty().bind(vm.unloadEnabledProperty().not());
        clipGpuButton.disableProperty().bind(vm.clipGpuEnabledProperty().not());
        clipCpuButton.disableProperty().bind(vm.clipCpuEnabledProperty().not());
        // An empty detail takes no room, so a note under it sits right below the badge.
        clipDetail.managedProperty().bind(clipDetail.textProperty().isNotEmpty());
        vlmFacts.show(vm.vlmFactsProperty().get());
        vm.vlmFactsProperty().addListener((o, a, facts) -> vlmFacts.show(facts));
        clipFacts.show(vm.clipFactsProperty().get());
        vm.clipFactsProperty().addListener((o, a, facts) -> clipFacts.show(facts));
        clipNote.textProperty().bind(vm.clipNoteProperty());
        show(clipNote, !vm.clipNoteProperty().get().isEmpty());
        vm.clipNoteProperty().addListener((o, a, text) -> show(clipNote, !text.isEmpty()));
        reasonOn(loadButton, loadHolder, vm.loadReasonProperty());
        reasonOn(unloadButton, unloadHolder, vm.unloadReasonProperty());
        reasonOn(clipGpuButton, clipGpuHolder, vm.clipGpuReasonProperty());
        reasonOn(clipCpuButton, clipCpuHolder, vm.clipCpuReasonProperty());
        cancelLoadButton.visibleProperty().bind(vm.cancelLoadShownProperty());
        cancelLoadButton.managedProperty().bind(vm.cancelLoadShownProperty());
        copyText.textProperty().bind(vm.copyTextProperty());
        // The switcher's buttons are off while a switch runs, and focus would fall to the next control
        // (Diagnostics…, where Enter opens a file dialog): it comes back to the selected mode.
        vm.switchingProperty().addListener((o, was, now) -> {
            if (!now && modes.getSelectedToggle() instanceof ToggleButton selected) {
                selected.requestFocus();
            }
        });
        logFilter.getItems().setAll(LogFilter.values());
        logFilter.setConverter(new StringConverter<>() {
            @Override
            public String toString(LogFilter filter) {
                return filter == null ? "" : messages.get("log.filter." + filter.name().toLowerCase());
            }

            @Override
            public LogFilter fromString(String s) {
                return null;
            }
        });
        logFilter.valueProperty().bindBidirectional(vm.logFilterProperty());
        logList.setItems(vm.visibleLog());
        Label emptyLog = new Label(messages.get("log.empty"));
        emptyLog.setWrapText(true);
        emptyLog.getStyleClass().add("log-empty");
        logList.setPlaceholder(emptyLog);
        logList.setCellFactory(list -> new ListCell<>() {
            @Override
            protected void updateItem(LogLine line, boolean empty) {
                super.updateItem(line, empty);
                setText(empty || line == null ? null : vm.formatTime(line.time()) + "   " + line.text());
            }
        });

        initTimeline();
        initProcesses();

        idleButton.sceneProperty().addListener((o, a, scene) -> {
            if (scene != null) {
                addShortcut(scene, KeyCode.DIGIT1, ExecutionMode.IDLE);
                addShortcut(scene, KeyCode.DIGIT2, ExecutionMode.RECORDING);
                addShortcut(scene, KeyCode.DIGIT3, ExecutionMode.AUTOPILOT);
            }
        });
    }

    /** The one banner slot: its size never changes, so nothing below it moves when a banner comes or goes. */
    private void initBanner() {
        bannerAnswer.textProperty().bind(vm.bannerAnswerProperty());
        bannerMore.textProperty().bind(vm.bannerMoreProperty());
        bannerMore.managedProperty().bind(vm.bannerMoreProperty().isNotEmpty());
        bannerText.setTooltip(new Tooltip());
        bannerText.getTooltip().textProperty().bind(bannerText.textProperty());
        bannerText.getTooltip().setWrapText(true);
        bannerText.getTooltip().setMaxWidth(640);
        javafx.beans.binding.BooleanBinding working = vm.fixingProperty().or(vm.freeingGpuProperty()).or(vm.retryingProperty());
        bannerFix.disableProperty().bind(working);
        bannerSecondFix.disableProperty().bind(working);
        showBanner(vm.bannerProperty().get());
        vm.bannerProperty().addListener((o, was, now) -> showBanner(now));
    }

    private void showBanner(Banner shown) {
        banner.setVisible(shown != null);
        allClear.setVisible(shown == null);
        banner.getStyleClass().removeAll(BANNER_COLOURS);
        bannerTitle.setText(shown == null ? "" : shown.title());
        bannerText.setText(shown == null ? "" : shown.text());
        banner.setAccessibleText(shown == null ? null : shown.title() + ". " + shown.text());
        fixButton(bannerFix, shown, 0);
        fixButton(bannerSecondFix, shown, 1);
        if (shown != null) {
            banner.getStyleClass().add(BANNER_COLOURS.get(shown.kind().alarm() ? 0 : 1));
        }
    }

    private static void fixButton(Button button, Banner shown, int index) {
        boolean has = shown != null && shown.fixes().size() > index;
        button.setUserData(has ? shown.fixes().get(index) : null);
        button.setText(has ? shown.fixes().get(index).label() : "");
        show(button, has);
    }

    /** A button's reason for being off (or, on, what it would cause) as its holder's tooltip and its accessible help. */
    private static void reasonOn(Button button, javafx.scene.layout.StackPane holder, javafx.beans.value.ObservableStringValue reason) {
        button.accessibleHelpProperty().bind(reason);
        Tooltip tip = new Tooltip();
        tip.textProperty().bind(reason);
        tip.setWrapText(true);
        tip.setMaxWidth(480);
        java.util.function.Consumer<String> apply = text -> {
            if (text == null || text.isEmpty()) {
                Tooltip.uninstall(holder, tip);
                holder.getProperties().remove(REASON_TOOLTIP);
            } else {
                Tooltip.install(holder, tip);
                holder.getProperties().put(REASON_TOOLTIP, tip);
            }
        };
        apply.accept(reason.get());
        reason.addListener((o, was, now) -> apply.accept(now));
    }

    /** The tooltip that says why a button is off, or null while there is nothing to say (for tests). */
    public static Tooltip reasonTooltip(Button button) {
        Object tip = button.getParent().getProperties().get(REASON_TOOLTIP);
        return tip instanceof Tooltip t ? t : null;
    }

    private void initTimeline() {
        timelineCharts = new TimelineCharts(vm.timeline(), timelineChart, loadChart, temperatureChart,
                vm.vramTotalMbProperty(), messages);
        roomyLayout = new RoomyLayout(dashboard, tabs, timelineTab, timelinePane, timelineCard, vramBar);
        typeScale = new TypeScale(dashboard);
        for (FactsGrid facts : List.of(vlmFacts, clipFacts)) {
            facts.visibleProperty().bind(roomyLayout.roomyProperty());
            facts.managedProperty().bind(roomyLayout.roomyProperty());
        }
        loadChart.prefWidthProperty().bind(timelinePane.widthProperty().multiply(0.26));
        temperatureChart.prefWidthProperty().bind(timelinePane.widthProperty().multiply(0.22));
        javafx.beans.InvalidationListener shown = o -> timelineCharts.setShown(
                roomyLayout.roomyProperty().get() || timelineTab.isSelected());
        roomyLayout.roomyProperty().addListener(shown);
        timelineTab.selectedProperty().addListener(shown);
    }

    /** The dashboard's font size in pixels, as the window's size scaled it (for tests). */
    double fontSize() {
        return typeScale.fontSize();
    }

    /** Whether the timeline has a card of its own (tall window) rather than a tab. */
    boolean timelineHasItsOwnCard() {
        return roomyLayout.roomyProperty().get();
    }

    private void initProcesses() {
        processNote.textProperty().bind(vm.processNoteProperty());
        processNote.visibleProperty().bind(vm.processNoteProperty().isNotEmpty());
        processNote.managedProperty().bind(processNote.visibleProperty());
        processTable.setItems(vm.processes());
        processTable.setPlaceholder(new Label(messages.get("processes.empty")));
        pidColumn.setCellValueFactory(c -> new javafx.beans.property.SimpleLongProperty(c.getValue().pid()));
        nameColumn.setCellValueFactory(c -> new javafx.beans.property.SimpleStringProperty(c.getValue().name()));
        gpuColumn.setCellValueFactory(c -> new javafx.beans.property.SimpleIntegerProperty(c.getValue().gpu()));
        memoryColumn.setCellValueFactory(c -> new javafx.beans.property.SimpleStringProperty(c.getValue().memory()));
        // Figures right-aligned so their digits line up; the columns share the table's width (no empty filler).
        List.of(pidColumn, gpuColumn, memoryColumn).forEach(column -> column.getStyleClass().add("number-column"));
        processTable.setColumnResizePolicy(TableView.CONSTRAINED_RESIZE_POLICY);
    }

    private void showOtherGpus() {
        otherGpus.getChildren().setAll(vm.otherGpus().stream().map(text -> {
            Label line = new Label(text);
            line.getStyleClass().addAll("muted", "small");
            return line;
        }).toList());
    }

    private void addShortcut(javafx.scene.Scene scene, KeyCode key, ExecutionMode mode) {
        scene.getAccelerators().put(new KeyCodeCombination(key, KeyCombination.SHORTCUT_DOWN), () -> vm.switchMode(mode));
    }

    /** The segment of the mode asked for (a switch's target at once). */
    private void selectMode(ExecutionMode mode) {
        modes.selectToggle(modeButtons.get(mode));
    }

    /** The mode reached in its tray colour (grey, red, blue) on the card's band and its name. */
    private void colourModeCard(ExecutionMode mode) {
        modeCard.getStyleClass().removeAll(MODE_STYLES);
        modeCard.getStyleClass().add("mode-" + mode.wireName());
    }

    private void showVerdict(Verdict shown) {
        verdict.setText(shown.shown());
        verdict.getStyleClass().removeIf(c -> c.startsWith("verdict-"));
        verdict.getStyleClass().add(shown.kind().styleClass());
        show(verdict, shown.kind() != Verdict.Kind.NONE);
    }

    private void styleShared(boolean spilled) {
        vramShared.getStyleClass().removeAll("notice", "muted");
        vramShared.getStyleClass().add(spilled ? "notice" : "muted");
    }

    private static void show(Node node, boolean visible) {
        node.setVisible(visible);
        node.setManaged(visible);
    }

    private static void tooltipFromText(Label badge, Label detail) {
        detail.textProperty().addListener((o, a, text) ->
                badge.setTooltip(text == null || text.isBlank() ? null : new Tooltip(text)));
    }

    /** A swatch and a figure per part of the bar, in the bar's order. */
    private void fillLegend() {
        vramLegend.getChildren().setAll(vm.vramBar().segments().stream().map(s -> {
            javafx.scene.layout.Region swatch = new javafx.scene.layout.Region();
            swatch.getStyleClass().addAll("vram-swatch", s.kind().styleClass());
            Label entry = new Label(s.legend(), swatch);
            entry.getStyleClass().add("vram-legend-entry");
            entry.setMinWidth(javafx.scene.layout.Region.USE_PREF_SIZE);
            if (!s.detail().isEmpty()) {
                entry.setTooltip(new Tooltip(messages.get("vram.part.tooltip.other_models", s.detail())));
            } else if (s.kind() == VramBarModel.Kind.OTHER_PROCESSES) {
                entry.setTooltip(new Tooltip(messages.get("vram.part.tooltip.other_processes")));
            }
            return entry;
        }).toList());
    }

    private void styleVram(VramLevel level) {
        vramBar.getStyleClass().removeAll(VRAM_STYLES);
        switch (level) {
            case OK -> vramBar.getStyleClass().add("vram-ok");
            case HIGH -> vramBar.getStyleClass().add("vram-high");
            case CRITICAL -> vramBar.getStyleClass().add("vram-critical");
            case NONE -> { }
        }
    }

    private void styleVlm(ModelState state) {
        badge(vlmBadge, switch (state) {
            case LOADED -> "badge-ok";
            case LOADING, UNLOADING -> "badge-busy";
            case ERROR -> "badge-error";
            case UNLOADED -> null;
        });
    }

    private void styleClip(ClipBadge state) {
        badge(clipBadge, switch (state) {
            case CUDA -> "badge-gpu";
            case CPU -> "badge-cpu";
            case MIGRATING, STARTING -> "badge-busy";
            case ERROR -> "badge-error";
            case UNAVAILABLE -> null;
        });
    }

    private static void badge(Label label, String style) {
        label.getStyleClass().removeAll(BADGE_STYLES);
        if (style != null) {
            label.getStyleClass().add(style);
        }
    }

    @FXML
    private void exportDiagnostics() {
        exportDiagnostics.run();
    }

    @FXML
    private void openSettings() {
        openSettings.run();
    }

    @FXML
    private void freeGpuForRecording() {
        vm.freeGpuForRecording();
    }

    @FXML
    private void bannerFix() {
        runFix((Banner.Fix) bannerFix.getUserData());
    }

    @FXML
    private void bannerSecondFix() {
        runFix((Banner.Fix) bannerSecondFix.getUserData());
    }

    /** The fixes that cross the view's boundary are done here: the clipboard, Settings; the others by the view model. */
    private void runFix(Banner.Fix fix) {
        if (fix == null) {
            return;
        }
        switch (fix.action()) {
            case COPY_PULL_COMMAND -> {
                ClipboardContent content = new ClipboardContent();
                content.putString(fix.argument());
                Clipboard.getSystemClipboard().setContent(content);
                vm.copied(fix.argument());
            }
            case OLLAMA_SETTINGS -> openSettings.run();
            case RETRY_OLLAMA -> vm.retryNow(retryCheck);
            default -> vm.fix(fix);
        }
    }

    @FXML
    private void cancelLoad() {
        vm.cancelLoad();
    }

    @FXML
    private void loadVlm() {
        vm.loadVlm();
    }

    @FXML
    private void unloadVlm() {
        vm.unloadVlm();
    }

    @FXML
    private void clipToGpu() {
        vm.moveClip(ClipDevice.CUDA);
    }

    @FXML
    private void clipToCpu() {
        vm.moveClip(ClipDevice.CPU);
    }

    @FXML
    private void copyLog() {
        ClipboardContent content = new ClipboardContent();
        content.putString(vm.copyVisibleLog());
        Clipboard.getSystemClipboard().setContent(content);
    }
}
