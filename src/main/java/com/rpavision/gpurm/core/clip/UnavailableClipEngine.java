package com.rpavision.gpurm.core.clip;

import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.ClipStatus;

import java.awt.image.BufferedImage;

/** What the app wires while it has no CLIP implementation: it says so, it never pretends. */
public final class UnavailableClipEngine implements ClipEngine {

    private final String modelName;
    private final String reason;

    public UnavailableClipEngine(String modelName, String reason) {
        this.modelName = modelName;
        this.reason = reason;
    }

    @Override
    public String modelName() {
        return modelName;
    }

    @Override
    public ClipStatus status() {
        return new ClipStatus(ClipStatus.Availability.UNAVAILABLE, ClipDevice.CPU, reason, reason);
    }

    @Override
    public boolean supportsCuda() {
        return false;
    }

    @Override
    public void moveTo(ClipDevice device) throws ClipException {
        throw new ClipException("CLIP is unavailable: " + reason);
    }

    @Override
    public float[][] embed(java.util.List<BufferedImage> images) throws ClipException {
        throw new ClipException("CLIP is unavailable: " + reason);
    }
}
