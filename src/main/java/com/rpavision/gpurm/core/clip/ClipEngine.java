package com.rpavision.gpurm.core.clip;

import com.rpavision.gpurm.core.model.ClipStatus;
import com.rpavision.gpurm.core.model.ClipDevice;

import java.awt.image.BufferedImage;

/**
 * The port through which the manager drives the CLIP embedding pipeline. The manager serializes
 * {@link #moveTo} with everything else and never calls {@link #embed} during a move.
 */
public interface ClipEngine extends AutoCloseable {

    /** The architecture, e.g. "ViT-B-32". */
    String modelName();

    /** Current availability and device; must not block. */
    ClipStatus status();

    /** Whether this engine can run on CUDA at all (a CPU-only libtorch cannot); the status says why not. */
    boolean supportsCuda();

    /** Loads the engine and the model; slow (seconds), called once on a background thread. */
    default void start() {
    }

    /** Moves the model and rebuilds the pipeline on {@code device}; afterwards embeddings are valid again. */
    void moveTo(ClipDevice device) throws ClipException;

    /** The L2-normalized image embedding. */
    default float[] embed(BufferedImage image) throws ClipException {
        return embed(java.util.List.of(image))[0];
    }

    /** L2-normalized embeddings of a batch, in order. */
    float[][] embed(java.util.List<BufferedImage> images) throws ClipException;

    @Override
    default void close() {
    }
}
