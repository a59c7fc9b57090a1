package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.testing.ManagerFixture;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The preflight against an Ollama look-alike and a fake GPU of 11,400 MB (600 used by the desktop); the VLM
 * takes 10,500 MB once loaded and its file is 7,350 MB (so 8,820 MB estimated before its first load).
 */
class VlmPreflightTest {

    @TempDir
    Path dir;

    private static long loadRequests(ManagerFixture f) throws InterruptedException {
        long count = 0;
        for (int i = f.server.getRequestCount(); i > 0; i--) {
            RecordedRequest request = f.server.takeRequest(1, TimeUnit.SECONDS);
            if (request != null && request.getUrl().encodedPath().equals("/api/generate")) {
                count++;
            }
        }
        return count;
    }

    @Test
    void aLoadThatCannotFitIsNotSentAndTheErrorNamesTheNumbersAndWhoHoldsTheGpu() throws InterruptedException {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.gpu.allocate("blender", 3_000); // 7,800 MB free, 7,544 after the margin: short of 8,820

            f.switchTo(ExecutionMode.RECORDING);

            assertThat(f.manager.getVlmState()).isEqualTo(ModelState.ERROR);
            String reason = f.manager.getStatus().vlmStateReason();
            assertThat(reason).contains("Not loading qwen3-vl:8b", "needs about 8.6 GB", "7.4 GB available on",
                    "7.6 GB free", "0.3 GB kept as margin", "Biggest users: blender (pid ", ") 2.9 GB");
            assertThat(loadRequests(f)).as("load requests sent to Ollama").isZero();
            assertThat(f.ollama.isResident("qwen3-vl:8b")).isFalse();
            ResourceChangedEvent event = f.events.stream().filter(e -> e.type() == EventType.MODEL_ERROR).findFirst().orElseThrow();
            assertThat(event.details()).containsEntry("reason", reason).containsEntry("reason_code", "VLM_DOES_NOT_FIT");
            // the panel's wording, from the reason's code and arguments
            String panel = com.rpavision.gpurm.ui.ReasonText.ofEvent(event.details(),
                    new com.rpavision.gpurm.ui.Messages(java.util.Locale.ENGLISH));
            assertThat(panel).startsWith("Not loading qwen3-vl:8b: it needs about 8.6 GB of VRAM and 7.4 GB is available")
                    .contains("Biggest users: blender (pid ").endsWith(") 2.9 GB. Unload other models or close GPU programs, then try again.");
            // French writes its sizes with a decimal comma, in Go, the biggest users' too
            String french = com.rpavision.gpurm.ui.ReasonText.ofEvent(event.details(),
                    new com.rpavision.gpurm.ui.Messages(java.util.Locale.FRENCH));
            assertThat(french).startsWith("qwen3-vl:8b non chargé\u00a0: il demande environ 8,6 Go de VRAM et 7,4 Go sont disponibles"
                    + " (7,6 Go libres, 0,3 Go gardés en marge). Plus gros utilisateurs\u00a0: blender (pid ")
                    .contains(") 2,9 Go.").doesNotContain("GB");
            com.rpavision.gpurm.ui.dashboard.DashboardViewModel fr = new com.rpavision.gpurm.ui.dashboard.DashboardViewModel(
                    f.manager, Runnable::run, new com.rpavision.gpurm.ui.UiThread(Runnable::run),
                    new com.rpavision.gpurm.ui.Messages(java.util.Locale.FRENCH), f.clock);
            fr.update(f.manager.getStatus());
            assertThat(fr.bannerProperty().get().text()).as("the refused banner")
                    .startsWith("qwen3-vl:8b demande environ 8,6 Go\u00a0; 7,4 Go sont disponibles.").doesNotContain("GB");
        }
    }

    @Test
    void anotherOllamaModelIsNamedOnceNotAgainAsItsRunnerProcess() {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.ollama.install("llama3.1:8b", 5_200);
            f.ollama.loadOutside("llama3.1:8b", Duration.ofMinutes(5)); // another client's model, 5,200 MB

            f.switchTo(ExecutionMode.RECORDING);

            String reason = f.manager.getStatus().vlmStateReason();
            assertThat(reason).contains("Biggest users: Ollama model llama3.1:8b 5.1 GB")
                    .as("its runner is the same memory").doesNotContain("ollama (pid");
        }
    }

    @Test
    void withRoomTheLoadGoesThroughAndWhatItTookIsRememberedForTheNextStart() throws Exception {
        Path sizes = dir.resolve("model-sizes.json");
        try (ManagerFixture f = ManagerFixture.options().modelSizes(ModelSizes.persistedIn(sizes)).build()) {
            assertThat(f.manager.ensureVlmLoaded()).isTrue();
        }
        assertThat(Files.readString(sizes)).contains("\"qwen3-vl:8b\"", "10500");

        // 1,000 MB taken elsewhere: the file's estimate (8,820) would fit, the remembered 10,500 does not
        try (ManagerFixture f = ManagerFixture.options().modelSizes(ModelSizes.persistedIn(sizes)).build()) {
            f.gpu.allocate("another app", 1_000);
            assertThat(f.manager.ensureVlmLoaded()).isFalse();
            assertThat(f.manager.getStatus().vlmStateReason()).contains("needs about 10.3 GB");
            assertThat(loadRequests(f)).isZero();
        }
    }

    @Test
    void aVlmOllamaStillHoldsIsNeverRefused() {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.ollama.preload("qwen3-vl:8b"); // loaded behind the manager's back: the GPU is full of it
            assertThat(f.manager.ensureVlmLoaded()).isTrue();
            assertThat(f.manager.getVlmState()).isEqualTo(ModelState.LOADED);
        }
    }

    @Test
    void aModelOllamaDoesNotListIsLeftToOllamaToExplain() {
        try (ManagerFixture f = ManagerFixture.options().config(b -> b.vlmModel("llava:34b")).build()) {
            f.gpu.allocate("blender", 9_000);
            assertThat(f.manager.ensureVlmLoaded()).isFalse();
            assertThat(f.manager.getStatus().vlmStateReason()).contains("ollama pull llava:34b");
        }
    }

    @Test
    void anUnreadableSizesFileIsIgnoredAndRewrittenByTheNextLoad() throws Exception {
        Path sizes = dir.resolve("model-sizes.json");
        Files.writeString(sizes, "{not json");
        ModelSizes store = ModelSizes.persistedIn(sizes);
        assertThat(store.vramMb("qwen3-vl:8b")).isEmpty();
        store.remember("qwen3-vl", 9_000);
        assertThat(ModelSizes.persistedIn(sizes).vramMb("qwen3-vl:latest")).hasValue(9_000);
    }
}
