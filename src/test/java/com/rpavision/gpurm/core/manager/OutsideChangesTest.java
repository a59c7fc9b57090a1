package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.Condition;
import com.rpavision.gpurm.core.model.DriftCause;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.testing.FakeOllama;
import com.rpavision.gpurm.testing.ManagerFixture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Someone else drives Ollama or the GPU (issue 11's five cases and more): the manager notices at its next look,
 * names the cause, and brings the mode's desired state back, without trusting its own bookkeeping.
 */
class OutsideChangesTest {

    private static final String VLM = "qwen3-vl:8b";

    @Test
    void anOutsideUnloadInRecordingIsNamedOnceOllamaHasSettledAndTheVlmComesBack() {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.switchTo(ExecutionMode.RECORDING);
            f.ollama.unloadOutside(VLM);

            f.manager.observeOllama().join();

            assertThat(causes(f)).as("one look cannot say why: an eviction's newcomer may still come").isEmpty();
            assertThat(f.manager.getVlmState()).as("but the status says at once that it is gone").isEqualTo(ModelState.UNLOADED);
            assertThat(f.manager.activeConditions()).containsExactly(Condition.VLM_SETTLING);
            assertThat(f.ollama.loads.get()).as("no load sent while Ollama may be mid-step").isEqualTo(1);

            f.clock.advance(RemovalSettle.QUIET);
            f.manager.observeOllama().join();

            assertThat(causes(f)).containsExactly("unloaded_outside");
            assertThat(f.manager.activeConditions()).isEmpty();
            assertThat(f.ollama.loads.get()).as("reloaded").isEqualTo(2);
            assertThat(f.ollama.isServing(VLM)).isTrue();
            assertThat(f.manager.getVlmState()).isEqualTo(ModelState.LOADED);
            assertThat(f.manager.driftCounts()).containsEntry(DriftCause.UNLOADED_OUTSIDE, 1L);
            assertThat(f.manager.getStatus().lastDrift().cause()).isEqualTo(DriftCause.UNLOADED_OUTSIDE);
            assertThat(f.gpu.violations()).isEmpty();
        }
    }

    @Test
    void aStaleBeliefIsCheckedAtTheEdgesEvenBeforeTheWatcherLooks() {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.ollama.lingerPolls(0);
            f.switchTo(ExecutionMode.RECORDING);
            f.switchTo(ExecutionMode.IDLE);
            f.ollama.unloadOutside(VLM);
            f.clock.advance(Duration.ofSeconds(2)); // older than the 1 s watch interval

            assertThat(f.manager.isVlmLoaded()).as("asks Ollama instead of answering from memory").isFalse();
            assertThat(f.manager.ensureVlmLoaded()).isTrue();
            assertThat(f.ollama.isServing(VLM)).isTrue();

            f.ollama.unloadOutside(VLM);
            f.clock.advance(Duration.ofSeconds(2));
            f.switchTo(ExecutionMode.RECORDING);
            assertThat(f.ollama.isServing(VLM)).as("switching to RECORDING again repairs it").isTrue();
        }
    }

    @Test
    void aVlmEvictedByAnotherModelComesBackUntilItIsContendedThenWaitsForTheOtherToLeave() {
        try (ManagerFixture f = ManagerFixture.options().gpu(24_000, 600).build()) {
            f.ollama.install("llama3:8b", 6_000).maxLoadedModels(1);
            f.switchTo(ExecutionMode.RECORDING);

            for (int round = 1; round <= f.config.contentionEvictions(); round++) {
                f.ollama.loadOutside("llama3:8b", Duration.ofMinutes(5));
                f.clock.advance(Duration.ofSeconds(10));
                f.manager.observeOllama().join();
            }

            assertThat(causes(f)).containsExactly("evicted", "evicted", "evicted");
            List<ResourceChangedEvent> drifts = f.events.stream().filter(e -> e.type() == EventType.VLM_DRIFT).toList();
            assertThat(drifts.get(0).details()).containsEntry("other_model", "llama3:8b").containsEntry("other_mb", 6_000L);
            assertThat(f.ollama.loads.get()).as("two reloads, then no fight").isEqualTo(3);
            assertThat(f.manager.activeConditions()).containsExactly(Condition.VLM_CONTENDED);
            assertThat(f.manager.getStatus().conditions()).singleElement()
                    .satisfies(r -> assertThat(r.text()).contains("llama3:8b (6000 MB)", "3 times"));
            assertThat(f.manager.getStatus().conditions().get(0).args()).as("the model and its VRAM, for the panel")
                    .containsSubsequence(VLM, "llama3:8b", 6_000L);
            assertThat(f.events).anySatisfy(e -> assertThat(e.type()).isEqualTo(EventType.CONDITION_CHANGED));

            f.manager.observeOllama().join();
            assertThat(f.ollama.loads.get()).as("still no reload while llama3 holds the GPU").isEqualTo(3);

            f.ollama.unloadOutside("llama3:8b");
            f.manager.observeOllama().join();
            f.manager.observeOllama().join();

            assertThat(f.manager.activeConditions()).isEmpty();
            assertThat(f.ollama.isServing(VLM)).as("resumes by itself once the other model left").isTrue();
            int loads = f.ollama.loads.get();

            f.ollama.loadOutside("llama3:8b", Duration.ofMinutes(5));
            f.manager.observeOllama().join();
            assertThat(f.manager.activeConditions()).as("taken again within the window: contended at once")
                    .containsExactly(Condition.VLM_CONTENDED);
            assertThat(f.ollama.loads.get()).as("no reload").isEqualTo(loads);

            f.switchTo(ExecutionMode.RECORDING);
            assertThat(f.manager.activeConditions()).as("the operator asks again: the count starts afresh").isEmpty();
            assertThat(f.ollama.isServing(VLM)).isTrue();
        }
    }

    @Test
    void aKeepAliveTakenOverIsTakenBackAndOneThatRanOutIsNamedExpired() {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.switchTo(ExecutionMode.RECORDING);
            f.ollama.takeOverKeepAlive(VLM, Duration.ofMinutes(5)); // LangChain's default

            f.manager.observeOllama().join();

            assertThat(causes(f)).containsExactly("keep_alive_taken_over");
            assertThat(f.ollama.expiresIn(VLM)).as("the manager's lease again: its idle timer decides")
                    .isEqualTo(f.config.vlmLease());
            assertThat(f.ollama.loads.get()).as("no reload for that").isEqualTo(1);

            f.ollama.takeOverKeepAlive(VLM, Duration.ofMinutes(1));
            f.ollama.failNextGenerate(FakeOllama.Fault.HTTP_500); // taking it back fails this time
            f.manager.observeOllama().join();
            f.clock.advance(Duration.ofMinutes(2));
            f.manager.observeOllama().join();

            assertThat(causes(f)).containsExactly("keep_alive_taken_over", "keep_alive_taken_over", "expired");
            assertThat(f.ollama.isServing(VLM)).isTrue();
        }
    }

    @Test
    void anOllamaRestartIsNamedWhetherTheWatcherSawTheGapOrNot() {
        try (ManagerFixture f = ManagerFixture.options().gpu(24_000, 600).build()) {
            f.ollama.install("nomic-embed-text", 300);
            f.switchTo(ExecutionMode.RECORDING);
            f.ollama.setDown(true);
            f.manager.observeOllama().join();
            f.ollama.restart();
            f.ollama.setDown(false);

            f.manager.observeOllama().join();

            assertThat(causes(f)).containsExactly("ollama_restarted");
            assertThat(f.ollama.isServing(VLM)).isTrue();

            f.ollama.loadOutside("nomic-embed-text", null);
            f.manager.observeOllama().join();
            f.ollama.restart(); // faster than one watch interval, no connection lost: both models gone at once
            f.manager.observeOllama().join();
            f.clock.advance(RemovalSettle.QUIET);
            f.manager.observeOllama().join();

            assertThat(causes(f)).containsExactly("ollama_restarted", "ollama_restarted");
            assertThat(f.ollama.isServing(VLM)).isTrue();
            assertThat(f.manager.activeConditions()).as("restarts are not contention").isEmpty();
        }
    }

    @Test
    void aRestartShorterThanTheWatchIntervalWithOnlyTheVlmLoadedIsNamedByTheClosedConnection() {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.switchTo(ExecutionMode.RECORDING);
            f.manager.observeOllama().join(); // a kept-alive connection to Ollama, as the watcher has

            f.restartOllama();
            f.manager.observeOllama().join();

            assertThat(causes(f)).as("not unloaded_outside: Ollama closed the kept-alive connection").containsExactly("ollama_restarted");
            assertThat(f.ollama.isServing(VLM)).as("reloaded at once").isTrue();
        }
    }

    /**
     * Seen by tools/drift-latency.py: two kept-alive connections in the pool (a look made while the manager's load
     * held the first), the watcher reusing one, the other idle past the trusted age. After a short restart the look
     * tries the fresh one (closed by Ollama), then the old one (closed too), then connects: the first failure is the
     * sign, and must not be forgotten because the second connection tried was too old to be trusted.
     */
    @Test
    void aShortRestartIsNamedWhenTheLookTriesAFreshAndThenALongIdleKeptAliveConnection() throws InterruptedException {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.ollama.realLoadDelayMillis(500);
            java.util.concurrent.CompletableFuture<?> recording = f.manager.setExecutionMode(ExecutionMode.RECORDING);
            Thread.sleep(200);
            f.manager.observeOllama().join(); // while the load holds one connection: a second one
            recording.join();
            f.ollama.realLoadDelayMillis(0);
            long until = System.nanoTime() + Duration.ofMillis(4_500).toNanos(); // past OllamaSignals.TRUSTED_IDLE
            while (System.nanoTime() < until) {
                f.manager.observeOllama().join(); // the watcher keeps one connection fresh; the other grows old
                Thread.sleep(250);
            }

            f.restartOllama();
            f.watch(Duration.ofSeconds(10), () -> !causes(f).isEmpty());

            assertThat(causes(f)).as("not unloaded_outside: Ollama closed the kept-alive connection the look reused")
                    .containsExactly("ollama_restarted");
        }
    }

    /**
     * Seen by tools/compressed-week.py: Ollama restarted twice in AUTOPILOT with no VLM loaded (a look refused), then
     * RECORDING loaded it, and its eviction 16 s later was named ollama_restarted from that old refused look.
     */
    @Test
    void aLookRefusedBeforeTheVlmWasLastSeenIsNoEvidenceForItsNextRemoval() {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.switchTo(ExecutionMode.AUTOPILOT);
            f.ollama.setDown(true);
            f.manager.observeOllama().join(); // refused: Ollama is restarting, with nothing of ours in it
            f.ollama.restart();
            f.ollama.setDown(false);
            f.clock.advance(Duration.ofSeconds(1));
            f.manager.observeOllama().join();
            f.clock.advance(Duration.ofSeconds(5));
            f.switchTo(ExecutionMode.RECORDING);
            f.watch(Duration.ofSeconds(5), () -> false);
            assertThat(f.ollama.isServing(VLM)).isTrue();

            f.ollama.unloadOutside(VLM);
            f.watch(Duration.ofSeconds(10), () -> !causes(f).isEmpty());

            assertThat(causes(f)).as("the refused look came before the VLM was last listed").containsExactly("unloaded_outside");
        }
    }

    @Test
    void aVlmLoadedOutsideInAutopilotIsAdoptedUnderTheIdleTimer() {
        try (ManagerFixture f = ManagerFixture.options().gpu(24_000, 600).build()) {
            f.switchTo(ExecutionMode.AUTOPILOT);
            assertThat(f.manager.getClipDevice()).isEqualTo("cuda");
            f.ollama.loadOutside(VLM, Duration.ofMinutes(5));

            f.manager.observeOllama().join();

            assertThat(causes(f)).containsExactly("loaded_outside");
            assertThat(f.manager.getVlmState()).isEqualTo(ModelState.LOADED);
            f.advanceAndTick(Duration.ofSeconds(1));
            assertThat(f.ollama.expiresIn(VLM)).as("held by the manager's lease from its first renewal")
                    .isEqualTo(f.config.vlmLease());
            assertThat(f.manager.getClipDevice()).as("12 GB are still free").isEqualTo("cuda");

            f.advanceAndTick(Duration.ofSeconds(301));

            assertThat(f.ollama.isResident(VLM)).as("unloaded by the manager's idle timer").isFalse();
            assertThat(f.count(EventType.IDLE_UNLOAD)).isEqualTo(1);
        }
    }

    @Test
    void aVlmSqueezedOntoAFullGpuIsPartlyOnTheCpuAndPushesClipOff() {
        try (ManagerFixture f = ManagerFixture.options().gpu(11_400, 2_600).build()) {
            f.ollama.partialOffload(true);
            f.switchTo(ExecutionMode.AUTOPILOT);
            f.ollama.loadOutside(VLM, null);

            f.manager.observeOllama().join();

            assertThat(causes(f)).containsExactly("loaded_outside", "partly_on_cpu");
            assertThat(f.manager.activeConditions()).contains(Condition.VLM_PARTLY_ON_CPU);
            assertThat(f.manager.getClipDevice()).as("under the safety margin").isEqualTo("cpu");
        }
    }

    @Test
    void withAutopilotBlocksVlmAnOutsideLoadInAutopilotIsUnloadedAgain() {
        try (ManagerFixture f = ManagerFixture.options().gpu(24_000, 600).config(b -> b.autopilotBlocksVlm(true)).build()) {
            f.switchTo(ExecutionMode.AUTOPILOT);
            f.ollama.lingerPolls(0);
            f.ollama.loadOutside(VLM, null);

            f.manager.observeOllama().join();

            assertThat(f.ollama.isResident(VLM)).isFalse();
            assertThat(f.manager.getVlmState()).isEqualTo(ModelState.UNLOADED);
        }
    }

    @Test
    void aReloadWithAnotherContextSizeIsNamed() {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.switchTo(ExecutionMode.RECORDING);
            f.ollama.reloadOutsideWithContext(VLM, 8_192);

            f.manager.observeOllama().join();

            assertThat(causes(f)).containsExactly("reloaded_with_other_options");
        }
    }

    @Test
    void clipLeavesTheGpuWhenAnotherProgramTakesTheVramAndComesBackWithoutFlapping() {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.switchTo(ExecutionMode.AUTOPILOT);
            f.gpu.allocate("blender", 10_200);
            f.vram.sample();

            f.advanceAndTick(Duration.ofSeconds(1));

            assertThat(f.manager.getClipDevice()).isEqualTo("cpu");
            assertThat(f.manager.activeConditions()).containsExactly(Condition.CLIP_DISPLACED);
            assertThat(causes(f)).containsExactly("vram_taken");

            f.gpu.free("blender");
            f.vram.sample();
            f.advanceAndTick(Duration.ofSeconds(10));
            assertThat(f.manager.getClipDevice()).as("held on the CPU for a while").isEqualTo("cpu");

            f.advanceAndTick(Duration.ofSeconds(30));
            assertThat(f.manager.getClipDevice()).isEqualTo("cuda");
            assertThat(f.manager.activeConditions()).isEmpty();
        }
    }

    @Test
    void aGpuThatStopsAnsweringAndComesBackIsNamed() {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.gpu.failReads("GPU is lost");
            f.vram.sample();
            f.advanceAndTick(Duration.ofSeconds(1));
            f.gpu.failReads(null);
            f.vram.sample();
            f.advanceAndTick(Duration.ofSeconds(1));

            assertThat(causes(f)).containsExactly("gpu_lost", "gpu_back");
        }
    }

    private static List<Object> causes(ManagerFixture f) {
        return f.events.stream().filter(e -> e.type() == EventType.VLM_DRIFT).map(e -> e.details().get("cause")).toList();
    }
}
