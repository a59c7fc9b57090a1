package com.rpavision.gpurm.api;

import com.rpavision.gpurm.api.http.HttpErrors;
import com.rpavision.gpurm.core.manager.VlmLease;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One proxied request and its answer, all on the client connection's event loop. The request goes upstream as it
 * arrives (head, then each body piece), except on the paths that name a model, whose JSON body is gathered (up to
 * {@link OllamaProxyServer#MAX_BODY}, and within the {@link BodyBudget} all such bodies share) so the proxy can see
 * whether it is for the VLM and splice it. The answer comes back piece by piece, flushed after each read from
 * Ollama, framed as Ollama framed it. Either side going slow pauses reading on the other (backpressure); the
 * client going away closes the upstream channel at once.
 */
final class ProxyExchange implements OllamaUpstream.Listener {

    /** Not passed on: each hop has its own framing and connection; Origin was checked; Expect is answered here. */
    private static final Set<String> REQUEST_HOP_BY_HOP = Set.of("host", "connection", "keep-alive", "transfer-encoding",
            "content-length", "te", "trailer", "upgrade", "proxy-connection", "origin", "expect");
    private static final Set<String> RESPONSE_HOP_BY_HOP = Set.of("connection", "keep-alive", "transfer-encoding",
            "content-length", "te", "trailer", "upgrade", "proxy-connection");
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");
    private static final Set<String> BODY_METHODS = Set.of("POST", "PUT", "PATCH");

    private final ProxyConnection connection;
    private final ChannelHandlerContext ctx;
    private final OllamaProxyServer proxy;
    private final HttpRequest request;
    private final String method;
    private final boolean head;
    private final boolean keepAlive;
    private final ArrayDeque<HttpContent> early = new ArrayDeque<>();
    private String target;
    private String path;
    private CompositeByteBuf gathered;
    /** Bytes of the gathered body taken from the proxy's {@link BodyBudget}, given back when the exchange ends. */
    private long budgeted;
    private ByteBuf whole;
    private long streamed;
    private boolean requestDone;
    private boolean requestSent;
    private Channel upstream;
    private boolean reused;
    private boolean retried;
    private HttpResponse answer;
    private boolean interim;
    private boolean bodyless;
    private boolean answering;
    private boolean answered;
    private boolean discarding;
    private boolean closeAfter;
    private boolean closeDelimited;
    /** Where chunks framed by Ollama are written: below the client's encoder, which would frame them again. */
    private ChannelHandlerContext framedOut;
    private boolean gone;
    private VlmLease lease;
    private Runnable afterAnswer;

    ProxyExchange(ProxyConnection connection, ChannelHandlerContext ctx, OllamaProxyServer proxy, HttpRequest request) {
        this.connection = connection;
        this.ctx = ctx;
        this.proxy = proxy;
        this.request = request;
        this.method = request.method().name();
        this.head = "HEAD".equals(method);
        this.keepAlive = request.protocolVersion().equals(HttpVersion.HTTP_1_1) && HttpUtil.isKeepAlive(request);
    }

    boolean requestDone() {
        return requestDone;
    }

    HttpRequest request() {
        return request;
    }

    String path() {
        return path;
    }

    io.netty.channel.EventLoop eventLoop() {
        return ctx.channel().eventLoop();
    }

    void begin() {
        URI uri;
        try {
            uri = new URI(request.uri());
        } catch (URISyntaxException e) {
            answerLocally(400, "malformed request target", true);
            return;
        }
        if (uri.getPath() == null) { // opaque ("mailto:x"): no path to send on
            answerLocally(400, "malformed request target: send an absolute path such as /api/tags", true);
            return;
        }
        path = uri.getPath();
        target = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        var refusal = proxy.refusal(method, uri, request.headers());
        if (refusal.isPresent()) {
            answerLocally(refusal.get().status(), refusal.get().error(), false);
        } else if (proxy.namesAModel(method, path)) {
            gathered = ctx.alloc().compositeBuffer(Integer.MAX_VALUE);
        } else {
            forward(null);
        }
    }

    /** A piece of the client's body (the last one may be empty). */
    void content(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        requestDone |= last;
        if (discarding || gone) {
            content.release();
            if (last && discarding) {
                end(null);
            }
            return;
        }
        if (gathered != null) {
            if ((long) gathered.readableBytes() + content.content().readableBytes() > OllamaProxyServer.MAX_BODY) {
                content.release();
                gathered.release();
                gathered = null;
                answerLocally(413, "the body is larger than " + (OllamaProxyServer.MAX_BODY >> 20) + " MB", true);
                return;
            }
            if (!proxy.bodies().take(content.content().readableBytes())) {
                content.release();
                gathered.release();
                gathered = null;
                answerLocally(503, "too many large bodies at once: the proxy holds at most " + (proxy.bodies().limit() >> 20)
                        + " MB of the bodies it reads whole (those that name a model); send this one again once the"
                        + " others have gone on", true);
                return;
            }
            budgeted += content.content().readableBytes();
            gathered.addComponent(true, content.content().retain());
            content.release();
            if (last) {
                CompositeByteBuf body = gathered;
                gathered = null;
                proxy.route(this, body);
            }
            return;
        }
        streamed += content.content().readableBytes();
        if (upstream == null) {
            early.add(content);
            ctx.channel().config().setAutoRead(false); // until the upstream channel is ready
        } else {
            sendUpstream(content);
        }
    }

    private void sendUpstream(HttpContent content) {
        boolean last = content instanceof LastHttpContent;
        HttpContent piece = content;
        if (last && !((LastHttpContent) content).trailingHeaders().isEmpty()) {
            piece = new DefaultLastHttpContent(content.content()); // the client's trailers stay on this hop
        }
        if (last) {
            requestSent = true;
            upstream.writeAndFlush(piece);
        } else {
            upstream.write(piece);
            if (!upstream.isWritable()) {
                upstream.flush(); // may drain it at once, and the writable event has then come already
                if (!upstream.isWritable()) {
                    ctx.channel().config().setAutoRead(false); // Ollama reads slower than the client sends
                }
            }
        }
    }

    void clientReadComplete() {
        if (upstream != null && whole == null) {
            upstream.flush();
        }
    }

    /**
     * Sends the request on: {@code body} null streams the client's body as it comes, else that whole body (the
     * exchange owns it). {@code afterAnswer} runs once the exchange has ended, however it ended.
     */
    void forward(ByteBuf body, VlmLease lease, Runnable afterAnswer) {
        if (gone) {
            if (body != null) {
                body.release();
            }
            if (lease != null) {
                lease.close();
            }
            if (afterAnswer != null) {
                afterAnswer.run();
            }
            return;
        }
        this.lease = lease;
        this.afterAnswer = afterAnswer;
        forward(body);
    }

    void forward(ByteBuf body) {
        whole = body;
        proxy.countForwarded();
        connect(false);
    }

    private void connect(boolean fresh) {
        proxy.upstream().acquire(ctx.channel().eventLoop(), this, fresh, (channel, wasReused) -> {
            if (gone) {
                proxy.upstream().release(channel, true);
                return;
            }
            upstream = channel;
            reused = wasReused;
            sendHead();
        }, this::failedBeforeAnswer);
    }

    private void sendHead() {
        HttpRequest out = new DefaultHttpRequest(HttpVersion.HTTP_1_1, request.method(), target);
        for (Map.Entry<String, String> header : request.headers()) {
            if (!REQUEST_HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                out.headers().add(header.getKey(), header.getValue());
            }
        }
        HttpHeaders headers = out.headers();
        headers.set("Host", proxy.upstream().authority());
        if (whole != null) {
            if (whole.isReadable() || BODY_METHODS.contains(method)) {
                headers.set("Content-Length", whole.readableBytes());
            }
            upstream.write(out);
            requestSent = true;
            upstream.writeAndFlush(new DefaultLastHttpContent(whole.retainedDuplicate()));
            return;
        }
        if (HttpUtil.isTransferEncodingChunked(request)) {
            headers.set("Transfer-Encoding", HttpHeaderValues.CHUNKED);
        } else if (request.headers().contains(HttpHeaderNames.CONTENT_LENGTH)) {
            headers.set("Content-Length", request.headers().get(HttpHeaderNames.CONTENT_LENGTH));
        } else if (BODY_METHODS.contains(method)) {
            headers.set("Content-Length", 0);
        }
        upstream.write(out);
        while (!early.isEmpty() && upstream != null) {
            sendUpstream(early.poll());
        }
        upstream.flush();
        if (!requestDone && upstream.isWritable()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void upstreamRead(HttpObject message) {
        if (gone || answered) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (message instanceof HttpResponse response) {
            if (response.decoderResult().isFailure()) {
                ReferenceCountUtil.release(message);
                Channel channel = upstream;
                upstream = null;
                proxy.upstream().release(channel, false);
                failedBeforeAnswer("sent a malformed answer (" + response.decoderResult().cause().getMessage() + ")");
                return;
            }
            interim = response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
            if (!interim) {
                answer = response;
                writeAnswerHead(response);
            }
        }
        if (message instanceof HttpContent content) {
            boolean last = content instanceof LastHttpContent;
            if (interim || bodyless || !content.content().isReadable()) {
                content.release();
            } else if (content instanceof AnswerDecoder.Chunks) {
                // one socket read of Ollama's, sent on at once: a read loop may take in the whole answer first
                framedOut.write(content.content());
                ctx.flush();
                if (!ctx.channel().isWritable()) {
                    upstream.config().setAutoRead(false);
                }
            } else {
                ctx.write(new DefaultHttpContent(content.content()));
                if (!ctx.channel().isWritable()) {
                    upstream.config().setAutoRead(false); // the client reads slower than Ollama answers
                }
            }
            if (last && interim) {
                interim = false;
            } else if (last) {
                answerEnded();
            }
        }
    }

    private void writeAnswerHead(HttpResponse response) {
        HttpResponse out = new DefaultHttpResponse(HttpVersion.HTTP_1_1, response.status());
        for (Map.Entry<String, String> header : response.headers()) {
            if (!RESPONSE_HOP_BY_HOP.contains(header.getKey().toLowerCase(Locale.ROOT))) {
                out.headers().add(header.getKey(), header.getValue());
            }
        }
        int code = response.status().code();
        long length = HttpUtil.isTransferEncodingChunked(response) ? -1 : HttpUtil.getContentLength(response, -1L);
        boolean noContent = code == 204 || code == 304 || code < 200;
        bodyless = head || noContent;
        boolean persistent = persistent();
        if (length >= 0 && !noContent) {
            out.headers().set("Content-Length", length); // HEAD too: the size a GET would have
        } else if (!bodyless) {
            if (persistent) {
                out.headers().set("Transfer-Encoding", HttpHeaderValues.CHUNKED);
                passChunksAsTheyCame();
            } else {
                closeDelimited = true;
            }
        }
        if (!persistent) {
            out.headers().set("Connection", HttpHeaderValues.CLOSE);
            closeAfter = true;
        }
        answering = true;
        ctx.write(out);
    }

    /**
     * A chunked answer to a client answered chunked: its chunks pass as Ollama framed them, each read from Ollama
     * one write, rather than decoded into a piece per token and framed again.
     */
    private void passChunksAsTheyCame() {
        ChannelHandlerContext encoder = ctx.pipeline().context(HttpResponseEncoder.class);
        if (encoder != null && proxy.upstream().passChunksAsTheyCame(upstream)) {
            framedOut = encoder;
        }
    }

    private boolean persistent() {
        return keepAlive && !proxy.stopping();
    }

    private void answerEnded() {
        boolean reusable = requestSent && HttpUtil.isKeepAlive(answer);
        Channel channel = upstream;
        upstream = null;
        proxy.upstream().release(channel, reusable);
        answered = true;
        end(ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT));
    }

    @Override
    public void upstreamReadComplete() {
        ctx.flush(); // each piece Ollama sent (a token, a line) goes to the client now
    }

    @Override
    public void upstreamWritable(boolean writable) {
        if (writable && !requestDone && !gone) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    void clientWritable(boolean writable) {
        if (upstream != null) {
            upstream.config().setAutoRead(writable);
        }
    }

    @Override
    public void upstreamFailed(String what) {
        upstream = null;
        if (gone) {
            return;
        }
        if (answering) {
            closeAfter = true; // the answer was under way: the client sees it cut short
            end(null);
            return;
        }
        failedBeforeAnswer(what);
    }

    private void failedBeforeAnswer(String what) {
        if (gone) {
            return;
        }
        if (mayRetry()) {
            retried = true;
            if (whole == null) {
                whole = Unpooled.EMPTY_BUFFER; // nothing was streamed: the same empty body once more
            }
            connect(true);
            return;
        }
        answerLocally(502, proxy.upstreamFailed(what), !requestDone);
    }

    /** A safe request that went out on a reused connection and got no answer: that connection was stale. */
    private boolean mayRetry() {
        return !retried && reused && answer == null && requestDone && SAFE.contains(method)
                && (whole != null || streamed == 0);
    }

    /** An answer of the proxy's own; {@code close}: the connection ends after it (the rest of the body unread). */
    void answerLocally(int status, String message, boolean close) {
        if (gone) {
            return;
        }
        boolean persistent = persistent() && !close;
        answering = true;
        answered = true;
        ChannelFuture written = ctx.writeAndFlush(HttpErrors.json(status, message, !persistent));
        if (!persistent) {
            closeAfter = true;
            end(written);
        } else if (requestDone) {
            end(written);
        } else {
            discarding = true; // the rest of the body is read and dropped, then the connection goes on
        }
    }

    private void end(ChannelFuture lastWrite) {
        ctx.flush();
        releaseAll();
        boolean keepOpen = answered && requestDone && !closeAfter && !closeDelimited && persistent();
        connection.exchangeEnded(this, lastWrite, keepOpen);
    }

    /** The client went away: the upstream request is closed at once, nothing is kept. */
    void clientGone() {
        gone = true;
        if (upstream != null) {
            Channel channel = upstream;
            upstream = null;
            proxy.upstream().release(channel, false);
        }
        releaseAll();
    }

    private void releaseAll() {
        early.forEach(ReferenceCountUtil::release);
        early.clear();
        if (gathered != null) {
            gathered.release();
            gathered = null;
        }
        if (whole != null) {
            whole.release();
            whole = null;
        }
        if (lease != null) {
            lease.close();
            lease = null;
        }
        proxy.bodies().giveBack(budgeted);
        budgeted = 0;
        if (afterAnswer != null) {
            Runnable after = afterAnswer;
            afterAnswer = null;
            after.run();
        }
    }

    /** The gathered body as bytes, for JsonSplice. */
    static byte[] bytes(ByteBuf body) {
        return ByteBufUtil.getBytes(body);
    }
}
