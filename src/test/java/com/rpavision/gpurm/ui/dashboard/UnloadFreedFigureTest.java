package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.ui.Messages;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** An unload's line gives one VRAM figure: never "0 MB freed" beside the change measured. */
class UnloadFreedFigureTest {

    private static final Instant AT = Instant.parse("2026-11-30T08:07:43Z");

    private static EventLog log(Locale locale) {
        return new EventLog(new Messages(locale), ZoneOffset.UTC);
    }

    private static String top(EventLog log) {
        return log.visible().get(0).text();
    }

    @Test
    void aVisionModelEvictedOutsideTheManagerIsUnloadedWithTheChangeMeasuredAndNoFreedFigureOfItsOwn() {
        EventLog log = log(Locale.ENGLISH);
        log.add(ResourceChangedEvent.of(AT, EventType.MODEL_UNLOADED, "model", "qwen3-vl:8b", "reason", "evicted"));
        assertThat(top(log)).isEqualTo("Vision model qwen3-vl:8b unloaded");

        log.add(ResourceChangedEvent.of(AT, EventType.VRAM_CHANGED, "used_mb", 6_510, "delta_mb", -5_300));

        assertThat(top(log)).isEqualTo("Vision model qwen3-vl:8b unloaded; VRAM 6,510 MB used (-5,300 MB)");
    }

    @Test
    void aMeasuredUnloadThatTheSamplerSeesLaterGivesTheChangeMeasuredNotItsOwnFigure() {
        EventLog log = log(Locale.FRENCH);
        log.add(ResourceChangedEvent.of(AT, EventType.MODEL_UNLOADED, "model", "qwen3-vl:8b", "duration_ms", 900,
                "vram_freed_mb", 0, "reason", "operator"));
        assertThat(top(log)).isEqualTo("Modèle de vision qwen3-vl:8b déchargé, 0\u00a0Mo libérés");

        log.add(ResourceChangedEvent.of(AT.plusSeconds(2), EventType.VRAM_CHANGED, "used_mb", 1_310, "delta_mb", -10_500));

        assertThat(top(log)).isEqualTo("Modèle de vision qwen3-vl:8b déchargé\u00a0; VRAM 1\u202f310 Mo utilisés (-10\u202f500 Mo)");
    }

    @Test
    void aMeasuredUnloadWithNoChangeAfterItKeepsItsFigure() {
        EventLog log = log(Locale.ENGLISH);
        log.add(ResourceChangedEvent.of(AT, EventType.MODEL_UNLOADED, "model", "qwen3-vl:8b", "duration_ms", 900,
                "vram_freed_mb", 10_500, "reason", "operator"));

        assertThat(top(log)).isEqualTo("Vision model qwen3-vl:8b unloaded, 10,500 MB freed");
    }

    @Test
    void aLoadUnderWayGivesItsVramChangeWithoutAnEllipsisBeforeIt() {
        EventLog log = log(Locale.ENGLISH);
        log.add(ResourceChangedEvent.of(AT, EventType.MODEL_LOADING, "model", "qwen3-vl:8b", "reason", "mode"));
        assertThat(top(log)).isEqualTo("Loading vision model qwen3-vl:8b\u2026");

        log.add(ResourceChangedEvent.of(AT.plusSeconds(1), EventType.VRAM_CHANGED, "used_mb", 14_410, "delta_mb", 10_500));

        assertThat(top(log)).isEqualTo("Loading vision model qwen3-vl:8b; VRAM 14,410 MB used (+10,500 MB)");
    }

    @Test
    void anIdleUnloadIsOneLineWithTheVramThatMovedBetweenItsSteps() {
        EventLog log = log(Locale.ENGLISH);
        log.add(ResourceChangedEvent.of(AT, EventType.MODEL_UNLOADING, "model", "qwen3-vl:8b", "reason", "idle timeout"));
        log.add(ResourceChangedEvent.of(AT.plusSeconds(1), EventType.VRAM_CHANGED, "used_mb", 6_310, "delta_mb", -5_500));
        log.add(ResourceChangedEvent.of(AT.plusSeconds(1), EventType.VRAM_CHANGED, "used_mb", 1_310, "delta_mb", -5_000));
        log.add(ResourceChangedEvent.of(AT.plusSeconds(1), EventType.MODEL_UNLOADED, "model", "qwen3-vl:8b",
                "duration_ms", 900, "vram_freed_mb", 10_500, "reason", "idle timeout"));
        log.add(ResourceChangedEvent.of(AT.plusSeconds(1), EventType.IDLE_UNLOAD, "model", "qwen3-vl:8b", "idle_seconds", 300));

        assertThat(log.visible()).extracting(LogLine::text)
                .containsExactly("Vision model qwen3-vl:8b unloaded after 300 s idle; VRAM 1,310 MB used (-10,500 MB)");
    }

    @Test
    void anIdleUnloadThatDidNotHappenLeavesTheVramItMovedOnALineOfItsOwn() {
        EventLog log = log(Locale.ENGLISH);
        log.add(ResourceChangedEvent.of(AT, EventType.MODEL_UNLOADING, "model", "qwen3-vl:8b", "reason", "idle timeout"));
        log.add(ResourceChangedEvent.of(AT.plusSeconds(1), EventType.VRAM_CHANGED, "used_mb", 6_310, "delta_mb", -5_500));
        log.add(ResourceChangedEvent.of(AT.plusSeconds(2), EventType.MODE_CHANGED, "from", "recording", "to", "idle"));

        assertThat(log.visible()).extracting(LogLine::text)
                .containsExactly("Mode Recording \u2192 Idle", "VRAM 6,310 MB used (-5,500 MB)");
    }

    @Test
    void aLoadErrorThatNamesTheModelDoesNotNameItTwice() {
        EventLog log = log(Locale.ENGLISH);
        log.add(ResourceChangedEvent.of(AT, EventType.MODEL_ERROR, "model", "llava:34b",
                "reason_code", "MODEL_NOT_PULLED", "reason", "Model llava:34b is not installed", "reason_args", java.util.List.of("llava:34b")));

        assertThat(top(log)).isEqualTo("The vision model llava:34b is not installed in Ollama yet: pull it first.");
    }
}
