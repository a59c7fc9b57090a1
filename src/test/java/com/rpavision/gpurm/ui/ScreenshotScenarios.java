package com.rpavision.gpurm.ui;

import com.rpavision.gpurm.core.gpu.NoGpuProbe;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.simulator.SimulatedOllama;
import com.rpavision.gpurm.testing.Contention;
import com.rpavision.gpurm.testing.FakeOllama;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * How each state of the screenshot set comes about: the scenario that causes it, played on the real manager. Each
 * run keeps more than the timeline's ten minutes of history before the moment shot, so the log, the cards, the
 * banner and the timeline all tell the same story.
 */
final class ScreenshotScenarios {

    /** The Ollama model another client keeps loaded, as in the demo. */
    static final String OTHER = SimulatedOllama.Settings.OTHER;
    static final long OTHER_MB = 2_600;
    /** The model that keeps taking the VLM's place in the contended state. */
    static final String GUEST = "llama3.1:8b";
    static final long GUEST_MB = 5_200;
    /** A program (not Ollama) that takes a large part of the GPU. */
    static final String BLENDER = "blender";
    /** A load takes this long on the simulated Ollama, as the demo's does. */
    static final Duration LOAD_TIME = Duration.ofMillis(4_500);
    private static final Duration AGENT_EVERY = Duration.ofSeconds(20);
    /** What GpuProbes says on a Linux station with neither NVML nor nvidia-smi (no NVIDIA driver). */
    private static final String NO_GPU_REASON = "No NVIDIA GPU found: NVML library not found (tried libnvidia-ml.so.1, nvidia-ml); "
            + "nvidia-smi not found. Running CPU-only.";

    private ScreenshotScenarios() {
    }

    static ScreenshotRun run(DashboardScreenshotTest.State state) {
        return switch (state) {
            case IDLE, SWITCHING -> idle();
            case RECORDING, DEMO, PROCESSES, OLLAMA_MODELS, SETTINGS -> recording();
            case AUTOPILOT -> autopilot();
            case LOADING -> loading();
            case COUNTDOWN, NOTIFICATION -> countdown();
            case ERROR -> loadError();
            case NOT_PULLED -> notPulled();
            case DEGRADED -> ollamaDown();
            case REFUSED -> refused();
            case CONTENDED -> contended();
            case SPILLED -> spilled();
            case SETTLING -> settling();
            case DRIFTS -> drifts();
            case NO_GPU -> noGpu();
            case STATISTICS -> workingDay();
        };
    }

    /** The demo's Ollama: the VLM and another client's small model, which that client keeps loaded. */
    private static ScreenshotRun demoLike(ScreenshotRun run) {
        run.f.ollama.simulatedLoadTime(LOAD_TIME);
        run.f.ollama.install(OTHER, OTHER_MB);
        run.f.ollama.install(GUEST, GUEST_MB);
        run.f.ollama.preload(OTHER);
        run.sample();
        return run;
    }

    private static ScreenshotRun started() {
        return demoLike(new ScreenshotRun());
    }

    /** The operator switches; while recording or in autopilot the RPA agent uses the VLM every 20 s. */
    private static void switchTo(ScreenshotRun run, ExecutionMode mode) {
        run.agentAsksEvery(mode == ExecutionMode.IDLE ? null : AGENT_EVERY);
        run.f.switchTo(mode);
        run.sample();
    }

    /** A session recorded, then the station left idle: the VLM was unloaded when recording stopped. */
    private static ScreenshotRun idle() {
        ScreenshotRun run = started();
        run.pass(Duration.ofMinutes(2));
        switchTo(run, ExecutionMode.RECORDING);
        run.pass(Duration.ofMinutes(4));
        switchTo(run, ExecutionMode.IDLE);
        return run.pass(Duration.ofMinutes(5));
    }

    /** Recording for a few minutes, after a while idle. */
    private static ScreenshotRun recording() {
        ScreenshotRun run = started();
        run.pass(Duration.ofMinutes(4));
        switchTo(run, ExecutionMode.RECORDING);
        return run.pass(Duration.ofMinutes(7));
    }

    /** Recording, then autopilot: CLIP joins the VLM on the GPU. */
    private static ScreenshotRun autopilot() {
        ScreenshotRun run = started();
        run.pass(Duration.ofMinutes(2));
        switchTo(run, ExecutionMode.RECORDING);
        run.pass(Duration.ofMinutes(4));
        switchTo(run, ExecutionMode.AUTOPILOT);
        return run.pass(Duration.ofMinutes(5));
    }

    /**
     * A morning's loads (recorded, then idle until the idle unload, three times), then recording starts once more and the shot is taken
     * while this load is under way, a few seconds in; the load is then let through so the run ends cleanly.
     */
    private static ScreenshotRun loading() {
        // the held load waits while all eight shots are taken: the fixture's 5 s HTTP timeout would end it in ERROR
        ScreenshotRun run = demoLike(new ScreenshotRun(o -> o.httpTimeout(Duration.ofMinutes(5))));
        for (int i = 0; i < 3; i++) {
            switchTo(run, ExecutionMode.RECORDING);
            run.pass(Duration.ofMinutes(2));
            switchTo(run, ExecutionMode.IDLE);
            run.pass(Duration.ofMinutes(6)); // past the idle timeout: the VLM is unloaded
        }
        run.f.ollama.holdLoads();
        long usedBefore = run.f.gpu.usedMb();
        CompletableFuture<?> switching = run.f.manager.setExecutionMode(ExecutionMode.RECORDING);
        awaitLoading(run);
        run.passWithoutLooking(Duration.ofSeconds(3));
        awaitRunnerMemory(run, usedBefore); // the shot shows the memory the load fills, as the bar names it
        run.sample();
        run.onClose(() -> {
            run.f.ollama.finishHeldLoads(true);
            switching.join();
        });
        return run;
    }

    /** The simulated runner takes its memory once Ollama starts it, a moment after the load is under way. */
    private static void awaitRunnerMemory(ScreenshotRun run, long usedBefore) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (run.f.gpu.usedMb() <= usedBefore) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the held load took no VRAM: " + run.f.gpu.usedMb() + " MB used");
            }
            Thread.onSpinWait();
        }
    }

    private static void awaitLoading(ScreenshotRun run) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (run.f.manager.getVlmState() != ModelState.LOADING || run.f.ollama.loadsUnderWay() == 0) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the load never started: " + run.f.manager.getVlmState() + " " + run.f.ollama.loadsUnderWay() + " " + run.f.events.stream().map(Object::toString).collect(java.util.stream.Collectors.joining("\n")));
            }
            Thread.onSpinWait();
        }
    }

    /** After {@link #countdown()}: the idle timer runs out and the VLM is unloaded. */
    static void idleUnload(ScreenshotRun run) {
        run.pass(Duration.ofMinutes(2).plusSeconds(30));
    }

    /** Recording, and no request for the VLM for a few minutes: the idle unload counts down. */
    private static ScreenshotRun countdown() {
        ScreenshotRun run = started();
        run.pass(Duration.ofMinutes(3));
        switchTo(run, ExecutionMode.RECORDING);
        run.pass(Duration.ofMinutes(4));
        run.agentAsksEvery(null); // the agent stops asking: the idle timer runs
        return run.pass(Duration.ofMinutes(2).plusSeconds(35));
    }

    /** Recording starts and Ollama answers the load with an error. */
    private static ScreenshotRun loadError() {
        ScreenshotRun run = started();
        run.pass(Duration.ofMinutes(8));
        run.f.ollama.failNextGenerate(FakeOllama.Fault.ERROR_FIELD, FakeOllama.Fault.ERROR_FIELD,
                FakeOllama.Fault.ERROR_FIELD, FakeOllama.Fault.ERROR_FIELD);
        switchTo(run, ExecutionMode.RECORDING);
        return run.pass(Duration.ofMinutes(1));
    }

    /** The configured VLM was never pulled into this Ollama. */
    private static ScreenshotRun notPulled() {
        ScreenshotRun run = demoLike(new ScreenshotRun(o -> o.config(c -> c.vlmModel("llava:34b"))));
        run.pass(Duration.ofMinutes(8));
        switchTo(run, ExecutionMode.RECORDING);
        return run.pass(Duration.ofMinutes(1));
    }

    /** Recording, then Ollama stops answering. */
    private static ScreenshotRun ollamaDown() {
        ScreenshotRun run = started();
        run.pass(Duration.ofMinutes(2));
        switchTo(run, ExecutionMode.RECORDING);
        run.pass(Duration.ofMinutes(5));
        run.f.ollama.setDown(true); // its process is gone: nothing answers, and its runners' memory is back
        run.f.ollama.restart();
        return run.pass(Duration.ofMinutes(3));
    }

    /** A render in Blender holds most of the GPU when recording starts: the VLM would not fit, so it is not loaded. */
    private static ScreenshotRun refused() {
        ScreenshotRun run = started();
        run.pass(Duration.ofMinutes(5));
        run.f.gpu.allocate(BLENDER, 14_000);
        run.pass(Duration.ofMinutes(3));
        switchTo(run, ExecutionMode.RECORDING);
        return run.pass(Duration.ofMinutes(1));
    }

    /** Another client keeps loading its model in the VLM's place, until the manager holds off. */
    private static ScreenshotRun contended() {
        ScreenshotRun run = started();
        run.pass(Duration.ofMinutes(3));
        switchTo(run, ExecutionMode.RECORDING);
        run.pass(Duration.ofMinutes(4));
        Contention.provoke(run.f, GUEST, GUEST_MB);
        run.sample();
        return run.pass(Duration.ofSeconds(40));
    }

    /**
     * Recording while Blender holds part of the GPU; another client asks the VLM for a longer context, Ollama
     * reloads it bigger and puts what does not fit on the CPU.
     */
    private static ScreenshotRun spilled() {
        ScreenshotRun run = started();
        run.f.ollama.partialOffload(true);
        run.pass(Duration.ofMinutes(2));
        switchTo(run, ExecutionMode.RECORDING);
        run.pass(Duration.ofMinutes(3));
        run.f.gpu.allocate(BLENDER, 9_000);
        run.pass(Duration.ofMinutes(3));
        run.f.ollama.reloadOutsideWithContext(run.f.config.vlmModel(), 32_768);
        return run.pass(Duration.ofMinutes(1));
    }

    /** Recording; another client's {@code ollama stop} takes the VLM out, and the manager looks again. */
    private static ScreenshotRun settling() {
        ScreenshotRun run = started();
        run.f.ollama.scheduler().evictionGap(Duration.ofMillis(800));
        run.pass(Duration.ofMinutes(3));
        switchTo(run, ExecutionMode.RECORDING);
        run.pass(Duration.ofMinutes(7));
        run.f.ollama.unloadOutside(run.f.config.vlmModel());
        run.f.clock.advance(run.f.config.ollamaWatchInterval());
        run.f.manager.observeOllama().join();
        run.sample();
        return run;
    }

    /** Recording through each kind of removal the manager names, a couple of minutes apart. */
    private static ScreenshotRun drifts() {
        ScreenshotRun run = started();
        String vlm = run.f.config.vlmModel();
        switchTo(run, ExecutionMode.RECORDING);
        run.pass(Duration.ofMinutes(1));
        run.f.ollama.reloadOutsideWithContext(vlm, 16_384);
        run.pass(Duration.ofMinutes(1));
        run.f.ollama.unloadOutside(vlm);
        run.pass(Duration.ofMinutes(1));
        run.f.restartOllama();
        run.pass(Duration.ofMinutes(1));
        run.f.ollama.takeOverKeepAlive(vlm, Duration.ofMinutes(1));
        run.pass(Duration.ofMinutes(2));
        run.f.ollama.scheduler().maxLoadedModels(1);
        run.f.ollama.requestOutside(com.rpavision.gpurm.simulator.Ask.prompt(GUEST, Duration.ofSeconds(20)));
        return run.pass(Duration.ofMinutes(2));
    }

    /** A station without an NVIDIA GPU (or its driver): the manager runs, with nothing to measure. */
    private static ScreenshotRun noGpu() {
        ScreenshotRun run = demoLike(new ScreenshotRun(o -> o.probe((gpu, clock) ->
                new NoGpuProbe(NO_GPU_REASON))));
        run.pass(Duration.ofMinutes(3));
        switchTo(run, ExecutionMode.RECORDING);
        return run.pass(Duration.ofMinutes(2));
    }

    /**
     * A working day, compressed: sessions recorded and replayed with idle spells between them (some long enough
     * for the idle unload), so the statistics tab has a day to count; ends recording.
     */
    private static ScreenshotRun workingDay() {
        ScreenshotRun run = started();
        ExecutionMode[] day = {ExecutionMode.RECORDING, ExecutionMode.AUTOPILOT, ExecutionMode.IDLE,
                ExecutionMode.RECORDING, ExecutionMode.IDLE, ExecutionMode.AUTOPILOT, ExecutionMode.RECORDING};
        int[] minutes = {50, 95, 40, 70, 25, 120, 15};
        for (int i = 0; i < day.length; i++) {
            switchTo(run, day[i]);
            run.f.advanceAndTick(Duration.ofMinutes(minutes[i]).minusMinutes(1));
            run.pass(Duration.ofMinutes(1));
        }
        return run.pass(Duration.ofMinutes(10));
    }
}
