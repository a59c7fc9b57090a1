package com.rpavision.gpurm.simulator;

import com.rpavision.gpurm.core.ollama.ModelNames;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The simulated Ollama's models on disk, and those its registry offers to {@code ollama pull}. Thread-safe. */
final class ModelCatalogue {

    /** What a model takes: in VRAM once loaded, on disk as a file. */
    record Model(long vramMb, long fileMb, String family) {

        /** Its file is about 70 % of what it takes in VRAM (the weights without the KV cache). */
        static Model ofVram(long vramMb) {
            return new Model(vramMb, vramMb * 70 / 100, "qwen3vl");
        }
    }

    private final Map<String, Model> installed = new LinkedHashMap<>();
    /** Not installed until pulled. */
    private final Map<String, Model> registry = new LinkedHashMap<>();

    synchronized void install(String model, Model sizes) {
        installed.put(ModelNames.normalize(model), sizes);
    }

    synchronized void offer(String model, Model sizes) {
        registry.put(ModelNames.normalize(model), sizes);
    }

    /** The size of the file a pull downloads, or -1 when the registry has no such model. */
    synchronized long pullableFileMb(String model) {
        Model offered = registry.get(ModelNames.normalize(model));
        return offered == null ? -1 : offered.fileMb();
    }

    /** A pull done: the registry's model is installed. */
    synchronized boolean completePull(String model) {
        Model offered = registry.get(ModelNames.normalize(model));
        if (offered == null) {
            return false;
        }
        installed.put(ModelNames.normalize(model), offered);
        return true;
    }

    /** The installed model, or null. */
    synchronized Model installed(String model) {
        return installed.get(ModelNames.normalize(model));
    }

    synchronized Map<String, Long> installedFileMb() {
        Map<String, Long> files = new LinkedHashMap<>();
        installed.forEach((name, m) -> files.put(name, m.fileMb()));
        return files;
    }

    synchronized Optional<String> family(String model) {
        return Optional.ofNullable(installed(model)).map(Model::family);
    }
}
