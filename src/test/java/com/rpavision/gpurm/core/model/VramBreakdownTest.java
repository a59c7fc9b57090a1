package com.rpavision.gpurm.core.model;

import com.rpavision.gpurm.core.model.VramBreakdown.ModelUse;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VramBreakdownTest {

    private static VramInfo gpu(long totalMb, long usedMb) {
        return new VramInfo(0, "RTX", totalMb, usedMb, totalMb - usedMb, 0);
    }

    @Test
    void whatNoModelHoldsIsCountedAsOtherProgramsAndThePartsAddUpToTheTotal() {
        VramBreakdown b = VramBreakdown.of(gpu(24_576, 13_000), 10_500, 500,
                List.of(new ModelUse("llama3:8b", 400), new ModelUse("nomic-embed-text", 1_200)));

        assertThat(b.vlmMb()).isEqualTo(10_500);
        assertThat(b.clipMb()).isEqualTo(500);
        assertThat(b.otherModels()).extracting(ModelUse::name).containsExactly("nomic-embed-text", "llama3:8b");
        assertThat(b.otherModelsMb()).isEqualTo(1_600);
        assertThat(b.otherProcessesMb()).isEqualTo(400);
        assertThat(b.freeMb()).isEqualTo(11_576);
        assertThat(b.vlmMb() + b.clipMb() + b.otherModelsMb() + b.otherProcessesMb() + b.freeMb()).isEqualTo(b.totalMb());
    }

    @Test
    void ollamasEstimatesAboveWhatNvmlShowsAreCutBackToTheUsedMemory() {
        // A runner that is starting: Ollama already reports its size, NVML does not see all of it yet.
        VramBreakdown b = VramBreakdown.of(gpu(12_000, 6_000), 10_500, 500, List.of(new ModelUse("other", 300)));

        assertThat(b.vlmMb()).isEqualTo(6_000);
        assertThat(b.clipMb()).isZero();
        assertThat(b.otherModels()).containsExactly(new ModelUse("other", 0));
        assertThat(b.otherProcessesMb()).isZero();
        assertThat(b.freeMb()).isEqualTo(6_000);
    }
}
