package com.rpavision.gpurm.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.testing.FakeOllama;
import com.rpavision.gpurm.testing.ManagerFixture;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The document cannot drift from the code: the real {@link ControlApiServer}, over the manager's fakes, is asked
 * every documented operation (and refused in every documented way), and each answer is validated against
 * {@code docs/openapi.yaml}. Every object schema there is closed, so a field the server starts sending fails here
 * until it is documented.
 */
class OpenApiContractTest {

    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OpenApiContract CONTRACT = new OpenApiContract();
    private static final AtomicInteger TESTS_RUN = new AtomicInteger();
    /** What the fakes cannot provoke: a manager that throws, and a CLIP move or Ollama unload that outlasts the wait. */
    private static final Set<String> NOT_PROVOKED = Set.of(
            "POST /api/v1/mode 500", "POST /api/v1/vlm/load 500", "POST /api/v1/vlm/unload 500",
            "POST /api/v1/vlm/unload 504", "POST /api/v1/clip/device 500", "POST /api/v1/clip/device 504",
            "POST /api/v1/ollama/unload 500", "POST /api/v1/ollama/unload 504", "POST /api/v1/gpu/free-for-recording 500");

    private final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();
    private ManagerFixture f;
    private ControlApiServer server;
    private ApiToken token;

    @BeforeEach
    void start() throws Exception {
        TESTS_RUN.incrementAndGet();
        f = ManagerFixture.options().gpu(24_564, 600).build(); // room for the VLM, CLIP and another model
        token = ApiToken.random();
        server = new ControlApiServer(f.manager, InetAddress.getLoopbackAddress(), 0, token, Duration.ofSeconds(10), "ViT-B-32");
    }

    @AfterEach
    void stop() {
        server.close();
        f.close();
        http.connectionPool().evictAll();
    }

    /**
     * Once every test ran: every documented operation and response was seen, but for those the fakes cannot
     * provoke. (Skipped when only some of the tests run.)
     */
    @AfterAll
    static void everyDocumentedResponseWasSeen() {
        long tests = Arrays.stream(OpenApiContractTest.class.getDeclaredMethods()).filter(m -> m.isAnnotationPresent(Test.class)).count();
        if (TESTS_RUN.get() < tests) {
            return;
        }
        Set<String> missing = new TreeSet<>(CONTRACT.documentedResponses());
        missing.removeAll(CONTRACT.seen);
        missing.removeAll(NOT_PROVOKED);
        assertThat(missing).as("documented responses no test saw").isEmpty();
        assertThat(CONTRACT.documentedResponses()).as("every exception is still documented").containsAll(NOT_PROVOKED);
    }

    // ---- the document itself

    @Test
    void everyPathTheServerRoutesIsDocumentedAndNoOther() throws Exception {
        // the routes the server admits, and the cases that answer them (the server's and its operations')
        Set<String> routed = new TreeSet<>(ControlApiServer.routedPaths());
        Set<String> answered = new TreeSet<>();
        for (String file : List.of("ControlApiServer.java", "ControlApiOperations.java")) {
            Matcher m = Pattern.compile("case \"(/[^\"]*)\" ->").matcher(Files.readString(Path.of("src/main/java/com/rpavision/gpurm/api/" + file)));
            while (m.find()) {
                answered.add(m.group(1));
            }
        }
        assertThat(answered).as("each admitted route has its answer").isEqualTo(routed);
        Set<String> documented = new TreeSet<>();
        CONTRACT.document.path("paths").fieldNames().forEachRemaining(documented::add);
        assertThat(routed).hasSizeGreaterThan(10);
        assertThat(documented).isEqualTo(routed);
    }

    @Test
    void everyConditionIsNamedInTheDocument() {
        Set<String> documented = new TreeSet<>();
        CONTRACT.at("/components/schemas/ConditionName/enum").forEach(name -> documented.add(name.asText()));
        assertThat(documented).as("a new condition needs its name in docs/openapi.yaml").isEqualTo(
                Arrays.stream(com.rpavision.gpurm.core.model.Condition.values())
                        .map(com.rpavision.gpurm.core.model.Condition::wireName).collect(Collectors.toCollection(TreeSet::new)));
    }

    @Test
    void everyEventTypeHasItsOwnClosedSchema() {
        JsonNode mapping = CONTRACT.at("/components/schemas/Event/discriminator/mapping");
        Set<String> types = Arrays.stream(EventType.values()).map(EventType::wireName).collect(Collectors.toCollection(TreeSet::new));
        Set<String> mapped = new TreeSet<>();
        mapping.fieldNames().forEachRemaining(mapped::add);
        assertThat(mapped).as("a new event type needs its schema in docs/openapi.yaml").isEqualTo(types);
        List<String> oneOf = new ArrayList<>();
        CONTRACT.at("/components/schemas/Event/oneOf").forEach(ref -> oneOf.add(ref.path("$ref").asText()));
        mapping.fields().forEachRemaining(e -> {
            assertThat(oneOf).contains(e.getValue().asText());
            assertThat(CONTRACT.at(e.getValue().asText().substring(1) + "/properties/type/const").asText()).isEqualTo(e.getKey());
        });
        String event = "/components/schemas/Event";
        assertThat(CONTRACT.validate(event, "{\"type\":\"mode_changed\",\"timestamp\":\"2026-11-30T08:00:00Z\","
                + "\"details\":{\"from\":\"idle\",\"to\":\"recording\"}}")).isEmpty();
        assertThat(CONTRACT.validate(event, "{\"type\":\"mode_changed\",\"timestamp\":\"2026-11-30T08:00:00Z\","
                + "\"details\":{\"from\":\"idle\",\"to\":\"recording\",\"cause\":\"x\"}}")).as("a new detail").isNotEmpty();
        assertThat(CONTRACT.validate(event, "{\"type\":\"vlm_drift\",\"timestamp\":\"2026-11-30T08:00:00Z\",\"details\":{}}"))
                .as("a new type").isNotEmpty();
        assertThat(CONTRACT.validate(event, "{\"type\":\"mode_changed\",\"timestamp\":\"yesterday\","
                + "\"details\":{\"from\":\"idle\",\"to\":\"recording\"}}")).as("formats are asserted").isNotEmpty();
    }

    @Test
    void everyObjectSchemaIsClosedButTheDocumentItself() {
        List<String> open = new ArrayList<>();
        List<String> explicitlyOpen = new ArrayList<>();
        walk(CONTRACT.document, "", (pointer, node) -> {
            boolean object = node.path("type").asText().equals("object") || node.has("properties");
            if (!object || pointer.contains("/examples")) {
                return;
            }
            JsonNode additional = node.path("additionalProperties");
            if (additional.isBoolean() && additional.asBoolean()) {
                explicitlyOpen.add(pointer);
            } else if (!(additional.isBoolean() && !additional.asBoolean())) {
                open.add(pointer);
            }
        });
        assertThat(open).as("object schemas without additionalProperties: false").isEmpty();
        String served = "/paths/~1api~1v1~1openapi.json/get/responses/200/content/application~1json/schema";
        assertThat(explicitlyOpen).as("the served document and its parts").containsExactly(served,
                served + "/properties/info", served + "/properties/paths", served + "/properties/components");
    }

    @Test
    void noDescriptionIsCutAtACommaIntoAStrayKey() {
        // YAML's flow mappings end an unquoted scalar at a comma: {description: What went wrong, for a person}
        // would make "for a person" a key of its own, with no value (issue 26).
        List<String> stray = new ArrayList<>();
        walk(CONTRACT.document, "", (pointer, node) -> node.fields().forEachRemaining(e -> {
            if (e.getValue().isNull()) {
                stray.add(pointer + "/" + e.getKey());
            }
        }));
        assertThat(stray).as("keys without a value").isEmpty();
        assertThat(CONTRACT.at("/components/schemas/Error/properties/error/description").asText())
                .startsWith("What went wrong, for a person to read");
    }

    @Test
    void theComponentSchemasAreValidJsonSchema202012AndTheDocumentIsOpenApi31() {
        var metaSchema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));
        CONTRACT.document.path("components").path("schemas").fields().forEachRemaining(e ->
                assertThat(metaSchema.validate(e.getValue())).as(e.getKey()).isEmpty());
        assertThat(CONTRACT.document.path("openapi").asText()).startsWith("3.1.");
        assertThat(CONTRACT.at("/components/securitySchemes/bearerAuth/scheme").asText()).isEqualTo("bearer");
        CONTRACT.document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            assertThat(op.getValue().path("operationId").asText()).as(path.getKey()).isNotBlank();
            op.getValue().path("responses").fields().forEachRemaining(r -> {
                JsonNode response = r.getValue().has("$ref") ? CONTRACT.at(r.getValue().path("$ref").asText().substring(1)) : r.getValue();
                assertThat(response.path("description").asText()).as(path.getKey() + " " + r.getKey()).isNotBlank();
                assertThat(response.path("content").size()).as(path.getKey() + " " + r.getKey() + " has a body").isPositive();
                if (!r.getKey().startsWith("2")) {
                    assertThat(response.path("content").path("application/json").path("schema").path("$ref").asText())
                            .as(path.getKey() + " " + r.getKey() + " is an Error").isEqualTo("#/components/schemas/Error");
                }
            });
        }));
    }

    @Test
    void theServedDocumentIsTheYamlOneWithoutATokenAndNamesThisServer() throws Exception {
        Answer answer = call(new Request.Builder().url(url("/api/v1/openapi.json")).build());
        assertThat(answer.code()).isEqualTo(200);
        JsonNode served = JSON.readTree(answer.body());
        assertThat(served.at("/servers/0/url").asText()).isEqualTo("http://127.0.0.1:" + server.port());
        ObjectNode expected = (ObjectNode) CONTRACT.document.deepCopy();
        expected.set("servers", served.path("servers"));
        assertThat(served).isEqualTo(expected);
        assertThat(call(new Request.Builder().url(url("/api/v1/openapi.json")).header("Origin", "http://evil.example").build())
                .code()).as("the guard's other rules still hold").isEqualTo(403);
    }

    // ---- the answers

    @Test
    void monitoringAnswersMatchTheDocument() throws Exception {
        assertThat(call(new Request.Builder().url(url("/health")).build()).code()).isEqualTo(200);
        Answer metrics = call(new Request.Builder().url(url("/metrics")).build());
        assertThat(metrics.code()).isEqualTo(200);
        assertThat(metrics.body()).contains("gpurm_");
        assertThat(call(authorized("/api/v1/status").build()).code()).isEqualTo(200);
        assertThat(call(authorized("/api/v1/statistics").build()).code()).isEqualTo(200);
        assertThat(call(authorized("/api/v1/ollama/models").build()).code()).isEqualTo(200);
    }

    @Test
    void aDayOfWorkAnswersAsDocumentedAndEveryKindOfEventMatchesItsSchema(@TempDir Path dir) throws Exception {
        var journal = new com.rpavision.gpurm.core.journal.Journal(dir, 1 << 20, 2);
        f.manager.onResourceChanged(journal::append);
        server.statisticsFrom(journal::read, f.clock);
        f.ollama.install("llama3:8b", 5_000).preload("llama3:8b");

        Answer recording = post("/api/v1/mode", "{\"mode\":\"recording\"}");
        assertThat(recording.json().path("vlm_state").asText()).isEqualTo("loaded");
        assertThat(recording.json().path("vram").path("used_mb").asLong()).isEqualTo(600 + 5_000 + 10_500);
        f.ollama.unloadOutside("qwen3-vl:8b"); // another client: a drift, and the VLM comes back
        f.manager.observeOllama().join();
        assertThat(call(authorized("/api/v1/status").build()).json().path("conditions").get(0).path("condition").asText())
                .as("gone, cause being checked").isEqualTo("vlm_settling");
        f.clock.advance(java.time.Duration.ofSeconds(2));
        f.manager.observeOllama().join();
        assertThat(call(authorized("/api/v1/status").build()).json().path("last_drift").path("cause").asText())
                .isEqualTo("unloaded_outside");
        Answer models = call(authorized("/api/v1/ollama/models").build());
        assertThat(models.json().path("models")).hasSize(2);
        assertThat(post("/api/v1/ollama/unload", "{\"model\":\"qwen3-vl:8b\"}").code()).isEqualTo(409);
        assertThat(post("/api/v1/ollama/unload", "{\"model\":\"llama3:8b\"}").json().path("vram_freed_mb").asLong()).isEqualTo(5_000);
        assertThat(post("/api/v1/ollama/unload", "{\"model\":\"llama3:8b\"}").json().path("reason").asText()).contains("not loaded");
        f.ollama.preload("llama3:8b");
        Answer takeBack = post("/api/v1/gpu/free-for-recording", "");
        assertThat(takeBack.json().path("unloaded").path(0).path("model").asText()).isEqualTo("llama3:8b");
        assertThat(takeBack.json().path("vram_freed_mb").asLong()).isEqualTo(5_000);
        assertThat(takeBack.json().path("status").path("vlm_state").asText()).isEqualTo("loaded");
        assertThat(post("/api/v1/vlm/unload", "").code()).isEqualTo(409); // RECORDING keeps the VLM loaded
        assertThat(post("/api/v1/mode", "{\"mode\":\"idle\"}").code()).isEqualTo(200);
        assertThat(post("/api/v1/vlm/unload", "").json().path("loaded").asBoolean()).isFalse();
        assertThat(post("/api/v1/vlm/load", "{}").json().path("loaded").asBoolean()).isTrue();
        assertThat(post("/api/v1/mode", "{\"mode\":\"autopilot\"}").json().path("clip_device").asText()).isEqualTo("cuda");
        f.gpu.allocate("blender", f.gpu.freeMb() - 100); // another program takes the VRAM: CLIP is pushed off
        f.vram.sample();
        f.advanceAndTick(Duration.ofSeconds(1));
        assertThat(call(authorized("/api/v1/status").build()).json().path("conditions").path(0).path("condition").asText())
                .isEqualTo("clip_displaced");
        f.gpu.free("blender");
        f.vram.sample();
        assertThat(post("/api/v1/clip/device", "{\"device\":\"cpu\"}").json().path("ok").asBoolean()).isTrue();
        assertThat(post("/api/v1/mode", "{\"mode\":\"idle\"}").code()).isEqualTo(200);
        Answer embed = call(authorized("/api/v1/clip/embed").post(RequestBody.create(png(), MediaType.get("image/png"))).build());
        assertThat(embed.json().path("embedding")).hasSize(512);
        f.manager.ensureVlmLoaded();
        f.advanceAndTick(Duration.ofSeconds(301)); // idle unload
        f.ollama.failNextGenerate(FakeOllama.Fault.ERROR_FIELD);
        assertThat(post("/api/v1/vlm/load", "{}").json().path("vlm_state").asText()).isEqualTo("error");
        f.ollama.setDown(true);
        f.advanceAndTick(Duration.ofSeconds(30));
        Answer degraded = call(authorized("/api/v1/status").build());
        assertThat(degraded.json().path("degraded_mode").asBoolean()).isTrue();
        assertThat(call(authorized("/api/v1/ollama/models").build()).code()).isEqualTo(502);
        assertThat(post("/api/v1/ollama/unload", "{\"model\":\"llama3:8b\"}").code()).isEqualTo(502);
        f.ollama.setDown(false);
        f.advanceAndTick(Duration.ofSeconds(30));

        Answer statistics = call(authorized("/api/v1/statistics").build());
        assertThat(statistics.json().path("today").path("vlm_loads").asInt()).isGreaterThanOrEqualTo(2);
        Answer recent = call(authorized("/api/v1/events/recent").build());
        Set<String> types = new TreeSet<>();
        recent.json().forEach(e -> types.add(e.path("type").asText()));
        assertThat(types).as("every kind of event was validated against its schema")
                .containsAll(Arrays.stream(EventType.values()).map(EventType::wireName).toList());
    }

    @Test
    void aTransitionThatOutlastsTheWaitAnswers504AsDocumented() throws Exception {
        server.close();
        server = new ControlApiServer(f.manager, InetAddress.getLoopbackAddress(), 0, token, Duration.ofMillis(1), "ViT-B-32");
        f.ollama.realLoadDelayMillis(2_000);

        Answer mode = post("/api/v1/mode", "{\"mode\":\"recording\"}");
        assertThat(mode.code()).isEqualTo(504);
        assertThat(mode.json().path("status").path("execution_mode").asText()).isEqualTo("recording");
        String message = mode.json().path("error").asText();
        assertThat(message).as("one short sentence, the status in its own field").startsWith("the switch to recording")
                .hasSizeLessThan(160).doesNotContain("{").doesNotContain("vram");
        Answer load = post("/api/v1/vlm/load", "{}");
        assertThat(load.code()).isEqualTo(504);
        assertThat(load.json().path("error").asText()).contains("still loading");
        assertThat(post("/api/v1/gpu/free-for-recording", "{}").code()).isEqualTo(504);
        f.manager.setExecutionMode(ExecutionMode.RECORDING).join();
    }

    @Test
    void requestsWaitingForTheManagerWhenItStopsAnswer503AsDocumented() throws Exception {
        f.ollama.install("llama3:8b", 5_000).preload("llama3:8b");
        f.ollama.holdLoads();
        Map<String, String> asked = new java.util.LinkedHashMap<>();
        asked.put("/api/v1/vlm/load", "{}"); // its load is held: the others queue behind it
        asked.put("/api/v1/vlm/unload", ""); // asked in IDLE: in RECORDING it is refused at once (409)
        asked.put("/api/v1/clip/device", "{\"device\":\"cuda\"}");
        asked.put("/api/v1/ollama/unload", "{\"model\":\"llama3:8b\"}");
        asked.put("/api/v1/gpu/free-for-recording", "{}");
        asked.put("/api/v1/mode", "{\"mode\":\"recording\"}");
        Map<String, java.util.concurrent.CompletableFuture<Answer>> answers = new java.util.LinkedHashMap<>();
        for (Map.Entry<String, String> a : asked.entrySet()) {
            answers.put(a.getKey(), java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return post(a.getKey(), a.getValue());
                } catch (Exception e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            }));
            if (a.getKey().equals("/api/v1/vlm/load")) {
                org.awaitility.Awaitility.await().until(() -> f.ollama.loadsUnderWay() == 1);
            } else {
                Thread.sleep(200); // in this order: the unload reaches its mode check before the switch
            }
        }
        Thread.sleep(1_000); // every request has reached the server and waits for the model queue

        server.stop(Duration.ofSeconds(1));

        for (Map.Entry<String, java.util.concurrent.CompletableFuture<Answer>> a : answers.entrySet()) {
            Answer answer = a.getValue().get(10, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(answer.code()).as(a.getKey()).isEqualTo(503);
            assertThat(answer.json().path("error").asText()).as(a.getKey()).startsWith("shutting down");
        }
        f.ollama.finishHeldLoads(false);
    }

    @Test
    void clipThatCannotEmbedAnswers503AsDocumented() throws Exception {
        f.clip.makeUnavailable();
        Answer embed = call(authorized("/api/v1/clip/embed").post(RequestBody.create(png(), MediaType.get("image/png"))).build());
        assertThat(embed.code()).isEqualTo(503);
        assertThat(embed.json().path("error").asText()).startsWith("CLIP cannot embed now");
    }

    @Test
    void theEventStreamSendsDocumentedEventsAndAFifthStreamIsRefusedAsDocumented() throws Exception {
        List<Response> streams = new ArrayList<>();
        try {
            for (int i = 0; i < ControlApiServer.MAX_EVENT_CLIENTS; i++) {
                Response stream = http.newCall(authorized("/api/v1/events").build()).execute();
                streams.add(stream);
                assertThat(stream.code()).isEqualTo(200);
                assertThat(stream.body().source().readUtf8LineStrict()).isEqualTo(": connected");
            }
            Answer refused = call(authorized("/api/v1/events").build());
            assertThat(refused.code()).isEqualTo(503);

            Response first = streams.get(0);
            assertThat(CONTRACT.check("GET", "/api/v1/events", first.code(), first.header("Content-Type"), ": connected\n\n")).isEmpty();
            f.manager.setExecutionMode(ExecutionMode.RECORDING);
            String sse = "/paths/~1api~1v1~1events/get/responses/200/content/text~1event-stream/x-sse-data";
            List<String> types = new ArrayList<>();
            okio.BufferedSource source = first.body().source();
            while (!types.contains("model_loaded")) {
                String line = source.readUtf8LineStrict();
                if (line.startsWith("data: ")) {
                    assertThat(CONTRACT.validate(sse, line.substring("data: ".length()))).as(line).isEmpty();
                    types.add(JSON.readTree(line.substring("data: ".length())).path("type").asText());
                } else {
                    assertThat(line).matches("|: heartbeat");
                }
            }
            assertThat(types).containsSubsequence("mode_changed", "model_loading", "model_loaded");
        } finally {
            streams.forEach(Response::close);
        }
    }

    @Test
    void everyRefusalIsADocumentedError() throws Exception {
        String mode = "{\"mode\":\"recording\"}";
        assertThat(call(authorized("/api/v1/status").header("Host", "evil.example:80").build()).code()).isEqualTo(403);
        assertThat(call(new Request.Builder().url(url("/health")).header("Origin", "null").build()).code()).isEqualTo(403);
        assertThat(call(new Request.Builder().url(url("/metrics")).header("Host", "evil.example").build()).code()).isEqualTo(403);
        assertThat(call(new Request.Builder().url(url("/api/v1/mode")).method("OPTIONS", null).build()).code()).isEqualTo(403);
        for (String path : List.of("/api/v1/status", "/api/v1/statistics", "/api/v1/ollama/models", "/api/v1/events/recent",
                "/api/v1/events")) {
            assertThat(call(new Request.Builder().url(url(path)).build()).code()).as(path).isEqualTo(401);
            assertThat(call(new Request.Builder().url(url(path + "?token=" + token.value())).build()).code()).as(path).isEqualTo(400);
            assertThat(call(authorized(path).header("Origin", "http://evil.example").build()).code()).as(path).isEqualTo(403);
        }
        for (String path : List.of("/api/v1/mode", "/api/v1/vlm/load", "/api/v1/vlm/unload", "/api/v1/clip/device",
                "/api/v1/ollama/unload", "/api/v1/gpu/free-for-recording")) {
            assertThat(call(new Request.Builder().url(url(path)).header("Authorization", "Bearer " + "0".repeat(64))
                    .post(RequestBody.create(mode, JSON_TYPE)).build()).code()).as(path).isEqualTo(401);
            assertThat(call(authorized(path).header("Host", "localhost:1").post(RequestBody.create(mode, JSON_TYPE)).build())
                    .code()).as(path).isEqualTo(403);
            assertThat(call(authorized(path).post(RequestBody.create(mode, MediaType.get("text/plain"))).build()).code())
                    .as(path).isEqualTo(415);
            assertThat(post(path, "{\"x\":\"" + "a".repeat(ControlApiServer.MAX_JSON_BODY) + "\"}").code()).as(path).isEqualTo(413);
            assertThat(post(path, "{\"mode\": recording").code()).as(path).isEqualTo(400);
            assertThat(call(authorized(path).get().build()).code()).as(path).isEqualTo(405);
        }
        assertThat(post("/api/v1/mode", "{\"mode\":\"turbo\"}").code()).isEqualTo(400);
        assertThat(post("/api/v1/clip/device", "{\"device\":\"tpu\"}").code()).isEqualTo(400);
        assertThat(post("/api/v1/ollama/unload", "{}").code()).isEqualTo(400);
        String embed = "/api/v1/clip/embed";
        assertThat(call(new Request.Builder().url(url(embed)).post(RequestBody.create(png(), MediaType.get("image/png"))).build())
                .code()).isEqualTo(401);
        assertThat(call(authorized(embed).header("Origin", "null").post(RequestBody.create(png(), MediaType.get("image/png"))).build())
                .code()).isEqualTo(403);
        assertThat(call(authorized(embed).post(RequestBody.create("GIF89a", MediaType.get("image/png"))).build()).code()).isEqualTo(400);
        assertThat(call(authorized(embed).post(RequestBody.create("BM", MediaType.get("image/bmp"))).build()).code()).isEqualTo(415);
        assertThat(call(authorized(embed).post(RequestBody.create(new byte[ControlApiServer.MAX_IMAGE_BODY + 1], MediaType.get("image/png")))
                .build()).code()).isEqualTo(413);
        assertThat(call(authorized("/api/v1/nothing").build()).code()).isEqualTo(404);
        assertThat(call(authorized("/api/v1/status").post(RequestBody.create("{}", JSON_TYPE)).build()).code()).isEqualTo(405);
        assertThat(f.manager.getExecutionMode()).as("nothing refused changed anything").isEqualTo(ExecutionMode.IDLE);
        assertThat(f.ollama.loads.get()).isZero();
    }

    // ---- plumbing

    private record Answer(int code, String body) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    private Request.Builder authorized(String path) {
        return new Request.Builder().url(url(path)).header("Authorization", "Bearer " + token.value());
    }

    private Answer post(String path, String body) throws Exception {
        return call(authorized(path).post(RequestBody.create(body, JSON_TYPE)).build());
    }

    /** Sends the request and checks its answer against the document; every answer of this test passes here. */
    private Answer call(Request request) throws Exception {
        try (Response response = http.newCall(request).execute()) {
            String body = response.body().string();
            List<String> problems = CONTRACT.check(request.method(), request.url().encodedPath(), response.code(),
                    response.header("Content-Type"), body);
            assertThat(problems).as(request.method() + " " + request.url().encodedPath() + " -> " + response.code() + " " + body)
                    .isEmpty();
            return new Answer(response.code(), body);
        }
    }

    private static byte[] png() throws Exception {
        var image = new java.awt.image.BufferedImage(64, 48, java.awt.image.BufferedImage.TYPE_INT_RGB);
        image.setRGB(10, 10, 0x3366cc);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        javax.imageio.ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

    @FunctionalInterface
    private interface Visitor {
        void visit(String pointer, JsonNode node);
    }

    private static void walk(JsonNode node, String pointer, Visitor visitor) {
        if (node.isObject()) {
            visitor.visit(pointer, node);
            node.fields().forEachRemaining(e -> walk(e.getValue(), pointer + "/" + OpenApiContract.escape(e.getKey()), visitor));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), pointer + "/" + i, visitor);
            }
        }
    }
}
