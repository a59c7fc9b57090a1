package com.rpavision.gpurm.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.testing.ManagerFixture;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The control API against the real server on an ephemeral loopback port, with the manager over the fakes. */
class ControlApiServerTest {

    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private final ObjectMapper json = new ObjectMapper();
    private final OkHttpClient http = new OkHttpClient();
    private ManagerFixture f;
    private ControlApiServer server;
    private ApiToken token;

    @BeforeEach
    void start() throws Exception {
        f = ManagerFixture.create();
        token = ApiToken.random();
        server = new ControlApiServer(f.manager, InetAddress.getLoopbackAddress(), 0, token, Duration.ofSeconds(10), "ViT-B-32");
    }

    @AfterEach
    void stop() {
        server.close();
        f.close();
        http.connectionPool().evictAll();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    private Request.Builder authorized(String path) {
        return new Request.Builder().url(url(path)).header("Authorization", "Bearer " + token.value());
    }

    private record Answer(int code, JsonNode body) {
    }

    private Answer call(Request request) throws Exception {
        try (Response response = http.newCall(request).execute()) {
            String text = response.body().string();
            assertThat(response.header("Content-Type")).startsWith("application/json");
            assertThat(response.header("Access-Control-Allow-Origin")).as("never any CORS header").isNull();
            return new Answer(response.code(), json.readTree(text));
        }
    }

    private Answer post(String path, String body) throws Exception {
        return call(authorized(path).post(RequestBody.create(body, JSON_TYPE)).build());
    }

    @Test
    void aModeRequestWaitingForALoadWhenTheServerStopsIsAnswered503NotCut() throws Exception {
        f.ollama.holdLoads();
        java.util.concurrent.CompletableFuture<Answer> waiting = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return post("/api/v1/mode", "{\"mode\":\"recording\"}");
            } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        org.awaitility.Awaitility.await().until(() -> f.ollama.loadsUnderWay() == 1);

        server.stop(Duration.ofSeconds(1));
        Answer answer = waiting.get(10, java.util.concurrent.TimeUnit.SECONDS);
        f.ollama.finishHeldLoads(false);

        assertThat(answer.code()).isEqualTo(503);
        assertThat(answer.body().path("error").asText()).startsWith("shutting down");
        assertThat(new OpenApiContract().check("POST", "/api/v1/mode", 503, "application/json", answer.body().toString()))
                .as("documented").isEmpty();
    }

    @Test
    void theStatusIsAnsweredWhileEveryWorkerAndTheQueueWaitOnTheManager() throws Exception {
        f.ollama.holdLoads(); // each vlm/load waits on a load Ollama does not finish
        String load = "POST /api/v1/vlm/load HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nAuthorization: Bearer "
                + token.value() + "\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
        java.util.List<java.net.Socket> waiting = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 300; i++) {
                java.net.Socket socket = new java.net.Socket(InetAddress.getLoopbackAddress(), server.port());
                socket.getOutputStream().write(load.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                waiting.add(socket);
            }
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> f.ollama.loadsUnderWay() == 1);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                    post("/api/v1/vlm/load", "{}").code() == 503); // workers and queue full: no room for a waiting call

            Answer status = call(authorized("/api/v1/status").build());
            assertThat(status.code()).as("the status needs no worker").isEqualTo(200);
            assertThat(status.body().path("vlm_state").asText()).isEqualTo("loading");
        } finally {
            f.ollama.finishHeldLoads(false);
            for (java.net.Socket socket : waiting) {
                socket.close();
            }
        }
    }

    @Test
    void healthNeedsNoToken() throws Exception {
        Answer answer = call(new Request.Builder().url(url("/health")).build());
        assertThat(answer.code()).isEqualTo(200);
        assertThat(answer.body().path("status").asText()).isEqualTo("ok");
    }

    @Test
    void statusSaysWhatWasObservedAndWhen() throws Exception {
        f.switchTo(com.rpavision.gpurm.core.model.ExecutionMode.RECORDING);
        f.ollama.unloadOutside("qwen3-vl:8b");
        f.manager.observeOllama().join();

        JsonNode settling = call(authorized("/api/v1/status").build()).body();
        assertThat(settling.path("vlm_state").asText()).as("gone, at once").isEqualTo("unloaded");
        assertThat(settling.path("conditions").get(0).path("condition").asText()).isEqualTo("vlm_settling");
        assertThat(settling.path("last_drift").isNull()).as("no cause named before Ollama has settled").isTrue();

        f.clock.advance(java.time.Duration.ofSeconds(2));
        f.manager.observeOllama().join();
        JsonNode s = call(authorized("/api/v1/status").build()).body();

        assertThat(s.path("last_drift").path("cause").asText()).isEqualTo("unloaded_outside");
        assertThat(s.path("last_drift").path("expected").asText()).isEqualTo("loaded");
        assertThat(java.time.Instant.parse(s.path("vlm_observed_at").asText())).isEqualTo(f.clock.instant());
        assertThat(s.path("conditions").isArray()).isTrue();
        assertThat(s.path("vlm_state").asText()).as("reloaded").isEqualTo("loaded");
    }

    @Test
    void statusNamesTheModelEachOllamaRunnerHoldsAndNoneForOtherProcesses() throws Exception {
        f.switchTo(com.rpavision.gpurm.core.model.ExecutionMode.RECORDING);
        f.gpu.allocate("blender", 200);
        f.clock.advance(java.time.Duration.ofSeconds(2)); // the process list is read once a second
        f.vram.sample();

        JsonNode processes = call(authorized("/api/v1/status").build()).body().path("processes");

        java.util.Map<String, JsonNode> modelByName = new java.util.HashMap<>();
        processes.forEach(p -> modelByName.put(p.path("name").asText(), p.get("model")));
        assertThat(modelByName).containsOnlyKeys("ollama", "blender");
        assertThat(modelByName.get("ollama").asText()).isEqualTo("qwen3-vl:8b");
        assertThat(modelByName.get("blender").isNull()).as("present, and null").isTrue();
    }

    @Test
    void statusHasTheDesignsFieldsInSnakeCase() throws Exception {
        Answer answer = call(authorized("/api/v1/status").build());
        assertThat(answer.code()).isEqualTo(200);
        JsonNode s = answer.body();
        assertThat(s.path("execution_mode").asText()).isEqualTo("idle");
        assertThat(s.path("vlm_state").asText()).isEqualTo("unloaded");
        assertThat(s.path("vlm_model").asText()).isEqualTo("qwen3-vl:8b");
        assertThat(s.path("clip_device").asText()).isIn("cpu", "cuda");
        assertThat(s.path("vram").path("total_mb").asLong()).isEqualTo(11_400);
        assertThat(s.path("vram").path("gpu_name").asText()).isEqualTo("Fake RTX 4090");
        assertThat(s.path("vram").has("gpu_utilization_percent")).isTrue();
        assertThat(s.path("idle_timeout_seconds").asInt()).isEqualTo(300);
        assertThat(s.path("last_vlm_request").isNull()).isTrue();
        assertThat(s.path("degraded_mode").asBoolean()).isFalse();
        assertThat(s.has("degraded_reason")).isTrue();
    }

    @Test
    void theOllamaModelsListMarksTheVlmAndAnotherModelIsUnloadedOnRequestButNeverTheVlm() throws Exception {
        server.close();
        f.close();
        f = ManagerFixture.options().gpu(24_564, 600).build(); // room for both models
        server = new ControlApiServer(f.manager, InetAddress.getLoopbackAddress(), 0, token, Duration.ofSeconds(10), "ViT-B-32");
        f.ollama.install("llama3:8b", 5_000).preload("llama3:8b");
        assertThat(f.manager.ensureVlmLoaded()).isTrue();

        Answer list = call(authorized("/api/v1/ollama/models").build());
        assertThat(list.code()).isEqualTo(200);
        assertThat(list.body().path("models")).hasSize(2);
        for (JsonNode m : list.body().path("models")) {
            boolean vlm = m.path("name").asText().equals("qwen3-vl:8b");
            assertThat(m.path("is_vlm").asBoolean()).isEqualTo(vlm);
            assertThat(m.path("vram_mb").asLong()).isEqualTo(vlm ? 10_500 : 5_000);
        }

        Answer refused = post("/api/v1/ollama/unload", "{\"model\":\"qwen3-vl:8b\"}");
        assertThat(refused.code()).isEqualTo(409);
        assertThat(refused.body().path("error").asText()).contains("/api/v1/vlm/unload");
        assertThat(f.ollama.isResident("qwen3-vl:8b")).isTrue();

        Answer unloaded = post("/api/v1/ollama/unload", "{\"model\":\"llama3:8b\"}");
        assertThat(unloaded.code()).isEqualTo(200);
        assertThat(unloaded.body().path("vram_freed_mb").asLong()).isEqualTo(5_000);
        assertThat(f.ollama.isResident("llama3:8b")).isFalse();
        assertThat(f.ollama.isResident("qwen3-vl:8b")).isTrue();
        assertThat(f.count(com.rpavision.gpurm.core.model.EventType.OTHER_MODEL_UNLOADED)).isEqualTo(1);

        assertThat(post("/api/v1/ollama/unload", "{}").code()).isEqualTo(400);
        assertThat(post("/api/v1/ollama/unload", "{\"model\":\"llama3:8b\"}").body().path("reason").asText())
                .contains("not loaded");
    }

    @Test
    void statisticsComeFromTheJournal(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        var journal = new com.rpavision.gpurm.core.journal.Journal(dir, 1 << 20, 2);
        f.manager.onResourceChanged(journal::append);
        server.statisticsFrom(journal::read, f.clock);
        f.manager.ensureVlmLoaded();

        Answer answer = call(authorized("/api/v1/statistics").build());

        assertThat(answer.code()).isEqualTo(200);
        JsonNode today = answer.body().path("today");
        assertThat(today.path("vlm_loads").asInt()).isEqualTo(1);
        assertThat(today.path("load_p50_ms").isNumber()).isTrue();
        assertThat(today.path("seconds_in_mode").has("recording")).isTrue();
        assertThat(answer.body().path("this_week").path("vlm_loads").asInt()).isEqualTo(1);
    }

    @Test
    void freeingVramForRecordingUnloadsEveryOtherModelAndThenTheVlmFits() throws Exception {
        f.ollama.install("llama3:8b", 5_000).preload("llama3:8b");
        f.ollama.install("phi3:mini", 2_500).preload("phi3:mini");

        var results = f.manager.unloadOtherOllamaModels().get();

        assertThat(results).extracting(r -> r.model()).containsExactlyInAnyOrder("llama3:8b", "phi3:mini");
        assertThat(results).allMatch(r -> r.ok());
        assertThat(f.ollama.isResident("llama3:8b") || f.ollama.isResident("phi3:mini")).isFalse();
        assertThat(f.manager.ensureVlmLoaded()).isTrue();
    }

    @Test
    void freeTheGpuForRecordingUnloadsTheOtherModelsAndAnswersWithTheVlmLoaded() throws Exception {
        f.ollama.install("llama3:8b", 5_000).preload("llama3:8b");

        Answer answer = post("/api/v1/gpu/free-for-recording", "{}");

        assertThat(answer.code()).isEqualTo(200);
        assertThat(answer.body().path("unloaded")).singleElement().satisfies(u -> {
            assertThat(u.path("model").asText()).isEqualTo("llama3:8b");
            assertThat(u.path("ok").asBoolean()).isTrue();
        });
        assertThat(answer.body().path("vram_freed_mb").asLong()).isEqualTo(5_000);
        assertThat(answer.body().path("status").path("execution_mode").asText()).isEqualTo("recording");
        assertThat(answer.body().path("status").path("vlm_state").asText()).isEqualTo("loaded");
        assertThat(f.ollama.isResident("llama3:8b")).isFalse();
        assertThat(call(authorized("/api/v1/gpu/free-for-recording").get().build()).code()).isEqualTo(405);
    }

    @Test
    void aModeSwitchAnswersOnceTheTransitionHasCompleted() throws Exception {
        Answer answer = post("/api/v1/mode", "{\"mode\":\"recording\"}");
        assertThat(answer.code()).isEqualTo(200);
        assertThat(answer.body().path("execution_mode").asText()).isEqualTo("recording");
        assertThat(answer.body().path("vlm_state").asText()).isEqualTo("loaded");
        assertThat(f.ollama.isResident("qwen3-vl:8b")).isTrue();

        Answer autopilot = post("/api/v1/mode", "{\"mode\":\"AUTOPILOT\"}");
        assertThat(autopilot.body().path("vlm_state").asText()).isEqualTo("unloaded");
        assertThat(autopilot.body().path("clip_device").asText()).isEqualTo("cuda");
    }

    @Test
    void vlmLoadUnloadAndClipDeviceAnswerWithTheOutcome() throws Exception {
        Answer load = post("/api/v1/vlm/load", "{}");
        assertThat(load.body().path("loaded").asBoolean()).isTrue();
        assertThat(load.body().path("vlm_state").asText()).isEqualTo("loaded");

        Answer refused = post("/api/v1/clip/device", "{\"device\":\"cuda\"}");
        assertThat(refused.body().path("ok").asBoolean()).isFalse();
        assertThat(refused.body().path("clip_device").asText()).isEqualTo("cpu");
        assertThat(refused.body().path("reason").asText()).contains("VRAM insufficient");

        Answer unload = post("/api/v1/vlm/unload", "{}");
        assertThat(unload.body().path("loaded").asBoolean()).isFalse();
        Answer moved = post("/api/v1/clip/device", "{\"device\":\"cuda\"}");
        assertThat(moved.body().path("ok").asBoolean()).isTrue();
        assertThat(moved.body().path("clip_device").asText()).isEqualTo("cuda");
    }

    @Test
    void unloadingTheVlmInRecordingIsRefusedAndChangesNothing() throws Exception {
        assertThat(post("/api/v1/mode", "{\"mode\":\"recording\"}").body().path("vlm_state").asText()).isEqualTo("loaded");

        Answer refused = post("/api/v1/vlm/unload", "{}");

        assertThat(refused.code()).isEqualTo(409);
        assertThat(refused.body().path("error").asText()).contains("recording").contains("switch to idle or autopilot");
        assertThat(f.ollama.isResident("qwen3-vl:8b")).isTrue();
        assertThat(f.manager.isVlmLoaded()).isTrue();
        assertThat(post("/api/v1/mode", "{\"mode\":\"idle\"}").code()).isEqualTo(200);
        Answer unload = post("/api/v1/vlm/unload", "{}");
        assertThat(unload.code()).isEqualTo(200);
        assertThat(unload.body().path("loaded").asBoolean()).isFalse();
        assertThat(f.ollama.isResident("qwen3-vl:8b")).isFalse();
    }

    @Test
    void anImageGetsItsEmbedding() throws Exception {
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(64, 48, java.awt.image.BufferedImage.TYPE_INT_RGB);
        image.setRGB(10, 10, 0x3366cc);
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", png);

        Answer answer = call(authorized("/api/v1/clip/embed")
                .post(RequestBody.create(png.toByteArray(), MediaType.get("image/png"))).build());

        assertThat(answer.code()).isEqualTo(200);
        assertThat(answer.body().path("embedding")).hasSize(512);
        float[] direct = f.manager.embed(image);
        assertThat((float) answer.body().path("embedding").get(7).asDouble()).isEqualTo(direct[7]);
        assertThat(answer.body().path("clip_device").asText()).isEqualTo("cpu");
        assertThat(answer.body().path("model").asText()).isEqualTo("ViT-B-32");
    }

    @Test
    void anEventStreamShowsAModeSwitchInOrder() throws Exception {
        OkHttpClient streaming = http.newBuilder().readTimeout(Duration.ofSeconds(20)).build();
        try (Response response = streaming.newCall(authorized("/api/v1/events").build()).execute()) {
            assertThat(response.code()).isEqualTo(200);
            assertThat(response.header("Content-Type")).startsWith("text/event-stream");
            okio.BufferedSource source = response.body().source();
            assertThat(source.readUtf8LineStrict()).isEqualTo(": connected");

            new Thread(() -> {
                try {
                    post("/api/v1/mode", "{\"mode\":\"recording\"}");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).start();

            java.util.List<String> types = new java.util.ArrayList<>();
            while (!types.contains("model_loaded")) {
                String line = source.readUtf8LineStrict();
                if (line.startsWith("data: ")) {
                    JsonNode event = json.readTree(line.substring(6));
                    assertThat(event.path("timestamp").asText()).isNotBlank();
                    types.add(event.path("type").asText());
                }
            }
            assertThat(types).containsSubsequence("mode_changed", "model_loading", "model_loaded");
        }
    }

    @Test
    void theStopEndsAnOpenEventStreamAndAnswersTheNextOne503() throws Exception {
        OkHttpClient streaming = http.newBuilder().readTimeout(Duration.ofSeconds(10)).build();
        try (Response response = streaming.newCall(authorized("/api/v1/events").build()).execute()) {
            okio.BufferedSource source = response.body().source();
            assertThat(source.readUtf8LineStrict()).isEqualTo(": connected");
            server.stop(Duration.ofSeconds(5));
            source.readUtf8Line(); // the blank line after ": connected"
            assertThat(source.exhausted()).as("the stream ended, not cut after the read timeout").isTrue();
        }
    }

    @Test
    void atMostFourEventStreamsAreOpenAndAClosedOneFreesItsPlace() throws Exception {
        OkHttpClient streaming = http.newBuilder().readTimeout(Duration.ofSeconds(10)).build();
        java.util.List<Response> open = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < ControlApiServer.MAX_EVENT_CLIENTS; i++) {
                Response response = streaming.newCall(authorized("/api/v1/events").build()).execute();
                open.add(response);
                assertThat(response.body().source().readUtf8LineStrict()).isEqualTo(": connected");
            }
            Answer fifth = call(authorized("/api/v1/events").build());
            assertThat(fifth.code()).isEqualTo(503);
            assertThat(fifth.body().path("error").asText()).contains("too many event streams");
            open.remove(0).close();
            org.awaitility.Awaitility.await().untilAsserted(() -> {
                try (Response again = streaming.newCall(authorized("/api/v1/events").build()).execute()) {
                    assertThat(again.code()).isEqualTo(200);
                }
            });
        } finally {
            open.forEach(Response::close);
        }
    }

    static Stream<Arguments> hostileRequests() {
        String mode = "{\"mode\":\"recording\"}";
        return Stream.of(
                hostile("rebinding Host", 403, b -> b.url("/api/v1/mode").host("evil.example:11436").json(mode)),
                hostile("Host of another port", 403, b -> b.url("/api/v1/mode").host("127.0.0.1:1").json(mode)),
                hostile("hostile Origin", 403, b -> b.url("/api/v1/mode").origin("http://evil.example").json(mode)),
                hostile("Origin even on /health", 403, b -> b.url("/health").origin("null").get()),
                hostile("OPTIONS preflight", 403, b -> b.url("/api/v1/mode").method("OPTIONS")),
                hostile("no token", 401, b -> b.url("/api/v1/mode").noToken().json(mode)),
                hostile("wrong token", 401, b -> b.url("/api/v1/mode").token("0".repeat(64)).json(mode)),
                hostile("token in the query string", 400, b -> b.url("/api/v1/mode?token=TOKEN").noToken().json(mode)),
                hostile("text/plain POST", 415, b -> b.url("/api/v1/mode").body(mode, "text/plain")),
                hostile("oversized body", 413, b -> b.url("/api/v1/mode").json("{\"mode\":\"recording\",\"x\":\""
                        + "a".repeat(ControlApiServer.MAX_JSON_BODY) + "\"}")),
                hostile("malformed JSON", 400, b -> b.url("/api/v1/mode").json("{\"mode\": recording")),
                hostile("unknown mode", 400, b -> b.url("/api/v1/mode").json("{\"mode\":\"turbo\"}")),
                hostile("wrong method", 405, b -> b.url("/api/v1/mode").get()),
                hostile("load by GET", 405, b -> b.url("/api/v1/vlm/load").get()),
                hostile("unknown device", 400, b -> b.url("/api/v1/clip/device").json("{\"device\":\"tpu\"}")),
                hostile("an image that is not an image", 400, b -> b.url("/api/v1/clip/embed").body("GIF89a not really", "image/png")),
                hostile("an image of the wrong type", 415, b -> b.url("/api/v1/clip/embed").body("BM", "image/bmp")));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("hostileRequests")
    void hostileRequestsAreRefusedAndChangeNothing(String name, int status, UnaryOperator<HostileRequest> build) throws Exception {
        HostileRequest request = build.apply(new HostileRequest());
        Answer answer = call(request.build(this));
        assertThat(answer.code()).isEqualTo(status);
        assertThat(answer.body().path("error").asText()).isNotBlank().doesNotContain(token.value());
        assertThat(f.manager.getExecutionMode()).isEqualTo(ExecutionMode.IDLE);
        assertThat(f.ollama.loads.get()).isZero();
        assertThat(f.manager.getClipDevice()).isEqualTo("cpu");
    }

    private static Arguments hostile(String name, int status, UnaryOperator<HostileRequest> build) {
        return Arguments.of(name, status, build);
    }

    /** A request built to be refused. */
    static final class HostileRequest {
        private String path = "/";
        private String host;
        private String origin;
        private String tokenValue = "TOKEN";
        private String method = "GET";
        private String body;
        private String contentType;

        HostileRequest url(String p) { this.path = p; return this; }
        HostileRequest host(String h) { this.host = h; return this; }
        HostileRequest origin(String o) { this.origin = o; return this; }
        HostileRequest noToken() { this.tokenValue = null; return this; }
        HostileRequest token(String t) { this.tokenValue = t; return this; }
        HostileRequest get() { this.method = "GET"; return this; }
        HostileRequest method(String m) { this.method = m; return this; }
        HostileRequest json(String b) { return body(b, "application/json"); }
        HostileRequest body(String b, String type) { this.method = "POST"; this.body = b; this.contentType = type; return this; }

        Request build(ControlApiServerTest test) {
            String realToken = test.token.value();
            Request.Builder b = new Request.Builder().url(test.url(path.replace("TOKEN", realToken)));
            if (tokenValue != null) {
                b.header("Authorization", "Bearer " + tokenValue.replace("TOKEN", realToken));
            }
            if (host != null) {
                b.header("Host", host);
            }
            if (origin != null) {
                b.header("Origin", origin);
            }
            RequestBody requestBody = body == null ? null : RequestBody.create(body, MediaType.get(contentType));
            if ("OPTIONS".equals(method)) {
                b.method("OPTIONS", null);
            } else if ("POST".equals(method)) {
                b.post(requestBody);
            } else {
                b.get();
            }
            return b.build();
        }
    }

    @Test
    void theServerRefusesToListenBeyondLoopback() throws Exception {
        assertThatThrownBy(() -> new ControlApiServer(f.manager, InetAddress.getByName("0.0.0.0"), 0, token, Duration.ofSeconds(1), "ViT-B-32"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("loopback only");
    }

    @Test
    void theTokenFileIsReadableByTheUserOnly(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("api.json");
        token.writeInfo(file, 11436);
        com.rpavision.gpurm.testing.OwnerOnly.assertReadableByTheOwnerOnly(file);
        JsonNode info = json.readTree(file.toFile());
        assertThat(info.path("port").asInt()).isEqualTo(11436);
        assertThat(info.path("base_url").asText()).isEqualTo("http://127.0.0.1:11436");
        assertThat(token.matches(info.path("token").asText())).isTrue();
        assertThat(info.path("token").asText()).hasSize(64);
    }

    @Test
    void theWindowsAclGivesTheOwnerAloneEveryRight() throws Exception {
        java.nio.file.attribute.UserPrincipal owner = () -> "DESKTOP-58D5CAC\\operator";
        java.nio.file.attribute.AclEntry entry = ApiToken.ownerOnly(owner);
        assertThat(entry.type()).isEqualTo(java.nio.file.attribute.AclEntryType.ALLOW);
        assertThat(entry.principal()).isSameAs(owner);
        assertThat(entry.permissions()).containsAll(java.util.EnumSet.allOf(java.nio.file.attribute.AclEntryPermission.class));
    }
}
