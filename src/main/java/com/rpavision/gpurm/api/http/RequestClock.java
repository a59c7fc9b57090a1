package com.rpavision.gpurm.api.http;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.concurrent.TimeUnit;

/**
 * The two deadlines of a connection, below the HTTP decoder where its bytes arrive: a request's head must be
 * complete within {@link HttpLimits#headTimeout()} of its first byte (else 408 and close: a slowloris client
 * sending a byte a second holds nothing for long), and a connection with no request under way is closed after
 * {@link HttpLimits#idleTimeout()}. While a request is being answered neither runs: a cold model load may take
 * minutes. {@link StrictRequests} tells it when a head has arrived and when an answer has ended.
 */
final class RequestClock extends ChannelInboundHandlerAdapter {

    private final HttpLimits limits;
    private ChannelHandlerContext ctx;
    private volatile int outstanding; // heads received whose answers have not ended (written on the event loop)
    private volatile boolean answered; // an answer has ended on this connection
    private volatile boolean headArriving; // bytes of a head have come, not yet all of it
    private ScheduledFuture<?> headDeadline;
    private ScheduledFuture<?> idleDeadline;

    RequestClock(HttpLimits limits) {
        this.limits = limits;
    }

    /**
     * Whether a stop may close this connection at once (read from any thread): it has answered a request and no
     * byte of another has come since. One that has not sent its first request, or only part of a head, is on its way
     * to a request (a client opens a connection to send one, and its bytes may not have been read yet): closing it
     * would leave that request unanswered, so it gets the stop's grace as a request being answered does.
     */
    boolean quiet() {
        return outstanding == 0 && answered && !headArriving;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        this.ctx = ctx;
        idle();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (outstanding == 0 && headDeadline == null) {
            headArriving = true;
            cancelIdle();
            headDeadline = ctx.executor().schedule(this::headTimedOut, limits.headTimeout().toMillis(), TimeUnit.MILLISECONDS);
        }
        super.channelRead(ctx, msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelHead();
        cancelIdle();
        super.channelInactive(ctx);
    }

    void headReceived() {
        outstanding++;
        headArriving = false;
        cancelHead();
        cancelIdle();
    }

    void exchangeEnded() {
        answered = true;
        if (outstanding > 0 && --outstanding == 0) {
            idle();
        }
    }

    private void idle() {
        cancelIdle();
        idleDeadline = ctx.executor().schedule(() -> {
            if (outstanding == 0) {
                ctx.close();
            }
        }, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    private void headTimedOut() {
        headDeadline = null;
        if (outstanding == 0 && ctx.channel().isActive()) {
            ctx.channel().config().setAutoRead(false);
            ctx.writeAndFlush(HttpErrors.raw(408, "the request head did not arrive within "
                    + limits.headTimeout().toMillis() + " ms")).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private void cancelHead() {
        if (headDeadline != null) {
            headDeadline.cancel(false);
            headDeadline = null;
        }
    }

    private void cancelIdle() {
        if (idleDeadline != null) {
            idleDeadline.cancel(false);
            idleDeadline = null;
        }
    }
}
