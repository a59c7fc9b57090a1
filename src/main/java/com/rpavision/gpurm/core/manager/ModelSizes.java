package com.rpavision.gpurm.core.manager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rpavision.gpurm.core.config.AtomicFiles;
import com.rpavision.gpurm.core.ollama.ModelNames;
import com.rpavision.gpurm.core.storage.StorageHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The VRAM Ollama reported for each model the last time it was loaded here ({@code size_vram} of
 * {@code /api/ps}), kept in a small JSON file so the estimate survives a restart. Without a file (tests, demo)
 * it lives in memory. An unreadable file is ignored: the next load writes a good one.
 */
public final class ModelSizes {

    private static final Logger LOG = LoggerFactory.getLogger(ModelSizes.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final StorageHealth storage;
    private final Map<String, Long> sizes = new ConcurrentHashMap<>();
    /** The last write failed: the next size heard is written even if it did not change. */
    private volatile boolean unsaved;

    private ModelSizes(Path file, StorageHealth storage) {
        this.file = file;
        this.storage = storage;
    }

    public static ModelSizes inMemory() {
        return new ModelSizes(null, null);
    }

    public static ModelSizes persistedIn(Path file) {
        return persistedIn(file, new StorageHealth(java.time.Clock.systemUTC()));
    }

    /** @param storage told how each write of {@code file} went */
    public static ModelSizes persistedIn(Path file, StorageHealth storage) {
        ModelSizes store = new ModelSizes(file, storage);
        try {
            JsonNode root = JSON.readTree(Files.readAllBytes(file));
            root.fields().forEachRemaining(e -> {
                if (e.getValue().canConvertToLong() && e.getValue().asLong() > 0) {
                    store.sizes.put(e.getKey(), e.getValue().asLong());
                }
            });
        } catch (NoSuchFileException e) {
            // nothing loaded here yet
        } catch (IOException | RuntimeException e) {
            LOG.warn("Ignoring the remembered model sizes in {}: {}", file, e.getMessage());
        }
        return store;
    }

    private synchronized void save() {
        ObjectNode root = JSON.createObjectNode();
        sizes.forEach(root::put);
        try {
            byte[] json = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
            storage.write(file, () -> AtomicFiles.write(file, json));
            unsaved = false;
        } catch (IOException e) {
            unsaved = true;
            LOG.warn("Could not remember model sizes in {}: {}", file, e.getMessage());
        }
    }

    public OptionalLong vramMb(String model) {
        Long mb = sizes.get(ModelNames.normalize(model));
        return mb == null ? OptionalLong.empty() : OptionalLong.of(mb);
    }

    public void remember(String model, long vramMb) {
        if (vramMb <= 0 || Long.valueOf(vramMb).equals(sizes.put(ModelNames.normalize(model), vramMb)) && !unsaved) {
            return;
        }
        if (file != null) {
            save();
        }
    }
}
