package com.rpavision.gpurm.core.gpu.windows;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds which PDH adapter instance is the GPU NVML reads, without a LUID: the one whose dedicated usage is
 * closest to NVML's used memory. The two never agree exactly (NVML's figure includes memory the driver
 * reserves), so when a second adapter is nearly as close, as when the NVIDIA GPU and an integrated one both
 * hold almost nothing, there is no answer rather than a guess.
 */
public final class AdapterMatch {

    /** The closest adapter must be at least this much closer than the next one. */
    public static final long AMBIGUITY_MARGIN_MB = 256;

    private AdapterMatch() {
    }

    /**
     * @param dedicatedMbByInstance every adapter instance with its dedicated usage in MiB
     * @param nvmlUsedMb            the managed GPU's used memory as NVML reports it
     * @return the instance, or empty when there is none or the choice is ambiguous
     */
    public static Optional<String> closestToNvmlUsed(Map<String, Long> dedicatedMbByInstance, long nvmlUsedMb) {
        List<Map.Entry<String, Long>> byDistance = dedicatedMbByInstance.entrySet().stream()
                .sorted(Comparator.<Map.Entry<String, Long>>comparingLong(e -> Math.abs(e.getValue() - nvmlUsedMb))
                        .thenComparing(Map.Entry::getKey))
                .toList();
        if (byDistance.isEmpty()) {
            return Optional.empty();
        }
        long best = Math.abs(byDistance.get(0).getValue() - nvmlUsedMb);
        if (byDistance.size() > 1 && Math.abs(byDistance.get(1).getValue() - nvmlUsedMb) - best < AMBIGUITY_MARGIN_MB) {
            return Optional.empty();
        }
        return Optional.of(byDistance.get(0).getKey());
    }
}
