package com.rpavision.gpurm.testing;

import javax.net.ServerSocketFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** MockWebServer writes headers and body separately: without TCP_NODELAY each answer waits ~40 ms for an ACK. */
public final class NoDelayServerSocketFactory extends ServerSocketFactory {

    private static final class NoDelayServerSocket extends ServerSocket {
        NoDelayServerSocket() throws IOException {
            super();
            super.setReuseAddress(true);
        }

        /** Always on (MockWebServer turns it off for port 0): a restarted Ollama binds its old port again at once. */
        @Override
        public void setReuseAddress(boolean on) throws java.net.SocketException {
            super.setReuseAddress(true);
        }

        @Override
        public Socket accept() throws IOException {
            Socket socket = super.accept();
            socket.setTcpNoDelay(true);
            return socket;
        }
    }

    @Override
    public ServerSocket createServerSocket() throws IOException {
        return new NoDelayServerSocket();
    }

    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        ServerSocket s = createServerSocket();
        s.bind(new java.net.InetSocketAddress(port));
        return s;
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
        ServerSocket s = createServerSocket();
        s.bind(new java.net.InetSocketAddress(port), backlog);
        return s;
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress ifAddress) throws IOException {
        ServerSocket s = createServerSocket();
        s.bind(new java.net.InetSocketAddress(ifAddress, port), backlog);
        return s;
    }
}
