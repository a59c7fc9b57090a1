package com.rpavision.gpurm.api;

import com.rpavision.gpurm.core.config.JsonObjectText;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.simulator.Ask;
import com.rpavision.gpurm.testing.ManagerFixture;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Another client reloads the VLM with other runner options (issue 22): when its request came through the manager's
 * proxy, the one drift names that client and what it asked; when it went to Ollama directly, it names no client.
 * The proxy forwards to the manager's own Ollama look-alike, which reloads the VLM at another size as Ollama does.
 */
class ProxiedReloadTest {

    private static final String VLM = "qwen3-vl:8b";
    private final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();

    private static ManagerFixture station() {
        ManagerFixture f = ManagerFixture.options().gpu(14_000, 600).build();
        f.ollama.scheduler().evictForVram(true).evictionGap(Duration.ofMillis(700)).loadTime(Duration.ofSeconds(3));
        return f;
    }

    private OllamaProxyServer proxy(ManagerFixture f, String vlmOptions) throws Exception {
        return new OllamaProxyServer(f.manager, f.server.url("/").toString(), Duration.ofSeconds(30),
                f.config.vlmModel(), false, JsonObjectText.parse(vlmOptions).orElseThrow(), InetAddress.getLoopbackAddress(), 0);
    }

    /** The request runs on its own thread: Ollama answers once the test clock has let the reload happen. */
    private CompletableFuture<Integer> chat(OllamaProxyServer proxy, String userAgent, String options) {
        String body = "{\"model\":\"" + VLM + "\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}],\"stream\":false,"
                + "\"options\":" + options + "}";
        return CompletableFuture.supplyAsync(() -> {
            Request.Builder request = new Request.Builder().url("http://127.0.0.1:" + proxy.port() + "/api/chat")
                    .post(RequestBody.create(body, MediaType.get("application/json")));
            if (userAgent != null) {
                request.header("User-Agent", userAgent);
            }
            try (Response response = http.newCall(request.build()).execute()) {
                return response.code();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
    }

    /** The request has reached the proxy and the manager (on a busy machine the test clock must not run ahead). */
    private static void arrived(OllamaProxyServer proxy) {
        org.awaitility.Awaitility.await().until(() -> proxy.vlmRequests() == 1);
    }

    private static void reloaded(ManagerFixture f) {
        f.watch(Duration.ofSeconds(20), () -> f.ollama.scheduler().sizeMbOf(VLM) == 11_268 && f.ollama.isServing(VLM)
                && f.manager.getVlmState() == ModelState.LOADED);
        f.watch(Duration.ofSeconds(3), () -> false); // nothing else is named afterwards
    }

    private static List<ResourceChangedEvent> drifts(ManagerFixture f) {
        return f.events.stream().filter(e -> e.type() == EventType.VLM_DRIFT).toList();
    }

    @Test
    void aReloadAskedThroughTheProxyNamesTheClientAndWhatItAsked() throws Exception {
        try (ManagerFixture f = station(); OllamaProxyServer proxy = proxy(f, "{}")) {
            f.switchTo(ExecutionMode.RECORDING);

            CompletableFuture<Integer> answer = chat(proxy, "rpa-agent/3.1 (recorder)", "{\"num_ctx\":16384,\"temperature\":0}");
            arrived(proxy);
            reloaded(f);

            assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo(200);
            assertThat(drifts(f)).singleElement().satisfies(d -> {
                assertThat(d.details()).containsEntry("cause", "reloaded_with_other_options")
                        .containsEntry("expected", "10500 MB").containsEntry("client", "rpa-agent/3.1 (recorder)");
                assertThat((String) d.details().get("observed")).startsWith("11268 MB")
                        .contains("through the proxy on /api/chat asked num_ctx=16384").doesNotContain("temperature");
            });
            assertThat(f.manager.getStatus().lastDrift().client()).isEqualTo("rpa-agent/3.1 (recorder)");
        }
    }

    @Test
    void optionsTheStationSetsAreNotCountedAsTheClients() throws Exception {
        try (ManagerFixture f = station(); OllamaProxyServer proxy = proxy(f, "{\"num_batch\":512}")) {
            f.switchTo(ExecutionMode.RECORDING);

            CompletableFuture<Integer> answer = chat(proxy, null, "{\"num_ctx\":16384,\"num_batch\":1024}");
            arrived(proxy);
            reloaded(f);

            assertThat(answer.get(10, TimeUnit.SECONDS)).isEqualTo(200);
            assertThat(drifts(f)).singleElement().satisfies(d -> {
                assertThat(d.details()).containsEntry("client", "okhttp/" + okhttp3.OkHttp.VERSION);
                assertThat((String) d.details().get("observed")).contains("asked num_ctx=16384").doesNotContain("num_batch");
            });
        }
    }

    @Test
    void aReloadByAClientThatWentToOllamaDirectlyNamesNoClientEvenAfterAnEarlierProxiedRequest() throws Exception {
        try (ManagerFixture f = station(); OllamaProxyServer proxy = proxy(f, "{}")) {
            f.switchTo(ExecutionMode.RECORDING);
            // a proxied request whose num_ctx is the runner's own: no reload, and it has ended long before
            assertThat(chat(proxy, "rpa-agent/3.1", "{\"num_ctx\":4096}").get(10, TimeUnit.SECONDS)).isEqualTo(200);
            f.watch(Duration.ofSeconds(5), () -> false);
            assertThat(drifts(f)).isEmpty();

            f.ollama.requestOutside(Ask.prompt(VLM, null).withOptions(Map.of("num_ctx", 16_384)));
            reloaded(f);

            assertThat(drifts(f)).singleElement().satisfies(d -> {
                assertThat(d.details()).containsEntry("cause", "reloaded_with_other_options").doesNotContainKey("client");
                assertThat((String) d.details().get("observed")).doesNotContain("proxy");
            });
        }
    }
}
