package com.rpavision.gpurm.ui.ollama;

import com.rpavision.gpurm.testing.ManagerFixture;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.UiThread;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** The tab's view model on the current thread, against the Ollama look-alike on a 24 GB fake GPU. */
class OllamaModelsViewModelTest {

    private final ManagerFixture f = ManagerFixture.options().gpu(24_564, 600).build();
    private final OllamaModelsViewModel vm = new OllamaModelsViewModel(f.manager, Runnable::run, new UiThread(Runnable::run),
            new Messages(Locale.ENGLISH));

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void listsWhatOllamaHoldsLargestFirstWithTheVlmMarked() {
        f.ollama.install("llama3:8b", 5_000).preload("llama3:8b");
        f.manager.ensureVlmLoaded();

        vm.refresh();

        assertThat(vm.models()).containsExactly(new OllamaModelRow("qwen3-vl:8b", "10,500 MB", true),
                new OllamaModelRow("llama3:8b", "5,000 MB", false));
        assertThat(vm.othersPresentProperty().get()).isTrue();
    }

    @Test
    void unloadingOneModelSaysWhatWasFreedAndLeavesTheVlm() {
        f.ollama.install("llama3:8b", 5_000).preload("llama3:8b");
        f.manager.ensureVlmLoaded();

        vm.unload("llama3:8b");

        assertThat(vm.statusProperty().get()).isEqualTo("llama3:8b unloaded, about 5,000 MB freed.");
        assertThat(vm.models()).extracting(OllamaModelRow::name).containsExactly("qwen3-vl:8b");
        assertThat(vm.othersPresentProperty().get()).isFalse();
        assertThat(vm.busyProperty().get()).isFalse();
    }

    @Test
    void freeingVramForRecordingUnloadsAllTheOthers() {
        f.ollama.install("llama3:8b", 5_000).preload("llama3:8b");
        f.ollama.install("phi3:mini", 2_500).preload("phi3:mini");

        vm.freeVramForRecording();

        assertThat(vm.statusProperty().get()).isEqualTo("2 model(s) unloaded, about 7,500 MB freed.");
        assertThat(vm.models()).isEmpty();
    }

    @Test
    void anUnreachableOllamaIsSaidNotHidden() {
        f.ollama.setDown(true);
        vm.refresh();
        assertThat(vm.statusProperty().get()).startsWith("Ollama cannot be asked: ");
        assertThat(vm.models()).isEmpty();
    }
}
