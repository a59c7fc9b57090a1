package com.rpavision.gpurm.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rpavision.gpurm.core.manager.GpuResourceManager;
import com.rpavision.gpurm.core.manager.VlmLease;
import com.rpavision.gpurm.core.manager.VlmUnavailableException;
import com.rpavision.gpurm.core.ollama.ModelNames;
import com.rpavision.gpurm.core.ollama.OllamaForwarder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Ollama's API on another port, with the manager in the path: the RPA agent points its Ollama base URL here.
 * A request for the configured VLM first makes sure it is loaded (Property 9), holds it for the request (the
 * idle timer counts from the end), and has its {@code keep_alive} rewritten so the manager alone owns the
 * timeout. Everything else passes through untouched, answers streamed as they come.
 */
public final class OllamaProxyServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OllamaProxyServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> MODEL_PATHS = Set.of("/api/generate", "/api/chat", "/api/embed", "/v1/chat/completions");
    private static final Set<String> NATIVE_PATHS = Set.of("/api/generate", "/api/chat", "/api/embed");
    static final int MAX_BODY = 256 * 1024 * 1024;

    private final GpuResourceManager manager;
    private final OllamaForwarder forwarder;
    private final String vlmModel;
    private final boolean autopilotBlocksVlm;
    private final StreamingHttpServer server;
    private final ApiGuard guard;
    private final java.util.concurrent.atomic.AtomicLong forwarded = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong vlmRequests = new java.util.concurrent.atomic.AtomicLong();

    /** @param autopilotBlocksVlm in AUTOPILOT, answer VLM requests with 409 instead of loading the VLM */
    public OllamaProxyServer(GpuResourceManager manager, OllamaForwarder forwarder, String vlmModel,
                             boolean autopilotBlocksVlm, InetAddress address, int port) throws IOException {
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("the Ollama proxy listens on loopback only, not on " + address);
        }
        this.manager = manager;
        this.forwarder = forwarder;
        this.vlmModel = vlmModel;
        this.autopilotBlocksVlm = autopilotBlocksVlm;
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

    private void handle(StreamingHttpServer.Request request, StreamingHttpServer.Response response) throws IOException {
        Optional<ApiGuard.Refusal> refusal = guard.check(request.method(), request.uri(), request.headers());
        if (refusal.isPresent()) {
            response.error(refusal.get().status(), refusal.get().error());
            return;
        }
        String path = request.uri().getPath();
        JsonNode json = "POST".equals(request.method()) && MODEL_PATHS.contains(path) ? parse(request.body()) : null;
        if (json != null && ModelNames.same(json.path("model").asText(null), vlmModel)) {
            forwardWithVlm(request, response, path, (ObjectNode) json);
        } else {
            forward(request, response, request.body());
        }
    }

    private void forwardWithVlm(StreamingHttpServer.Request request, StreamingHttpServer.Response response, String path,
                                ObjectNode json) throws IOException {
        if (autopilotBlocksVlm && manager.getExecutionMode() == com.rpavision.gpurm.core.model.ExecutionMode.AUTOPILOT) {
            response.error(409, "this station is in autopilot: the vision model is not loaded in this mode"
                    + " (autopilot_blocks_vlm). Switch to recording first.");
            return;
        }
        VlmLease lease;
        try {
            lease = manager.acquireVlm();
        } catch (VlmUnavailableException e) {
            response.error(502, "the vision model is not available: " + e.getMessage());
            return;
        }
        try (lease) {
            vlmRequests.incrementAndGet();
            if (NATIVE_PATHS.contains(path)) {
                json.put("keep_alive", -1); // the manager alone decides when it unloads
            }
            forward(request, response, JSON.writeValueAsBytes(json));
        }
    }

    private void forward(StreamingHttpServer.Request request, StreamingHttpServer.Response response, byte[] body)
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

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null; // Ollama will say what is wrong with it
        }
    }

    public void stop(Duration grace) {
        server.stop(grace);
        forwarder.close();
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }
}
