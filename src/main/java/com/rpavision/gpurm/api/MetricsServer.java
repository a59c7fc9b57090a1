package com.rpavision.gpurm.api;

import com.rpavision.gpurm.core.concurrent.Threads;
import com.rpavision.gpurm.core.config.ListenAddress;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The opt-in listener a Prometheus server on the network scrapes ({@code metrics_listen}): {@code GET /metrics}
 * and {@code GET /health}, nothing else, nothing that changes the manager. With a token every request must send
 * {@code Authorization: Bearer <token>}. Requests from web pages (an {@code Origin} header, a preflight) are
 * refused, so a page cannot read it through DNS rebinding. The control API and the proxy stay on loopback.
 */
public final class MetricsServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MetricsServer.class);

    private final ManagerMetrics metrics;
    private final ApiToken token;
    private final HttpServer server;
    private final ExecutorService executor;

    /** @param token null: no token asked */
    public MetricsServer(ManagerMetrics metrics, InetSocketAddress address, ApiToken token) throws IOException {
        this.metrics = metrics;
        this.token = token;
        this.server = HttpServer.create(address, 0);
        this.executor = Executors.newFixedThreadPool(2, Threads.named("gpurm-metrics"));
        server.setExecutor(executor);
        server.createContext("/", this::handle);
        server.start();
    }

    /**
     * The listener a configuration asks for. A token file that cannot be read, or holds too short a token, keeps
     * it closed: an operator who asked for a token never gets an open listener instead.
     *
     * @param tokenFile empty: no token
     * @throws IOException saying what to fix (the token file, or the address: taken, not on this machine)
     */
    public static MetricsServer open(ManagerMetrics metrics, ListenAddress address, String tokenFile) throws IOException {
        ApiToken token = null;
        if (!tokenFile.isEmpty()) {
            try {
                token = ApiToken.fromFile(Path.of(tokenFile));
            } catch (IOException e) {
                throw new IOException("cannot read its token (" + e.getMessage() + "); fix metrics_bearer_token_file", e);
            }
        }
        try {
            return new MetricsServer(metrics, new InetSocketAddress(address.host(), address.port()), token);
        } catch (IOException e) {
            throw new IOException("cannot listen there (" + e + "); fix metrics_listen", e);
        }
    }

    public boolean asksForAToken() {
        return token != null;
    }

    /** Without a token on an address other machines can reach. */
    public boolean isOpenToTheNetwork() {
        return token == null && !server.getAddress().getAddress().isLoopbackAddress();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            Optional<ApiGuard.Refusal> refusal = check(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders());
            if (refusal.isPresent()) {
                if (refusal.get().status() == 401) {
                    exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
                } else if (refusal.get().status() == 405) {
                    exchange.getResponseHeaders().set("Allow", "GET");
                }
                HttpReplies.error(exchange, refusal.get().status(), refusal.get().error());
                return;
            }
            if (exchange.getRequestURI().getPath().equals("/metrics")) {
                HttpReplies.metrics(exchange, metrics.scrape());
            } else {
                HttpReplies.json(exchange, 200, Map.of("status", "ok"));
            }
        } catch (RuntimeException e) {
            LOG.warn("Metrics request failed: {}", e.toString(), e);
        }
    }

    Optional<ApiGuard.Refusal> check(String method, String path, com.sun.net.httpserver.Headers headers) {
        if ("OPTIONS".equals(method) || headers.containsKey("Origin")) {
            return Optional.of(new ApiGuard.Refusal(403, "requests from web pages are not allowed"));
        }
        if (!path.equals("/metrics") && !path.equals("/health")) {
            return Optional.of(new ApiGuard.Refusal(404, "only /metrics and /health are served here"));
        }
        if (!"GET".equals(method)) {
            return Optional.of(new ApiGuard.Refusal(405, "use GET"));
        }
        String authorization = headers.getFirst("Authorization");
        if (token != null && (authorization == null || !authorization.startsWith("Bearer ")
                || !token.matches(authorization.substring("Bearer ".length()).trim()))) {
            return Optional.of(new ApiGuard.Refusal(401, "missing or wrong token: send 'Authorization: Bearer <token>'"
                    + " with the token of metrics_bearer_token_file"));
        }
        return Optional.empty();
    }

    public void stop() {
        server.stop(0);
        executor.shutdownNow();
    }

    @Override
    public void close() {
        stop();
    }
}
