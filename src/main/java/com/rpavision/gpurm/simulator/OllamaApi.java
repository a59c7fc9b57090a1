package com.rpavision.gpurm.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rpavision.gpurm.core.ollama.ModelNames;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Ollama's HTTP API over the {@link OllamaScheduler}, independent of the server in front: the paths, bodies and
 * answers as Ollama 0.12 has them ({@code server/routes.go}). A load answers once the model is ready, an unload
 * at once, a prompt once its runner has answered; {@code /v1/*} requests carry no keep-alive.
 */
public final class OllamaApi {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> RUNNER_OPTIONS = Set.of("num_ctx", "num_batch", "num_gpu", "main_gpu", "use_mmap",
            "num_thread", "low_vram");
    private static final Set<String> GET_PATHS = Set.of("/", "/api/version", "/api/tags", "/api/ps", "/v1/models");
    private static final Set<String> HEAD_PATHS = Set.of("/", "/api/version", "/api/tags");
    private static final Set<String> POST_PATHS = Set.of("/api/generate", "/api/chat", "/api/embed", "/api/embeddings", "/api/pull",
            "/api/show", "/v1/chat/completions", "/v1/completions", "/v1/embeddings");
    private static final DateTimeFormatter GO_TIME = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
    private static final String GO_ZERO_TIME = "0001-01-01T00:00:00Z";
    public static final String VERSION = "0.12.6";

    private final OllamaScheduler scheduler;
    private final SimulatorTime time;
    private volatile int tokens = 20;

    public OllamaApi(OllamaScheduler scheduler, SimulatorTime time) {
        this.scheduler = scheduler;
        this.time = time;
    }

    public OllamaScheduler scheduler() {
        return scheduler;
    }

    /** Tokens in each prompt's answer (one streamed piece each). */
    public OllamaApi tokens(int tokens) {
        this.tokens = tokens;
        return this;
    }

    public Answer handle(String method, String path, byte[] body) throws InterruptedException {
        boolean known = GET_PATHS.contains(path) || POST_PATHS.contains(path);
        boolean allowed = ("GET".equals(method) && GET_PATHS.contains(path)) || ("HEAD".equals(method) && HEAD_PATHS.contains(path))
                || ("POST".equals(method) && POST_PATHS.contains(path));
        if (!known) {
            return Answer.text(404, "404 page not found");
        }
        if (!allowed) {
            return Answer.text(405, "405 method not allowed");
        }
        return switch (path) {
            case "/" -> Answer.text(200, "Ollama is running");
            case "/api/version" -> Answer.json(200, "{\"version\":\"" + VERSION + "\"}");
            case "/api/tags" -> Answer.json(200, tags());
            case "/v1/models" -> Answer.json(200, openAiModels());
            case "/api/ps" -> Answer.json(200, ps());
            default -> post(path, body);
        };
    }

    private Answer post(String path, byte[] raw) throws InterruptedException {
        JsonNode body;
        try {
            body = raw.length == 0 ? JSON.createObjectNode() : JSON.readTree(raw);
        } catch (IOException e) {
            return error(400, "invalid character in JSON");
        }
        if (body == null || !body.isObject()) {
            return error(400, "invalid request body");
        }
        String asked = body.path("model").asText("");
        if (asked.isEmpty()) {
            return error(400, "model is required");
        }
        if ("/api/pull".equals(path)) {
            return pull(asked, body.path("stream").asBoolean(true));
        }
        if (!scheduler.isInstalled(asked)) {
            return "/api/show".equals(path) ? error(404, "model '" + asked + "' not found")
                    : error(404, "model \"" + asked + "\" not found, try pulling it first");
        }
        String model = ModelNames.normalize(asked);
        if ("/api/show".equals(path)) {
            return Answer.json(200, show(model));
        }
        boolean openAi = path.startsWith("/v1/");
        Optional<Duration> keepAlive = openAi ? Optional.empty() : KeepAlive.parse(body.get("keep_alive"));
        boolean chat = path.endsWith("/chat") || path.equals("/v1/chat/completions");
        boolean embedding = path.contains("embed");
        boolean prompt = embedding || (chat ? body.path("messages").isArray() && !body.path("messages").isEmpty()
                : !body.path("prompt").asText("").isEmpty());
        if (!prompt && keepAlive.isPresent() && keepAlive.get().isZero()) {
            scheduler.unload(model, "http");
            return Answer.json(200, chat ? base(model).put("done", true).put("done_reason", "unload")
                    .<ObjectNode>set("message", message("")).toString()
                    : base(model).put("response", "").put("done", true).put("done_reason", "unload").toString());
        }
        Ask ask = new Ask(model, runnerOptions(body.path("options")), keepAlive.orElse(null), prompt, "http");
        Ticket ticket = scheduler.call(ask);
        if (ticket.failure() != null) {
            return "context canceled".equals(ticket.failure()) ? error(500, ticket.failure()) : Answer.ABORT;
        }
        if (!prompt) {
            return Answer.json(200, chat ? base(model).<ObjectNode>set("message", message("")).put("done", true)
                    .put("done_reason", "load").toString()
                    : base(model).put("response", "").put("done", true).put("done_reason", "load").toString());
        }
        boolean stream = body.path("stream").asBoolean(!openAi);
        if (embedding) {
            return Answer.json(200, embedding(path, model, ticket));
        }
        // Ollama's own num_predict caps the answer's tokens: a benchmark asks for a long stream with it
        int count = body.path("options").path("num_predict").asInt(0) > 0
                ? Math.min(body.path("options").path("num_predict").asInt(), 1_000_000) : tokens;
        return openAi ? openAi(model, chat, stream, count) : nativeAnswer(model, chat, stream, ticket, count);
    }

    private static Map<String, Object> runnerOptions(JsonNode options) {
        Map<String, Object> picked = new LinkedHashMap<>();
        options.fields().forEachRemaining(e -> {
            if (RUNNER_OPTIONS.contains(e.getKey()) && !e.getValue().isNull()) {
                picked.put(e.getKey(), e.getValue().isNumber() ? (Object) e.getValue().numberValue() : e.getValue().asText());
            }
        });
        if (picked.get("num_ctx") instanceof Number n) {
            picked.put("num_ctx", n.intValue());
        }
        return picked;
    }

    // ---------------------------------------------------------------- answers

    private String ps() throws InterruptedException {
        ArrayNode models = JSON.createArrayNode();
        for (Listed m : scheduler.listing()) {
            String family = scheduler.family(m.name()).orElse("llama");
            ObjectNode entry = models.addObject().put("name", m.name()).put("model", m.name())
                    .put("size", m.sizeMb() << 20).put("digest", digest(m.name()));
            entry.set("details", details(family));
            entry.put("expires_at", m.expiresAt() == null ? GO_ZERO_TIME : goTime(m.expiresAt()))
                    .put("size_vram", m.vramMb() << 20).put("context_length", m.contextLength());
        }
        ObjectNode root = JSON.createObjectNode();
        root.set("models", models);
        return root.toString();
    }

    private String tags() {
        ArrayNode models = JSON.createArrayNode();
        scheduler.installedFileMb().forEach((name, fileMb) -> {
            ObjectNode m = models.addObject().put("name", name).put("model", name).put("modified_at", goTime(time.now()))
                    .put("size", fileMb << 20).put("digest", digest(name));
            m.set("details", details(scheduler.family(name).orElse("llama")));
        });
        ObjectNode root = JSON.createObjectNode();
        root.set("models", models);
        return root.toString();
    }

    private String openAiModels() {
        ArrayNode data = JSON.createArrayNode();
        scheduler.installedFileMb().keySet().forEach(name -> data.addObject().put("id", name).put("object", "model")
                .put("created", time.now().getEpochSecond()).put("owned_by", "library"));
        ObjectNode root = JSON.createObjectNode().put("object", "list");
        root.set("data", data);
        return root.toString();
    }

    private String show(String model) {
        ObjectNode root = JSON.createObjectNode().put("license", "").put("modelfile", "FROM " + model)
                .put("parameters", "").put("template", "{{ .Prompt }}");
        root.set("details", details(scheduler.family(model).orElse("llama")));
        root.putObject("model_info");
        root.putArray("capabilities").add("completion");
        return root.toString();
    }

    private Answer nativeAnswer(String model, boolean chat, boolean stream, Ticket ticket, int tokens) {
        long loadNanos = ticket.loadDuration().toNanos();
        ObjectNode done = base(model).put("done", true).put("done_reason", "stop").put("total_duration", loadNanos + 1_000_000)
                .put("load_duration", loadNanos).put("prompt_eval_count", 1).put("eval_count", tokens);
        if (!stream) {
            String all = "tok ".repeat(tokens);
            return Answer.json(200, (chat ? done.<ObjectNode>set("message", message(all)) : done.put("response", all)).toString());
        }
        String last = (chat ? done.<ObjectNode>set("message", message("")) : done.put("response", "")) + "\n";
        return Answer.generated("application/x-ndjson", tokens + 1, i -> {
            if (i == tokens) {
                return last;
            }
            ObjectNode piece = base(model);
            return (chat ? piece.<ObjectNode>set("message", message("tok ")) : piece.put("response", "tok "))
                    .put("done", false) + "\n";
        });
    }

    private Answer openAi(String model, boolean chat, boolean stream, int tokens) {
        ObjectNode head = JSON.createObjectNode().put("id", chat ? "chatcmpl-1" : "cmpl-1")
                .put("created", time.now().getEpochSecond()).put("model", model).put("system_fingerprint", "fp_ollama");
        if (!stream) {
            ObjectNode answer = head.deepCopy().put("object", chat ? "chat.completion" : "text_completion");
            ObjectNode choice = answer.putArray("choices").addObject().put("index", 0);
            String all = "tok ".repeat(tokens);
            if (chat) {
                choice.set("message", message(all));
            } else {
                choice.put("text", all);
            }
            choice.put("finish_reason", "stop");
            answer.putObject("usage").put("prompt_tokens", 1).put("completion_tokens", tokens).put("total_tokens", tokens + 1);
            return Answer.json(200, answer.toString());
        }
        return Answer.generated("text/event-stream", tokens + 2, i -> {
            if (i == tokens + 1) {
                return "data: [DONE]\n\n";
            }
            ObjectNode chunk = head.deepCopy().put("object", chat ? "chat.completion.chunk" : "text_completion");
            ObjectNode choice = chunk.putArray("choices").addObject().put("index", 0);
            String text = i < tokens ? "tok " : "";
            if (chat) {
                choice.set("delta", message(text));
            } else {
                choice.put("text", text);
            }
            if (i < tokens) {
                choice.putNull("finish_reason");
            } else {
                choice.put("finish_reason", "stop");
            }
            return "data: " + chunk + "\n\n";
        });
    }

    private String embedding(String path, String model, Ticket ticket) {
        ArrayNode vector = JSON.createArrayNode();
        for (int i = 0; i < 16; i++) {
            vector.add(0.1);
        }
        return switch (path) {
            case "/api/embeddings" -> JSON.createObjectNode().<ObjectNode>set("embedding", vector).toString();
            case "/v1/embeddings" -> {
                ObjectNode root = JSON.createObjectNode().put("object", "list");
                root.putArray("data").addObject().put("object", "embedding").<ObjectNode>set("embedding", vector).put("index", 0);
                root.put("model", model).putObject("usage").put("prompt_tokens", 1).put("total_tokens", 1);
                yield root.toString();
            }
            default -> {
                ObjectNode root = JSON.createObjectNode().put("model", model);
                root.putArray("embeddings").add(vector);
                yield root.put("total_duration", ticket.loadDuration().toNanos() + 1_000_000)
                        .put("load_duration", ticket.loadDuration().toNanos()).put("prompt_eval_count", 1).toString();
            }
        };
    }

    private ObjectNode base(String model) {
        return JSON.createObjectNode().put("model", model).put("created_at", goTime(time.now()));
    }

    private static ObjectNode message(String content) {
        return JSON.createObjectNode().put("role", "assistant").put("content", content);
    }

    private static ObjectNode details(String family) {
        ObjectNode d = JSON.createObjectNode().put("parent_model", "").put("format", "gguf").put("family", family);
        d.putArray("families").add(family);
        return d.put("parameter_size", "8.8B").put("quantization_level", "Q4_K_M");
    }

    private static String digest(String name) {
        return String.format("%064x", new java.math.BigInteger(1, name.getBytes(StandardCharsets.UTF_8)).mod(
                java.math.BigInteger.TWO.pow(256)));
    }

    /**
     * As Ollama streams a pull: the manifest, one layer's bytes in steps, the digest check, then success; a model
     * the registry lacks ends in an error line (the status is sent before Ollama knows).
     */
    private Answer pull(String asked, boolean stream) {
        long fileMb = scheduler.pullableFileMb(asked);
        List<String> lines = new java.util.ArrayList<>();
        lines.add("{\"status\":\"pulling manifest\"}\n");
        if (fileMb < 0) {
            lines.add("{\"error\":\"pull model manifest: file does not exist\"}\n");
            return stream ? Answer.stream("application/x-ndjson", lines)
                    : error(500, "pull model manifest: file does not exist");
        }
        long total = fileMb * 1024 * 1024;
        String digest = "sha256:" + Integer.toHexString(asked.hashCode()) + "0a1b2c3d4e5f";
        for (int step = 0; step <= 10; step++) {
            lines.add("{\"status\":\"pulling " + digest.substring(7, 19) + "\",\"digest\":\"" + digest
                    + "\",\"total\":" + total + ",\"completed\":" + total * step / 10 + "}\n");
        }
        lines.add("{\"status\":\"verifying sha256 digest\"}\n");
        lines.add("{\"status\":\"writing manifest\"}\n");
        scheduler.completePull(asked);
        lines.add("{\"status\":\"success\"}\n");
        return stream ? Answer.stream("application/x-ndjson", lines) : Answer.json(200, "{\"status\":\"success\"}");
    }

    private static Answer error(int status, String message) {
        return Answer.json(status, JSON.createObjectNode().put("error", message).toString());
    }

    /** Go's RFC 3339 time in the local zone, as Ollama prints {@code expires_at}. */
    static String goTime(Instant at) {
        return GO_TIME.format(OffsetDateTime.ofInstant(at, ZoneId.systemDefault()));
    }
}
