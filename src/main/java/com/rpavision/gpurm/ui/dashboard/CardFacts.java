package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.Reason;
import com.rpavision.gpurm.ui.Messages;

import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/**
 * What the vision model and image matcher cards say beyond their badge (issue 25, item 7: cards filled with
 * their state): how much VRAM each holds, the last request, how long a load takes here, and when each moves.
 * None of it counts seconds, so the cards repaint only when a status changes something.
 */
final class CardFacts {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final Messages messages;
    private final Clock clock;
    private final VramBarModel vramBar;

    CardFacts(Messages messages, Clock clock, VramBarModel vramBar) {
        this.messages = messages;
        this.clock = clock;
        this.vramBar = vramBar;
    }

    List<CardFact> vlm(GpuResourceStatus status, Optional<Duration> typicalLoad) {
        long vlmMb = status.vramBreakdown() == null ? 0 : status.vramBreakdown().vlmMb();
        boolean held = status.vlmState() == ModelState.LOADED || status.vlmState() == ModelState.UNLOADING;
        String inVram;
        if (held && vlmMb > 0) {
            boolean spilled = status.conditions().stream().anyMatch(r -> r.code() == Reason.Code.VLM_PARTLY_ON_CPU);
            inVram = messages.get(spilled ? "facts.vlm.inVram.spilled" : "facts.vlm.inVram", vramBar.gigabytes(vlmMb));
        } else if (status.vlmState() == ModelState.LOADING && vlmMb > 0) { // as the VRAM bar counts a load under way
            inVram = messages.get("facts.vlm.inVram.loading", vramBar.gigabytes(vlmMb));
        } else {
            inVram = messages.get("facts.none");
        }
        String lastRequest = status.lastVlmRequest() == null ? messages.get("facts.vlm.noRequest")
                : TIME.format(status.lastVlmRequest().atZone(clock.getZone()));
        String load = typicalLoad.map(d -> messages.get("facts.vlm.loadTakes", Math.max(1, Math.round(d.toMillis() / 1000.0))))
                .orElseGet(() -> messages.get("facts.vlm.loadNotMeasured"));
        String idle = status.idleTimeoutSeconds() == 0 ? messages.get("facts.vlm.idleOff")
                : messages.get("facts.vlm.idleAfter", minutesOrSeconds(status.idleTimeoutSeconds()));
        return List.of(
                new CardFact(messages.get("facts.inVram"), inVram),
                new CardFact(messages.get("facts.vlm.lastRequest"), lastRequest),
                new CardFact(messages.get("facts.vlm.load"), load),
                new CardFact(messages.get("facts.vlm.idle"), idle));
    }

    List<CardFact> clip(GpuResourceStatus status, long needsMoreThanMb) {
        boolean onGpu = status.clip().device() == ClipDevice.CUDA;
        long clipMb = status.vramBreakdown() == null ? 0 : status.vramBreakdown().clipMb(); // as the VRAM bar counts it
        String inVram = onGpu && clipMb > 0 ? vramBar.gigabytes(clipMb)
                : onGpu ? messages.get("facts.clip.onGpuUnmeasured") : messages.get("facts.clip.onCpu");
        String toGpu = needsMoreThanMb > 0 ? messages.get("facts.clip.toGpuWhen", vramBar.gigabytes(needsMoreThanMb))
                : messages.get("facts.clip.toGpuAny");
        return List.of(
                new CardFact(messages.get("facts.inVram"), inVram),
                new CardFact(messages.get("facts.clip.toGpu"), toGpu),
                new CardFact(messages.get("facts.clip.toCpu"), messages.get("facts.clip.toCpuWhen")));
    }

    private String minutesOrSeconds(int seconds) {
        return seconds % 60 == 0 ? messages.get("facts.minutes", seconds / 60) : messages.get("facts.seconds", seconds);
    }
}
