package com.rpavision.gpurm.api;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.CombinedChannelDuplexHandler;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;

import java.util.List;

/**
 * The HTTP/1.1 client side of an upstream channel in place of Netty's HttpClientCodec: requests encoded as ever,
 * answers read by an {@link AnswerDecoder} that knows which request each answers (a HEAD's has no body).
 */
final class UpstreamCodec extends CombinedChannelDuplexHandler<AnswerDecoder, HttpRequestEncoder> {

    UpstreamCodec(HttpDecoderConfig config) {
        AnswerDecoder decoder = new AnswerDecoder(config);
        init(decoder, new HttpRequestEncoder() {
            @Override
            protected void encode(ChannelHandlerContext ctx, Object msg, List<Object> out) throws Exception {
                if (msg instanceof HttpRequest request) {
                    decoder.asked(request.method());
                }
                super.encode(ctx, msg, out);
            }
        });
    }

    AnswerDecoder decoder() {
        return inboundHandler();
    }
}
