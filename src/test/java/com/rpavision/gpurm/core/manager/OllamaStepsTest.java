package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.Condition;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.simulator.Ask;
import com.rpavision.gpurm.simulator.OllamaScheduler;
import com.rpavision.gpurm.testing.ManagerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ollama moves in steps that take seconds, and the manager names what happened only once it has finished (issue
 * 22): against the simulator with the eviction gap, as the running manager looks (the watcher's cadence, hurried
 * while it waits for Ollama to settle), on the test clock.
 */
class OllamaStepsTest {

    private static final String VLM = "qwen3-vl:8b";
    private static final String OTHER = "llama3.2:3b";
    private static final Duration LOAD = Duration.ofSeconds(3);

    /** 14 GB: with the VLM and the desktop's 600 MB, a 4 GB model does not fit beside it and evicts it. */
    private static ManagerFixture station(Duration gap) {
        ManagerFixture f = ManagerFixture.options().gpu(14_000, 600).build();
        f.ollama.install(OTHER, 4_000);
        f.ollama.scheduler().evictForVram(true).evictionGap(gap).loadTime(LOAD);
        return f;
    }

    @ParameterizedTest(name = "eviction gap {0} ms")
    @ValueSource(ints = {500, 1_000, 1_500})
    void anEvictionIsNamedOnceWithTheNewcomerAfterTheGapAndNothingElseBefore(int gapMs) {
        try (ManagerFixture f = station(Duration.ofMillis(gapMs))) {
            f.switchTo(ExecutionMode.RECORDING);
            int loadsBefore = f.ollama.loads.get();

            f.ollama.requestOutside(Ask.prompt(OTHER, Duration.ofMinutes(5)));
            AtomicReference<Instant> newcomerListed = new AtomicReference<>();
            AtomicReference<Instant> named = new AtomicReference<>();
            f.ollama.onStep((what, model, client) -> {
                if (what == OllamaScheduler.Happening.LOAD_STARTED && model.equals(OTHER) && newcomerListed.get() == null) {
                    newcomerListed.set(f.clock.instant()); // its runner starts: listed from now on
                }
            });
            f.clock.advance(Duration.ofMillis(200)); // the watcher's next look lands in the gap
            f.manager.observeOllama().join();
            f.watch(Duration.ofSeconds(20), () -> {
                if (named.get() == null && !drifts(f).isEmpty()) {
                    named.set(f.clock.instant());
                }
                return named.get() != null && f.ollama.isServing(VLM);
            });

            assertThat(drifts(f)).as("one drift, the right one").singleElement().satisfies(d -> {
                assertThat(d.details()).containsEntry("cause", "evicted").containsEntry("other_model", OTHER)
                        .containsEntry("other_mb", 4_000L);
            });
            assertThat(newcomerListed.get()).as("the newcomer came after the gap").isNotNull();
            assertThat(Duration.between(newcomerListed.get(), drifts(f).get(0).timestamp()))
                    .isLessThanOrEqualTo(f.config.ollamaWatchInterval().plusSeconds(2));
            assertThat(conditionsSeen(f)).as("the status said at once it was gone, cause being checked")
                    .contains("vlm_settling");
            ResourceChangedEvent reload = f.events.stream().filter(e -> e.type() == EventType.MODEL_LOADING
                    && "recording: reload".equals(e.details().get("reason"))).findFirst().orElseThrow();
            assertThat(reload.timestamp()).as("no load sent into the gap").isAfterOrEqualTo(newcomerListed.get());
            assertThat(f.ollama.loads.get() - loadsBefore).as("one reload").isEqualTo(1);
            assertThat(f.ollama.isServing(VLM)).as("the first eviction is reloaded").isTrue();
        }
    }

    @Test
    void aSecondClientThatKeepsEvictingIsContendedNamedHeldOffAndEndsByItself() {
        try (ManagerFixture f = station(Duration.ofMillis(800))) {
            f.switchTo(ExecutionMode.RECORDING);
            int evictions = f.config.contentionEvictions();

            for (int round = 1; round < evictions; round++) {
                f.ollama.requestOutside(Ask.prompt(OTHER, Duration.ofMinutes(5)));
                f.watch(Duration.ofSeconds(30), () -> !drifts(f).isEmpty() && f.ollama.isServing(VLM));
                f.watch(Duration.ofSeconds(10), () -> false); // the other client waits a while before it asks again
            }
            assertThat(f.ollama.isServing(VLM)).as("reloaded after the first two").isTrue();
            int loads = f.ollama.loads.get();

            f.ollama.requestOutside(Ask.prompt(OTHER, Duration.ofMinutes(5)));
            Instant asked = f.clock.instant();
            f.watch(Duration.ofSeconds(30), () -> f.manager.activeConditions().contains(Condition.VLM_CONTENDED));

            assertThat(f.manager.activeConditions()).contains(Condition.VLM_CONTENDED);
            assertThat(Duration.between(asked, f.clock.instant())).as("named within the gap, the load and a look")
                    .isLessThanOrEqualTo(Duration.ofMillis(800).plus(LOAD).plus(f.config.ollamaWatchInterval()).plusSeconds(3));
            assertThat(f.manager.getStatus().conditions()).anySatisfy(r -> {
                assertThat(r.args()).containsSubsequence(VLM, OTHER, 4_000L);
                assertThat(r.text()).contains(OTHER + " (4000 MB)");
            });
            f.watch(Duration.ofSeconds(20), () -> false);
            assertThat(f.ollama.loads.get()).as("no load of its own for 20 s").isEqualTo(loads);
            assertThat(drifts(f)).extracting(e -> e.details().get("cause")).containsOnly("evicted").hasSize(evictions);

            f.ollama.unloadOutside(OTHER);
            Duration back = f.watch(Duration.ofSeconds(30), () -> f.ollama.isServing(VLM));

            assertThat(back).as("back within a look and a load").isLessThanOrEqualTo(
                    f.config.ollamaWatchInterval().plus(LOAD).plusSeconds(1));
            assertThat(f.manager.activeConditions()).doesNotContain(Condition.VLM_CONTENDED);
            assertThat(f.manager.getExecutionMode()).isEqualTo(ExecutionMode.RECORDING);
        }
    }

    @Test
    void freeingTheGpuForRecordingUnloadsTheContenderEndsTheContentionAndLoadsTheVlm() throws Exception {
        try (ManagerFixture f = station(Duration.ofMillis(1_200))) {
            com.rpavision.gpurm.testing.Contention.provoke(f, OTHER, 4_000);
            assertThat(f.ollama.isResident(OTHER)).isTrue();

            GpuTakeBack done = f.manager.freeGpuForRecording().get(60, java.util.concurrent.TimeUnit.SECONDS);

            assertThat(done.unloaded()).singleElement().satisfies(u -> {
                assertThat(u.model()).isEqualTo(OTHER);
                assertThat(u.ok()).isTrue();
            });
            assertThat(done.vramFreedMb()).isEqualTo(4_000);
            assertThat(f.ollama.isResident(OTHER)).isFalse();
            assertThat(f.ollama.isServing(VLM)).as("loaded once the contender's VRAM came back, after its gap").isTrue();
            assertThat(done.status().vlmState()).isEqualTo(com.rpavision.gpurm.core.model.ModelState.LOADED);
            assertThat(f.manager.activeConditions()).doesNotContain(Condition.VLM_CONTENDED);
            assertThat(f.manager.getExecutionMode()).isEqualTo(ExecutionMode.RECORDING);
        }
    }

    @Test
    void aReloadWithAnotherContextSizeByAnotherClientIsOneEventWithBothSizes() {
        try (ManagerFixture f = station(Duration.ofMillis(900))) {
            f.switchTo(ExecutionMode.RECORDING);

            f.ollama.requestOutside(Ask.prompt(VLM, null).withOptions(Map.of("num_ctx", 16_384)));
            f.watch(Duration.ofSeconds(20), () -> f.ollama.isServing(VLM) && f.manager.getVlmState()
                    == com.rpavision.gpurm.core.model.ModelState.LOADED);
            f.watch(Duration.ofSeconds(3), () -> false);

            assertThat(drifts(f)).singleElement().satisfies(d -> {
                assertThat(d.details()).containsEntry("cause", "reloaded_with_other_options")
                        .containsEntry("expected", "10500 MB");
                assertThat((String) d.details().get("observed")).startsWith("11268 MB");
            });
            assertThat(f.ollama.scheduler().sizeMbOf(VLM)).as("the manager did not reload it back: no fight").isEqualTo(11_268);
        }
    }

    @Test
    void twentyRestartsInAMinuteAreEachNamedAndNeverContention() {
        try (ManagerFixture f = station(Duration.ofMillis(800))) {
            f.switchTo(ExecutionMode.RECORDING);

            for (int restart = 1; restart <= 20; restart++) {
                f.restartOllama();
                f.watch(Duration.ofSeconds(3), () -> false);
            }
            f.restartOllama();
            Duration back = f.watch(Duration.ofSeconds(30), () -> f.ollama.isServing(VLM));

            assertThat(back).isLessThanOrEqualTo(f.config.ollamaWatchInterval().plus(LOAD).plusSeconds(1));
            assertThat(drifts(f)).extracting(e -> e.details().get("cause")).containsOnly("ollama_restarted").hasSize(21);
            assertThat(f.manager.activeConditions()).isEmpty();
        }
    }

    @Test
    void anUnloadInALoopIsReloadedSpacedNeverBusyAndNeverLeftOut() {
        try (ManagerFixture f = station(Duration.ofMillis(500))) {
            f.switchTo(ExecutionMode.RECORDING);

            Instant start = f.clock.instant();
            while (Duration.between(start, f.clock.instant()).compareTo(Duration.ofSeconds(60)) < 0) {
                f.ollama.unloadOutside(VLM);
                f.watch(Duration.ofMillis(500), () -> false);
            }
            f.watch(Duration.ofSeconds(30), () -> f.ollama.isServing(VLM));

            List<Instant> reloads = f.events.stream().filter(e -> e.type() == EventType.MODEL_LOADING
                    && "recording: reload".equals(e.details().get("reason"))).map(ResourceChangedEvent::timestamp).toList();
            assertThat(reloads).hasSizeGreaterThan(3);
            for (int i = 1; i < reloads.size(); i++) {
                assertThat(Duration.between(reloads.get(i - 1), reloads.get(i))).isGreaterThanOrEqualTo(Reconciler.RELOAD_SPACING);
            }
            assertThat(f.ollama.isServing(VLM)).as("RECORDING has its VLM again once the loop stops").isTrue();
            assertThat(f.manager.activeConditions()).as("an unload leaves the GPU free: not contention").isEmpty();
        }
    }

    private static List<ResourceChangedEvent> drifts(ManagerFixture f) {
        return f.events.stream().filter(e -> e.type() == EventType.VLM_DRIFT).toList();
    }

    private static List<Object> conditionsSeen(ManagerFixture f) {
        return f.events.stream().filter(e -> e.type() == EventType.CONDITION_CHANGED).map(e -> e.details().get("condition")).toList();
    }
}
