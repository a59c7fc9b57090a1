package com.rpavision.gpurm.api;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.List;

/**
 * Ollama's answers on an upstream channel, as Netty's client decoder reads them (a HEAD's answer, and a CONNECT's
 * 200, have no body), with one mode more: once the head of a chunked answer has been read, the exchange may ask
 * for its body as it came ({@link #passChunksAsTheyCame()}). Each read then gives one {@link Chunks} of the
 * chunk-framed bytes, a slice of the read buffer, no copy, where the decoder would make an object per chunk (and
 * the client's encoder three buffers more), then the {@link LastHttpContent} when the body has ended.
 */
final class AnswerDecoder extends HttpResponseDecoder {

    /** Chunks (size lines, data, CRLFs) exactly as Ollama framed them, for a client that is answered chunked. */
    static final class Chunks extends DefaultHttpContent {
        Chunks(ByteBuf framed) {
            super(framed);
        }
    }

    private HttpMethod asked;
    private boolean chunkedBodyNext;
    private ChunkedFraming passing;

    AnswerDecoder(HttpDecoderConfig config) {
        super(config);
    }

    /** The request the next answer is for (one at a time: the proxy does not pipeline to Ollama). */
    void asked(HttpMethod method) {
        asked = method;
        chunkedBodyNext = false;
        if (passing != null) {
            passing = null;
            reset();
        }
    }

    /**
     * Asks for the body of the answer whose head was just read as chunk-framed bytes; false when that answer has
     * no chunked body (then its pieces come decoded, as ever).
     */
    boolean passChunksAsTheyCame() {
        if (!chunkedBodyNext) {
            return false;
        }
        chunkedBodyNext = false;
        passing = new ChunkedFraming();
        return true;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf buffer, List<Object> out) throws Exception {
        if (passing == null) {
            int before = out.size();
            super.decode(ctx, buffer, out);
            if (out.size() > before && out.get(out.size() - 1) instanceof HttpResponse head) {
                chunkedBodyNext = head.status().codeClass() != HttpStatusClass.INFORMATIONAL
                        && HttpUtil.isTransferEncodingChunked(head) && head.decoderResult().isSuccess();
            }
            return;
        }
        ChunkedFraming.Step step = passing.scan(buffer);
        if (step.pass() > 0) {
            out.add(new Chunks(buffer.retainedSlice(buffer.readerIndex(), step.pass())));
        }
        buffer.skipBytes(step.consumed());
        if (step.done()) {
            passing = null;
            reset(); // the next answer's head, on a kept-alive channel, is read by Netty's decoder again
            out.add(LastHttpContent.EMPTY_LAST_CONTENT);
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
        if (passing == null) {
            super.decodeLast(ctx, in, out);
        } else if (in.isReadable()) {
            decode(ctx, in, out); // closed before the last chunk: what came passes, the end never does
        }
    }

    @Override
    protected boolean isContentAlwaysEmpty(HttpMessage message) {
        HttpResponse response = (HttpResponse) message;
        if (response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
            if (HttpMethod.HEAD.equals(asked)) {
                return true;
            }
            if (HttpMethod.CONNECT.equals(asked) && response.status().code() == 200) {
                return true;
            }
        }
        return super.isContentAlwaysEmpty(message);
    }
}
