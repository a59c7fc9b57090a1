package com.rpavision.gpurm.core.gpu;

import com.rpavision.gpurm.core.gpu.windows.SharedMemoryProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Picks the best available probe: NVML, else nvidia-smi, else none (CPU-only mode, with the reasons); on Windows
 * with the shared-memory counters added.
 */
public final class GpuProbes {

    private static final Logger LOG = LoggerFactory.getLogger(GpuProbes.class);

    private GpuProbes() {
    }

    public static GpuProbe detect(String nvmlLibraryPath, String nvidiaSmiPath) {
        String nvmlProblem;
        try {
            NvmlProbe probe = NvmlProbe.open(nvmlLibraryPath);
            LOG.info("GPU probe: {}", probe.name());
            return SharedMemoryProbe.onThisPlatform(probe);
        } catch (GpuProbeException e) {
            nvmlProblem = e.getMessage();
        }
        String smiProblem;
        try {
            NvidiaSmiProbe probe = NvidiaSmiProbe.open(nvidiaSmiPath, Duration.ofSeconds(5));
            LOG.warn("NVML unavailable ({}); reading VRAM through nvidia-smi instead", nvmlProblem);
            return SharedMemoryProbe.onThisPlatform(probe);
        } catch (GpuProbeException e) {
            smiProblem = e.getMessage();
        }
        String reason = "No NVIDIA GPU found: " + nvmlProblem + "; " + smiProblem + ". Running CPU-only.";
        LOG.warn(reason);
        return new NoGpuProbe(reason);
    }
}
