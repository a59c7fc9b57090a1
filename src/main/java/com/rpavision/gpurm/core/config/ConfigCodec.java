package com.rpavision.gpurm.core.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reads and writes the configuration JSON; every error names the offending key. */
public final class ConfigCodec {

    private final ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public String toJson(GpuResourceConfig config) {
        ObjectNode root = mapper.createObjectNode();
        for (ConfigKey key : ConfigKey.values()) {
            Object value = key.valueIn(config);
            if (value instanceof Integer i) {
                root.put(key.jsonName(), i);
            } else if (value instanceof Boolean b) {
                root.put(key.jsonName(), b);
            } else if (value instanceof JsonObjectText object) {
                root.set(key.jsonName(), object.asNode());
            } else {
                root.put(key.jsonName(), (String) value);
            }
        }
        try {
            return mapper.writeValueAsString(root) + System.lineSeparator();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize configuration", e);
        }
    }

    /** Parses a configuration; missing keys take their defaults, anything else wrong is an error. */
    public GpuResourceConfig fromJson(String json) throws ConfigException {
        JsonNode root;
        try {
            root = mapper.readTree(json);
        } catch (JsonProcessingException e) {
            // Jackson names the input "[Source: REDACTED (...); line: 1, ...]": noise beside the file's own name
            String message = e.getOriginalMessage().replaceAll("\\[Source: [^;]*; ", "[");
            throw new ConfigException("not valid JSON: " + message
                    + " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")", e);
        }
        if (root == null || !root.isObject()) {
            throw new ConfigException("the configuration must be a JSON object like {\"vlm_model\": \"qwen3-vl:8b\"}");
        }
        GpuResourceConfig.Builder builder = GpuResourceConfig.builder();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, JsonNode> field : root.properties()) {
            ConfigKey key = ConfigKey.byJsonName(field.getKey()).orElse(null);
            if (key == null) {
                problems.add("unknown key '" + field.getKey() + "'" + ConfigKey.nearest(field.getKey())
                        .map(near -> " (did you mean '" + near.jsonName() + "'?)").orElse(""));
                continue;
            }
            JsonNode node = field.getValue();
            Object value;
            if (key.isBoolean()) {
                if (!node.isBoolean()) {
                    problems.add(key.jsonName() + " must be true or false, got " + node);
                    continue;
                }
                value = node.booleanValue();
            } else if (key.isInteger()) {
                if (!node.isIntegralNumber() || !node.canConvertToInt()) {
                    problems.add(key.jsonName() + " must be a whole number, got " + node);
                    continue;
                }
                value = node.intValue();
            } else if (key.isJsonObject()) {
                if (!node.isObject()) {
                    problems.add(key.jsonName() + " must be a JSON object like {\"num_ctx\": 8192}, got " + node);
                    continue;
                }
                value = JsonObjectText.of((com.fasterxml.jackson.databind.node.ObjectNode) node);
            } else {
                if (!node.isTextual()) {
                    problems.add(key.jsonName() + " must be a string, got " + node);
                    continue;
                }
                value = node.textValue();
            }
            key.check(value).ifPresentOrElse(problems::add, () -> builder.set(key, value));
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return builder.build();
    }
}
