package com.rpavision.gpurm.core.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rpavision.gpurm.testing.NoDelayServerSocketFactory;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the client sends and how it reads Ollama's real answers. */
class OllamaClientTest {

    private final ObjectMapper json = new ObjectMapper();
    private MockWebServer server;
    private OllamaClient client;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.setServerSocketFactory(new NoDelayServerSocketFactory());
        server.start(InetAddress.getLoopbackAddress(), 0);
        client = new OllamaClient(server.url("/").toString(), Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private void answer(String body) {
        server.enqueue(new MockResponse.Builder().addHeader("Content-Type", "application/json").body(body).build());
    }

    @Test
    void loadSendsNoPromptAndHoldsTheModelWithAFiniteLease() throws Exception {
        answer("{\"model\":\"qwen3-vl:8b\",\"created_at\":\"2026-11-30T08:00:00Z\",\"response\":\"\",\"done\":true,"
                + "\"done_reason\":\"load\",\"load_duration\":4200000000,\"brand_new_field\":{\"x\":1}}");

        LoadResult result = client.load("qwen3-vl:8b", java.util.Map.of(), java.time.Duration.ofMinutes(3));

        RecordedRequest request = server.takeRequest();
        assertThat(request.getMethod()).isEqualTo("POST");
        assertThat(request.getUrl().encodedPath()).isEqualTo("/api/generate");
        JsonNode body = json.readTree(request.getBody().utf8());
        assertThat(body.has("prompt")).isFalse();
        assertThat(body.path("keep_alive").asText()).as("a lease, never -1").isEqualTo("180s");
        assertThat(body.path("stream").asBoolean(true)).isFalse();
        assertThat(result.loadDuration()).isEqualTo(Duration.ofMillis(4200));
    }

    /**
     * tools/chaos/sigterm-during-load.py, SIGTERM at once after the switch to RECORDING: the stop's cancel came while
     * the load's request was being built, before OkHttp counted it as running, so it was missed and the stop waited
     * its 10 s limit for a 20 s load. Here the cancel comes as the options are serialised, the moment it came there.
     */
    @Test
    void aCancelThatComesWhileTheLoadIsBeingPreparedGivesItUpAndNothingReachesOllama() {
        answer("{\"model\":\"qwen3-vl:8b\",\"response\":\"\",\"done\":true,\"done_reason\":\"load\"}");
        java.util.Map<String, Object> cancelledWhileRead = new java.util.AbstractMap<>() {
            @Override
            public java.util.Set<Entry<String, Object>> entrySet() {
                client.cancelLoads(); // as the stop's thread does, while the load's thread is here
                return java.util.Map.<String, Object>of("num_ctx", 8192).entrySet();
            }
        };

        assertThatThrownBy(() -> client.load("qwen3-vl:8b", cancelledWhileRead, Duration.ofMinutes(3)))
                .isInstanceOfSatisfying(OllamaException.class,
                        e -> assertThat(e.kind()).isEqualTo(OllamaException.Kind.CANCELLED));
        assertThat(server.getRequestCount()).as("requests that reached Ollama").isZero();
    }

    /** The caller's own flag, set just before its cancelLoads(): read once the load is registered, so never missed. */
    @Test
    void aLoadItsCallerHasGivenUpIsNotSent() throws Exception {
        answer("{\"model\":\"qwen3-vl:8b\",\"response\":\"\",\"done\":true,\"done_reason\":\"load\"}");

        assertThatThrownBy(() -> client.load("qwen3-vl:8b", java.util.Map.of(), Duration.ofMinutes(3), () -> true))
                .isInstanceOfSatisfying(OllamaException.class,
                        e -> assertThat(e.kind()).isEqualTo(OllamaException.Kind.CANCELLED));
        assertThat(server.getRequestCount()).as("requests that reached Ollama").isZero();
        assertThat(client.load("qwen3-vl:8b", java.util.Map.of(), Duration.ofMinutes(3), () -> false).model())
                .as("the next load, not given up, is sent").isEqualTo("qwen3-vl:8b");
    }

    @Test
    void unloadSendsKeepAliveZero() throws Exception {
        answer("{\"model\":\"qwen3-vl:8b\",\"response\":\"\",\"done\":true,\"done_reason\":\"unload\"}");

        client.unload("qwen3-vl:8b");

        JsonNode body = json.readTree(server.takeRequest().getBody().utf8());
        assertThat(body.path("keep_alive").isNumber()).isTrue();
        assertThat(body.path("keep_alive").asInt()).isZero();
    }

    @Test
    void runningModelsReadsNanosecondExpiryWithOffsetAndIgnoresUnknownFields() throws Exception {
        answer("{\"models\":[{\"name\":\"llava:latest\",\"model\":\"llava:latest\",\"size\":5137025024,"
                + "\"digest\":\"8dd30f6b\",\"details\":{\"family\":\"llama\"},\"expires_at\":\"2024-06-04T14:38:31.83753-07:00\","
                + "\"size_vram\":5137025024,\"context_length\":4096,\"something_new\":true}]}");

        List<RunningModel> models = client.runningModels();

        assertThat(models).singleElement().satisfies(m -> {
            assertThat(m.sizeVramMb()).isEqualTo(4899);
            assertThat(m.expiresAt()).isEqualTo(OffsetDateTime.of(2024, 6, 4, 14, 38, 31, 837_530_000, ZoneOffset.ofHours(-7)));
            assertThat(m.is("llava")).as("a name without a tag means :latest").isTrue();
            assertThat(m.is("llava:13b")).isFalse();
        });
    }

    @Test
    void anUnchangedPsAnswerGivesTheSameListBackAndAChangedOneIsReadAgain() throws Exception {
        String one = "{\"models\":[{\"name\":\"a:1\",\"model\":\"a:1\",\"size\":1048576,\"size_vram\":1048576}]}";
        answer(one);
        answer(one);
        answer("{\"models\":[{\"name\":\"a:1\",\"model\":\"a:1\",\"size\":2097152,\"size_vram\":1048576}]}");
        answer("{\"error\":\"server busy\"}");

        List<RunningModel> first = client.runningModels();
        List<RunningModel> second = client.runningModels();
        List<RunningModel> third = client.runningModels();

        assertThat(second).as("the watcher reads an identical instance as no change").isSameAs(first);
        assertThat(third).isNotSameAs(first).singleElement().satisfies(m -> assertThat(m.sizeBytes()).isEqualTo(2097152));
        assertThatThrownBy(client::runningModels).as("an error answer is not mistaken for a cached list")
                .isInstanceOf(OllamaException.class).hasMessageContaining("server busy");
    }

    @Test
    void anUnreadableExpiryIsLeftOutRatherThanFailingTheList() throws Exception {
        answer("{\"models\":[{\"name\":\"a:1\",\"model\":\"a:1\",\"expires_at\":\"soon\"}]}");
        assertThat(client.runningModels()).singleElement().satisfies(m -> assertThat(m.expiresAt()).isNull());
    }

    @Test
    void versionReadsTheServerVersion() throws Exception {
        answer("{\"version\":\"0.12.6\"}");
        assertThat(client.version()).isEqualTo("0.12.6");
        assertThat(server.takeRequest().getUrl().encodedPath()).isEqualTo("/api/version");
    }

    @Test
    void modelNamesWithoutATagMeanLatest() {
        assertThat(ModelNames.normalize("qwen3-vl")).isEqualTo("qwen3-vl:latest");
        assertThat(ModelNames.normalize("qwen3-vl:8b")).isEqualTo("qwen3-vl:8b");
        assertThat(ModelNames.normalize("registry.local:5000/team/vlm")).isEqualTo("registry.local:5000/team/vlm:latest");
        assertThat(ModelNames.same("qwen3-vl", "qwen3-vl:latest")).isTrue();
    }
}
