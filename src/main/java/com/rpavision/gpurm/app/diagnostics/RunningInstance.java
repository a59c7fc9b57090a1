package com.rpavision.gpurm.app.diagnostics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The status and last events of the manager running on this machine, asked over its control API with the
 * token from api.json (loopback, two seconds at most): what a command-line export adds when the app runs.
 */
final class RunningInstance {

    /** The API's own JSON answers, as they came. */
    record Snapshot(byte[] status, byte[] events) {
    }

    private static final int TIMEOUT_MS = 2_000;

    private RunningInstance() {
    }

    static Optional<Snapshot> ask(Path apiInfoFile) {
        try {
            JsonNode info = new ObjectMapper().readTree(Files.readAllBytes(apiInfoFile));
            String base = info.path("base_url").asText("");
            String token = info.path("token").asText("");
            if (!base.startsWith("http://127.0.0.1:") || token.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new Snapshot(get(base + "/api/v1/status", token), get(base + "/api/v1/events/recent", token)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // not running, or not answering: the export says so
        }
    }

    private static byte[] get(String url, String token) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
        connection.setConnectTimeout(TIMEOUT_MS);
        connection.setReadTimeout(TIMEOUT_MS);
        connection.setRequestProperty("Authorization", "Bearer " + token);
        try {
            if (connection.getResponseCode() != 200) {
                throw new IOException(url + " answered " + connection.getResponseCode());
            }
            try (InputStream in = connection.getInputStream()) {
                return in.readNBytes(16 * 1024 * 1024);
            }
        } finally {
            connection.disconnect();
        }
    }
}
