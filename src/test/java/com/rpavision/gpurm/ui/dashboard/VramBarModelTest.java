package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.VramBreakdown;
import com.rpavision.gpurm.core.model.VramBreakdown.ModelUse;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.dashboard.VramBarModel.Kind;
import com.rpavision.gpurm.ui.dashboard.VramBarModel.Segment;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class VramBarModelTest {

    private static final VramBreakdown RECORDING_WITH_A_GUEST = new VramBreakdown(24_576, 10_752, 0,
            List.of(new ModelUse("llama3:8b", 5_120)), 1_024, 7_680);

    @Test
    void eachHolderIsAPartWithItsShareAndEmptyPartsAreLeftOut() {
        VramBarModel model = new VramBarModel(new Messages(Locale.ENGLISH));

        model.update(RECORDING_WITH_A_GUEST, false);

        assertThat(model.segments()).extracting(Segment::kind)
                .containsExactly(Kind.VLM, Kind.OTHER_MODELS, Kind.OTHER_PROCESSES, Kind.FREE);
        assertThat(model.segments()).extracting(Segment::legend)
                .containsExactly("Vision model 10.5 GB", "llama3:8b 5.0 GB", "Other programs 1.0 GB", "Free 7.5 GB");
        assertThat(model.segments().get(0).fraction()).isCloseTo(10_752 / 24_576.0, within(1e-9));
        assertThat(model.segments().get(1).detail()).isEqualTo("llama3:8b 5.0 GB");
        assertThat(model.segments().stream().mapToDouble(Segment::fraction).sum()).isCloseTo(1.0, within(1e-9));
    }

    @Test
    void severalOtherModelsShareOnePartThatNamesThemInItsDetail() {
        VramBarModel model = new VramBarModel(new Messages(Locale.ENGLISH));

        model.update(new VramBreakdown(24_576, 0, 512, List.of(new ModelUse("llama3:8b", 5_120),
                new ModelUse("nomic-embed-text", 512)), 1_024, 17_408), false);

        assertThat(model.segments()).extracting(Segment::legend)
                .containsExactly("Image matcher 0.5 GB", "Other models 5.5 GB", "Other programs 1.0 GB", "Free 17.0 GB");
        assertThat(model.segments().get(1).detail()).isEqualTo("llama3:8b 5.0 GB, nomic-embed-text 0.5 GB");
    }

    @Test
    void frenchUsesItsDecimalCommaAndGo() {
        VramBarModel model = new VramBarModel(new Messages(Locale.FRENCH));

        model.update(RECORDING_WITH_A_GUEST, false);

        assertThat(model.segments().get(0).legend()).isEqualTo("Modèle de vision 10,5 Go");
        assertThat(model.segments().get(3).legend()).isEqualTo("Libre 7,5 Go");
    }

    @Test
    void withoutAGpuTheBarIsEmpty() {
        VramBarModel model = new VramBarModel(new Messages(Locale.ENGLISH));
        model.update(RECORDING_WITH_A_GUEST, false);

        model.update(null, false);

        assertThat(model.segments()).isEmpty();
    }
}
