package com.rpavision.gpurm.api;

import com.rpavision.gpurm.core.config.ListenAddress;
import com.rpavision.gpurm.testing.ManagerFixture;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The opt-in listener for a fleet's Prometheus. Tests bind loopback only. (The textfile: MetricsTextfileTest.) */
class MetricsServerTest {

    private static final String TOKEN = "6f1c0a4e9b2d7f3a8c5e1b0d4a7f2c9e";

    @TempDir
    Path dir;

    private ManagerFixture f;
    private ManagerMetrics metrics;
    private final OkHttpClient http = new OkHttpClient();

    @BeforeEach
    void start() {
        f = ManagerFixture.create();
        metrics = new ManagerMetrics(f.manager, () -> 0, () -> 0);
    }

    @AfterEach
    void stop() {
        http.connectionPool().evictAll();
        metrics.close();
        f.close();
    }

    private Response get(MetricsServer server, String path, String... headers) throws IOException {
        Request.Builder request = new Request.Builder().url("http://127.0.0.1:" + server.port() + path);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return http.newCall(request.build()).execute();
    }

    @Test
    void servesOnlyGetMetricsAndHealth() throws Exception {
        try (MetricsServer server = MetricsServer.open(metrics, ListenAddress.parse("127.0.0.1:" + freePort()), "")) {
            assertThat(server.asksForAToken()).isFalse();
            try (Response r = get(server, "/metrics")) {
                assertThat(r.code()).isEqualTo(200);
                assertThat(r.header("Content-Type")).startsWith("text/plain; version=0.0.4");
                assertThat(MetricsTest.parse(r.body().string())).containsEntry("gpurm_degraded", 0.0);
            }
            try (Response r = get(server, "/health")) {
                assertThat(r.code()).isEqualTo(200);
                assertThat(r.body().string()).isEqualTo("{\"status\":\"ok\"}");
            }
            try (Response r = get(server, "/api/v1/status")) {
                assertThat(r.code()).as("the control API is not here").isEqualTo(404);
            }
            try (Response r = http.newCall(new Request.Builder().url("http://127.0.0.1:" + server.port() + "/metrics")
                    .post(RequestBody.create("{}", MediaType.get("application/json"))).build()).execute()) {
                assertThat(r.code()).isEqualTo(405);
                assertThat(r.header("Allow")).isEqualTo("GET");
            }
            try (Response r = get(server, "/metrics", "Origin", "http://evil.example")) {
                assertThat(r.code()).as("a web page may not read it").isEqualTo(403);
            }
        }
    }

    @Test
    void withATokenFileEveryRequestMustBearTheToken() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("metrics.token"), TOKEN + "\n");
        try (MetricsServer server = new MetricsServer(metrics, new java.net.InetSocketAddress("127.0.0.1", 0),
                ApiToken.fromFile(tokenFile))) {
            assertThat(server.asksForAToken()).isTrue();
            try (Response r = get(server, "/metrics")) {
                assertThat(r.code()).isEqualTo(401);
                assertThat(r.header("WWW-Authenticate")).isEqualTo("Bearer");
            }
            try (Response r = get(server, "/health", "Authorization", "Bearer " + TOKEN.substring(1) + "x")) {
                assertThat(r.code()).isEqualTo(401);
            }
            try (Response r = get(server, "/metrics", "Authorization", "Bearer " + TOKEN)) {
                assertThat(r.code()).as("the header Prometheus' authorization config sends").isEqualTo(200);
                assertThat(r.body().string()).contains("gpurm_execution_mode{mode=\"idle\"} 1");
            }
        }
    }

    @Test
    void aTokenFileThatCannotBeUsedKeepsTheListenerClosed() throws Exception {
        int port = freePort();
        ListenAddress address = ListenAddress.parse("127.0.0.1:" + port);
        assertThatThrownBy(() -> MetricsServer.open(metrics, address, dir.resolve("missing.token").toString()))
                .isInstanceOf(IOException.class).hasMessageContaining("metrics_bearer_token_file");
        Path shortToken = Files.writeString(dir.resolve("short.token"), "secret");
        assertThatThrownBy(() -> MetricsServer.open(metrics, address, shortToken.toString()))
                .isInstanceOf(IOException.class).hasMessageContaining("at least 16");
        try (java.net.ServerSocket probe = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(probe.getLocalPort()).as("nothing listens there").isEqualTo(port);
        }
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
