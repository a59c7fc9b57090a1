package com.rpavision.gpurm.api;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.CorruptedFrameException;

/**
 * Where a chunked body (RFC 9112 §7.1) ends, found in its bytes as they arrive without taking it apart: the chunks
 * (size lines, data, the CRLF after each) pass on as they came, the last chunk and any trailers are read and
 * dropped (the next hop writes its own last chunk). A size line is only taken whole, so one split across two
 * reads waits for the rest; data may pass in any pieces. Strict about what it passes: hex sizes, CRLF line ends.
 */
final class ChunkedFraming {

    /** A chunk-size line with its extensions, at the most. */
    static final int MAX_LINE = 4096;
    /** The trailer section, at the most. */
    static final int MAX_TRAILERS = 64 * 1024;
    private static final int MAX_HEX_DIGITS = 15; // a size that fits a long

    private enum State { SIZE, DATA, DATA_CR, DATA_LF, TRAILERS, DONE }

    /**
     * What one look found, counted from the reader index: the first {@code pass} bytes are chunks to send on as
     * they are, the first {@code consumed} (never fewer) were read; {@code done}: the body has ended.
     */
    record Step(int pass, int consumed, boolean done) {
    }

    private State state = State.SIZE;
    private long remaining;
    private int trailerBytes;

    boolean done() {
        return state == State.DONE;
    }

    /** Looks at {@code in}'s readable bytes without moving its indices. */
    Step scan(ByteBuf in) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        int pos = start;
        int pass = -1; // set where the last chunk begins
        scanning:
        while (pos < end && state != State.DONE) {
            switch (state) {
                case DATA -> {
                    int take = (int) Math.min(remaining, end - pos);
                    pos += take;
                    remaining -= take;
                    if (remaining == 0) {
                        state = State.DATA_CR;
                    }
                }
                case DATA_CR -> {
                    expect(in.getByte(pos++), '\r');
                    state = State.DATA_LF;
                }
                case DATA_LF -> {
                    expect(in.getByte(pos++), '\n');
                    state = State.SIZE;
                }
                case SIZE -> {
                    int lf = in.indexOf(pos, Math.min(end, pos + MAX_LINE), (byte) '\n');
                    if (lf < 0) {
                        if (end - pos >= MAX_LINE) {
                            throw new CorruptedFrameException("a chunk-size line longer than " + MAX_LINE + " bytes");
                        }
                        break scanning; // the rest of the line comes in a later read
                    }
                    long size = size(in, pos, lf);
                    if (size == 0) {
                        pass = pos - start;
                        state = State.TRAILERS;
                        trailerBytes = 0;
                    } else {
                        remaining = size;
                        state = State.DATA;
                    }
                    pos = lf + 1;
                }
                case TRAILERS -> {
                    int lf = in.indexOf(pos, end, (byte) '\n');
                    int length = (lf < 0 ? end : lf + 1) - pos;
                    if (trailerBytes + length > MAX_TRAILERS) {
                        throw new CorruptedFrameException("trailers larger than " + MAX_TRAILERS + " bytes");
                    }
                    if (lf < 0) {
                        break scanning;
                    }
                    trailerBytes += length;
                    boolean empty = lf == pos || (lf == pos + 1 && in.getByte(pos) == '\r');
                    pos = lf + 1;
                    if (empty) {
                        state = State.DONE;
                    }
                }
                default -> throw new IllegalStateException(state.name());
            }
        }
        int consumed = pos - start;
        if (pass < 0) {
            pass = state == State.TRAILERS || state == State.DONE ? 0 : consumed;
        }
        return new Step(pass, consumed, state == State.DONE);
    }

    /** The size on the line [from, lf): hex digits, then nothing or extensions; the line ends in CRLF. */
    private static long size(ByteBuf in, int from, int lf) {
        if (lf == from || in.getByte(lf - 1) != '\r') {
            throw new CorruptedFrameException("a chunk-size line that does not end in CRLF");
        }
        long size = 0;
        int digits = 0;
        int i = from;
        for (; i < lf - 1; i++) {
            int digit = Character.digit(in.getByte(i), 16);
            if (digit < 0) {
                break;
            }
            if (++digits > MAX_HEX_DIGITS) {
                throw new CorruptedFrameException("a chunk size too large");
            }
            size = size << 4 | digit;
        }
        while (i < lf - 1 && (in.getByte(i) == ' ' || in.getByte(i) == '\t')) {
            i++; // BWS before an extension
        }
        if (digits == 0 || (i < lf - 1 && in.getByte(i) != ';')) {
            throw new CorruptedFrameException("a bad chunk size");
        }
        for (int j = i; j < lf - 1; j++) {
            byte b = in.getByte(j);
            if (b == '\r' || b == '\n' || b == 0) {
                throw new CorruptedFrameException("a control character in a chunk extension");
            }
        }
        return size;
    }

    private static void expect(byte actual, char wanted) {
        if (actual != wanted) {
            throw new CorruptedFrameException("chunk data not followed by CRLF");
        }
    }
}
