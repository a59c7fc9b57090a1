package com.rpavision.gpurm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rpavision.gpurm.core.clip.DjlEnvironment;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/** The committed TorchScript fixture (tools/clip/make_test_fixture.py) and its reference embeddings. */
public final class ClipFixture {

    public static final List<String> IMAGES = List.of("ui-640x400.png", "noise-500x300.png", "random-230x512.png", "tiny-96x64.png");
    public static final Path MODEL = Path.of("src", "test", "resources", "clip", "tiny-clip-vit.pt").toAbsolutePath();
    /** Shared by every test JVM run, so libtorch is extracted once per clone. */
    public static final Path ENGINE_CACHE = Path.of("target", "djl-engine-cache").toAbsolutePath();

    static {
        DjlEnvironment.configure(ENGINE_CACHE, "");
    }

    private ClipFixture() {
    }

    /** Call before anything touches DJL in a test JVM. */
    public static void configureDjl() {
        // the static initializer did it
    }

    public static BufferedImage image(String name) {
        try (InputStream in = ClipFixture.class.getResourceAsStream("/clip/" + name)) {
            return ImageIO.read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static float[] reference(String name) {
        try (InputStream in = ClipFixture.class.getResourceAsStream("/clip/reference.json")) {
            JsonNode values = new ObjectMapper().readTree(in).path("images").path(name).path("embedding");
            float[] out = new float[values.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = (float) values.get(i).asDouble();
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            return Double.POSITIVE_INFINITY;
        }
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}
