package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.testing.FakeOllama;
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
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Random sequences of mode switches, Ollama outages and flakiness, clock advances, VLM requests and CLIP
 * moves. After every step the manager must match {@link ManagerModel}, run at most one model operation at a
 * time, be degraded exactly while Ollama is down, and never put more on the GPU than it holds.
 */
class ManagerActionChainTest {

    private final List<ManagerFixture> fixtures = new ArrayList<>();

    /** The manager under test and its model, stepped together. */
    final class World {
        final ManagerFixture f = ManagerFixture.options().sleepsTakeNoTime()
                .config(c -> c.vlmLeaseSeconds(86_400)).build(); // its clock jumps: no lease runs out between rounds
        final ManagerModel model = new ManagerModel(f.clock.instant());

        World() {
            f.ollama.simulatedLoadTime(Duration.ZERO);
            fixtures.add(f);
        }

        void setMode(ExecutionMode mode) {
            f.switchTo(mode);
            model.setMode(mode);
        }

        @SuppressWarnings("try") // the lease is held, not used
        void vlmRequest(boolean lease) {
            boolean got;
            if (lease) {
                try (VlmLease ignored = f.manager.acquireVlm()) {
                    got = true;
                } catch (VlmUnavailableException e) {
                    got = false;
                    assertThat(e.getMessage()).isNotBlank();
                }
            } else {
                got = f.manager.ensureVlmLoaded();
            }
            assertThat(got).as("VLM request result").isEqualTo(model.request());
        }

        void migrateClip(ClipDevice device) {
            MigrationResult result = f.manager.migrateClip(device);
            if (device == ClipDevice.CUDA) {
                assertThat(result.ok()).as("move to GPU allowed").isEqualTo(model.migrateClipToGpu());
                if (!result.ok()) {
                    assertThat(result.reason()).contains("VRAM insufficient");
                }
            } else {
                model.migrateClipToCpu();
                assertThat(result.ok()).isTrue();
            }
        }

        void ollama(boolean down) {
            f.ollama.setDown(down);
            model.ollamaDown = down;
            advance(ManagerModel.OLLAMA_CHECK);
        }

        void flaky(FakeOllama.Fault fault) {
            f.ollama.failNextGenerate(fault);
        }

        void advance(Duration duration) {
            f.advanceAndTick(duration);
            model.advance(duration);
        }

        void checkInvariants() {
            GpuResourceStatus status = f.manager.getStatus();
            assertThat(status.executionMode()).as("mode, " + model).isEqualTo(model.mode);
            assertThat(status.vlmState()).as("VLM state, " + model).isEqualTo(model.vlm);
            assertThat(f.ollama.isResident("qwen3-vl:8b")).as("VLM in Ollama, " + model).isEqualTo(model.vlmResident);
            assertThat(status.clipDevice()).as("CLIP device, " + model).isEqualTo(model.clipOnGpu ? "cuda" : "cpu");
            assertThat(status.degradedMode()).as("degraded exactly while Ollama is down, " + model).isEqualTo(model.ollamaDown);
            assertThat(f.operations.max()).as("model operations at once").isLessThanOrEqualTo(1);
            assertThat(f.gpu.violations()).as("VRAM budget").isEmpty();
        }

        @Override
        public String toString() {
            return model.toString();
        }
    }

    @Property(tries = 300)
    @AddLifecycleHook(SeedLogger.class)
    @Label("the manager matches its model after every step of any action chain")
    void managerMatchesItsModel(@ForAll("chains") ActionChain<World> chain) {
        chain.withInvariant("manager matches model", World::checkInvariants).run();
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
                .withAction(2, step(Arbitraries.of(true, false), lease -> lease ? "VLM request (lease)" : "ensureVlmLoaded",
                        World::vlmRequest))
                .withAction(2, step(Arbitraries.of(ClipDevice.class), d -> "move CLIP to " + d, World::migrateClip))
                .withAction(1, step(Arbitraries.of(true, false), down -> down ? "Ollama down" : "Ollama up", World::ollama))
                .withAction(1, Action.<World>when(w -> w.f.ollama.pendingFaults() == 0)
                        .describeAs("Ollama answers 503 once")
                        .justMutate(w -> w.flaky(FakeOllama.Fault.HTTP_503)))
                .withAction(1, Action.<World>when(w -> w.f.ollama.pendingFaults() == 0)
                        .describeAs("Ollama drops a connection once")
                        .justMutate(w -> w.flaky(FakeOllama.Fault.DISCONNECT_AFTER_REQUEST)))
                .withAction(2, step(Arbitraries.integers().between(1, 400), s -> "advance clock " + s + " s",
                        (w, s) -> w.advance(Duration.ofSeconds(s))))
                .withMaxTransformations(30);
    }

}
