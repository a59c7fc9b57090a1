package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.VramBreakdown;
import com.rpavision.gpurm.ui.Messages;
import javafx.collections.FXCollections;
import javafx.collections.ObservableList;

import java.text.NumberFormat;
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

    void update(VramBreakdown b) {
        List<Segment> next = b == null || b.totalMb() <= 0 ? List.of() : parts(b);
        if (!next.equals(segments)) {
            segments.setAll(next);
        }
    }

    private List<Segment> parts(VramBreakdown b) {
        List<Segment> parts = new ArrayList<>();
        add(parts, b, Kind.VLM, b.vlmMb(), "");
        add(parts, b, Kind.CLIP, b.clipMb(), "");
        add(parts, b, Kind.OTHER_MODELS, b.otherModelsMb(), b.otherModels().stream()
                .map(m -> m.name() + " " + gigabytes(m.vramMb())).collect(Collectors.joining(", ")));
        add(parts, b, Kind.OTHER_PROCESSES, b.otherProcessesMb(), "");
        add(parts, b, Kind.FREE, b.freeMb(), "");
        return parts;
    }

    private void add(List<Segment> parts, VramBreakdown b, Kind kind, long mb, String detail) {
        if (mb <= 0) {
            return;
        }
        String name = kind == Kind.OTHER_MODELS && b.otherModels().size() == 1 // one guest: say which
                ? b.otherModels().get(0).name()
                : messages.get("vram.part." + kind.name().toLowerCase(Locale.ROOT));
        parts.add(new Segment(kind, mb, (double) mb / b.totalMb(), messages.get("vram.part", name, gigabytes(mb)), detail));
    }

    /** "10.3 GB" in the panel's language (1 GB = 1024 MiB, as NVML and Ollama count). */
    String gigabytes(long mb) {
        NumberFormat format = NumberFormat.getNumberInstance(messages.locale());
        format.setMinimumFractionDigits(1);
        format.setMaximumFractionDigits(1);
        return messages.get("vram.gigabytes", format.format(mb / 1024.0));
    }
}
