package com.rpavision.gpurm.ui;

import com.rpavision.gpurm.core.journal.Journal;
import com.rpavision.gpurm.core.journal.JournalEntry;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.testing.ManagerFixture;
import com.rpavision.gpurm.testing.MutableClock;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * One run of the real manager on the demo's stand-ins (the Ollama simulator, a 24 GB GPU read as the demo's, a test
 * clock), recorded as the panel hears it through the app's bridge: the status every second and after each event, and the journal the
 * statistics tab reads. A shot replays the whole recording into a fresh panel, so its log, cards, banner,
 * timeline and statistics all come from this one run.
 */
final class ScreenshotRun implements AutoCloseable {

    /** How often the app's bridge hands the panel the status (and after each event). */
    static final Duration SAMPLE = Duration.ofSeconds(1);
    static final long GPU_MB = 24_564;
    static final long DESKTOP_MB = 1_310;

    private sealed interface Heard permits Sampled, Told {
        Instant at();
    }

    private record Sampled(Instant at, GpuResourceStatus status) implements Heard {
    }

    private record Told(Instant at, ResourceChangedEvent event) implements Heard {
    }

    final ManagerFixture f;
    final Instant start;
    private final List<Heard> heard = Collections.synchronizedList(new ArrayList<>());
    private final Path journalDir;
    private final Journal journal;

    ScreenshotRun(UnaryOperator<ManagerFixture.Options> options) {
        f = options.apply(ManagerFixture.options().gpu(GPU_MB, DESKTOP_MB)
                .probe((gpu, clock) -> new ScreenshotGpu(gpu, clock))).build();
        start = f.clock.instant();
        try {
            journalDir = Files.createTempDirectory("gpurm-shots-journal");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        journal = new Journal(journalDir, 1 << 20, 1);
        journal.appendStarted(start);
        f.manager.onResourceChanged(event -> {
            journal.append(event);
            heard.add(new Told(f.clock.instant(), event));
            heard.add(new Sampled(f.clock.instant(), f.manager.getStatus())); // as the bridge does after each event
        });
        sample();
    }

    ScreenshotRun() {
        this(o -> o);
    }

    /** How often the station's RPA agent asks the VLM for something; null while it asks nothing. */
    private static final com.rpavision.gpurm.core.manager.VlmRequest AGENT =
            new com.rpavision.gpurm.core.manager.VlmRequest("rpa-agent/3.1", "/api/chat", java.util.Map.of());
    private Duration agentEvery;
    private Instant agentLastAsked = Instant.MIN;

    /**
     * From now on the RPA agent uses the VLM every {@code every} (through the manager, as the proxy does), or, with
     * null, stops using it. It asks only while the VLM is in and nothing is under way, as a request that would have to
     * wait is not what the scenario is about.
     */
    ScreenshotRun agentAsksEvery(Duration every) {
        agentEvery = every;
        return this;
    }

    private void agentAsks() {
        if (agentEvery == null || f.clock.instant().isBefore(agentLastAsked.plus(agentEvery))) {
            return;
        }
        agentLastAsked = f.clock.instant();
        var lease = f.manager.tryAcquireVlmNow(AGENT);
        if (lease.isPresent()) {
            lease.get().close();
            return;
        }
        // After an idle unload, recording keeps the VLM out until the next request: this one brings it back.
        GpuResourceStatus s = f.manager.getStatus();
        if (s.executionMode() == com.rpavision.gpurm.core.model.ExecutionMode.RECORDING
                && s.vlmState() == com.rpavision.gpurm.core.model.ModelState.UNLOADED
                && s.conditions().isEmpty() && !s.degradedMode()) {
            try (var waited = f.manager.acquireVlm(AGENT)) {
                // the request is answered at once: it only has to find the VLM in
            } catch (com.rpavision.gpurm.core.manager.VlmUnavailableException e) {
                // the manager says why in its status and its log, which is what the picture shows
            }
        }
    }

    /** The bridge's look at the manager: a fresh GPU reading, then the status. */
    void sample() {
        f.vram.sample();
        heard.add(new Sampled(f.clock.instant(), f.manager.getStatus()));
    }

    /**
     * Time passes as the running manager lives it (the watcher at its interval, the maintenance round every second),
     * with the panel's sample every second.
     */
    ScreenshotRun pass(Duration duration) {
        Instant end = f.clock.instant().plus(duration);
        while (f.clock.instant().isBefore(end)) {
            Duration left = Duration.between(f.clock.instant(), end);
            f.watch(left.compareTo(SAMPLE) < 0 ? left : SAMPLE, () -> false);
            agentAsks();
            sample();
        }
        return this;
    }

    /** Time passes while the manager is busy (a load under way): only the clock moves, and the panel samples. */
    ScreenshotRun passWithoutLooking(Duration duration) {
        Instant end = f.clock.instant().plus(duration);
        while (f.clock.instant().isBefore(end)) {
            f.clock.advance(SAMPLE);
            heard.add(new Sampled(f.clock.instant(), f.manager.getStatus()));
        }
        return this;
    }

    /** The last status the panel got. */
    GpuResourceStatus lastStatus() {
        synchronized (heard) {
            for (int i = heard.size() - 1; i >= 0; i--) {
                if (heard.get(i) instanceof Sampled s) {
                    return s.status();
                }
            }
        }
        throw new IllegalStateException("nothing sampled");
    }

    /** The panel's clock for a replay: where this run began. */
    MutableClock panelClock() {
        return new MutableClock(start);
    }

    /** Everything the panel heard, in order, each at its own time on {@code panelClock}; ends at the run's now. */
    void replayInto(DashboardViewModel vm, MutableClock panelClock) {
        replayInto(vm, panelClock, 0);
    }

    /** How much the panel has heard so far: where a later replay of what follows starts. */
    int heardSoFar() {
        return heard.size();
    }

    /** What the panel heard from {@code from} on (a replay continued after more of the run was played). */
    void replayInto(DashboardViewModel vm, MutableClock panelClock, int from) {
        List<Heard> all;
        synchronized (heard) {
            all = List.copyOf(heard.subList(from, heard.size()));
        }
        for (Heard h : all) {
            moveTo(panelClock, h.at());
            if (h instanceof Sampled s) {
                vm.update(s.status());
            } else if (h instanceof Told t) {
                vm.onEvent(t.event());
            }
        }
        moveTo(panelClock, f.clock.instant());
        vm.refreshClock();
    }

    private static void moveTo(MutableClock clock, Instant at) {
        if (at.isAfter(clock.instant())) {
            clock.advance(Duration.between(clock.instant(), at));
        }
    }

    /** The journal the statistics tab reads, as the app's startup hands it over. */
    List<JournalEntry> journal(Instant since) {
        return journal.read(since);
    }

    /** The run's loads of the VLM, as the app seeds a load's progress bar with them. */
    List<Duration> loadTimes() {
        return com.rpavision.gpurm.core.journal.Statistics.loadTimes(journal(start), f.config.vlmModel());
    }

    private final List<Runnable> beforeClose = new ArrayList<>();

    /** What the scenario leaves to finish once its moment is shot (a load held open). */
    void onClose(Runnable finish) {
        beforeClose.add(finish);
    }

    @Override
    public void close() {
        beforeClose.forEach(Runnable::run);
        f.close();
        try (var files = Files.list(journalDir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(journalDir);
        } catch (IOException e) {
            // a temp folder left behind is harmless
        }
    }
}
