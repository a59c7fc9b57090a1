package com.rpavision.gpurm.api.http;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpRequestDecoder;

/**
 * Netty's request decoder with the listener's limits, strict line endings, no duplicate Content-Length, and a
 * request carrying both Content-Length and Transfer-Encoding refused (Netty's default drops the Content-Length and
 * reads on; RFC 9112 §6.3 asks the connection to close, and such a request is how requests are smuggled). A
 * refusal here is a decoder failure: {@link StrictRequests} answers it and closes, and the decoder discards every
 * later byte, so a request pipelined behind it never runs.
 */
final class StrictRequestDecoder extends HttpRequestDecoder {

    /** The largest piece of a body handed on at once. */
    static final int MAX_CHUNK = 64 * 1024;

    /** Content-Length and Transfer-Encoding on one request. */
    static final class ConflictingFraming extends IllegalArgumentException {
        ConflictingFraming() {
            super("Content-Length and Transfer-Encoding together are not allowed");
        }
    }

    StrictRequestDecoder(HttpLimits limits) {
        super(new HttpDecoderConfig()
                .setMaxInitialLineLength(limits.maxRequestLine())
                .setMaxHeaderSize(limits.maxHeaderBytes())
                .setMaxChunkSize(MAX_CHUNK)
                .setAllowDuplicateContentLengths(false)
                .setStrictLineParsing(true));
    }

    @Override
    protected void handleTransferEncodingChunkedWithContentLength(HttpMessage message) {
        throw new ConflictingFraming();
    }
}
