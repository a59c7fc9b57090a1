package com.rpavision.gpurm.api;

import com.rpavision.gpurm.testing.ManagerFixture;
import com.rpavision.gpurm.testing.NoDelayServerSocketFactory;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Kept-alive upstream connections that Ollama closed (it restarted), and requests it may have acted on. */
class OllamaProxyRestartTest {

    private final List<AutoCloseable> open = java.util.Collections.synchronizedList(new ArrayList<>()); // the acceptors add too
    private final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(10)).build();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        http.connectionPool().evictAll();
    }

    private MockWebServer ollama(int port, Dispatcher dispatcher) throws IOException {
        MockWebServer server = new MockWebServer();
        server.setServerSocketFactory(new NoDelayServerSocketFactory());
        server.setDispatcher(dispatcher);
        server.start(InetAddress.getLoopbackAddress(), port);
        open.add(server);
        return server;
    }

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

    private OllamaProxyServer proxy(MockWebServer server) throws IOException {
        return proxy(server.url("/").toString(), Duration.ofSeconds(5));
    }

    private OllamaProxyServer proxy(String endpoint, Duration upstreamIdleTimeout) throws IOException {
        ManagerFixture f = ManagerFixture.create();
        open.add(f);
        OllamaProxyServer proxy = new OllamaProxyServer(f.manager, endpoint, upstreamIdleTimeout,
                f.config.vlmModel(), false, InetAddress.getLoopbackAddress(), 0);
        open.add(proxy);
        return proxy;
    }

    /** An Ollama that accepts, reads the request head, then does {@code then} with the socket (no answer). */
    private String misbehaving(java.util.function.Consumer<Socket> then) throws IOException {
        ServerSocket server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        open.add(server);
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    open.add(socket);
                    java.io.InputStream in = socket.getInputStream();
                    for (int ends = 0, b; ends < 4 && (b = in.read()) >= 0; ) {
                        ends = (b == '\r' || b == '\n') ? ends + 1 : 0; // up to the blank line after the head
                    }
                    then.accept(socket);
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        return "http://127.0.0.1:" + server.getLocalPort();
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

    private String call(OllamaProxyServer proxy, String method, String path) throws IOException {
        RequestBody body = method.equals("GET") ? null : RequestBody.create("{\"model\":\"llava:13b\"}", MediaType.get("application/json"));
        try (Response response = http.newCall(new Request.Builder().url("http://127.0.0.1:" + proxy.port() + path)
                .method(method, body).build()).execute()) {
            return response.code() + " " + response.body().string();
        }
    }

    @Test
    void afterOllamaRestartedTheFirstRequestsGoOutOnNewConnections() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        MockWebServer before = ollama(port, answering("old", new CountDownLatch(2)));
        OllamaProxyServer proxy = proxy(before);
        ExecutorService two = Executors.newFixedThreadPool(2);
        List<Future<String>> first = List.of(two.submit(() -> call(proxy, "GET", "/api/tags")),
                two.submit(() -> call(proxy, "POST", "/api/show")));
        for (Future<String> answer : first) {
            assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo("200 old");
        }
        two.shutdown();
        before.close(); // Ollama exits: both pooled connections are closed by it
        MockWebServer after = restarted(port, answering("new", new CountDownLatch(0)));

        assertThat(call(proxy, "POST", "/api/generate")).isEqualTo("200 new");
        assertThat(call(proxy, "GET", "/api/tags")).isEqualTo("200 new");
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
    void aPostOllamaMayHaveActedOnIsNotReplayedAndThe502SaysWhatHappened() throws Exception {
        MockWebServer server = ollama(0, dropsTheSecond());
        OllamaProxyServer proxy = proxy(server);
        assertThat(call(proxy, "GET", "/api/tags")).isEqualTo("200 answer 1");

        assertThat(call(proxy, "POST", "/api/pull")).startsWith("502 ").contains("closed the connection before answering");
        assertThat(server.getRequestCount()).as("the pull reached Ollama once and only once").isEqualTo(2);
    }

    @Test
    void aGetThatFailedOnAReusedConnectionIsSentOnceMore() throws Exception {
        MockWebServer server = ollama(0, dropsTheSecond());
        OllamaProxyServer proxy = proxy(server);
        assertThat(call(proxy, "GET", "/api/tags")).isEqualTo("200 answer 1");

        assertThat(call(proxy, "GET", "/api/ps")).isEqualTo("200 answer 3");
        assertThat(server.getRequestCount()).isEqualTo(3);
    }

    @Test
    void withOllamaGoneThe502SaysTheConnectionWasRefusedAndNothingLoops() throws Exception {
        MockWebServer server = ollama(0, answering("x", new CountDownLatch(0)));
        OllamaProxyServer proxy = proxy(server);
        server.close();
        assertThat(call(proxy, "POST", "/api/generate")).startsWith("502 ").contains("connection refused", "ollama serve");
    }

    @Test
    void whenOllamaThatAnsweredBeforeRefusesThe502SaysItIsProbablyRestartingNotToStartIt() throws Exception {
        MockWebServer server = ollama(0, answering("x", new CountDownLatch(0)));
        OllamaProxyServer proxy = proxy(server);
        assertThat(call(proxy, "GET", "/api/tags")).isEqualTo("200 x");
        server.close();
        assertThat(call(proxy, "GET", "/api/tags")).startsWith("502 ")
                .contains("refused the connection", "probably restarting").doesNotContain("ollama serve");
    }

    @Test
    void whenOllamaResetsTheConnectionThe502SaysSo() throws Exception {
        OllamaProxyServer proxy = proxy(misbehaving(socket -> {
            try {
                socket.setSoLinger(true, 0);
                socket.close();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }), Duration.ofSeconds(5));
        assertThat(call(proxy, "POST", "/api/pull")).startsWith("502 ").contains("reset the connection before answering")
                .doesNotContain("ollama serve");
    }

    @Test
    void whenOllamaSaysNothingThe502SaysItTimedOut() throws Exception {
        OllamaProxyServer proxy = proxy(misbehaving(socket -> { }), Duration.ofSeconds(1));
        assertThat(call(proxy, "POST", "/api/pull")).startsWith("502 ").contains("sent nothing for 1 s (timed out)")
                .doesNotContain("ollama serve");
    }
}
