package com.rpavision.gpurm.api.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpServerExpectContinueHandler;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * One loopback HTTP/1.1 listener on the shared {@link EventLoops}: each connection gets the same pipeline of small
 * handlers (connection cap, deadlines, strict decoder, framing rules, 100-continue) and then the application's
 * handler, which sees only well-formed requests as Netty objects (head, then the body in pieces).
 */
public final class HttpListener implements AutoCloseable {

    private final Channel server;
    private final ChannelGroup connections;

    private HttpListener(Channel server, ChannelGroup connections) {
        this.server = server;
        this.connections = connections;
    }

    /**
     * @param application a new handler per connection, last in its pipeline
     * @throws BindException when the port is taken
     */
    public static HttpListener open(InetAddress address, int port, HttpLimits limits,
                                    Supplier<? extends ChannelHandler> application) throws IOException {
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("listens on loopback only, not on " + address);
        }
        return bind(new InetSocketAddress(address, port), limits, application);
    }

    /**
     * The same listener on any address, for the metrics listener a fleet's Prometheus scrapes over the network
     * (its service changes nothing and may ask for a token). Everything else listens on loopback only.
     */
    public static HttpListener openOnNetwork(InetSocketAddress address, HttpLimits limits,
                                             Supplier<? extends ChannelHandler> application) throws IOException {
        return bind(address, limits, application);
    }

    private static HttpListener bind(InetSocketAddress address, HttpLimits limits,
                                     Supplier<? extends ChannelHandler> application) throws IOException {
        ChannelGroup connections = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        ConnectionCap cap = new ConnectionCap(limits.maxConnections(), connections);
        ServerBootstrap bootstrap = new ServerBootstrap().group(EventLoops.shared()).channel(EventLoops.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024).option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true) // a streamed token must not wait for a delayed ACK
                .childOption(ChannelOption.ALLOCATOR, EventLoops.allocator())
                .childOption(ChannelOption.RCVBUF_ALLOCATOR, EventLoops.requestReads())
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        RequestClock clock = new RequestClock(limits);
                        ChannelPipeline pipeline = channel.pipeline();
                        pipeline.addLast("cap", cap).addLast("clock", clock)
                                .addLast("decoder", new StrictRequestDecoder(limits))
                                .addLast("encoder", new HttpResponseEncoder())
                                .addLast("strict", new StrictRequests(limits, clock))
                                .addLast("continue", new HttpServerExpectContinueHandler())
                                .addLast("application", application.get());
                    }
                });
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            Throwable cause = bound.cause();
            if (cause instanceof BindException bind) {
                throw bind;
            }
            if (String.valueOf(cause.getMessage()).contains("in use")) {
                throw new BindException("Address already in use");
            }
            throw cause instanceof IOException io ? io : new IOException(cause);
        }
        return new HttpListener(bound.channel(), connections);
    }

    public int port() {
        return address().getPort();
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    /** Connections open now. */
    public int connections() {
        return connections.size();
    }

    /**
     * Stops accepting and closes kept-alive connections with no request under way at once; those answering a
     * request, or not yet done sending one (a new connection's first request, a head partly here), get up to
     * {@code grace}, then every connection is closed.
     */
    public void stop(Duration grace) {
        server.close().awaitUninterruptibly();
        long deadline = System.nanoTime() + grace.toNanos();
        while (true) {
            boolean busy = false;
            for (Channel channel : connections) {
                RequestClock clock = channel.pipeline().get(RequestClock.class);
                if (clock != null && !clock.quiet()) {
                    busy = true;
                } else {
                    channel.close();
                }
            }
            if (!busy || System.nanoTime() >= deadline) {
                break;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        connections.close().awaitUninterruptibly();
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }
}
