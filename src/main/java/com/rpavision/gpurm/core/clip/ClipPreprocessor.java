package com.rpavision.gpurm.core.clip;

import java.awt.image.BufferedImage;

/**
 * CLIP's image preprocessing, bit for bit as open_clip does it through torchvision and Pillow: resize the
 * shorter side to 224 with Pillow's bicubic filter (a = -0.5, widened when shrinking, fixed-point 8-bit passes,
 * horizontal first), center crop 224, scale to [0, 1], normalize with CLIP's mean and std. Output is CHW.
 */
public final class ClipPreprocessor {

    public static final int SIZE = 224;
    private static final float[] MEAN = {0.48145466f, 0.4578275f, 0.40821073f};
    private static final float[] STD = {0.26862954f, 0.26130258f, 0.27577711f};
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final double BICUBIC_SUPPORT = 2.0;

    private ClipPreprocessor() {
    }

    /** @return 3 x 224 x 224 floats, channel-major */
    public static float[] preprocess(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[][] rgb = toRgb(image);
        int newW;
        int newH;
        if (w <= h) {
            newW = SIZE;
            newH = (int) (SIZE * (double) h / w);
        } else {
            newW = (int) (SIZE * (double) w / h);
            newH = SIZE;
        }
        if (newW != w) {
            rgb = resampleHorizontal(rgb, w, h, newW);
        }
        if (newH != h) {
            rgb = resampleVertical(rgb, newW, h, newH);
        }
        // torchvision's CenterCrop rounds with Python's round(): half to even, as Math.rint does.
        int top = (int) Math.rint((newH - SIZE) / 2.0);
        int left = (int) Math.rint((newW - SIZE) / 2.0);
        float[] out = new float[3 * SIZE * SIZE];
        for (int c = 0; c < 3; c++) {
            int[] plane = rgb[c];
            int base = c * SIZE * SIZE;
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    float v = plane[(y + top) * newW + (x + left)] / 255f;
                    out[base + y * SIZE + x] = (v - MEAN[c]) / STD[c];
                }
            }
        }
        return out;
    }

    /** Pillow's convert("RGB"): alpha dropped, gray replicated (not gamma-converted as getRGB would). */
    private static int[][] toRgb(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        int[][] planes = new int[3][w * h];
        if (image.getColorModel().getColorSpace().getNumComponents() == 1) {
            int[] gray = image.getRaster().getSamples(0, 0, w, h, 0, (int[]) null);
            for (int c = 0; c < 3; c++) {
                System.arraycopy(gray, 0, planes[c], 0, gray.length);
            }
            return planes;
        }
        int[] argb = image.getRGB(0, 0, w, h, null, 0, w);
        for (int i = 0; i < argb.length; i++) {
            planes[0][i] = (argb[i] >> 16) & 0xff;
            planes[1][i] = (argb[i] >> 8) & 0xff;
            planes[2][i] = argb[i] & 0xff;
        }
        return planes;
    }

    private static double bicubic(double x) {
        double a = -0.5;
        x = Math.abs(x);
        if (x < 1.0) {
            return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
        }
        if (x < 2.0) {
            return (((x - 5) * x + 8) * x - 4) * a;
        }
        return 0.0;
    }

    /** Pillow's precompute_coeffs + normalize_coeffs_8bpc: per output pixel, first input, count, fixed-point weights. */
    private record Coefficients(int[] first, int[] count, int[][] weights) {
    }

    private static Coefficients coefficients(int inSize, int outSize) {
        double scale = (double) inSize / outSize;
        double filterScale = Math.max(scale, 1.0);
        double support = BICUBIC_SUPPORT * filterScale;
        int[] first = new int[outSize];
        int[] count = new int[outSize];
        int[][] weights = new int[outSize][];
        for (int xx = 0; xx < outSize; xx++) {
            double center = (xx + 0.5) * scale;
            double ss = 1.0 / filterScale;
            int xmin = Math.max((int) (center - support + 0.5), 0);
            int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
            double[] k = new double[xmax];
            double total = 0;
            for (int x = 0; x < xmax; x++) {
                k[x] = bicubic((x + xmin - center + 0.5) * ss);
                total += k[x];
            }
            int[] fixed = new int[xmax];
            for (int x = 0; x < xmax; x++) {
                double v = total != 0.0 ? k[x] / total : k[x];
                fixed[x] = v < 0 ? (int) (-0.5 + v * (1 << PRECISION_BITS)) : (int) (0.5 + v * (1 << PRECISION_BITS));
            }
            first[xx] = xmin;
            count[xx] = xmax;
            weights[xx] = fixed;
        }
        return new Coefficients(first, count, weights);
    }

    private static int clip8(int value) {
        return Math.max(0, Math.min(255, value >> PRECISION_BITS));
    }

    private static int[][] resampleHorizontal(int[][] in, int w, int h, int outW) {
        Coefficients c = coefficients(w, outW);
        int[][] out = new int[3][outW * h];
        for (int ch = 0; ch < 3; ch++) {
            int[] src = in[ch];
            int[] dst = out[ch];
            for (int y = 0; y < h; y++) {
                for (int xx = 0; xx < outW; xx++) {
                    int sum = 1 << (PRECISION_BITS - 1);
                    int[] k = c.weights[xx];
                    int base = y * w + c.first[xx];
                    for (int x = 0; x < c.count[xx]; x++) {
                        sum += src[base + x] * k[x];
                    }
                    dst[y * outW + xx] = clip8(sum);
                }
            }
        }
        return out;
    }

    private static int[][] resampleVertical(int[][] in, int w, int h, int outH) {
        Coefficients c = coefficients(h, outH);
        int[][] out = new int[3][w * outH];
        int[] sums = new int[w];
        for (int ch = 0; ch < 3; ch++) {
            int[] src = in[ch];
            int[] dst = out[ch];
            for (int yy = 0; yy < outH; yy++) {
                java.util.Arrays.fill(sums, 1 << (PRECISION_BITS - 1));
                int[] k = c.weights[yy];
                for (int y = 0; y < c.count[yy]; y++) {
                    int row = (c.first[yy] + y) * w;
                    int weight = k[y];
                    for (int x = 0; x < w; x++) {
                        sums[x] += src[row + x] * weight;
                    }
                }
                for (int x = 0; x < w; x++) {
                    dst[yy * w + x] = clip8(sums[x]);
                }
            }
        }
        return out;
    }
}
