package com.rpavision.gpurm.ui.dashboard;

import javafx.animation.Animation;
import javafx.animation.FadeTransition;
import javafx.animation.Interpolator;
import javafx.beans.value.ObservableBooleanValue;
import javafx.scene.Node;
import javafx.util.Duration;

/**
 * A gentle pulse on the verdict while a switch runs ("→ Recording…"), so it reads as under way, not reached. It runs
 * only then: a running animation keeps JavaFX pulsing 60 times a second, which an idle panel must not pay for.
 */
final class SwitchingPulse {

    /** Slow and shallow: the words stay readable at their faintest. */
    private static final Duration HALF_PERIOD = Duration.millis(900);
    private static final double FAINTEST = 0.55;

    private final Node node;
    private final FadeTransition fade;

    SwitchingPulse(Node node, ObservableBooleanValue switching) {
        this.node = node;
        fade = new FadeTransition(HALF_PERIOD, node);
        fade.setFromValue(1);
        fade.setToValue(FAINTEST);
        fade.setAutoReverse(true);
        fade.setCycleCount(Animation.INDEFINITE);
        fade.setInterpolator(Interpolator.EASE_BOTH);
        follow(switching.get());
        switching.addListener((o, was, now) -> follow(now));
    }

    private void follow(boolean switching) {
        if (switching) {
            fade.playFromStart();
        } else {
            fade.stop();
            node.setOpacity(1);
        }
    }

    boolean running() {
        return fade.getStatus() == Animation.Status.RUNNING;
    }
}
