package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel.ClipBadge;
import javafx.scene.control.Label;
import javafx.scene.control.ProgressBar;
import javafx.scene.control.Tooltip;

import java.util.List;

/** The VLM and CLIP cards bound to the view model: each badge in its colour, its detail, its facts. */
final class ModelCardsBinder {

    private static final List<String> BADGE_STYLES = List.of("badge-ok", "badge-busy", "badge-error", "badge-gpu", "badge-cpu");

    private final Label vlmBadge;
    private final Label clipBadge;

    ModelCardsBinder(DashboardViewModel vm, Label vlmModel, Label vlmBadge, Label vlmDetail, ProgressBar vlmLoadBar,
                     Label vlmNotice, FactsGrid vlmFacts, Label clipBadge, Label clipDetail, FactsGrid clipFacts) {
        this.vlmBadge = vlmBadge;
        this.clipBadge = clipBadge;
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
        // An empty detail takes no room, so a note under it sits right below the badge.
        clipDetail.managedProperty().bind(clipDetail.textProperty().isNotEmpty());
        vlmFacts.show(vm.vlmFactsProperty().get());
        vm.vlmFactsProperty().addListener((o, a, facts) -> vlmFacts.show(facts));
        clipFacts.show(vm.clipFactsProperty().get());
        vm.clipFactsProperty().addListener((o, a, facts) -> clipFacts.show(facts));
    }

    /** The detail, where there is one, also as the badge's tooltip. */
    static void tooltipFromText(Label badge, Label detail) {
        detail.textProperty().addListener((o, a, text) ->
                badge.setTooltip(text == null || text.isBlank() ? null : new Tooltip(text)));
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
}
