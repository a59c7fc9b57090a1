package com.rpavision.gpurm.ui.dashboard;

import javafx.beans.property.SimpleBooleanProperty;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The verdict pulses while a switch runs, and nothing animates otherwise (an animation costs an idle panel CPU). */
@ExtendWith(ApplicationExtension.class)
class SwitchingPulseTest {

    private final Label verdict = new Label("\u2192 Recording\u2026");
    private final SimpleBooleanProperty switching = new SimpleBooleanProperty();
    private SwitchingPulse pulse;

    @Start
    void start(Stage stage) {
        stage.setScene(new javafx.scene.Scene(new StackPane(verdict), 300, 100));
        stage.show();
        pulse = new SwitchingPulse(verdict, switching);
    }

    @Test
    void itRunsOnlyWhileSwitchingAndLeavesTheWordsFullyOpaque(FxRobot robot) {
        assertThat(pulse.running()).as("not switching: no animation").isFalse();

        robot.interact(() -> switching.set(true));
        assertThat(pulse.running()).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> verdict.getOpacity() < 0.9);
        assertThat(verdict.getOpacity()).as("gentle: still readable").isGreaterThanOrEqualTo(0.55);

        robot.interact(() -> switching.set(false));
        assertThat(pulse.running()).isFalse();
        assertThat(verdict.getOpacity()).isEqualTo(1.0);
    }
}
