package com.rpavision.gpurm.core.ollama;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The head of one HTTP/1.1 answer from Ollama (1xx interim answers skipped), with header names as Ollama wrote
 * them, and the copying of its body in its framing: Content-Length, chunked (decoded: the proxy frames its own
 * chunks), or until the connection closes. A piece is flushed on as soon as nothing more is waiting to be read,
 * so a streamed token goes out at once and the last piece of an answer goes out with its end.
 */
record UpstreamAnswer(int status, Map<String, List<String>> headers, long length, boolean chunked, boolean persistent) {

    static UpstreamAnswer read(InputStream in, int maxHead, Set<String> notPassed) throws IOException {
        while (true) {
            String statusLine = HttpLines.readLine(in, maxHead);
            if (statusLine == null) {
                throw new EOFException("Ollama closed the connection without an answer");
            }
            String[] parts = statusLine.split(" ", 3);
            int status;
            try {
                status = parts.length >= 2 && parts[0].startsWith("HTTP/1.") ? Integer.parseInt(parts[1]) : -1;
            } catch (NumberFormatException e) {
                status = -1;
            }
            if (status < 100) {
                throw new IOException("not an HTTP answer: " + statusLine);
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            long[] length = {-1};
            boolean[] chunked = {false};
            boolean[] close = {parts[0].equals("HTTP/1.0")};
            boolean ok = HttpLines.readFields(in, maxHead, (name, value) -> {
                String lower = name.toLowerCase(Locale.ROOT);
                switch (lower) {
                    case "content-length" -> length[0] = parseLength(value);
                    case "transfer-encoding" -> chunked[0] = value.toLowerCase(Locale.ROOT).contains("chunked");
                    case "connection" -> close[0] = close[0] ? !value.equalsIgnoreCase("keep-alive")
                            : value.equalsIgnoreCase("close");
                    default -> { }
                }
                if (!notPassed.contains(lower)) {
                    headers.computeIfAbsent(name, n -> new ArrayList<>(1)).add(value);
                }
            });
            if (!ok) {
                throw new IOException("Ollama's answer headers are malformed or too large");
            }
            if (status >= 200 || status == 101) {
                return new UpstreamAnswer(status, headers, chunked[0] ? -1 : length[0], chunked[0], !close[0]);
            }
        }
    }

    private static long parseLength(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Copies {@code length} bytes (or to the end of the stream when it is Long.MAX_VALUE). */
    static void copy(InputStream in, OutputStream out, long length, int segment) throws IOException {
        byte[] buffer = new byte[(int) Math.min(segment, Math.max(1, length))];
        long remaining = length;
        while (remaining > 0) {
            int read = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
            if (read < 0) {
                if (length == Long.MAX_VALUE) {
                    return;
                }
                throw new EOFException("Ollama's answer ended " + remaining + " bytes short of its Content-Length");
            }
            out.write(buffer, 0, read);
            remaining -= read;
            if (remaining > 0 && in.available() == 0) {
                out.flush(); // Ollama paused: pass on what came
            }
        }
    }

    /** Decodes a chunked body onto {@code out}, one write per piece as it arrives. */
    static void copyChunked(InputStream in, OutputStream out, int segment) throws IOException {
        while (true) {
            String sizeLine = HttpLines.readLine(in, 1024);
            if (sizeLine == null) {
                throw new EOFException("Ollama's stream ended without its last chunk");
            }
            int semicolon = sizeLine.indexOf(';');
            long size;
            try {
                size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            } catch (NumberFormatException e) {
                throw new IOException("a malformed chunk size from Ollama: " + sizeLine);
            }
            if (size == 0) {
                HttpLines.readFields(in, 64 * 1024, (name, value) -> { }); // trailers, dropped
                return;
            }
            byte[] buffer = new byte[(int) Math.min(segment, size)];
            for (long remaining = size; remaining > 0; ) {
                int read = in.read(buffer, 0, (int) Math.min(buffer.length, remaining));
                if (read < 0) {
                    throw new EOFException("Ollama's stream ended in the middle of a chunk");
                }
                out.write(buffer, 0, read);
                remaining -= read;
            }
            if (!"".equals(HttpLines.readLine(in, 2))) {
                throw new IOException("a chunk from Ollama did not end with CRLF");
            }
            if (in.available() == 0) {
                out.flush(); // nothing more waiting: this piece goes out now (a token, a line)
            }
        }
    }
}
