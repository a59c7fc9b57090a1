package com.rpavision.gpurm.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeType;

import java.util.Map;

/**
 * The shape of a control-API request body as {@code docs/openapi.yaml} closes it ({@code additionalProperties:
 * false}): its properties, their JSON types, which are required. A body of another shape is refused with a message
 * that names the property, before the manager hears of it ({@code OpenApiEdgeCasesTest} holds the two to the same
 * rules).
 */
record BodyShape(Map<String, JsonNodeType> properties, java.util.Set<String> required) {

    /** No property at all: {@code {}}, or no body. */
    static final BodyShape EMPTY = new BodyShape(Map.of(), java.util.Set.of());

    /** One required string property. */
    static BodyShape oneString(String name) {
        return new BodyShape(Map.of(name, JsonNodeType.STRING), java.util.Set.of(name));
    }

    /** Why {@code body} (a JSON object) does not have this shape, or null when it does. */
    String refusal(JsonNode body) {
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!properties.containsKey(name)) {
                return "unknown property \"" + name + "\": " + (properties.isEmpty()
                        ? "this endpoint takes no properties (send {} or no body)"
                        : "this endpoint takes only " + names());
            }
        }
        for (Map.Entry<String, JsonNodeType> p : properties.entrySet()) {
            JsonNode value = body.get(p.getKey());
            if (value == null) {
                if (required.contains(p.getKey())) {
                    return "missing property \"" + p.getKey() + "\" (a " + typeName(p.getValue()) + ")";
                }
            } else if (value.getNodeType() != p.getValue()) {
                return "\"" + p.getKey() + "\" must be a " + typeName(p.getValue()) + ", not " + typeName(value.getNodeType());
            }
        }
        return null;
    }

    private String names() {
        return String.join(", ", properties.keySet().stream().sorted().map(n -> "\"" + n + "\"").toList());
    }

    private static String typeName(JsonNodeType type) {
        return switch (type) {
            case STRING -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "boolean";
            case ARRAY -> "array";
            case OBJECT -> "object";
            case NULL -> "null";
            default -> type.name().toLowerCase();
        };
    }
}
