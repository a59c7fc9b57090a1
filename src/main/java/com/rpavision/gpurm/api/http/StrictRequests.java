package com.rpavision.gpurm.api.http;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;

import java.util.List;

/**
 * The framing rules every listener enforces, right after the decoder, before any application handler sees a
 * request: a malformed request (decoder failure: two Content-Lengths, a negative or unreadable one, Content-Length
 * with Transfer-Encoding, a bad chunk size, a head too large) is answered 400/414/431, a transfer coding other than
 * plain {@code chunked} 501, two Host fields 400, more than {@link HttpLimits#maxHeaders()} fields 431, and the connection is closed:
 * after such a request the stream cannot be trusted to say where the next one begins. Also tells the
 * {@link RequestClock} when a head arrived and when its answer ended.
 */
final class StrictRequests extends ChannelDuplexHandler {

    private static final String MORE_THAN_ONE_HOST = "more than one Host header field";

    private final HttpLimits limits;
    private final RequestClock clock;
    private boolean rejected;
    private boolean answering;
    private boolean interim;

    StrictRequests(HttpLimits limits, RequestClock clock) {
        this.limits = limits;
        this.clock = clock;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (rejected) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            clock.headReceived();
            String refusal = refusal(request);
            if (refusal != null) {
                ReferenceCountUtil.release(msg);
                reject(ctx, status(request.decoderResult(), refusal), refusal);
                return;
            }
        } else if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
            ReferenceCountUtil.release(msg);
            reject(ctx, 400, "malformed chunked body: " + brief(content.decoderResult().cause()));
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** Why the request is refused, or null when it may pass. */
    private String refusal(HttpRequest request) {
        DecoderResult result = request.decoderResult();
        if (result.isFailure()) {
            Throwable cause = result.cause();
            if (cause instanceof TooLongHttpLineException) {
                return "the request line is longer than " + limits.maxRequestLine() + " bytes";
            }
            if (cause instanceof TooLongHttpHeaderException) {
                return "the request headers are larger than " + limits.maxHeaderBytes() / 1024 + " KiB";
            }
            if (unknownCoding(cause)) {
                return "Transfer-Encoding is not supported unless it is chunked: send the body chunked or with a"
                        + " Content-Length";
            }
            return "malformed request: " + brief(cause);
        }
        if (request.headers().getAll(HttpHeaderNames.HOST).size() > 1) {
            return MORE_THAN_ONE_HOST; // RFC 9112 §3.2: which one a guard reads, and which one a router, is anyone's guess
        }
        if (request.headers().size() > limits.maxHeaders()) {
            return "more than " + limits.maxHeaders() + " header fields";
        }
        List<String> codings = request.headers().getAll(HttpHeaderNames.TRANSFER_ENCODING);
        if (!codings.isEmpty() && (codings.size() > 1 || !codings.get(0).strip().equalsIgnoreCase("chunked"))) {
            return "Transfer-Encoding " + String.join(", ", codings).replaceAll("[^ -~]", "?")
                    + " is not supported: send the body chunked or with a Content-Length";
        }
        HttpVersion version = request.protocolVersion();
        if (version.majorVersion() != 1 || version.minorVersion() > 1) {
            return "only HTTP/1.0 and HTTP/1.1 are served here";
        }
        return null;
    }

    /** Netty 4.2 refuses a final coding other than chunked itself (RFC 9112 §6.3): that is a 501, not a 400. */
    private static boolean unknownCoding(Throwable cause) {
        return String.valueOf(cause.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("transfer coding");
    }

    private int status(DecoderResult result, String refusal) {
        if (result.isFailure()) {
            return result.cause() instanceof TooLongHttpLineException ? 414
                    : result.cause() instanceof TooLongHttpHeaderException ? 431 : unknownCoding(result.cause()) ? 501 : 400;
        }
        if (MORE_THAN_ONE_HOST.equals(refusal)) {
            return 400;
        }
        return refusal.startsWith("Transfer-Encoding") ? 501 : refusal.startsWith("only HTTP") ? 505 : 431;
    }

    private static String brief(Throwable cause) {
        String text = cause instanceof StrictRequestDecoder.ConflictingFraming || cause.getMessage() == null
                ? String.valueOf(cause.getMessage()) : cause.getMessage();
        text = text.replaceAll("[^ -~]", "?");
        return text.length() > 160 ? text.substring(0, 160) + "..." : text;
    }

    private void reject(ChannelHandlerContext ctx, int status, String message) {
        rejected = true;
        if (answering) {
            ctx.close(); // an answer is under way: a second one cannot follow it
        } else {
            LingeringClose.after(ctx.writeAndFlush(HttpErrors.json(status, message, true)));
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof HttpResponse response) {
            interim = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
            answering = !interim;
        }
        ctx.write(msg, promise);
        if (msg instanceof LastHttpContent && answering) {
            answering = false;
            clock.exchangeEnded();
        }
    }
}
