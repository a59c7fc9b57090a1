package com.rpavision.gpurm.app.demo;

import com.rpavision.gpurm.app.ManagerFactory;
import com.rpavision.gpurm.core.config.GpuResourceConfig;
import com.rpavision.gpurm.core.manager.GpuResourceManager;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.ModelState;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The demo keeps what Settings saved: a restart after changing the vision model uses the new one. */
class DemoManagerTest {

    @Test
    void theVisionModelSavedInSettingsIsTheOneTheDemoLoads() throws Exception {
        GpuResourceConfig saved = GpuResourceConfig.defaults().toBuilder().vlmModel("llama3.2:3b").build();
        try (Demo demo = new Demo(); GpuResourceManager manager = ManagerFactory.createDemo(saved, demo)) {
            manager.start();
            assertThat(manager.getStatus().vlmModel()).isEqualTo("llama3.2:3b");

            manager.setExecutionMode(ExecutionMode.RECORDING).get();
            await().atMost(Duration.ofSeconds(15)).until(() -> manager.getStatus().vlmState() == ModelState.LOADED);
        }
    }

    @Test
    void aModelTheSimulatedOllamaHasNotPulledIsAnErrorThatSaysSo() throws Exception {
        GpuResourceConfig saved = GpuResourceConfig.defaults().toBuilder().vlmModel("qwen3-vl:4b").build();
        try (Demo demo = new Demo(); GpuResourceManager manager = ManagerFactory.createDemo(saved, demo)) {
            manager.start();
            manager.setExecutionMode(ExecutionMode.RECORDING).get();
            await().atMost(Duration.ofSeconds(15)).until(() -> manager.getStatus().vlmState() == ModelState.ERROR);
            assertThat(manager.getStatus().vlmStateReason()).contains("qwen3-vl:4b");
        }
    }
}
