package com.rpavision.gpurm.api;

import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.testing.ManagerFixture;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every path that can name a model, with the real manager behind the proxy (its Ollama look-alike loads the
 * VLM) and a recording upstream in front of which the proxy sits: the exact bytes that reach "Ollama".
 */
class OllamaProxyPathsTest {

    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final List<String> NATIVE = List.of("/api/generate", "/api/chat", "/api/embed", "/api/embeddings");
    private static final List<String> COMPAT = List.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings",
            "/v1/responses", "/v1/messages");
    /** What a client may send: its own keep_alive and num_ctx, a number Jackson's trees would turn into "Infinity". */
    private static final String SENT = "{\"model\":\"qwen3-vl:8b\", \"prompt\":\"p\",\"keep_alive\":\"5m\","
            + "\"options\":{\"num_ctx\":2048,\"temperature\":1e400},\"x\":[1.50,\"\\u00e9\"]}";

    private final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();
    private ProxyRig rig;
    private ManagerFixture f;
    private MockWebServer upstream;
    private OllamaProxyServer proxy;

    @BeforeEach
    void start() throws Exception {
        rig = new ProxyRig(request ->
                new MockResponse.Builder().addHeader("Content-Type", "application/json").body("{\"done\":true}").build());
        f = rig.f;
        upstream = rig.upstream;
    }

    private void proxy(String vlmOptions, boolean autopilotBlocksVlm) throws Exception {
        proxy = rig.proxy(vlmOptions, autopilotBlocksVlm);
    }

    @AfterEach
    void stop() {
        rig.close();
        http.connectionPool().evictAll();
    }

    private int post(String path, String body) throws Exception {
        try (Response response = http.newCall(new Request.Builder().url("http://127.0.0.1:" + proxy.port() + path)
                .post(RequestBody.create(body.getBytes(StandardCharsets.UTF_8), JSON_TYPE)).build()).execute()) {
            response.body().string();
            return response.code();
        }
    }

    private String received() throws InterruptedException {
        RecordedRequest request = upstream.takeRequest(5, TimeUnit.SECONDS);
        assertThat(request).as("the request reached Ollama").isNotNull();
        return new String(request.getBody().toByteArray(), StandardCharsets.UTF_8);
    }

    @Test
    void ollamasOwnPathsLoadTheVlmFirstAndGetKeepAliveAndTheOptionsSplicedIn() throws Exception {
        proxy("{\"num_ctx\":8192,\"num_batch\":256}", false);
        for (String path : NATIVE) {
            assertThat(post(path, SENT)).as(path).isEqualTo(200);
            assertThat(received()).as(path).isEqualTo("{\"model\":\"qwen3-vl:8b\", \"prompt\":\"p\",\"keep_alive\":\"3600s\","
                    + "\"options\":{\"num_ctx\":8192,\"temperature\":1e400,\"num_batch\":256},\"x\":[1.50,\"\\u00e9\"]}");
        }
        assertThat(f.manager.isVlmLoaded()).isTrue();
        assertThat(proxy.vlmRequests()).isEqualTo(NATIVE.size());
        assertThat(f.ollama.loads.get()).as("one load, before the first request went through").isEqualTo(1);
    }

    @Test
    void withoutVlmOptionsOnlyKeepAliveChanges() throws Exception {
        proxy("{}", false);
        assertThat(post("/api/chat", "{\"model\":\"qwen3-vl:8b\",\"messages\":[],\"n\":1e400}")).isEqualTo(200);
        assertThat(received()).isEqualTo("{\"model\":\"qwen3-vl:8b\",\"messages\":[],\"n\":1e400,\"keep_alive\":\"3600s\"}");
    }

    @Test
    void openAiStylePathsLoadTheVlmPassTheBodyAsSentAndTakeTheKeepAliveBackAfterwards() throws Exception {
        proxy("{\"num_ctx\":8192}", false);
        for (String path : COMPAT) {
            assertThat(post(path, SENT)).as(path).isEqualTo(200);
            assertThat(received()).as(path + ": no field to carry either").isEqualTo(SENT);
        }
        assertThat(proxy.vlmRequests()).isEqualTo(COMPAT.size());
        assertThat(f.manager.isVlmLoaded()).isTrue();
        // the first load, then the manager's keep-alive re-asserted after the answers (at most one per answer)
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(f.ollama.warmRequests.get()).isBetween(1, COMPAT.size()));
        assertThat(f.ollama.loads.get()).as("the same options: taking the keep-alive back reloads nothing").isEqualTo(1);
    }

    @Test
    void ollamasOwnPathsNeedNoReassertion() throws Exception {
        proxy("{}", false);
        for (String path : NATIVE) {
            assertThat(post(path, SENT)).isEqualTo(200);
            received();
        }
        Thread.sleep(300); // a re-assertion would be queued by now; none must come
        assertThat(f.ollama.loads.get() + f.ollama.keepAliveRequests.get()).isEqualTo(1);
    }

    @Test
    void anotherModelOnAManagedPathPassesUntouchedAndLoadsNothing() throws Exception {
        proxy("{\"num_ctx\":8192}", false);
        for (String path : List.of("/api/embeddings", "/v1/completions", "/v1/embeddings")) {
            String body = "{\"model\":\"llava:13b\",\"keep_alive\":\"5m\",\"prompt\":\"x\"}";
            assertThat(post(path, body)).isEqualTo(200);
            assertThat(received()).isEqualTo(body);
        }
        assertThat(f.ollama.loads.get()).isZero();
        assertThat(proxy.vlmRequests()).isZero();
    }

    @Test
    void inAutopilotEveryManagedPathIsBlockedWhenTheStationSaysSo() throws Exception {
        f.switchTo(ExecutionMode.AUTOPILOT);
        proxy("{}", true);
        for (String path : List.of("/api/embeddings", "/v1/completions", "/v1/embeddings", "/v1/chat/completions")) {
            assertThat(post(path, "{\"model\":\"qwen3-vl:8b\",\"input\":\"x\"}")).as(path).isEqualTo(409);
        }
        assertThat(upstream.getRequestCount()).isZero();
        assertThat(f.ollama.loads.get()).isZero();
    }
}
