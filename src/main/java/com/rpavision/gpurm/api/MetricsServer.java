package com.rpavision.gpurm.api;

import com.rpavision.gpurm.api.http.ApiConnection;
import com.rpavision.gpurm.api.http.ApiReply;
import com.rpavision.gpurm.api.http.ApiRequest;
import com.rpavision.gpurm.api.http.ApiService;
import com.rpavision.gpurm.api.http.HttpLimits;
import com.rpavision.gpurm.api.http.HttpListener;
import com.rpavision.gpurm.core.concurrent.Threads;
import com.rpavision.gpurm.core.config.ListenAddress;
import io.netty.handler.codec.http.HttpHeaders;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The opt-in listener a Prometheus server on the network scrapes ({@code metrics_listen}): {@code GET /metrics}
 * and {@code GET /health}, nothing else, nothing that changes the manager. With a token every request must send
 * {@code Authorization: Bearer <token>}. Requests from web pages (an {@code Origin} header, a preflight) are
 * refused, so a page cannot read it through DNS rebinding. The control API and the proxy stay on loopback. It runs
 * on the same Netty {@link HttpListener} as they do (the same strict decoder, limits and timeouts); a scrape runs
 * on a small executor of its own, so a flood of scrapes cannot take the control API's workers.
 */
public final class MetricsServer implements AutoCloseable {

    private static final int MAX_BODY = 64 * 1024;

    private final ManagerMetrics metrics;
    private final ApiToken token;
    private final ThreadPoolExecutor executor;
    private final HttpListener listener;

    /** @param token null: no token asked */
    public MetricsServer(ManagerMetrics metrics, InetSocketAddress address, ApiToken token) throws IOException {
        this(metrics, address, token, HttpLimits.DEFAULTS);
    }

    /** With the listener's limits given (a test shortens its head timeout). */
    MetricsServer(ManagerMetrics metrics, InetSocketAddress address, ApiToken token, HttpLimits limits) throws IOException {
        this.metrics = metrics;
        this.token = token;
        this.executor = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(64),
                Threads.named("gpurm-metrics"));
        executor.allowCoreThreadTimeOut(true);
        ApiService service = new Service();
        try {
            this.listener = HttpListener.openOnNetwork(address, limits,
                    () -> new ApiConnection(service, executor));
        } catch (IOException | RuntimeException e) {
            executor.shutdownNow();
            throw e;
        }
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
        } catch (java.net.BindException e) {
            throw e;
        } catch (IOException e) {
            throw new IOException("cannot listen there (" + e + "); fix metrics_listen", e);
        }
    }

    public boolean asksForAToken() {
        return token != null;
    }

    /** Without a token on an address other machines can reach. */
    public boolean isOpenToTheNetwork() {
        return token == null && !listener.address().getAddress().isLoopbackAddress();
    }

    public int port() {
        return listener.port();
    }

    /** Connections open now (tests). */
    int openConnections() {
        return listener.connections();
    }

    private final class Service implements ApiService {

        @Override
        public Admission admit(String method, URI uri, HttpHeaders headers) {
            return check(method, uri.getPath(), headers::get)
                    .map(refusal -> {
                        ApiReply reply = ApiReply.error(refusal.status(), refusal.error());
                        if (refusal.status() == 401) {
                            reply.header("WWW-Authenticate", "Bearer");
                        } else if (refusal.status() == 405) {
                            reply.header("Allow", "GET");
                        }
                        return Admission.refuse(reply);
                    })
                    .orElse(Admission.read(MAX_BODY)); // a GET's body, if any, is read and ignored
        }

        @Override
        public ApiReply handle(ApiRequest request) {
            return request.path().equals("/metrics")
                    ? ApiReply.text(200, "text/plain; version=0.0.4; charset=utf-8", metrics.scrape())
                    : ApiReply.json(200, Map.of("status", "ok"));
        }
    }

    /** @param header the first value of a header field by its name (any case), or null */
    Optional<ApiGuard.Refusal> check(String method, String path, Function<String, String> header) {
        if ("OPTIONS".equals(method) || header.apply("Origin") != null) {
            return Optional.of(new ApiGuard.Refusal(403, "requests from web pages are not allowed"));
        }
        if (!path.equals("/metrics") && !path.equals("/health")) {
            return Optional.of(new ApiGuard.Refusal(404, "only /metrics and /health are served here"));
        }
        if (!"GET".equals(method)) {
            return Optional.of(new ApiGuard.Refusal(405, "use GET"));
        }
        if (token != null && !token.matchesAuthorization(header.apply("Authorization"))) {
            return Optional.of(new ApiGuard.Refusal(401, "missing or wrong token: send 'Authorization: Bearer <token>'"
                    + " with the token of metrics_bearer_token_file"));
        }
        return Optional.empty();
    }

    public void stop() {
        listener.stop(Duration.ZERO);
        executor.shutdownNow();
    }

    @Override
    public void close() {
        stop();
    }
}
