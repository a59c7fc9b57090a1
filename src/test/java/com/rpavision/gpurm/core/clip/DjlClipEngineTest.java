package com.rpavision.gpurm.core.clip;

import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.ClipStatus.Availability;
import com.rpavision.gpurm.testing.ClipFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static com.rpavision.gpurm.testing.ClipFixture.maxAbsDiff;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The real DJL PyTorch engine on the committed TorchScript fixture, offline. */
class DjlClipEngineTest {

    private static DjlClipEngine engine;

    @BeforeAll
    static void startEngine() {
        ClipFixture.configureDjl();
        engine = new DjlClipEngine("tiny-clip", ClipFixture.MODEL, 0);
        engine.start();
        assertThat(engine.status().availability()).as(engine.status().reason()).isEqualTo(Availability.AVAILABLE);
    }

    @AfterAll
    static void closeEngine() {
        engine.close();
    }

    @Test
    void embeddingsEqualThePythonReference() throws Exception {
        for (String name : ClipFixture.IMAGES) {
            float[] embedding = engine.embed(ClipFixture.image(name));
            assertThat(embedding).hasSize(512);
            assertThat(maxAbsDiff(embedding, ClipFixture.reference(name))).as(name).isLessThan(1e-5);
        }
    }

    @Test
    void aBatchGivesTheSameEmbeddingsAsOneByOne() throws Exception {
        List<BufferedImage> images = ClipFixture.IMAGES.stream().map(ClipFixture::image).toList();
        float[][] batch = engine.embed(images);
        for (int i = 0; i < images.size(); i++) {
            assertThat(maxAbsDiff(batch[i], ClipFixture.reference(ClipFixture.IMAGES.get(i)))).isLessThan(1e-5);
        }
    }

    @Test
    void withTheCpuOnlyLibtorchCudaIsRefusedWithTheReason() {
        assertThat(engine.supportsCuda()).isFalse();
        assertThat(engine.status().cudaUnavailableReason()).contains("no CUDA device", "CPU-only", "libtorch_path");
        assertThatThrownBy(() -> engine.moveTo(ClipDevice.CUDA)).isInstanceOf(ClipException.class)
                .hasMessageContaining("no CUDA device");
        assertThat(engine.status().availability()).isEqualTo(Availability.AVAILABLE);
        assertThat(engine.status().device()).isEqualTo(ClipDevice.CPU);
    }

    @Test
    void aReloadGivesTheSameEmbeddings() throws Exception {
        BufferedImage image = ClipFixture.image("ui-640x400.png");
        float[] before = engine.embed(image);
        engine.moveTo(ClipDevice.CPU);
        engine.moveTo(ClipDevice.CPU);
        assertThat(maxAbsDiff(engine.embed(image), before)).isLessThan(1e-4);
    }

    @Test
    void embeddingsDuringMovesWaitAndNoneFails() throws Exception {
        BufferedImage image = ClipFixture.image("tiny-96x64.png");
        float[] reference = ClipFixture.reference("tiny-96x64.png");
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        CountDownLatch moving = new CountDownLatch(1);
        for (int t = 0; t < 3; t++) {
            pool.submit(() -> {
                moving.await();
                for (int i = 0; i < 15; i++) {
                    try {
                        assertThat(maxAbsDiff(engine.embed(image), reference)).isLessThan(1e-5);
                        done.incrementAndGet();
                    } catch (Throwable e) {
                        failures.add(e);
                    }
                }
                return null;
            });
        }
        moving.countDown();
        for (int i = 0; i < 5; i++) {
            engine.moveTo(ClipDevice.CPU);
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(120, TimeUnit.SECONDS)).isTrue();
        assertThat(failures).isEmpty();
        assertThat(done.get()).isEqualTo(45);
    }

    @Test
    void aMissingModelFileLeavesClipUnavailableWithTheReason(@TempDir Path dir) {
        DjlClipEngine missing = new DjlClipEngine("ViT-B-32", dir.resolve("models/ViT-B-32.pt"), 0);
        missing.start();
        assertThat(missing.status().availability()).isEqualTo(Availability.UNAVAILABLE);
        assertThat(missing.status().reason()).contains("no CLIP model at", "export_open_clip.py");
        assertThatThrownBy(() -> missing.embed(ClipFixture.image("tiny-96x64.png"))).isInstanceOf(ClipException.class);
    }

    @Test
    void aCorruptModelFileIsAnErrorWithTheReason(@TempDir Path dir) throws Exception {
        Path corrupt = dir.resolve("broken.pt");
        byte[] bytes = Files.readAllBytes(ClipFixture.MODEL);
        Files.write(corrupt, java.util.Arrays.copyOf(bytes, bytes.length / 3));
        DjlClipEngine broken = new DjlClipEngine("ViT-B-32", corrupt, 0);
        broken.start();
        assertThat(broken.status().availability()).isEqualTo(Availability.ERROR);
        assertThat(broken.status().reason()).contains("cannot load the CLIP model", corrupt.toString());
    }

    /**
     * Each embedding puts a 602 KB input tensor in native memory: 200 leaked calls would add about 120 MB. The
     * check runs in a JVM with a fixed 64 MB heap, so resident growth can only be native.
     */
    @Test
    @EnabledOnOs(OS.LINUX)
    void twoHundredEmbeddingsAfterWarmUpLeaveNativeMemoryFlat() throws Exception {
        Process check = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms64m", "-Xmx64m", "-Dlogback.configurationFile=" + Path.of("src/test/resources/logback-test.xml").toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), "com.rpavision.gpurm.testing.ClipMemoryCheck")
                .redirectErrorStream(true).start();
        String output = new String(check.getInputStream().readAllBytes());
        assertThat(check.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String line = output.lines().filter(l -> l.startsWith("RSS_KB")).findFirst().orElseThrow(() -> new AssertionError(output));
        long[] kb = java.util.Arrays.stream(line.substring(7).split(" ")).mapToLong(Long::parseLong).toArray();
        System.out.println("[clip] resident KB after 50..300 embeddings: " + line.substring(7));
        assertThat(kb[5] - kb[1]).as("resident growth over the last 200 embeddings, KB").isLessThan(30 * 1024);
    }
}
