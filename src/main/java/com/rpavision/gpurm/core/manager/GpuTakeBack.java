package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.GpuResourceStatus;

import java.util.List;

/** What "Free the GPU for recording" did: the models it unloaded (or failed to) and the status after. */
public record GpuTakeBack(List<OtherModelUnload> unloaded, GpuResourceStatus status) {

    public GpuTakeBack {
        unloaded = List.copyOf(unloaded);
    }

    public long vramFreedMb() {
        return unloaded.stream().filter(OtherModelUnload::ok).mapToLong(OtherModelUnload::vramFreedMb).sum();
    }
}
