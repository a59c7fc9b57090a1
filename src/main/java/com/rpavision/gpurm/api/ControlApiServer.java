package com.rpavision.gpurm.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rpavision.gpurm.core.concurrent.Threads;
import com.rpavision.gpurm.core.manager.GpuResourceManager;
import com.rpavision.gpurm.core.manager.MigrationResult;
import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The control API the RPA agent drives the manager with, on loopback only. Every request passes
 * {@link ApiGuard} first; mutations are JSON POSTs with bounded bodies, and a refused request changes nothing.
 */
public final class ControlApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlApiServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int MAX_JSON_BODY = 64 * 1024;
    static final int MAX_IMAGE_BODY = 20 * 1024 * 1024;
    static final int MAX_EVENT_CLIENTS = 4;
    private static final Duration HEARTBEAT = Duration.ofSeconds(15);
    private final java.util.concurrent.atomic.AtomicInteger eventClients = new java.util.concurrent.atomic.AtomicInteger();
    private volatile boolean stopping;
    private final java.util.concurrent.CompletableFuture<Void> stopped = new java.util.concurrent.CompletableFuture<>();
    private volatile java.util.function.Function<java.time.Instant, java.util.List<com.rpavision.gpurm.core.journal.JournalEntry>> journal =
            since -> java.util.List.of();
    private volatile java.time.Clock statisticsClock = java.time.Clock.systemDefaultZone();

    private final GpuResourceManager manager;
    private final ApiGuard guard;
    private final Duration transitionTimeout;
    private final String clipModel;
    private final ManagerMetrics metrics;
    private final boolean ownsMetrics;
    private final HttpServer server;
    private final ExecutorService executor;
    /** Parsed on the first request for it: the manager never pays for the YAML parser unless asked. */
    private volatile com.fasterxml.jackson.databind.JsonNode openApi;

    /**
     * @param address           must be a loopback address: anything else is refused
     * @param transitionTimeout how long a mode switch or a load may take before the answer is 504
     */
    public ControlApiServer(GpuResourceManager manager, InetAddress address, int port, ApiToken token,
                            Duration transitionTimeout, String clipModel) throws IOException {
        this(manager, address, port, token, transitionTimeout, clipModel, (OllamaProxyServer) null);
    }

    /** @param proxy the Ollama proxy whose requests /metrics counts, or null */
    public ControlApiServer(GpuResourceManager manager, InetAddress address, int port, ApiToken token,
                            Duration transitionTimeout, String clipModel, OllamaProxyServer proxy) throws IOException {
        this(manager, address, port, token, transitionTimeout, clipModel, ManagerMetrics.of(manager, proxy), true);
    }

    /** @param metrics what /metrics serves, shared with the other outlets; the caller closes it */
    public ControlApiServer(GpuResourceManager manager, InetAddress address, int port, ApiToken token,
                            Duration transitionTimeout, String clipModel, ManagerMetrics metrics) throws IOException {
        this(manager, address, port, token, transitionTimeout, clipModel, metrics, false);
    }

    private ControlApiServer(GpuResourceManager manager, InetAddress address, int port, ApiToken token,
                             Duration transitionTimeout, String clipModel, ManagerMetrics metrics, boolean ownsMetrics)
            throws IOException {
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("the control API listens on loopback only, not on " + address);
        }
        System.setProperty("sun.net.httpserver.nodelay", "true"); // no 40 ms delayed-ACK stall on kept-alive calls
        this.manager = manager;
        this.transitionTimeout = transitionTimeout;
        this.clipModel = clipModel;
        this.metrics = metrics;
        this.ownsMetrics = ownsMetrics;
        this.server = HttpServer.create(new InetSocketAddress(address, port), 0);
        this.guard = new ApiGuard(server.getAddress().getPort(), token);
        // Event streams hold a thread each: MAX_EVENT_CLIENTS of them, and four more for everything else.
        this.executor = Executors.newFixedThreadPool(4 + MAX_EVENT_CLIENTS, Threads.named("gpurm-api"));
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        LOG.info("Control API on http://127.0.0.1:{}", server.getAddress().getPort());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (guard.refused(exchange)) {
                return;
            }
            String path = exchange.getRequestURI().getPath();
            switch (path) {
                case "/health" -> onlyGet(exchange, () -> send(exchange, 200, Map.of("status", "ok")));
                case "/metrics" -> onlyGet(exchange, () -> HttpReplies.metrics(exchange, metrics.scrape()));
                case "/api/v1/openapi.json" -> onlyGet(exchange, () -> send(exchange, 200, openApi()));
                case "/api/v1/status" -> onlyGet(exchange, () -> send(exchange, 200, StatusJson.of(manager.getStatus())));
                case "/api/v1/mode" -> post(exchange, BodyShape.oneString("mode"), body -> mode(exchange, body));
                case "/api/v1/vlm/load" -> post(exchange, BodyShape.EMPTY, body -> vlm(exchange, true));
                case "/api/v1/vlm/unload" -> post(exchange, BodyShape.EMPTY, body -> vlm(exchange, false));
                case "/api/v1/clip/device" -> post(exchange, BodyShape.oneString("device"), body -> clipDevice(exchange, body));
                case "/api/v1/clip/embed" -> embed(exchange);
                case "/api/v1/events" -> onlyGet(exchange, () -> events(exchange));
                case "/api/v1/ollama/models" -> onlyGet(exchange, () -> ollamaModels(exchange));
                case "/api/v1/statistics" -> onlyGet(exchange, () -> send(exchange, 200, statistics()));
                case "/api/v1/events/recent" -> onlyGet(exchange, () -> send(exchange, 200,
                        manager.recentEvents().stream().map(ControlApiServer::eventJson).toList()));
                case "/api/v1/ollama/unload" -> post(exchange, BodyShape.oneString("model"), body -> unloadOllamaModel(exchange, body));
                case "/api/v1/gpu/free-for-recording" -> post(exchange, BodyShape.EMPTY, body -> freeGpuForRecording(exchange));
                default -> error(exchange, 404, "no such endpoint: " + path);
            }
        } catch (RuntimeException e) {
            LOG.warn("Control API request failed: {}", e.toString(), e);
        }
    }

    @FunctionalInterface
    private interface Action {
        void run() throws IOException;
    }

    @FunctionalInterface
    private interface BodyAction {
        void run(JsonNode body) throws IOException;
    }

    private void onlyGet(HttpExchange exchange, Action action) throws IOException {
        if (!"GET".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "GET");
            error(exchange, 405, "use GET");
            return;
        }
        action.run();
    }

    /**
     * JSON POST with a bounded body of {@code shape}; anything else is refused before the manager hears of it. No
     * body and no Content-Type is an empty object (an operation whose body is required then misses its property).
     */
    private void post(HttpExchange exchange, BodyShape shape, BodyAction action) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "POST");
            error(exchange, 405, "use POST");
            return;
        }
        byte[] bytes = noContentType(exchange) ? HttpReplies.bodyUpTo(exchange, MAX_JSON_BODY)
                : readBody(exchange, MAX_JSON_BODY, "send the body as application/json", "application/json");
        if (bytes == null) {
            return;
        }
        if (bytes.length > 0 && noContentType(exchange)) {
            error(exchange, 415, "send the body as application/json");
            return;
        }
        JsonNode body;
        try {
            body = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
        } catch (JsonProcessingException e) {
            error(exchange, 400, "the body is not valid JSON: " + e.getOriginalMessage());
            return;
        }
        if (body == null || !body.isObject()) {
            error(exchange, 400, "the body must be a JSON object");
            return;
        }
        String refusal = shape.refusal(body);
        if (refusal != null) {
            error(exchange, 400, refusal);
            return;
        }
        action.run(body);
    }

    private void mode(HttpExchange exchange, JsonNode body) throws IOException {
        ExecutionMode mode;
        try {
            mode = ExecutionMode.fromWireName(body.path("mode").asText(null));
        } catch (IllegalArgumentException e) {
            error(exchange, 400, e.getMessage());
            return;
        }
        try {
            GpuResourceStatus status = awaited(manager.setExecutionMode(mode));
            send(exchange, 200, StatusJson.of(status));
        } catch (ShuttingDown e) {
            error(exchange, 503, "shutting down: the manager stops, ask again once it has started");
            return;
        } catch (TimeoutException e) {
            // One short sentence; the status reached (1.5 kB) is a field of its own, not the message (issue 26).
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("error", "the switch to " + mode.wireName() + " is still under way after "
                    + transitionTimeout.toSeconds() + " s; it goes on (status: where it got)");
            json.put("status", StatusJson.of(manager.getStatus()));
            send(exchange, 504, json);
        } catch (Exception e) {
            error(exchange, 500, "the mode switch failed: " + e.getMessage());
        }
    }

    private void vlm(HttpExchange exchange, boolean load) throws IOException {
        if (!load && manager.getExecutionMode() == ExecutionMode.RECORDING) {
            // RECORDING's desired state is the VLM loaded: the manager would load it again within a tick, and a
            // "true" answer would be a lie by then. Refused, nothing changed (issue 26).
            error(exchange, 409, "in recording mode the VLM stays loaded (the mode loads it again at once): switch to "
                    + "idle or autopilot first; nothing was changed");
            return;
        }
        try {
            awaited((load ? manager.loadVlmAsync() : manager.unloadVlmAsync()));
        } catch (ShuttingDown e) {
            error(exchange, 503, "shutting down: the manager stops, ask again once it has started");
            return;
        } catch (TimeoutException e) {
            error(exchange, 504, "still " + (load ? "loading" : "unloading") + " after " + transitionTimeout.toSeconds() + " s");
            return;
        } catch (Exception e) {
            error(exchange, 500, e.getMessage());
            return;
        }
        GpuResourceStatus status = manager.getStatus();
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("loaded", manager.isVlmLoaded());
        json.put("vlm_state", status.vlmState().wireName());
        json.put("reason", status.vlmStateReason() != null ? status.vlmStateReason() : status.degradedReason());
        send(exchange, 200, json);
    }

    private com.fasterxml.jackson.databind.JsonNode openApi() {
        if (openApi == null) {
            openApi = OpenApiDocument.forPort(port());
        }
        return openApi;
    }

    /** Where {@code GET /api/v1/statistics} reads what happened; without it the statistics are empty. */
    public void statisticsFrom(java.util.function.Function<java.time.Instant, java.util.List<com.rpavision.gpurm.core.journal.JournalEntry>> source,
                               java.time.Clock clock) {
        this.journal = java.util.Objects.requireNonNull(source);
        this.statisticsClock = java.util.Objects.requireNonNull(clock);
    }

    /** Today and this week (from Monday, local time), as the Statistics tab shows them. */
    private Map<String, Object> statistics() {
        var report = com.rpavision.gpurm.core.journal.WeekReport.read(journal, java.time.ZonedDateTime.now(statisticsClock));
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("today", statisticsJson(report.today()));
        json.put("this_week", statisticsJson(report.thisWeek()));
        return json;
    }

    private static Map<String, Object> statisticsJson(com.rpavision.gpurm.core.journal.Statistics s) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("from", s.from().toString());
        json.put("to", s.to().toString());
        Map<String, Object> modes = new LinkedHashMap<>();
        s.timeInMode().forEach((mode, d) -> modes.put(mode.wireName(), d.toSeconds()));
        json.put("seconds_in_mode", modes);
        json.put("vlm_loads", s.loads());
        json.put("load_p50_ms", s.loadP50() == null ? null : s.loadP50().toMillis());
        json.put("load_p95_ms", s.loadP95() == null ? null : s.loadP95().toMillis());
        json.put("idle_unloads", s.idleUnloads());
        json.put("degraded_seconds", s.degraded().toSeconds());
        json.put("clip_moves", s.clipMoves());
        return json;
    }

    /** What Ollama holds now, the VLM marked: for an agent that wants to see who else uses the GPU. */
    private void ollamaModels(HttpExchange exchange) throws IOException {
        java.util.List<com.rpavision.gpurm.core.ollama.RunningModel> models;
        try {
            models = manager.ollamaModels();
        } catch (com.rpavision.gpurm.core.ollama.OllamaException e) {
            error(exchange, 502, "Ollama cannot be asked: " + e.getMessage());
            return;
        }
        java.util.List<Map<String, Object>> list = new java.util.ArrayList<>();
        for (var m : models) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("name", m.name());
            json.put("vram_mb", m.sizeVramMb());
            json.put("size_mb", m.sizeBytes() / (1024 * 1024));
            json.put("expires_at", m.expiresAt() == null ? null : m.expiresAt().toString());
            json.put("is_vlm", manager.isVlm(m.name()));
            list.add(json);
        }
        send(exchange, 200, Map.of("models", list));
    }

    /** Unloads a model other than the VLM; the VLM has its own endpoint and the manager's rules. */
    private void freeGpuForRecording(HttpExchange exchange) throws IOException {
        com.rpavision.gpurm.core.manager.GpuTakeBack done;
        try {
            done = awaited(manager.freeGpuForRecording());
        } catch (ShuttingDown e) {
            error(exchange, 503, "shutting down: the manager stops, ask again once it has started");
            return;
        } catch (TimeoutException e) {
            error(exchange, 504, "still freeing the GPU for recording after " + transitionTimeout.toSeconds()
                    + " s; GET /api/v1/status says where it got");
            return;
        } catch (Exception e) {
            error(exchange, 500, "freeing the GPU failed: " + e.getMessage());
            return;
        }
        java.util.List<Map<String, Object>> unloaded = new java.util.ArrayList<>();
        for (com.rpavision.gpurm.core.manager.OtherModelUnload result : done.unloaded()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("model", result.model());
            one.put("ok", result.ok());
            one.put("vram_freed_mb", result.vramFreedMb());
            one.put("reason", result.reason());
            unloaded.add(one);
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("unloaded", unloaded);
        json.put("vram_freed_mb", done.vramFreedMb());
        json.put("status", StatusJson.of(done.status()));
        send(exchange, 200, json);
    }

    private void unloadOllamaModel(HttpExchange exchange, JsonNode body) throws IOException {
        String model = body.path("model").asText("");
        if (model.isBlank()) {
            error(exchange, 400, "name the model: {\"model\": \"llama3:8b\"}");
            return;
        }
        if (manager.isVlm(model)) {
            error(exchange, 409, model + " is the vision model this manager owns: use POST /api/v1/vlm/unload or switch mode");
            return;
        }
        com.rpavision.gpurm.core.manager.OtherModelUnload result;
        try {
            result = awaited(manager.unloadOllamaModel(model));
        } catch (ShuttingDown e) {
            error(exchange, 503, "shutting down: the manager stops, ask again once it has started");
            return;
        } catch (TimeoutException e) {
            error(exchange, 504, model + " is still unloading after " + transitionTimeout.toSeconds() + " s");
            return;
        } catch (Exception e) {
            error(exchange, 500, "the unload failed: " + e.getMessage());
            return;
        }
        if (!result.ok()) {
            error(exchange, 502, result.reason());
            return;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("ok", true);
        json.put("model", result.model());
        json.put("vram_freed_mb", result.vramFreedMb());
        json.put("reason", result.reason());
        send(exchange, 200, json);
    }

    private void clipDevice(HttpExchange exchange, JsonNode body) throws IOException {
        ClipDevice device;
        try {
            device = ClipDevice.fromWireName(body.path("device").asText(null));
        } catch (IllegalArgumentException e) {
            error(exchange, 400, e.getMessage());
            return;
        }
        MigrationResult result;
        try {
            result = awaited(manager.migrateClipAsync(device));
        } catch (ShuttingDown e) {
            error(exchange, 503, "shutting down: the manager stops, ask again once it has started");
            return;
        } catch (TimeoutException e) {
            error(exchange, 504, "CLIP is still moving after " + transitionTimeout.toSeconds() + " s");
            return;
        } catch (Exception e) {
            error(exchange, 500, "CLIP could not move: " + e.getMessage());
            return;
        }
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("ok", result.ok());
        json.put("clip_device", result.device().wireName());
        json.put("reason", result.reason());
        send(exchange, 200, json);
    }

    /**
     * The body of a POST whose Content-Type is one of {@code types}, read to at most {@code max} bytes; null when
     * it was refused (415 or 413, already answered).
     */
    private static byte[] readBody(HttpExchange exchange, int max, String typeHint, String... types) throws IOException {
        String type = String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")).toLowerCase();
        if (java.util.Arrays.stream(types).noneMatch(type::startsWith)) {
            error(exchange, 415, typeHint);
            return null;
        }
        return HttpReplies.bodyUpTo(exchange, max);
    }

    private static boolean noContentType(HttpExchange exchange) {
        return exchange.getRequestHeaders().getFirst("Content-Type") == null;
    }

    /** Server-Sent Events: one JSON event per message until the client goes or the server stops. */
    private void events(HttpExchange exchange) throws IOException {
        if (eventClients.incrementAndGet() > MAX_EVENT_CLIENTS) {
            eventClients.decrementAndGet();
            error(exchange, 503, "too many event streams open (at most " + MAX_EVENT_CLIENTS + ")");
            return;
        }
        java.util.concurrent.BlockingQueue<com.rpavision.gpurm.core.model.ResourceChangedEvent> queue =
                new java.util.concurrent.LinkedBlockingQueue<>(1_000);
        try (var subscription = manager.onResourceChanged(queue::offer)) {
            exchange.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
            exchange.getResponseHeaders().set("Cache-Control", "no-store");
            exchange.sendResponseHeaders(200, 0);
            OutputStream out = exchange.getResponseBody();
            out.write(": connected\n\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.flush();
            while (!stopping) {
                var event = queue.poll(HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS);
                String message = event == null ? ": heartbeat\n\n" : "data: " + JSON.writeValueAsString(eventJson(event)) + "\n\n";
                out.write(message.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.debug("An event stream closed: {}", e.getMessage());
        } finally {
            eventClients.decrementAndGet();
        }
    }

    /** An event as the API and the diagnostics write it: type, timestamp, details. */
    public static Map<String, Object> eventJson(com.rpavision.gpurm.core.model.ResourceChangedEvent event) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("type", event.eventType());
        json.put("timestamp", event.timestamp().toString());
        json.put("details", event.details());
        return json;
    }

    /** A PNG or JPEG body, at most 20 MB, to one L2-normalized CLIP embedding. */
    private void embed(HttpExchange exchange) throws IOException {
        if (!"POST".equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", "POST");
            error(exchange, 405, "use POST");
            return;
        }
        byte[] bytes = readBody(exchange, MAX_IMAGE_BODY, "send the image as image/png or image/jpeg", "image/png", "image/jpeg");
        if (bytes == null) {
            return;
        }
        java.awt.image.BufferedImage image;
        try {
            image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(bytes));
        } catch (IOException e) {
            image = null;
        }
        if (image == null) {
            error(exchange, 400, "the body is not a PNG or JPEG image this server can read");
            return;
        }
        try {
            float[] embedding = manager.embed(image);
            var status = manager.getStatus();
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("embedding", embedding);
            json.put("clip_device", status.clipDevice());
            json.put("model", clipModel);
            send(exchange, 200, json);
        } catch (com.rpavision.gpurm.core.clip.ClipException e) {
            error(exchange, 503, "CLIP cannot embed now: " + e.getMessage());
        }
    }

    private static void error(HttpExchange exchange, int status, String message) throws IOException {
        HttpReplies.error(exchange, status, message);
    }

    private static void send(HttpExchange exchange, int status, Object body) throws IOException {
        HttpReplies.json(exchange, status, body);
    }

    /** A manager operation a request waits for, cut short by the stop. */
    private static final class ShuttingDown extends Exception {
        private static final long serialVersionUID = 1L;
    }

    /**
     * Waits for a manager operation, at most the transition timeout; a stop meanwhile ends the wait at once (the
     * request is answered 503 instead of closed without an answer).
     */
    private <T> T awaited(java.util.concurrent.CompletableFuture<T> operation) throws Exception {
        java.util.concurrent.CompletableFuture.anyOf(operation, stopped).get(transitionTimeout.toMillis(), TimeUnit.MILLISECONDS);
        if (!operation.isDone()) {
            throw new ShuttingDown();
        }
        return operation.get();
    }

    /**
     * Stops accepting, answers requests that wait for the manager 503 "shutting down", lets the others finish for up
     * to {@code grace}, then stops.
     */
    public void stop(Duration grace) {
        stopping = true;
        stopped.complete(null);
        if (ownsMetrics) {
            metrics.close();
        }
        server.stop((int) grace.toSeconds());
        executor.shutdownNow();
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }
}
