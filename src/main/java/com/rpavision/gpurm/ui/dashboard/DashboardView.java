package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.dashboard.ActionButtonsBinder.HeldButton;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel.LogFilter;
import javafx.beans.InvalidationListener;
import javafx.fxml.FXML;
import javafx.scene.chart.LineChart;
import javafx.scene.control.Button;
import javafx.scene.control.ChoiceBox;
import javafx.scene.control.Label;
import javafx.scene.control.ListView;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.ProgressIndicator;
import javafx.scene.control.Tab;
import javafx.scene.control.TabPane;
import javafx.scene.control.TableColumn;
import javafx.scene.control.TableView;
import javafx.scene.control.ToggleButton;
import javafx.scene.control.Tooltip;
import javafx.scene.input.Clipboard;
import javafx.scene.input.ClipboardContent;
import javafx.scene.layout.BorderPane;
import javafx.scene.layout.FlowPane;
import javafx.scene.layout.HBox;
import javafx.scene.layout.StackPane;
import javafx.scene.layout.VBox;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

import static com.rpavision.gpurm.ui.dashboard.Visibility.show;

/**
 * The dashboard's controller: hands its nodes to the binders of each part (banner, mode, VRAM, cards, buttons,
 * log, processes, timeline) and forwards clicks; no logic of its own.
 */
public final class DashboardView {

    private final DashboardViewModel vm;
    private final Messages messages;
    private final boolean demo;
    private final Supplier<CompletableFuture<?>> retryCheck;
    private final Runnable openSettings;
    private final Runnable exportDiagnostics;
    @FXML private Button diagnosticsButton;

    @FXML private Label demoBanner;
    @FXML private StackPane bannerSlot;
    @FXML private HBox banner;
    @FXML private Label bannerTitle;
    @FXML private Label bannerMore;
    @FXML private Label bannerText;
    @FXML private Label bannerAnswer;
    @FXML private Label allClear;
    @FXML private Button bannerFix;
    @FXML private Button bannerSecondFix;
    @FXML private StackPane loadHolder;
    @FXML private StackPane unloadHolder;
    @FXML private StackPane clipGpuHolder;
    @FXML private StackPane clipCpuHolder;
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
    @FXML private FlowPane vramLegend;
    @FXML private Label vramUsage;
    @FXML private Label vramFree;
    @FXML private Label vramShared;
    @FXML private VBox otherGpus;
    @FXML private Label vlmModel;
    @FXML private Label vlmBadge;
    @FXML private Label vlmDetail;
    @FXML private ProgressBar vlmLoadBar;
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
    @FXML private BorderPane dashboard;
    @FXML private TabPane tabs;
    @FXML private Tab timelineTab;
    @FXML private HBox timelinePane;
    @FXML private VBox timelineCard;
    @FXML private LineChart<Number, Number> timelineChart;
    @FXML private LineChart<Number, Number> loadChart;
    @FXML private LineChart<Number, Number> temperatureChart;
    @FXML private Label processNote;
    @FXML private TableView<ProcessRow> processTable;
    @FXML private TableColumn<ProcessRow, Number> pidColumn;
    @FXML private TableColumn<ProcessRow, String> nameColumn;
    @FXML private TableColumn<ProcessRow, Number> gpuColumn;
    @FXML private TableColumn<ProcessRow, String> memoryColumn;
    private BannerSlotBinder bannerSlotBinder;
    private TimelineCharts timelineCharts;
    private RoomyLayout roomyLayout;
    private TypeScale typeScale;

    public DashboardView(DashboardViewModel vm, Messages messages, boolean demo, Supplier<CompletableFuture<?>> retryCheck,
                         Runnable openSettings) {
        this(vm, messages, demo, retryCheck, openSettings, null);
    }

    /** @param exportDiagnostics asks where and writes the support zip; null hides the button */
    public DashboardView(DashboardViewModel vm, Messages messages, boolean demo, Supplier<CompletableFuture<?>> retryCheck,
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
        bannerSlotBinder = new BannerSlotBinder(vm, retryCheck, openSettings, banner, bannerTitle, bannerMore, bannerText,
                bannerAnswer, allClear, bannerFix, bannerSecondFix);
        new ModeSwitcherBinder(vm, messages, modeCard, modeName, verdict, idleButton, recordingButton, autopilotButton,
                switchProgress, switchingText);
        new VramCardBinder(vm, messages, gpuName, vramBar, vramLegend, vramUsage, vramFree, vramShared, otherGpus);
        new ModelCardsBinder(vm, vlmModel, vlmBadge, vlmDetail, vlmLoadBar, vlmNotice, vlmFacts,
                clipBadge, clipDetail, clipFacts);
        ActionButtonsBinder.bind(vm, new HeldButton(loadButton, loadHolder), new HeldButton(unloadButton, unloadHolder),
                new HeldButton(clipGpuButton, clipGpuHolder), new HeldButton(clipCpuButton, clipCpuHolder),
                cancelLoadButton, actionError, clipNote);
        EventLogBinder.bind(vm, messages, logFilter, logList, copyText);
        initTimeline();
        ProcessTableBinder.bind(vm, messages, processNote, processTable, pidColumn, nameColumn, gpuColumn, memoryColumn);
    }

    /** The tooltip that says why a button is off, or null while there is nothing to say (for tests). */
    public static Tooltip reasonTooltip(Button button) {
        return ActionButtonsBinder.reasonTooltip(button);
    }

    /** The timeline in its tab, or in a card of its own on a tall window, drawn only while it can be seen. */
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
        InvalidationListener shown = o -> timelineCharts.setShown(
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

    @FXML
    private void exportDiagnostics() {
        exportDiagnostics.run();
    }

    @FXML
    private void openSettings() {
        openSettings.run();
    }

    @FXML
    private void bannerFix() {
        bannerSlotBinder.runFix((Banner.Fix) bannerFix.getUserData());
    }

    @FXML
    private void bannerSecondFix() {
        bannerSlotBinder.runFix((Banner.Fix) bannerSecondFix.getUserData());
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
