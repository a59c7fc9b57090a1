package com.rpavision.gpurm.ui.tray;

import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.testing.MutableClock;
import com.rpavision.gpurm.ui.Messages;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

class NotificationPolicyTest {

    private final NotificationPolicy policy = new NotificationPolicy(new Messages(Locale.ENGLISH));
    private final Instant now = Instant.parse("2026-11-30T08:00:00Z");

    @Test
    void idleUnloadsFailedLoadsAndDegradedModeAreNotifiedAndNothingElse() {
        assertThat(policy.of(ResourceChangedEvent.of(now, EventType.IDLE_UNLOAD, "model", "qwen3-vl:8b", "idle_seconds", 300L)))
                .hasValueSatisfying(n -> {
                    assertThat(n.title()).isEqualTo("Vision model unloaded");
                    assertThat(n.text()).isEqualTo("qwen3-vl:8b was idle for 300\u00a0s; its VRAM is free again.");
                    assertThat(n.warning()).isFalse();
                });
        assertThat(policy.of(ResourceChangedEvent.of(now, EventType.MODEL_ERROR, "model", "qwen3-vl:8b",
                "operation", "load", "reason", "Model qwen3-vl:8b is not installed in Ollama")))
                .hasValueSatisfying(n -> assertThat(n.warning()).isTrue());
        assertThat(policy.of(ResourceChangedEvent.of(now, EventType.MODEL_ERROR, "model", "ViT-B-32", "reason", "x")))
                .as("a CLIP move that failed is in the log, not a notification").isEmpty();
        assertThat(policy.of(ResourceChangedEvent.of(now, EventType.DEGRADED_ON, "reason", "Ollama is not reachable")))
                .hasValueSatisfying(n -> assertThat(n.title()).isEqualTo("Working with limits"));
        assertThat(policy.of(ResourceChangedEvent.of(now, EventType.MODE_CHANGED, "from", "idle", "to", "recording"))).isEmpty();
        assertThat(policy.of(ResourceChangedEvent.of(now, EventType.VRAM_CHANGED, "used_mb", 10L))).isEmpty();
    }

    @Test
    void aModeRestoredAtStartIsNotifiedAWarningAfterAnUnexpectedStop() {
        assertThat(policy.of(ResourceChangedEvent.of(now, EventType.MODE_CHANGED, "from", "idle", "to", "recording",
                "restored", "unexpected_stop"))).hasValueSatisfying(n -> {
                    assertThat(n.title()).isEqualTo("Mode restored");
                    assertThat(n.text()).isEqualTo("Recording restored after an unexpected stop");
                    assertThat(n.warning()).isTrue();
                });
        assertThat(new NotificationPolicy(new Messages(Locale.FRENCH)).of(ResourceChangedEvent.of(now, EventType.MODE_CHANGED,
                "from", "idle", "to", "autopilot", "restored", "clean_stop"))).hasValueSatisfying(n -> {
                    assertThat(n.text()).startsWith("Pilote auto r\u00e9tabli");
                    assertThat(n.warning()).isFalse();
                });
    }

    @Test
    void aContendedVlmIsNotifiedWithTheOneClickFreeVramOthersConditionsAreNot() {
        assertThat(policy.of(ResourceChangedEvent.of(now, EventType.CONDITION_CHANGED, "condition", "vlm_contended",
                "active", true, "reason", "x", "reason_code", "VLM_CONTENDED",
                "reason_args", java.util.List.of("qwen3-vl:8b", "llama3:8b", 6000L, 3, 2L))))
                .hasValueSatisfying(n -> {
                    assertThat(n.title()).isEqualTo("The vision model keeps being pushed out");
                    assertThat(n.text()).startsWith("qwen3-vl:8b was pushed out of the GPU 3 times within 2 minutes, last by llama3:8b (6,000 MB).");
                    assertThat(n.offersFreeVram()).isTrue();
                });
        assertThat(new NotificationPolicy(new com.rpavision.gpurm.ui.Messages(java.util.Locale.FRENCH))
                .of(ResourceChangedEvent.of(now, EventType.CONDITION_CHANGED, "condition", "vlm_contended", "active", true,
                        "reason", "x", "reason_code", "VLM_CONTENDED", "reason_args", java.util.List.of("qwen3-vl:8b", "", 0L, 3, 2L))))
                .hasValueSatisfying(n -> assertThat(n.text()).as("no model to name, in French")
                        .startsWith("qwen3-vl:8b a été évincé du GPU 3 fois en 2 minutes. Le gestionnaire a cessé"));
        assertThat(policy.of(ResourceChangedEvent.of(now, EventType.CONDITION_CHANGED, "condition", "vlm_contended",
                "active", false))).as("its end is in the log only").isEmpty();
        assertThat(policy.of(ResourceChangedEvent.of(now, EventType.CONDITION_CHANGED, "condition", "clip_displaced",
                "active", true))).isEmpty();
    }

    @Test
    void aFlappingOllamaNotifiesOnceAMinuteNotOnEveryFlap() {
        MutableClock clock = new MutableClock(now);
        NotificationThrottle throttle = new NotificationThrottle(clock, Duration.ofMinutes(1));
        int shown = 0;
        for (int flap = 0; flap < 10; flap++) { // down and up every 30 s for five minutes
            if (throttle.allow(NotificationThrottle.Kind.DEGRADED)) {
                shown++;
            }
            clock.advance(Duration.ofSeconds(30));
        }
        assertThat(shown).isEqualTo(5);
        assertThat(throttle.allow(NotificationThrottle.Kind.IDLE_UNLOAD)).as("other kinds are not held back").isTrue();
    }
}
