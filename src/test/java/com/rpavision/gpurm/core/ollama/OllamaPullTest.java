package com.rpavision.gpurm.core.ollama;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rpavision.gpurm.core.model.PullProgress;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code POST /api/pull} as Ollama streams it: progress summed over the layers, its error lines, its end. */
class OllamaPullTest {

    private final ObjectMapper json = new ObjectMapper();
    private MockWebServer server;
    private OllamaClient client;
    private final List<PullProgress> seen = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = new MockWebServer();
        server.start(InetAddress.getLoopbackAddress(), 0);
        client = new OllamaClient(server.url("/").toString(), Duration.ofSeconds(2), Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private void stream(String... lines) {
        server.enqueue(new MockResponse.Builder().addHeader("Content-Type", "application/x-ndjson")
                .chunkedBody(String.join("\n", lines) + "\n", 64).build());
    }

    @Test
    void progressIsSummedOverTheLayersAndThePullEndsAtSuccess() throws Exception {
        stream("{\"status\":\"pulling manifest\"}",
                "{\"status\":\"pulling aaa\",\"digest\":\"sha256:aaa\",\"total\":3000,\"completed\":1000}",
                "{\"status\":\"pulling bbb\",\"digest\":\"sha256:bbb\",\"total\":1000,\"completed\":0}",
                "",
                "{\"status\":\"pulling aaa\",\"digest\":\"sha256:aaa\",\"total\":3000,\"completed\":3000}",
                "{\"status\":\"pulling bbb\",\"digest\":\"sha256:bbb\",\"total\":1000,\"completed\":1000}",
                "{\"status\":\"verifying sha256 digest\"}", "{\"status\":\"writing manifest\"}", "{\"status\":\"success\"}");

        client.pull("qwen3-vl:8b", seen::add);

        RecordedRequest request = server.takeRequest();
        assertThat(request.getUrl().encodedPath()).isEqualTo("/api/pull");
        JsonNode body = json.readTree(request.getBody().utf8());
        assertThat(body.path("model").asText()).isEqualTo("qwen3-vl:8b");
        assertThat(body.path("stream").asBoolean()).isTrue();
        assertThat(seen).extracting(PullProgress::percent).containsExactly(-1, 33, 25, 75, 100, 100, 100, 100);
        assertThat(seen.get(2).totalBytes()).isEqualTo(4000);
        assertThat(seen.get(seen.size() - 1).status()).isEqualTo("success");
        assertThat(seen.get(seen.size() - 1).downloading()).isFalse();
    }

    @Test
    void anErrorLineEndsThePullWithOllamasReason() {
        stream("{\"status\":\"pulling manifest\"}", "{\"error\":\"pull model manifest: file does not exist\"}");

        assertThatThrownBy(() -> client.pull("qwen3-vl:80b", seen::add)).isInstanceOf(OllamaException.class)
                .hasMessage("Ollama could not pull qwen3-vl:80b: pull model manifest: file does not exist");
    }

    @Test
    void anAnswerThatStopsBeforeSuccessIsNotAPull() {
        stream("{\"status\":\"pulling manifest\"}",
                "{\"status\":\"pulling aaa\",\"digest\":\"sha256:aaa\",\"total\":3000,\"completed\":1000}");

        assertThatThrownBy(() -> client.pull("qwen3-vl:8b", seen::add)).isInstanceOf(OllamaException.class)
                .hasMessageContaining("before it said success (last: pulling aaa)");
    }

    @Test
    void anHttpErrorSaysWhatOllamaSaid() {
        server.enqueue(new MockResponse.Builder().code(400).addHeader("Content-Type", "application/json")
                .body("{\"error\":\"invalid model name\"}").build());

        assertThatThrownBy(() -> client.pull("Not A Name", seen::add)).isInstanceOf(OllamaException.class)
                .hasMessageContaining("invalid model name");
        assertThat(seen).isEmpty();
    }
}
