package com.rpavision.gpurm.app;

import com.rpavision.gpurm.core.journal.JournalEntry;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ExecutionMode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ModeIntentTest {

    private static JournalEntry mode(String from, String to) {
        return new JournalEntry(Instant.parse("2026-12-07T08:00:00Z"), EventType.MODE_CHANGED, Map.of("from", from, "to", to));
    }

    private static JournalEntry loaded() {
        return new JournalEntry(Instant.parse("2026-12-07T08:00:01Z"), EventType.MODEL_LOADED, Map.of("model", "qwen3-vl:8b"));
    }

    @Test
    void aManagerThatStoppedWithoutAWordComesBackInItsLastMode() {
        assertThat(ModeIntent.of(List.of(mode("off", "idle"), mode("idle", "recording"), loaded())))
                .contains(new ModeIntent.Restore(ExecutionMode.RECORDING, true));
    }

    @Test
    void aCleanStopRestoresTheModeItStoppedIn() {
        assertThat(ModeIntent.of(List.of(mode("off", "idle"), mode("idle", "autopilot"), mode("autopilot", "off"))))
                .contains(new ModeIntent.Restore(ExecutionMode.AUTOPILOT, false));
    }

    @Test
    void settingsMayTurnOffTheRestoreAfterAQuitButNotAfterACrash() {
        var quit = List.of(mode("off", "idle"), mode("idle", "autopilot"), mode("autopilot", "off"));
        var crash = List.of(mode("off", "idle"), mode("idle", "recording"));
        assertThat(ModeIntent.of(quit, false)).isEmpty();
        assertThat(ModeIntent.of(quit, true)).contains(new ModeIntent.Restore(ExecutionMode.AUTOPILOT, false));
        assertThat(ModeIntent.of(crash, false)).contains(new ModeIntent.Restore(ExecutionMode.RECORDING, true));
    }

    @Test
    void idleOrNoHistoryRestoresNothing() {
        assertThat(ModeIntent.of(List.of())).isEmpty();
        assertThat(ModeIntent.of(List.of(mode("off", "idle"), mode("idle", "off")))).isEmpty();
        assertThat(ModeIntent.of(List.of(mode("recording", "idle"), loaded()))).isEmpty();
        assertThat(ModeIntent.of(List.of(mode("off", "off")))).isEmpty();
    }
}
