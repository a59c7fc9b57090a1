package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.ClipStatus;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.Reason;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.ReasonText;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel.ClipBadge;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

import java.util.List;

/** The CLIP card: where CLIP runs as a badge, why it is not where one would expect, its facts. */
final class ClipCardState {

    private final Messages messages;
    private final ReadOnlyObjectWrapper<ClipBadge> clipBadge = new ReadOnlyObjectWrapper<>(ClipBadge.UNAVAILABLE);
    private final ReadOnlyStringWrapper clipText = new ReadOnlyStringWrapper("");
    private final ReadOnlyStringWrapper clipDetail = new ReadOnlyStringWrapper("");
    private final ReadOnlyObjectWrapper<List<CardFact>> clipFacts = new ReadOnlyObjectWrapper<>(List.of());

    ClipCardState(Messages messages) {
        this.messages = messages;
    }

    ReadOnlyObjectProperty<ClipBadge> clipBadgeProperty() { return clipBadge.getReadOnlyProperty(); }
    ReadOnlyStringProperty clipTextProperty() { return clipText.getReadOnlyProperty(); }
    ReadOnlyStringProperty clipDetailProperty() { return clipDetail.getReadOnlyProperty(); }
    ReadOnlyObjectProperty<List<CardFact>> clipFactsProperty() { return clipFacts.getReadOnlyProperty(); }

    void update(GpuResourceStatus status) {
        applyClip(status.clip());
        status.conditions().stream().filter(r -> r.code() == Reason.Code.CLIP_DISPLACED)
                .findFirst().ifPresent(r -> clipDetail.set(ReasonText.of(r, messages)));
    }

    /** Set only when they differ, so an unchanged status rebuilds no card. */
    void showFacts(List<CardFact> facts) {
        if (!facts.equals(clipFacts.get())) {
            clipFacts.set(facts);
        }
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
        return clip.why() != null && clip.why().code() == Reason.Code.CLIP_STARTING;
    }
}
