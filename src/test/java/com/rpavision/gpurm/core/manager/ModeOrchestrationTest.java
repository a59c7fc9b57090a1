package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.ModeChangedEvent;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.testing.FakeClip;
import com.rpavision.gpurm.testing.ManagerFixture;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ModeOrchestrationTest {

    @Test
    void recordingMovesClipToTheCpuThenLoadsTheVlm() {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.switchTo(ExecutionMode.AUTOPILOT);
            assertThat(f.manager.getClipDevice()).isEqualTo("cuda");

            f.switchTo(ExecutionMode.RECORDING);

            assertThat(f.manager.getVlmState()).isEqualTo(ModelState.LOADED);
            assertThat(f.manager.getClipDevice()).isEqualTo("cpu");
            assertThat(f.timeline).containsSubsequence("clip:cpu", "ollama:load-start", "ollama:load-done");
            assertThat(f.gpu.violations()).isEmpty();
        }
    }

    @Test
    void autopilotUnloadsTheVlmBeforeMovingClipToTheGpu() {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.switchTo(ExecutionMode.RECORDING);

            f.switchTo(ExecutionMode.AUTOPILOT);

            assertThat(f.manager.isVlmLoaded()).isFalse();
            assertThat(f.ollama.isResident("qwen3-vl:8b")).isFalse();
            assertThat(f.manager.getClipDevice()).isEqualTo("cuda");
            assertThat(f.timeline).containsSubsequence("ollama:unload", "clip:cuda");
            f.clock.advance(java.time.Duration.ofSeconds(1));
            f.vram.sample(); // the monitor's next poll, with the process list
            assertThat(f.manager.getStatus().clipVramMb()).as("CLIP's own VRAM, from NVML's process list").isEqualTo(500L);
            assertThat(f.gpu.violations()).isEmpty();
        }
    }

    @Test
    void autopilotLeavesClipOnTheCpuWhenTooLittleVramIsFree() {
        try (ManagerFixture f = ManagerFixture.options().gpu(11_400, 10_600).build()) {
            f.switchTo(ExecutionMode.AUTOPILOT);

            assertThat(f.manager.getClipDevice()).isEqualTo("cpu");
            MigrationResult refused = f.manager.migrateClip(ClipDevice.CUDA);
            assertThat(refused.ok()).isFalse();
            assertThat(refused.reason()).contains("VRAM insufficient", "800 MB free", "1024");
        }
    }

    @Test
    void idleModeLeavesTheLoadedVlmToTheIdleTimer() {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.switchTo(ExecutionMode.RECORDING);
            f.switchTo(ExecutionMode.IDLE);
            assertThat(f.manager.isVlmLoaded()).isTrue();
        }
    }

    @Test
    void everyChangeEmitsAnEventAndSwitchingToTheSameModePublishesNoModeChange() {
        try (ManagerFixture f = ManagerFixture.create()) {
            List<ModeChangedEvent> modeChanges = new ArrayList<>();
            f.manager.onModeChanged(modeChanges::add);

            f.switchTo(ExecutionMode.RECORDING);
            f.switchTo(ExecutionMode.RECORDING);
            f.switchTo(ExecutionMode.AUTOPILOT);

            assertThat(modeChanges).extracting(ModeChangedEvent::to)
                    .containsExactly(ExecutionMode.RECORDING, ExecutionMode.AUTOPILOT);
            assertThat(f.events).extracting(e -> e.type())
                    .containsSubsequence(EventType.MODE_CHANGED, EventType.MODEL_LOADING, EventType.MODEL_LOADED,
                            EventType.MODE_CHANGED, EventType.MODEL_UNLOADING, EventType.MODEL_UNLOADED,
                            EventType.DEVICE_CHANGED);
            assertThat(f.ollama.loads.get()).isEqualTo(1);
            assertThat(f.manager.recentEvents()).as("kept for views that open later").containsExactlyElementsOf(f.events);
        }
    }

    @Test
    void aLoadShowsUpAsAVramChangeOfTheManagedGpu() {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.switchTo(ExecutionMode.RECORDING);

            assertThat(f.events).filteredOn(e -> e.type() == EventType.VRAM_CHANGED).singleElement()
                    .satisfies(e -> assertThat(e.details()).containsEntry("delta_mb", 10_500L).containsEntry("gpu_index", 0));
            assertThat(f.manager.getVramUsage().usedMb()).isEqualTo(600 + 10_500);
        }
    }

    @Test
    void whenAnotherProgramTakesTheVlmsRoomTheStatusSaysVramIsShortWithTheNumbers() {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.switchTo(ExecutionMode.RECORDING);
            f.switchTo(ExecutionMode.AUTOPILOT);
            assertThat(f.manager.getStatus().degradedMode()).as("room for it").isFalse();

            f.gpu.allocate("a game", 4_000);
            f.vram.sample();

            var status = f.manager.getStatus();
            assertThat(status.degradedMode()).isTrue();
            assertThat(status.degradedReasons()).singleElement().satisfies(r -> {
                assertThat(r.code()).isEqualTo(com.rpavision.gpurm.core.model.Reason.Code.VRAM_SHORT);
                // 6,300 free less the 256 MB margin, plus CLIP's 500: the preflight's own sum
                assertThat(r.args()).containsExactly("qwen3-vl:8b", 10_500L, 6_544L);
            });
            assertThat(status.degradedReason()).contains("needs about 10500 MB", "6544 MB can be freed");

            f.gpu.free("a game");
            f.vram.sample();
            assertThat(f.manager.getStatus().degradedMode()).isFalse();
        }
    }

    @Test
    void aGpuThatStopsAnsweringIsReportedAsDegradedWithTheDriversWords() {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.gpu.failReads("NVML could not read the memory of GPU 0: GPU is lost (code 15)");
            f.manager.migrateClip(ClipDevice.CUDA);

            assertThat(f.manager.getStatus().degradedMode()).isTrue();
            assertThat(f.manager.getStatus().degradedReason()).contains("Cannot read VRAM", "GPU is lost");
            assertThat(f.manager.getClipDevice()).as("no GPU figures, no move").isEqualTo("cpu");
        }
    }

    @Test
    void aModelThatIsNotPulledGoesToErrorAtOnceWithThePullCommand() throws InterruptedException {
        try (ManagerFixture f = ManagerFixture.options().config(b -> b.vlmModel("llava:34b")).build()) {
            boolean loaded = f.manager.ensureVlmLoaded();

            assertThat(loaded).isFalse();
            assertThat(f.manager.getVlmState()).isEqualTo(ModelState.ERROR);
            assertThat(f.manager.getStatus().vlmStateReason()).contains("ollama pull llava:34b");
            assertThat(generateRequests(f)).as("one attempt: retrying a missing model cannot help").isEqualTo(1);
        }
    }

    /** Load (and unload) requests Ollama received; the preflight's reads of /api/tags do not count. */
    private static long generateRequests(ManagerFixture f) throws InterruptedException {
        long count = 0;
        for (int i = f.server.getRequestCount(); i > 0; i--) {
            mockwebserver3.RecordedRequest request = f.server.takeRequest(1, java.util.concurrent.TimeUnit.SECONDS);
            if (request != null && request.getUrl().encodedPath().equals("/api/generate")) {
                count++;
            }
        }
        return count;
    }

    @Test
    void aNewIdleTimeoutAppliesWhileRunningAndOtherKeysWaitForARestart() {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.manager.ensureVlmLoaded();
            var applied = f.manager.applyLive(f.config.toBuilder().idleTimeoutSeconds(60).vlmModel("llava:13b").build());

            assertThat(applied).containsExactly(com.rpavision.gpurm.core.config.ConfigKey.IDLE_TIMEOUT_SECONDS);
            assertThat(f.manager.getStatus().idleTimeoutSeconds()).isEqualTo(60);
            assertThat(f.manager.getStatus().vlmModel()).as("needs a restart").isEqualTo("qwen3-vl:8b");
            f.advanceAndTick(java.time.Duration.ofSeconds(61));
            assertThat(f.manager.isVlmLoaded()).as("unloaded after the new timeout, not the old 300 s").isFalse();
            assertThat(f.manager.applyLive(f.config.toBuilder().idleTimeoutSeconds(60).build())).isEmpty();
        }
    }

    @Test
    void shutdownHandsTheIdleTimerBackToOllama() {
        ManagerFixture f = ManagerFixture.create();
        try (f) {
            f.switchTo(ExecutionMode.RECORDING);
        }
        assertThat(f.ollama.keepAliveRequests.get()).isEqualTo(1);
        assertThat(f.ollama.isResident("qwen3-vl:8b")).isTrue();
        assertThat(f.ollama.expiresIn("qwen3-vl:8b")).as("the idle timeout, bounded by one lease")
                .isEqualTo(f.config.idleTimeout());
    }

    @Test
    void clipThatIsUnavailableStaysOnTheCpuAndSaysWhy() {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.clip.makeUnavailable();
            f.switchTo(ExecutionMode.AUTOPILOT);
            MigrationResult result = f.manager.migrateClip(ClipDevice.CUDA);
            assertThat(result.ok()).isFalse();
            assertThat(result.reason()).contains("unavailable");
            assertThat(f.manager.getClipDevice()).isEqualTo("cpu");
            assertThat(f.gpu.holds("clip")).isFalse();
        }
    }

    @Test
    void aFailedClipMoveIsReportedAndLeavesClipWhereItWas() {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.clip.failNextMove();
            MigrationResult result = f.manager.migrateClip(ClipDevice.CUDA);
            assertThat(result.ok()).isFalse();
            assertThat(result.reason()).contains("out of memory");
            assertThat(f.manager.getClipDevice()).isEqualTo("cpu");
            assertThat(f.count(EventType.MODEL_ERROR)).isEqualTo(1);
            assertThat(FakeClip.VRAM_MB).isLessThan(f.config.vramThresholdForClipGpuMb());
        }
    }
}
