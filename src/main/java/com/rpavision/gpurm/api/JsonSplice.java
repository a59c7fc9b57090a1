package com.rpavision.gpurm.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.JsonStringEncoder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A request body as the client wrote it, with the byte positions of the few members the proxy reads or changes
 * (found with Jackson's streaming parser, never re-serialized): edits splice new bytes in at those positions
 * and leave every other byte alone, so a number like {@code 1e400} or an odd escape reaches Ollama as sent.
 * Top-level member names match case-insensitively, as Go's {@code encoding/json} matches them into Ollama's
 * request structs; keys inside {@code options} match exactly (a map there).
 */
final class JsonSplice {

    private static final JsonFactory FACTORY = JsonFactory.builder()
            .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(Integer.MAX_VALUE)
                    .maxNumberLength(Integer.MAX_VALUE).maxNestingDepth(10_000).build())
            .build();

    /** Bytes {@code [start, end)} of one value in the body. */
    private record Span(int start, int end) {
    }

    /** The value of one member of {@code options}. */
    private record Member(String name, Span value) {
    }

    /** One {@code options} value: an object (with its members and closing brace), or null, or something else. */
    private record Options(Span value, JsonToken kind, List<Member> members) {
    }

    private final byte[] body;
    private final String model;
    private final List<Span> keepAlive;
    private final List<Options> options;
    private final int close;
    private final boolean empty;

    private JsonSplice(byte[] body, String model, List<Span> keepAlive, List<Options> options, int close, boolean empty) {
        this.body = body;
        this.model = model;
        this.keepAlive = keepAlive;
        this.options = options;
        this.close = close;
        this.empty = empty;
    }

    /** The body's top-level object; empty when the body is not one JSON object (Ollama will say what is wrong). */
    static Optional<JsonSplice> scan(byte[] body) {
        try (JsonParser parser = FACTORY.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return Optional.empty();
            }
            String model = null;
            List<Span> keepAlive = new ArrayList<>(1);
            List<Options> options = new ArrayList<>(1);
            boolean empty = true;
            JsonToken token;
            while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
                empty = false;
                String name = parser.currentName();
                JsonToken value = parser.nextToken();
                if (name.equalsIgnoreCase("model")) {
                    model = value == JsonToken.VALUE_STRING ? parser.getText() : null;
                    skip(parser, value);
                } else if (name.equalsIgnoreCase("keep_alive")) {
                    keepAlive.add(span(parser, value));
                } else if (name.equalsIgnoreCase("options")) {
                    options.add(options(parser, value));
                } else {
                    skip(parser, value);
                }
            }
            if (token != JsonToken.END_OBJECT) {
                return Optional.empty();
            }
            int close = offset(parser);
            return Optional.of(new JsonSplice(body, model, keepAlive, options, close, empty));
        } catch (IOException | RuntimeException e) {
            return Optional.empty(); // not JSON, or cut short: passed on untouched
        }
    }

    /** The top-level {@code model}, or null when there is none or it is not a string. */
    String model() {
        return model;
    }

    /**
     * The values the body gives to {@code names} in its {@code options} (name to JSON text; a later duplicate wins,
     * as Ollama's decoder does); empty when it gives none or its options are not an object.
     */
    Map<String, String> optionValues(Set<String> names) {
        Map<String, String> values = new java.util.LinkedHashMap<>();
        for (Options o : options) {
            for (Member m : o.members()) {
                if (names.contains(m.name())) {
                    values.put(m.name(), new String(body, m.value().start(), m.value().end() - m.value().start(),
                            StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    /**
     * The body with {@code keep_alive} set to {@code keepAliveJson} (every occurrence, or one added) and, when
     * {@code overlay} is not empty, its members laid over {@code options} (their values win; options added when
     * there are none).
     *
     * @param keepAliveJson the keep-alive as JSON text, e.g. {@code "180s"} with its quotes
     * @param overlay       member name to its value as JSON text
     */
    byte[] rewritten(String keepAliveJson, Map<String, String> overlay) {
        List<Edit> edits = new ArrayList<>();
        List<String> added = new ArrayList<>(2);
        if (keepAlive.isEmpty()) {
            added.add("\"keep_alive\":" + keepAliveJson);
        }
        keepAlive.forEach(span -> edits.add(new Edit(span, keepAliveJson)));
        if (!overlay.isEmpty()) {
            if (options.isEmpty()) {
                added.add("\"options\":" + object(overlay));
            }
            for (Options o : options) {
                overlay(o, overlay, edits);
            }
        }
        if (!added.isEmpty()) {
            edits.add(new Edit(new Span(close, close), (empty ? "" : ",") + String.join(",", added)));
        }
        return apply(edits);
    }

    private static void overlay(Options o, Map<String, String> overlay, List<Edit> edits) {
        if (o.kind() == JsonToken.VALUE_NULL) {
            edits.add(new Edit(o.value(), object(overlay)));
            return;
        }
        if (o.kind() != JsonToken.START_OBJECT) {
            return; // not an object: Ollama refuses the request before it loads anything
        }
        List<String> missing = new ArrayList<>();
        overlay.forEach((name, value) -> {
            boolean present = false;
            for (Member m : o.members()) {
                if (m.name().equals(name)) {
                    edits.add(new Edit(m.value(), value));
                    present = true;
                }
            }
            if (!present) {
                missing.add(quoted(name) + ":" + value);
            }
        });
        if (!missing.isEmpty()) {
            int brace = o.value().end() - 1;
            edits.add(new Edit(new Span(brace, brace), (o.members().isEmpty() ? "" : ",") + String.join(",", missing)));
        }
    }

    private record Edit(Span at, String text) {
    }

    private byte[] apply(List<Edit> edits) {
        edits.sort(Comparator.comparingInt((Edit e) -> e.at().start()));
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 64);
        int from = 0;
        for (Edit edit : edits) {
            out.write(body, from, edit.at().start() - from);
            out.writeBytes(edit.text().getBytes(StandardCharsets.UTF_8));
            from = edit.at().end();
        }
        out.write(body, from, body.length - from);
        return out.toByteArray();
    }

    private static String object(Map<String, String> members) {
        StringBuilder text = new StringBuilder("{");
        members.forEach((name, value) -> text.append(text.length() > 1 ? "," : "").append(quoted(name)).append(':').append(value));
        return text.append('}').toString();
    }

    private static String quoted(String name) {
        return "\"" + new String(JsonStringEncoder.getInstance().quoteAsString(name)) + "\"";
    }

    private static Options options(JsonParser parser, JsonToken value) throws IOException {
        int start = offset(parser);
        List<Member> members = new ArrayList<>();
        if (value == JsonToken.START_OBJECT) {
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String name = parser.currentName();
                members.add(new Member(name, span(parser, parser.nextToken())));
            }
            return new Options(new Span(start, offset(parser) + 1), value, members);
        }
        return new Options(span(parser, value), value, members);
    }

    /** The span of the value whose first token the parser is on; leaves the parser on its last token. */
    private static Span span(JsonParser parser, JsonToken value) throws IOException {
        int start = offset(parser);
        if (value.isStructStart()) {
            parser.skipChildren();
            return new Span(start, offset(parser) + 1);
        }
        parser.finishToken(); // a string is read lazily: now the parser stands after its closing quote
        return new Span(start, (int) parser.currentLocation().getByteOffset());
    }

    private static void skip(JsonParser parser, JsonToken value) throws IOException {
        if (value != null && value.isStructStart()) {
            parser.skipChildren();
        }
    }

    private static int offset(JsonParser parser) throws IOException {
        long offset = parser.currentTokenLocation().getByteOffset();
        if (offset < 0) {
            throw new IOException("no byte offset");
        }
        return (int) offset;
    }
}
