package com.rpavision.gpurm.app.demo;

import com.rpavision.gpurm.core.ollama.OllamaClient;
import com.rpavision.gpurm.core.ollama.OllamaException;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The demo's simulated Ollama speaks the protocol our client expects and holds its models on the simulated GPU. */
class DemoTest {

    @Test
    void loadsListsUnloadsAfterALingerAndMovesTheSimulatedVram() throws Exception {
        try (Demo demo = new Demo();
             OllamaClient client = new OllamaClient(demo.ollamaEndpoint(), Duration.ofSeconds(5), Duration.ofSeconds(10))) {
            var gpu = demo.gpu();
            long idle = gpu.read(false).gpus().get(0).usedMb();
            assertThat(client.version()).startsWith("0.12");
            assertThat(client.installedModels()).anySatisfy(m -> assertThat(m.is("qwen3-vl:8b") && m.sizeMb() < 10_540).isTrue());
            assertThat(client.runningModels()).as("a second model, there to be unloaded").singleElement()
                    .satisfies(m -> assertThat(m.is("llama3.2:3b")).isTrue());

            client.load("qwen3-vl:8b", java.util.Map.of(), java.time.Duration.ofMinutes(3));
            assertThat(client.runningModels()).filteredOn(m -> m.is("qwen3-vl:8b")).singleElement().satisfies(m -> {
                assertThat(m.sizeVramMb()).isEqualTo(10_540);
                assertThat(m.sizeBytes()).as("wholly on the GPU, or the manager reports it partly on the CPU")
                        .isEqualTo(m.sizeVramBytes());
            });
            assertThat(gpu.read(false).gpus().get(0).usedMb() - idle).isGreaterThan(10_000);
            assertThat(gpu.read(true).processes()).as("one runner per model, named as Ollama's are")
                    .filteredOn(p -> p.name().equals("ollama")).extracting(p -> p.usedMb().getAsLong())
                    .containsExactlyInAnyOrder(10_540L, 2_600L);

            client.unload("qwen3-vl:8b");
            assertThat(client.runningModels()).as("still listed, stopping, right after the unload, as Ollama does").hasSize(2);
            await().atMost(Duration.ofSeconds(4)).until(() -> client.runningModels().size() == 1);
            await("its VRAM comes back a moment after it left the list").atMost(Duration.ofSeconds(3))
                    .until(() -> gpu.read(false).gpus().get(0).usedMb() - idle < 100);

            client.unload("llama3.2:3b");
            await().atMost(Duration.ofSeconds(4)).until(() -> client.runningModels().isEmpty());
            await("the second model's VRAM back too").atMost(Duration.ofSeconds(3))
                    .until(() -> gpu.read(false).gpus().get(0).usedMb() - idle < -2_500);

            assertThatThrownBy(() -> client.load("llava:34b", java.util.Map.of(), java.time.Duration.ofMinutes(3))).isInstanceOfSatisfying(OllamaException.class,
                    e -> assertThat(e.kind()).isEqualTo(OllamaException.Kind.MODEL_NOT_FOUND));
        }
    }
}
