package com.rpavision.gpurm.api;

import java.net.URI;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Who may call: only a local program that knows the token. A web page can reach 127.0.0.1, and with DNS
 * rebinding read the answers, so the checks are: exact Host, no Origin at all, no preflight, and a bearer token
 * for everything but /health, /metrics and the OpenAPI document (public, the same as docs/openapi.yaml, and
 * fetched by tools that never read api.json). Nothing is echoed back that would help a caller guess. (Two Host
 * fields never get here: the listener refuses them with 400.)
 */
final class ApiGuard {

    /** A refusal: HTTP status and the operator-facing error. */
    record Refusal(int status, String error) {
    }

    private static final Set<String> OPEN_PATHS = Set.of("/health", "/metrics", "/api/v1/openapi.json");

    private final Set<String> allowedHosts;
    private final ApiToken token;

    /** @param token null for the Ollama proxy, which must stay drop-in compatible with Ollama's clients */
    ApiGuard(int port, ApiToken token) {
        this.allowedHosts = Set.of("127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port);
        this.token = token;
    }

    /** @param header the first value of a header field by its name (any case), or null when absent */
    Optional<Refusal> check(String method, URI uri, Function<String, String> header) {
        if ("OPTIONS".equals(method)) {
            return Optional.of(new Refusal(403, "cross-origin requests are not allowed"));
        }
        if (header.apply("Origin") != null) {
            return Optional.of(new Refusal(403, "requests from web pages are not allowed"));
        }
        String host = header.apply("Host");
        if (host == null || !allowedHosts.contains(host.toLowerCase())) {
            return Optional.of(new Refusal(403, "Host must be 127.0.0.1, localhost or [::1] with this port"));
        }
        String path = uri.getPath();
        if (token == null || OPEN_PATHS.contains(path)) {
            return Optional.empty();
        }
        String query = uri.getRawQuery();
        if (query != null && query.toLowerCase().contains("token")) {
            return Optional.of(new Refusal(400, "send the token in the Authorization header, never in the URL"));
        }
        if (!token.matchesAuthorization(header.apply("Authorization"))) {
            return Optional.of(new Refusal(401, "missing or wrong token: send 'Authorization: Bearer <token>' with the"
                    + " token from api.json (java -jar gpu-resource-manager.jar --print-api-info shows where it is)"));
        }
        return Optional.empty();
    }
}
