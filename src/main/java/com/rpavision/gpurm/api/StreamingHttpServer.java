package com.rpavision.gpurm.api;

import com.rpavision.gpurm.core.concurrent.Threads;
import com.rpavision.gpurm.core.ollama.HttpLines;
import com.sun.net.httpserver.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A small HTTP/1.1 server for the Ollama proxy, where the JDK's HttpServer cost too much: it cuts every streamed
 * answer into 4 KiB chunks (a fixed constant), so relaying a bulk answer took 1.4 times as long as reading it
 * from Ollama. This one writes each piece it is given as one chunk through a 64 KiB buffer. It reads a request
 * line, headers (at most 64 KiB), a body by Content-Length or chunked (bounded), answers 100-continue, keeps
 * HTTP/1.1 connections alive, and closes HTTP/1.0 ones after a close-delimited answer. Loopback only.
 */
final class StreamingHttpServer implements AutoCloseable {

    /** Handles one request; writes its answer through {@code response}. */
    @FunctionalInterface
    interface Handler {
        void handle(Request request, StreamingResponse response) throws IOException;
    }

    /** A request whose body has been read (to at most the server's limit). */
    record Request(String method, URI uri, Headers headers, byte[] body) {
    }

    private static final Logger LOG = LoggerFactory.getLogger(StreamingHttpServer.class);
    private static final int MAX_HEADER_BYTES = 64 * 1024;
    private static final int BUFFER = 64 * 1024;
    private static final Duration IDLE = Duration.ofMinutes(2);

    private final ServerSocket server;
    private final Handler handler;
    private final int maxBody;
    private final ExecutorService connections;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final Set<Socket> busy = ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;

    StreamingHttpServer(InetAddress address, int port, int maxBody, String threadName, Handler handler) throws IOException {
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("listens on loopback only, not on " + address);
        }
        this.server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(address, port), 128);
        this.handler = handler;
        this.maxBody = maxBody;
        this.connections = Executors.newCachedThreadPool(Threads.named(threadName));
        Thread acceptor = Threads.named(threadName + "-accept").newThread(this::accept);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void accept() {
        while (!stopping) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true); // a streamed token must not wait for a delayed ACK
                socket.setSoTimeout((int) IDLE.toMillis());
                open.add(socket);
                connections.execute(() -> serve(socket));
            } catch (IOException e) {
                if (!stopping) {
                    LOG.warn("Proxy accept failed: {}", e.toString());
                }
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream(), BUFFER);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), BUFFER);
            boolean keepAlive = true;
            while (keepAlive && !stopping) {
                String requestLine;
                try {
                    requestLine = HttpLines.readLine(in, MAX_HEADER_BYTES);
                } catch (HttpLines.LineTooLong e) {
                    StreamingResponse.plainError(out, 400, "the request line is longer than 64 KiB", false);
                    return;
                }
                if (requestLine == null) {
                    return; // the client closed a kept-alive connection
                }
                busy.add(socket);
                try {
                    keepAlive = exchange(requestLine, in, out);
                } finally {
                    busy.remove(socket);
                }
            }
        } catch (IOException e) {
            LOG.debug("Proxy connection ended: {}", e.toString());
        } finally {
            open.remove(socket);
        }
    }

    /** One request and its answer; true when the connection may carry another. */
    private boolean exchange(String requestLine, InputStream in, OutputStream out) throws IOException {
        String[] parts = requestLine.split(" ");
        if (parts.length != 3 || !parts[2].startsWith("HTTP/1.")) {
            StreamingResponse.plainError(out, 400, "malformed request line", false);
            return false;
        }
        boolean http10 = parts[2].equals("HTTP/1.0");
        URI uri;
        try {
            uri = new URI(parts[1]);
        } catch (URISyntaxException e) {
            StreamingResponse.plainError(out, 400, "malformed request target", false);
            return false;
        }
        Headers headers = readHeaders(in);
        if (headers == null) {
            StreamingResponse.plainError(out, 431, "the request headers are malformed or larger than 64 KiB", false);
            return false;
        }
        String connection = headers.getFirst("Connection");
        boolean keepAlive = http10 ? "keep-alive".equalsIgnoreCase(connection) : !"close".equalsIgnoreCase(connection);
        byte[] body;
        try {
            body = readBody(headers, in, out);
        } catch (BodyTooLarge e) {
            StreamingResponse.plainError(out, 413, e.getMessage(), false);
            return false;
        }
        StreamingResponse response = new StreamingResponse(out, parts[0].equals("HEAD"), !http10 && keepAlive && !stopping);
        try {
            handler.handle(new Request(parts[0], uri, headers, body), response);
        } catch (RuntimeException e) {
            LOG.warn("Proxy request failed: {}", e.toString(), e);
            if (!response.started()) {
                response.error(500, "the proxy failed on this request: " + e);
            }
            return false;
        }
        return response.finish() && keepAlive && !stopping;
    }

    private static final class BodyTooLarge extends IOException {
        BodyTooLarge(String message) {
            super(message);
        }
    }

    private byte[] readBody(Headers headers, InputStream in, OutputStream out) throws IOException {
        String limit = maxBody % (1 << 20) == 0 ? (maxBody >> 20) + " MB" : maxBody + " bytes";
        boolean chunked = "chunked".equalsIgnoreCase(headers.getFirst("Transfer-Encoding"));
        String length = headers.getFirst("Content-Length");
        long declared;
        try {
            declared = chunked || length == null ? -1 : Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            throw new BodyTooLarge("Content-Length is not a number"); // answered 413 like any unreadable size
        }
        if (declared > maxBody) {
            throw new BodyTooLarge("the body is larger than " + limit);
        }
        if ("100-continue".equalsIgnoreCase(headers.getFirst("Expect")) && (chunked || declared > 0)) {
            out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }
        if (!chunked) {
            byte[] body = in.readNBytes((int) Math.max(0, declared));
            if (body.length < declared) {
                throw new IOException("the client closed the connection in the middle of its body");
            }
            return body;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            String sizeLine = HttpLines.readLine(in, 1024);
            if (sizeLine == null) {
                throw new IOException("the client closed the connection in the middle of its body");
            }
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            if (size == 0) {
                readHeaders(in); // trailers, ignored
                return body.toByteArray();
            }
            if (body.size() + (long) size > maxBody) {
                throw new BodyTooLarge("the body is larger than " + limit);
            }
            body.write(in.readNBytes(size));
            HttpLines.readLine(in, 2);
        }
    }

    /** The header fields; null when they are malformed or larger than allowed (the connection is then closed). */
    private static Headers readHeaders(InputStream in) throws IOException {
        Headers headers = new Headers();
        return HttpLines.readFields(in, MAX_HEADER_BYTES, headers::add) ? headers : null;
    }

    /** Closes the listener; waits up to {@code grace} for requests being answered, then closes every connection. */
    void stop(Duration grace) {
        stopping = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        long deadline = System.nanoTime() + grace.toNanos();
        for (Socket idle : open) {
            if (!busy.contains(idle)) {
                closeQuietly(idle);
            }
        }
        while (!busy.isEmpty() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        open.forEach(StreamingHttpServer::closeQuietly);
        connections.shutdownNow();
        try {
            connections.awaitTermination(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
