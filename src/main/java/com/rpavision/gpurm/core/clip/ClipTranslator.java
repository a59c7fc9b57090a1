package com.rpavision.gpurm.core.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;

/** Preprocessed images in ([N][3*224*224]), L2-normalized embeddings out ([N][dim]); one tensor per batch. */
final class ClipTranslator implements Translator<float[][], float[][]> {

    private static final int PIXELS = 3 * ClipPreprocessor.SIZE * ClipPreprocessor.SIZE;

    @Override
    public NDList processInput(TranslatorContext ctx, float[][] batch) {
        float[] flat = new float[batch.length * PIXELS];
        for (int i = 0; i < batch.length; i++) {
            System.arraycopy(batch[i], 0, flat, i * PIXELS, PIXELS);
        }
        NDArray input = ctx.getNDManager().create(flat,
                new Shape(batch.length, 3, ClipPreprocessor.SIZE, ClipPreprocessor.SIZE));
        return new NDList(input);
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList list) {
        NDArray output = list.singletonOrThrow();
        if (output.getShape().dimension() != 2) {
            throw new IllegalStateException("the CLIP model returned shape " + output.getShape() + ", expected [N, dim]");
        }
        int n = (int) output.getShape().get(0);
        int dim = (int) output.getShape().get(1);
        float[] all = output.toFloatArray();
        float[][] embeddings = new float[n][dim];
        for (int i = 0; i < n; i++) {
            double norm = 0;
            for (int j = 0; j < dim; j++) {
                float v = all[i * dim + j];
                norm += (double) v * v;
            }
            float inverse = (float) (1.0 / Math.sqrt(norm));
            for (int j = 0; j < dim; j++) {
                embeddings[i][j] = all[i * dim + j] * inverse;
            }
        }
        return embeddings;
    }

    @Override
    public Batchifier getBatchifier() {
        return null;
    }
}
