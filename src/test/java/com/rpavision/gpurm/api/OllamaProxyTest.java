package com.rpavision.gpurm.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rpavision.gpurm.testing.ManagerFixture;
import com.rpavision.gpurm.testing.NoDelayServerSocketFactory;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The Ollama-compatible proxy in front of the Ollama look-alike, with the real manager behind it. */
class OllamaProxyTest {

    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private final ObjectMapper json = new ObjectMapper();
    private final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
        http.connectionPool().evictAll();
    }

    private OllamaProxyServer proxy(ManagerFixture f, String endpoint) throws Exception {
        return proxy(f, endpoint, false);
    }

    private OllamaProxyServer proxy(ManagerFixture f, String endpoint, boolean autopilotBlocksVlm) throws Exception {
        OllamaProxyServer proxy = new OllamaProxyServer(f.manager, endpoint, Duration.ofSeconds(10),
                f.config.vlmModel(), autopilotBlocksVlm, InetAddress.getLoopbackAddress(), 0);
        open.add(proxy);
        return proxy;
    }

    private Response post(OllamaProxyServer proxy, String path, String body) throws Exception {
        return http.newCall(new Request.Builder().url("http://127.0.0.1:" + proxy.port() + path)
                .post(RequestBody.create(body, JSON_TYPE)).build()).execute();
    }

    @Test
    void aVlmRequestWaitingForTheLoadWhenTheProxyStopsIsAnswered503NotCut() throws Exception {
        ManagerFixture f = ManagerFixture.create();
        open.add(f);
        OllamaProxyServer proxy = proxy(f, f.config.ollamaEndpoint());
        f.ollama.holdLoads();
        ExecutorService client = Executors.newSingleThreadExecutor();
        Future<String[]> waiting = client.submit(() -> {
            try (Response response = post(proxy, "/api/generate", "{\"model\":\"qwen3-vl:8b\",\"prompt\":\"hi\",\"stream\":false}")) {
                return new String[] {String.valueOf(response.code()), response.body().string()};
            }
        });
        org.awaitility.Awaitility.await().until(() -> f.ollama.loadsUnderWay() == 1);

        proxy.stop(Duration.ofSeconds(5));
        String[] answer = waiting.get(10, TimeUnit.SECONDS);
        f.ollama.finishHeldLoads(false);
        client.shutdownNow();

        assertThat(answer[0]).isEqualTo("503");
        assertThat(json.readTree(answer[1]).path("error").asText()).startsWith("shutting down");
    }

    @Test
    void aVlmRequestLoadsTheModelFirstAndLeavesTheIdleTimerToTheManager() throws Exception {
        ManagerFixture f = ManagerFixture.create();
        open.add(f);
        OllamaProxyServer proxy = proxy(f, f.config.ollamaEndpoint());

        try (Response response = post(proxy, "/api/generate",
                "{\"model\":\"qwen3-vl:8b\",\"prompt\":\"classify this button\",\"stream\":false,\"keep_alive\":\"5m\"}")) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(json.readTree(response.body().string()).path("response").asText()).as("the simulator's answer")
                    .startsWith("tok tok");
        }

        assertThat(f.ollama.promptsWhileNotResident.get()).as("loaded before the request went through").isZero();
        assertThat(f.manager.isVlmLoaded()).isTrue();
        assertThat(f.manager.getStatus().lastVlmRequest()).as("the idle timer restarted").isNotNull();
        RecordedRequest forwarded = null;
        for (RecordedRequest r = f.server.takeRequest(1, TimeUnit.SECONDS); r != null; r = f.server.takeRequest(100, TimeUnit.MILLISECONDS)) {
            if (r.getBody() != null && r.getBody().utf8().contains("classify this button")) {
                forwarded = r;
            }
        }
        assertThat(forwarded).isNotNull();
        JsonNode body = json.readTree(forwarded.getBody().utf8());
        assertThat(body.path("keep_alive").asText()).as("rewritten: the manager's finite lease, never -1").isEqualTo("3600s");
        assertThat(forwarded.getHeaders().get("Host")).isEqualTo(f.server.getHostName() + ":" + f.server.getPort());
    }

    @Test
    void otherRequestsAndStreamsPassThroughByteForByte() throws Exception {
        ManagerFixture f = ManagerFixture.create();
        open.add(f);
        MockWebServer upstream = new MockWebServer();
        upstream.setServerSocketFactory(new NoDelayServerSocketFactory());
        upstream.start(InetAddress.getLoopbackAddress(), 0);
        open.add(upstream);
        StringBuilder ndjson = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            ndjson.append("{\"model\":\"llava:13b\",\"response\":\"token ").append(i).append(" é\",\"done\":false}\n");
        }
        ndjson.append("{\"model\":\"llava:13b\",\"response\":\"\",\"done\":true}\n");
        upstream.enqueue(new MockResponse.Builder().addHeader("Content-Type", "application/x-ndjson")
                .chunkedBody(ndjson.toString(), 97).build());
        OllamaProxyServer proxy = proxy(f, upstream.url("/").toString());

        try (Response response = post(proxy, "/api/chat", "{\"model\":\"llava:13b\",\"messages\":[]}")) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("Content-Type")).isEqualTo("application/x-ndjson");
            assertThat(response.body().string()).isEqualTo(ndjson.toString());
        }
        RecordedRequest forwarded = upstream.takeRequest();
        assertThat(forwarded.getBody().utf8()).as("another model: untouched").isEqualTo("{\"model\":\"llava:13b\",\"messages\":[]}");
        assertThat(f.ollama.loads.get()).as("no VLM load for another model").isZero();
    }

    @Test
    void fiftyConcurrentRequestsAllSucceed() throws Exception {
        ManagerFixture f = ManagerFixture.create();
        open.add(f);
        OllamaProxyServer proxy = proxy(f, f.config.ollamaEndpoint());
        ExecutorService pool = Executors.newFixedThreadPool(50);
        List<Future<Integer>> codes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            int n = i;
            codes.add(pool.submit(() -> {
                try (Response r = post(proxy, "/api/generate", "{\"model\":\"qwen3-vl:8b\",\"prompt\":\"p" + n + "\",\"stream\":false}")) {
                    return r.code();
                }
            }));
        }
        for (Future<Integer> code : codes) {
            assertThat(code.get(60, TimeUnit.SECONDS)).isEqualTo(200);
        }
        pool.shutdown();
        assertThat(f.ollama.loads.get()).as("one load for all of them").isEqualTo(1);
        assertThat(proxy.vlmRequests()).isEqualTo(50);
        try (ControlApiServer api = new ControlApiServer(f.manager, InetAddress.getLoopbackAddress(), 0, ApiToken.random(),
                Duration.ofSeconds(5), "ViT-B-32", proxy);
             Response metrics = http.newCall(new Request.Builder().url("http://127.0.0.1:" + api.port() + "/metrics").build()).execute()) {
            assertThat(MetricsTest.parse(metrics.body().string()))
                    .containsEntry("gpurm_proxy_requests_total{kind=\"vlm\"}", 50.0)
                    .containsEntry("gpurm_proxy_requests_total{kind=\"other\"}", 0.0);
        }
        assertThat(f.ollama.prompts.get()).isEqualTo(50);
        assertThat(f.ollama.promptsWhileNotResident.get()).isZero();
    }

    @Test
    void withOllamaDownTheAgentGetsA502SayingWhyAndTheManagerIsDegraded() throws Exception {
        ManagerFixture f = ManagerFixture.create();
        open.add(f);
        OllamaProxyServer proxy = proxy(f, f.config.ollamaEndpoint());
        f.ollama.setDown(true);

        try (Response response = post(proxy, "/api/generate", "{\"model\":\"qwen3-vl:8b\",\"prompt\":\"x\"}")) {
            assertThat(response.code()).isEqualTo(502);
            assertThat(json.readTree(response.body().string()).path("error").asText()).contains("not reachable", "ollama serve");
        }
        assertThat(f.manager.getStatus().degradedMode()).isTrue();
    }

    @Test
    void inAutopilotAVlmRequestLoadsOnDemandUnlessTheStationBlocksIt() throws Exception {
        ManagerFixture f = ManagerFixture.create();
        open.add(f);
        f.switchTo(com.rpavision.gpurm.core.model.ExecutionMode.AUTOPILOT);
        OllamaProxyServer blocking = proxy(f, f.config.ollamaEndpoint(), true);
        try (Response refused = post(blocking, "/api/generate", "{\"model\":\"qwen3-vl:8b\",\"prompt\":\"x\"}")) {
            assertThat(refused.code()).isEqualTo(409);
            assertThat(json.readTree(refused.body().string()).path("error").asText()).contains("autopilot");
        }
        assertThat(f.ollama.loads.get()).isZero();

        OllamaProxyServer onDemand = proxy(f, f.config.ollamaEndpoint(), false);
        try (Response served = post(onDemand, "/api/generate", "{\"model\":\"qwen3-vl:8b\",\"prompt\":\"x\",\"stream\":false}")) {
            assertThat(served.code()).isEqualTo(200);
        }
        assertThat(f.ollama.loads.get()).isEqualTo(1);
    }

    @Test
    void theProxyChecksHostAndOriginButAsksNoToken() throws Exception {
        ManagerFixture f = ManagerFixture.create();
        open.add(f);
        OllamaProxyServer proxy = proxy(f, f.config.ollamaEndpoint());
        try (Response rebinding = http.newCall(new Request.Builder().url("http://127.0.0.1:" + proxy.port() + "/api/version")
                .header("Host", "evil.example:11435").build()).execute();
             Response page = http.newCall(new Request.Builder().url("http://127.0.0.1:" + proxy.port() + "/api/version")
                     .header("Origin", "https://evil.example").build()).execute();
             Response plain = http.newCall(new Request.Builder().url("http://127.0.0.1:" + proxy.port() + "/api/version").build()).execute()) {
            assertThat(rebinding.code()).isEqualTo(403);
            assertThat(page.code()).isEqualTo(403);
            assertThat(plain.code()).isEqualTo(200);
            assertThat(plain.body().string()).contains("0.12.6");
        }
    }
}
