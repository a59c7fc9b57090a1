package com.rpavision.gpurm.ui.tray;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class NotificationWrapTest {

    @Test
    void aLongReasonIsBrokenBetweenWordsAndLosesNone() {
        String reason = "Not loading qwen3-vl:8b: it needs about 7.4 GB of VRAM and 3.2 GB is available on NVIDIA GeForce"
                + " RTX 4090 (22.7 GB free, 19.5 GB kept as margin). Biggest users: Xorg (pid 1207) 0.9 GB.";
        String wrapped = DesktopIntegration.wrap(reason, 40);
        assertThat(wrapped.split("\n")).allSatisfy(line -> assertThat(line.length()).isLessThanOrEqualTo(40));
        assertThat(wrapped.replace('\n', ' ')).isEqualTo(reason);
    }

    @Test
    void aShortTextAndAnOverlongWordStayAsTheyAre() {
        assertThat(DesktopIntegration.wrap("VLM unloaded", 40)).isEqualTo("VLM unloaded");
        assertThat(DesktopIntegration.wrap("x".repeat(50), 40)).isEqualTo("x".repeat(50));
    }
}
