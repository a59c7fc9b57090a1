package com.rpavision.gpurm.core.clip;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.InputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The preprocessing equals what the Python reference computed with Pillow (probes written by the fixture script). */
class ClipPreprocessorTest {

    @ParameterizedTest
    @ValueSource(strings = {"ui-640x400.png", "noise-500x300.png", "random-230x512.png", "tiny-96x64.png"})
    void matchesPillowAndTorchvisionOnTheFixtureImages(String name) throws Exception {
        JsonNode reference = new ObjectMapper().readTree(getClass().getResourceAsStream("/clip/reference.json"));
        BufferedImage image;
        try (InputStream in = getClass().getResourceAsStream("/clip/" + name)) {
            image = ImageIO.read(in);
        }

        float[] pixels = ClipPreprocessor.preprocess(image);

        assertThat(pixels).hasSize(3 * 224 * 224);
        JsonNode probe = reference.path("images").path(name).path("pixel_probe");
        int[][] at = {{0, 0, 0}, {1, 111, 57}, {2, 223, 223}, {0, 17, 200}};
        for (int i = 0; i < at.length; i++) {
            float actual = pixels[at[i][0] * 224 * 224 + at[i][1] * 224 + at[i][2]];
            assertThat(actual).as("channel %d at (%d, %d)", at[i][0], at[i][1], at[i][2])
                    .isEqualTo((float) probe.get(i).asDouble());
        }
    }
}
