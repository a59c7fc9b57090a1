package com.rpavision.gpurm.testing;

import com.rpavision.gpurm.core.clip.ClipEngine;
import com.rpavision.gpurm.core.clip.ClipException;
import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.ClipStatus;

import java.awt.image.BufferedImage;
import java.util.List;

/**
 * A CLIP engine that puts 500 MB on the {@link FakeGpu} when on CUDA, records its moves on the shared
 * timeline, and fails loudly if asked to embed while it is moving.
 */
public final class FakeClip implements ClipEngine {

    public static final long VRAM_MB = 500;
    public static final int DIMENSIONS = 512;

    private final FakeGpu gpu;
    private final ConcurrencyRecorder operations;
    private final List<String> timeline;
    private volatile ClipDevice device = ClipDevice.CPU;
    private volatile ClipStatus.Availability availability = ClipStatus.Availability.AVAILABLE;
    private volatile boolean supportsCuda = true;
    private volatile boolean moving;
    private volatile boolean failNextMove;
    private volatile long moveMillis;

    public FakeClip(FakeGpu gpu, ConcurrencyRecorder operations, List<String> timeline) {
        this.gpu = gpu;
        this.operations = operations;
        this.timeline = timeline;
    }

    public void makeUnavailable() {
        availability = ClipStatus.Availability.UNAVAILABLE;
    }

    public void supportsCuda(boolean supported) {
        this.supportsCuda = supported;
    }

    public void failNextMove() {
        this.failNextMove = true;
    }

    public void moveMillis(long millis) {
        this.moveMillis = millis;
    }

    private volatile java.util.concurrent.CountDownLatch held;
    private final java.util.concurrent.atomic.AtomicInteger movesWaiting = new java.util.concurrent.atomic.AtomicInteger();

    /** Every move waits inside {@link #moveTo} (holding the manager's queue) until {@link #releaseMoves()}. */
    public void holdMoves() {
        held = new java.util.concurrent.CountDownLatch(1);
    }

    public void releaseMoves() {
        java.util.concurrent.CountDownLatch latch = held;
        held = null;
        if (latch != null) {
            latch.countDown();
        }
    }

    /** Moves waiting in {@link #holdMoves()}. */
    public int movesWaiting() {
        return movesWaiting.get();
    }

    @Override
    public String modelName() {
        return "ViT-B-32";
    }

    @Override
    public ClipStatus status() {
        return new ClipStatus(moving ? ClipStatus.Availability.MIGRATING : availability, device,
                availability == ClipStatus.Availability.AVAILABLE ? null : "fake CLIP switched off",
                supportsCuda ? null : "CPU-only libtorch (fake)");
    }

    @Override
    public boolean supportsCuda() {
        return supportsCuda;
    }

    @Override
    public void moveTo(ClipDevice target) throws ClipException {
        operations.enter();
        moving = true;
        try {
            if (failNextMove) {
                failNextMove = false;
                throw new ClipException("CUDA error: out of memory (fake)");
            }
            if (moveMillis > 0) {
                Thread.sleep(moveMillis);
            }
            java.util.concurrent.CountDownLatch latch = held;
            if (latch != null) {
                movesWaiting.incrementAndGet();
                try {
                    latch.await();
                } finally {
                    movesWaiting.decrementAndGet();
                }
            }
            if (target == ClipDevice.CUDA) {
                gpu.allocate("clip", VRAM_MB);
            } else {
                gpu.free("clip");
            }
            device = target;
            timeline.add("clip:" + target.wireName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClipException("interrupted", e);
        } finally {
            moving = false;
            operations.exit();
        }
    }

    @Override
    public float[][] embed(java.util.List<BufferedImage> images) throws ClipException {
        float[][] out = new float[images.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = embedOne(images.get(i));
        }
        return out;
    }

    private float[] embedOne(BufferedImage image) throws ClipException {
        if (moving) {
            throw new IllegalStateException("embed called while CLIP was moving");
        }
        if (availability != ClipStatus.Availability.AVAILABLE) {
            throw new ClipException("fake CLIP switched off");
        }
        float[] v = new float[DIMENSIONS];
        double norm = 0;
        for (int i = 0; i < DIMENSIONS; i++) {
            int rgb = image.getRGB(i % image.getWidth(), (i / image.getWidth()) % image.getHeight());
            v[i] = ((rgb >> (i % 3 * 8)) & 0xff) + 1f;
            norm += v[i] * v[i];
        }
        for (int i = 0; i < DIMENSIONS; i++) {
            v[i] /= (float) Math.sqrt(norm);
        }
        if (moving) {
            throw new IllegalStateException("CLIP started moving during an embedding");
        }
        return v;
    }
}
