package com.rpavision.gpurm.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The upstream channel's codec: answers decoded as Netty's client codec decodes them, or chunks passed as they came. */
class UpstreamCodecTest {

    private static final String CHUNKED_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n";
    private static final String CHUNKS = "5\r\nhello\r\n6\r\n world\r\n";

    /** What the exchange would see, in words: "head 200", "chunks <bytes>", "content <bytes>", "last". */
    private final List<String> seen = new ArrayList<>();
    private final UpstreamCodec codec = new UpstreamCodec(new HttpDecoderConfig());

    private EmbeddedChannel channel(boolean passChunks) {
        return new EmbeddedChannel(codec, new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof HttpResponse head) {
                    seen.add("head " + head.status().code() + (passChunks && codec.decoder().passChunksAsTheyCame() ? " passing" : ""));
                }
                if (msg instanceof AnswerDecoder.Chunks chunks) {
                    seen.add("chunks " + chunks.content().toString(StandardCharsets.ISO_8859_1));
                } else if (msg instanceof HttpContent content && content.content().isReadable()) {
                    seen.add("content " + content.content().toString(StandardCharsets.ISO_8859_1));
                }
                if (msg instanceof LastHttpContent) {
                    seen.add("last");
                }
                ReferenceCountUtil.release(msg);
            }
        });
    }

    private static void ask(EmbeddedChannel channel, HttpMethod method) {
        channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/api/x"));
        ByteBuf sent = channel.readOutbound();
        sent.release();
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1);
    }

    @Test
    void aChunkedAnswerInOneReadPassesItsChunksAsTheyCameAndTheNextAnswerIsDecodedAgain() {
        EmbeddedChannel channel = channel(true);
        ask(channel, HttpMethod.POST);
        channel.writeInbound(bytes(CHUNKED_HEAD + CHUNKS + "0\r\n\r\n"));
        ask(channel, HttpMethod.GET);
        channel.writeInbound(bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"));
        assertThat(seen).containsExactly("head 200 passing", "chunks " + CHUNKS, "last", "head 200", "content {}", "last");
    }

    @Test
    void withoutBeingAskedTheChunksComeDecoded() {
        EmbeddedChannel channel = channel(false);
        ask(channel, HttpMethod.POST);
        channel.writeInbound(bytes(CHUNKED_HEAD + CHUNKS + "0\r\n\r\n"));
        assertThat(seen).containsExactly("head 200", "content hello", "content  world", "last");
    }

    @Test
    void anAnswerToHeadHasNoBodyWhateverItsHeadersSay() {
        EmbeddedChannel channel = channel(true);
        ask(channel, HttpMethod.HEAD);
        channel.writeInbound(bytes("HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n"));
        ask(channel, HttpMethod.GET);
        channel.writeInbound(bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"));
        assertThat(seen).containsExactly("head 200", "last", "head 200", "content {}", "last");
    }

    @Test
    void anInterimAnswerIsNotPassedAsChunks() {
        EmbeddedChannel channel = channel(true);
        ask(channel, HttpMethod.POST);
        channel.writeInbound(bytes("HTTP/1.1 100 Continue\r\n\r\n" + CHUNKED_HEAD + CHUNKS + "0\r\n\r\n"));
        assertThat(seen).containsExactly("head 100", "last", "head 200 passing", "chunks " + CHUNKS, "last");
    }

    @Test
    void aStreamCutBeforeItsLastChunkNeverEnds() {
        EmbeddedChannel channel = channel(true);
        ask(channel, HttpMethod.POST);
        channel.writeInbound(bytes(CHUNKED_HEAD + CHUNKS + "5\r\nhel"));
        channel.close();
        assertThat(seen).containsExactly("head 200 passing", "chunks " + CHUNKS + "5\r\nhel");
    }
}
