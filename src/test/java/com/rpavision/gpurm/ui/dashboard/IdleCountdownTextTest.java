package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.ui.Messages;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** The idle countdown on the vision model's card: as coarse as it can be read, so it changes rarely. */
class IdleCountdownTextTest {

    private static VlmCardText card(Locale locale) {
        return new VlmCardText(new Messages(locale), Clock.systemUTC(), null, null);
    }

    @Test
    void minutesAreRoundedUpSoItNeverSaysLessTimeThanThereIs() {
        VlmCardText en = card(Locale.ENGLISH);
        assertThat(en.idleLeft(Duration.ofSeconds(258))).isEqualTo("5 min");
        assertThat(en.idleLeft(Duration.ofSeconds(240))).isEqualTo("4 min");
        assertThat(en.idleLeft(Duration.ofSeconds(60))).isEqualTo("1 min");
        assertThat(en.idleLeft(Duration.ofSeconds(59))).isEqualTo("59 s");
        assertThat(en.idleLeft(Duration.ZERO)).isEqualTo("0 s");
    }

    @Test
    void anHourOrMoreSaysHoursAndMinutes() {
        assertThat(card(Locale.ENGLISH).idleLeft(Duration.ofMinutes(65))).isEqualTo("1 h 05 min");
        assertThat(card(Locale.ENGLISH).idleLeft(Duration.ofSeconds(3599))).isEqualTo("1 h 00 min");
        assertThat(card(Locale.FRENCH).idleLeft(Duration.ofMinutes(125))).isEqualTo("2\u00a0h\u00a005\u00a0min");
    }

    @Test
    void frenchKeepsTheNumberWithItsUnit() {
        VlmCardText fr = card(Locale.FRENCH);
        assertThat(fr.idleLeft(Duration.ofSeconds(258))).isEqualTo("5\u00a0min");
        assertThat(fr.idleLeft(Duration.ofSeconds(18))).isEqualTo("18\u00a0s");
    }
}
