package com.rpavision.gpurm.api;

import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
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

/** Answers on the wire: framed as Ollama framed them. */
class OllamaProxyFramingTest {

    private static final String TAGS = "{\"models\":[{\"name\":\"qwen3-vl:8b\",\"size\":6606028800}]}";

    private ProxyRig rig;
    private MockWebServer upstream;
    private OllamaProxyServer proxy;

    @BeforeEach
    void start() throws Exception {
        rig = new ProxyRig(OllamaProxyFramingTest::answer);
        upstream = rig.upstream;
        proxy = rig.proxy("{}", false);
    }

    private static MockResponse answer(RecordedRequest request) {
        String path = request.getUrl().encodedPath();
        if (path.equals("/api/tags")) {
            MockResponse.Builder answer = new MockResponse.Builder().addHeader("Content-Type", "application/json; charset=utf-8");
            // a HEAD answer carries the GET's Content-Length (Go's net/http sends it), and no body
            return "HEAD".equals(request.getMethod())
                    ? answer.setHeader("Content-Length", TAGS.length()).build() : answer.body(TAGS).build(); // one CL, as Go sends
        }
        if (path.equals("/gzip")) {
            return new MockResponse.Builder().addHeader("Content-Encoding", "gzip").body("not really gzip").build();
        }
        return new MockResponse.Builder().addHeader("Content-Type", "application/x-ndjson")
                .chunkedBody("{\"response\":\"a\"}\n{\"done\":true}\n", 17).build();
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    /** The raw bytes of the proxy's answers to the requests, sent on one connection (the last closes it). */
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

    @Test
    void aSizedAnswerKeepsItsContentLengthAndIsNotReframedAsChunks() throws IOException {
        String answer = exchange("GET /api/tags HTTP/1.1\r\n" + host() + "Connection: close\r\n\r\n");
        assertThat(answer).isEqualTo("HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
                + "Content-Length: " + TAGS.length() + "\r\nConnection: close\r\n\r\n" + TAGS);
    }

    @Test
    void aHeadAnswerCarriesTheGetsHeadersAndTheConnectionGoesOn() throws IOException {
        String answer = exchange("HEAD /api/tags HTTP/1.1\r\n" + host() + "\r\n"
                + "GET /api/tags HTTP/1.1\r\n" + host() + "Connection: close\r\n\r\n");
        assertThat(answer).isEqualTo("HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
                + "Content-Length: " + TAGS.length() + "\r\n\r\n"
                + "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\n"
                + "Content-Length: " + TAGS.length() + "\r\nConnection: close\r\n\r\n" + TAGS);
    }

    @Test
    void aChunkedStreamStaysChunked() throws IOException {
        String answer = exchange("POST /api/pull HTTP/1.1\r\n" + host() + "Content-Length: 2\r\nConnection: close\r\n\r\n{}");
        assertThat(answer).startsWith("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nConnection: close\r\n\r\n")
                .endsWith("{\"response\":\"a\"}\n{\"done\":true}\n");
        String kept = exchange("POST /api/pull HTTP/1.1\r\n" + host() + "Content-Length: 2\r\n\r\n{}"
                + "GET /api/tags HTTP/1.1\r\n" + host() + "Connection: close\r\n\r\n");
        assertThat(kept).startsWith("HTTP/1.1 200 OK\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n")
                .contains("0\r\n\r\nHTTP/1.1 200 OK\r\n").endsWith(TAGS);
    }

    @Test
    void aCompressedAnswerTheClientAskedForPassesAsItCame() throws Exception {
        String answer = exchange("GET /gzip HTTP/1.1\r\n" + host() + "Accept-Encoding: gzip\r\nConnection: close\r\n\r\n");
        assertThat(answer).contains("Content-Encoding: gzip\r\n", "Content-Length: 15\r\n").endsWith("\r\n\r\nnot really gzip");
        assertThat(upstream.takeRequest().getHeaders().get("Accept-Encoding")).isEqualTo("gzip");
    }
}
