package com.rpavision.gpurm.api;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The proxy's HTTP/1.1 server on the wire: raw requests, exact answers. */
class StreamingHttpServerTest {

    /** Echoes method, path and body, streamed as two pieces. */
    private final StreamingHttpServer server = start();

    private static StreamingHttpServer start() {
        try {
            return new StreamingHttpServer(InetAddress.getLoopbackAddress(), 0, 1024, "test-http", (request, response) -> {
                OutputStream out = response.begin(200, Map.of("Content-Type", List.of("text/plain")));
                out.write((request.method() + " " + request.uri().getPath() + "\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
                out.write(request.body());
            });
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String exchange(String raw) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
            socket.shutdownOutput();
            return readAll(socket.getInputStream());
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void streamsEachPieceAsOneChunkAndKeepsTheConnectionForTheNextRequest() throws IOException {
        String answer = exchange("POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                + "GET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(answer).isEqualTo("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "8\r\nPOST /a\n\r\n5\r\nhello\r\n0\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nGET /b\n");
    }

    @Test
    void readsAChunkedBodyAndAnswersExpectContinueFirst() throws IOException {
        String answer = exchange("POST /c HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n").endsWith("POST /c\nabcde");
    }

    @Test
    void answersHttp10UntilClose() throws IOException {
        assertThat(exchange("GET /old HTTP/1.0\r\nHost: x\r\n\r\n"))
                .isEqualTo("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nGET /old\n");
    }

    @Test
    void refusesABodyOverTheLimitBeforeReadingIt() throws IOException {
        String answer = exchange("POST /big HTTP/1.1\r\nHost: x\r\nContent-Length: 4096\r\nExpect: 100-continue\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 413 Content Too Large\r\n").contains("Connection: close\r\n")
                .endsWith("{\"error\":\"the body is larger than 1024 bytes\"}").doesNotContain("100 Continue");
    }

    @Test
    void refusesMalformedRequestsAndOversizedHeaders() throws IOException {
        assertThat(exchange("GARBAGE\r\n\r\n")).startsWith("HTTP/1.1 400 Bad Request\r\n")
                .endsWith("{\"error\":\"malformed request line\"}");
        String huge = "X-Filler: " + "a".repeat(70_000) + "\r\n";
        assertThat(exchange("GET / HTTP/1.1\r\nHost: x\r\n" + huge + "\r\n"))
                .startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n").contains("Connection: close");
    }

    @Test
    void aHeadAnswerHasNoBody() throws IOException {
        assertThat(exchange("HEAD /h HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))
                .isEqualTo("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n");
    }

    @Test
    void aSizedBodyKeepsItsContentLengthAndOneCutShortEndsTheConnection() throws IOException {
        try (StreamingHttpServer sized = new StreamingHttpServer(InetAddress.getLoopbackAddress(), 0, 1024, "test-sized",
                (request, response) -> {
                    OutputStream out = response.begin(200, Map.of("Content-Type", List.of("text/plain")), 10);
                    out.write(request.uri().getPath().equals("/short") ? "12345".getBytes(StandardCharsets.US_ASCII)
                            : "1234567890".getBytes(StandardCharsets.US_ASCII));
                });
             Socket socket = new Socket(InetAddress.getLoopbackAddress(), sized.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(("GET /full HTTP/1.1\r\nHost: x\r\n\r\nGET /short HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /never HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            String head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\n";
            assertThat(readAll(socket.getInputStream())).as("closed after the short body: no answer to /never")
                    .isEqualTo(head + "1234567890" + head + "12345");
        }
    }

    @Test
    void aHeadAnswerOfKnownSizeSaysTheSizeAndSendsNoBody() throws IOException {
        try (StreamingHttpServer sized = new StreamingHttpServer(InetAddress.getLoopbackAddress(), 0, 1024, "test-head",
                (request, response) -> response.begin(200, Map.of(), 1234).write(new byte[1234]));
             Socket socket = new Socket(InetAddress.getLoopbackAddress(), sized.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write("HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            assertThat(readAll(socket.getInputStream())).isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 1234\r\nConnection: close\r\n\r\n");
        }
    }
}
