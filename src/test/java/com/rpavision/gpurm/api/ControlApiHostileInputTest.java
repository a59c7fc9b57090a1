package com.rpavision.gpurm.api;

import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.testing.ManagerFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;

import static com.rpavision.gpurm.api.http.RawHttp.exchange;
import static org.assertj.core.api.Assertions.assertThat;

/** The hostile table on the control API, and the body rows only it has (it reads JSON bodies). */
class ControlApiHostileInputTest extends HostileInputContract {

    private ManagerFixture f;
    private ControlApiServer server;
    private ApiToken token;

    @BeforeEach
    void start() throws Exception {
        f = ManagerFixture.create();
        token = ApiToken.random();
        server = new ControlApiServer(f.manager, InetAddress.getLoopbackAddress(), 0, token, Duration.ofSeconds(10), "ViT-B-32",
                LIMITS);
    }

    @AfterEach
    void stop() {
        server.close();
        f.close();
    }

    @Override
    int port() {
        return server.port();
    }

    @Override
    String legitPath() {
        return "/api/v1/status";
    }

    @Override
    String postPath() {
        return "/api/v1/mode";
    }

    @Override
    Optional<String> token() {
        return Optional.of(token.value());
    }

    @Override
    int openConnections() {
        return server.openConnections();
    }

    @Override
    void assertNothingReachedTheBackend() {
        assertThat(f.manager.getExecutionMode()).isEqualTo(ExecutionMode.IDLE);
        assertThat(f.ollama.loads.get()).isZero();
    }

    private String modePost(String framing) {
        return "POST /api/v1/mode HTTP/1.1\r\n" + host() + "Authorization: Bearer " + token.value() + "\r\n"
                + "Content-Type: application/json\r\n" + framing;
    }

    @Test
    void aChunkedBodyBeyondTheLimitIsAnswered413AndClosedBeforeItEnds() throws IOException {
        String chunk = Integer.toHexString(8192) + "\r\n" + "a".repeat(8192) + "\r\n";
        String answer = exchange(port(), modePost("Transfer-Encoding: chunked\r\n\r\n") + chunk.repeat(10));
        assertThat(answer).startsWith("HTTP/1.1 413 ").contains("Connection: close\r\n", "larger than 65536 bytes");
        assertNothingReachedTheBackend();
    }

    @Test
    void aContentLengthBeyondTheLimitIsAnswered413WithoutReadingTheBody() throws IOException {
        String answer = exchange(port(), modePost("Content-Length: 200000000\r\n\r\n{\"mode\":"));
        assertThat(answer).startsWith("HTTP/1.1 413 ").contains("Connection: close\r\n");
        assertNothingReachedTheBackend();
    }

    @Test
    void deeplyNestedJsonIsRefused() throws IOException {
        String body = "{\"mode\":" + "[".repeat(5_000) + "]".repeat(5_000) + "}";
        String answer = exchange(port(), modePost("Content-Length: " + body.length() + "\r\nConnection: close\r\n\r\n" + body));
        assertThat(answer).startsWith("HTTP/1.1 400 ").contains("application/json");
        assertNothingReachedTheBackend();
    }
}
