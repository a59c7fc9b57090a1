package com.rpavision.gpurm.core.ollama;

import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.Buffer;
import okio.BufferedSource;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Passes one HTTP request to Ollama and streams its answer back as it arrives (NDJSON streams line by line),
 * without buffering the response. Used by the Ollama-compatible proxy.
 */
public final class OllamaForwarder implements AutoCloseable {

    /** Where the answer goes: called once with the status and headers, then written to and flushed. */
    @FunctionalInterface
    public interface ResponseSink {
        /**
         * @param length Ollama's Content-Length (for HEAD: the size a GET would have), or -1 when it sent none
         *               (a chunked stream)
         */
        OutputStream begin(int status, Map<String, List<String>> headers, long length) throws IOException;
    }

    /**
     * Not passed on: framing and connection headers (each hop has its own), Origin (the proxy checked it).
     * A client's Accept-Encoding is passed, so OkHttp leaves a compressed answer as it is, sized as sent.
     */
    private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "keep-alive", "transfer-encoding",
            "content-length", "te", "trailer", "upgrade", "proxy-connection", "origin");

    private static final long SEGMENT = 8_192;

    private final HttpUrl endpoint;
    private final OkHttpClient client;

    /** @param idleTimeout longest silence allowed between two pieces of an answer (a cold load can be minutes) */
    public OllamaForwarder(String endpoint, Duration idleTimeout) {
        this.endpoint = HttpUrl.get(endpoint);
        this.client = new OkHttpClient.Builder()
                .connectTimeout(2, TimeUnit.SECONDS)
                .readTimeout(idleTimeout)
                .callTimeout(Duration.ZERO)
                .retryOnConnectionFailure(false) // OkHttp would replay any request; StaleConnections decides
                .socketFactory(new NoDelaySocketFactory(true))
                .eventListenerFactory(OllamaSignals.of(this.endpoint.toString()).listener(StaleConnections.EVENTS))
                .addNetworkInterceptor(StaleConnections.CHECK)
                .build();
    }

    public String endpoint() {
        return endpoint.toString();
    }

    /**
     * @param pathAndQuery the request target as the client sent it, e.g. {@code /api/chat}
     * @param body         null for a request without one
     * @throws IOException when Ollama cannot be reached or stops answering; nothing was sent to the sink if
     *                     it failed before the answer began
     */
    public void forward(String method, String pathAndQuery, Map<String, List<String>> requestHeaders, byte[] body,
                        ResponseSink sink) throws IOException {
        Headers.Builder headers = new Headers.Builder();
        requestHeaders.forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> headers.add(name, v));
            }
        });
        String type = requestHeaders.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase("Content-Type"))
                .map(e -> e.getValue().get(0)).findFirst().orElse("application/json");
        RequestBody requestBody = body == null ? null : RequestBody.create(body, MediaType.parse(type));
        if (requestBody == null && ("POST".equals(method) || "PUT".equals(method) || "PATCH".equals(method))) {
            requestBody = RequestBody.create(new byte[0], MediaType.parse(type));
        }
        HttpUrl target = endpoint.resolve(pathAndQuery.startsWith("/") ? pathAndQuery.substring(1) : pathAndQuery);
        Request.Builder request = new Request.Builder().url(target).headers(headers.build()).method(method, requestBody);
        StaleConnections.Attempt first = new StaleConnections.Attempt();
        boolean[] begun = {false};
        ResponseSink once = (status, answerHeaders, length) -> {
            begun[0] = true;
            return sink.begin(status, answerHeaders, length);
        };
        try {
            exchange(request.tag(StaleConnections.Attempt.class, first).build(), once);
        } catch (IOException e) {
            if (begun[0] || !first.mayRetry(method, e)) {
                throw e;
            }
            // After a restart every idle connection is dead: the second attempt gets a new one.
            client.connectionPool().evictAll();
            exchange(request.tag(StaleConnections.Attempt.class, new StaleConnections.Attempt()).build(), once);
        }
    }

    private void exchange(Request request, ResponseSink sink) throws IOException {
        try (Response response = client.newCall(request).execute()) {
            Map<String, List<String>> answerHeaders = new java.util.LinkedHashMap<>();
            Headers received = response.headers();
            for (int i = 0; i < received.size(); i++) { // names as Ollama wrote them (toMultimap lowercases)
                if (!HOP_BY_HOP.contains(received.name(i).toLowerCase(Locale.ROOT))) {
                    answerHeaders.computeIfAbsent(received.name(i), n -> new java.util.ArrayList<>(1)).add(received.value(i));
                }
            }
            OutputStream out = sink.begin(response.code(), answerHeaders, declaredLength(response));
            BufferedSource source = response.body().source();
            Buffer chunk = new Buffer();
            long read;
            while ((read = source.read(chunk, SEGMENT)) != -1) {
                chunk.copyTo(out, 0, read);
                chunk.clear();
                // A short read means Ollama paused (a token, a line): pass it on now. Full reads are bulk
                // data still arriving: let the stream batch them instead of flushing every segment.
                if (read < SEGMENT) {
                    out.flush();
                }
            }
            out.flush();
        }
    }

    /** The size Ollama declared; none when it streams chunked (then Content-Length, if any, is not binding). */
    private static long declaredLength(Response response) {
        String length = response.header("Content-Length");
        if (length == null || response.header("Transfer-Encoding") != null) {
            return -1;
        }
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        client.dispatcher().executorService().shutdown();
        client.connectionPool().evictAll();
    }
}
