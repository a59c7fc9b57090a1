package com.rpavision.gpurm.api;

import com.rpavision.gpurm.api.http.EventLoops;
import com.rpavision.gpurm.core.ollama.OllamaSignals;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;

import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;
import java.net.ConnectException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Kept-alive HTTP/1.1 channels to Ollama, pooled per event loop: a proxied request takes one on its own client
 * connection's loop (no thread hop, no lock), and gives it back when the answer has ended with both sides
 * complete. An https endpoint gets Netty's TLS handler with the JDK's trust store (the JVM's cacerts, or the one
 * {@code -Djavax.net.ssl.trustStore} names) and its host name checked against the certificate. A pooled channel that Ollama
 * closes is dropped at once (Netty reads the close as it comes), and counted as a sign that Ollama exited.
 */
final class OllamaUpstream {

    /** What the exchange that holds a channel hears from it, on that channel's event loop. */
    interface Listener {
        /** A piece of the answer (head, body pieces, the last piece); the listener owns it. */
        void upstreamRead(HttpObject message);

        void upstreamReadComplete();

        void upstreamWritable(boolean writable);

        /** The channel closed or failed before the answer ended; {@code what} says how, in words. */
        void upstreamFailed(String what);
    }

    private static final int MAX_IDLE_PER_LOOP = 32;
    private static final int MAX_HEAD = 64 * 1024;

    private final URI endpoint;
    private final String host;
    private final int port;
    private final String authority;
    private final SslContext tls;
    private final Duration idleTimeout;
    private final OllamaSignals signals;
    private final Map<EventLoop, ArrayDeque<Channel>> idle = new ConcurrentHashMap<>();
    private final Map<EventLoop, Bootstrap> bootstraps = new ConcurrentHashMap<>();
    /** Whether a connection to Ollama ever opened: a refusal after that is Ollama restarting, not Ollama never started. */
    private volatile boolean connectedOnce;

    /** @param idleTimeout longest silence allowed while an answer is awaited (a cold load can be minutes) */
    OllamaUpstream(String endpoint, Duration idleTimeout) {
        this(endpoint, idleTimeout, null);
    }

    /** @param trust whom an https endpoint's certificate must come from; null: the JDK's trust store */
    OllamaUpstream(String endpoint, Duration idleTimeout, TrustManagerFactory trust) {
        this.endpoint = URI.create(endpoint);
        boolean https = "https".equalsIgnoreCase(this.endpoint.getScheme());
        if (!https && !"http".equalsIgnoreCase(this.endpoint.getScheme())) {
            throw new IllegalArgumentException("the Ollama endpoint must be http:// or https://, not " + endpoint);
        }
        this.host = this.endpoint.getHost();
        int defaultPort = https ? 443 : 80;
        this.port = this.endpoint.getPort() < 0 ? defaultPort : this.endpoint.getPort();
        this.authority = this.port == defaultPort ? host : host + ":" + port;
        try {
            this.tls = https ? SslContextBuilder.forClient().trustManager(trust).build() : null;
        } catch (SSLException e) {
            throw new IllegalStateException("no TLS for " + endpoint + ": " + e.getMessage(), e);
        }
        this.idleTimeout = idleTimeout;
        this.signals = OllamaSignals.ofEndpoint(endpoint);
    }

    String endpoint() {
        return endpoint.toString();
    }

    boolean connectedOnce() {
        return connectedOnce;
    }

    /** The Host header Ollama gets (its DNS-rebinding check wants its own address). */
    String authority() {
        return authority;
    }

    /**
     * Hands {@code ready} a channel on {@code loop} for one exchange, attached to {@code listener}: a pooled one
     * (reused: true) or, when there is none or {@code fresh} asks for it, a new connection; or {@code failed} what
     * went wrong connecting. Called on {@code loop}.
     */
    void acquire(EventLoop loop, Listener listener, boolean fresh, BiConsumer<Channel, Boolean> ready,
                 java.util.function.Consumer<String> failed) {
        ArrayDeque<Channel> stack = fresh ? null : idle.get(loop);
        while (stack != null && !stack.isEmpty()) {
            Channel channel = stack.pollLast();
            if (channel.isActive()) {
                Upstream.of(channel).attach(listener);
                ready.accept(channel, true);
                return;
            }
        }
        ChannelFuture connecting = bootstraps.computeIfAbsent(loop, this::bootstrap).connect(host, port);
        connecting.addListener(f -> {
            if (f.isSuccess()) {
                connectedOnce = true;
                Upstream.of(connecting.channel()).attach(listener);
                ready.accept(connecting.channel(), false);
            } else {
                boolean refused = f.cause() instanceof ConnectException;
                if (refused) {
                    signals.connectionRefused();
                }
                failed.accept(refused ? "connection refused" : describe(f.cause()));
            }
        });
    }

    /** The exchange is done with the channel: back to its loop's pool when it can carry another request. */
    void release(Channel channel, boolean reusable) {
        Upstream upstream = Upstream.of(channel);
        upstream.detach();
        channel.config().setAutoRead(true);
        ArrayDeque<Channel> stack = idle.computeIfAbsent(channel.eventLoop(), loop -> new ArrayDeque<>());
        if (!reusable || !channel.isActive() || stack.size() >= MAX_IDLE_PER_LOOP) {
            channel.close();
            return;
        }
        upstream.releasedAt = System.nanoTime();
        upstream.pooled = true;
        stack.addLast(channel);
    }

    /**
     * The body of the answer whose head {@code channel} just gave is to come as Ollama framed it, in
     * {@link AnswerDecoder.Chunks}; false when that answer has no chunked body.
     */
    boolean passChunksAsTheyCame(Channel channel) {
        UpstreamCodec codec = channel.pipeline().get(UpstreamCodec.class);
        return codec != null && codec.decoder().passChunksAsTheyCame();
    }

    /** Closes every pooled channel. */
    void close() {
        idle.forEach((loop, stack) -> loop.execute(() -> {
            stack.forEach(channel -> {
                Upstream.of(channel).pooled = false; // closed by us: no sign of Ollama's
                channel.close();
            });
            stack.clear();
        }));
    }

    private Bootstrap bootstrap(EventLoop loop) {
        return new Bootstrap().group(loop).channel(EventLoops.clientChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 2_000)
                .option(ChannelOption.ALLOCATOR, EventLoops.allocator())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        if (tls != null) {
                            channel.pipeline().addLast(tls.newHandler(channel.alloc(), host, port));
                        }
                        channel.pipeline()
                                .addLast(new UpstreamCodec(new HttpDecoderConfig().setMaxInitialLineLength(MAX_HEAD)
                                        .setMaxHeaderSize(MAX_HEAD).setMaxChunkSize(64 * 1024)))
                                .addLast(new IdleStateHandler(0, 0, idleTimeout.toMillis(), TimeUnit.MILLISECONDS)) // silent both ways
                                .addLast(new Upstream());
                    }
                });
    }

    static String describe(Throwable cause) {
        for (Throwable tls = cause; tls != null; tls = tls.getCause()) {
            if (tls instanceof SSLException) {
                return "could not be trusted over TLS (" + tls.getMessage() + "; its certificate must be in the JVM's"
                        + " trust store, its cacerts or the one -Djavax.net.ssl.trustStore names, and name the"
                        + " endpoint's host)";
            }
        }
        String message = String.valueOf(cause.getMessage());
        if (message.contains("reset")) {
            return "reset the connection";
        }
        if (cause instanceof io.netty.channel.ConnectTimeoutException) {
            return "did not accept the connection within 2 s";
        }
        return message;
    }

    /** The last handler of an upstream channel: passes what it reads to the exchange holding it, if any. */
    private final class Upstream extends ChannelInboundHandlerAdapter {
        private Listener listener;
        private String failure;
        private long releasedAt;
        private boolean pooled;

        static Upstream of(Channel channel) {
            return channel.pipeline().get(Upstream.class);
        }

        void attach(Listener l) {
            listener = l;
            failure = null;
            pooled = false;
        }

        void detach() {
            listener = null;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (listener != null) {
                listener.upstreamRead((HttpObject) msg);
            } else {
                ReferenceCountUtil.release(msg); // nobody asked: the channel cannot be trusted any more
                pooled = false;
                ctx.close();
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            if (listener != null) {
                listener.upstreamReadComplete();
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) {
            if (listener != null) {
                listener.upstreamWritable(ctx.channel().isWritable());
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof IdleStateEvent) {
                pooled = false;
                failure = "sent nothing for " + idleTimeout.toSeconds() + " s (timed out)";
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            failure = describe(cause);
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            Listener holder = listener;
            listener = null;
            if (holder != null) {
                holder.upstreamFailed(failure != null ? failure : "closed the connection");
            } else if (pooled && failure == null) {
                ArrayDeque<Channel> stack = idle.get(ctx.channel().eventLoop());
                if (stack != null) {
                    stack.remove(ctx.channel());
                }
                signals.keptAliveConnectionClosed(Duration.ofNanos(System.nanoTime() - releasedAt));
            }
        }
    }
}
