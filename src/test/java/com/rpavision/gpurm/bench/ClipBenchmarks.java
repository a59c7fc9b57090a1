package com.rpavision.gpurm.bench;

import com.rpavision.gpurm.core.clip.ClipPreprocessor;
import com.rpavision.gpurm.core.clip.DjlClipEngine;
import com.rpavision.gpurm.testing.ClipFixture;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.awt.image.BufferedImage;
import java.util.concurrent.TimeUnit;

/**
 * CLIP embeddings per second on the fixture with one libtorch thread, to compare with
 * tools/clip/bench_python.py at the same thread count.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1"})
public class ClipBenchmarks {

    private DjlClipEngine engine;
    private BufferedImage screenshot;
    private BufferedImage square;

    @Setup(Level.Trial)
    public void setUp() {
        ClipFixture.configureDjl();
        engine = new DjlClipEngine("tiny-clip", ClipFixture.MODEL, 0);
        engine.start();
        screenshot = ClipFixture.image("ui-640x400.png");
        square = new BufferedImage(ClipPreprocessor.SIZE, ClipPreprocessor.SIZE, BufferedImage.TYPE_INT_RGB);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
    }

    /** A 224x224 image: preprocessing is only the normalization, as in the Python comparison. */
    @Benchmark
    public float[] embed224() throws Exception {
        return engine.embed(square);
    }

    /** A 640x400 screenshot: resize and crop included. */
    @Benchmark
    public float[] embedScreenshot() throws Exception {
        return engine.embed(screenshot);
    }

    /** Preprocessing alone, for the 640x400 screenshot. */
    @Benchmark
    public float[] preprocessScreenshot() {
        return ClipPreprocessor.preprocess(screenshot);
    }
}
