package com.rpavision.gpurm.api;

import com.rpavision.gpurm.api.http.RawHttp;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.util.Optional;

import static com.rpavision.gpurm.api.http.RawHttp.exchange;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The hostile table on the Ollama proxy, whose backend is Ollama (a MockWebServer that counts what reaches it) and
 * the manager behind it (which would load the VLM); and the rows only the proxy has: the bodies it reads whole to
 * find {@code model} share one budget, so neither one endless body nor many large ones at once hold memory
 * without bound.
 */
class OllamaProxyHostileInputTest extends HostileInputContract {

    /** The budget in these tests: small, so that a body or two fill it. */
    private static final long BUDGET = 1024 * 1024;

    private ProxyRig rig;
    private BodyBudget bodies;
    private OllamaProxyServer proxy;

    @BeforeEach
    void start() throws Exception {
        rig = new ProxyRig(request -> new MockResponse.Builder().addHeader("Content-Type", "application/json")
                .body("{\"ok\":true}").build());
        bodies = new BodyBudget(BUDGET);
        proxy = rig.proxy(LIMITS, bodies);
    }

    @AfterEach
    void stop() {
        rig.close();
    }

    @Override
    int port() {
        return proxy.port();
    }

    @Override
    String legitPath() {
        return "/api/tags";
    }

    @Override
    String postPath() {
        return "/api/generate";
    }

    @Override
    Optional<String> token() {
        return Optional.empty();
    }

    @Override
    int openConnections() {
        return proxy.openConnections();
    }

    @Override
    void assertNothingReachedTheBackend() {
        assertThat(rig.upstream.getRequestCount()).as("requests that reached Ollama").isZero();
        assertThat(rig.f.ollama.loads.get()).as("VLM loads").isZero();
    }

    /** A generate for another model than the VLM whose body is {@code size} bytes. */
    private static String generateBody(int size) {
        String start = "{\"model\":\"llava:13b\",\"prompt\":\"";
        return start + "a".repeat(size - start.length() - 2) + "\"}";
    }

    private String generateHead(String framing) {
        return "POST /api/generate HTTP/1.1\r\n" + host() + "Content-Type: application/json\r\n" + framing
                + "Connection: close\r\n\r\n";
    }

    @Test
    void theProxyAsksNoTokenAndPassesTheClientsAuthorizationOnAsSent() throws Exception {
        assertThat(exchange(port(), "GET /api/tags HTTP/1.1\r\n" + host() + "Authorization: bearer for-ollama\r\n"
                + "Connection: close\r\n\r\n")).startsWith("HTTP/1.1 200 OK\r\n");
        RecordedRequest seen = rig.upstream.takeRequest();
        assertThat(seen.getHeaders().get("Authorization")).isEqualTo("bearer for-ollama");
    }

    @Test
    void aChunkedBodyThatNeverEndsOnAPathThatNamesAModelIsCutAtTheBudget() throws IOException {
        String start = "{\"model\":\"llava:13b\",\"prompt\":\"";
        String chunk = Integer.toHexString(64 * 1024) + "\r\n" + "a".repeat(64 * 1024) + "\r\n";
        String answer = exchange(port(), generateHead("Transfer-Encoding: chunked\r\n")
                + Integer.toHexString(start.length()) + "\r\n" + start + "\r\n"
                + chunk.repeat(2 * (int) (BUDGET / (64 * 1024)))); // twice the budget, and no last chunk
        assertThat(answer).startsWith("HTTP/1.1 503 ").contains("Connection: close\r\n", "at most 1 MB");
        assertNothingReachedTheBackend();
        await().untilAsserted(() -> assertThat(bodies.held()).as("bytes still held").isZero());
    }

    @Test
    void largeBodiesAtOnceShareTheBudgetAndWhatOneHeldIsGivenBackWhenItEnds() throws Exception {
        String body = generateBody(700_000);
        try (Socket first = RawHttp.connect(port())) {
            RawHttp.send(first, generateHead("Content-Length: " + body.length() + "\r\n") + body.substring(0, 600_000));
            await().until(() -> bodies.held() >= 600_000);

            String second = exchange(port(), generateHead("Content-Length: " + body.length() + "\r\n") + body);
            assertThat(second).as("a second body beyond what is left").startsWith("HTTP/1.1 503 ")
                    .contains("Connection: close\r\n", "too many large bodies at once");
            await().untilAsserted(() -> assertThat(bodies.held()).as("the second gave back what it took")
                    .isEqualTo(600_000));

            RawHttp.send(first, body.substring(600_000));
            assertThat(RawHttp.readAll(first.getInputStream())).startsWith("HTTP/1.1 200 OK\r\n").endsWith("{\"ok\":true}");
        }
        await().untilAsserted(() -> assertThat(bodies.held()).isZero());
        assertThat(exchange(port(), generateHead("Content-Length: " + body.length() + "\r\n") + body))
                .as("once the first has gone on").startsWith("HTTP/1.1 200 OK\r\n");
        assertThat(rig.upstream.getRequestCount()).isEqualTo(2);
        assertThat(rig.upstream.takeRequest().getBody().size()).as("the body went on whole").isEqualTo(body.length());
    }

    @Test
    void aClientThatGoesAwayHalfWayThroughABodyTheProxyReadsWholeLeavesNothingHeld() throws Exception {
        String body = generateBody(700_000);
        try (Socket client = RawHttp.connect(port())) {
            RawHttp.send(client, generateHead("Content-Length: " + body.length() + "\r\n") + body.substring(0, 400_000));
            await().until(() -> bodies.held() >= 400_000);
            client.setSoLinger(true, 0); // a reset, as a killed client leaves
        }
        await().untilAsserted(() -> assertThat(bodies.held()).as("bytes still held").isZero());
        await().untilAsserted(() -> assertThat(openConnections()).as("client connections still open").isZero());
        assertNothingReachedTheBackend();
    }
}
