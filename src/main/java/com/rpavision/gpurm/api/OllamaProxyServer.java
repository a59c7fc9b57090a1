package com.rpavision.gpurm.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.rpavision.gpurm.api.http.EventLoops;
import com.rpavision.gpurm.api.http.HttpLimits;
import com.rpavision.gpurm.api.http.HttpListener;
import com.rpavision.gpurm.core.concurrent.Threads;
import com.rpavision.gpurm.core.config.JsonObjectText;
import com.rpavision.gpurm.core.manager.GpuResourceManager;
import com.rpavision.gpurm.core.manager.VlmLease;
import com.rpavision.gpurm.core.manager.VlmRequest;
import com.rpavision.gpurm.core.manager.VlmUnavailableException;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.ollama.ModelNames;
import com.rpavision.gpurm.core.ollama.OllamaClient;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Ollama's API on another port, with the manager in the path: the RPA agent points its Ollama base URL here.
 * A request for the configured VLM on any path that names a model first makes sure it is loaded (Property 9)
 * and holds it for the request (the idle timer counts from the end). On Ollama's own paths its
 * {@code keep_alive} becomes the manager's lease (finite, so no request pins the VLM beyond the manager's life;
 * the manager's idle timer decides when it unloads), and {@code vlm_options} are laid over
 * its {@code options}, so a stray {@code num_ctx} cannot make Ollama reload the VLM with another size; both are
 * spliced in, the other bytes pass as sent. The OpenAI-style {@code /v1} paths carry neither field, so their
 * bodies pass untouched and the manager takes the keep-alive back once such an answer has ended. Everything
 * else passes through untouched, bodies streamed both ways as they come ({@link ProxyExchange}), on a Netty
 * {@link HttpListener} whose strict decoder refuses malformed or ambiguous requests before any reaches Ollama.
 */
public final class OllamaProxyServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OllamaProxyServer.class);
    /** Ollama's paths whose body has {@code model}, {@code keep_alive} and {@code options}. */
    private static final Set<String> NATIVE_PATHS = Set.of("/api/generate", "/api/chat", "/api/embed", "/api/embeddings");
    /** OpenAI- and Anthropic-style paths: a model, but no keep_alive and no runner options. */
    private static final Set<String> COMPAT_PATHS = Set.of("/v1/chat/completions", "/v1/completions", "/v1/embeddings",
            "/v1/responses", "/v1/messages");
    /** Ollama's runner options ({@code api.Runner}): a loaded model with other values is reloaded. */
    private static final Set<String> RUNNER_OPTIONS = Set.of("num_ctx", "num_batch", "num_gpu", "main_gpu", "use_mmap",
            "num_thread", "draft_num_predict");
    /** The most a body on a path that names a model may hold (it is read whole to find the model). */
    static final int MAX_BODY = 256 * 1024 * 1024;
    /** The most all such bodies gathered at once may hold together (two of the largest). */
    static final long BODIES_HELD = 2L * MAX_BODY;
    /** Requests waiting at once for the VLM's lease (each holds a thread: the manager's acquire blocks). */
    private static final int VLM_WAITERS = 16;
    static final String SHUTTING_DOWN = "shutting down: the manager stops, ask again once it has started";

    private final GpuResourceManager manager;
    private final OllamaUpstream upstream;
    private final String vlmModel;
    private final Set<Thread> waitingForVlm = ConcurrentHashMap.newKeySet();
    private final ThreadPoolExecutor vlmWaiters;
    private volatile boolean stopping;
    private final boolean autopilotBlocksVlm;
    private final Map<String, String> vlmOptions;
    private final boolean runnerOptions;
    private final KeepAliveReasserter keepAlive;
    private final HttpListener listener;
    private final BodyBudget bodies;
    /** Needs the bound port, so it exists only once the listener is open: a request in between is told to wait. */
    private volatile ApiGuard guard;
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong vlmRequests = new AtomicLong();
    private final AtomicBoolean warnedCompat = new AtomicBoolean();
    /** The manager's lease as the keep_alive of every proxied VLM request on Ollama's paths, e.g. "180s". */
    private final String leaseJson;

    /**
     * @param ollamaEndpoint     where Ollama listens, e.g. {@code http://127.0.0.1:11434}
     * @param upstreamIdleTimeout longest silence of Ollama while an answer is awaited (a cold load can be minutes)
     * @param autopilotBlocksVlm in AUTOPILOT, answer VLM requests with 409 instead of loading the VLM
     */
    public OllamaProxyServer(GpuResourceManager manager, String ollamaEndpoint, Duration upstreamIdleTimeout,
                             String vlmModel, boolean autopilotBlocksVlm, InetAddress address, int port) throws IOException {
        this(manager, ollamaEndpoint, upstreamIdleTimeout, vlmModel, autopilotBlocksVlm, JsonObjectText.EMPTY, address, port);
    }

    /** @param vlmOptions runner options laid over every proxied VLM request on Ollama's own paths */
    public OllamaProxyServer(GpuResourceManager manager, String ollamaEndpoint, Duration upstreamIdleTimeout,
                             String vlmModel, boolean autopilotBlocksVlm, JsonObjectText vlmOptions,
                             InetAddress address, int port) throws IOException {
        this(manager, new OllamaUpstream(ollamaEndpoint, upstreamIdleTimeout), vlmModel, autopilotBlocksVlm, vlmOptions,
                address, port, HttpLimits.DEFAULTS, new BodyBudget(BODIES_HELD));
    }

    /** With the listener's limits, the upstream and the budget for gathered bodies given (tests shorten them). */
    OllamaProxyServer(GpuResourceManager manager, OllamaUpstream upstream, String vlmModel, boolean autopilotBlocksVlm,
                      JsonObjectText vlmOptions, InetAddress address, int port, HttpLimits limits, BodyBudget bodies)
            throws IOException {
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("the Ollama proxy listens on loopback only, not on " + address);
        }
        this.manager = manager;
        this.upstream = upstream;
        this.bodies = bodies;
        this.vlmModel = vlmModel;
        this.autopilotBlocksVlm = autopilotBlocksVlm;
        Map<String, String> options = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> member : vlmOptions.asNode().properties()) {
            options.put(member.getKey(), member.getValue().toString());
        }
        this.vlmOptions = Collections.unmodifiableMap(options);
        this.runnerOptions = options.keySet().stream().anyMatch(RUNNER_OPTIONS::contains);
        this.keepAlive = new KeepAliveReasserter(manager::reassertVlmKeepAlive);
        this.leaseJson = "\"" + OllamaClient.keepAliveText(manager.vlmLease()) + "\"";
        this.vlmWaiters = new ThreadPoolExecutor(VLM_WAITERS, VLM_WAITERS, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(4096), Threads.named("gpurm-proxy-vlm"));
        vlmWaiters.allowCoreThreadTimeOut(true);
        this.listener = HttpListener.open(address, port, limits, () -> new ProxyConnection(this));
        this.guard = new ApiGuard(listener.port(), null);
        LOG.info("Ollama proxy on http://127.0.0.1:{} -> {} ({})", port(), upstream.endpoint(), EventLoops.transport());
    }

    public int port() {
        return listener.port();
    }

    /** Connections open now (tests). */
    int openConnections() {
        return listener.connections();
    }

    /** Requests passed on to Ollama, and those of them for the VLM. */
    public long forwardedRequests() {
        return forwarded.get();
    }

    public long vlmRequests() {
        return vlmRequests.get();
    }

    OllamaUpstream upstream() {
        return upstream;
    }

    BodyBudget bodies() {
        return bodies;
    }

    boolean stopping() {
        return stopping;
    }

    void countForwarded() {
        forwarded.incrementAndGet();
    }

    Optional<ApiGuard.Refusal> refusal(String method, URI uri, HttpHeaders headers) {
        ApiGuard checks = guard;
        if (checks == null) {
            return Optional.of(new ApiGuard.Refusal(503, "the proxy is starting; ask again in a moment"));
        }
        return checks.check(method, uri, headers::get);
    }

    /** Whether the request's body is JSON that may name the VLM (it is then read whole before it goes on). */
    boolean namesAModel(String method, String path) {
        return "POST".equals(method) && (NATIVE_PATHS.contains(path) || COMPAT_PATHS.contains(path));
    }

    /** The 502's message for a request Ollama failed before answering; asks the manager to look again at once. */
    String upstreamFailed(String what) {
        manager.retryNow();
        if ("connection refused".equals(what) && upstream.connectedOnce()) {
            return "Ollama at " + upstream.endpoint() + " refused the connection (connection refused); it answered"
                    + " before, so it is probably restarting: ask again in a moment";
        }
        if ("connection refused".equals(what)) {
            return "Ollama is not reachable at " + upstream.endpoint() + " (connection refused). Start it with 'ollama serve'.";
        }
        return "Ollama at " + upstream.endpoint() + " " + what + " before answering";
    }

    /** A gathered body on a path that names a model: for the VLM it waits for the lease, anything else goes on. */
    void route(ProxyExchange exchange, ByteBuf body) {
        byte[] bytes = ProxyExchange.bytes(body);
        Optional<JsonSplice> json = JsonSplice.scan(bytes);
        if (json.isEmpty() || !ModelNames.same(json.get().model(), vlmModel)) {
            exchange.forward(body);
            return;
        }
        body.release();
        if (autopilotBlocksVlm && manager.getExecutionMode() == ExecutionMode.AUTOPILOT) {
            exchange.answerLocally(409, "this station is in autopilot: the vision model is not loaded in this mode"
                    + " (autopilot_blocks_vlm). Switch to recording first.", false);
            return;
        }
        boolean nativePath = NATIVE_PATHS.contains(exchange.path());
        VlmRequest asked = vlmRequest(exchange, nativePath, json.get());
        Optional<VlmLease> now = stopping ? Optional.empty() : manager.tryAcquireVlmNow(asked);
        if (now.isPresent()) { // the VLM is loaded and nothing is pending: no hop to a waiting thread
            leased(exchange, now.get(), nativePath, json.get(), bytes);
            return;
        }
        EventLoop loop = exchange.eventLoop();
        try {
            vlmWaiters.execute(() -> {
                VlmLease lease = null;
                String refusal = null;
                int status = 502;
                waitingForVlm.add(Thread.currentThread());
                try {
                    if (stopping) {
                        throw new VlmUnavailableException("stopping");
                    }
                    lease = manager.acquireVlm(asked);
                } catch (VlmUnavailableException | RuntimeException e) {
                    status = stopping ? 503 : 502;
                    refusal = stopping ? SHUTTING_DOWN : "the vision model is not available: " + e.getMessage();
                } finally {
                    waitingForVlm.remove(Thread.currentThread());
                    Thread.interrupted(); // the stop's wake-up, not the next request's business
                }
                VlmLease held = lease;
                String why = refusal;
                int code = status;
                loop.execute(() -> {
                    if (held == null) {
                        exchange.answerLocally(code, why, false);
                    } else {
                        leased(exchange, held, nativePath, json.get(), bytes);
                    }
                });
            });
        } catch (RejectedExecutionException e) {
            exchange.answerLocally(503, stopping ? SHUTTING_DOWN
                    : "too many requests are waiting for the vision model; try again shortly", false);
        }
    }

    private void leased(ProxyExchange exchange, VlmLease lease, boolean nativePath, JsonSplice json, byte[] sent) {
        vlmRequests.incrementAndGet();
        if (nativePath) {
            exchange.forward(Unpooled.wrappedBuffer(json.rewritten(leaseJson, vlmOptions)), lease, null);
            return;
        }
        if (runnerOptions && warnedCompat.compareAndSet(false, true)) {
            LOG.warn("A {} request for the VLM cannot carry vlm_options {}: Ollama may reload the VLM with its"
                    + " default runner options. Use /api/chat, or put the options in the model (a Modelfile)",
                    exchange.path(), vlmOptions.keySet());
        }
        // Ollama may give the VLM its default timer: take it back once the answer has ended
        exchange.forward(Unpooled.wrappedBuffer(sent), lease, keepAlive::requestEnded);
    }

    /**
     * Who asks, and the runner options that reach Ollama from the client: on Ollama's paths those vlm_options do not
     * set; on the /v1 paths Ollama's defaults for those vlm_options sets (such a request cannot carry them).
     */
    private VlmRequest vlmRequest(ProxyExchange exchange, boolean nativePath, JsonSplice json) {
        String agent = exchange.request().headers().get("User-Agent");
        String client = agent == null || agent.isBlank() ? "a client with no User-Agent" : agent.strip();
        Map<String, String> asked = new LinkedHashMap<>();
        if (nativePath) {
            asked.putAll(json.optionValues(RUNNER_OPTIONS));
            asked.keySet().removeAll(vlmOptions.keySet());
        } else {
            vlmOptions.keySet().stream().filter(RUNNER_OPTIONS::contains).forEach(name -> asked.put(name, "Ollama's default"));
        }
        return new VlmRequest(client, exchange.path(), asked);
    }

    /**
     * Stops accepting; a request still waiting for the VLM to load is answered 503 "shutting down" at once (its
     * wait interrupted) instead of cut when the grace ends; requests under way get up to {@code grace}.
     */
    public void stop(Duration grace) {
        stopping = true;
        waitingForVlm.forEach(Thread::interrupt);
        for (Runnable queued : vlmWaiters.shutdownNow()) {
            queued.run(); // not started yet: each sees the stop and answers 503 at once
        }
        waitingForVlm.forEach(Thread::interrupt);
        listener.stop(grace);
        upstream.close();
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }
}
