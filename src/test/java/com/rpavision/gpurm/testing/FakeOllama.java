package com.rpavision.gpurm.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rpavision.gpurm.core.ollama.ModelNames;
import com.rpavision.gpurm.simulator.Answer;
import com.rpavision.gpurm.simulator.Ask;
import com.rpavision.gpurm.simulator.OllamaApi;
import com.rpavision.gpurm.simulator.OllamaScheduler;
import com.rpavision.gpurm.simulator.SimulatorTime;
import com.rpavision.gpurm.simulator.Ticket;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The project's Ollama simulator ({@link OllamaScheduler} behind {@link OllamaApi}, the same the demo and the tools
 * run) served by a MockWebServer, with what tests need on top: faults injected into the next requests, counters
 * of what the manager asked, and the moves of other clients. Time is the test's {@link MutableClock} (none: real
 * time): a request that waits for a load moves it. Defaults suit the manager's tests: no eviction gap, and models
 * taken whole even when the GPU is too small, so that ordering mistakes show as budget violations on the
 * {@link FakeGpu}. The eviction gap, VRAM eviction and partial offload are switched on where a test is about them.
 */
public final class FakeOllama extends Dispatcher {

    public enum Fault { DISCONNECT_AFTER_REQUEST, HTTP_500, HTTP_503, ERROR_FIELD, MALFORMED_JSON }

    private static final ObjectMapper JSON = new ObjectMapper();
    public static final Duration SERVER_KEEP_ALIVE = OllamaScheduler.SERVER_KEEP_ALIVE;
    private static final Set<String> GENERATE_PATHS = Set.of("/api/generate", "/api/chat", "/v1/chat/completions", "/v1/completions");
    /** One poll of the manager's unload loop. */
    private static final Duration POLL = Duration.ofMillis(250);

    private final OllamaScheduler scheduler;
    private final java.time.Clock clock;
    private final OllamaApi api;
    private final ConcurrencyRecorder operations;
    private final Deque<Fault> generateFaults = new ArrayDeque<>();
    private final List<OllamaScheduler.Journal> watchers = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean down;
    private volatile long realLoadDelayMillis;
    /** The manager's no-prompt requests being answered: /api/ps waits for them, as Ollama's locks a loading runner. */
    private int loadsAnswering;
    private int psWaiting;
    public final AtomicInteger loads = new AtomicInteger();
    public final AtomicInteger unloads = new AtomicInteger();
    public final AtomicInteger prompts = new AtomicInteger();
    public final AtomicInteger promptsWhileNotResident = new AtomicInteger();
    public final AtomicInteger keepAliveRequests = new AtomicInteger();
    /** No-prompt requests for a model already in memory: they only set its keep-alive (and options). */
    public final AtomicInteger warmRequests = new AtomicInteger();

    public FakeOllama(FakeGpu gpu, MutableClock clock, ConcurrencyRecorder operations, List<String> timeline) {
        this.operations = operations;
        this.clock = clock == null ? java.time.Clock.systemUTC() : clock;
        SimulatorTime time = clock == null ? SimulatorTime.real() : SimulatorTime.jumping(clock, clock::advance);
        this.scheduler = new OllamaScheduler(time, gpu).loadTime(Duration.ofSeconds(3)).evictionGap(Duration.ZERO)
                .maxLoadedModels(Integer.MAX_VALUE).evictForVram(false).partialOffload(false)
                .journal((what, model, client) -> {
                    watchers.forEach(w -> w.record(what, model, client));
                    switch (what) {
                        case LOAD_STARTED -> timeline(timeline, client, "ollama:load-start");
                        case LOAD_DONE -> timeline(timeline, client, "ollama:load-done");
                        case LOAD_ABORTED -> timeline(timeline, client, "ollama:load-aborted");
                        case UNLOADED -> timeline(timeline, client, "ollama:unload");
                        case EVICTED -> timeline.add("ollama:evict " + model);
                        case RESTARTED -> timeline.add("ollama:restart");
                        default -> { }
                    }
                });
        this.api = new OllamaApi(scheduler, time);
        gpu.beforeRead(scheduler::advance);
        install("qwen3-vl:8b", 10_500);
    }

    private static void timeline(List<String> timeline, String client, String entry) {
        if ("http".equals(client)) {
            timeline.add(entry); // the manager's own steps; other clients' are not in its order of operations
        }
    }

    /** Hears every step the simulated scheduler takes, at the moment it takes it. */
    public void onStep(OllamaScheduler.Journal watcher) {
        watchers.add(watcher);
    }

    /** The simulator itself, for the settings a test is about (eviction gap, stopping time...). */
    public OllamaScheduler scheduler() {
        return scheduler;
    }

    public FakeOllama install(String model, long vramMb) {
        scheduler.install(model, vramMb);
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

    /** An unloaded model stays listed, "Stopping...", for this many of the manager's 250 ms unload polls. */
    public void lingerPolls(int polls) {
        scheduler.stoppingFor(POLL.multipliedBy(polls));
    }

    public void simulatedLoadTime(Duration duration) {
        scheduler.loadTime(duration);
    }

    /** A cold load also takes this much real time (for tests that watch a load in progress). */
    public void realLoadDelayMillis(long millis) {
        this.realLoadDelayMillis = millis;
    }

    public void holdLoads() {
        scheduler.holdLoads();
    }

    public void finishHeldLoads(boolean land) {
        scheduler.finishHeldLoads(land);
    }

    /** The manager's loads Ollama is working on (from the request's arrival to its answer). */
    public synchronized int loadsUnderWay() {
        return loadsAnswering;
    }

    /** /api/ps requests waiting for a load to end. */
    public synchronized int psWaiting() {
        return psWaiting;
    }

    public FakeOllama maxLoadedModels(int max) {
        scheduler.maxLoadedModels(max);
        return this;
    }

    public void evictForVram(boolean on) {
        scheduler.evictForVram(on);
    }

    public void partialOffload(boolean on) {
        scheduler.partialOffload(on);
    }

    // ---------------------------------------------------------------- what other clients do

    /** The model was loaded before the test began, kept forever, as another client with keep_alive -1 had. */
    public void preload(String model) {
        scheduler.preload(model, null);
    }

    /** Another client loads {@code model} with its own keep_alive (null: forever) and waits for it. */
    public void loadOutside(String model, Duration keepAlive) {
        await(requestOutside(Ask.load(model, keepAlive == null ? Duration.ofSeconds(-1) : keepAlive)));
    }

    /** Another client's request, queued in Ollama: it moves on as the test clock does. */
    public Ticket requestOutside(Ask ask) {
        return scheduler.submit(ask.from("outside"));
    }

    /** Waits for another client's request; the test clock jumps to its answer. */
    public Ticket await(Ticket ticket) {
        try {
            return scheduler.await(ticket);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code ollama stop} or keep_alive 0 from another client. */
    public void unloadOutside(String model) {
        scheduler.unload(model, "outside");
    }

    /** Another client's request for a loaded model with its own keep_alive ("5m", a LangChain default). */
    public void takeOverKeepAlive(String model, Duration keepAlive) {
        if (scheduler.isServing(model)) {
            await(requestOutside(Ask.load(model, keepAlive)));
        }
    }

    /** Another client uses the model with another context size: Ollama reloads it at another size. */
    public void reloadOutsideWithContext(String model, int numCtx) {
        if (scheduler.isServing(model)) {
            await(requestOutside(Ask.prompt(model, null).withOptions(Map.of("num_ctx", numCtx))));
        }
    }

    /** Ollama restarts: every runner exits and its memory comes back at once. */
    public void restart() {
        scheduler.restart();
    }

    public boolean isResident(String model) {
        return scheduler.isResident(model);
    }

    /** Loaded and not on its way out: what a correct manager reports as "loaded". */
    public boolean isServing(String model) {
        return scheduler.isServing(model);
    }

    public boolean isKeptForever(String model) {
        return scheduler.isKeptForever(model);
    }

    /** How long until Ollama's own timer unloads the model, on the test clock; null when it has none. */
    public Duration expiresIn(String model) {
        java.time.Instant at = scheduler.expiresAt(model);
        return at == null ? null : Duration.between(clock.instant(), at);
    }

    public boolean isPartlyOnCpu(String model) {
        return scheduler.isPartlyOnCpu(model);
    }

    /** What of a resident model is on the GPU, as /api/ps reports it; 0 when it is not resident. */
    public long vramMbOf(String model) {
        return scheduler.vramMbOf(model);
    }

    public List<String> residentModels() {
        return scheduler.residentModels();
    }

    public int restarts() {
        return scheduler.restarts();
    }

    public int evictions() {
        return scheduler.evictions();
    }

    // ---------------------------------------------------------------- HTTP

    @Override
    public MockResponse dispatch(RecordedRequest request) throws InterruptedException {
        if (down) {
            return new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build();
        }
        String path = request.getUrl().encodedPath();
        byte[] body = request.getBody() == null ? new byte[0] : request.getBody().toByteArray();
        if (GENERATE_PATHS.contains(path)) {
            Fault fault;
            synchronized (this) {
                fault = generateFaults.poll();
            }
            if (fault != null) {
                return faultResponse(fault);
            }
            return generate(request.getMethod(), path, body);
        }
        if ("/api/ps".equals(path)) {
            awaitLoadsAnswered();
        }
        return response(api.handle(request.getMethod(), path, body));
    }

    private synchronized void awaitLoadsAnswered() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        psWaiting++;
        try {
            while (loadsAnswering > 0 && System.nanoTime() < deadline) {
                wait(20);
            }
        } finally {
            psWaiting--;
        }
    }

    private synchronized void answering(int delta) {
        loadsAnswering += delta;
        notifyAll();
    }

    private MockResponse generate(String method, String path, byte[] body) throws InterruptedException {
        JsonNode json;
        try {
            json = JSON.readTree(body);
        } catch (IOException e) {
            return response(api.handle(method, path, body));
        }
        String model = ModelNames.normalize(json.path("model").asText());
        boolean prompt = path.startsWith("/v1/") || !json.path("prompt").asText("").isEmpty()
                || (json.path("messages").isArray() && !json.path("messages").isEmpty());
        JsonNode keepAlive = json.get("keep_alive");
        boolean unload = !prompt && keepAlive != null && keepAlive.isNumber() && keepAlive.asDouble() == 0;
        boolean served = scheduler.isServing(model);
        if (prompt) {
            prompts.incrementAndGet();
            if (!served) {
                promptsWhileNotResident.incrementAndGet();
            }
            return response(api.handle(method, path, body));
        }
        if (served && keepAlive != null && keepAlive.isTextual()) { // a lease renewed, or the idle timer handed back
            keepAliveRequests.incrementAndGet();
        }
        operations.enter();
        try {
            if (unload) {
                unloads.incrementAndGet();
                return response(api.handle(method, path, body));
            }
            answering(1);
            try {
                if (!served && realLoadDelayMillis > 0 && scheduler.isInstalled(model)) {
                    Thread.sleep(realLoadDelayMillis);
                }
                Answer answer = api.handle(method, path, body);
                if (answer.status() == 200) {
                    (served ? warmRequests : loads).incrementAndGet();
                }
                return response(answer);
            } finally {
                answering(-1);
            }
        } finally {
            operations.exit();
        }
    }

    private static MockResponse response(Answer answer) {
        if (answer.aborted()) {
            return new MockResponse.Builder().onResponseStart(new SocketEffect.CloseSocket()).build();
        }
        MockResponse.Builder b = new MockResponse.Builder().code(answer.status()).addHeader("Content-Type", answer.contentType());
        return (answer.streamed() ? b.chunkedBody(answer.body(), 4096) : b.body(answer.body())).build();
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
