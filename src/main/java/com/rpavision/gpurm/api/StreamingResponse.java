package com.rpavision.gpurm.api;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The answer to one request on a {@link StreamingHttpServer} connection: the status line and headers once, then
 * the body framed as its source framed it: with a Content-Length when the size is known (exactly that many
 * bytes, else the connection closes), otherwise as one chunk per write (or until close for HTTP/1.0). A HEAD
 * answer carries the headers a GET would have, Content-Length included, and no body.
 */
final class StreamingResponse {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> RESERVED = Set.of("connection", "transfer-encoding", "content-length", "keep-alive");

    private final OutputStream out;
    private final boolean head;
    private final boolean persistent;
    private boolean started;
    private boolean chunked;
    private boolean noBody;
    private long remaining = -1;

    StreamingResponse(OutputStream out, boolean head, boolean persistent) {
        this.out = out;
        this.head = head;
        this.persistent = persistent;
    }

    boolean started() {
        return started;
    }

    /** Starts an answer of unknown size; the body written to the returned stream goes out as it is flushed. */
    OutputStream begin(int status, Map<String, List<String>> headers) throws IOException {
        return begin(status, headers, -1);
    }

    /**
     * @param length the body's size when known (sent as Content-Length, for HEAD too: the size GET would
     *               have), else -1 (chunked, or until close)
     */
    OutputStream begin(int status, Map<String, List<String>> headers, long length) throws IOException {
        if (started) {
            throw new IllegalStateException("the answer has begun already");
        }
        started = true;
        boolean bodiless = status == 204 || status == 304 || status < 200;
        noBody = head || bodiless;
        chunked = !noBody && persistent && length < 0;
        remaining = noBody ? 0 : length;
        StringBuilder text = new StringBuilder(256).append("HTTP/1.1 ").append(status).append(' ')
                .append(reason(status)).append("\r\n");
        headers.forEach((name, values) -> {
            if (!RESERVED.contains(name.toLowerCase(Locale.ROOT))) {
                values.forEach(v -> text.append(name).append(": ").append(v).append("\r\n"));
            }
        });
        if (chunked) {
            text.append("Transfer-Encoding: chunked\r\n");
        } else if (length >= 0 && !bodiless) {
            text.append("Content-Length: ").append(length).append("\r\n");
        }
        if (!persistent) {
            text.append("Connection: close\r\n");
        }
        out.write(text.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        return new Body();
    }

    /** Writes the body in the answer's framing; close() leaves the connection to {@link #finish()}. */
    private final class Body extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            if (length == 0 || noBody) {
                return;
            }
            if (chunked) {
                out.write((Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(bytes, offset, length);
                out.write('\r');
                out.write('\n');
                return;
            }
            if (remaining >= 0) {
                if (length > remaining) {
                    throw new IOException("the body is longer than its Content-Length");
                }
                remaining -= length;
            }
            out.write(bytes, offset, length);
        }

        @Override
        public void flush() throws IOException {
            out.flush();
        }

        @Override
        public void close() {
            // finish() ends the body; the connection may carry the next request
        }
    }

    /** A complete JSON answer {@code {"error": message}}, sized, never cached. */
    void error(int status, String message) throws IOException {
        byte[] body = JSON.writeValueAsBytes(Map.of("error", message));
        OutputStream stream = begin(status, Map.of("Content-Type", List.of("application/json; charset=utf-8"),
                "Cache-Control", List.of("no-store")), body.length);
        stream.write(body);
    }

    /** Ends the answer; true when the connection is fit for another request. */
    boolean finish() throws IOException {
        if (!started) {
            error(500, "the proxy gave no answer to this request");
        }
        if (chunked) {
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        }
        out.flush();
        return persistent && remaining <= 0; // a body cut short of its Content-Length ends the connection
    }

    static void plainError(OutputStream out, int status, String message, boolean persistent) throws IOException {
        StreamingResponse response = new StreamingResponse(out, false, persistent);
        response.error(status, message);
        response.finish();
    }

    private static String reason(int status) {
        return switch (status) {
            case 100 -> "Continue";
            case 200 -> "OK";
            case 201 -> "Created";
            case 204 -> "No Content";
            case 304 -> "Not Modified";
            case 400 -> "Bad Request";
            case 403 -> "Forbidden";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 409 -> "Conflict";
            case 413 -> "Content Too Large";
            case 431 -> "Request Header Fields Too Large";
            case 500 -> "Internal Server Error";
            case 502 -> "Bad Gateway";
            case 503 -> "Service Unavailable";
            case 504 -> "Gateway Timeout";
            default -> "Status";
        };
    }
}
