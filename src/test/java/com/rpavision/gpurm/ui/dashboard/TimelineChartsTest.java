package com.rpavision.gpurm.ui.dashboard;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TimelineChartsTest {

    @Test
    void theVramAxisTicksInRoundGigabytesAtMostSixTimes() {
        assertThat(TimelineCharts.gbStep(4)).isEqualTo(1);
        assertThat(TimelineCharts.gbStep(8)).isEqualTo(2);
        assertThat(TimelineCharts.gbStep(12)).isEqualTo(2);
        assertThat(TimelineCharts.gbStep(24)).isEqualTo(4);
        assertThat(TimelineCharts.gbStep(48)).isEqualTo(8);
        assertThat(TimelineCharts.gbStep(80)).isEqualTo(16);
        assertThat(TimelineCharts.gbStep(0)).as("no GPU yet").isEqualTo(0.5);
    }
}
