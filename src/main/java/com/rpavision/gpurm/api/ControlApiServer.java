package com.rpavision.gpurm.api;

import com.rpavision.gpurm.api.http.ApiConnection;
import com.rpavision.gpurm.api.http.ApiReply;
import com.rpavision.gpurm.api.http.ApiRequest;
import com.rpavision.gpurm.api.http.ApiService;
import com.rpavision.gpurm.api.http.EventLoops;
import com.rpavision.gpurm.api.http.HttpLimits;
import com.rpavision.gpurm.api.http.HttpListener;
import com.rpavision.gpurm.core.concurrent.Threads;
import com.rpavision.gpurm.core.journal.JournalEntry;
import com.rpavision.gpurm.core.manager.GpuResourceManager;
import io.netty.handler.codec.http.HttpHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The control API the RPA agent drives the manager with, on loopback only, on the shared Netty
 * {@link HttpListener}: its strict decoder refuses malformed or ambiguous requests, {@link ApiGuard} every caller
 * without the right Host or token, on the event loop as soon as a head arrives; then the body is read to its
 * limit and the operation ({@link ControlApiOperations}) runs on a bounded executor, since many wait for the
 * manager. Mutations are JSON POSTs with bounded bodies, and a refused request changes nothing.
 */
public final class ControlApiServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ControlApiServer.class);
    static final int MAX_JSON_BODY = 64 * 1024;
    static final int MAX_IMAGE_BODY = 20 * 1024 * 1024;
    static final int MAX_EVENT_CLIENTS = 4;
    /** Operations under way at once (most wait for the manager); more wait in a queue, beyond that 503. */
    private static final int WORKERS = 16;
    private static final int QUEUED = 256;

    private enum Body { NONE, JSON, IMAGE }

    private record Route(String method, Body body) {
    }

    private static final Map<String, Route> ROUTES = Map.ofEntries(
            Map.entry("/health", new Route("GET", Body.NONE)),
            Map.entry("/metrics", new Route("GET", Body.NONE)),
            Map.entry("/api/v1/openapi.json", new Route("GET", Body.NONE)),
            Map.entry("/api/v1/status", new Route("GET", Body.NONE)),
            Map.entry("/api/v1/mode", new Route("POST", Body.JSON)),
            Map.entry("/api/v1/vlm/load", new Route("POST", Body.JSON)),
            Map.entry("/api/v1/vlm/unload", new Route("POST", Body.JSON)),
            Map.entry("/api/v1/clip/device", new Route("POST", Body.JSON)),
            Map.entry("/api/v1/clip/embed", new Route("POST", Body.IMAGE)),
            Map.entry("/api/v1/events", new Route("GET", Body.NONE)),
            Map.entry("/api/v1/ollama/models", new Route("GET", Body.NONE)),
            Map.entry("/api/v1/statistics", new Route("GET", Body.NONE)),
            Map.entry("/api/v1/events/recent", new Route("GET", Body.NONE)),
            Map.entry("/api/v1/ollama/unload", new Route("POST", Body.JSON)),
            Map.entry("/api/v1/gpu/free-for-recording", new Route("POST", Body.JSON)));

    private final ManagerMetrics metrics;
    private final boolean ownsMetrics;
    private final HttpListener listener;
    /** Set once the port is known, just after the listener opens; a request before that is answered 503. */
    private volatile ApiGuard guard;
    private final ThreadPoolExecutor executor;
    private final ControlApiOperations operations;
    private final EventStreams events;
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
        this(manager, address, port, token, transitionTimeout, clipModel, ManagerMetrics.of(manager, proxy), true,
                HttpLimits.DEFAULTS);
    }

    /** With the listener's limits given (a test shortens its head timeout). */
    ControlApiServer(GpuResourceManager manager, InetAddress address, int port, ApiToken token,
                     Duration transitionTimeout, String clipModel, HttpLimits limits) throws IOException {
        this(manager, address, port, token, transitionTimeout, clipModel, ManagerMetrics.of(manager, null), true, limits);
    }

    /** @param metrics what /metrics serves, shared with the other outlets; the caller closes it */
    public ControlApiServer(GpuResourceManager manager, InetAddress address, int port, ApiToken token,
                            Duration transitionTimeout, String clipModel, ManagerMetrics metrics) throws IOException {
        this(manager, address, port, token, transitionTimeout, clipModel, metrics, false, HttpLimits.DEFAULTS);
    }

    private ControlApiServer(GpuResourceManager manager, InetAddress address, int port, ApiToken token,
                             Duration transitionTimeout, String clipModel, ManagerMetrics metrics, boolean ownsMetrics,
                             HttpLimits limits) throws IOException {
        if (!address.isLoopbackAddress()) {
            throw new IllegalArgumentException("the control API listens on loopback only, not on " + address);
        }
        this.metrics = metrics;
        this.ownsMetrics = ownsMetrics;
        this.operations = new ControlApiOperations(manager, transitionTimeout, clipModel);
        this.events = new EventStreams(manager, MAX_EVENT_CLIENTS);
        this.executor = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUED),
                Threads.named("gpurm-api"));
        executor.allowCoreThreadTimeOut(true);
        ApiService service = new Service();
        try {
            this.listener = HttpListener.open(address, port, limits, () -> new ApiConnection(service, executor));
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            throw e;
        }
        this.guard = new ApiGuard(listener.port(), token);
        LOG.info("Control API on http://127.0.0.1:{} ({})", listener.port(), EventLoops.transport());
    }

    /** The paths it serves (the contract test holds them to docs/openapi.yaml). */
    static java.util.Set<String> routedPaths() {
        return ROUTES.keySet();
    }

    public int port() {
        return listener.port();
    }

    /** Connections open now (tests). */
    int openConnections() {
        return listener.connections();
    }

    /** Where {@code GET /api/v1/statistics} reads what happened; without it the statistics are empty. */
    public void statisticsFrom(Function<Instant, List<JournalEntry>> source, Clock clock) {
        operations.statisticsFrom(source, clock);
    }

    /** An event as the API and the diagnostics write it: type, timestamp, details. */
    public static Map<String, Object> eventJson(com.rpavision.gpurm.core.model.ResourceChangedEvent event) {
        return EventStreams.eventJson(event);
    }

    private com.fasterxml.jackson.databind.JsonNode openApi() {
        if (openApi == null) {
            openApi = OpenApiDocument.forPort(port());
        }
        return openApi;
    }

    /** The routes: admitted on the event loop, answered on the executor. */
    private final class Service implements ApiService {

        @Override
        public Admission admit(String method, URI uri, HttpHeaders headers) {
            ApiGuard checks = guard;
            if (checks == null) {
                return Admission.refuse(ApiReply.error(503, "the control API is starting; ask again in a moment"));
            }
            var refusal = checks.check(method, uri, headers::get);
            if (refusal.isPresent()) {
                return Admission.refuse(ApiReply.error(refusal.get().status(), refusal.get().error()));
            }
            String path = uri.getPath();
            Route route = ROUTES.get(path);
            if (route == null) {
                return Admission.refuse(ApiReply.error(404, "no such endpoint: " + path));
            }
            if (!route.method().equals(method)) {
                return Admission.refuse(ApiReply.error(405, "use " + route.method()).header("Allow", route.method()));
            }
            String type = headers.get("Content-Type");
            String lower = String.valueOf(type).toLowerCase(Locale.ROOT);
            if (route.body() == Body.JSON && type != null && !lower.startsWith("application/json")) {
                return Admission.refuse(ApiReply.error(415, "send the body as application/json"));
            }
            if (route.body() == Body.IMAGE) {
                if (!lower.startsWith("image/png") && !lower.startsWith("image/jpeg")) {
                    return Admission.refuse(ApiReply.error(415, "send the image as image/png or image/jpeg"));
                }
                return Admission.read(MAX_IMAGE_BODY);
            }
            return Admission.read(MAX_JSON_BODY);
        }

        /** The status and health are read from the manager's snapshots (no lock held across I/O): no hop. */
        @Override
        public boolean answersAtOnce(ApiRequest request) {
            return "/api/v1/status".equals(request.path()) || "/health".equals(request.path());
        }

        @Override
        public ApiReply handle(ApiRequest request) throws Exception {
            return switch (request.path()) {
                case "/health" -> ApiReply.json(200, Map.of("status", "ok"));
                case "/metrics" -> ApiReply.text(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape());
                case "/api/v1/openapi.json" -> ApiReply.json(200, openApi());
                case "/api/v1/events" -> events.open();
                default -> operations.handle(request);
            };
        }
    }

    /**
     * Stops accepting, answers requests that wait for the manager 503 "shutting down", ends the event streams, lets
     * the other requests finish for up to {@code grace}, then stops.
     */
    public void stop(Duration grace) {
        operations.stopping();
        events.stop();
        if (ownsMetrics) {
            metrics.close();
        }
        listener.stop(grace);
        executor.shutdownNow();
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }
}
