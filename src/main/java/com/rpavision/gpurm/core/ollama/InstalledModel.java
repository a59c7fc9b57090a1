package com.rpavision.gpurm.core.ollama;

/** One entry of {@code GET /api/tags}: a pulled model and the size of its files (not its VRAM). */
public record InstalledModel(String name, long sizeBytes) {

    public long sizeMb() {
        return sizeBytes / (1024 * 1024);
    }

    public boolean is(String model) {
        return ModelNames.same(name, model);
    }
}
