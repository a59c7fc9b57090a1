package com.rpavision.gpurm.api.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.socket.DuplexChannel;

import java.util.concurrent.TimeUnit;

/**
 * Closes a connection after a refusal without losing the refusal: closing a socket with unread request bytes
 * makes the kernel send a reset, and the client may then never read the answer. So the write side is shut
 * first (the client reads the answer, then the end), what it still sends is dropped, and the socket is closed
 * when the client closes or after two seconds at the most.
 */
public final class LingeringClose {

    private static final long LINGER_MS = 2_000;

    private LingeringClose() {
    }

    /** Once {@code written} is out, ends the connection as above. */
    public static void after(ChannelFuture written) {
        written.addListener(f -> {
            Channel channel = written.channel();
            if (!(channel instanceof DuplexChannel duplex) || !channel.isActive()) {
                channel.close();
                return;
            }
            duplex.shutdownOutput();
            channel.eventLoop().schedule(() -> channel.close(), LINGER_MS, TimeUnit.MILLISECONDS);
            channel.config().setAutoRead(true); // read to the client's end; the pipeline drops what it sends
        });
    }
}
