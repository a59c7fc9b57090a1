package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.ClipStatus;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.Reason;
import com.rpavision.gpurm.ui.Messages;

import java.time.Duration;
import java.util.Optional;

/**
 * Whether the mode's model is ready, in one word beside the mode, sized to be read across the room: READY,
 * LOADING 12/37 s, NOT LOADED, PUSHED OUT by llama3.1, SLOW (partly on CPU), ERROR, OLLAMA DOWN, or "→ Recording…"
 * while a switch runs (never the target as if reached). IDLE needs nothing, so it says nothing unless Ollama is down.
 */
public record Verdict(Kind kind, String text) {

    /** Each kind has its colour (alarm red, warning amber, good green, neutral) and its icon. */
    public enum Kind {
        READY("\u2713"), LOADING("\u21bb"), NOT_LOADED("\u25cb"), PUSHED_OUT("\u26a0"), SLOW("\u26a0"),
        ERROR("\u2715"), OLLAMA_DOWN("\u2715"), SWITCHING("\u2192"), NONE("");

        private final String icon;

        Kind(String icon) {
            this.icon = icon;
        }

        public String icon() {
            return icon;
        }

        public String styleClass() {
            return "verdict-" + name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        }
    }

    public static final Verdict NONE = new Verdict(Kind.NONE, "");

    /**
     * @param switchingTo the mode a switch under way goes to, or null
     * @param loading     how long the VLM has been loading, and how long a load took here before (if ever)
     */
    static Verdict of(GpuResourceStatus status, ExecutionMode switchingTo, Duration loading, Optional<Duration> typical,
                      Messages messages) {
        if (switchingTo != null) {
            return new Verdict(Kind.SWITCHING, messages.get("verdict.SWITCHING", messages.get("mode." + switchingTo.name())));
        }
        ExecutionMode mode = status.executionMode();
        if (mode != ExecutionMode.AUTOPILOT && has(status.degradedReasons(), Reason.Code.OLLAMA_UNREACHABLE)) {
            return of(Kind.OLLAMA_DOWN, messages);
        }
        return switch (mode) {
            case IDLE -> NONE;
            case RECORDING -> recording(status, loading, typical, messages);
            case AUTOPILOT -> autopilot(status.clip(), messages);
        };
    }

    private static Verdict recording(GpuResourceStatus status, Duration loading, Optional<Duration> typical, Messages messages) {
        ModelState vlm = status.vlmState();
        if (vlm == ModelState.ERROR) {
            return of(Kind.ERROR, messages);
        }
        if (vlm == ModelState.LOADING) {
            String done = typical.map(t -> messages.get("verdict.LOADING.of", loading.toSeconds(),
                            Math.max(1, Math.round(t.toMillis() / 1000.0)))) // rounded as the card rounds it
                    .orElseGet(() -> messages.get("verdict.LOADING.for", loading.toSeconds()));
            return new Verdict(Kind.LOADING, messages.get("verdict.LOADING", done));
        }
        Optional<Reason> contended = status.conditions().stream().filter(r -> r.code() == Reason.Code.VLM_CONTENDED).findFirst();
        if (contended.isPresent()) {
            Object by = contended.get().args().size() > 1 ? contended.get().args().get(1) : "";
            return String.valueOf(by).isBlank() ? of(Kind.PUSHED_OUT, messages)
                    : new Verdict(Kind.PUSHED_OUT, messages.get("verdict.PUSHED_OUT.by", by));
        }
        if (vlm == ModelState.LOADED) {
            return has(status.conditions(), Reason.Code.VLM_PARTLY_ON_CPU) ? of(Kind.SLOW, messages) : of(Kind.READY, messages);
        }
        return of(Kind.NOT_LOADED, messages);
    }

    private static Verdict autopilot(ClipStatus clip, Messages messages) {
        return switch (clip.availability()) {
            case AVAILABLE -> of(Kind.READY, messages);
            case MIGRATING -> new Verdict(Kind.LOADING, messages.get("verdict.LOADING", "").strip());
            case UNAVAILABLE -> clip.why() != null && clip.why().code() == Reason.Code.CLIP_STARTING
                    ? new Verdict(Kind.LOADING, messages.get("verdict.LOADING", "").strip()) : of(Kind.ERROR, messages);
            case ERROR -> of(Kind.ERROR, messages);
        };
    }

    private static Verdict of(Kind kind, Messages messages) {
        return new Verdict(kind, messages.get("verdict." + kind.name()));
    }

    private static boolean has(java.util.List<Reason> reasons, Reason.Code code) {
        return reasons.stream().anyMatch(r -> r.code() == code);
    }

    /** The icon and the words, as the header and the tray's tooltip show them. */
    public String shown() {
        return kind == Kind.NONE ? "" : kind == Kind.SWITCHING ? text : kind.icon() + " " + text;
    }
}
