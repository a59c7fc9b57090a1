package com.rpavision.gpurm.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.CorruptedFrameException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The end of a chunked body found in its bytes as they come, the chunks passed as they came. */
class ChunkedFramingTest {

    private static final String CHUNKS = "11\r\n{\"response\":\"a\"}\n\r\n" + "e;name=value\r\n{\"done\":true}\n\r\n";
    private static final String BODY = CHUNKS + "0\r\nX-Trailer: dropped\r\n\r\n";

    /** Feeds {@code reads} in turn as a decoder would (unconsumed bytes wait for the next); what passed, and whether done. */
    private static String feed(ChunkedFraming framing, String... reads) {
        ByteBuf cumulation = Unpooled.buffer();
        ByteArrayOutputStream passed = new ByteArrayOutputStream();
        for (String read : reads) {
            cumulation.writeBytes(read.getBytes(StandardCharsets.ISO_8859_1));
            ChunkedFraming.Step step = framing.scan(cumulation);
            assertThat(step.consumed()).isGreaterThanOrEqualTo(step.pass());
            byte[] pass = new byte[step.pass()];
            cumulation.getBytes(cumulation.readerIndex(), pass);
            passed.writeBytes(pass);
            cumulation.skipBytes(step.consumed());
        }
        if (framing.done()) {
            assertThat(cumulation.isReadable()).as("bytes left after the body").isFalse();
        }
        return passed.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void theChunksPassAsTheyCameAndTheLastChunkAndTrailersDoNot() {
        ChunkedFraming framing = new ChunkedFraming();
        assertThat(feed(framing, BODY)).isEqualTo(CHUNKS);
        assertThat(framing.done()).isTrue();
    }

    @Test
    void theSameBytesPassWhereverTheReadsSplitThem() {
        for (int cut = 0; cut <= BODY.length(); cut++) {
            for (int second = cut; second <= BODY.length(); second += 7) {
                ChunkedFraming framing = new ChunkedFraming();
                String passed = feed(framing, BODY.substring(0, cut), BODY.substring(cut, second), BODY.substring(second));
                assertThat(passed).as("split at %d and %d", cut, second).isEqualTo(CHUNKS);
                assertThat(framing.done()).isTrue();
            }
        }
    }

    @Test
    void aSizeLineSplitAcrossReadsWaitsForItsEnd() {
        String first = "11\r\n{\"response\":\"a\"}\n\r\n";
        ChunkedFraming framing = new ChunkedFraming();
        assertThat(feed(framing, first + "1")).as("the 1 waits: it may begin 10, or be 1").isEqualTo(first);
        ChunkedFraming again = new ChunkedFraming();
        assertThat(feed(again, first + "1", "0\r\n")).as("0x10, not the last chunk").isEqualTo(first + "10\r\n");
        assertThat(again.done()).isFalse();
    }

    @Test
    void aBodyWithoutItsLastChunkIsNotDone() {
        ChunkedFraming framing = new ChunkedFraming();
        assertThat(feed(framing, CHUNKS, "0\r\n")).isEqualTo(CHUNKS);
        assertThat(framing.done()).isFalse();
        feed(framing, "\r\n");
        assertThat(framing.done()).isTrue();
    }

    @Test
    void malformedFramingIsRefusedNotPassed() {
        for (String bad : new String[]{"zz\r\nab\r\n", "-1\r\n", "\r\n", "2\nab\r\n", "2\r\nabXY", "2 x\r\nab\r\n",
                "10000000000000000\r\n", "1" + "0".repeat(ChunkedFraming.MAX_LINE) + "\r\n"}) {
            ByteBuf in = Unpooled.copiedBuffer(bad, StandardCharsets.ISO_8859_1);
            assertThatThrownBy(() -> new ChunkedFraming().scan(in)).as(bad).isInstanceOf(CorruptedFrameException.class);
        }
    }

    @Test
    void endlessTrailersAreRefused() {
        ByteBuf in = Unpooled.copiedBuffer("0\r\nX: " + "y".repeat(ChunkedFraming.MAX_TRAILERS), StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> new ChunkedFraming().scan(in)).isInstanceOf(CorruptedFrameException.class);
    }
}
