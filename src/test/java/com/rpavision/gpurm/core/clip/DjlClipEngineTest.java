package com.rpavision.gpurm.core.clip;

import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.ClipStatus.Availability;
import com.rpavision.gpurm.testing.ClipFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
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

    @Test
    void twoHundredEmbeddingsLeaveMemoryFlat() throws Exception {
        BufferedImage image = ClipFixture.image("ui-640x400.png");
        for (int i = 0; i < 30; i++) {
            engine.embed(image);
        }
        long before = residentKb();
        List<Long> samples = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            engine.embed(image);
            if (i % 50 == 49) {
                samples.add(residentKb() - before);
            }
        }
        System.out.println("[clip] resident growth over 200 embeddings, KB at 50/100/150/200: " + samples);
        assertThat(samples.get(samples.size() - 1)).as("resident memory growth in KB").isLessThan(64 * 1024);
    }

    private static long residentKb() throws Exception {
        System.gc();
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS");
    }
}
