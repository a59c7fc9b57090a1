package com.rpavision.gpurm.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable JSON object held as its compact text, so a configuration value stays a plain comparable value
 * (two equal objects are equal texts) while the codec writes it as a real object.
 */
public final class JsonObjectText {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    public static final JsonObjectText EMPTY = new JsonObjectText("{}");

    private final String compact;

    private JsonObjectText(String compact) {
        this.compact = compact;
    }

    public static JsonObjectText of(ObjectNode node) {
        return new JsonObjectText(node.toString());
    }

    /** Parses what an operator typed; empty text means {}. */
    public static Optional<JsonObjectText> parse(String text) {
        if (text == null || text.isBlank()) {
            return Optional.of(EMPTY);
        }
        try {
            JsonNode node = MAPPER.readTree(text);
            return node != null && node.isObject() ? Optional.of(of((ObjectNode) node)) : Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** A fresh copy of the object, safe to change. */
    public ObjectNode asNode() {
        try {
            return (ObjectNode) MAPPER.readTree(compact);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreachable: the text was parsed before", e);
        }
    }

    public Map<String, Object> asMap() {
        return MAPPER.convertValue(asNode(), new TypeReference<Map<String, Object>>() { });
    }

    public boolean isEmpty() {
        return "{}".equals(compact);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonObjectText other && other.compact.equals(compact);
    }

    @Override
    public int hashCode() {
        return Objects.hash(compact);
    }

    @Override
    public String toString() {
        return compact;
    }
}
