package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.clip.ClipEngine;
import com.rpavision.gpurm.core.clip.ClipException;
import com.rpavision.gpurm.core.gpu.VramMonitor;
import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.ClipStatus;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.Reason;
import com.rpavision.gpurm.core.model.VramInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.rpavision.gpurm.core.concurrent.Threads;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/** Moves CLIP between devices (on the operation queue) and keeps embeddings away from a move in progress. */
final class ClipController {

    private static final Logger LOG = LoggerFactory.getLogger(ClipController.class);

    private final ClipEngine engine;
    private final VramMonitor vram;
    private final long thresholdMb;
    private final EventEmitter events;
    private final ReadWriteLock pipelineLock = new ReentrantReadWriteLock();
    /** VRAM use that rose when CLIP last moved to the GPU: its size where NVML cannot tell per process. */
    private volatile long measuredGpuMb;

    ClipController(ClipEngine engine, VramMonitor vram, long thresholdMb, EventEmitter events) {
        this.engine = engine;
        this.vram = vram;
        this.thresholdMb = thresholdMb;
        this.events = events;
    }

    ClipStatus status() {
        return engine.status();
    }

    ClipDevice device() {
        return engine.status().device();
    }

    String modelName() {
        return engine.modelName();
    }

    /** Whether a move to the GPU could be tried at all, whatever VRAM says. */
    boolean gpuMoveConceivable() {
        return engine.status().isUsable() && engine.supportsCuda() && vram.hasGpu();
    }

    /** Whether the managed GPU now has more than the threshold free (fresh sample). */
    boolean enoughVramForGpu() {
        return vram.sample().gpu(vram.managedIndex()).map(g -> g.freeMb() > thresholdMb).orElse(false);
    }

    /** Runs on the operation queue. */
    MigrationResult migrate(ClipDevice target, String why) {
        ClipStatus status = engine.status();
        if (status.device() == target && status.availability() != ClipStatus.Availability.ERROR) {
            return new MigrationResult(true, target, null);
        }
        if (!status.isUsable() && status.availability() != ClipStatus.Availability.ERROR) {
            String detail = status.reason() == null ? "" : status.reason();
            return refuse(status.device(), target, Reason.of(Reason.Code.CLIP_UNAVAILABLE,
                    "CLIP is " + status.availability().name().toLowerCase() + ": " + detail,
                    status.why() != null ? status.why() : Reason.text(detail)));
        }
        if (target == ClipDevice.CUDA) {
            if (!vram.hasGpu()) {
                String detail = vram.unavailableReason().orElse("no GPU");
                return refuse(status.device(), target, Reason.of(Reason.Code.NO_GPU, detail, detail));
            }
            if (!engine.supportsCuda()) {
                return refuse(status.device(), target, status.whyNotCuda() != null
                        ? status.whyNotCuda() : Reason.text("this CLIP engine cannot use CUDA"));
            }
            VramInfo gpu = vram.sample().gpu(vram.managedIndex()).orElse(VramInfo.none());
            if (gpu.freeMb() <= thresholdMb) {
                return refuse(status.device(), target, Reason.of(Reason.Code.VRAM_INSUFFICIENT,
                        "VRAM insufficient: " + gpu.describe() + "; CLIP moves to the GPU only with more than "
                                + thresholdMb + " MB free. Unload other models to make room.",
                        gpu.freeMb(), gpu.totalMb(), thresholdMb));
            }
        }
        ClipDevice from = status.device();
        long usedBefore = usedMb();
        pipelineLock.writeLock().lock();
        try {
            engine.moveTo(target);
        } catch (ClipException | RuntimeException e) {
            Reason reason = Reason.of(Reason.Code.CLIP_MOVE_FAILED,
                    "CLIP could not move to " + target.wireName() + ": " + e.getMessage(), target.wireName(), e.getMessage());
            LOG.warn(reason.text());
            events.emit(EventType.MODEL_ERROR, "model", engine.modelName(), "reason", reason.text(),
                    "reason_code", reason.code().name(), "reason_args", reason.args());
            return MigrationResult.refused(engine.status().device(), reason);
        } finally {
            pipelineLock.writeLock().unlock();
        }
        long usedAfter = usedMb(); // also keeps the status's figures in step with where CLIP now is
        if (target == ClipDevice.CUDA) {
            measuredGpuMb = Math.max(0, usedAfter - usedBefore);
        }
        LOG.info("CLIP {} moved {} -> {} ({})", engine.modelName(), from.wireName(), target.wireName(), why);
        events.emit(EventType.DEVICE_CHANGED, "model", engine.modelName(), "from", from.wireName(),
                "to", target.wireName(), "reason", why);
        return new MigrationResult(true, target, null);
    }

    /** How much VRAM CLIP holds on the GPU as measured when it moved there; 0 when unknown. */
    long measuredGpuMb() {
        return measuredGpuMb;
    }

    private long usedMb() {
        return vram.sample().gpu(vram.managedIndex()).map(VramInfo::usedMb).orElse(0L);
    }

    private MigrationResult refuse(ClipDevice current, ClipDevice target, Reason reason) {
        LOG.info("CLIP stays on {} instead of {}: {}", current.wireName(), target.wireName(), reason.text());
        return MigrationResult.refused(current, reason);
    }

    float[][] embed(List<BufferedImage> images) throws ClipException {
        pipelineLock.readLock().lock();
        try {
            return engine.embed(images);
        } finally {
            pipelineLock.readLock().unlock();
        }
    }

    /** Loads the engine and the model on their own thread, so nothing else waits for libtorch. */
    void startInBackground() {
        Threads.named("gpurm-clip-start").newThread(() -> {
            long start = System.nanoTime();
            engine.start();
            ClipStatus status = engine.status();
            LOG.info("CLIP {} {} on {} after {} ms{}", engine.modelName(), status.availability().name().toLowerCase(),
                    status.device().wireName(), (System.nanoTime() - start) / 1_000_000,
                    status.reason() != null ? ": " + status.reason()
                            : status.cudaUnavailableReason() != null ? "; not on cuda: " + status.cudaUnavailableReason() : "");
            events.emit(EventType.DEVICE_CHANGED, "model", engine.modelName(), "to", status.device().wireName(),
                    "availability", status.availability().name().toLowerCase(), "reason", status.reason());
        }).start();
    }

    void close() {
        engine.close();
    }
}
