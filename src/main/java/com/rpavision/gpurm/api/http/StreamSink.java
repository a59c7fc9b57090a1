package com.rpavision.gpurm.api.http;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The {@link EventSink} of one connection: text sent from any thread waits in a queue of at most
 * {@value #MAX_QUEUED} pieces and is written on the event loop only while the connection is writable (Netty's
 * write-buffer high-water mark), so a client that stops reading costs that queue and no more; beyond it new pieces
 * are dropped, as the manager's event listeners expect of a full queue.
 */
final class StreamSink implements EventSink {

    static final int MAX_QUEUED = 1_000;

    private final ChannelHandlerContext ctx;
    private final Consumer<ChannelFuture> ended;
    private final ArrayBlockingQueue<String> queued = new ArrayBlockingQueue<>(MAX_QUEUED);
    private final AtomicBoolean flushAsked = new AtomicBoolean();
    private final List<Runnable> onEnd = new ArrayList<>();
    private volatile boolean done;

    /** @param ended on the loop once the last chunk is written, with its write */
    StreamSink(ChannelHandlerContext ctx, Consumer<ChannelFuture> ended) {
        this.ctx = ctx;
        this.ended = ended;
    }

    @Override
    public boolean send(String text) {
        if (done || !queued.offer(text)) {
            return false;
        }
        if (flushAsked.compareAndSet(false, true)) {
            ctx.executor().execute(this::flush);
        }
        return true;
    }

    /** On the loop: writes what is queued while the connection takes it. */
    void flush() {
        flushAsked.set(false);
        boolean wrote = false;
        while (!done && ctx.channel().isWritable()) {
            String text = queued.poll();
            if (text == null) {
                break;
            }
            ctx.write(new DefaultHttpContent(ByteBufUtil.writeUtf8(ctx.alloc(), text)));
            wrote = true;
        }
        if (wrote) {
            ctx.flush();
        }
    }

    @Override
    public void end() {
        ctx.executor().execute(() -> {
            if (done) {
                return;
            }
            flushRemaining();
            done = true;
            ChannelFuture last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            runOnEnd();
            ended.accept(last);
        });
    }

    /** The queue's rest at the end, writable or not: it is bounded. */
    private void flushRemaining() {
        for (String text = queued.poll(); text != null; text = queued.poll()) {
            ctx.write(new DefaultHttpContent(ByteBufUtil.writeUtf8(ctx.alloc(), text)));
        }
    }

    /** On the loop: the connection closed. */
    void clientGone() {
        if (!done) {
            done = true;
            queued.clear();
            runOnEnd();
        }
    }

    @Override
    public void onEnd(Runnable action) {
        ctx.executor().execute(() -> {
            if (done) {
                action.run();
            } else {
                onEnd.add(action);
            }
        });
    }

    private void runOnEnd() {
        onEnd.forEach(Runnable::run);
        onEnd.clear();
    }

    @Override
    public ScheduledExecutorService loop() {
        return ctx.executor();
    }
}
