package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.testing.ManagerFixture;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A switch away from RECORDING while its VLM load runs gives the load up at once (a mis-click must not cost a
 * full cold load), whatever Ollama then does with it; a load a VLM request waits for is not given up.
 */
class ModeSwitchCancelsLoadTest {

    private static final String VLM = "qwen3-vl:8b";

    @Test
    void aSwitchToAutopilotDuringTheRecordingLoadGivesItUpAndPlacesClip() throws Exception {
        try (ManagerFixture f = ManagerFixture.create()) {
            HeldRecordingLoad load = HeldRecordingLoad.start(f);

            CompletableFuture<GpuResourceStatus> autopilot = f.manager.setExecutionMode(ExecutionMode.AUTOPILOT);
            load.ollamaEndsIt(false); // Ollama stops a load whose client went away

            GpuResourceStatus after = autopilot.get(10, TimeUnit.SECONDS);
            assertThat(after.vlmState()).isEqualTo(ModelState.UNLOADED);
            assertThat(after.degradedMode()).as("a cancel is not an outage").isFalse();
            assertThat(after.vlmError()).isNull();
            assertThat(f.count(EventType.MODEL_ERROR)).isZero();
            ResourceChangedEvent unloaded = HeldRecordingLoad.last(f, EventType.MODEL_UNLOADED);
            assertThat(unloaded.details()).containsEntry("cancelled", true).containsEntry("reason", "load cancelled");
            assertThat(f.ollama.isResident(VLM)).isFalse();
            assertThat(after.clipDevice()).as("the autopilot placed CLIP").isEqualTo("cuda");
            assertThat(f.gpu.violations()).isEmpty();
        }
    }

    @Test
    void aSwitchAwayWhileTheLoadWaitsToRetryEndsTheWaitAndTriesNoMore() throws Exception {
        java.util.concurrent.CountDownLatch backingOff = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch switched = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.atomic.AtomicLong sleptMillis = new java.util.concurrent.atomic.AtomicLong();
        com.rpavision.gpurm.core.concurrent.Sleeper sleeper = d -> {
            backingOff.countDown();
            switched.await(10, TimeUnit.SECONDS);
            sleptMillis.addAndGet(d.toMillis());
        };
        try (ManagerFixture f = ManagerFixture.options().sleeper(sleeper).build()) {
            f.ollama.failNextGenerate(com.rpavision.gpurm.testing.FakeOllama.Fault.HTTP_503,
                    com.rpavision.gpurm.testing.FakeOllama.Fault.HTTP_503);
            CompletableFuture<GpuResourceStatus> recording = f.manager.setExecutionMode(ExecutionMode.RECORDING);
            assertThat(backingOff.await(10, TimeUnit.SECONDS)).as("the first load failed; the manager waits to retry").isTrue();

            CompletableFuture<GpuResourceStatus> autopilot = f.manager.setExecutionMode(ExecutionMode.AUTOPILOT);
            switched.countDown();

            recording.get(10, TimeUnit.SECONDS);
            GpuResourceStatus after = autopilot.get(10, TimeUnit.SECONDS);
            assertThat(sleptMillis.get()).as("the wait ended at its first check, not after the whole backoff")
                    .isLessThan(500);
            assertThat(f.ollama.pendingFaults()).as("no second attempt reached Ollama").isEqualTo(1);
            assertThat(after.vlmState()).isEqualTo(ModelState.UNLOADED);
            assertThat(after.vlmError()).isNull();
            assertThat(f.count(EventType.MODEL_ERROR)).isZero();
        }
    }

    @Test
    void aLoadThatFinishedBeforeTheCancelIsSeenAndUnloadedByTheAutopilot() throws Exception {
        try (ManagerFixture f = ManagerFixture.create()) {
            HeldRecordingLoad load = HeldRecordingLoad.start(f);

            CompletableFuture<GpuResourceStatus> autopilot = f.manager.setExecutionMode(ExecutionMode.AUTOPILOT);
            load.ollamaEndsIt(true); // it was ready as the cancel came: Ollama keeps it

            GpuResourceStatus after = autopilot.get(10, TimeUnit.SECONDS);
            assertThat(f.ollama.isResident(VLM)).as("the autopilot unloaded it").isFalse();
            assertThat(f.ollama.unloads.get()).isEqualTo(1);
            assertThat(after.vlmState()).isEqualTo(ModelState.UNLOADED);
            assertThat(after.clipDevice()).isEqualTo("cuda");
            assertThat(f.gpu.violations()).isEmpty();
        }
    }

    @Test
    void aCancelledLoadThatLandsLaterIsUnloadedWithoutCallingItSomeoneElses() throws Exception {
        try (ManagerFixture f = ManagerFixture.create()) {
            HeldRecordingLoad load = HeldRecordingLoad.start(f);
            CompletableFuture<GpuResourceStatus> idle = f.manager.setExecutionMode(ExecutionMode.IDLE);
            load.ollamaEndsIt(false);
            idle.get(10, TimeUnit.SECONDS);
            assertThat(f.manager.getVlmState()).isEqualTo(ModelState.UNLOADED);

            f.ollama.preload(VLM); // Ollama finished that load after all, after the manager looked
            f.manager.observeOllama().join();

            assertThat(f.ollama.isResident(VLM)).isFalse();
            assertThat(f.count(EventType.VLM_DRIFT)).as("not someone else's load").isZero();
            assertThat(f.manager.getVlmState()).isEqualTo(ModelState.UNLOADED);
        }
    }

    @Test
    void aSwitchToIdleDoesNotGiveUpALoadThatAVlmRequestWaitsFor() throws Exception {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.switchTo(ExecutionMode.AUTOPILOT);
            f.ollama.holdLoads();
            CompletableFuture<Boolean> request = f.manager.loadVlmAsync();
            HeldRecordingLoad.waitFor(() -> f.ollama.loadsUnderWay() == 1, "the load reached Ollama");

            CompletableFuture<GpuResourceStatus> idle = f.manager.setExecutionMode(ExecutionMode.IDLE);
            f.ollama.finishHeldLoads(true);

            assertThat(request.get(10, TimeUnit.SECONDS)).isTrue();
            assertThat(idle.get(10, TimeUnit.SECONDS).vlmState()).isEqualTo(ModelState.LOADED);
            assertThat(f.ollama.isResident(VLM)).isTrue();
        }
    }
}
