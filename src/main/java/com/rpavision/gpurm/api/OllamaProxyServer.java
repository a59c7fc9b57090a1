package com.rpavision.gpurm.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rpavision.gpurm.core.concurrent.Threads;
import com.rpavision.gpurm.core.manager.GpuResourceManager;
import com.rpavision.gpurm.core.manager.VlmLease;
import com.rpavision.gpurm.core.manager.VlmUnavailableException;
import com.rpavision.gpurm.core.ollama.ModelNames;
import com.rpavision.gpurm.core.ollama.OllamaForwarder;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

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
    private final HttpServer server;
    private final ExecutorService executor;
    private final ApiGuard guard;
    private final java.util.concurrent.atomic.AtomicLong forwarded = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicLong vlmRequests = new java.util.concurrent.atomic.AtomicLong();

    /** @param autopilotBlocksVlm in AUTOPILOT, answer VLM requests with 409 instead of loading the VLM */
    public OllamaProxyServer(GpuResourceManager manager, OllamaForwarder forwarder, String vlmModel,
                             boolean autopilotBlocksVlm, InetAddress address, int port) throws IOException {
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("the Ollama proxy listens on loopback only, not on " + address);
        }
        System.setProperty("sun.net.httpserver.nodelay", "true");
        this.manager = manager;
        this.forwarder = forwarder;
        this.vlmModel = vlmModel;
        this.autopilotBlocksVlm = autopilotBlocksVlm;
        this.server = HttpServer.create(new InetSocketAddress(address, port), 0);
        this.guard = new ApiGuard(server.getAddress().getPort(), null);
        this.executor = Executors.newCachedThreadPool(Threads.named("gpurm-proxy"));
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
        LOG.info("Ollama proxy on http://127.0.0.1:{} -> {}", port(), forwarder.endpoint());
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** Requests passed on to Ollama, and those of them for the VLM. */
    public long forwardedRequests() {
        return forwarded.get();
    }

    public long vlmRequests() {
        return vlmRequests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (guard.refused(exchange)) {
                return;
            }
            byte[] body = HttpReplies.bodyUpTo(exchange, MAX_BODY);
            if (body == null) {
                return;
            }
            String path = exchange.getRequestURI().getPath();
            JsonNode json = "POST".equals(exchange.getRequestMethod()) && MODEL_PATHS.contains(path) ? parse(body) : null;
            if (json != null && ModelNames.same(json.path("model").asText(null), vlmModel)) {
                forwardWithVlm(exchange, path, (ObjectNode) json);
            } else {
                forward(exchange, body);
            }
        } catch (RuntimeException e) {
            LOG.warn("Proxy request failed: {}", e.toString(), e);
        }
    }

    private void forwardWithVlm(HttpExchange exchange, String path, ObjectNode json) throws IOException {
        if (autopilotBlocksVlm && manager.getExecutionMode() == com.rpavision.gpurm.core.model.ExecutionMode.AUTOPILOT) {
            error(exchange, 409, "this station is in autopilot: the vision model is not loaded in this mode"
                    + " (autopilot_blocks_vlm). Switch to recording first.");
            return;
        }
        VlmLease lease;
        try {
            lease = manager.acquireVlm();
        } catch (VlmUnavailableException e) {
            error(exchange, 502, "the vision model is not available: " + e.getMessage());
            return;
        }
        try (lease) {
            vlmRequests.incrementAndGet();
            if (NATIVE_PATHS.contains(path)) {
                json.put("keep_alive", -1); // the manager alone decides when it unloads
            }
            forward(exchange, JSON.writeValueAsBytes(json));
        }
    }

    private void forward(HttpExchange exchange, byte[] body) throws IOException {
        forwarded.incrementAndGet();
        boolean[] started = new boolean[1];
        try {
            forwarder.forward(exchange.getRequestMethod(), exchange.getRequestURI().getRawPath()
                            + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()),
                    exchange.getRequestHeaders(), body.length == 0 && "GET".equals(exchange.getRequestMethod()) ? null : body,
                    (status, headers) -> {
                        started[0] = true;
                        headers.forEach((name, values) -> exchange.getResponseHeaders().put(name, values));
                        exchange.sendResponseHeaders(status, status == 204 || status == 304 ? -1 : 0);
                        return exchange.getResponseBody();
                    });
        } catch (IOException e) {
            if (!started[0]) {
                manager.retryNow();
                error(exchange, 502, "Ollama is not reachable at " + forwarder.endpoint() + " (" + e.getMessage()
                        + "). Start it with 'ollama serve'.");
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

    private static void error(HttpExchange exchange, int status, String message) throws IOException {
        HttpReplies.error(exchange, status, message);
    }

    public void stop(Duration grace) {
        server.stop((int) grace.toSeconds());
        executor.shutdownNow();
        forwarder.close();
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }
}
