package com.rpavision.gpurm.app.demo;

import com.rpavision.gpurm.core.clip.ClipEngine;
import com.rpavision.gpurm.core.clip.ClipException;
import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.ClipStatus;

import java.awt.image.BufferedImage;
import java.util.List;

/** The demo's CLIP: moves between CPU and the simulated GPU in realistic time; computes no embeddings. */
final class SimulatedClip implements ClipEngine {

    private static final long VRAM_MB = 520;
    private static final long MOVE_MILLIS = 600;

    private final SimulatedGpu gpu;
    private volatile ClipDevice device = ClipDevice.CPU;
    private volatile boolean moving;

    SimulatedClip(SimulatedGpu gpu) {
        this.gpu = gpu;
    }

    @Override
    public String modelName() {
        return "ViT-B-32";
    }

    @Override
    public ClipStatus status() {
        return new ClipStatus(moving ? ClipStatus.Availability.MIGRATING : ClipStatus.Availability.AVAILABLE,
                device, moving ? "moving" : null, null);
    }

    @Override
    public boolean supportsCuda() {
        return true;
    }

    @Override
    public void moveTo(ClipDevice target) throws ClipException {
        moving = true;
        try {
            Thread.sleep(MOVE_MILLIS);
            if (target == ClipDevice.CUDA) {
                gpu.allocate(ProcessHandle.current().pid(), "java (CLIP)", VRAM_MB);
            } else {
                gpu.free(ProcessHandle.current().pid());
            }
            device = target;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClipException("interrupted", e);
        } finally {
            moving = false;
        }
    }

    @Override
    public float[][] embed(List<BufferedImage> images) throws ClipException {
        throw new ClipException("the demo simulates CLIP's placement only; it computes no embeddings");
    }
}
