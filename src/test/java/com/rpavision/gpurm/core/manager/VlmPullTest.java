package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.PullProgress;
import com.rpavision.gpurm.core.model.Reason;
import com.rpavision.gpurm.testing.ManagerFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Issue 25, item 2: "Pull the model" from the panel, through Ollama, and what the manager does once it is there. */
class VlmPullTest {

    private static final String MODEL = "llava:13b";
    private final ManagerFixture f = ManagerFixture.options().sleepsTakeNoTime().config(c -> c.vlmModel(MODEL)).build();
    private final List<PullProgress> seen = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void inRecordingAPulledModelIsLoadedAndTheNotPulledErrorIsOver() {
        f.switchTo(ExecutionMode.RECORDING);
        assertThat(f.manager.getStatus().vlmError().code()).isEqualTo(Reason.Code.MODEL_NOT_PULLED);
        f.ollama.scheduler().pullable(MODEL, 8_000);

        f.manager.pullVlm(seen::add).join();

        assertThat(f.manager.getVlmState()).isEqualTo(ModelState.LOADED);
        assertThat(f.manager.getStatus().vlmError()).isNull();
        assertThat(f.ollama.isServing(MODEL)).isTrue();
        assertThat(seen).extracting(PullProgress::percent).contains(0, 50, 100);
        assertThat(seen.get(seen.size() - 1).status()).isEqualTo("success");
    }

    @Test
    void inIdleThePulledModelIsNotLoadedButNoLongerAnError() {
        f.manager.loadVlmAsync().join();
        assertThat(f.manager.getVlmState()).isEqualTo(ModelState.ERROR);
        f.ollama.scheduler().pullable(MODEL, 8_000);

        f.manager.pullVlm(seen::add).join();

        assertThat(f.manager.getVlmState()).isEqualTo(ModelState.UNLOADED);
        assertThat(f.manager.getStatus().vlmError()).isNull();
        assertThat(f.ollama.isResident(MODEL)).as("IDLE wants no VLM").isFalse();
    }

    @Test
    void aModelTheRegistryLacksFailsWithOllamasReasonAndChangesNothing() {
        f.switchTo(ExecutionMode.RECORDING);

        assertThatThrownBy(() -> f.manager.pullVlm(seen::add).join()).isInstanceOf(CompletionException.class)
                .hasMessageContaining("pull model manifest: file does not exist");
        assertThat(f.manager.getStatus().vlmError().code()).isEqualTo(Reason.Code.MODEL_NOT_PULLED);
    }
}
