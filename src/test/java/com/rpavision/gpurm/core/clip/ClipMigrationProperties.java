package com.rpavision.gpurm.core.clip;

import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.testing.ClipFixture;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

import java.awt.image.BufferedImage;
import java.util.List;

import static com.rpavision.gpurm.testing.ClipFixture.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;

/** Property 7 with the real engine: any image embeds the same before and after any sequence of device moves. */
class ClipMigrationProperties {

    private static DjlClipEngine engine;

    @BeforeContainer
    static void start() {
        ClipFixture.configureDjl();
        engine = new DjlClipEngine("tiny-clip", ClipFixture.MODEL, 0);
        engine.start();
    }

    @AfterContainer
    static void stop() {
        engine.close();
    }

    @Property(tries = 12)
    @Label("Property 7 (DJL): the same image gives the same embedding across any migrations")
    void embeddingsSurviveMigrations(@ForAll("images") BufferedImage image,
                                     @ForAll @Size(min = 1, max = 4) List<ClipDevice> moves) throws Exception {
        float[] before = engine.embed(image);
        for (ClipDevice device : moves) {
            try {
                engine.moveTo(device);
            } catch (ClipException refused) {
                assertThat(device).as("only CUDA may be refused here").isEqualTo(ClipDevice.CUDA);
                assertThat(refused.getMessage()).contains("CUDA");
            }
            assertThat(engine.status().isUsable()).isTrue();
        }
        float[] after = engine.embed(image);
        assertThat(after).hasSize(512);
        assertThat(maxAbsDiff(before, after)).isLessThan(1e-4);
        double norm = 0;
        for (float v : after) {
            norm += v * v;
        }
        assertThat(Math.sqrt(norm)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
    }

    @Provide
    Arbitrary<BufferedImage> images() {
        return Combinators.combine(Arbitraries.integers().between(8, 700), Arbitraries.integers().between(8, 700),
                Arbitraries.longs()).as((w, h, seed) -> {
                    BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
                    java.util.Random random = new java.util.Random(seed);
                    for (int y = 0; y < h; y++) {
                        for (int x = 0; x < w; x++) {
                            image.setRGB(x, y, random.nextInt(0x1000000));
                        }
                    }
                    return image;
                });
    }

}
