package com.rpavision.gpurm.ui.dashboard;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LoadProgressTest {

    private static final Instant T0 = Instant.parse("2026-12-02T08:00:00Z");

    private static List<Duration> seconds(long... values) {
        return java.util.Arrays.stream(values).mapToObj(Duration::ofSeconds).toList();
    }

    @Test
    void theUsualLoadTimeIsTheMedianOfTheLatestLoads() {
        LoadProgress progress = new LoadProgress();
        assertThat(progress.typical()).isEmpty();

        progress.seed(seconds(30, 90, 38));
        assertThat(progress.typical()).contains(Duration.ofSeconds(38));

        progress.record(Duration.ofSeconds(40));
        assertThat(progress.typical()).as("an even count takes the middle two's mean").contains(Duration.ofSeconds(39));
    }

    @Test
    void onlyTheLatestLoadsCountAndTheJournalComesBeforeThisSessionsLoads() {
        LoadProgress progress = new LoadProgress();
        progress.record(Duration.ofSeconds(5)); // this session's, seen before the journal was read
        progress.seed(Collections.nCopies(LoadProgress.KEPT, Duration.ofSeconds(60)));

        assertThat(progress.typical()).contains(Duration.ofSeconds(60));
        for (int i = 0; i < LoadProgress.KEPT / 2 + 1; i++) {
            progress.record(Duration.ofSeconds(10)); // a faster disk: the median follows once most loads are new
        }
        assertThat(progress.typical()).contains(Duration.ofSeconds(10));
    }

    @Test
    void aLoadsShareGrowsWithItsTimeAndTurnsIndeterminatePastTheUsualTime() {
        LoadProgress progress = new LoadProgress();
        progress.seed(seconds(40));

        assertThat(progress.fraction(T0)).as("no load running").isEqualTo(-1);
        progress.loading(true, T0);
        progress.loading(true, T0.plusSeconds(5)); // a later status does not restart the clock
        assertThat(progress.fraction(T0.plusSeconds(10))).isCloseTo(0.25, within(1e-9));
        assertThat(progress.elapsed(T0.plusSeconds(10))).isEqualTo(Duration.ofSeconds(10));
        assertThat(progress.fraction(T0.plusSeconds(41))).isEqualTo(-1);

        progress.loading(false, T0.plusSeconds(42));
        assertThat(progress.isLoading()).isFalse();
        assertThat(progress.elapsed(T0.plusSeconds(50))).isEqualTo(Duration.ZERO);
    }

    @Test
    void withoutAnyPastLoadTheBarIsIndeterminate() {
        LoadProgress progress = new LoadProgress();
        progress.record(Duration.ZERO); // an adopted VLM has no load time

        progress.loading(true, T0);

        assertThat(progress.fraction(T0.plusSeconds(3))).isEqualTo(-1);
    }
}
