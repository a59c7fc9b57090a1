package com.rpavision.gpurm.core.ollama;

import com.rpavision.gpurm.core.ollama.OllamaException.Kind;
import com.rpavision.gpurm.testing.NoDelayServerSocketFactory;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.SocketEffect;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every Ollama call against every way Ollama can fail, each classified so the manager knows what to do. */
class OllamaClientFaultMatrixTest {

    private static final Duration TIMEOUT = Duration.ofMillis(400);

    enum Call {
        VERSION, RUNNING_MODELS, LOAD, UNLOAD;

        void invoke(OllamaClient client) throws OllamaException {
            switch (this) {
                case VERSION -> client.version();
                case RUNNING_MODELS -> client.runningModels();
                case LOAD -> client.load("qwen3-vl:8b", java.util.Map.of(), java.time.Duration.ofMinutes(3));
                case UNLOAD -> client.unload("qwen3-vl:8b");
            }
        }
    }

    enum Fault {
        REFUSED, DISCONNECT_AFTER_REQUEST, STALL_PAST_TIMEOUT, HTTP_500, HTTP_503, HTTP_404, ERROR_FIELD, MALFORMED_JSON
    }

    private MockWebServer server;

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.setServerSocketFactory(new NoDelayServerSocketFactory());
        server.start(InetAddress.getLoopbackAddress(), 0);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static Stream<Arguments> matrix() {
        List<Arguments> rows = new ArrayList<>();
        for (Call call : Call.values()) {
            for (Fault fault : Fault.values()) {
                rows.add(Arguments.of(call, fault, expectedKind(call, fault)));
            }
        }
        return rows.stream();
    }

    private static Kind expectedKind(Call call, Fault fault) {
        return switch (fault) {
            case REFUSED, DISCONNECT_AFTER_REQUEST -> Kind.UNREACHABLE;
            case STALL_PAST_TIMEOUT, HTTP_500, HTTP_503, MALFORMED_JSON -> Kind.TRANSIENT;
            case HTTP_404 -> call == Call.LOAD || call == Call.UNLOAD ? Kind.MODEL_NOT_FOUND : Kind.REJECTED;
            case ERROR_FIELD -> Kind.REJECTED;
        };
    }

    @ParameterizedTest(name = "{0} with {1} -> {2}")
    @MethodSource("matrix")
    void eachFaultIsClassified(Call call, Fault fault, Kind expected) throws Exception {
        String endpoint = fault == Fault.REFUSED ? "http://127.0.0.1:" + closedPort() + "/" : server.url("/").toString();
        if (fault != Fault.REFUSED) {
            server.enqueue(response(call, fault));
        }
        try (OllamaClient client = new OllamaClient(endpoint, TIMEOUT, TIMEOUT)) {
            long started = System.nanoTime();
            assertThatThrownBy(() -> call.invoke(client))
                    .isInstanceOfSatisfying(OllamaException.class, e -> {
                        assertThat(e.kind()).isEqualTo(expected);
                        assertThat(e.getMessage()).isNotBlank().doesNotContain("null");
                        if (expected == Kind.MODEL_NOT_FOUND) {
                            assertThat(e.getMessage()).contains("ollama pull");
                        }
                        if (expected == Kind.UNREACHABLE) {
                            assertThat(e.getMessage()).contains("ollama serve");
                        }
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("bounded by the timeout")
                    .isLessThan(TIMEOUT.multipliedBy(5));
        }
    }

    private static MockResponse response(Call call, Fault fault) {
        String notFound = call == Call.LOAD || call == Call.UNLOAD
                ? "{\"error\":\"model \\\"qwen3-vl:8b\\\" not found, try pulling it first\"}" : "404 page not found";
        MockResponse.Builder b = new MockResponse.Builder().addHeader("Content-Type", "application/json");
        return switch (fault) {
            case REFUSED -> throw new IllegalArgumentException("no response for a refused connection");
            case DISCONNECT_AFTER_REQUEST -> b.onResponseStart(new SocketEffect.CloseSocket()).build();
            case STALL_PAST_TIMEOUT -> b.headersDelay(5, TimeUnit.SECONDS).body("{}").build();
            case HTTP_500 -> b.code(500).body("{\"error\":\"llama runner process has terminated: exit status 2\"}").build();
            case HTTP_503 -> b.code(503).body("{\"error\":\"server busy, please try again.  maximum pending requests exceeded\"}").build();
            case HTTP_404 -> b.code(404).body(notFound).build();
            case ERROR_FIELD -> b.code(200).body("{\"error\":\"model requires more system memory (12.1 GiB) than is available (8.0 GiB)\"}").build();
            case MALFORMED_JSON -> b.code(200).body("{\"models\": [{\"name\": \"qwen3").build();
        };
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
