package com.rpavision.gpurm.ui.prefs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rpavision.gpurm.core.config.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads and writes ui-preferences.json; anything unreadable falls back to the defaults for that value. */
public final class UiPreferencesStore {

    private static final Logger LOG = LoggerFactory.getLogger(UiPreferencesStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;

    public UiPreferencesStore(Path file) {
        this.file = file;
    }

    public UiPreferences load() {
        UiPreferences d = UiPreferences.defaults();
        try {
            JsonNode n = JSON.readTree(Files.readString(file, StandardCharsets.UTF_8));
            return new UiPreferences(
                    enumOr(UiPreferences.Theme.class, n.path("theme").asText(), d.theme()),
                    enumOr(UiPreferences.Language.class, n.path("language").asText(), d.language()),
                    n.path("window_x").asDouble(d.windowX()), n.path("window_y").asDouble(d.windowY()),
                    Math.max(400, n.path("window_width").asDouble(d.windowWidth())),
                    Math.max(300, n.path("window_height").asDouble(d.windowHeight())),
                    n.path("maximized").asBoolean(false));
        } catch (NoSuchFileException e) {
            return d;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot read {} ({}); using default window settings", file, e.getMessage());
            return d;
        }
    }

    public void save(UiPreferences p) {
        ObjectNode n = JSON.createObjectNode().put("theme", p.theme().name()).put("language", p.language().name())
                .put("window_width", p.windowWidth()).put("window_height", p.windowHeight()).put("maximized", p.maximized());
        if (p.hasPlacement()) {
            n.put("window_x", p.windowX()).put("window_y", p.windowY());
        }
        try {
            AtomicFiles.write(file, n.toPrettyString().getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            LOG.warn("Cannot save window settings to {}: {}", file, e.getMessage());
        }
    }

    private static <E extends Enum<E>> E enumOr(Class<E> type, String name, E fallback) {
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            return fallback;
        }
    }
}
