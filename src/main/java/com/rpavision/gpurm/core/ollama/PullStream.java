package com.rpavision.gpurm.core.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.rpavision.gpurm.core.model.PullProgress;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Folds the NDJSON lines of Ollama's pull answer into one progress: each {@code digest} line carries its layer's
 * {@code total} and {@code completed}; the sum over the layers seen is the whole. An {@code error} line ends the
 * pull as a failure, a {@code success} line as done.
 */
final class PullStream {

    private final String model;
    private final Map<String, long[]> layers = new LinkedHashMap<>();
    private String status = "";
    private boolean succeeded;

    PullStream(String model) {
        this.model = model;
    }

    /** @return the error Ollama sent on this line, if it sent one */
    Optional<String> take(JsonNode line) {
        if (line.hasNonNull("error")) {
            return Optional.of(line.get("error").asText());
        }
        status = line.path("status").asText(status);
        String digest = line.path("digest").asText("");
        if (!digest.isEmpty() && line.path("total").asLong(0) > 0) {
            layers.put(digest, new long[]{line.path("completed").asLong(0), line.path("total").asLong()});
        }
        if ("success".equals(status)) {
            succeeded = true;
        }
        return Optional.empty();
    }

    boolean succeeded() {
        return succeeded;
    }

    PullProgress progress() {
        long completed = 0;
        long total = 0;
        for (long[] layer : layers.values()) {
            completed += Math.min(layer[0], layer[1]);
            total += layer[1];
        }
        return new PullProgress(model, status, completed, total);
    }
}
