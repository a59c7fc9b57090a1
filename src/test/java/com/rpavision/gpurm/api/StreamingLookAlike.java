package com.rpavision.gpurm.api;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An Ollama stand-in on plain sockets that counts what MockWebServer cannot: connections open now and body bytes
 * received. {@code /endless} streams an NDJSON line every 10 ms until the reader goes away; {@code /flood} streams
 * 16 KiB chunks as fast as they are taken (counted in {@link #flooded}) until it goes away; {@code /stream} sends
 * 200 lines chunked; any other path reads the body (counted, then dropped) and answers its size.
 */
final class StreamingLookAlike implements AutoCloseable {

    static final int STREAM_LINES = 200;

    final AtomicInteger open = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    final AtomicLong bodyBytes = new AtomicLong();
    final AtomicLong flooded = new AtomicLong();
    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool();

    StreamingLookAlike() throws IOException {
        server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        threads.execute(this::accept);
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                socket.setTcpNoDelay(true);
                open.incrementAndGet();
                threads.execute(() -> serve(socket));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        try (socket) {
            InputStream in = new BufferedInputStream(socket.getInputStream(), 65536);
            OutputStream out = socket.getOutputStream();
            String line;
            while ((line = readLine(in)) != null) {
                String path = line.split(" ")[1];
                long length = 0;
                boolean chunked = false;
                String header;
                while (!(header = readLine(in)).isEmpty()) {
                    String lower = header.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("content-length:")) {
                        length = Long.parseLong(header.substring(15).trim());
                    } else if (lower.startsWith("transfer-encoding:")) {
                        chunked = true;
                    }
                }
                requests.incrementAndGet();
                long body = chunked ? readChunked(in) : skip(in, length);
                bodyBytes.addAndGet(body);
                if (path.equals("/endless")) {
                    out.write("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; ; i++) {
                        chunk(out, "{\"response\":\"token " + i + "\",\"done\":false}\n");
                        Thread.sleep(10);
                    }
                } else if (path.equals("/flood")) {
                    out.write("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    String piece = "{\"response\":\"" + "x".repeat(16 * 1024 - 32) + "\"}\n";
                    while (true) {
                        chunk(out, piece);
                        flooded.addAndGet(piece.length());
                    }
                } else if (path.equals("/stream")) {
                    out.write("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n"
                            .getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; i < STREAM_LINES; i++) {
                        chunk(out, "{\"response\":\"token " + i + "\",\"done\":" + (i == STREAM_LINES - 1) + "}\n");
                    }
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                } else {
                    byte[] answer = ("{\"received\":" + body + "}").getBytes(StandardCharsets.US_ASCII);
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + answer.length
                            + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.write(answer);
                }
                out.flush();
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the proxy went away: this connection is done
        } finally {
            open.decrementAndGet();
        }
    }

    private static void chunk(OutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private static long skip(InputStream in, long length) throws IOException {
        byte[] buffer = new byte[65536];
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException("body cut short");
            }
            left -= n;
        }
        return length;
    }

    private static long readChunked(InputStream in) throws IOException {
        long total = 0;
        while (true) {
            int size = Integer.parseInt(readLine(in).split(";")[0].trim(), 16);
            if (size == 0) {
                while (!readLine(in).isEmpty()) {
                    // trailers
                }
                return total;
            }
            total += skip(in, size);
            readLine(in);
        }
    }

    private static String readLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            if (b != '\r') {
                line.write(b);
            }
        }
        return b == -1 && line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
