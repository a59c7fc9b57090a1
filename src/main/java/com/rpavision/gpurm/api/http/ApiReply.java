package com.rpavision.gpurm.api.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An answer of an {@link ApiService}: a status, header fields, and a sized body, or a stream opened once the head
 * is out. JSON answers are {@code application/json; charset=utf-8} and never cached; errors are
 * {@code {"error": "..."}}.
 */
public final class ApiReply {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final int status;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final byte[] body;
    private final Consumer<EventSink> stream;

    private ApiReply(int status, byte[] body, Consumer<EventSink> stream) {
        this.status = status;
        this.body = body;
        this.stream = stream;
    }

    public static ApiReply json(int status, Object body) {
        try {
            return new ApiReply(status, JSON.writeValueAsBytes(body), null)
                    .header("Content-Type", "application/json; charset=utf-8").header("Cache-Control", "no-store");
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the answer as JSON", e);
        }
    }

    public static ApiReply error(int status, String message) {
        return json(status, Map.of("error", message));
    }

    public static ApiReply text(int status, String contentType, String text) {
        return new ApiReply(status, text.getBytes(StandardCharsets.UTF_8), null).header("Content-Type", contentType);
    }

    /** A 200 whose body {@code source} writes once the head is out, chunked, until it or the client ends it. */
    public static ApiReply stream(String contentType, Consumer<EventSink> source) {
        return new ApiReply(200, new byte[0], source).header("Content-Type", contentType).header("Cache-Control", "no-store");
    }

    /** Sets a header field (replacing one of the same name). */
    public ApiReply header(String name, String value) {
        headers.put(name, value);
        return this;
    }

    public int status() {
        return status;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public byte[] body() {
        return body;
    }

    /** Null unless this is a stream. */
    Consumer<EventSink> stream() {
        return stream;
    }

    /** The body as text (tests, logs). */
    public String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
