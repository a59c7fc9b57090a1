package com.rpavision.gpurm.core.gpu.windows;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessInstancesTest {

    private static final String NVIDIA = "luid_0x00000000_0x0000D1A5_phys_0";

    @Test
    void keepsTheAdaptersProcessesByPidAndCountsAMissingFigureAsZero() {
        Map<String, Long> dedicated = Map.of(
                "pid_4242_" + NVIDIA, 9_000L,
                "pid_17_" + NVIDIA, 12L,
                "pid_880_luid_0x00000000_0x0000A18D_phys_0", 6L,
                "pid_99_" + NVIDIA.replace("phys_0", "phys_1"), 5L);
        Map<String, Long> shared = Map.of("pid_4242_" + NVIDIA, 2_000L, "pid_5_" + NVIDIA, 64L);

        assertThat(ProcessInstances.onAdapter(NVIDIA, dedicated, shared)).containsExactly(
                new ProcessGpuMemory(5, 0, 64), new ProcessGpuMemory(17, 12, 0), new ProcessGpuMemory(4242, 9_000, 2_000));
    }

    @Test
    void ignoresNamesThatAreNotPerProcess() {
        Map<String, Long> dedicated = Map.of(NVIDIA, 1L, "pid_x_" + NVIDIA, 2L, "pid_99999999999_" + NVIDIA, 3L);

        assertThat(ProcessInstances.onAdapter(NVIDIA, dedicated, Map.of())).isEqualTo(List.of());
    }
}
