package com.rpavision.gpurm.ui.tray;

import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.ui.tray.QuitConfirmation.Origin;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class QuitConfirmationTest {

    private final AtomicInteger asked = new AtomicInteger();
    private final AtomicInteger exits = new AtomicInteger();

    private QuitConfirmation answering(boolean ok) {
        return new QuitConfirmation(() -> {
            asked.incrementAndGet();
            return ok;
        }, exits::incrementAndGet);
    }

    @Test
    void theTraysQuitAsksFirstOnlyWhileRecording() {
        assertThat(QuitConfirmation.asksFirst(Origin.TRAY, ExecutionMode.RECORDING)).isTrue();
        assertThat(QuitConfirmation.asksFirst(Origin.TRAY, ExecutionMode.IDLE)).isFalse();
        assertThat(QuitConfirmation.asksFirst(Origin.TRAY, ExecutionMode.AUTOPILOT)).isFalse();
    }

    @Test
    void closingTheWindowWithoutATrayAlwaysAsksFirst() {
        for (ExecutionMode mode : ExecutionMode.values()) {
            assertThat(QuitConfirmation.asksFirst(Origin.WINDOW_CLOSE, mode)).as(mode.name()).isTrue();
        }
    }

    @Test
    void cancelKeepsTheAppRunning() {
        assertThat(answering(false).request(Origin.TRAY, ExecutionMode.RECORDING)).isFalse();
        assertThat(asked).hasValue(1);
        assertThat(exits).hasValue(0);
    }

    @Test
    void okQuitsThroughTheExit() {
        assertThat(answering(true).request(Origin.WINDOW_CLOSE, ExecutionMode.IDLE)).isTrue();
        assertThat(asked).hasValue(1);
        assertThat(exits).hasValue(1);
    }

    @Test
    void aQuitThatNeedsNoQuestionQuitsWithoutAsking() {
        assertThat(answering(false).request(Origin.TRAY, ExecutionMode.AUTOPILOT)).isTrue();
        assertThat(asked).hasValue(0);
        assertThat(exits).hasValue(1);
    }
}
