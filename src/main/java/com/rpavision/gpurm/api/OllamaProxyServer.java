package com.rpavision.gpurm.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.rpavision.gpurm.core.config.JsonObjectText;
import com.rpavision.gpurm.core.manager.GpuResourceManager;
import com.rpavision.gpurm.core.manager.VlmLease;
import com.rpavision.gpurm.core.manager.VlmRequest;
import com.rpavision.gpurm.core.manager.VlmUnavailableException;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.ollama.ModelNames;
import com.rpavision.gpurm.core.ollama.OllamaForwarder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
 * else passes through untouched, answers streamed as they come.
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
    static final int MAX_BODY = 256 * 1024 * 1024;

    private final GpuResourceManager manager;
    private final OllamaForwarder forwarder;
    private final String vlmModel;
    static final String SHUTTING_DOWN = "shutting down: the manager stops, ask again once it has started";
    private final java.util.Set<Thread> waitingForVlm = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean stopping;
    private final boolean autopilotBlocksVlm;
    private final Map<String, String> vlmOptions;
    private final boolean runnerOptions;
    private final KeepAliveReasserter keepAlive;
    private final StreamingHttpServer server;
    private final ApiGuard guard;
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicLong vlmRequests = new AtomicLong();
    private final AtomicBoolean warnedCompat = new AtomicBoolean();
    /** The manager's lease as the keep_alive of every proxied VLM request on Ollama's paths, e.g. "180s". */
    private final String leaseJson;

    /** @param autopilotBlocksVlm in AUTOPILOT, answer VLM requests with 409 instead of loading the VLM */
    public OllamaProxyServer(GpuResourceManager manager, OllamaForwarder forwarder, String vlmModel,
                             boolean autopilotBlocksVlm, InetAddress address, int port) throws IOException {
        this(manager, forwarder, vlmModel, autopilotBlocksVlm, JsonObjectText.EMPTY, address, port);
    }

    /** @param vlmOptions runner options laid over every proxied VLM request on Ollama's own paths */
    public OllamaProxyServer(GpuResourceManager manager, OllamaForwarder forwarder, String vlmModel,
                             boolean autopilotBlocksVlm, JsonObjectText vlmOptions, InetAddress address, int port)
            throws IOException {
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("the Ollama proxy listens on loopback only, not on " + address);
        }
        this.manager = manager;
        this.forwarder = forwarder;
        this.vlmModel = vlmModel;
        this.autopilotBlocksVlm = autopilotBlocksVlm;
        Map<String, String> options = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> member : vlmOptions.asNode().properties()) {
            options.put(member.getKey(), member.getValue().toString());
        }
        this.vlmOptions = Collections.unmodifiableMap(options);
        this.runnerOptions = options.keySet().stream().anyMatch(RUNNER_OPTIONS::contains);
        this.keepAlive = new KeepAliveReasserter(manager::reassertVlmKeepAlive);
        this.leaseJson = "\"" + com.rpavision.gpurm.core.ollama.OllamaClient.keepAliveText(manager.vlmLease()) + "\"";
        this.server = new StreamingHttpServer(address, port, MAX_BODY, "gpurm-proxy", this::handle);
        this.guard = new ApiGuard(server.port(), null);
        LOG.info("Ollama proxy on http://127.0.0.1:{} -> {}", port(), forwarder.endpoint());
    }

    public int port() {
        return server.port();
    }

    /** Requests passed on to Ollama, and those of them for the VLM. */
    public long forwardedRequests() {
        return forwarded.get();
    }

    public long vlmRequests() {
        return vlmRequests.get();
    }

    private void handle(StreamingHttpServer.Request request, StreamingResponse response) throws IOException {
        Optional<ApiGuard.Refusal> refusal = guard.check(request.method(), request.uri(), request.headers());
        if (refusal.isPresent()) {
            response.error(refusal.get().status(), refusal.get().error());
            return;
        }
        String path = request.uri().getPath();
        boolean nativePath = NATIVE_PATHS.contains(path);
        Optional<JsonSplice> json = "POST".equals(request.method()) && (nativePath || COMPAT_PATHS.contains(path))
                ? JsonSplice.scan(request.body()) : Optional.empty();
        if (json.isPresent() && ModelNames.same(json.get().model(), vlmModel)) {
            forwardWithVlm(request, response, nativePath, json.get());
        } else {
            forward(request, response, request.body());
        }
    }

    private void forwardWithVlm(StreamingHttpServer.Request request, StreamingResponse response,
                                boolean nativePath, JsonSplice json) throws IOException {
        if (autopilotBlocksVlm && manager.getExecutionMode() == ExecutionMode.AUTOPILOT) {
            response.error(409, "this station is in autopilot: the vision model is not loaded in this mode"
                    + " (autopilot_blocks_vlm). Switch to recording first.");
            return;
        }
        VlmLease lease;
        waitingForVlm.add(Thread.currentThread());
        try {
            if (stopping) {
                throw new VlmUnavailableException("stopping");
            }
            lease = manager.acquireVlm(vlmRequest(request, nativePath, json));
        } catch (VlmUnavailableException e) {
            waitingForVlm.remove(Thread.currentThread());
            if (stopping) {
                Thread.interrupted(); // the stop's wake-up, not this answer's business
                response.error(503, SHUTTING_DOWN);
            } else {
                response.error(502, "the vision model is not available: " + e.getMessage());
            }
            return;
        }
        waitingForVlm.remove(Thread.currentThread());
        try (lease) {
            vlmRequests.incrementAndGet();
            if (nativePath) {
                forward(request, response, json.rewritten(leaseJson, vlmOptions));
                return;
            }
            if (runnerOptions && warnedCompat.compareAndSet(false, true)) {
                LOG.warn("A {} request for the VLM cannot carry vlm_options {}: Ollama may reload the VLM with its"
                        + " default runner options. Use /api/chat, or put the options in the model (a Modelfile)",
                        request.uri().getPath(), vlmOptions.keySet());
            }
            try {
                forward(request, response, request.body());
            } finally {
                keepAlive.requestEnded(); // Ollama may have given the VLM its default timer: take it back
            }
        }
    }

    /**
     * Who asks, and the runner options that reach Ollama from the client: on Ollama's paths those vlm_options do not
     * set; on the /v1 paths Ollama's defaults for those vlm_options sets (such a request cannot carry them).
     */
    private VlmRequest vlmRequest(StreamingHttpServer.Request request, boolean nativePath, JsonSplice json) {
        String agent = request.headers().getFirst("User-Agent");
        String client = agent == null || agent.isBlank() ? "a client with no User-Agent" : agent.strip();
        Map<String, String> asked = new LinkedHashMap<>();
        if (nativePath) {
            asked.putAll(json.optionValues(RUNNER_OPTIONS));
            asked.keySet().removeAll(vlmOptions.keySet());
        } else {
            vlmOptions.keySet().stream().filter(RUNNER_OPTIONS::contains).forEach(name -> asked.put(name, "Ollama's default"));
        }
        return new VlmRequest(client, request.uri().getPath(), asked);
    }

    private void forward(StreamingHttpServer.Request request, StreamingResponse response, byte[] body)
            throws IOException {
        forwarded.incrementAndGet();
        String target = request.uri().getRawPath() + (request.uri().getRawQuery() == null ? "" : "?" + request.uri().getRawQuery());
        try {
            forwarder.forward(request.method(), target, request.headers(),
                    body.length == 0 && ("GET".equals(request.method()) || "HEAD".equals(request.method())) ? null : body,
                    response::begin);
        } catch (IOException e) {
            if (!response.started()) {
                manager.retryNow();
                response.error(502, "Ollama is not reachable at " + forwarder.endpoint() + " (" + e.getMessage()
                        + "). Start it with 'ollama serve'.");
            } else {
                throw e; // the answer was under way: the connection is closed, the client sees it cut short
            }
        }
    }

    /**
     * Stops accepting; a request still waiting for the VLM to load is answered 503 "shutting down" at once (its
     * wait interrupted) instead of cut when the grace ends; requests under way get up to {@code grace}.
     */
    public void stop(Duration grace) {
        stopping = true;
        waitingForVlm.forEach(Thread::interrupt);
        server.stop(grace);
        forwarder.close();
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }
}
