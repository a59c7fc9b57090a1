package com.rpavision.gpurm.core.ollama;

import okhttp3.Call;
import okhttp3.Connection;
import okhttp3.EventListener;
import okhttp3.Interceptor;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Set;

/**
 * When a forwarded request that failed may be sent again. After Ollama restarts, every kept-alive connection in
 * the pool is dead; OkHttp checks a pooled connection thoroughly only for non-GET requests idle for 10 s, so a
 * GET (or a quick POST) went out on a dead one and the client got a 502. Rules, as Go's HTTP transport keeps
 * them: a request that never left may be sent again (the connection failed, or was found closed by Ollama
 * before a byte was written); a safe request (GET, HEAD, OPTIONS) may be sent again when a reused connection
 * failed before any answer; any other request Ollama may have acted on is not replayed.
 */
final class StaleConnections {

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    private StaleConnections() {
    }

    /** What one attempt got to; tagged on its request, filled in by OkHttp's events. */
    static final class Attempt extends EventListener {
        private volatile boolean fresh;
        private volatile boolean sent;
        private volatile boolean answered;

        @Override
        public void connectStart(Call call, InetSocketAddress address, Proxy proxy) {
            fresh = true;
        }

        @Override
        public void requestHeadersStart(Call call) {
            sent = true;
        }

        @Override
        public void responseHeadersStart(Call call) {
            answered = true;
        }

        /** Whether the failed attempt may be made once more. */
        boolean mayRetry(String method, IOException failure) {
            if (failure instanceof Closed || failure instanceof ConnectException || !sent) {
                return true; // nothing reached Ollama
            }
            return !fresh && !answered && SAFE.contains(method);
        }
    }

    /** The pooled connection was closed by Ollama: nothing was written to it. */
    static final class Closed extends IOException {
        Closed() {
            super("Ollama had closed the kept-alive connection");
        }
    }

    /** Hands each call the {@link Attempt} its request carries. */
    static final EventListener.Factory EVENTS = call -> {
        Attempt attempt = call.request().tag(Attempt.class);
        return attempt != null ? attempt : EventListener.NONE;
    };

    /** A network interceptor: before a request goes out on a reused connection, looks whether Ollama closed it. */
    static final Interceptor CHECK = chain -> {
        Attempt attempt = chain.request().tag(Attempt.class);
        Connection connection = chain.connection();
        if (attempt != null && !attempt.fresh && connection != null && peerClosed(connection.socket())) {
            closeQuietly(connection.socket()); // never handed out again
            throw new Closed();
        }
        return chain.proceed(chain.request());
    };

    /** True when the peer closed (or reset) the idle connection, or sent bytes nobody asked for; never blocks. */
    static boolean peerClosed(Socket socket) {
        SocketChannel channel = socket.getChannel();
        if (channel == null) {
            return false; // not a channel socket: only OkHttp's own check applies
        }
        try {
            synchronized (channel.blockingLock()) {
                channel.configureBlocking(false);
                try {
                    return channel.read(ByteBuffer.allocate(1)) != 0;
                } finally {
                    channel.configureBlocking(true);
                }
            }
        } catch (IOException e) {
            return true;
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // gone already
        }
    }
}
