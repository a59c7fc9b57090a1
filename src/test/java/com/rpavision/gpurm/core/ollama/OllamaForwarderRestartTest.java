package com.rpavision.gpurm.core.ollama;

import com.rpavision.gpurm.testing.NoDelayServerSocketFactory;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Kept-alive connections that Ollama closed (it restarted) and requests it may have acted on. */
class OllamaForwarderRestartTest {

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    private MockWebServer ollama(int port, Dispatcher dispatcher) throws IOException {
        MockWebServer server = new MockWebServer();
        server.setServerSocketFactory(new NoDelayServerSocketFactory());
        server.setDispatcher(dispatcher);
        server.start(InetAddress.getLoopbackAddress(), port);
        open.add(server);
        return server;
    }

    /** The new Ollama on the old port, once the old listener has let go of it. */
    private MockWebServer restarted(int port, Dispatcher dispatcher) throws Exception {
        for (int attempt = 0; ; attempt++) {
            try {
                return ollama(port, dispatcher);
            } catch (java.net.BindException e) {
                if (attempt == 50) {
                    throw e;
                }
                Thread.sleep(100);
            }
        }
    }

    private static Dispatcher answering(String body, CountDownLatch together) {
        return new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
                together.countDown();
                together.await(5, TimeUnit.SECONDS); // hold both requests, so that each has its own connection
                return new MockResponse.Builder().body(body).build();
            }
        };
    }

    private OllamaForwarder forwarder(MockWebServer server) {
        OllamaForwarder forwarder = new OllamaForwarder(server.url("/").toString(), Duration.ofSeconds(5));
        open.add(forwarder);
        return forwarder;
    }

    private static String call(OllamaForwarder forwarder, String method, String path) throws IOException {
        ByteArrayOutputStream answer = new ByteArrayOutputStream();
        byte[] body = method.equals("GET") ? null : "{\"model\":\"qwen3-vl:8b\"}".getBytes(StandardCharsets.UTF_8);
        forwarder.forward(method, path, Map.of(), body, (status, headers, length) -> {
            answer.writeBytes((status + " ").getBytes(StandardCharsets.US_ASCII));
            return answer;
        });
        return answer.toString(StandardCharsets.UTF_8);
    }

    @Test
    void afterOllamaRestartedTheFirstRequestsGoOutOnNewConnections() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort(); // an explicit port: MockWebServer then sets SO_REUSEADDR, as Ollama's Go does
        }
        MockWebServer before = ollama(port, answering("old", new CountDownLatch(2)));
        OllamaForwarder forwarder = forwarder(before);
        ExecutorService two = Executors.newFixedThreadPool(2);
        List<Future<String>> first = List.of(two.submit(() -> call(forwarder, "GET", "/api/tags")),
                two.submit(() -> call(forwarder, "POST", "/api/show")));
        for (Future<String> answer : first) {
            assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("200 old");
        }
        two.shutdown();
        before.close(); // Ollama exits: both pooled connections are closed by it
        MockWebServer after = restarted(port, answering("new", new CountDownLatch(0)));

        // a POST at once (OkHttp checks a pooled connection itself only after 10 s idle), then a GET
        assertThat(call(forwarder, "POST", "/api/generate")).isEqualTo("200 new");
        assertThat(call(forwarder, "GET", "/api/tags")).isEqualTo("200 new");
        assertThat(after.getRequestCount()).as("each sent once to the new Ollama").isEqualTo(2);
    }

    /** Answers the first request, then reads the next one and closes the connection without an answer. */
    private static Dispatcher dropsTheSecond() {
        return new Dispatcher() {
            private int n;

            @Override
            public synchronized MockResponse dispatch(RecordedRequest request) {
                n++;
                MockResponse.Builder answer = new MockResponse.Builder().body("answer " + n);
                return n == 2 ? answer.onResponseStart(new SocketEffect.CloseSocket()).build() : answer.build();
            }
        };
    }

    @Test
    void aPostOllamaMayHaveActedOnIsNotReplayed() throws Exception {
        MockWebServer server = ollama(0, dropsTheSecond());
        OllamaForwarder forwarder = forwarder(server);
        assertThat(call(forwarder, "GET", "/api/tags")).isEqualTo("200 answer 1");

        assertThatThrownBy(() -> call(forwarder, "POST", "/api/pull")).isInstanceOf(IOException.class);
        assertThat(server.getRequestCount()).as("the pull reached Ollama once and only once").isEqualTo(2);
    }

    @Test
    void aGetThatFailedOnAReusedConnectionIsSentOnceMore() throws Exception {
        MockWebServer server = ollama(0, dropsTheSecond());
        OllamaForwarder forwarder = forwarder(server);
        assertThat(call(forwarder, "GET", "/api/tags")).isEqualTo("200 answer 1");

        assertThat(call(forwarder, "GET", "/api/ps")).isEqualTo("200 answer 3");
        assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void withOllamaGoneTheFailureIsReportedNotLooped() throws Exception {
        MockWebServer server = ollama(0, answering("x", new CountDownLatch(0)));
        OllamaForwarder forwarder = forwarder(server);
        server.close();
        assertThatThrownBy(() -> call(forwarder, "POST", "/api/generate")).isInstanceOf(IOException.class);
    }
}
