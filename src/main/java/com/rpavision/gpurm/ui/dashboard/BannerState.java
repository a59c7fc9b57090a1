package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.Reason;
import com.rpavision.gpurm.ui.Messages;
import javafx.beans.property.ReadOnlyBooleanProperty;
import javafx.beans.property.ReadOnlyBooleanWrapper;
import javafx.beans.property.ReadOnlyObjectProperty;
import javafx.beans.property.ReadOnlyObjectWrapper;
import javafx.beans.property.ReadOnlyStringProperty;
import javafx.beans.property.ReadOnlyStringWrapper;

import java.util.List;

/** The one banner slot: which abnormal state it shows, the others it names, and what its last fix found. */
final class BannerState {

    private final Messages messages;
    /** Another Ollama model holds the GPU the VLM needs: the banner offers "Free the GPU for recording". */
    private final ReadOnlyBooleanWrapper contended = new ReadOnlyBooleanWrapper();
    /** The most urgent abnormal state with its fix, or null; the others are named in {@link #bannerMore}. */
    private final ReadOnlyObjectWrapper<Banner> banner = new ReadOnlyObjectWrapper<>();
    private final ReadOnlyStringWrapper bannerMore = new ReadOnlyStringWrapper("");
    /** What the banner's last fix found ("Checking…", "Copied: …"), until the banner changes. */
    private final ReadOnlyStringWrapper bannerAnswer = new ReadOnlyStringWrapper("");

    BannerState(Messages messages) {
        this.messages = messages;
    }

    ReadOnlyBooleanProperty contendedProperty() { return contended.getReadOnlyProperty(); }
    ReadOnlyObjectProperty<Banner> bannerProperty() { return banner.getReadOnlyProperty(); }
    ReadOnlyStringProperty bannerMoreProperty() { return bannerMore.getReadOnlyProperty(); }
    ReadOnlyStringProperty bannerAnswerProperty() { return bannerAnswer.getReadOnlyProperty(); }

    void show(GpuResourceStatus status) {
        contended.set(status.conditions().stream().anyMatch(r -> r.code() == Reason.Code.VLM_CONTENDED));
        List<Banner> all = Banner.of(status, messages);
        Banner shown = all.isEmpty() ? null : all.get(0);
        if (shown == null || banner.get() == null || shown.kind() != banner.get().kind()) {
            bannerAnswer.set(""); // an answer belongs to the banner it was given in
        }
        banner.set(shown);
        bannerMore.set(all.size() < 2 ? "" : messages.get("banner.more",
                String.join(" \u00b7 ", all.subList(1, all.size()).stream().map(Banner::title).toList())));
    }

    void answer(String text) {
        bannerAnswer.set(text);
    }
}
