package com.rpavision.gpurm.api;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hostile table of issue 24, as an attacker on the same machine would send it: each ambiguous or malformed
 * request is refused with the answer RFC 9112 asks for, the connection is closed, and nothing reaches Ollama.
 */
class OllamaProxyHostileInputTest {

    private ProxyRig rig;
    private MockWebServer upstream;
    private OllamaProxyServer proxy;

    @BeforeEach
    void start() throws Exception {
        rig = new ProxyRig(request -> new MockResponse.Builder().addHeader("Content-Type", "application/json")
                .body("{\"ok\":true}").build());
        upstream = rig.upstream;
        proxy = rig.proxy("{}", false);
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    /** Everything the proxy sent before it closed the connection (a test fails on a timeout instead). */
    private String exchange(String raw) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            socket.setSoTimeout(5_000);
            socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            return all.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private String host() {
        return "Host: 127.0.0.1:" + proxy.port() + "\r\n";
    }

    private String pipelinedGet() {
        return "GET /api/tags HTTP/1.1\r\n" + host() + "\r\n";
    }

    private static int answers(String wire) {
        return wire.split("HTTP/1\\.1 ", -1).length - 1;
    }

    @Test
    void contentLengthWithTransferEncodingIsRefusedAndThePipelinedRequestNeverRuns() throws IOException {
        String answer = exchange("POST /api/pull HTTP/1.1\r\n" + host() + "Content-Length: 5\r\n"
                + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + pipelinedGet());
        assertThat(answer).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("Connection: close\r\n")
                .contains("Content-Length and Transfer-Encoding");
        assertThat(answers(answer)).as("one answer, then closed").isEqualTo(1);
        assertThat(upstream.getRequestCount()).as("neither request reached Ollama").isZero();
    }

    @Test
    void twoDifferentContentLengthsAreRefused() throws IOException {
        String answer = exchange("POST /api/pull HTTP/1.1\r\n" + host() + "Content-Length: 2\r\nContent-Length: 20\r\n\r\n"
                + "{}" + pipelinedGet());
        assertThat(answer).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("Connection: close\r\n");
        assertThat(answers(answer)).isEqualTo(1);
        assertThat(upstream.getRequestCount()).isZero();
    }

    @Test
    void anUnknownTransferCodingIsNotImplemented() throws IOException {
        String answer = exchange("POST /api/pull HTTP/1.1\r\n" + host() + "Transfer-Encoding: xchunked\r\n"
                + "Content-Length: 2\r\n\r\n{}" + pipelinedGet());
        assertThat(answer).startsWith("HTTP/1.1 501 Not Implemented\r\n").contains("Connection: close\r\n", "Transfer-Encoding");
        assertThat(answers(answer)).isEqualTo(1);
        assertThat(upstream.getRequestCount()).isZero();
    }

    @Test
    void aBadChunkSizeIsRefusedAndTheConnectionClosed() throws IOException {
        String answer = exchange("POST /api/generate HTTP/1.1\r\n" + host() + "Transfer-Encoding: chunked\r\n\r\n"
                + "zz\r\nhello\r\n0\r\n\r\n" + pipelinedGet());
        assertThat(answer).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("Connection: close\r\n", "chunk");
        assertThat(answers(answer)).isEqualTo(1);
        assertThat(upstream.getRequestCount()).isZero();
    }

    @Test
    void aNegativeContentLengthIsRefused() throws IOException {
        String answer = exchange("POST /api/pull HTTP/1.1\r\n" + host() + "Content-Length: -5\r\n\r\n" + pipelinedGet());
        assertThat(answer).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("Connection: close\r\n");
        assertThat(answers(answer)).isEqualTo(1);
        assertThat(upstream.getRequestCount()).isZero();
    }

    @Test
    void oversizedOrTooManyHeadersAreRefused() throws IOException {
        assertThat(exchange("GET /api/tags HTTP/1.1\r\n" + host() + "X-Filler: " + "a".repeat(70_000) + "\r\n\r\n"))
                .startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n").contains("Connection: close\r\n");
        assertThat(exchange("GET /" + "a".repeat(9_000) + " HTTP/1.1\r\n" + host() + "\r\n"))
                .startsWith("HTTP/1.1 414 ").contains("Connection: close\r\n");
        assertThat(exchange("GET /api/tags HTTP/1.1\r\n" + host() + "X-Many: 1\r\n".repeat(101) + "\r\n"))
                .startsWith("HTTP/1.1 431 ").contains("more than 100 header fields");
        assertThat(upstream.getRequestCount()).isZero();
    }

    @Test
    void aMalformedRequestLineIsRefused() throws IOException {
        assertThat(exchange("GARBAGE\r\n\r\n")).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("Connection: close\r\n");
        assertThat(upstream.getRequestCount()).isZero();
    }
}
