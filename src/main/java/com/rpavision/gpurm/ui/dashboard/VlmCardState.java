package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.ui.Messages;
import javafx.beans.property.ReadOnlyDoubleProperty;
import javafx.beans.property.ReadOnlyDoubleWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** The vision model card: its state, its sentences ({@link VlmCardText} words them), a load's progress, its facts. */
final class VlmCardState {

    private final Clock clock;
    private final LoadProgress loadProgress;
    private final VlmCardText text;
    private final ReadOnlyObjectWrapper<ModelState> vlmState = new ReadOnlyObjectWrapper<>(ModelState.UNLOADED);
    private final ReadOnlyStringWrapper vlmModel = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper vlmText = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper vlmDetail = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper vlmFitText = new ReadOnlyStringWrapper("");
    /** What the operator must know first about the VLM: a condition in force, else the latest outside change. */
    private final ReadOnlyStringWrapper vlmNotice = new ReadOnlyStringWrapper("");
    /** The VLM is loaded but partly on the CPU: its card says so too, not a plain green "Loaded". */
    private final ReadOnlyDoubleWrapper loadFraction = new ReadOnlyDoubleWrapper(0);
    private final ReadOnlyObjectWrapper<List<CardFact>> vlmFacts = new ReadOnlyObjectWrapper<>(List.of());

    VlmCardState(Messages messages, Clock clock, LoadProgress loadProgress, VramBarModel vramBar) {
        this.clock = clock;
        this.loadProgress = loadProgress;
        this.text = new VlmCardText(messages, clock, loadProgress, vramBar);
    }

    ReadOnlyObjectProperty<ModelState> vlmStateProperty() { return vlmState.getReadOnlyProperty(); }
    ReadOnlyStringProperty vlmModelProperty() { return vlmModel.getReadOnlyProperty(); }
    ReadOnlyStringProperty vlmTextProperty() { return vlmText.getReadOnlyProperty(); }
    ReadOnlyStringProperty vlmDetailProperty() { return vlmDetail.getReadOnlyProperty(); }
    ReadOnlyStringProperty vlmFitTextProperty() { return vlmFitText.getReadOnlyProperty(); }
    ReadOnlyStringProperty vlmNoticeProperty() { return vlmNotice.getReadOnlyProperty(); }
    ReadOnlyDoubleProperty loadFractionProperty() { return loadFraction.getReadOnlyProperty(); }
    ReadOnlyObjectProperty<List<CardFact>> vlmFactsProperty() { return vlmFacts.getReadOnlyProperty(); }

    void update(GpuResourceStatus status, boolean switching) {
        vlmModel.set(status.vlmModel());
        vlmState.set(status.vlmState());
        loadProgress.loading(status.vlmState() == ModelState.LOADING, clock.instant());
        loadFraction.set(loadShare());
        vlmFitText.set(text.fit(status));
        vlmText.set(text.state(status));
        vlmDetail.set(text.detail(status, switching));
        vlmNotice.set(text.notice(status));
    }

    /** The counters that move with the clock: a load's time and share, the idle countdown. */
    void refreshClock(GpuResourceStatus status, boolean switching) {
        vlmText.set(text.state(status));
        vlmDetail.set(text.detail(status, switching));
        loadFraction.set(loadShare());
    }

    /** Set only when they differ, so an unchanged status rebuilds no card. */
    void showFacts(List<CardFact> facts) {
        if (!facts.equals(vlmFacts.get())) {
            vlmFacts.set(facts);
        }
    }

    /** A finished load of this VLM joins the load times a load's bar is measured against; whether it did. */
    boolean recordLoad(ResourceChangedEvent event) {
        if (event.type() == EventType.MODEL_LOADED && event.details().get("duration_ms") instanceof Number ms
                && (vlmModel.get().isEmpty() || vlmModel.get().equals(event.details().get("model")))) {
            loadProgress.record(Duration.ofMillis(ms.longValue()));
            return true;
        }
        return false;
    }

    /** 0 while no load runs: a hidden bar left indeterminate would keep its animation running. */
    private double loadShare() {
        return loadProgress.isLoading() ? loadProgress.fraction(clock.instant()) : 0;
    }
}
