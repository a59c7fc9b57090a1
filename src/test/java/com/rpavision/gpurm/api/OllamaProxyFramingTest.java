package com.rpavision.gpurm.api;

import com.rpavision.gpurm.core.ollama.OllamaForwarder;
import com.rpavision.gpurm.testing.ManagerFixture;
import com.rpavision.gpurm.testing.NoDelayServerSocketFactory;
import mockwebserver3.Dispatcher;
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
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Answers on the wire: framed as Ollama framed them. */
class OllamaProxyFramingTest {

    private static final String TAGS = "{\"models\":[{\"name\":\"qwen3-vl:8b\",\"size\":6606028800}]}";

    private final MockWebServer upstream = new MockWebServer();
    private ManagerFixture f;
    private OllamaProxyServer proxy;

    @BeforeEach
    void start() throws Exception {
        f = ManagerFixture.create();
        upstream.setServerSocketFactory(new NoDelayServerSocketFactory());
        upstream.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String path = request.getUrl().encodedPath();
                if (path.equals("/api/tags")) {
                    MockResponse.Builder answer = new MockResponse.Builder().addHeader("Content-Type", "application/json; charset=utf-8");
                    // a HEAD answer carries the GET's Content-Length (Go's net/http sends it), and no body
                    return "HEAD".equals(request.getMethod())
                            ? answer.addHeader("Content-Length", TAGS.length()).build() : answer.body(TAGS).build();
                }
                if (path.equals("/gzip")) {
                    return new MockResponse.Builder().addHeader("Content-Encoding", "gzip").body("not really gzip").build();
                }
                return new MockResponse.Builder().addHeader("Content-Type", "application/x-ndjson")
                        .chunkedBody("{\"response\":\"a\"}\n{\"done\":true}\n", 17).build();
            }
        });
        upstream.start(InetAddress.getLoopbackAddress(), 0);
        proxy = new OllamaProxyServer(f.manager, new OllamaForwarder(upstream.url("/").toString(), Duration.ofSeconds(10)),
                f.config.vlmModel(), false, InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() throws Exception {
        proxy.close();
        upstream.close();
        f.close();
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
