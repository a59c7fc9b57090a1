package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.testing.ManagerFixture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The panel's "Cancel load" (issue 25, item 3): the load is given up the way a switch away from RECORDING gives it
 * up, and RECORDING does not undo the cancel by loading the VLM again on its own.
 */
class CancelVlmLoadTest {

    private static final String VLM = "qwen3-vl:8b";

    @Test
    void cancellingTheRecordingLoadGivesItUpAndRecordingDoesNotReloadItByItself() throws Exception {
        try (ManagerFixture f = ManagerFixture.create()) {
            HeldRecordingLoad load = HeldRecordingLoad.start(f);

            assertThat(f.manager.cancelVlmLoad()).isTrue();

            GpuResourceStatus after = load.ollamaEndsIt(false);
            assertThat(after.executionMode()).as("the mode stays").isEqualTo(ExecutionMode.RECORDING);
            assertThat(after.vlmState()).isEqualTo(ModelState.UNLOADED);
            assertThat(after.vlmError()).as("a cancel is not an error").isNull();
            assertThat(f.count(EventType.MODEL_ERROR)).isZero();
            assertThat(HeldRecordingLoad.last(f, EventType.MODEL_UNLOADED).details()).containsEntry("cancelled", true);

            int loads = f.ollama.loads.get();
            f.watch(Duration.ofSeconds(30), () -> false);
            assertThat(f.manager.getVlmState()).as("RECORDING's reload holds off after a cancel").isEqualTo(ModelState.UNLOADED);
            assertThat(f.ollama.loads.get()).isEqualTo(loads);
            assertThat(f.ollama.isResident(VLM)).isFalse();
        }
    }

    @Test
    void aLoadAskedForAfterTheCancelRunsAndReloadsComeBackWithIt() throws Exception {
        try (ManagerFixture f = ManagerFixture.create()) {
            HeldRecordingLoad load = HeldRecordingLoad.start(f);
            f.manager.cancelVlmLoad();
            load.ollamaEndsIt(false);

            assertThat(f.manager.loadVlmAsync().get(10, TimeUnit.SECONDS)).isTrue();
            f.ollama.unloadOutside(VLM);
            f.watch(Duration.ofSeconds(30), () -> f.manager.getVlmState() == ModelState.LOADED);

            assertThat(f.manager.getVlmState()).as("RECORDING reloads again once a load was asked for").isEqualTo(ModelState.LOADED);
        }
    }

    @Test
    void aLoadThatLandedAsTheOperatorCancelledItIsUnloadedAndStaysSo() throws Exception {
        try (ManagerFixture f = ManagerFixture.create()) {
            HeldRecordingLoad load = HeldRecordingLoad.start(f);

            assertThat(f.manager.cancelVlmLoad()).isTrue();
            GpuResourceStatus after = load.ollamaEndsIt(true); // it was ready as the cancel came: Ollama keeps it

            assertThat(after.executionMode()).isEqualTo(ExecutionMode.RECORDING);
            assertThat(after.vlmState()).as("the operator said no").isEqualTo(ModelState.UNLOADED);
            assertThat(f.ollama.isResident(VLM)).isFalse();
            assertThat(f.ollama.unloads.get()).isEqualTo(1);
            f.watch(Duration.ofSeconds(30), () -> false);
            assertThat(f.ollama.isResident(VLM)).as("and RECORDING does not bring it back by itself").isFalse();
        }
    }

    @Test
    void withNoLoadRunningThereIsNothingToCancel() {
        try (ManagerFixture f = ManagerFixture.create()) {
            assertThat(f.manager.cancelVlmLoad()).isFalse();
            f.switchTo(ExecutionMode.RECORDING);
            assertThat(f.manager.cancelVlmLoad()).isFalse();
            assertThat(f.manager.getVlmState()).isEqualTo(ModelState.LOADED);
        }
    }
}
