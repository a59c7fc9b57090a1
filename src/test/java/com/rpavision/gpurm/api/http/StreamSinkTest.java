package com.rpavision.gpurm.api.http;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** A streamed answer's writes on a channel that a slow client has filled: bounded, then drained in order. */
class StreamSinkTest {

    private final EmbeddedChannel channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
    private final ChannelHandlerContext ctx = channel.pipeline().firstContext();

    private List<String> written() {
        List<String> texts = new ArrayList<>();
        for (Object msg = channel.readOutbound(); msg != null; msg = channel.readOutbound()) {
            texts.add(msg instanceof LastHttpContent ? "<end>" : ((HttpContent) msg).content().toString(StandardCharsets.UTF_8));
            ((HttpContent) msg).release();
        }
        return texts;
    }

    @Test
    void whileTheClientReadsNothingAtMostTheQueueWaitsAndTheRestIsDropped() {
        StreamSink sink = new StreamSink(ctx, last -> { });
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false); // as when the high-water mark is passed
        int accepted = 0;
        for (int i = 0; i < StreamSink.MAX_QUEUED + 500; i++) {
            accepted += sink.send("event " + i + "\n") ? 1 : 0;
        }
        channel.runPendingTasks();
        assertThat(accepted).isEqualTo(StreamSink.MAX_QUEUED);
        assertThat(written()).as("nothing written while the channel is full").isEmpty();

        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, true);
        List<String> texts = new ArrayList<>();
        for (int round = 0; round < 100 && texts.size() < StreamSink.MAX_QUEUED; round++) {
            sink.flush(); // as each time the connection becomes writable again
            List<String> once = written();
            assertThat(once.size()).as("one flush stops at the write buffer's high-water mark").isLessThan(StreamSink.MAX_QUEUED);
            texts.addAll(once);
        }
        assertThat(texts).hasSize(StreamSink.MAX_QUEUED);
        assertThat(texts.get(0)).isEqualTo("event 0\n");
        assertThat(texts.get(texts.size() - 1)).isEqualTo("event " + (StreamSink.MAX_QUEUED - 1) + "\n");
    }

    @Test
    void theEndWritesWhatIsQueuedThenTheLastChunkAndRunsTheEndActionsOnce() {
        AtomicInteger ended = new AtomicInteger();
        AtomicInteger lastWrites = new AtomicInteger();
        StreamSink sink = new StreamSink(ctx, last -> lastWrites.incrementAndGet());
        sink.onEnd(ended::incrementAndGet);
        sink.send("a");
        sink.end();
        sink.end();
        channel.runPendingTasks();
        assertThat(written()).containsExactly("a", "<end>");
        assertThat(ended).hasValue(1);
        assertThat(lastWrites).hasValue(1);
        assertThat(sink.send("late")).as("nothing after the end").isFalse();
    }

    @Test
    void aClientThatGoesEndsTheStreamForItsSource() {
        AtomicInteger ended = new AtomicInteger();
        StreamSink sink = new StreamSink(ctx, last -> { });
        sink.onEnd(ended::incrementAndGet);
        channel.runPendingTasks();
        sink.clientGone();
        assertThat(ended).hasValue(1);
        assertThat(sink.send("x")).isFalse();
    }
}
