package com.rpavision.gpurm.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The edge cases {@code docs/openapi.yaml} allows and forbids, for every operation that takes a body, derived from
 * the document itself (a new operation gets them without a line here): an empty body sent without a Content-Type
 * (allowed where the body is optional, a 400 naming what is missing where it is required), a property the closed
 * schema does not list, a property of the wrong JSON type, a body that is not an object. Every answer is checked
 * against the document (status listed, body an {@code Error}); a refusal names the property and changes nothing.
 */
class OpenApiEdgeCasesTest {

    private static final MediaType JSON_TYPE = MediaType.get("application/json");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final OpenApiContract CONTRACT = new OpenApiContract();

    private final OkHttpClient http = new OkHttpClient.Builder().readTimeout(Duration.ofSeconds(30)).build();
    private ManagerFixture f;
    private ControlApiServer server;
    private ApiToken token;

    @BeforeEach
    void start() throws Exception {
        f = ManagerFixture.options().gpu(24_564, 600).build();
        token = ApiToken.random();
        server = new ControlApiServer(f.manager, InetAddress.getLoopbackAddress(), 0, token, Duration.ofSeconds(10), "ViT-B-32");
    }

    @AfterEach
    void stop() {
        server.close();
        f.close();
        http.connectionPool().evictAll();
    }

    /** An operation that takes a body, as the document describes it. */
    private record Operation(String path, boolean required, JsonNode schema, List<String> mediaTypes) {
    }

    private static List<Operation> operationsWithABody() {
        List<Operation> all = new ArrayList<>();
        CONTRACT.document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            JsonNode body = resolve(op.getValue().path("requestBody"));
            if (body.isMissingNode()) {
                return;
            }
            assertThat(op.getKey()).as(path.getKey() + ": a body comes with a POST").isEqualTo("post");
            List<String> types = new ArrayList<>();
            body.path("content").fieldNames().forEachRemaining(types::add);
            all.add(new Operation(path.getKey(), body.path("required").asBoolean(false),
                    resolve(body.path("content").path("application/json").path("schema")), types));
        }));
        return all;
    }

    @Test
    void theDocumentHasOperationsOfEachKind() {
        List<Operation> ops = operationsWithABody();
        assertThat(ops).extracting(Operation::path).contains("/api/v1/mode", "/api/v1/vlm/load", "/api/v1/clip/embed");
        assertThat(ops).filteredOn(Operation::required).isNotEmpty();
        assertThat(ops).filteredOn(op -> !op.required()).isNotEmpty();
        assertThat(ops).filteredOn(op -> op.schema().path("additionalProperties").isBoolean()
                && !op.schema().path("additionalProperties").asBoolean()).hasSizeGreaterThan(4);
    }

    @Test
    void whatTheDocumentForbidsIsRefused400NamingThePropertyAndChangesNothing() throws Exception {
        for (Operation op : operationsWithABody()) {
            if (op.schema().isMissingNode()) {
                // not JSON (an image): without a Content-Type, the body is not of a type it takes
                Answer empty = send(op.path(), null, null);
                assertThat(empty.code()).as(op.path() + " empty, no Content-Type").isEqualTo(415);
                continue;
            }
            ObjectNode valid = validBody(op.schema());
            if (op.required()) {
                Answer empty = send(op.path(), null, null);
                assertThat(empty.code()).as(op.path() + " empty, no Content-Type, body required").isEqualTo(400);
                assertThat(empty.error()).as(op.path()).contains("\"" + requiredNames(op.schema()).get(0) + "\"");
            }
            if (!op.schema().path("additionalProperties").asBoolean(true)) {
                ObjectNode extra = valid.deepCopy().put("x", 1);
                Answer answer = send(op.path(), extra.toString(), JSON_TYPE);
                assertThat(answer.code()).as(op.path() + " " + extra).isEqualTo(400);
                assertThat(answer.error()).as(op.path() + " " + extra).contains("unknown property \"x\"");
            }
            for (Iterator<String> names = op.schema().path("properties").fieldNames(); names.hasNext(); ) {
                String name = names.next();
                ObjectNode wrong = valid.deepCopy();
                wrong.set(name, wrongType(resolve(op.schema().path("properties").path(name))));
                Answer answer = send(op.path(), wrong.toString(), JSON_TYPE);
                assertThat(answer.code()).as(op.path() + " " + wrong).isEqualTo(400);
                assertThat(answer.error()).as(op.path() + " " + wrong).contains("\"" + name + "\"");
            }
            for (String notAnObject : List.of("[]", "\"idle\"", "null", "1")) {
                assertThat(send(op.path(), notAnObject, JSON_TYPE).code()).as(op.path() + " " + notAnObject).isEqualTo(400);
            }
        }
        assertThat(f.manager.getExecutionMode()).as("nothing refused changed anything").isEqualTo(ExecutionMode.IDLE);
        assertThat(f.ollama.loads.get()).isZero();
        assertThat(f.ollama.unloads.get()).isZero();
    }

    @Test
    void anOptionalBodyMayBeLeftOutWithoutAContentTypeOrSentEmpty() throws Exception {
        List<Operation> optional = operationsWithABody().stream().filter(op -> !op.required()).toList();
        for (Operation op : optional) {
            for (String[] body : new String[][]{{null, null}, {"", "application/json"}, {"{}", "application/json"}}) {
                Answer answer = send(op.path(), body[0], body[1] == null ? null : MediaType.get(body[1]));
                assertThat(answer.code()).as(op.path() + " body " + body[0] + " as " + body[1] + ": " + answer.body())
                        .isEqualTo(200);
                if (op.path().equals("/api/v1/gpu/free-for-recording")) {
                    assertThat(send("/api/v1/mode", "{\"mode\":\"idle\"}", JSON_TYPE).code()).isEqualTo(200);
                }
            }
        }
        assertThat(f.ollama.loads.get()).as("the loads were done").isPositive();
    }

    @Test
    void aRequiredBodyThatIsValidIsTaken() throws Exception {
        f.ollama.install("llama3:8b", 5_000).preload("llama3:8b");
        for (Operation op : operationsWithABody()) {
            if (op.required() && !op.schema().isMissingNode()) {
                ObjectNode valid = validBody(op.schema());
                assertThat(send(op.path(), valid.toString(), JSON_TYPE).code()).as(op.path() + " " + valid).isEqualTo(200);
            }
        }
    }

    // ---- the document's schemas

    private static JsonNode resolve(JsonNode node) {
        while (node.has("$ref")) {
            node = CONTRACT.at(node.path("$ref").asText().substring(1));
        }
        return node;
    }

    private static List<String> requiredNames(JsonNode schema) {
        List<String> names = new ArrayList<>();
        schema.path("required").forEach(n -> names.add(n.asText()));
        return names;
    }

    /** Every required property with a value the document gives (an example, an enum's first, a const). */
    private static ObjectNode validBody(JsonNode schema) {
        ObjectNode body = JSON.createObjectNode();
        for (String name : requiredNames(schema)) {
            JsonNode property = resolve(schema.path("properties").path(name));
            JsonNode value = property.has("examples") ? property.path("examples").get(0)
                    : property.has("enum") ? property.path("enum").get(0) : property.path("const");
            assertThat(value.isMissingNode()).as(name + " needs an example in the document").isFalse();
            body.set(name, value);
        }
        return body;
    }

    /** A value of another JSON type than the property's. */
    private static JsonNode wrongType(JsonNode property) {
        String type = property.path("type").asText(property.has("enum") ? "string" : "");
        return switch (type) {
            case "string" -> JSON.getNodeFactory().numberNode(1);
            case "integer", "number", "boolean", "array" -> JSON.getNodeFactory().textNode("x");
            default -> JSON.getNodeFactory().arrayNode();
        };
    }

    // ---- plumbing

    private record Answer(int code, String body) {
        String error() throws Exception {
            return JSON.readTree(body).path("error").asText();
        }
    }

    /** POSTs {@code body} (null: none at all) as {@code type} (null: no Content-Type), checking the answer. */
    private Answer send(String path, String body, MediaType type) throws Exception {
        RequestBody content = RequestBody.create(body == null ? new byte[0] : body.getBytes(java.nio.charset.StandardCharsets.UTF_8), type);
        Request request = new Request.Builder().url("http://127.0.0.1:" + server.port() + path)
                .header("Authorization", "Bearer " + token.value()).post(content).build();
        try (Response response = http.newCall(request).execute()) {
            String text = response.body().string();
            List<String> problems = CONTRACT.check("POST", path, response.code(), response.header("Content-Type"), text);
            assertThat(problems).as("POST " + path + " " + body + " -> " + response.code() + " " + text).isEmpty();
            return new Answer(response.code(), text);
        }
    }
}
