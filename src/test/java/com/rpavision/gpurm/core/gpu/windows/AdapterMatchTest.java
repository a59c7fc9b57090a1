package com.rpavision.gpurm.core.gpu.windows;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AdapterMatchTest {

    private static final String NVIDIA = "luid_0x00000000_0x0000D1A5_phys_0";
    private static final String INTEGRATED = "luid_0x00000000_0x0000A18D_phys_0";
    private static final String BASIC_RENDER = "luid_0x00000000_0x00010F2C_phys_0";

    @Test
    void picksTheAdapterWhoseDedicatedUsageIsClosestToNvmlUsed() {
        Map<String, Long> dedicatedMb = Map.of(INTEGRATED, 96L, NVIDIA, 10_200L, BASIC_RENDER, 0L);

        assertThat(AdapterMatch.closestToNvmlUsed(dedicatedMb, 10_650)).contains(NVIDIA);
    }

    @Test
    void picksTheOnlyAdapterHoweverFarItIs() {
        assertThat(AdapterMatch.closestToNvmlUsed(Map.of(NVIDIA, 300L), 4_000)).contains(NVIDIA);
    }

    @Test
    void givesNoAnswerWhenTwoAdaptersAreAboutAsClose() {
        // an idle NVIDIA GPU and an integrated one both hold almost nothing
        Map<String, Long> dedicatedMb = Map.of(NVIDIA, 210L, INTEGRATED, 96L);

        assertThat(AdapterMatch.closestToNvmlUsed(dedicatedMb, 450)).isEmpty();
    }

    @Test
    void answersOnceTheGapReachesTheMargin() {
        long used = 1_000;
        Map<String, Long> dedicatedMb = new LinkedHashMap<>();
        dedicatedMb.put(NVIDIA, used);
        dedicatedMb.put(INTEGRATED, used - AdapterMatch.AMBIGUITY_MARGIN_MB);

        assertThat(AdapterMatch.closestToNvmlUsed(dedicatedMb, used)).contains(NVIDIA);

        dedicatedMb.put(INTEGRATED, used - AdapterMatch.AMBIGUITY_MARGIN_MB + 1);
        assertThat(AdapterMatch.closestToNvmlUsed(dedicatedMb, used)).isEmpty();
    }

    @Test
    void givesNoAnswerWithoutAdapters() {
        assertThat(AdapterMatch.closestToNvmlUsed(Map.of(), 1_000)).isEmpty();
    }
}
