package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.VramBreakdown;
import com.rpavision.gpurm.ui.Messages;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The VRAM bar's parts, as nvitop stacks them: the VLM, CLIP, the other Ollama models, other programs, free.
 * A part with nothing in it is left out of the bar and the legend. UI thread only; no nodes.
 */
public final class VramBarModel {

    public enum Kind {
        VLM, CLIP, OTHER_MODELS, OTHER_PROCESSES, FREE;

        /** The style class that colours this part in the bar and its swatch in the legend. */
        public String styleClass() {
            return "vram-part-" + name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /**
     * One part: its share of the GPU's memory and its legend ("VLM 10.3 GB"); {@code detail} names what is
     * in it where that is more than one thing (the other models).
     */
    public record Segment(Kind kind, long mb, double fraction, String legend, String detail) {
    }

    private final Messages messages;
    private final ObservableList<Segment> segments = FXCollections.observableArrayList();

    VramBarModel(Messages messages) {
        this.messages = messages;
    }

    public ObservableList<Segment> segments() {
        return segments;
    }

    /** @param vlmLoading the manager's load runs: the VLM's part is the memory filled since it began */
    void update(VramBreakdown b, boolean vlmLoading) {
        List<Segment> next = b == null || b.totalMb() <= 0 ? List.of() : parts(b, vlmLoading);
        if (!next.equals(segments)) {
            segments.setAll(next);
        }
    }

    private List<Segment> parts(VramBreakdown b, boolean vlmLoading) {
        List<Segment> parts = new ArrayList<>();
        add(parts, b, Kind.VLM, b.vlmMb(), "", vlmLoading ? "vram.part.vlm_loading" : "vram.part.vlm");
        add(parts, b, Kind.CLIP, b.clipMb(), "", key(Kind.CLIP));
        add(parts, b, Kind.OTHER_MODELS, b.otherModelsMb(), b.otherModels().stream()
                .map(m -> m.name() + " " + gigabytes(m.vramMb())).collect(Collectors.joining(", ")), key(Kind.OTHER_MODELS));
        add(parts, b, Kind.OTHER_PROCESSES, b.otherProcessesMb(), "", key(Kind.OTHER_PROCESSES));
        add(parts, b, Kind.FREE, b.freeMb(), "", key(Kind.FREE));
        return parts;
    }

    private static String key(Kind kind) {
        return "vram.part." + kind.name().toLowerCase(Locale.ROOT);
    }

    private void add(List<Segment> parts, VramBreakdown b, Kind kind, long mb, String detail, String nameKey) {
        if (mb <= 0) {
            return;
        }
        String name = kind == Kind.OTHER_MODELS && b.otherModels().size() == 1 // one guest: say which
                ? b.otherModels().get(0).name()
                : messages.get(nameKey);
        parts.add(new Segment(kind, mb, (double) mb / b.totalMb(), messages.get("vram.part", name, gigabytes(mb)), detail));
    }

    /** "10.3 GB" in the panel's language (1 GB = 1024 MiB, as NVML and Ollama count). */
    String gigabytes(long mb) {
        return com.rpavision.gpurm.ui.Gigabytes.of(mb, messages);
    }
}
