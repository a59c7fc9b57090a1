package com.rpavision.gpurm.simulator;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What the simulated Ollama answers, as its Go server frames it: a whole body with its Content-Length, or, when
 * {@code streamed}, one chunk per piece (NDJSON or SSE). {@link #ABORT}: the connection closes without an answer
 * (Ollama went away mid-request).
 */
public record Answer(int status, String contentType, List<byte[]> pieces, boolean streamed) {

    public static final Answer ABORT = new Answer(0, "", List.of(), false);

    public Answer {
        pieces = List.copyOf(pieces);
    }

    public static Answer json(int status, String body) {
        return new Answer(status, "application/json; charset=utf-8", List.of(body.getBytes(StandardCharsets.UTF_8)), false);
    }

    public static Answer text(int status, String body) {
        return new Answer(status, "text/plain; charset=utf-8", List.of(body.getBytes(StandardCharsets.UTF_8)), false);
    }

    public static Answer stream(String contentType, List<String> pieces) {
        return new Answer(200, contentType, pieces.stream().map(p -> p.getBytes(StandardCharsets.UTF_8)).toList(), true);
    }

    public boolean aborted() {
        return status == 0;
    }

    /** The whole body as text (tests, and the framing of whole answers). */
    public String body() {
        StringBuilder all = new StringBuilder();
        pieces.forEach(p -> all.append(new String(p, StandardCharsets.UTF_8)));
        return all.toString();
    }
}
