package com.rpavision.gpurm.api.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DateFormatter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayDeque;
import java.util.Date;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;

/**
 * One connection to an {@link ApiService} listener, the last handler of its pipeline: admits each request on the
 * event loop when its head arrives, reads its body to the admitted limit (413 and close beyond it), runs the
 * service on its executor and writes the answer back on the loop. One request at a time: one pipelined behind it
 * waits, reading paused, so answers leave in order and what waits is bounded.
 */
public final class ApiConnection extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ApiConnection.class);
    /** What a refused request may still send before the connection is closed instead of drained. */
    private static final int MAX_DISCARD = 64 * 1024;

    private enum State { HEAD, BODY, DISCARD, ANSWERING, CLOSING }

    private final ApiService service;
    private final Executor executor;
    private final ArrayDeque<HttpObject> pipelined = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private State state = State.HEAD;
    private HttpRequest head;
    private URI uri;
    private boolean keepAlive;
    private int limit;
    private int discarded;
    private ApiReply refusal;
    private ByteArrayOutputStream body;
    private StreamSink stream;

    public ApiConnection(ApiService service, Executor executor) {
        this.service = service;
        this.executor = executor;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.CLOSING || stream != null) {
            ReferenceCountUtil.release(msg); // an event stream takes no further request
        } else if (state == State.ANSWERING) {
            pipelined.add((HttpObject) msg);
            ctx.channel().config().setAutoRead(false);
        } else {
            take((HttpObject) msg);
        }
    }

    private void take(HttpObject msg) {
        try {
            if (msg instanceof HttpRequest request) {
                begin(request);
            }
            if (msg instanceof HttpContent content) {
                content(content);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    private void begin(HttpRequest request) {
        head = request;
        keepAlive = HttpUtil.isKeepAlive(request);
        body = null;
        discarded = 0;
        try {
            uri = new URI(request.uri());
        } catch (URISyntaxException e) {
            uri = null;
        }
        if (uri == null || uri.getPath() == null) { // unparsable, or opaque ("mailto:x"): no path to route
            refuse(ApiReply.error(400, "malformed request target: send an absolute path such as /api/v1/status"));
            return;
        }
        ApiService.Admission admission;
        try {
            admission = service.admit(request.method().name(), uri, request.headers());
        } catch (RuntimeException e) {
            LOG.warn("Admitting {} {} failed", request.method(), uri.getPath(), e);
            admission = ApiService.Admission.refuse(ApiReply.error(500, "the request could not be admitted: " + e));
        }
        if (admission.refusal() != null) {
            refuse(admission.refusal());
            return;
        }
        limit = admission.bodyLimit();
        long declared = HttpUtil.getContentLength(request, -1L);
        if (declared > limit) {
            tooLarge();
            return;
        }
        body = new ByteArrayOutputStream((int) Math.max(0, Math.min(declared, limit)));
        state = State.BODY;
    }

    /** Answered when the rest of the request (if any) has been read and dropped. */
    private void refuse(ApiReply reply) {
        refusal = reply;
        state = State.DISCARD;
    }

    private void content(HttpContent content) {
        ByteBuf bytes = content.content();
        if (state == State.DISCARD) {
            discarded += bytes.readableBytes();
            if (discarded > MAX_DISCARD) {
                keepAlive = false;
                answer(refusal, true);
            } else if (content instanceof LastHttpContent) {
                answer(refusal, false);
            }
            return;
        }
        if (state != State.BODY) {
            return;
        }
        if (body.size() + bytes.readableBytes() > limit) {
            tooLarge();
            return;
        }
        byte[] piece = new byte[bytes.readableBytes()];
        bytes.readBytes(piece);
        body.writeBytes(piece);
        if (content instanceof LastHttpContent) {
            dispatch(new ApiRequest(head.method().name(), uri, head.headers(), body.toByteArray()));
        }
    }

    private void tooLarge() {
        keepAlive = false;
        String max = limit % (1 << 20) == 0 ? (limit >> 20) + " MB" : limit + " bytes";
        answer(ApiReply.error(413, "the body is larger than " + max), true);
    }

    private void dispatch(ApiRequest request) {
        state = State.ANSWERING;
        body = null;
        ctx.channel().config().setAutoRead(false);
        var loop = ctx.channel().eventLoop();
        if (service.answersAtOnce(request)) {
            answer(handled(request), false);
            return;
        }
        try {
            executor.execute(() -> {
                ApiReply answer = handled(request);
                loop.execute(() -> answer(answer, false));
            });
        } catch (RejectedExecutionException e) {
            answer(ApiReply.error(503, "too many requests under way; try again shortly"), false);
        }
    }

    private ApiReply handled(ApiRequest request) {
        try {
            return service.handle(request);
        } catch (Exception | Error e) {
            LOG.warn("{} {} failed: {}", request.method(), request.path(), e.toString(), e);
            return ApiReply.error(500, "the request failed: " + e.getMessage());
        }
    }

    /** @param unread part of the request is still on its way: close so that it is never taken for a request */
    private void answer(ApiReply reply, boolean unread) {
        if (state == State.CLOSING || !ctx.channel().isActive()) {
            state = State.CLOSING;
            if (reply.stream() != null) { // its source counts it: it must hear that it ended before it began
                StreamSink gone = new StreamSink(ctx, last -> { });
                gone.clientGone();
                reply.stream().accept(gone);
            }
            return;
        }
        boolean close = unread || !keepAlive;
        HttpResponseStatus status = HttpResponseStatus.valueOf(reply.status());
        if (reply.stream() != null && !unread) { // HTTP/1.0: streamed, closed at its end
            HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
            headers(response.headers(), reply).set("Transfer-Encoding", HttpHeaderValues.CHUNKED);
            ctx.writeAndFlush(response);
            state = State.ANSWERING;
            stream = new StreamSink(ctx, this::streamEnded);
            ctx.channel().config().setAutoRead(true); // to see the client go; what it sends is dropped
            reply.stream().accept(stream);
            return;
        }
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                Unpooled.wrappedBuffer(reply.body()));
        headers(response.headers(), reply).setInt("Content-Length", reply.body().length);
        if (close) {
            response.headers().set("Connection", HttpHeaderValues.CLOSE);
        }
        ChannelFuture written = ctx.writeAndFlush(response);
        if (close) {
            closing();
            if (unread) {
                LingeringClose.after(written);
            } else {
                written.addListener(ChannelFutureListener.CLOSE);
            }
            return;
        }
        next();
    }

    private static HttpHeaders headers(HttpHeaders headers, ApiReply reply) {
        reply.headers().forEach(headers::set);
        return headers.set("Date", DateFormatter.format(new Date())); // the names as the JDK server wrote them
    }

    /** The answer is out: the next request, pipelined or still to come. */
    private void next() {
        state = State.HEAD;
        while (state == State.HEAD || state == State.BODY || state == State.DISCARD) {
            HttpObject msg = pipelined.poll();
            if (msg == null) {
                ctx.channel().config().setAutoRead(true);
                return;
            }
            take(msg);
        }
    }

    private void streamEnded(ChannelFuture lastWrite) {
        stream = null;
        if (!keepAlive || !ctx.channel().isActive()) {
            closing();
            lastWrite.addListener(ChannelFutureListener.CLOSE);
            return;
        }
        next();
    }

    private void closing() {
        state = State.CLOSING;
        pipelined.forEach(ReferenceCountUtil::release);
        pipelined.clear();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (stream != null) {
            stream.flush();
        }
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        closing();
        if (stream != null) {
            stream.clientGone();
            stream = null;
        }
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("API connection failed: {}", cause.toString());
        ctx.close();
    }
}
