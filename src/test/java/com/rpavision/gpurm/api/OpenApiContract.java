package com.rpavision.gpurm.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.dialect.Dialects;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code docs/openapi.yaml} as a validator of real answers: finds the documented response of an operation for a
 * status and content type, validates the body against its schema (networknt, OpenAPI 3.1 dialect, formats
 * asserted), and remembers which operations and responses were seen.
 */
final class OpenApiContract {

    /** Where the registry files the document, so that its internal {@code $ref}s resolve. */
    static final String IRI = "https://gpurm.invalid/openapi.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    final JsonNode document = OpenApiDocument.read();
    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(Dialects.getOpenApi31(), b -> b
            .schemas(Map.of(IRI, document.toString()))
            .schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
    private final Map<String, Schema> schemas = new ConcurrentHashMap<>();
    /** "GET /api/v1/status 200" for every answer checked. */
    final Set<String> seen = ConcurrentHashMap.newKeySet();

    /** Every documented "METHOD path status". */
    Set<String> documentedResponses() {
        Set<String> all = new TreeSet<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op ->
                op.getValue().path("responses").fieldNames().forEachRemaining(status ->
                        all.add(op.getKey().toUpperCase() + " " + path.getKey() + " " + status))));
        return all;
    }

    /** Every documented "METHOD path". */
    Set<String> documentedOperations() {
        Set<String> all = new TreeSet<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(method ->
                all.add(method.toUpperCase() + " " + path.getKey())));
        return all;
    }

    /**
     * Checks one answer: the operation is documented (else the answer must be a 403, 404 or 405 Error), the status is
     * one of its responses, the content type one of that response's, and the body valid against its schema.
     *
     * @return the validation errors, empty when the answer matches the document
     */
    List<String> check(String method, String path, int status, String contentType, String body) {
        JsonNode operation = document.path("paths").path(path).path(method.toLowerCase());
        if (operation.isMissingNode()) {
            if (status != 403 && status != 404 && status != 405) {
                return List.of(method + " " + path + " is not documented, and answered " + status + ", not 403/404/405");
            }
            return validate("/components/schemas/Error", body);
        }
        String responsePointer = "/paths/" + escape(path) + "/" + method.toLowerCase() + "/responses/" + status;
        JsonNode response = at(responsePointer);
        if (response.isMissingNode()) {
            return List.of(method + " " + path + " answered " + status + ", which the document does not list");
        }
        if (response.has("$ref")) {
            responsePointer = response.path("$ref").asText().substring(1);
            response = at(responsePointer);
        }
        String mediaType = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase();
        if (!response.path("content").has(mediaType)) {
            return List.of(method + " " + path + " " + status + " came as '" + contentType + "'; documented: "
                    + iterable(response.path("content").fieldNames()));
        }
        seen.add(method.toUpperCase() + " " + path + " " + status);
        String mediaPointer = responsePointer + "/content/" + escape(mediaType);
        if (mediaType.equals("application/json")) {
            return validate(mediaPointer + "/schema", body);
        }
        return validate(mediaPointer + "/schema", quote(body));
    }

    /** Validates one JSON text against the schema at {@code pointer} in the document. */
    List<String> validate(String pointer, String json) {
        Schema schema = schemas.computeIfAbsent(pointer, p -> registry.getSchema(SchemaLocation.of(IRI + "#" + p)));
        JsonNode node;
        try {
            node = JSON.readTree(json);
        } catch (IOException e) {
            return List.of("not JSON: " + e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        for (Error error : schema.validate(node)) {
            problems.add(pointer + ": " + error);
        }
        return problems;
    }

    JsonNode at(String pointer) {
        return document.at(pointer);
    }

    static String escape(String segment) {
        return segment.replace("~", "~0").replace("/", "~1");
    }

    private static List<String> iterable(Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    /** A text body as a JSON string, so that a {@code type: string} schema can be checked. */
    private static String quote(String text) {
        try {
            return JSON.writeValueAsString(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
