package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.Condition;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.testing.ManagerFixture;
import static com.rpavision.gpurm.testing.ChainSteps.step;
import com.rpavision.gpurm.testing.SeedLogger;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AddLifecycleHook;
import net.jqwik.api.lifecycle.AfterTry;
import net.jqwik.api.state.Action;
import net.jqwik.api.state.ActionChain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator and the agent act while an outside actor drives Ollama and the GPU behind the manager's back
 * (unloads, evictions, restarts, keep-alive takeovers, foreign loads, other context sizes, partial offload,
 * VRAM taken by another program, the GPU lost and back). After each step the world settles for one watch
 * interval plus one operation; then what the manager reports must be the look-alike's truth, the mode's desired
 * state must hold unless a named condition says why, and reloads stay bounded.
 */
class OutsideActorChainTest {

    private static final String VLM = "qwen3-vl:8b";
    private static final String OTHER = "llama3:8b";
    private final List<ManagerFixture> fixtures = new ArrayList<>();

    final class World {
        final ManagerFixture f = ManagerFixture.options().gpu(24_000, 600).sleepsTakeNoTime().build();
        /** Where in the event list the operator or the agent last asked for the VLM. */
        int lastWanted;
        /** Where in the event list the operator last asked for RECORDING (also when already in it). */
        int lastRecordingSwitch;

        World() {
            f.ollama.install(OTHER, 9_000).maxLoadedModels(2);
            f.ollama.evictForVram(true);
            f.ollama.simulatedLoadTime(Duration.ofSeconds(2));
            fixtures.add(f);
        }

        void setMode(ExecutionMode mode) {
            if (mode == ExecutionMode.RECORDING) {
                lastRecordingSwitch = f.events.size();
            }
            f.switchTo(mode);
            if (mode == ExecutionMode.RECORDING) {
                lastWanted = f.events.size();
            }
            settle();
        }

        void vlmRequest() {
            lastWanted = f.events.size();
            f.manager.ensureVlmLoaded();
            settle();
        }

        void outside(String what) {
            switch (what) {
                case "unload the VLM" -> f.ollama.unloadOutside(VLM);
                case "load another model" -> f.ollama.loadOutside(OTHER, Duration.ofMinutes(5));
                case "unload the other model" -> f.ollama.unloadOutside(OTHER);
                case "restart Ollama" -> f.ollama.restart();
                case "take the keep-alive over" -> f.ollama.takeOverKeepAlive(VLM, Duration.ofMinutes(5));
                case "load the VLM" -> f.ollama.loadOutside(VLM, Duration.ofMinutes(5));
                case "reload with num_ctx 16384" -> f.ollama.reloadOutsideWithContext(VLM, 16_384);
                case "partial offload on" -> f.ollama.partialOffload(true);
                case "partial offload off" -> f.ollama.partialOffload(false);
                case "a program takes VRAM" -> f.gpu.allocate("blender", Math.max(0, f.gpu.freeMb() - 100));
                case "the program exits" -> f.gpu.free("blender");
                case "GPU lost" -> f.gpu.failReads("GPU is lost");
                case "GPU back" -> f.gpu.failReads(null);
                default -> throw new IllegalArgumentException(what);
            }
            settle();
        }

        void advance(Duration duration) {
            f.clock.advance(duration);
            settle();
        }

        /** One watch interval plus one operation: a look, the maintenance round, and a look again. */
        private void settle() {
            f.clock.advance(Duration.ofSeconds(1));
            f.vram.sample();
            f.manager.observeOllama().join();
            f.manager.tick().join();
            f.manager.observeOllama().join();
        }

        void checkInvariants() {
            GpuResourceStatus status = f.manager.getStatus();
            boolean serving = f.ollama.isServing(VLM);
            assertThat(status.vlmState() == ModelState.LOADED).as("reports loaded exactly when Ollama serves the VLM, "
                    + this).isEqualTo(serving);
            if (status.vlmState() == ModelState.ERROR) {
                assertThat(status.vlmError()).as("an error says why").isNotNull();
            }
            if (status.executionMode() == ExecutionMode.RECORDING && !idleUnloadedSinceWanted()) {
                boolean excused = status.vlmState() == ModelState.ERROR || reloadNotDueYet()
                        || status.conditions().stream().anyMatch(r -> r.code().name().equals(Condition.VLM_CONTENDED.name())
                        || r.code().name().equals(Condition.VLM_SETTLING.name()));
                assertThat(serving || excused).as("RECORDING has the VLM or a named condition says why, " + this).isTrue();
            }
            assertThat(f.operations.max()).as("model operations at once").isLessThanOrEqualTo(1);
            assertThat(closestReloadsWithoutARestartBetween()).as("the manager's own reloads are spaced, never a busy loop")
                    .isGreaterThanOrEqualTo(Reconciler.RELOAD_SPACING);
        }

        /** The manager waits between two of its own reloads; a reload that waits is not a broken promise. */
        private boolean reloadNotDueYet() {
            return reloads().stream().reduce((a, b) -> b)
                    .map(last -> f.clock.instant().isBefore(last.timestamp().plus(Reconciler.RELOAD_SPACING))).orElse(false);
        }

        private List<ResourceChangedEvent> reloads() {
            return List.copyOf(f.events).stream().filter(e -> e.type() == EventType.MODEL_LOADING
                    && "recording: reload".equals(e.details().get("reason"))).toList();
        }

        private Duration closestReloadsWithoutARestartBetween() {
            List<ResourceChangedEvent> events = List.copyOf(f.events);
            Duration closest = Duration.ofDays(1);
            ResourceChangedEvent previous = null;
            for (ResourceChangedEvent e : events) {
                if (e.type() == EventType.VLM_DRIFT && "ollama_restarted".equals(e.details().get("cause"))) {
                    previous = null; // a restart is reloaded at once
                } else if (e.type() == EventType.MODEL_LOADING && "recording: reload".equals(e.details().get("reason"))) {
                    if (previous != null) {
                        Duration gap = Duration.between(previous.timestamp(), e.timestamp());
                        closest = gap.compareTo(closest) < 0 ? gap : closest;
                    }
                    previous = e;
                }
            }
            return closest;
        }

        private boolean idleUnloadedSinceWanted() {
            List<ResourceChangedEvent> events = List.copyOf(f.events);
            return events.subList(Math.min(lastWanted, events.size()), events.size()).stream()
                    .anyMatch(e -> e.type() == EventType.IDLE_UNLOAD);
        }


        @Override
        public String toString() {
            return "mode=" + f.manager.getExecutionMode() + ", vlm=" + f.manager.getVlmState() + ", ollama="
                    + f.ollama.residentModels() + ", conditions=" + f.manager.activeConditions();
        }
    }

    @Property(tries = 120)
    @AddLifecycleHook(SeedLogger.class)
    @Label("with an outside actor, the reported state settles on the truth and the mode's desired state holds")
    void convergesDespiteAnOutsideActor(@ForAll("chains") ActionChain<World> chain) {
        chain.withInvariant("converged", World::checkInvariants).run();
    }

    @AfterTry
    void closeFixtures() {
        fixtures.forEach(ManagerFixture::close);
        fixtures.clear();
    }

    @Provide
    Arbitrary<ActionChain<World>> chains() {
        return ActionChain.<World>startWith(World::new)
                .withAction(3, step(Arbitraries.of(ExecutionMode.class), m -> "switch to " + m, World::setMode))
                .withAction(2, Action.<World>builder().describeAs("VLM request").justMutate(World::vlmRequest))
                .withAction(6, step(Arbitraries.of("unload the VLM", "load another model", "unload the other model",
                                "restart Ollama", "take the keep-alive over", "load the VLM", "reload with num_ctx 16384",
                                "partial offload on", "partial offload off", "a program takes VRAM", "the program exits",
                                "GPU lost", "GPU back"),
                        what -> "outside: " + what, World::outside))
                .withAction(2, step(Arbitraries.integers().between(1, 360), s -> "advance clock " + s + " s",
                        (w, s) -> w.advance(Duration.ofSeconds(s))))
                .withMaxTransformations(25);
    }

}
