package com.rpavision.gpurm.core.ollama;

import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The forwarder's kept-alive HTTP/1.1 connections to Ollama. No thread of its own: a connection is taken on the
 * request's thread, and given back or closed there. Before an idle connection is handed out again, a read
 * that never blocks tells whether Ollama has closed it (it restarted, or timed it out): such a connection is
 * dropped before a byte is written to it.
 */
final class UpstreamConnections implements AutoCloseable {

    private static final int BUFFER = 64 * 1024;
    private static final int MAX_IDLE = 8;

    /** One connection; {@code reused} when it carried an answer before this request. */
    static final class Connection implements Closeable {
        private final SocketChannel channel;
        private final Socket socket;
        final InputStream in;
        final OutputStream out;
        private boolean reused;

        private Connection(SocketChannel channel, Socket socket) throws IOException {
            this.channel = channel;
            this.socket = socket;
            this.in = new BufferedInputStream(socket.getInputStream(), BUFFER);
            this.out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
        }

        boolean reused() {
            return reused;
        }

        /** True when the peer closed (or reset) the idle connection, or sent bytes nobody asked for. */
        private boolean peerClosed() {
            try {
                if (in.available() > 0) {
                    return true; // bytes between answers: unusable
                }
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

        @Override
        public void close() {
            try {
                socket.close();
                channel.close();
            } catch (IOException ignored) {
                // gone already
            }
        }
    }

    private final String host;
    private final int port;
    private final boolean tls;
    private final int connectTimeoutMillis;
    private final int readTimeoutMillis;
    private final Deque<Connection> idle = new ArrayDeque<>();
    private boolean closed;

    /** @param readTimeout longest silence allowed while waiting for Ollama (0: none) */
    UpstreamConnections(String host, int port, boolean tls, Duration connectTimeout, Duration readTimeout) {
        this.host = host;
        this.port = port;
        this.tls = tls;
        this.connectTimeoutMillis = (int) connectTimeout.toMillis();
        this.readTimeoutMillis = (int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis());
    }

    /** The most recently used idle connection that Ollama has not closed, else a new one. */
    Connection take() throws IOException {
        while (true) {
            Connection connection;
            synchronized (this) {
                connection = idle.pollFirst();
            }
            if (connection == null) {
                return open();
            }
            if (!connection.peerClosed()) {
                connection.reused = true;
                return connection;
            }
            connection.close();
        }
    }

    /**
     * A new connection to the first of the host's addresses that accepts one ({@code localhost} may name ::1
     * and 127.0.0.1, and Ollama listen on one of them only); connecting can fail: then nothing was sent.
     */
    Connection open() throws IOException {
        InetAddress[] addresses = InetAddress.getAllByName(host);
        for (int i = 0; ; i++) {
            try {
                return open(new InetSocketAddress(addresses[i], port));
            } catch (ConnectException e) {
                if (i == addresses.length - 1) {
                    throw e;
                }
            }
        }
    }

    private Connection open(InetSocketAddress address) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            Socket socket = channel.socket();
            socket.setTcpNoDelay(true); // a request's head and body, and each answer, must not wait for an ACK
            socket.connect(address, connectTimeoutMillis);
            socket.setSoTimeout(readTimeoutMillis);
            if (tls) {
                SSLSocket secure = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                        .createSocket(socket, host, port, true);
                secure.startHandshake();
                return new Connection(channel, secure);
            }
            return new Connection(channel, socket);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** A connection whose answer was read to its end, fit for the next request. */
    void giveBack(Connection connection) {
        synchronized (this) {
            if (!closed && idle.size() < MAX_IDLE) {
                idle.offerFirst(connection);
                return;
            }
        }
        connection.close();
    }

    /** Closes every idle connection (after a restart they are all dead). */
    void closeIdle() {
        Deque<Connection> dropped;
        synchronized (this) {
            dropped = new ArrayDeque<>(idle);
            idle.clear();
        }
        dropped.forEach(Connection::close);
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
        }
        closeIdle();
    }
}
