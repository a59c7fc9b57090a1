package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.simulator.Ask;
import com.rpavision.gpurm.testing.ManagerFixture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nothing the manager does outlives it (issue 23): the VLM is held with a finite keep-alive that the manager renews
 * while it runs, so however it ends, Ollama unloads the VLM within one lease; its own renewals are not news.
 */
class VlmLeaseTest {

    private static final String VLM = "qwen3-vl:8b";

    /** The lease the app ships with (the fixture's default is an hour). */
    private static ManagerFixture shipped() {
        return ManagerFixture.options().config(c -> c.vlmLeaseSeconds(180)).build();
    }

    private static List<Object> causes(ManagerFixture f) {
        return f.events.stream().filter(e -> e.type() == EventType.VLM_DRIFT).map(e -> e.details().get("cause")).toList();
    }

    @Test
    void whileTheManagerRunsTheLeaseIsRenewedAndNeverForeverAndNoRenewalIsADrift() {
        // no idle unload meanwhile: the manager wants the VLM for all ten minutes
        try (ManagerFixture f = ManagerFixture.options().config(c -> c.idleTimeoutSeconds(0).vlmLeaseSeconds(180)).build()) {
            f.switchTo(ExecutionMode.RECORDING);
            Duration lease = f.config.vlmLease();
            assertThat(f.ollama.expiresIn(VLM)).as("loaded with the lease").isEqualTo(lease);

            Duration least = lease;
            for (int second = 0; second < 600; second++) { // ten minutes, the maintenance round every second
                f.advanceAndTick(Duration.ofSeconds(1));
                if (second % 5 == 0) {
                    f.manager.observeOllama().join();
                }
                assertThat(f.ollama.isKeptForever(VLM)).isFalse();
                Duration left = f.ollama.expiresIn(VLM);
                least = left.compareTo(least) < 0 ? left : least;
            }

            assertThat(least).as("renewed every third of a lease").isGreaterThanOrEqualTo(lease.multipliedBy(2).dividedBy(3)
                    .minusSeconds(1));
            assertThat(f.ollama.keepAliveRequests.get()).as("about one renewal a minute").isBetween(9, 11);
            assertThat(f.ollama.loads.get()).as("a renewal never loads").isEqualTo(1);
            assertThat(causes(f)).as("the manager's own renewals are not a keep-alive taken over").isEmpty();
        }
    }

    @Test
    void aManagerThatStopsWithoutAWordLeavesTheVlmForOneLeaseAtMost() {
        try (ManagerFixture f = shipped()) {
            f.switchTo(ExecutionMode.RECORDING);
            f.advanceAndTick(Duration.ofSeconds(61)); // one renewal
            assertThat(f.ollama.keepAliveRequests.get()).isEqualTo(1);

            // kill -9: no tick, no hand-back, no unload from here on; only Ollama's clock runs
            f.clock.advance(f.config.vlmLease().minusSeconds(2));
            assertThat(f.ollama.isResident(VLM)).as("still within the lease").isTrue();
            f.clock.advance(Duration.ofSeconds(3));

            assertThat(f.ollama.isResident(VLM)).as("Ollama unloaded it one lease after the last renewal").isFalse();
        }
    }

    @Test
    void aKeepAliveForeverSetByAnotherClientIsNamedOnceAndReplacedByTheLease() {
        try (ManagerFixture f = shipped()) {
            f.switchTo(ExecutionMode.RECORDING);
            f.ollama.await(f.ollama.requestOutside(Ask.load(VLM, Duration.ofSeconds(-1))));
            assertThat(f.ollama.isKeptForever(VLM)).isTrue();

            f.manager.observeOllama().join();
            f.manager.observeOllama().join();

            assertThat(causes(f)).containsExactly("keep_alive_taken_over");
            assertThat(f.events.stream().filter(e -> e.type() == EventType.VLM_DRIFT).findFirst().orElseThrow().details())
                    .containsEntry("observed", "kept forever by another client");
            assertThat(f.ollama.expiresIn(VLM)).as("no pin outlives the manager").isEqualTo(f.config.vlmLease());
        }
    }

    @Test
    void aShorterKeepAliveSetByAnotherClientIsTakenBackToo() {
        try (ManagerFixture f = shipped()) {
            f.switchTo(ExecutionMode.RECORDING);
            f.advanceAndTick(Duration.ofSeconds(30));
            f.ollama.takeOverKeepAlive(VLM, Duration.ofSeconds(20));

            f.manager.observeOllama().join();

            assertThat(causes(f)).containsExactly("keep_alive_taken_over");
            assertThat(f.ollama.expiresIn(VLM)).isEqualTo(f.config.vlmLease());
        }
    }

    @Test
    void aStopDuringALoadGivesTheLoadUpAndALoadOllamaFinishesAnywayIsHeldForOneLeaseAtMost() throws Exception {
        ManagerFixture f = shipped();
        try (f) {
            f.ollama.holdLoads();
            CompletableFuture<?> switching = f.manager.setExecutionMode(ExecutionMode.RECORDING);
            await().until(() -> f.ollama.loadsUnderWay() == 1);

            CompletableFuture<Void> stopping = CompletableFuture.runAsync(f.manager::shutdown);
            await().until(() -> stopping.isDone() || f.ollama.psWaiting() > 0);
            f.ollama.finishHeldLoads(true); // Ollama had finished the load before the cancel reached it
            stopping.get(10, TimeUnit.SECONDS);
            switching.handle((status, error) -> null).get(10, TimeUnit.SECONDS);
        }
        assertThat(f.ollama.isKeptForever(VLM)).isFalse();
        assertThat(f.ollama.expiresIn(VLM)).as("the manager is gone: Ollama lets the VLM go within one lease")
                .isNotNull().isLessThanOrEqualTo(f.config.vlmLease());
    }

    /**
     * tools/chaos/sigterm-during-load.py, SIGTERM 0.2 s after the switch: the reconciler's load was given up, then the
     * switch's own task, queued behind it, sent a second load, and the stop waited its 10 s limit for it.
     */
    @Test
    void aStopGivesUpTheRunningLoadAndStartsNoneOfTheLoadsQueuedBehindIt() throws Exception {
        ManagerFixture f = shipped();
        try (f) {
            f.ollama.holdLoads();
            CompletableFuture<?> first = f.manager.setExecutionMode(ExecutionMode.RECORDING);
            await().until(() -> f.ollama.loadsUnderWay() == 1);
            CompletableFuture<?> queued = f.manager.setExecutionMode(ExecutionMode.RECORDING); // waits behind the load

            long start = System.nanoTime();
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(f.manager::shutdown);
            await().until(() -> stopping.isDone() || f.ollama.psWaiting() > 0); // the cancelled load looks at /api/ps
            f.ollama.finishHeldLoads(false); // Ollama gave the load up: it did not land
            stopping.get(10, TimeUnit.SECONDS);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
            first.handle((status, error) -> null).get(10, TimeUnit.SECONDS);
            queued.handle((status, error) -> null).get(10, TimeUnit.SECONDS);
            assertThat(f.events.stream().filter(e -> e.type() == EventType.MODEL_LOADING)).as("loads started").hasSize(1);
        }
    }
}
