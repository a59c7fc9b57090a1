package com.rpavision.gpurm.api.http;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.group.ChannelGroup;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * At most so many connections on one listener: the one beyond is answered 503 at once and closed, before a byte
 * of its request is read, so a flood of idle or slow connections cannot take the process's files or memory.
 */
@ChannelHandler.Sharable
final class ConnectionCap extends ChannelInboundHandlerAdapter {

    private final int max;
    private final ChannelGroup open;
    private final AtomicInteger count = new AtomicInteger();

    ConnectionCap(int max, ChannelGroup open) {
        this.max = max;
        this.open = open;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (count.incrementAndGet() > max) {
            count.decrementAndGet();
            // not counted, and nothing of its request is parsed: every handler after this one gives way to a sink
            var pipeline = ctx.pipeline();
            while (pipeline.last() != this) {
                pipeline.removeLast();
            }
            pipeline.replace(this, "refused", new Sink());
            LingeringClose.after(ctx.writeAndFlush(HttpErrors.raw(503, "too many connections: this listener holds " + max
                    + " at most; close idle ones or try again later")));
            return;
        }
        open.add(ctx.channel());
        super.channelActive(ctx);
    }

    /** Drops what a refused connection still sends. */
    private static final class Sink extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        count.decrementAndGet();
        super.channelInactive(ctx);
    }
}
