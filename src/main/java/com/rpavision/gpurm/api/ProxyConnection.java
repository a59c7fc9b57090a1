package com.rpavision.gpurm.api;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;

/**
 * One client connection to the proxy, the last handler of its pipeline: one {@link ProxyExchange} at a time; a
 * request pipelined behind it waits (reading paused) until its answer has ended.
 */
final class ProxyConnection extends ChannelInboundHandlerAdapter {

    private static final Logger LOG = LoggerFactory.getLogger(ProxyConnection.class);

    private final OllamaProxyServer proxy;
    private final ArrayDeque<HttpObject> pipelined = new ArrayDeque<>();
    private ChannelHandlerContext ctx;
    private ProxyExchange exchange;
    private boolean closing;

    ProxyConnection(OllamaProxyServer proxy) {
        this.proxy = proxy;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        dispatch((HttpObject) msg);
    }

    private void dispatch(HttpObject msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (exchange != null && exchange.requestDone()) {
            pipelined.add(msg);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        if (msg instanceof HttpRequest request) {
            exchange = new ProxyExchange(this, ctx, proxy, request);
            exchange.begin();
        } else if (msg instanceof HttpContent content) {
            if (exchange == null) {
                content.release();
            } else {
                exchange.content(content);
            }
        }
    }

    /** The answer has been written; {@code keepOpen}: the connection may carry the next request. */
    void exchangeEnded(ProxyExchange ended, io.netty.channel.ChannelFuture lastWrite, boolean keepOpen) {
        if (exchange != ended) {
            return;
        }
        exchange = null;
        if (!keepOpen) {
            closing = true;
            pipelined.forEach(ReferenceCountUtil::release);
            pipelined.clear();
            if (lastWrite == null) {
                ctx.close();
            } else {
                com.rpavision.gpurm.api.http.LingeringClose.after(lastWrite); // the body may not all be read
            }
            return;
        }
        while (!pipelined.isEmpty() && (exchange == null || !exchange.requestDone()) && !closing) {
            dispatch(pipelined.poll());
        }
        if (pipelined.isEmpty() && !closing) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.clientReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (exchange != null) {
            exchange.clientWritable(ctx.channel().isWritable());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        closing = true;
        if (exchange != null) {
            exchange.clientGone();
            exchange = null;
        }
        pipelined.forEach(ReferenceCountUtil::release);
        pipelined.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("Proxy connection failed: {}", cause.toString());
        ctx.close();
    }
}
