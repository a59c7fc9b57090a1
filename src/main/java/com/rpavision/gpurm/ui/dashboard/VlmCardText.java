package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.DriftCause;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.Reason;
import com.rpavision.gpurm.core.model.VlmDrift;
import com.rpavision.gpurm.core.model.VramBreakdown;
import com.rpavision.gpurm.ui.DriftText;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.ReasonText;

import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** The vision model card's sentences, from a status and the clock; the view model only sets them. */
final class VlmCardText {

    private final Messages messages;
    private final Clock clock;
    private final LoadProgress loadProgress;
    private final VramBarModel vramBar;

    VlmCardText(Messages messages, Clock clock, LoadProgress loadProgress, VramBarModel vramBar) {
        this.messages = messages;
        this.clock = clock;
        this.loadProgress = loadProgress;
        this.vramBar = vramBar;
    }

    /** The badge: the state, and during a load how long it has taken of how long one usually takes. */
    String state(GpuResourceStatus status) {
        if (status.vlmState() == ModelState.LOADING) {
            long seconds = loadProgress.elapsed(clock.instant()).toSeconds();
            return loadProgress.typical().map(typical -> {
                long usual = Math.max(1, Math.round(typical.toMillis() / 1000.0));
                return messages.get(seconds < usual ? "vlm.LOADING.of" : "vlm.LOADING.over", seconds, usual);
            }).orElseGet(() -> messages.get("vlm.LOADING", seconds));
        }
        if (status.vlmState() == ModelState.LOADED
                && status.conditions().stream().anyMatch(r -> r.code() == Reason.Code.VLM_PARTLY_ON_CPU)) {
            return messages.get("vlm.LOADED.slow"); // never a plain "Loaded" beside the spilled banner
        }
        return messages.get("vlm." + status.vlmState().name());
    }

    private static final Set<DriftCause> GPU_SIDE = EnumSet.of(
            DriftCause.VRAM_TAKEN, DriftCause.GPU_LOST,
            DriftCause.GPU_BACK);
    private static final Duration NOTICE_FOR = Duration.ofMinutes(30);
    /** The conditions about the VLM itself; CLIP's and the disk's are for their own card and the banner. */
    private static final Set<Reason.Code> VLM_CONDITIONS = EnumSet.of(Reason.Code.VLM_CONTENDED,
            Reason.Code.VLM_PARTLY_ON_CPU, Reason.Code.VLM_SETTLING);

    /** A condition or a recent drift, where the operator looks first; empty when there is none. */
    String notice(GpuResourceStatus status) {
        List<String> conditions = status.conditions().stream()
                .filter(r -> VLM_CONDITIONS.contains(r.code()))
                .map(r -> messages.get("condition." + r.code().name().toLowerCase(Locale.ROOT))).toList();
        if (!conditions.isEmpty()) {
            // The banner above gives the whole reason; the card names the condition, so it is not said twice.
            return String.join(" \u00b7 ", conditions);
        }
        VlmDrift drift = status.lastDrift();
        if (drift == null || GPU_SIDE.contains(drift.cause())
                || Duration.between(drift.at(), clock.instant()).compareTo(NOTICE_FOR) > 0) {
            return "";
        }
        return DriftText.of(drift, clock.getZone(), messages);
    }

    /** Before a load: what the VLM needs and what it could have (the preflight's sum); empty otherwise. */
    String fit(GpuResourceStatus status) {
        VramBreakdown.VlmFit fit = status.vramBreakdown() == null ? null : status.vramBreakdown().vlmFit();
        ModelState state = status.vlmState();
        if (fit == null || !(state == ModelState.UNLOADED || state == ModelState.ERROR)) {
            return "";
        }
        return messages.get(fit.fits() ? "vlm.fit" : "vlm.fit.short", status.vlmModel(),
                vramBar.gigabytes(fit.needMb()), vramBar.gigabytes(fit.availableMb()));
    }

    /** The line under the badge: the error, the idle countdown, "loads on the next request" or the fit. */
    String detail(GpuResourceStatus status, boolean switching) {
        if (status.vlmState() == ModelState.ERROR && status.vlmError() != null) {
            // the banner above says it whole, with its fix; the card only points to it (and keeps its height)
            return messages.get("vlm.error.seeBanner");
        }
        if (status.vlmState() == ModelState.LOADED) {
            if (status.idleTimeoutSeconds() == 0) {
                return messages.get("vlm.idle.never");
            }
            if (status.vlmIdleSince() != null) {
                Duration left = Duration.ofSeconds(status.idleTimeoutSeconds())
                        .minus(Duration.between(status.vlmIdleSince(), clock.instant()));
                return messages.get("vlm.idle", idleLeft(left.isNegative() ? Duration.ZERO : left));
            }
        }
        boolean unloadedInRecording = status.vlmState() == ModelState.UNLOADED
                && status.executionMode() == ExecutionMode.RECORDING && !switching;
        // Held off or being checked: the manager reloads it by itself once that is over, not on a request.
        java.util.Optional<String> waiting = status.conditions().stream()
                .filter(r -> r.code() == Reason.Code.VLM_CONTENDED || r.code() == Reason.Code.VLM_SETTLING)
                .map(r -> messages.get(r.code() == Reason.Code.VLM_CONTENDED ? "vlm.heldOff" : "vlm.settling")).findFirst();
        if (unloadedInRecording && waiting.isPresent()) {
            return waiting.get();
        }
        // After an idle unload the manager keeps RECORDING with the VLM out until the next request brings it back.
        if (unloadedInRecording) {
            return messages.get("vlm.loadsOnNextRequest");
        }
        return status.vlmState() == ModelState.UNLOADED ? fit(status) : "";
    }

    /**
     * The time left before an idle unload, no finer than it needs reading: whole minutes, rounded up (it never says
     * less time than there is), and seconds only in the last minute. The line then changes once a minute, not every
     * second: a label that changes is laid out and repainted, and that was most of a shown panel's idle CPU.
     */
    String idleLeft(Duration left) {
        long seconds = left.toSeconds();
        if (seconds < 60) {
            return messages.get("vlm.idle.seconds", seconds);
        }
        long minutes = (seconds + 59) / 60;
        return minutes < 60 ? messages.get("vlm.idle.minutes", minutes)
                : messages.get("vlm.idle.hours", minutes / 60, minutes % 60);
    }
}
