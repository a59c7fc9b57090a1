package com.rpavision.gpurm.simulator;

import java.nio.charset.StandardCharsets;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;
import java.util.function.IntFunction;

/**
 * What the simulated Ollama answers, as its Go server frames it: a whole body with its Content-Length, or, when
 * {@code streamed}, one chunk per piece (NDJSON or SSE). {@link #ABORT}: the connection closes without an answer
 * (Ollama went away mid-request).
 */
public record Answer(int status, String contentType, List<byte[]> pieces, boolean streamed) {

    public static final Answer ABORT = new Answer(0, "", List.of(), false);

    public Answer {
        pieces = pieces instanceof Generated ? pieces : List.copyOf(pieces);
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

    /**
     * A stream whose pieces are made as they are written, as Ollama sends each token once it has it: the first byte
     * of a long answer does not wait for the last piece to be made.
     */
    public static Answer generated(String contentType, int count, IntFunction<String> piece) {
        return new Answer(200, contentType, new Generated(count, piece), true);
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

    private static final class Generated extends AbstractList<byte[]> implements RandomAccess {
        private final int count;
        private final IntFunction<String> piece;

        Generated(int count, IntFunction<String> piece) {
            this.count = count;
            this.piece = piece;
        }

        @Override
        public byte[] get(int index) {
            if (index < 0 || index >= count) {
                throw new IndexOutOfBoundsException(index);
            }
            return piece.apply(index).getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public int size() {
            return count;
        }
    }
}
