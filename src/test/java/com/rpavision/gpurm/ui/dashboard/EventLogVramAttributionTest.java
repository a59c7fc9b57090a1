package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.ui.Messages;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** Each VRAM change is told on the line of what caused it, with one figure: never "0 MB freed" beside the change measured. */
class EventLogVramAttributionTest {

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

    @Test
    void anotherModelThatLeavesForOurLoadIsALineAndTheVramChangeStaysWithTheLoad() {
        EventLog log = log(Locale.ENGLISH);
        log.otherModelsSeen(AT, java.util.List.of(new com.rpavision.gpurm.core.model.VramBreakdown.ModelUse("llama3.1:8b", 5_200)));
        assertThat(log.visible()).as("the first look only learns what is there").isEmpty();

        log.add(ResourceChangedEvent.of(AT, EventType.MODEL_LOADING, "model", "qwen3-vl:8b", "reason", "mode"));
        log.add(ResourceChangedEvent.of(AT.plusSeconds(9), EventType.MODEL_LOADED, "model", "qwen3-vl:8b", "duration_ms", 9_600));
        log.otherModelsSeen(AT.plusSeconds(9), java.util.List.of());
        log.add(ResourceChangedEvent.of(AT.plusSeconds(10), EventType.VRAM_CHANGED, "used_mb", 11_810, "delta_mb", 5_300));

        assertThat(log.visible()).extracting(LogLine::text).containsExactly(
                "Ollama model llama3.1:8b left the GPU (5,200 MB)",
                "Vision model qwen3-vl:8b loaded (9.6 s); VRAM 11,810 MB used (+5,300 MB)",
                "Loading vision model qwen3-vl:8b\u2026");
    }

    @Test
    void anotherModelLoadedByAnotherProgramCarriesTheVramItTook() {
        EventLog log = log(Locale.FRENCH);
        log.otherModelsSeen(AT, java.util.List.of());
        log.otherModelsSeen(AT.plusSeconds(60), java.util.List.of(new com.rpavision.gpurm.core.model.VramBreakdown.ModelUse("llama3.1:8b", 5_200)));
        log.add(ResourceChangedEvent.of(AT.plusSeconds(61), EventType.VRAM_CHANGED, "used_mb", 6_510, "delta_mb", 5_200));

        assertThat(log.visible()).extracting(LogLine::text).containsExactly(
                "Modèle Ollama llama3.1:8b chargé par un autre programme (5\u202f200\u00a0Mo sur le GPU)\u00a0; VRAM 6\u202f510 Mo utilisés (+5\u202f200 Mo)");
    }

    @Test
    void aModelUnloadedOnRequestIsNotSaidToHaveLeftAsWell() {
        EventLog log = log(Locale.ENGLISH);
        log.otherModelsSeen(AT, java.util.List.of(new com.rpavision.gpurm.core.model.VramBreakdown.ModelUse("llama3.1:8b", 5_200)));
        log.add(ResourceChangedEvent.of(AT.plusSeconds(1), EventType.OTHER_MODEL_UNLOADED, "model", "llama3.1:8b", "vram_freed_mb", 5_200));
        log.otherModelsSeen(AT.plusSeconds(2), java.util.List.of());

        assertThat(log.visible()).extracting(LogLine::text).containsExactly("Ollama model llama3.1:8b unloaded on request, about 5,200 MB freed");
    }

    @Test
    void aConditionLineBetweenAnEvictionAndItsVramChangeDoesNotTakeTheChange() {
        EventLog log = log(Locale.ENGLISH);
        log.add(ResourceChangedEvent.of(AT, EventType.VLM_DRIFT, "model", "qwen3-vl:8b", "cause", "evicted"));
        log.add(ResourceChangedEvent.of(AT, EventType.CONDITION_CHANGED, "condition", "VLM_SETTLING", "active", false));
        log.add(ResourceChangedEvent.of(AT.plusSeconds(1), EventType.VRAM_CHANGED, "used_mb", 6_510, "delta_mb", -7_900));

        assertThat(log.visible()).hasSize(2);
        assertThat(log.visible().get(1).text()).endsWith("; VRAM 6,510 MB used (-7,900 MB)");
    }

    @Test
    void aVramChangeSeenJustBeforeOllamaListsTheModelThatCausedItJoinsThatModelsLine() {
        EventLog log = log(Locale.ENGLISH);
        log.otherModelsSeen(AT, java.util.List.of());
        log.add(ResourceChangedEvent.of(AT.plusSeconds(60), EventType.VRAM_CHANGED, "used_mb", 3_910, "delta_mb", 2_600));
        log.otherModelsSeen(AT.plusSeconds(61), java.util.List.of(new com.rpavision.gpurm.core.model.VramBreakdown.ModelUse("llama3.2:3b", 2_600)));

        assertThat(log.visible()).extracting(LogLine::text).containsExactly(
                "Ollama model llama3.2:3b loaded by another program (2,600 MB on the GPU); VRAM 3,910 MB used (+2,600 MB)");
    }
}
