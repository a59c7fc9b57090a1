package com.rpavision.gpurm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rpavision.gpurm.core.ollama.ModelNames;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An Ollama look-alike speaking the real native API over HTTP: /api/version, /api/ps, /api/generate (load
 * with no prompt, unload with keep_alive 0, and prompts). Loads put the model's VRAM on a {@link FakeGpu};
 * an unloaded model lingers in /api/ps for a few polls before its runner "exits", as Ollama's does.
 */
public final class FakeOllama extends Dispatcher {

    public enum Fault { DISCONNECT_AFTER_REQUEST, HTTP_500, HTTP_503, ERROR_FIELD, MALFORMED_JSON }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final FakeGpu gpu;
    private final MutableClock clock;
    private final ConcurrencyRecorder operations;
    private final List<String> timeline;
    private final Map<String, Long> installed = new LinkedHashMap<>();
    /** Resident models; the value is how many more /api/ps polls an unloading one stays listed (-1: not unloading). */
    private final Map<String, Integer> resident = new LinkedHashMap<>();
    private final Deque<Fault> generateFaults = new ArrayDeque<>();
    private volatile boolean down;
    private volatile int lingerPolls = 2;
    private volatile Duration simulatedLoadTime = Duration.ofSeconds(3);
    private volatile long realLoadDelayMillis;
    public final AtomicInteger loads = new AtomicInteger();
    public final AtomicInteger unloads = new AtomicInteger();
    public final AtomicInteger prompts = new AtomicInteger();
    public final AtomicInteger promptsWhileNotResident = new AtomicInteger();
    public final AtomicInteger keepAliveRequests = new AtomicInteger();

    public FakeOllama(FakeGpu gpu, MutableClock clock, ConcurrencyRecorder operations, List<String> timeline) {
        this.gpu = gpu;
        this.clock = clock;
        this.operations = operations;
        this.timeline = timeline;
        install("qwen3-vl:8b", 10_500);
    }

    public synchronized FakeOllama install(String model, long vramMb) {
        installed.put(ModelNames.normalize(model), vramMb);
        return this;
    }

    public void setDown(boolean down) {
        this.down = down;
    }

    public boolean isDown() {
        return down;
    }

    public synchronized void failNextGenerate(Fault... faults) {
        generateFaults.addAll(List.of(faults));
    }

    public synchronized void clearFaults() {
        generateFaults.clear();
    }

    public synchronized int pendingFaults() {
        return generateFaults.size();
    }

    public void lingerPolls(int polls) {
        this.lingerPolls = polls;
    }

    public void simulatedLoadTime(Duration duration) {
        this.simulatedLoadTime = duration;
    }

    public void realLoadDelayMillis(long millis) {
        this.realLoadDelayMillis = millis;
    }

    /** Loads a model behind the manager's back, as another client would. */
    public synchronized void preload(String model) {
        String name = ModelNames.normalize(model);
        resident.put(name, -1);
        gpu.allocate(name, installed.get(name));
    }

    public synchronized boolean isResident(String model) {
        return resident.containsKey(ModelNames.normalize(model));
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
        if (down) {
            return new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build();
        }
        String path = request.getUrl().encodedPath();
        try {
            return switch (path) {
                case "/api/version" -> json(200, "{\"version\":\"0.12.6\"}");
                case "/api/ps" -> json(200, ps());
                case "/api/tags" -> json(200, tags());
                case "/api/generate" -> generate(JSON.readTree(request.getBody().utf8()));
                default -> json(404, "404 page not found");
            };
        } catch (IOException e) {
            return json(400, "{\"error\":\"invalid JSON\"}");
        }
    }

    /** The pulled models; a file is about 70 % of what the model then takes in VRAM (weights without KV cache). */
    private synchronized String tags() {
        ArrayNode models = JSON.createArrayNode();
        installed.forEach((name, vramMb) -> models.addObject().put("name", name).put("model", name)
                .put("size", vramMb * 1024 * 1024 * 70 / 100).put("digest", "c7a9a1e4"));
        ObjectNode root = JSON.createObjectNode();
        root.set("models", models);
        return root.toString();
    }

    private synchronized String ps() {
        ArrayNode models = JSON.createArrayNode();
        resident.replaceAll((name, linger) -> linger > 0 ? linger - 1 : linger);
        resident.entrySet().removeIf(e -> {
            if (e.getValue() == 0) {
                gpu.free(e.getKey());
                return true;
            }
            return false;
        });
        for (Map.Entry<String, Integer> e : resident.entrySet()) {
            long bytes = installed.get(e.getKey()) * 1024 * 1024;
            ObjectNode m = models.addObject();
            m.put("name", e.getKey()).put("model", e.getKey()).put("size", bytes + 512L * 1024 * 1024)
                    .put("digest", "c7a9a1e4").put("size_vram", bytes).put("context_length", 4096)
                    .put("expires_at", e.getValue() >= 0 ? "2026-11-30T09:00:00.123456789+01:00" : "2318-09-08T12:00:00.987654321-07:00");
            m.putObject("details").put("family", "qwen3vl").put("parameter_size", "8.8B");
        }
        ObjectNode root = JSON.createObjectNode();
        root.set("models", models);
        return root.toString();
    }

    private MockResponse generate(JsonNode body) throws InterruptedException {
        Fault fault;
        synchronized (this) {
            fault = generateFaults.poll();
        }
        if (fault != null) {
            return faultResponse(fault);
        }
        String model = ModelNames.normalize(body.path("model").asText());
        Long size;
        synchronized (this) {
            size = installed.get(model);
        }
        if (size == null) {
            return json(404, "{\"error\":\"model \\\"" + body.path("model").asText() + "\\\" not found, try pulling it first\"}");
        }
        if (body.hasNonNull("prompt") && !body.path("prompt").asText().isEmpty()) {
            prompts.incrementAndGet();
            if (!isResident(model)) {
                promptsWhileNotResident.incrementAndGet();
            }
            return json(200, "{\"model\":\"" + model + "\",\"response\":\"ok\",\"done\":true,\"done_reason\":\"stop\"}");
        }
        JsonNode keepAlive = body.path("keep_alive");
        if (keepAlive.isNumber() && keepAlive.asLong() == 0) {
            return unload(model);
        }
        if (keepAlive.isTextual()) {
            keepAliveRequests.incrementAndGet();
            return json(200, "{\"model\":\"" + model + "\",\"done\":true,\"done_reason\":\"load\"}");
        }
        return load(model, size);
    }

    private MockResponse load(String model, long sizeMb) throws InterruptedException {
        operations.enter();
        try {
            timeline.add("ollama:load-start");
            if (realLoadDelayMillis > 0) {
                Thread.sleep(realLoadDelayMillis);
            }
            if (clock != null) {
                clock.advance(simulatedLoadTime);
            }
            synchronized (this) {
                if (resident.put(model, -1) == null) {
                    gpu.allocate(model, sizeMb);
                }
            }
            loads.incrementAndGet();
            timeline.add("ollama:load-done");
            return json(200, "{\"model\":\"" + model + "\",\"created_at\":\"2026-11-30T08:00:00.5Z\",\"response\":\"\","
                    + "\"done\":true,\"done_reason\":\"load\",\"load_duration\":" + simulatedLoadTime.toNanos() + "}");
        } finally {
            operations.exit();
        }
    }

    private MockResponse unload(String model) {
        operations.enter();
        try {
            synchronized (this) {
                if (resident.containsKey(model)) {
                    int linger = lingerPolls;
                    if (linger == 0) {
                        resident.remove(model);
                        gpu.free(model);
                    } else {
                        resident.put(model, linger);
                    }
                }
            }
            unloads.incrementAndGet();
            timeline.add("ollama:unload");
            return json(200, "{\"model\":\"" + model + "\",\"response\":\"\",\"done\":true,\"done_reason\":\"unload\"}");
        } finally {
            operations.exit();
        }
    }

    private static MockResponse faultResponse(Fault fault) {
        return switch (fault) {
            case DISCONNECT_AFTER_REQUEST -> new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build();
            case HTTP_500 -> json(500, "{\"error\":\"llama runner process has terminated\"}");
            case HTTP_503 -> json(503, "{\"error\":\"server busy, please try again.  maximum pending requests exceeded\"}");
            case ERROR_FIELD -> json(200, "{\"error\":\"model requires more system memory (12.1 GiB) than is available (8.0 GiB)\"}");
            case MALFORMED_JSON -> json(200, "{\"model\":\"qwen3-vl:8b\",\"done\":tr");
        };
    }

    private static MockResponse json(int code, String body) {
        return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json; charset=utf-8").body(body).build();
    }
}
