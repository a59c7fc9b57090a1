package com.rpavision.gpurm.api.http;

import com.rpavision.gpurm.core.concurrent.Threads;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;

/**
 * The one event-loop group every loopback listener of the app and their upstream channels run on: a few threads
 * for any number of connections, none of which may block. Epoll where its native library loads (Linux), NIO
 * elsewhere (Windows). Its threads are daemons that live as long as the process.
 */
public final class EventLoops {

    private static final boolean EPOLL = Epoll.isAvailable();
    private static EventLoopGroup shared;
    private static volatile ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;

    private EventLoops() {
    }

    /** The shared group, started on first use. */
    public static synchronized EventLoopGroup shared() {
        if (shared == null) {
            int threads = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
            shared = new MultiThreadIoEventLoopGroup(threads, Threads.named("gpurm-http"),
                    EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        }
        return shared;
    }

    /** Where every listener's and upstream channel's buffers come from. */
    public static ByteBufAllocator allocator() {
        return allocator;
    }

    /**
     * For tests that count the buffers a listener leaves behind: channels of listeners bound (and upstream
     * bootstraps made) from now on allocate from {@code counted}.
     */
    public static void allocateFrom(ByteBufAllocator counted) {
        allocator = counted;
    }

    /**
     * Reads on a listener's connections: Netty's adaptive guess shrinks after a few small reads to below the size
     * of a request's head (about 220 bytes for a proxied generate), which then takes two reads and two passes
     * through the pipeline; from 1 KiB up, a request's head comes in one.
     */
    public static AdaptiveRecvByteBufAllocator requestReads() {
        return new AdaptiveRecvByteBufAllocator(1024, 2048, 65536);
    }

    public static Class<? extends ServerChannel> serverChannel() {
        return EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    public static Class<? extends Channel> clientChannel() {
        return EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
    }

    /** "epoll" or "nio", for the log. */
    public static String transport() {
        return EPOLL ? "epoll" : "nio";
    }
}
