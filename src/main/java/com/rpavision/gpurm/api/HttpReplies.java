package com.rpavision.gpurm.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;

/**
 * The JSON answers both loopback servers give: a body, or {@code {"error": "..."}}; never cached. Also the one
 * bounded read of a request body that both use.
 */
final class HttpReplies {

    private static final ObjectMapper JSON = new ObjectMapper();

    private HttpReplies() {
    }

    static void json(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** A scrape in Prometheus' text format 0.0.4. */
    static void metrics(HttpExchange exchange, String text) throws IOException {
        byte[] bytes = text.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    static void error(HttpExchange exchange, int status, String message) throws IOException {
        json(exchange, status, Map.of("error", message));
    }

    /** The request body, read to at most {@code max} bytes; null when it was larger (413, already answered). */
    static byte[] bodyUpTo(HttpExchange exchange, int max) throws IOException {
        byte[] bytes;
        try (InputStream in = exchange.getRequestBody()) {
            bytes = in.readNBytes(max + 1);
        }
        if (bytes.length > max) {
            String limit = max % (1 << 20) == 0 ? (max >> 20) + " MB" : max + " bytes";
            error(exchange, 413, "the body is larger than " + limit);
            return null;
        }
        return bytes;
    }
}
