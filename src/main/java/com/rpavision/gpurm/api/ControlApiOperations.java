package com.rpavision.gpurm.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rpavision.gpurm.api.http.ApiReply;
import com.rpavision.gpurm.api.http.ApiRequest;
import com.rpavision.gpurm.core.journal.JournalEntry;
import com.rpavision.gpurm.core.manager.GpuResourceManager;
import com.rpavision.gpurm.core.manager.MigrationResult;
import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.GpuResourceStatus;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

import static com.rpavision.gpurm.api.http.ApiReply.error;
import static com.rpavision.gpurm.api.http.ApiReply.json;

/**
 * What the control API's routes do with the manager, one method per operation, each returning its answer. They run
 * on the API's executor, never on an event loop: a mode switch or a load waits for the manager up to the transition
 * timeout, and the stop cuts that wait short with 503 "shutting down".
 */
final class ControlApiOperations {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SHUTTING_DOWN = "shutting down: the manager stops, ask again once it has started";

    private final GpuResourceManager manager;
    private final Duration transitionTimeout;
    private final String clipModel;
    private final CompletableFuture<Void> stopped = new CompletableFuture<>();
    private volatile Function<Instant, List<JournalEntry>> journal = since -> List.of();
    private volatile Clock statisticsClock = Clock.systemDefaultZone();

    ControlApiOperations(GpuResourceManager manager, Duration transitionTimeout, String clipModel) {
        this.manager = manager;
        this.transitionTimeout = transitionTimeout;
        this.clipModel = clipModel;
    }

    void statisticsFrom(Function<Instant, List<JournalEntry>> source, Clock clock) {
        this.journal = Objects.requireNonNull(source);
        this.statisticsClock = Objects.requireNonNull(clock);
    }

    /** Ends every wait for the manager (now and later) with 503. */
    void stopping() {
        stopped.complete(null);
    }

    /** An admitted request (route and method already checked) to its answer. */
    ApiReply handle(ApiRequest request) throws Exception {
        return switch (request.path()) {
            case "/api/v1/status" -> json(200, StatusJson.of(manager.getStatus()));
            case "/api/v1/mode" -> post(request, BodyShape.oneString("mode"), this::mode);
            case "/api/v1/vlm/load" -> post(request, BodyShape.EMPTY, body -> vlm(true));
            case "/api/v1/vlm/unload" -> post(request, BodyShape.EMPTY, body -> vlm(false));
            case "/api/v1/clip/device" -> post(request, BodyShape.oneString("device"), this::clipDevice);
            case "/api/v1/clip/embed" -> embed(request.body());
            case "/api/v1/ollama/models" -> ollamaModels();
            case "/api/v1/statistics" -> json(200, statistics());
            case "/api/v1/events/recent" -> json(200, manager.recentEvents().stream().map(EventStreams::eventJson).toList());
            case "/api/v1/ollama/unload" -> post(request, BodyShape.oneString("model"), this::unloadOllamaModel);
            case "/api/v1/gpu/free-for-recording" -> post(request, BodyShape.EMPTY, body -> freeGpuForRecording());
            default -> error(404, "no such endpoint: " + request.path());
        };
    }

    @FunctionalInterface
    private interface BodyAction {
        ApiReply run(JsonNode body) throws Exception;
    }

    /**
     * A JSON body of {@code shape} (type and size were checked at admission); anything else is refused before the
     * manager hears of it. No body and no Content-Type is an empty object (an operation whose body is required then
     * misses its property).
     */
    private static ApiReply post(ApiRequest request, BodyShape shape, BodyAction action) throws Exception {
        byte[] bytes = request.body();
        if (bytes.length > 0 && request.header("Content-Type") == null) {
            return error(415, "send the body as application/json");
        }
        JsonNode body;
        try {
            body = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            return error(400, "the body is not valid JSON: " + e.getOriginalMessage());
        }
        if (body == null || !body.isObject()) {
            return error(400, "the body must be a JSON object");
        }
        String refusal = shape.refusal(body);
        return refusal != null ? error(400, refusal) : action.run(body);
    }

    private ApiReply mode(JsonNode body) {
        ExecutionMode mode;
        try {
            mode = ExecutionMode.fromWireName(body.path("mode").asText(null));
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        }
        try {
            GpuResourceStatus status = awaited(manager.setExecutionMode(mode));
            return json(200, StatusJson.of(status));
        } catch (ShuttingDown e) {
            return error(503, SHUTTING_DOWN);
        } catch (TimeoutException e) {
            // One short sentence; the status reached (1.5 kB) is a field of its own, not the message (issue 26).
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("error", "the switch to " + mode.wireName() + " is still under way after "
                    + transitionTimeout.toSeconds() + " s; it goes on (status: where it got)");
            answer.put("status", StatusJson.of(manager.getStatus()));
            return json(504, answer);
        } catch (Exception e) {
            return error(500, "the mode switch failed: " + e.getMessage());
        }
    }

    private ApiReply vlm(boolean load) {
        if (!load && manager.getExecutionMode() == ExecutionMode.RECORDING) {
            // RECORDING's desired state is the VLM loaded: the manager would load it again within a tick, and a
            // "true" answer would be a lie by then. Refused, nothing changed (issue 26).
            return error(409, "in recording mode the VLM stays loaded (the mode loads it again at once): switch to "
                    + "idle or autopilot first; nothing was changed");
        }
        try {
            awaited(load ? manager.loadVlmAsync() : manager.unloadVlmAsync());
        } catch (ShuttingDown e) {
            return error(503, SHUTTING_DOWN);
        } catch (TimeoutException e) {
            return error(504, "still " + (load ? "loading" : "unloading") + " after " + transitionTimeout.toSeconds() + " s");
        } catch (Exception e) {
            return error(500, e.getMessage());
        }
        GpuResourceStatus status = manager.getStatus();
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("loaded", manager.isVlmLoaded());
        answer.put("vlm_state", status.vlmState().wireName());
        answer.put("reason", status.vlmStateReason() != null ? status.vlmStateReason() : status.degradedReason());
        return json(200, answer);
    }

    /** Today and this week (from Monday, local time), as the Statistics tab shows them. */
    private Map<String, Object> statistics() {
        var report = com.rpavision.gpurm.core.journal.WeekReport.read(journal, java.time.ZonedDateTime.now(statisticsClock));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("today", statisticsJson(report.today()));
        answer.put("this_week", statisticsJson(report.thisWeek()));
        return answer;
    }

    private static Map<String, Object> statisticsJson(com.rpavision.gpurm.core.journal.Statistics s) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("from", s.from().toString());
        answer.put("to", s.to().toString());
        Map<String, Object> modes = new LinkedHashMap<>();
        s.timeInMode().forEach((mode, d) -> modes.put(mode.wireName(), d.toSeconds()));
        answer.put("seconds_in_mode", modes);
        answer.put("vlm_loads", s.loads());
        answer.put("load_p50_ms", s.loadP50() == null ? null : s.loadP50().toMillis());
        answer.put("load_p95_ms", s.loadP95() == null ? null : s.loadP95().toMillis());
        answer.put("idle_unloads", s.idleUnloads());
        answer.put("degraded_seconds", s.degraded().toSeconds());
        answer.put("clip_moves", s.clipMoves());
        return answer;
    }

    /** What Ollama holds now, the VLM marked: for an agent that wants to see who else uses the GPU. */
    private ApiReply ollamaModels() {
        List<com.rpavision.gpurm.core.ollama.RunningModel> models;
        try {
            models = manager.ollamaModels();
        } catch (com.rpavision.gpurm.core.ollama.OllamaException e) {
            return error(502, "Ollama cannot be asked: " + e.getMessage());
        }
        List<Map<String, Object>> list = new ArrayList<>();
        for (var m : models) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("name", m.name());
            one.put("vram_mb", m.sizeVramMb());
            one.put("size_mb", m.sizeBytes() / (1024 * 1024));
            one.put("expires_at", m.expiresAt() == null ? null : m.expiresAt().toString());
            one.put("is_vlm", manager.isVlm(m.name()));
            list.add(one);
        }
        return json(200, Map.of("models", list));
    }

    /** Unloads every model other than the VLM, so that the VLM fits for recording. */
    private ApiReply freeGpuForRecording() {
        com.rpavision.gpurm.core.manager.GpuTakeBack done;
        try {
            done = awaited(manager.freeGpuForRecording());
        } catch (ShuttingDown e) {
            return error(503, SHUTTING_DOWN);
        } catch (TimeoutException e) {
            return error(504, "still freeing the GPU for recording after " + transitionTimeout.toSeconds()
                    + " s; GET /api/v1/status says where it got");
        } catch (Exception e) {
            return error(500, "freeing the GPU failed: " + e.getMessage());
        }
        List<Map<String, Object>> unloaded = new ArrayList<>();
        for (com.rpavision.gpurm.core.manager.OtherModelUnload result : done.unloaded()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("model", result.model());
            one.put("ok", result.ok());
            one.put("vram_freed_mb", result.vramFreedMb());
            one.put("reason", result.reason());
            unloaded.add(one);
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("unloaded", unloaded);
        answer.put("vram_freed_mb", done.vramFreedMb());
        answer.put("status", StatusJson.of(done.status()));
        return json(200, answer);
    }

    /** Unloads a model other than the VLM; the VLM has its own endpoint and the manager's rules. */
    private ApiReply unloadOllamaModel(JsonNode body) {
        String model = body.path("model").asText("");
        if (model.isBlank()) {
            return error(400, "name the model: {\"model\": \"llama3:8b\"}");
        }
        if (manager.isVlm(model)) {
            return error(409, model + " is the vision model this manager owns: use POST /api/v1/vlm/unload or switch mode");
        }
        com.rpavision.gpurm.core.manager.OtherModelUnload result;
        try {
            result = awaited(manager.unloadOllamaModel(model));
        } catch (ShuttingDown e) {
            return error(503, SHUTTING_DOWN);
        } catch (TimeoutException e) {
            return error(504, model + " is still unloading after " + transitionTimeout.toSeconds() + " s");
        } catch (Exception e) {
            return error(500, "the unload failed: " + e.getMessage());
        }
        if (!result.ok()) {
            return error(502, result.reason());
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", true);
        answer.put("model", result.model());
        answer.put("vram_freed_mb", result.vramFreedMb());
        answer.put("reason", result.reason());
        return json(200, answer);
    }

    private ApiReply clipDevice(JsonNode body) {
        ClipDevice device;
        try {
            device = ClipDevice.fromWireName(body.path("device").asText(null));
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        }
        MigrationResult result;
        try {
            result = awaited(manager.migrateClipAsync(device));
        } catch (ShuttingDown e) {
            return error(503, SHUTTING_DOWN);
        } catch (TimeoutException e) {
            return error(504, "CLIP is still moving after " + transitionTimeout.toSeconds() + " s");
        } catch (Exception e) {
            return error(500, "CLIP could not move: " + e.getMessage());
        }
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("ok", result.ok());
        answer.put("clip_device", result.device().wireName());
        answer.put("reason", result.reason());
        return json(200, answer);
    }

    /** A PNG or JPEG body (type and size checked at admission) to one L2-normalized CLIP embedding. */
    private ApiReply embed(byte[] bytes) {
        java.awt.image.BufferedImage image;
        try {
            image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(bytes));
        } catch (IOException e) {
            image = null;
        }
        if (image == null) {
            return error(400, "the body is not a PNG or JPEG image this server can read");
        }
        try {
            float[] embedding = manager.embed(image);
            var status = manager.getStatus();
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("embedding", embedding);
            answer.put("clip_device", status.clipDevice());
            answer.put("model", clipModel);
            return json(200, answer);
        } catch (com.rpavision.gpurm.core.clip.ClipException e) {
            return error(503, "CLIP cannot embed now: " + e.getMessage());
        }
    }

    /** A manager operation a request waits for, cut short by the stop. */
    private static final class ShuttingDown extends Exception {
        private static final long serialVersionUID = 1L;
    }

    /**
     * Waits for a manager operation, at most the transition timeout; a stop meanwhile ends the wait at once (the
     * request is answered 503 instead of closed without an answer).
     */
    private <T> T awaited(CompletableFuture<T> operation) throws Exception {
        CompletableFuture.anyOf(operation, stopped).get(transitionTimeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!operation.isDone()) {
            throw new ShuttingDown();
        }
        return operation.get();
    }
}
