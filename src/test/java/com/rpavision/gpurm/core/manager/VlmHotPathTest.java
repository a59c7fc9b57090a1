package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.testing.ManagerFixture;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Issue 24: a loaded VLM's lease takes no round trip through the operation queue, and every change that may unload
 * the VLM still sees the requests in flight, whichever of the two comes first.
 */
class VlmHotPathTest {

    private static final String VLM = "qwen3-vl:8b";
    private static final long SECONDS = 10; // a bound on a deadlock, not a timing

    /** A GPU where CLIP fits beside the VLM, so a CLIP move is an operation that leaves the VLM alone. */
    private static ManagerFixture.Options roomy() {
        return ManagerFixture.options().gpu(24_000, 600).config(c -> c.idleTimeoutSeconds(60));
    }

    /** A request on its own thread, so the test can see it wait. */
    private static final class Request {
        final CompletableFuture<VlmLease> lease = new CompletableFuture<>();
        final Thread thread;

        Request(DefaultGpuResourceManager manager) {
            thread = new Thread(() -> {
                try {
                    lease.complete(manager.acquireVlm());
                } catch (Throwable t) {
                    lease.completeExceptionally(t);
                }
            }, "vlm-request");
            thread.start();
        }

        /** Granted, or parked waiting for the queue (it cannot be granted without the queue any more). */
        void awaitGrantedOrWaiting() {
            await().until(() -> lease.isDone() || thread.getState() == Thread.State.WAITING);
        }

        VlmLease get() throws Exception {
            return lease.get(SECONDS, TimeUnit.SECONDS);
        }
    }

    @Test
    void aLoadedVlmIsLeasedWhileTheQueueIsBusyWithAnOperationThatLeavesItAlone() throws Exception {
        try (ManagerFixture f = roomy().build()) {
            assertThat(f.manager.ensureVlmLoaded()).isTrue();
            f.clip.holdMoves();
            CompletableFuture<MigrationResult> moving = f.manager.migrateClipAsync(ClipDevice.CUDA);
            await().until(() -> f.clip.movesWaiting() == 1); // the queue's one worker is inside the move

            VlmLease lease = new Request(f.manager).get();

            assertThat(moving).as("the CLIP move still holds the queue").isNotDone();
            assertThat(f.manager.leasesWithoutQueue()).isEqualTo(1);
            assertThat(f.manager.getStatus().lastVlmRequest()).isNotNull();
            lease.close();
            f.clip.releaseMoves();
            assertThat(moving.get(SECONDS, TimeUnit.SECONDS).ok()).isTrue();
            assertThat(f.ollama.loads.get()).as("the lease sent no load").isEqualTo(1);
        }
    }

    @Test
    void aRequestAfterAnUnloadWasAskedWaitsBehindItAndGetsTheVlmLoadedAgain() throws Exception {
        try (ManagerFixture f = roomy().build()) {
            assertThat(f.manager.ensureVlmLoaded()).isTrue();
            f.clip.holdMoves();
            CompletableFuture<MigrationResult> moving = f.manager.migrateClipAsync(ClipDevice.CUDA);
            await().until(() -> f.clip.movesWaiting() == 1);
            CompletableFuture<Boolean> unloading = f.manager.unloadVlmAsync(); // queued behind the move

            Request request = new Request(f.manager);
            request.awaitGrantedOrWaiting();
            assertThat(request.lease).as("no lease while an unload is pending").isNotDone();

            f.clip.releaseMoves();
            moving.get(SECONDS, TimeUnit.SECONDS);
            assertThat(unloading.get(SECONDS, TimeUnit.SECONDS)).isTrue();
            try (VlmLease lease = request.get()) {
                assertThat(f.ollama.isResident(VLM)).as("loaded again for the request").isTrue();
                assertThat(f.manager.getVlmState()).isEqualTo(ModelState.LOADED);
            }
            assertThat(f.ollama.unloads.get()).isEqualTo(1);
            assertThat(f.ollama.loads.get()).isEqualTo(2);
            assertThat(f.manager.leasesWithoutQueue()).isZero();
        }
    }

    @Test
    void aRequestAfterASwitchToAutopilotWasAskedWaitsForTheUnloadAndLoadsOnDemand() throws Exception {
        try (ManagerFixture f = roomy().build()) {
            f.switchTo(ExecutionMode.RECORDING);
            f.clip.holdMoves();
            CompletableFuture<MigrationResult> moving = f.manager.migrateClipAsync(ClipDevice.CUDA);
            await().until(() -> f.clip.movesWaiting() == 1);
            var switching = f.manager.setExecutionMode(ExecutionMode.AUTOPILOT);

            Request request = new Request(f.manager);
            request.awaitGrantedOrWaiting();
            assertThat(request.lease).as("no lease while the switch that unloads is pending").isNotDone();

            f.clip.releaseMoves();
            moving.get(SECONDS, TimeUnit.SECONDS);
            switching.get(SECONDS, TimeUnit.SECONDS);
            try (VlmLease lease = request.get()) {
                assertThat(f.ollama.isResident(VLM)).as("Property 9: loaded on demand in autopilot").isTrue();
            }
            assertThat(f.ollama.unloads.get()).as("the switch unloaded it first").isEqualTo(1);
        }
    }

    @Test
    void aLeaseRestartsTheIdleTimerWhenItCloses() throws Exception {
        try (ManagerFixture f = roomy().build()) {
            assertThat(f.manager.ensureVlmLoaded()).isTrue();
            f.clock.advance(Duration.ofSeconds(50));
            f.manager.observeOllama().join(); // the watcher keeps the belief fresh, as it does every interval

            VlmLease lease = f.manager.acquireVlm();
            assertThat(f.manager.leasesWithoutQueue()).isEqualTo(1);
            f.advanceAndTick(Duration.ofSeconds(120)); // a long answer: no idle unload under it
            assertThat(f.manager.isVlmLoaded()).isTrue();
            lease.close();

            f.advanceAndTick(Duration.ofSeconds(59));
            assertThat(f.manager.getVlmState()).as("counted from the lease's end").isEqualTo(ModelState.LOADED);
            f.advanceAndTick(Duration.ofSeconds(2));
            assertThat(f.manager.getVlmState()).isEqualTo(ModelState.UNLOADED);
            assertThat(f.count(EventType.IDLE_UNLOAD)).isEqualTo(1);
        }
    }

    @Test
    void theNonBlockingLeaseIsGivenOnlyWhenNothingIsPending() throws Exception {
        try (ManagerFixture f = roomy().build()) {
            assertThat(f.manager.tryAcquireVlmNow(VlmRequest.UNNAMED)).as("not loaded: it would wait").isEmpty();
            assertThat(f.manager.ensureVlmLoaded()).isTrue();
            f.manager.tryAcquireVlmNow(VlmRequest.UNNAMED).orElseThrow().close();

            f.clip.holdMoves();
            CompletableFuture<MigrationResult> moving = f.manager.migrateClipAsync(ClipDevice.CUDA);
            await().until(() -> f.clip.movesWaiting() == 1);
            CompletableFuture<Boolean> unloading = f.manager.unloadVlmAsync();
            assertThat(f.manager.tryAcquireVlmNow(VlmRequest.UNNAMED)).as("an unload is pending").isEmpty();
            f.clip.releaseMoves();
            moving.get(SECONDS, TimeUnit.SECONDS);
            assertThat(unloading.get(SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(f.manager.getStatus().lastVlmRequest()).isNotNull();
        }
    }

    @Test
    void aStaleViewOfOllamaTakesTheQueue() throws Exception {
        try (ManagerFixture f = roomy().build()) {
            assertThat(f.manager.ensureVlmLoaded()).isTrue();
            f.clock.advance(f.config.ollamaWatchInterval().plusSeconds(1)); // nobody looked since

            try (VlmLease lease = f.manager.acquireVlm()) {
                assertThat(f.manager.leasesWithoutQueue()).as("the queued path reconciles first").isZero();
            }
        }
    }

    // ---------------------------------------------------------------- the idle timer against a request, both orders

    /** Pauses the thread that reaches {@code point} (once armed) until released. */
    private static final class Pause implements VlmGate.Steps {
        private final VlmGate.Point point;
        private final String caller;
        private final AtomicReference<Thread> armedFor = new AtomicReference<>();
        private volatile boolean armed;
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        /** @param caller the method that must be on the stack: the change this pause is for, not another round's */
        Pause(VlmGate.Point point, String caller) {
            this.point = point;
            this.caller = caller;
        }

        private boolean calledFrom() {
            return StackWalker.getInstance().walk(frames -> frames.anyMatch(f -> f.getMethodName().equals(caller)));
        }

        void arm() {
            armed = true;
        }

        @Override
        public void reached(VlmGate.Point at) {
            if (at == point && armed && calledFrom() && armedFor.compareAndSet(null, Thread.currentThread())) {
                reached.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    /** Idle for longer than the timeout, with the watcher's look just taken. */
    private static void idleTooLong(ManagerFixture f) {
        assertThat(f.manager.ensureVlmLoaded()).isTrue();
        f.clock.advance(Duration.ofSeconds(61));
        f.manager.observeOllama().join();
    }

    @Test
    void aRequestCountedBeforeTheIdleTimerLooksKeepsTheVlm() throws Exception {
        Pause pause = new Pause(VlmGate.Point.REQUEST_COUNTED, "acquireVlm");
        try (ManagerFixture f = roomy().builder(b -> b.gateSteps(pause)).build()) {
            idleTooLong(f);
            pause.arm();
            Request request = new Request(f.manager);
            assertThat(pause.reached.await(SECONDS, TimeUnit.SECONDS)).isTrue(); // counted, not yet looked

            f.manager.tick().get(SECONDS, TimeUnit.SECONDS); // the idle timer's round runs now
            pause.release.countDown();

            try (VlmLease lease = request.get()) {
                assertThat(f.ollama.isResident(VLM)).isTrue();
            }
            assertThat(f.count(EventType.IDLE_UNLOAD)).isZero();
            assertThat(f.ollama.unloads.get()).isZero();
            assertThat(f.manager.leasesWithoutQueue()).as("nothing was pending when it looked").isEqualTo(1);
        }
    }

    @Test
    void aRequestThatComesWhileTheIdleTimerHasClosedTheGateIsNotLeasedBehindItsBack() throws Exception {
        Pause pause = new Pause(VlmGate.Point.CHANGE_CLOSED, "unloadIfIdle");
        try (ManagerFixture f = roomy().builder(b -> b.gateSteps(pause)).build()) {
            idleTooLong(f);
            pause.arm();
            CompletableFuture<Void> round = f.manager.tick();
            assertThat(pause.reached.await(SECONDS, TimeUnit.SECONDS)).isTrue(); // closed, in-flight not yet read

            Request request = new Request(f.manager);
            request.awaitGrantedOrWaiting();
            assertThat(request.lease).as("the gate is closed: the request waits on the queue").isNotDone();
            pause.release.countDown();
            round.get(SECONDS, TimeUnit.SECONDS);

            try (VlmLease lease = request.get()) {
                assertThat(f.ollama.isResident(VLM)).isTrue();
            }
            assertThat(f.count(EventType.IDLE_UNLOAD)).as("the timer read the request in flight").isZero();
            assertThat(f.manager.leasesWithoutQueue()).isZero();
        }
    }

    @Test
    void aRequestThatComesWhileTheIdleUnloadRunsWaitsAndReloads() throws Exception {
        CountDownLatch unloading = new CountDownLatch(1);
        CountDownLatch goOn = new CountDownLatch(1);
        AtomicReference<Boolean> armed = new AtomicReference<>(false);
        AtomicReference<ManagerFixture> fixture = new AtomicReference<>();
        ManagerFixture.Options options = roomy().sleeper(d -> {
            if (armed.get() && d.equals(UnloadWatch.POLL)) { // the unload polls /api/ps until gone
                armed.set(false);
                unloading.countDown();
                goOn.await();
            }
            fixture.get().clock.advance(d);
        });
        try (ManagerFixture f = options.build()) {
            fixture.set(f);
            idleTooLong(f);
            f.ollama.lingerPolls(1);
            armed.set(true);
            CompletableFuture<Void> round = f.manager.tick();
            assertThat(unloading.await(SECONDS, TimeUnit.SECONDS)).isTrue();
            assertThat(f.manager.getVlmState()).isEqualTo(ModelState.UNLOADING);

            Request request = new Request(f.manager);
            request.awaitGrantedOrWaiting();
            assertThat(request.lease).isNotDone();
            goOn.countDown();
            round.get(SECONDS, TimeUnit.SECONDS);

            try (VlmLease lease = request.get()) {
                assertThat(f.ollama.isResident(VLM)).as("loaded again for it").isTrue();
            }
            assertThat(f.count(EventType.IDLE_UNLOAD)).isEqualTo(1);
            assertThat(f.ollama.loads.get()).isEqualTo(2);
        }
    }
}
