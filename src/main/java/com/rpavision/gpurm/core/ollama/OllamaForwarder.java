package com.rpavision.gpurm.core.ollama;

import okhttp3.HttpUrl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Passes one HTTP request to Ollama and streams its answer back as it arrives (NDJSON streams line by line),
 * without buffering it, framed as Ollama framed it. Used by the Ollama-compatible proxy.
 *
 * <p>Its own small HTTP/1.1 client on {@link UpstreamConnections}, not OkHttp: OkHttp wakes a timeout watchdog
 * thread on every socket read and write and a pool-cleanup thread on every request, which on a busy 2-core
 * machine cost a quarter of a millisecond per request (a bare byte relay adds 0.03 ms). Here the request's
 * thread does everything; the read timeout is the socket's.
 *
 * <p>A failed request is sent again only when that is safe, as Go's HTTP transport decides: when the
 * connection could not be made (nothing was sent), or when a safe request (GET, HEAD, OPTIONS) failed on a
 * reused connection before any answer. A kept-alive connection Ollama closed (a restart) is found before a
 * byte is written to it. A request Ollama may have acted on is never replayed.
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
     * Not passed on: framing and connection headers (each hop has its own), Origin (the proxy checked it),
     * Expect (the proxy answered 100-continue and read the body already).
     */
    private static final Set<String> HOP_BY_HOP = Set.of("host", "connection", "keep-alive", "transfer-encoding",
            "content-length", "te", "trailer", "upgrade", "proxy-connection", "origin", "expect");
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");
    private static final int SEGMENT = 8_192;
    private static final int MAX_HEAD = 64 * 1024;

    private final HttpUrl endpoint;
    private final String hostHeader;
    private final UpstreamConnections connections;

    /** @param idleTimeout longest silence allowed between two pieces of an answer (a cold load can be minutes) */
    public OllamaForwarder(String endpoint, Duration idleTimeout) {
        this.endpoint = HttpUrl.get(endpoint);
        String host = this.endpoint.host().contains(":") ? "[" + this.endpoint.host() + "]" : this.endpoint.host();
        this.hostHeader = this.endpoint.port() == HttpUrl.defaultPort(this.endpoint.scheme()) ? host
                : host + ":" + this.endpoint.port();
        this.connections = new UpstreamConnections(this.endpoint.host(), this.endpoint.port(), this.endpoint.isHttps(),
                Duration.ofSeconds(2), idleTimeout);
    }

    public String endpoint() {
        return endpoint.toString();
    }

    /** How far one attempt got. */
    private static final class Attempt {
        boolean answered;
        boolean begun;
    }

    /**
     * @param pathAndQuery the request target as the client sent it, e.g. {@code /api/chat}
     * @param body         null for a request without one
     * @throws IOException when Ollama cannot be reached or stops answering; nothing was sent to the sink if
     *                     it failed before the answer began
     */
    public void forward(String method, String pathAndQuery, Map<String, List<String>> requestHeaders, byte[] body,
                        ResponseSink sink) throws IOException {
        byte[] head = head(method, pathAndQuery, requestHeaders, body);
        UpstreamConnections.Connection connection;
        try {
            connection = connections.take();
        } catch (ConnectException e) {
            connection = connections.open(); // once more: nothing was sent
        }
        Attempt attempt = new Attempt();
        try {
            exchange(connection, method, head, body, sink, attempt);
        } catch (IOException e) {
            if (attempt.begun || attempt.answered || !connection.reused() || !SAFE.contains(method)) {
                throw e;
            }
            connections.closeIdle(); // the others are likely as dead as this one
            exchange(connections.open(), method, head, body, sink, new Attempt());
        }
    }

    private byte[] head(String method, String pathAndQuery, Map<String, List<String>> requestHeaders, byte[] body) {
        HttpUrl target = endpoint.resolve(pathAndQuery.startsWith("/") ? pathAndQuery.substring(1) : pathAndQuery);
        if (target == null) {
            throw new IllegalArgumentException("not a request target: " + pathAndQuery);
        }
        StringBuilder text = new StringBuilder(512).append(method).append(' ').append(target.encodedPath());
        if (target.encodedQuery() != null) {
            text.append('?').append(target.encodedQuery());
        }
        text.append(" HTTP/1.1\r\nHost: ").append(hostHeader).append("\r\n");
        requestHeaders.forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> text.append(name).append(": ").append(v).append("\r\n"));
            }
        });
        if (body != null || "POST".equals(method) || "PUT".equals(method) || "PATCH".equals(method)) {
            text.append("Content-Length: ").append(body == null ? 0 : body.length).append("\r\n");
        }
        return text.append("\r\n").toString().getBytes(StandardCharsets.UTF_8);
    }

    private void exchange(UpstreamConnections.Connection connection, String method, byte[] head, byte[] body,
                          ResponseSink sink, Attempt attempt) throws IOException {
        boolean fit = false;
        try {
            connection.out.write(head);
            if (body != null) {
                connection.out.write(body);
            }
            connection.out.flush();
            fit = relay(connection.in, method, sink, attempt);
        } finally {
            if (fit) {
                connections.giveBack(connection);
            } else {
                connection.close();
            }
        }
    }

    /** Reads the answer and passes it on; true when the connection may carry another request. */
    private static boolean relay(InputStream in, String method, ResponseSink sink, Attempt attempt) throws IOException {
        UpstreamAnswer answer = UpstreamAnswer.read(in, MAX_HEAD, HOP_BY_HOP);
        attempt.answered = true;
        boolean bodiless = "HEAD".equals(method) || answer.status() == 204 || answer.status() == 304;
        OutputStream out = sink.begin(answer.status(), answer.headers(), answer.chunked() ? -1 : answer.length());
        attempt.begun = true;
        if (bodiless) {
            out.flush();
            return answer.persistent();
        }
        if (answer.chunked()) {
            UpstreamAnswer.copyChunked(in, out, SEGMENT);
        } else if (answer.length() >= 0) {
            UpstreamAnswer.copy(in, out, answer.length(), SEGMENT);
        } else {
            UpstreamAnswer.copy(in, out, Long.MAX_VALUE, SEGMENT); // until Ollama closes
            out.flush();
            return false;
        }
        out.flush();
        return answer.persistent();
    }

    @Override
    public void close() {
        connections.close();
    }
}
