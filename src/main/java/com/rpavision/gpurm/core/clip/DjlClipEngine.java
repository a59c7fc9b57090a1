package com.rpavision.gpurm.core.clip;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.ClipStatus;
import com.rpavision.gpurm.core.model.ClipStatus.Availability;
import com.rpavision.gpurm.core.model.Reason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;

/**
 * CLIP's image encoder as a TorchScript file run by DJL's PyTorch engine. DJL cannot move a loaded model, so a
 * device change closes the model and loads it again on the target, then runs a warm-up inference before it
 * reports the new device. Embeddings and moves take one lock: a request during a move waits, it does not fail.
 */
public final class DjlClipEngine implements ClipEngine {

    private static final Logger LOG = LoggerFactory.getLogger(DjlClipEngine.class);
    private static final String ENGINE = "PyTorch";

    private final String modelName;
    private final Path modelPath;
    private final int gpuIndex;
    private final ReentrantLock lock = new ReentrantLock(true);
    private volatile ClipStatus status;
    private volatile boolean cudaUsable;
    private ZooModel<float[][], float[][]> model;
    private Predictor<float[][], float[][]> predictor;

    public DjlClipEngine(String modelName, Path modelPath, int gpuIndex) {
        this.modelName = modelName;
        this.modelPath = modelPath;
        this.gpuIndex = gpuIndex;
        Reason starting = Reason.of(Reason.Code.CLIP_STARTING, "starting");
        this.status = ClipStatus.of(Availability.UNAVAILABLE, ClipDevice.CPU, starting, starting);
    }

    @Override
    public String modelName() {
        return modelName;
    }

    @Override
    public ClipStatus status() {
        return status;
    }

    @Override
    public boolean supportsCuda() {
        return cudaUsable;
    }

    @Override
    public void start() {
        lock.lock();
        try {
            if (!Files.isRegularFile(modelPath)) {
                status = unavailable(Reason.of(Reason.Code.CLIP_NO_MODEL, "no CLIP model at " + modelPath
                        + ": export one with tools/clip/export_open_clip.py (see the README) or set clip_model_path",
                        modelPath.toString()));
                return;
            }
            Reason cudaReason;
            try {
                Engine engine = Engine.getEngine(ENGINE);
                cudaUsable = engine.getGpuCount() > gpuIndex;
                cudaReason = cudaUsable ? null : engine.getGpuCount() == 0
                        ? Reason.of(Reason.Code.CUDA_CPU_ONLY, "libtorch " + engine.getVersion()
                                + " sees no CUDA device (the bundled libtorch is CPU-only; set libtorch_path to a CUDA build)",
                                engine.getVersion())
                        : Reason.of(Reason.Code.CUDA_NO_DEVICE_AT_INDEX, "libtorch sees " + engine.getGpuCount()
                                + " CUDA device(s), none at gpu_index " + gpuIndex, engine.getGpuCount(), gpuIndex);
            } catch (RuntimeException | LinkageError e) {
                String root = rootMessage(e);
                status = unavailable(root.contains("Offline mode")
                        ? Reason.of(Reason.Code.CLIP_NATIVES_MISSING, "libtorch's native libraries are missing (the"
                        + " pytorch-native-cpu jar for this OS is not on the class path) and downloads are disabled;"
                        + " reinstall the app or set libtorch_path")
                        : Reason.of(Reason.Code.CLIP_ENGINE_FAILED, "libtorch could not start: " + root, root));
                LOG.error("CLIP unavailable: {}", status.reason(), e);
                return;
            }
            try {
                load(ClipDevice.CPU);
                status = ClipStatus.of(Availability.AVAILABLE, ClipDevice.CPU, null, cudaReason);
            } catch (ClipException e) {
                status = ClipStatus.of(Availability.ERROR, ClipDevice.CPU,
                        Reason.of(Reason.Code.CLIP_LOAD_FAILED, e.getMessage(), e.getMessage()), cudaReason);
            }
        } finally {
            lock.unlock();
        }
    }

    private ClipStatus unavailable(Reason reason) {
        return ClipStatus.of(Availability.UNAVAILABLE, ClipDevice.CPU, reason, reason);
    }

    @Override
    public void moveTo(ClipDevice target) throws ClipException {
        lock.lock();
        ClipStatus before = status;
        try {
            if (before.availability() == Availability.UNAVAILABLE) {
                throw new ClipException("CLIP is unavailable: " + before.reason());
            }
            if (target == ClipDevice.CUDA && !cudaUsable) {
                throw new ClipException(before.cudaUnavailableReason());
            }
            status = ClipStatus.of(Availability.MIGRATING, before.device(), Reason.text("moving to " + target.wireName()),
                    before.whyNotCuda());
            try {
                load(target);
                status = ClipStatus.of(Availability.AVAILABLE, target, null, before.whyNotCuda());
            } catch (ClipException e) {
                LOG.warn("CLIP could not be loaded on {}: {}; back to the CPU", target.wireName(), e.getMessage());
                load(ClipDevice.CPU);
                status = ClipStatus.of(Availability.AVAILABLE, ClipDevice.CPU, null, before.whyNotCuda());
                throw e;
            }
        } catch (ClipException e) {
            if (status.availability() == Availability.MIGRATING) {
                status = ClipStatus.of(Availability.ERROR, before.device(),
                        Reason.of(Reason.Code.CLIP_LOAD_FAILED, e.getMessage(), e.getMessage()), before.whyNotCuda());
            }
            throw e;
        } finally {
            lock.unlock();
        }
    }

    /** Closes what is loaded, loads on {@code device}, warms up. Caller holds the lock. */
    private void load(ClipDevice device) throws ClipException {
        closeModel();
        Device djlDevice = device == ClipDevice.CUDA ? Device.gpu(gpuIndex) : Device.cpu();
        Criteria<float[][], float[][]> criteria = Criteria.builder()
                .setTypes(float[][].class, float[][].class)
                .optEngine(ENGINE)
                .optModelPath(modelPath)
                .optDevice(djlDevice)
                .optTranslator(new ClipTranslator())
                .build();
        long start = System.nanoTime();
        try {
            model = criteria.loadModel();
            predictor = model.newPredictor();
            float[][] warmUp = predictor.predict(new float[][]{new float[3 * ClipPreprocessor.SIZE * ClipPreprocessor.SIZE]});
            LOG.info("CLIP model {} loaded on {} in {} ms ({} dimensions)", modelPath.getFileName(), device.wireName(),
                    (System.nanoTime() - start) / 1_000_000, warmUp[0].length);
        } catch (ModelNotFoundException | MalformedModelException | IOException | TranslateException | RuntimeException e) {
            closeModel();
            throw new ClipException("cannot load the CLIP model " + modelPath + " on " + device.wireName() + ": "
                    + rootMessage(e), e);
        }
    }

    @Override
    public float[][] embed(List<BufferedImage> images) throws ClipException {
        float[][] batch = new float[images.size()][];
        for (int i = 0; i < batch.length; i++) {
            batch[i] = ClipPreprocessor.preprocess(images.get(i));
        }
        lock.lock();
        try {
            if (predictor == null) {
                throw new ClipException("CLIP is not available: " + status.reason());
            }
            return predictor.predict(batch);
        } catch (TranslateException e) {
            throw new ClipException("CLIP embedding failed: " + rootMessage(e), e);
        } finally {
            lock.unlock();
        }
    }

    private void closeModel() {
        if (predictor != null) {
            predictor.close();
            predictor = null;
        }
        if (model != null) {
            model.close();
            model = null;
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        int newline = message.indexOf('\n');
        return newline > 0 ? message.substring(0, newline) : message;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closeModel();
        } finally {
            lock.unlock();
        }
    }
}
