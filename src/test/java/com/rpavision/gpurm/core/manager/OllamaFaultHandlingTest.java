package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.testing.FakeOllama.Fault;
import com.rpavision.gpurm.testing.ManagerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** How the manager reacts when Ollama fails: retry what may pass, stop at what cannot, degrade when it is gone. */
class OllamaFaultHandlingTest {

    @ParameterizedTest
    @EnumSource(value = Fault.class, names = {"HTTP_500", "HTTP_503", "MALFORMED_JSON", "DISCONNECT_AFTER_REQUEST"})
    void transientFaultsAreRetriedWithBackoffThenTheVlmGoesToError(Fault fault) {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.ollama.failNextGenerate(fault, fault, fault);
            Instant start = f.clock.instant();

            assertThat(f.manager.ensureVlmLoaded()).isFalse();

            assertThat(f.ollama.pendingFaults()).as("all three attempts used").isZero();
            assertThat(f.ollama.loads.get()).isZero();
            assertThat(Duration.between(start, f.clock.instant())).as("backoff 0.5 s then 1 s")
                    .isEqualTo(Duration.ofMillis(1_500));
            assertThat(f.manager.getVlmState()).isEqualTo(ModelState.ERROR);
            assertThat(f.manager.getStatus().vlmStateReason()).isNotBlank();
            assertThat(f.manager.getStatus().degradedMode()).as("degraded only when nothing answers")
                    .isEqualTo(fault == Fault.DISCONNECT_AFTER_REQUEST);
            assertThat(f.count(EventType.MODEL_ERROR)).isEqualTo(1);
        }
    }

    @Test
    void aTransientFaultWithinTheRetryBudgetIsInvisibleToTheCaller() {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.ollama.failNextGenerate(Fault.HTTP_503, Fault.DISCONNECT_AFTER_REQUEST);
            assertThat(f.manager.ensureVlmLoaded()).isTrue();
            assertThat(f.manager.getStatus().degradedMode()).isFalse();
        }
    }

    @Test
    void aRefusalCarriedInA200IsNotRetried() {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.ollama.failNextGenerate(Fault.ERROR_FIELD, Fault.ERROR_FIELD);

            assertThat(f.manager.ensureVlmLoaded()).isFalse();

            assertThat(f.ollama.pendingFaults()).as("one attempt only").isEqualTo(1);
            assertThat(f.manager.getStatus().vlmStateReason()).contains("more system memory");
            assertThat(f.manager.getStatus().vlmError().args()).as("what the operator reads after 'Ollama refused: '")
                    .containsExactly("model requires more system memory (12.1 GiB) than is available (8.0 GiB)");
        }
    }

    @Test
    void aLoadThatStallsPastTheLoadTimeoutIsRetriedThenReported() {
        try (ManagerFixture f = ManagerFixture.options().httpTimeout(Duration.ofMillis(250)).build()) {
            f.ollama.realLoadDelayMillis(600);

            assertThat(f.manager.ensureVlmLoaded()).isFalse();

            assertThat(f.manager.getVlmState()).isEqualTo(ModelState.ERROR);
            assertThat(f.manager.getStatus().vlmStateReason()).contains("in time");
            assertThat(f.manager.getStatus().degradedMode()).isFalse();
        }
    }

    @Test
    void ollamaGoingAwayIsDegradedModeAndItsReturnEndsItByItself() {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.switchTo(ExecutionMode.RECORDING);
            f.ollama.setDown(true);

            f.advanceAndTick(Duration.ofSeconds(30));
            assertThat(f.manager.getStatus().degradedMode()).isTrue();
            assertThat(f.manager.getStatus().degradedReason()).contains("not reachable", "ollama serve");
            assertThat(f.manager.getVlmState()).as("unknown while Ollama is away").isEqualTo(ModelState.ERROR);
            assertThat(f.manager.ensureVlmLoaded()).as("VLM operations fail while degraded").isFalse();
            assertThat(f.manager.getClipDevice()).isEqualTo("cpu");

            f.advanceAndTick(Duration.ofSeconds(10));
            assertThat(f.manager.getStatus().degradedMode()).as("not retried before 30 s").isTrue();

            f.ollama.setDown(false);
            f.advanceAndTick(Duration.ofSeconds(20));
            assertThat(f.manager.getStatus().degradedMode()).isFalse();
            assertThat(f.manager.getVlmState()).as("reconciled with /api/ps").isEqualTo(ModelState.LOADED);
            assertThat(f.count(EventType.DEGRADED_ON)).isEqualTo(1);
            assertThat(f.count(EventType.DEGRADED_OFF)).isEqualTo(1);
        }
    }

    @Test
    void anUnloadStuckInStoppingEndsInErrorAfterTheUnloadTimeoutAndIsReconciledLater() {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.manager.ensureVlmLoaded();
            f.ollama.lingerPolls(1_000);

            assertThat(f.manager.ensureVlmUnloaded()).isFalse();
            assertThat(f.manager.getVlmState()).isEqualTo(ModelState.ERROR);
            assertThat(f.manager.getStatus().vlmStateReason()).contains("still listed", "5 s");

            f.ollama.lingerPolls(0);
            assertThat(f.manager.ensureVlmUnloaded()).isTrue();
            assertThat(f.ollama.isResident("qwen3-vl:8b")).isFalse();
        }
    }
}
