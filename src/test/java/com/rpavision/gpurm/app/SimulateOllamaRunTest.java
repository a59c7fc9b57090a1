package com.rpavision.gpurm.app;

import com.rpavision.gpurm.core.ollama.OllamaClient;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code --simulate-ollama PORT} as the Python tools and CI start it: a separate JVM, told where it listens. */
class SimulateOllamaRunTest {

    @Test
    void itPrintsItsPortAnswersAsOllamaEvictsWithAGapAndRestartsOnRequest() throws Exception {
        Process sim = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "com.rpavision.gpurm.Launcher",
                "--simulate-ollama", "0", "--sim-load-ms", "200", "--sim-gap-ms", "400", "--sim-vram-mb", "12000",
                "--sim-preload", "llama3:8b").redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(sim.getInputStream(), StandardCharsets.UTF_8))) {
            String first = out.readLine();
            assertThat(first).matches("listening [0-9]+");
            String endpoint = "http://127.0.0.1:" + first.substring("listening ".length()) + "/";
            try (OllamaClient client = new OllamaClient(endpoint, Duration.ofSeconds(5), Duration.ofSeconds(10))) {
                assertThat(client.version()).startsWith("0.12");
                assertThat(client.runningModels()).singleElement().satisfies(m -> assertThat(m.is("llama3:8b")).isTrue());

                client.load("qwen3-vl:8b", java.util.Map.of(), java.time.Duration.ofMinutes(3)); // 10.5 GB do not fit beside 4 GB on 12 GB: Ollama evicts llama3:8b
                assertThat(client.runningModels()).singleElement().satisfies(m -> assertThat(m.is("qwen3-vl:8b")).isTrue());

                HttpResponse<String> restart = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(endpoint + "_simulator/restart?down_ms=300")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(restart.statusCode()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(5)).pollDelay(Duration.ofMillis(500)).ignoreExceptions()
                        .until(() -> client.runningModels().isEmpty());
            }
        } finally {
            sim.toHandle().destroy();
            assertThat(sim.waitFor(20, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
        }
    }
}
