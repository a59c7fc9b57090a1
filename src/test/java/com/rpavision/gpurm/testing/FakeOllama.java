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
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An Ollama look-alike speaking the real native API over HTTP: /api/version, /api/ps, /api/tags, /api/generate
 * and /api/chat (load with no prompt, unload with keep_alive 0, prompts), /v1/chat/completions. It models what
 * Ollama does to a loaded model, as of Ollama 0.12:
 * <ul>
 * <li>{@code keep_alive}: a request without it keeps a loaded model's timer, an explicit one replaces it, a
 *     model loaded without one gets the server default (5 minutes), and {@code /v1} requests always apply the
 *     server default; a model whose timer ran out unloads;</li>
 * <li>eviction when a load would exceed {@link #maxLoadedModels} or, with {@link #evictForVram}, the free VRAM:
 *     the model with the shortest keep-alive goes first, one kept forever last;</li>
 * <li>a restart that forgets every model; partial offload to the CPU when a model does not fit;</li>
 * <li>runner options: a request whose {@code num_ctx} differs from the loaded one reloads the model with
 *     another size.</li>
 * </ul>
 * Loads put the model's VRAM on a {@link FakeGpu}; an unloaded model lingers in /api/ps for a few polls before
 * its runner "exits", as Ollama's does. Methods named for an outside client act behind the manager's back.
 */
public final class FakeOllama extends Dispatcher {

    public enum Fault { DISCONNECT_AFTER_REQUEST, HTTP_500, HTTP_503, ERROR_FIELD, MALFORMED_JSON }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** What Ollama prints for keep_alive -1 (it adds the maximum duration to now). */
    private static final String FOREVER = "2318-09-08T12:00:00.987654321-07:00";
    public static final Duration SERVER_KEEP_ALIVE = Duration.ofMinutes(5);
    private static final int DEFAULT_NUM_CTX = 4096;
    /** Extra VRAM per 1024 tokens of context above the default: the KV cache. */
    private static final long MB_PER_1K_CTX = 64;

    /** A model in memory. {@code expiresAt} null: forever; {@code linger} -1: not unloading. */
    private static final class Resident {
        long sizeMb;
        long vramMb;
        Instant expiresAt;
        int linger = -1;
        int numCtx = DEFAULT_NUM_CTX;
    }

    private final FakeGpu gpu;
    private final MutableClock clock;
    private final ConcurrencyRecorder operations;
    private final List<String> timeline;
    private final Map<String, Long> installed = new LinkedHashMap<>();
    private final Map<String, Resident> resident = new LinkedHashMap<>();
    private final Deque<Fault> generateFaults = new ArrayDeque<>();
    private volatile boolean down;
    private volatile int lingerPolls = 2;
    private volatile Duration simulatedLoadTime = Duration.ofSeconds(3);
    private volatile long realLoadDelayMillis;
    private volatile int maxLoadedModels = Integer.MAX_VALUE;
    /** Loads under way: /api/ps waits for them, as Ollama's does (it takes each runner's lock, held while it loads). */
    private int loadsUnderWay;
    private int psWaiting;
    /** While set, loads wait for {@link #finishHeldLoads} before they end (land or are aborted). */
    private java.util.concurrent.CountDownLatch loadGate;
    private volatile boolean heldLoadsLand = true;
    private volatile boolean evictForVram;
    private volatile boolean partialOffload;
    public final AtomicInteger loads = new AtomicInteger();
    public final AtomicInteger unloads = new AtomicInteger();
    public final AtomicInteger prompts = new AtomicInteger();
    public final AtomicInteger promptsWhileNotResident = new AtomicInteger();
    public final AtomicInteger keepAliveRequests = new AtomicInteger();
    /** No-prompt requests for a model already in memory: they only set its keep-alive (and options). */
    public final AtomicInteger warmRequests = new AtomicInteger();
    public final AtomicInteger restarts = new AtomicInteger();
    public final AtomicInteger evictions = new AtomicInteger();

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

    /** From now on a load waits, once started, until {@link #finishHeldLoads} says how it ends. */
    public synchronized void holdLoads() {
        loadGate = new java.util.concurrent.CountDownLatch(1);
    }

    /**
     * Ends the held loads. {@code land} false is what Ollama does with a load whose client went away before it
     * finished: the runner is stopped and the model is not in memory.
     */
    public void finishHeldLoads(boolean land) {
        java.util.concurrent.CountDownLatch gate;
        synchronized (this) {
            gate = loadGate;
            loadGate = null;
            heldLoadsLand = land;
        }
        if (gate != null) {
            gate.countDown();
        }
    }

    public synchronized int loadsUnderWay() {
        return loadsUnderWay;
    }

    /** /api/ps requests waiting for a load to end. */
    public synchronized int psWaiting() {
        return psWaiting;
    }

    /** OLLAMA_MAX_LOADED_MODELS: a load beyond it evicts another model. */
    public void maxLoadedModels(int max) {
        this.maxLoadedModels = max;
    }

    /** Evict other models when a load does not fit in the free VRAM, as Ollama's scheduler does. */
    public void evictForVram(boolean on) {
        this.evictForVram = on;
    }

    /** Put what does not fit in system memory instead of over-committing the GPU. */
    public void partialOffload(boolean on) {
        this.partialOffload = on;
    }

    // ---------------------------------------------------------------- what other clients do

    /** Loads a model behind the manager's back, kept forever, as another client with keep_alive -1 would. */
    public void preload(String model) {
        loadOutside(model, null);
    }

    /** Another client loads {@code model} with its own keep_alive (null: forever); evicts as Ollama would. */
    public synchronized void loadOutside(String model, Duration keepAlive) {
        String name = ModelNames.normalize(model);
        Resident r = ensureResident(name, installed.get(name), DEFAULT_NUM_CTX);
        r.expiresAt = keepAlive == null ? null : now().plus(keepAlive);
    }

    /** {@code ollama stop} or keep_alive 0 from another client. */
    public synchronized void unloadOutside(String model) {
        Resident r = resident.get(ModelNames.normalize(model));
        if (r != null) {
            r.linger = lingerPolls;
            if (r.linger == 0) {
                drop(ModelNames.normalize(model));
            }
        }
    }

    /** Another client's request for a loaded model with its own keep_alive ("5m", a /v1 request). */
    public synchronized void takeOverKeepAlive(String model, Duration keepAlive) {
        Resident r = resident.get(ModelNames.normalize(model));
        if (r != null && r.linger < 0) {
            r.expiresAt = now().plus(keepAlive);
        }
    }

    /** Another client uses the model with another context size: Ollama reloads it at another size. */
    public synchronized void reloadOutsideWithContext(String model, int numCtx) {
        String name = ModelNames.normalize(model);
        Resident r = resident.get(name);
        if (r != null && r.linger < 0 && r.numCtx != numCtx) {
            Instant expiry = r.expiresAt;
            drop(name);
            ensureResident(name, installed.get(name), numCtx).expiresAt = expiry;
        }
    }

    /** Ollama restarts: every runner exits and its memory comes back at once. */
    public synchronized void restart() {
        for (String name : List.copyOf(resident.keySet())) {
            drop(name);
        }
        restarts.incrementAndGet();
        timeline.add("ollama:restart");
    }

    public synchronized boolean isResident(String model) {
        Resident r = resident.get(ModelNames.normalize(model));
        return r != null;
    }

    /** Loaded and not on its way out: what a correct manager reports as "loaded". */
    public synchronized boolean isServing(String model) {
        expireDue();
        Resident r = resident.get(ModelNames.normalize(model));
        return r != null && r.linger < 0;
    }

    public synchronized boolean isKeptForever(String model) {
        Resident r = resident.get(ModelNames.normalize(model));
        return r != null && r.expiresAt == null;
    }

    public synchronized boolean isPartlyOnCpu(String model) {
        Resident r = resident.get(ModelNames.normalize(model));
        return r != null && r.vramMb < r.sizeMb;
    }

    /** What of a resident model is on the GPU, as /api/ps reports it; 0 when it is not resident. */
    public synchronized long vramMbOf(String model) {
        Resident r = resident.get(ModelNames.normalize(model));
        return r == null ? 0 : r.vramMb;
    }

    public synchronized List<String> residentModels() {
        return List.copyOf(resident.keySet());
    }

    // ---------------------------------------------------------------- HTTP

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
                case "/api/generate", "/api/chat" -> generate(JSON.readTree(request.getBody().utf8()), false);
                case "/v1/chat/completions", "/v1/completions" -> generate(JSON.readTree(request.getBody().utf8()), true);
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

    private synchronized String ps() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        psWaiting++;
        try {
            while (loadsUnderWay > 0 && System.nanoTime() < deadline) {
                wait(50);
            }
        } finally {
            psWaiting--;
        }
        expireDue();
        for (Map.Entry<String, Resident> e : List.copyOf(resident.entrySet())) {
            Resident r = e.getValue();
            if (r.linger > 0) {
                r.linger--;
            }
            if (r.linger == 0) {
                drop(e.getKey());
            }
        }
        ArrayNode models = JSON.createArrayNode();
        for (Map.Entry<String, Resident> e : resident.entrySet()) {
            Resident r = e.getValue();
            ObjectNode m = models.addObject();
            String expires = r.linger >= 0 ? "2026-11-30T09:00:00.123456789+01:00"
                    : r.expiresAt == null ? FOREVER : r.expiresAt.atOffset(ZoneOffset.ofHours(1)).toString();
            m.put("name", e.getKey()).put("model", e.getKey()).put("size", r.sizeMb * 1024 * 1024)
                    .put("digest", "c7a9a1e4").put("size_vram", r.vramMb * 1024 * 1024).put("context_length", r.numCtx)
                    .put("expires_at", expires);
            m.putObject("details").put("family", "qwen3vl").put("parameter_size", "8.8B");
        }
        ObjectNode root = JSON.createObjectNode();
        root.set("models", models);
        return root.toString();
    }

    private MockResponse generate(JsonNode body, boolean openAi) throws InterruptedException {
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
        Optional<Duration> keepAlive = openAi ? Optional.of(SERVER_KEEP_ALIVE) : keepAlive(body.get("keep_alive"));
        if (keepAlive.isPresent() && keepAlive.get().isZero()) {
            return unload(model);
        }
        int numCtx = body.path("options").path("num_ctx").asInt(DEFAULT_NUM_CTX);
        boolean prompt = openAi || (body.hasNonNull("prompt") && !body.path("prompt").asText().isEmpty())
                || (body.path("messages").isArray() && !body.path("messages").isEmpty());
        if (prompt) {
            prompts.incrementAndGet();
            if (!isServing(model)) {
                promptsWhileNotResident.incrementAndGet();
            }
        } else if (body.has("keep_alive") && body.get("keep_alive").isTextual()) {
            keepAliveRequests.incrementAndGet();
        }
        boolean cold;
        synchronized (this) {
            Resident r = resident.get(model);
            cold = r == null || r.linger >= 0 || r.numCtx != numCtx;
        }
        if (cold) {
            if (!load(model, size, numCtx)) {
                return json(500, "{\"error\":\"context canceled\"}");
            }
        } else if (!prompt) {
            warmRequests.incrementAndGet();
        }
        synchronized (this) {
            Resident r = resident.get(model);
            if (r != null) {
                keepAlive.ifPresentOrElse(d -> r.expiresAt = d.isNegative() ? null : now().plus(d), () -> {
                    if (r.expiresAt != null && cold) {
                        r.expiresAt = now().plus(SERVER_KEEP_ALIVE);
                    }
                });
            }
        }
        if (prompt) {
            return json(200, "{\"model\":\"" + model + "\",\"response\":\"ok\",\"done\":true,\"done_reason\":\"stop\"}");
        }
        return json(200, "{\"model\":\"" + model + "\",\"created_at\":\"2026-11-30T08:00:00.5Z\",\"response\":\"\","
                + "\"done\":true,\"done_reason\":\"load\",\"load_duration\":" + (cold ? simulatedLoadTime.toNanos() : 0) + "}");
    }

    /** Ollama's keep_alive: seconds as a number, a Go duration string, negative for forever, 0 to unload. */
    static Optional<Duration> keepAlive(JsonNode value) {
        if (value == null || value.isNull()) {
            return Optional.empty();
        }
        if (value.isNumber()) {
            return Optional.of(Duration.ofMillis((long) (value.asDouble() * 1000)));
        }
        String text = value.asText().trim();
        if (text.matches("-?\\d+(\\.\\d+)?")) {
            return Optional.of(Duration.ofMillis((long) (Double.parseDouble(text) * 1000)));
        }
        boolean negative = text.startsWith("-");
        String body = negative ? text.substring(1) : text;
        Duration total = Duration.ZERO;
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)(h|ms|m|s)").matcher(body);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
        }
        return Optional.of(negative ? total.negated() : total);
    }

    /** @return false when the load was aborted (held, then finished without landing) */
    private boolean load(String model, long sizeMb, int numCtx) throws InterruptedException {
        operations.enter();
        java.util.concurrent.CountDownLatch gate;
        synchronized (this) {
            loadsUnderWay++;
            gate = loadGate;
        }
        try {
            timeline.add("ollama:load-start");
            if (realLoadDelayMillis > 0) {
                Thread.sleep(realLoadDelayMillis);
            }
            if (gate != null && (!gate.await(30, java.util.concurrent.TimeUnit.SECONDS) || !heldLoadsLand)) {
                timeline.add("ollama:load-aborted");
                return false;
            }
            if (clock != null) {
                clock.advance(simulatedLoadTime);
            }
            synchronized (this) {
                Resident old = resident.get(model);
                if (old != null && old.numCtx != numCtx) {
                    drop(model);
                }
                ensureResident(model, sizeMb, numCtx);
            }
            loads.incrementAndGet();
            timeline.add("ollama:load-done");
            return true;
        } finally {
            synchronized (this) {
                loadsUnderWay--;
                notifyAll();
            }
            operations.exit();
        }
    }

    /** Puts a model in memory (if it is not) after evicting what Ollama's scheduler would evict. */
    private Resident ensureResident(String model, long baseMb, int numCtx) {
        Resident r = resident.get(model);
        if (r != null) {
            r.linger = -1;
            return r;
        }
        long sizeMb = baseMb + Math.max(0, numCtx - DEFAULT_NUM_CTX) / 1024 * MB_PER_1K_CTX;
        while (resident.size() >= maxLoadedModels || (evictForVram && gpu.freeMb() < sizeMb && !resident.isEmpty())) {
            String victim = resident.entrySet().stream()
                    .min(Comparator.comparing(e -> e.getValue().expiresAt == null ? Instant.MAX : e.getValue().expiresAt))
                    .map(Map.Entry::getKey).orElseThrow();
            drop(victim);
            evictions.incrementAndGet();
            timeline.add("ollama:evict " + victim);
        }
        r = new Resident();
        r.sizeMb = sizeMb;
        r.vramMb = partialOffload ? Math.min(sizeMb, gpu.freeMb()) : sizeMb;
        r.numCtx = numCtx;
        resident.put(model, r);
        gpu.allocateRunner(model, r.vramMb);
        return r;
    }

    private void drop(String model) {
        if (resident.remove(model) != null) {
            gpu.free(model);
        }
    }

    /** A model whose keep-alive ran out starts unloading, as Ollama's expiry timer does. */
    private synchronized void expireDue() {
        Instant now = now();
        for (Resident r : resident.values()) {
            if (r.linger < 0 && r.expiresAt != null && !now.isBefore(r.expiresAt)) {
                r.linger = Math.max(1, lingerPolls);
            }
        }
    }

    private Instant now() {
        return clock != null ? clock.instant() : Instant.now();
    }

    private MockResponse unload(String model) {
        operations.enter();
        try {
            unloadOutside(model);
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
