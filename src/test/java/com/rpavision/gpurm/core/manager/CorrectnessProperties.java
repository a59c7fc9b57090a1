package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.IdleUnloadEvent;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.testing.FakeClip;
import com.rpavision.gpurm.testing.FakeOllama;
import com.rpavision.gpurm.testing.FakeOllama.Fault;
import com.rpavision.gpurm.testing.ManagerFixture;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Label;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

import java.awt.image.BufferedImage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The design's 13 correctness properties, each against the HTTP Ollama look-alike and the fake GPU. */
class CorrectnessProperties {

    private static final String VLM = "qwen3-vl:8b";

    @Property(tries = 25)
    @Label("Property 1: RECORDING -> AUTOPILOT unloads the VLM within 5 seconds")
    void property1ModeTransitionTriggersVlmUnload(@ForAll @IntRange(max = 12) int lingerPolls,
                                                  @ForAll @IntRange(max = 6) int vramDrainReads) {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.ollama.lingerPolls(lingerPolls);
            f.gpu.drainOver(vramDrainReads);
            f.switchTo(ExecutionMode.RECORDING);
            assertThat(f.manager.isVlmLoaded()).isTrue();
            Instant start = f.clock.instant();

            f.switchTo(ExecutionMode.AUTOPILOT);

            assertThat(f.manager.isVlmLoaded()).isFalse();
            assertThat(f.ollama.isResident(VLM)).isFalse();
            assertThat(Duration.between(start, f.clock.instant())).isLessThanOrEqualTo(Duration.ofSeconds(5));
        }
    }

    @Property(tries = 25)
    @Label("Property 2: AUTOPILOT -> RECORDING loads the VLM within 30 seconds")
    void property2ModeTransitionTriggersVlmLoad(@ForAll @IntRange(max = 25) int loadSeconds) {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.ollama.simulatedLoadTime(Duration.ofSeconds(loadSeconds));
            f.switchTo(ExecutionMode.AUTOPILOT);
            assertThat(f.manager.isVlmLoaded()).isFalse();
            Instant start = f.clock.instant();

            f.switchTo(ExecutionMode.RECORDING);

            assertThat(f.manager.isVlmLoaded()).isTrue();
            assertThat(f.ollama.isResident(VLM)).isTrue();
            assertThat(Duration.between(start, f.clock.instant())).isLessThanOrEqualTo(Duration.ofSeconds(30));
        }
    }

    @Property(tries = 40)
    @Label("Property 3: in AUTOPILOT CLIP is on the GPU whenever more than 1 GB is free")
    void property3ClipOnGpuInAutopilot(@ForAll @IntRange(max = 11_400) int otherUseMb,
                                       @ForAll @IntRange(max = 11_400) int otherUseLaterSeed) {
        try (ManagerFixture f = ManagerFixture.options().gpu(11_400, 0).build()) {
            f.gpu.allocate("other process", otherUseMb);

            f.switchTo(ExecutionMode.AUTOPILOT);
            assertThat(f.manager.getClipDevice()).isEqualTo(11_400 - otherUseMb > 1024 ? "cuda" : "cpu");

            // The other process gives memory back: the next maintenance round moves CLIP if it now fits.
            int otherUseLater = otherUseLaterSeed % (otherUseMb + 1);
            boolean wasOnGpu = f.manager.getClipDevice().equals("cuda");
            f.gpu.allocate("other process", otherUseLater);
            f.advanceAndTick(Duration.ofSeconds(31));
            assertThat(f.manager.getClipDevice())
                    .isEqualTo(wasOnGpu || 11_400 - otherUseLater > 1024 ? "cuda" : "cpu");
            assertThat(f.gpu.violations()).isEmpty();
        }
    }

    @Property(tries = 25)
    @Label("Property 4: a VLM unload gives back at least 8 GB of VRAM")
    void property4VramDecreaseOnVlmUnload(@ForAll @IntRange(min = 8_192, max = 14_000) int vlmMb,
                                          @ForAll @IntRange(max = 10) int vramDrainReads) {
        try (ManagerFixture f = ManagerFixture.options().gpu(24_564, 900)
                .config(b -> b.vlmModel("big-vlm:q4")).build()) {
            f.ollama.install("big-vlm:q4", vlmMb);
            f.gpu.drainOver(vramDrainReads);
            f.switchTo(ExecutionMode.RECORDING);
            long usedWithVlm = f.gpu.usedMb();
            assertThat(f.manager.getStatus().vram().usedMb()).as("status sampled after the load").isEqualTo(usedWithVlm);

            f.switchTo(ExecutionMode.AUTOPILOT);

            ResourceChangedEvent unloaded = f.events.stream().filter(e -> e.type() == EventType.MODEL_UNLOADED)
                    .findFirst().orElseThrow();
            assertThat((Long) unloaded.details().get("vram_freed_mb")).isGreaterThanOrEqualTo(8_192L);
            long usedAfter = f.gpu.usedMb() - (f.gpu.holds("clip") ? FakeClip.VRAM_MB : 0);
            assertThat(usedWithVlm - usedAfter).isGreaterThanOrEqualTo(8_192L);
        }
    }

    @Property(tries = 30)
    @Label("Property 5: every getStatus() has valid values in every field")
    void property5StatusQueryCompleteness(@ForAll @Size(max = 8) List<Op> ops,
                                          @ForAll boolean gpuReadsFail) {
        try (ManagerFixture f = ManagerFixture.options().sleepsTakeNoTime().build()) {
            if (gpuReadsFail) {
                f.gpu.failReads("NVML: GPU is lost (code 15)");
            }
            assertStatusComplete(f, f.manager.getStatus());
            for (Op op : ops) {
                op.apply(f);
                assertStatusComplete(f, f.manager.getStatus());
            }
        }
    }

    private static void assertStatusComplete(ManagerFixture f, GpuResourceStatus s) {
        assertThat(s.executionMode()).isNotNull();
        assertThat(s.vlmState()).isNotNull();
        assertThat(s.vlmModel()).isEqualTo(VLM);
        assertThat(s.clipDevice()).isIn("cpu", "cuda");
        assertThat(s.vram()).isNotNull();
        assertThat(s.vram().gpuName()).isNotBlank();
        assertThat(s.vram().usedMb()).isLessThanOrEqualTo(Math.max(s.vram().totalMb(), 0));
        assertThat(s.idleTimeoutSeconds()).isEqualTo(f.config.idleTimeoutSeconds());
        assertThat(s.degradedReason() != null).isEqualTo(s.degradedMode());
        assertThat(s.vlmStateReason() != null).isEqualTo(s.vlmState() == ModelState.ERROR);
        assertThat(s.clip()).isNotNull();
        assertThat(s.gpus()).isNotNull();
        assertThat(s.processes()).isNotNull();
    }

    @Property(tries = 30)
    @Label("Property 6: CLIP leaves the GPU before any VLM load completes")
    void property6ClipMigrationOrdering(@ForAll("loadTriggers") LoadTrigger trigger) throws Exception {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.switchTo(ExecutionMode.AUTOPILOT);
            assertThat(f.manager.getClipDevice()).isEqualTo("cuda");
            f.timeline.clear();

            trigger.run(f);

            assertThat(f.manager.isVlmLoaded()).isTrue();
            assertThat(f.timeline).containsSubsequence("clip:cpu", "ollama:load-start", "ollama:load-done");
            assertThat(f.gpu.violations()).isEmpty();
        }
    }

    @Property(tries = 15)
    @Label("Property 7: embeddings stay valid across CLIP device changes")
    void property7EmbeddingPipelineConsistency(@ForAll @Size(min = 1, max = 12) List<ClipDevice> moves) throws Exception {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.clip.moveMillis(2);
            BufferedImage image = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
            image.setRGB(3, 5, 0x3366cc);
            float[] reference = f.manager.embed(image);
            List<Throwable> failures = new CopyOnWriteArrayList<>();
            ExecutorService embedders = Executors.newFixedThreadPool(2);
            CountDownLatch done = new CountDownLatch(1);
            for (int t = 0; t < 2; t++) {
                embedders.submit(() -> {
                    while (done.getCount() > 0) {
                        try {
                            assertThat(f.manager.embed(image)).containsExactly(reference);
                        } catch (Throwable e) {
                            failures.add(e);
                        }
                    }
                });
            }
            for (ClipDevice device : moves) {
                f.manager.migrateClip(device);
            }
            done.countDown();
            embedders.shutdown();
            assertThat(embedders.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
            assertThat(failures).isEmpty();
            double norm = 0;
            for (float v : f.manager.embed(image)) {
                norm += v * v;
            }
            assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Property(tries = 40)
    @Label("Property 8: the VLM is unloaded after the configured idle timeout, not before")
    void property8IdleTimeoutBehavior(@ForAll @IntRange(min = 1, max = 7_200) int idleTimeoutSeconds) {
        try (ManagerFixture f = ManagerFixture.options().config(b -> b.idleTimeoutSeconds(idleTimeoutSeconds)).build()) {
            List<IdleUnloadEvent> idleUnloads = new ArrayList<>();
            f.manager.onIdleUnload(idleUnloads::add);
            assertThat(f.manager.ensureVlmLoaded()).isTrue();

            f.advanceAndTick(Duration.ofSeconds(idleTimeoutSeconds).minusMillis(1));
            assertThat(f.manager.isVlmLoaded()).as("still inside the timeout").isTrue();

            f.advanceAndTick(Duration.ofMillis(1));
            assertThat(f.manager.isVlmLoaded()).isFalse();
            assertThat(f.ollama.isResident(VLM)).isFalse();
            assertThat(idleUnloads).singleElement()
                    .satisfies(e -> assertThat(e.idleFor()).isGreaterThanOrEqualTo(Duration.ofSeconds(idleTimeoutSeconds)));
            assertThat(f.count(EventType.IDLE_UNLOAD)).isEqualTo(1);
        }
    }

    @SuppressWarnings("try") // the lease is held, not used
    @Property(tries = 20)
    @Label("Property 9: a VLM request while unloaded succeeds once the VLM is loaded")
    void property9OnDemandVlmLoading(@ForAll ExecutionMode mode, @ForAll boolean previouslyFailed) throws Exception {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.switchTo(mode);
            f.manager.ensureVlmUnloaded();
            if (previouslyFailed) {
                f.ollama.failNextGenerate(FakeOllama.Fault.HTTP_500, FakeOllama.Fault.HTTP_500, FakeOllama.Fault.HTTP_500);
                assertThat(f.manager.ensureVlmLoaded()).isFalse();
                assertThat(f.manager.getVlmState()).isEqualTo(ModelState.ERROR);
            }
            assertThat(f.manager.isVlmLoaded()).isFalse();

            try (VlmLease lease = f.manager.acquireVlm()) {
                assertThat(prompt(f)).isEqualTo(200);
            }

            assertThat(f.ollama.prompts.get()).isEqualTo(1);
            assertThat(f.ollama.promptsWhileNotResident.get()).isZero();
        }
    }

    private static int prompt(ManagerFixture f) throws Exception {
        OkHttpClient client = new OkHttpClient();
        Request request = new Request.Builder().url(f.server.url("/api/generate"))
                .post(RequestBody.create("{\"model\":\"" + VLM + "\",\"prompt\":\"classify\",\"stream\":false}",
                        MediaType.get("application/json"))).build();
        try (Response response = client.newCall(request).execute()) {
            return response.code();
        } finally {
            client.connectionPool().evictAll();
        }
    }

    @Property(tries = 30)
    @Label("Property 10: ensureVlmLoaded returns true only once the VLM is loaded")
    void property10EnsureVlmLoadedBlocking(@ForAll @Size(max = 4) List<@From("transientFaults") Fault> faults,
                                           @ForAll boolean startLoaded) {
        try (ManagerFixture f = ManagerFixture.create()) {
            if (startLoaded) {
                f.manager.ensureVlmLoaded();
            }
            f.ollama.failNextGenerate(faults.toArray(Fault[]::new));

            boolean loaded = f.manager.ensureVlmLoaded();

            assertThat(loaded).isEqualTo(f.manager.isVlmLoaded());
            if (loaded) {
                assertThat(f.ollama.isResident(VLM)).isTrue();
            }
            if (startLoaded || faults.size() < f.config.maxLoadRetries()) {
                assertThat(loaded).as("transient faults within the retry budget").isTrue();
            }
        }
    }

    @Property(tries = 30)
    @Label("Property 11: ensureVlmUnloaded returns true only once the VLM is unloaded")
    void property11EnsureVlmUnloadedBlocking(@ForAll @Size(max = 4) List<@From("transientFaults") Fault> faults,
                                             @ForAll @IntRange(max = 30) int lingerPolls) {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.manager.ensureVlmLoaded();
            f.ollama.lingerPolls(lingerPolls);
            f.ollama.failNextGenerate(faults.toArray(Fault[]::new));

            boolean unloaded = f.manager.ensureVlmUnloaded();

            assertThat(unloaded).isEqualTo(!f.manager.isVlmLoaded() && f.manager.getVlmState() == ModelState.UNLOADED);
            if (unloaded) {
                assertThat(f.ollama.isResident(VLM)).as("gone from /api/ps").isFalse();
            }
            boolean withinBudgets = faults.size() < f.config.maxLoadRetries() && lingerPolls <= 15;
            if (withinBudgets) {
                assertThat(unloaded).isTrue();
            }
            if (lingerPolls > 25) {
                assertThat(unloaded).as("still listed after the unload timeout").isFalse();
            }
        }
    }

    @Property(tries = 30)
    @Label("Property 12: getClipDevice is always cpu or cuda")
    void property12GetClipDeviceValidity(@ForAll @Size(max = 10) List<Op> ops,
                                         @ForAll boolean cudaSupported, @ForAll boolean clipUnavailable) {
        try (ManagerFixture f = ManagerFixture.options().sleepsTakeNoTime().build()) {
            f.clip.supportsCuda(cudaSupported);
            if (clipUnavailable) {
                f.clip.makeUnavailable();
            }
            for (Op op : ops) {
                op.apply(f);
                assertThat(f.manager.getClipDevice()).isIn("cpu", "cuda");
            }
        }
    }

    @Property(tries = 10)
    @Label("Property 13: concurrent model operations run one at a time")
    void property13SequentialOperationProcessing(@ForAll @Size(min = 2, max = 6) List<@Size(min = 1, max = 5) List<Op>> perThread)
            throws Exception {
        try (ManagerFixture f = ManagerFixture.options().sleepsTakeNoTime().build()) {
            f.ollama.realLoadDelayMillis(2);
            f.clip.moveMillis(1);
            ExecutorService pool = Executors.newFixedThreadPool(perThread.size());
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (List<Op> ops : perThread) {
                futures.add(pool.submit(() -> {
                    go.await();
                    for (Op op : ops) {
                        op.apply(f);
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> future : futures) {
                future.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertThat(f.operations.max()).isLessThanOrEqualTo(1);
            assertThat(f.gpu.violations()).isEmpty();
        }
    }

    // ------------------------------------------------------------------ generators

    enum Op {
        RECORDING, AUTOPILOT, IDLE, LOAD, UNLOAD, CLIP_GPU, CLIP_CPU, OLLAMA_DOWN, OLLAMA_UP, TICK;

        void apply(ManagerFixture f) {
            switch (this) {
                case RECORDING -> f.switchTo(ExecutionMode.RECORDING);
                case AUTOPILOT -> f.switchTo(ExecutionMode.AUTOPILOT);
                case IDLE -> f.switchTo(ExecutionMode.IDLE);
                case LOAD -> f.manager.ensureVlmLoaded();
                case UNLOAD -> f.manager.ensureVlmUnloaded();
                case CLIP_GPU -> f.manager.migrateClip(ClipDevice.CUDA);
                case CLIP_CPU -> f.manager.migrateClip(ClipDevice.CPU);
                case OLLAMA_DOWN -> f.ollama.setDown(true);
                case OLLAMA_UP -> f.ollama.setDown(false);
                case TICK -> f.advanceAndTick(Duration.ofSeconds(45));
            }
        }
    }

    @Provide
    Arbitrary<FakeOllama.Fault> transientFaults() {
        return Arbitraries.of(FakeOllama.Fault.DISCONNECT_AFTER_REQUEST, FakeOllama.Fault.HTTP_500,
                FakeOllama.Fault.HTTP_503, FakeOllama.Fault.MALFORMED_JSON);
    }

    interface LoadTrigger {
        void run(ManagerFixture f) throws Exception;
    }

    @Provide
    Arbitrary<LoadTrigger> loadTriggers() {
        return Arbitraries.of(
                f -> f.switchTo(ExecutionMode.RECORDING),
                f -> assertThat(f.manager.ensureVlmLoaded()).isTrue(),
                f -> f.manager.acquireVlm().close(),
                f -> assertThat(f.manager.loadVlmAsync().get()).isTrue());
    }
}
