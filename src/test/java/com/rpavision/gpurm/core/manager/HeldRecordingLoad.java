package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.testing.ManagerFixture;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RECORDING's VLM load held inside Ollama, for the tests of what gives it up (a switch away, "Cancel load"): the
 * load is started and has reached Ollama; once the manager gave it up and asks Ollama what it holds, Ollama
 * finishes it or not.
 */
final class HeldRecordingLoad {

    private final ManagerFixture f;
    final CompletableFuture<GpuResourceStatus> recording;

    private HeldRecordingLoad(ManagerFixture f) throws InterruptedException {
        this.f = f;
        f.ollama.holdLoads();
        recording = f.manager.setExecutionMode(ExecutionMode.RECORDING);
        waitFor(() -> f.ollama.loadsUnderWay() == 1, "the load reached Ollama");
    }

    static HeldRecordingLoad start(ManagerFixture f) throws InterruptedException {
        return new HeldRecordingLoad(f);
    }

    /** After the manager gave the load up: its look at Ollama waits, and Ollama ends the load, kept or stopped. */
    GpuResourceStatus ollamaEndsIt(boolean kept) throws Exception {
        waitFor(() -> f.ollama.psWaiting() > 0, "the manager asks Ollama what it holds after giving up");
        f.ollama.finishHeldLoads(kept);
        return recording.get(10, TimeUnit.SECONDS);
    }

    static ResourceChangedEvent last(ManagerFixture f, EventType type) {
        List<ResourceChangedEvent> matching = f.events.stream().filter(e -> e.type() == type).toList();
        assertThat(matching).as("%s events", type).isNotEmpty();
        return matching.get(matching.size() - 1);
    }

    /** Waits (up to 10 s) for the other threads to reach a step; a wait, not a timing assertion. */
    static void waitFor(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(5);
        }
    }
}
