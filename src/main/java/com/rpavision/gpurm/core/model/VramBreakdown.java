package com.rpavision.gpurm.core.model;

import java.util.List;
import java.util.Objects;

/**
 * Who holds the managed GPU's memory, as nvitop shows it: the VLM and the other models per Ollama's latest
 * {@code /api/ps}, CLIP per NVML's figure for this process, everything else NVML counts as used (other programs,
 * the desktop, the driver's reserve), and what is free. MiB throughout.
 *
 * @param otherModels each other model Ollama holds, largest first
 * @param vlmFit      what a VLM load would need and could have, as the preflight counts; null when the VLM's size
 *                    is not known yet (it is learnt at its first load)
 */
public record VramBreakdown(long totalMb, long vlmMb, long clipMb, List<ModelUse> otherModels, long otherProcessesMb,
                            long freeMb, VlmFit vlmFit) {

    /**
     * Before a load, as LM Studio shows it: what the VLM took last time and what it could have now (free VRAM
     * less the safety margin, plus CLIP's share when CLIP would move to the CPU for it).
     */
    public record VlmFit(long needMb, long availableMb) {
        public boolean fits() {
            return availableMb >= needMb;
        }
    }

    public VramBreakdown(long totalMb, long vlmMb, long clipMb, List<ModelUse> otherModels, long otherProcessesMb,
                         long freeMb) {
        this(totalMb, vlmMb, clipMb, otherModels, otherProcessesMb, freeMb, null);
    }

    public VramBreakdown withFit(VlmFit fit) {
        return new VramBreakdown(totalMb, vlmMb, clipMb, otherModels, otherProcessesMb, freeMb, fit);
    }

    /** A model Ollama holds and what of it is on the GPU. */
    public record ModelUse(String name, long vramMb) {
        public ModelUse {
            Objects.requireNonNull(name, "name");
        }
    }

    public VramBreakdown {
        otherModels = List.copyOf(otherModels);
    }

    public long otherModelsMb() {
        return otherModels.stream().mapToLong(ModelUse::vramMb).sum();
    }

    /**
     * Splits NVML's used memory. Ollama's figures are its own estimates and may exceed what NVML shows while a
     * runner starts or stops: the named parts are then cut back so that they never add up to more than used.
     */
    public static VramBreakdown of(VramInfo gpu, long vlmMb, long clipMb, List<ModelUse> otherModels) {
        long used = gpu.usedMb();
        long vlm = Math.min(vlmMb, used);
        long clip = Math.min(clipMb, used - vlm);
        long room = used - vlm - clip;
        List<ModelUse> others = otherModels.stream()
                .sorted(java.util.Comparator.comparingLong(ModelUse::vramMb).reversed()).toList();
        List<ModelUse> kept = new java.util.ArrayList<>();
        for (ModelUse m : others) {
            long mb = Math.min(m.vramMb(), room);
            room -= mb;
            kept.add(new ModelUse(m.name(), mb));
        }
        return new VramBreakdown(gpu.totalMb(), vlm, clip, kept, room, gpu.freeMb());
    }
}
