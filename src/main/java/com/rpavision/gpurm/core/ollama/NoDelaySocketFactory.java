package com.rpavision.gpurm.core.ollama;

import javax.net.SocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.channels.SocketChannel;

/**
 * Client sockets with Nagle's algorithm off: a request written as headers then body must not wait for the
 * server's delayed ACK (about 40 ms per kept-alive request on loopback).
 */
final class NoDelaySocketFactory extends SocketFactory {

    private final SocketFactory delegate = SocketFactory.getDefault();
    private final boolean channels;

    NoDelaySocketFactory() {
        this(false);
    }

    /**
     * @param channels unconnected sockets (the ones OkHttp asks for) backed by a {@link SocketChannel}, so that
     *                 {@link StaleConnections} can look, without blocking, whether the peer has closed one
     */
    NoDelaySocketFactory(boolean channels) {
        this.channels = channels;
    }

    private static Socket noDelay(Socket socket) throws IOException {
        socket.setTcpNoDelay(true);
        return socket;
    }

    @Override
    public Socket createSocket() throws IOException {
        return noDelay(channels ? SocketChannel.open().socket() : delegate.createSocket());
    }

    @Override
    public Socket createSocket(String host, int port) throws IOException {
        return noDelay(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        return noDelay(delegate.createSocket(host, port, localHost, localPort));
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        return noDelay(delegate.createSocket(host, port));
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        return noDelay(delegate.createSocket(address, port, localAddress, localPort));
    }
}
