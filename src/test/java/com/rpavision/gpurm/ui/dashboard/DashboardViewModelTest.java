package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.testing.ManagerFixture;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.UiThread;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel.ClipBadge;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel.LogFilter;
import com.rpavision.gpurm.ui.dashboard.DashboardViewModel.VramLevel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The dashboard's view model without the toolkit: current-thread executors, the real manager over the fakes. */
class DashboardViewModelTest {

    private final ManagerFixture f = ManagerFixture.create();
    private DashboardViewModel vm = viewModel(Locale.ENGLISH);

    private DashboardViewModel viewModel(Locale locale) {
        DashboardViewModel model = new DashboardViewModel(f.manager, Runnable::run, new UiThread(Runnable::run),
                new Messages(locale), f.clock);
        f.manager.onResourceChanged(model::onEvent);
        return model;
    }

    @AfterEach
    void close() {
        f.close();
    }

    private void switchAndWait(ExecutionMode mode) {
        vm.switchMode(mode);
        await().until(() -> vm.switchingTextProperty().get().isEmpty());
    }

    @Test
    void aSwitchToAutopilotDuringTheRecordingLoadTakesEffectAndTheLogSaysTheLoadWasCancelled() {
        vm.update(f.manager.getStatus());
        f.ollama.holdLoads();
        vm.switchMode(ExecutionMode.RECORDING);
        await().until(() -> f.ollama.loadsUnderWay() == 1);

        vm.switchMode(ExecutionMode.AUTOPILOT);
        await().until(() -> f.ollama.psWaiting() > 0);
        f.ollama.finishHeldLoads(false);
        await().until(() -> !vm.switchingProperty().get());

        assertThat(vm.modeProperty().get()).isEqualTo(ExecutionMode.AUTOPILOT);
        assertThat(vm.vlmStateProperty().get()).isEqualTo(ModelState.UNLOADED);
        assertThat(vm.visibleLog()).extracting(LogLine::text).anyMatch(t -> t.startsWith("Load of vision model qwen3-vl:8b cancelled"));
        assertThat(f.ollama.isResident("qwen3-vl:8b")).isFalse();
    }

    @Test
    void switchingToRecordingShowsTheProgressThenTheLoadedVlm() {
        vm.update(f.manager.getStatus());
        f.ollama.realLoadDelayMillis(300);

        vm.switchMode(ExecutionMode.RECORDING);
        assertThat(vm.switchingProperty().get()).as("switching shown while it runs").isTrue();
        assertThat(vm.switchingTextProperty().get()).isEqualTo("Switching to Recording…");
        assertThat(vm.modeProperty().get()).isEqualTo(ExecutionMode.RECORDING);
        await().until(() -> vm.switchingTextProperty().get().isEmpty());
        assertThat(vm.switchingProperty().get()).isFalse();

        assertThat(vm.vlmStateProperty().get()).isEqualTo(ModelState.LOADED);
        assertThat(vm.vlmTextProperty().get()).isEqualTo("Loaded");
        assertThat(vm.vramUsageTextProperty().get()).isEqualTo("11,100 / 11,400 MB used");
        assertThat(vm.vramLevelProperty().get()).isEqualTo(VramLevel.CRITICAL);
        assertThat(vm.clipBadgeProperty().get()).isEqualTo(ClipBadge.CPU);
        assertThat(vm.gpuNameProperty().get()).isEqualTo("Fake RTX 4090");
        assertThat(vm.vramBar().segments()).extracting(VramBarModel.Segment::kind).as("the VLM's part comes from /api/ps")
                .startsWith(VramBarModel.Kind.VLM).doesNotContain(VramBarModel.Kind.CLIP);
        assertThat(vm.vramBar().segments().get(0).mb()).isEqualTo(f.ollama.vramMbOf("qwen3-vl:8b"));
    }

    @Test
    void anOutsideChangeIsShownOnTheVlmCardAndInTheLogInBothLanguages() {
        switchAndWait(ExecutionMode.RECORDING);
        f.ollama.restart();
        f.ollama.install("nomic-embed-text", 100); // nothing else: the look after the gap names the restart
        f.ollama.setDown(true);
        f.manager.observeOllama().join();
        f.ollama.setDown(false);
        f.manager.observeOllama().join();
        vm.update(f.manager.getStatus());

        assertThat(vm.vlmNoticeProperty().get()).isEqualTo("Unloaded outside the manager at 08:00: Ollama restarted");
        assertThat(vm.visibleLogAsText()).as("the log line goes on after a colon")
                .contains("Vision model qwen3-vl:8b: unloaded outside the manager at 08:00: Ollama restarted");

        DashboardViewModel fr = viewModel(Locale.FRENCH);
        f.manager.recentEvents().forEach(fr::onEvent); // what happened before it opened, as FxBridge hands it over
        fr.update(f.manager.getStatus());
        assertThat(fr.vlmNoticeProperty().get()).isEqualTo("Déchargé hors du gestionnaire à 08:00\u00a0: Ollama a redémarré");
        assertThat(fr.visibleLogAsText()).as("lower case after a colon in French")
                .contains("Modèle de vision qwen3-vl:8b\u00a0: déchargé hors du gestionnaire à 08:00");
    }

    @Test
    void whileContendedTheBannerNamesTheModelTheCardSaysItReloadsByItselfAndTheActionIsOffered() {
        com.rpavision.gpurm.testing.Contention.provoke(f, "llama3:8b", 5_000);
        vm.update(f.manager.getStatus());

        assertThat(vm.contendedProperty().get()).isTrue();
        assertThat(vm.bannerProperty().get().text()).as("the banner").contains("last by llama3:8b (5,000 MB)");
        assertThat(vm.vlmNoticeProperty().get()).isEqualTo("Vision model pushed out again and again");
        assertThat(vm.vlmDetailProperty().get()).isEqualTo("Reloads by itself once the other model leaves the GPU");
        assertThat(vm.visibleLogAsText()).contains("Vision model qwen3-vl:8b: evicted at").contains("by llama3:8b (5,000 MB)");

        vm.freeGpuForRecording();
        await().until(() -> !vm.freeingGpuProperty().get());
        assertThat(vm.contendedProperty().get()).isFalse();
        assertThat(vm.vlmStateProperty().get()).isEqualTo(com.rpavision.gpurm.core.model.ModelState.LOADED);
        assertThat(vm.actionErrorProperty().get()).isEmpty();
    }

    @Test
    void aVlmGoneAMomentAgoIsOnItsCardNotInTheBanner() {
        switchAndWait(ExecutionMode.RECORDING);
        f.ollama.unloadOutside("qwen3-vl:8b");
        f.manager.observeOllama().join();
        vm.update(f.manager.getStatus());

        assertThat(vm.vlmNoticeProperty().get()).isEqualTo("Vision model gone, checking why");
        assertThat(vm.vlmDetailProperty().get()).isEqualTo("Reloaded once Ollama has settled");
        assertThat(vm.bannerProperty().get()).as("not an alarm yet (this GPU is too small for the VLM to fit again)")
                .extracting(com.rpavision.gpurm.ui.dashboard.Banner::title).isEqualTo("Not enough VRAM");
    }

    @Test
    void autopilotShowsClipOnTheGpuAndTheFreedMemory() {
        switchAndWait(ExecutionMode.RECORDING);
        switchAndWait(ExecutionMode.AUTOPILOT);

        assertThat(vm.vlmTextProperty().get()).isEqualTo("Unloaded");
        assertThat(vm.clipBadgeProperty().get()).isEqualTo(ClipBadge.CUDA);
        assertThat(vm.clipTextProperty().get()).isEqualTo("On GPU");
        assertThat(vm.vramLevelProperty().get()).isEqualTo(VramLevel.OK);
    }

    @Test
    void theLogTellsWhatHappenedInWordsNewestFirstAndFilters() {
        switchAndWait(ExecutionMode.RECORDING);

        assertThat(vm.visibleLog()).extracting(LogLine::text)
                .as("the VRAM the load took is on the load's line, not a line of its own")
                .containsExactly("Vision model qwen3-vl:8b loaded (3.0 s); VRAM 11,100 MB used (+10,500 MB)", "Loading vision model qwen3-vl:8b…",
                        "Mode Idle → Recording");
        vm.logFilterProperty().set(LogFilter.MODES);
        assertThat(vm.visibleLog()).extracting(LogLine::text).containsExactly("Mode Idle → Recording");
        assertThat(vm.visibleLogAsText()).isEqualTo("2026-11-30 08:00:00  Mode Idle → Recording");
    }

    @Test
    void theIdleCountdownRunsInWholeMinutesAndInSecondsOnlyInTheLastMinute() {
        switchAndWait(ExecutionMode.RECORDING);
        DashboardViewModel fr = viewModel(Locale.FRENCH);
        f.clock.advance(Duration.ofSeconds(100));
        vm.refreshClock();
        fr.update(f.manager.getStatus());
        assertThat(vm.vlmDetailProperty().get()).as("3:20 left, rounded up").isEqualTo("Unloads in 4 min when idle");
        assertThat(fr.vlmDetailProperty().get()).isEqualTo("D\u00e9chargement dans 4\u00a0min sans activit\u00e9");
        List<String> shown = new java.util.ArrayList<>();
        vm.vlmDetailProperty().addListener((o, was, now) -> shown.add(now));
        for (int i = 0; i < 60; i++) {
            f.clock.advance(Duration.ofSeconds(1));
            vm.refreshClock();
        }
        assertThat(shown).as("a minute of ticks changes the line once").containsExactly("Unloads in 3 min when idle");
        f.clock.advance(Duration.ofSeconds(125)); // 15 s left
        vm.refreshClock();
        assertThat(vm.vlmDetailProperty().get()).isEqualTo("Unloads in 15 s when idle");
    }

    @Test
    void aLoadShowsItsElapsedTime() {
        GpuResourceStatus idle = f.manager.getStatus();
        GpuResourceStatus loading = new GpuResourceStatus(idle.executionMode(), ModelState.LOADING, idle.vlmModel(),
                idle.clipDevice(), idle.vram(), idle.idleTimeoutSeconds(), null, false, null, null, idle.clip(),
                idle.gpus(), idle.processes(), true, "fake", null, null);
        vm.update(loading);
        f.clock.advance(Duration.ofSeconds(7));
        vm.refreshClock();
        assertThat(vm.vlmTextProperty().get()).isEqualTo("Loading… 7 s");
        assertThat(vm.loadFractionProperty().get()).as("no load seen before: indeterminate").isEqualTo(-1);
    }

    @Test
    void theLogNamesEachModelAsTheOperatorKnowsIt() {
        vm.onEvent(ResourceChangedEvent.of(f.clock.instant(), EventType.MODEL_ERROR, "model", "clip-vit-b32",
                "reason", "CLIP could not move to gpu: out of memory", "reason_code", "CLIP_MOVE_FAILED",
                "reason_args", List.of("gpu", "out of memory")));
        vm.onEvent(ResourceChangedEvent.of(f.clock.instant(), EventType.MODEL_UNLOADING, "model", "qwen3-vl:8b"));
        assertThat(vm.visibleLog()).extracting(LogLine::text)
                .anySatisfy(t -> assertThat(t).startsWith("Image matcher (CLIP): ").doesNotContain("clip-vit-b32"))
                .contains("Unloading vision model qwen3-vl:8b\u2026");
    }

    @Test
    void aLoadIsMeasuredAgainstTheUsualLoadTimeFromTheJournalAndThisSession() {
        GpuResourceStatus idle = f.manager.getStatus();
        vm.update(idle);
        vm.seedLoadTimes(List.of(Duration.ofSeconds(36), Duration.ofSeconds(40)));
        vm.onEvent(ResourceChangedEvent.of(f.clock.instant(), EventType.MODEL_LOADED, "model", idle.vlmModel(),
                "duration_ms", 38_000L));
        vm.onEvent(ResourceChangedEvent.of(f.clock.instant(), EventType.MODEL_LOADED, "model", "llama3:8b",
                "duration_ms", 2_000L)); // another model's load says nothing about the VLM's

        vm.update(new GpuResourceStatus(idle.executionMode(), ModelState.LOADING, idle.vlmModel(),
                idle.clipDevice(), idle.vram(), idle.idleTimeoutSeconds(), null, false, null, null, idle.clip(),
                idle.gpus(), idle.processes(), true, "fake", null, null));
        f.clock.advance(Duration.ofSeconds(19));
        vm.refreshClock();

        assertThat(vm.vlmTextProperty().get()).isEqualTo("Loading… 19 s of about 38 s");
        assertThat(vm.loadFractionProperty().get()).isEqualTo(0.5);
        f.clock.advance(Duration.ofSeconds(21));
        vm.refreshClock();
        assertThat(vm.vlmTextProperty().get()).isEqualTo("Loading… 40 s (usually about 38 s)");
        assertThat(vm.loadFractionProperty().get()).isEqualTo(-1);
    }

    @Test
    void theVerdictAndTheCardNameTheSameUsualLoadTime() {
        GpuResourceStatus idle = f.manager.getStatus();
        vm.update(idle);
        vm.onEvent(ResourceChangedEvent.of(f.clock.instant(), EventType.MODEL_LOADED, "model", idle.vlmModel(),
                "duration_ms", 4_500L)); // the demo's load: "about 5 s" on the card, and not "/4 s" above it
        GpuResourceStatus loading = new GpuResourceStatus(ExecutionMode.RECORDING, ModelState.LOADING, idle.vlmModel(),
                idle.clipDevice(), idle.vram(), idle.idleTimeoutSeconds(), null, false, null, null, idle.clip(),
                idle.gpus(), idle.processes(), true, "fake", null, null);
        vm.update(loading);
        f.clock.advance(Duration.ofSeconds(2));
        vm.update(loading);
        vm.refreshClock();

        assertThat(vm.vlmTextProperty().get()).isEqualTo("Loading… 2 s of about 5 s");
        assertThat(vm.verdictProperty().get().text()).isEqualTo("LOADING 2/5 s");
    }

    @Test
    void degradedModeShowsTheReason() {
        f.ollama.setDown(true);
        f.advanceAndTick(Duration.ofSeconds(30));
        vm.update(f.manager.getStatus());

        assertThat(vm.degradedProperty().get()).isTrue();
        assertThat(vm.bannerProperty().get().text()).startsWith("Nothing answers at http://").contains("ollama serve", "Ollama address in Settings");
        assertThat(vm.visibleLog()).extracting(LogLine::text).anyMatch(t -> t.startsWith("Working with limits: Ollama is not answering"));
    }

    @Test
    void aRefusedClipMoveSaysWhy() {
        switchAndWait(ExecutionMode.RECORDING);
        vm.moveClip(ClipDevice.CUDA);
        await().until(() -> !vm.actionErrorProperty().get().isEmpty());
        assertThat(vm.actionErrorProperty().get()).startsWith("Matcher to GPU failed: Not enough VRAM");
    }

    @Test
    void theProcessTableListsTheBiggestUsersFirst() {
        switchAndWait(ExecutionMode.RECORDING);
        f.clock.advance(Duration.ofSeconds(2));
        f.vram.sample();
        vm.update(f.manager.getStatus());

        assertThat(vm.processes()).extracting(ProcessRow::name, ProcessRow::memory)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("ollama — qwen3-vl:8b", "10,500"));
        assertThat(vm.processNoteProperty().get()).isEmpty();
    }

    @Test
    void eachOllamaRunnerInTheProcessTableNamesTheModelItHolds() {
        try (ManagerFixture roomy = ManagerFixture.options().gpu(24_564, 600).build()) {
            DashboardViewModel model = new DashboardViewModel(roomy.manager, Runnable::run, new UiThread(Runnable::run),
                    new Messages(Locale.ENGLISH), roomy.clock);
            roomy.ollama.install("llama3:8b", 5_000).preload("llama3:8b");
            roomy.switchTo(ExecutionMode.RECORDING);
            roomy.gpu.allocate("blender", 1_200);
            roomy.manager.observeOllama().join();
            roomy.clock.advance(Duration.ofSeconds(2)); // the process list is read once a second
            roomy.vram.sample();
            model.update(roomy.manager.getStatus());

            assertThat(model.processes()).extracting(ProcessRow::name, ProcessRow::memory).containsExactly(
                    org.assertj.core.groups.Tuple.tuple("ollama — qwen3-vl:8b", "10,500"),
                    org.assertj.core.groups.Tuple.tuple("ollama — llama3:8b", "5,000"),
                    org.assertj.core.groups.Tuple.tuple("blender", "1,200"));
        }
    }

    @Test
    void whenTheDriverCannotTellPerProcessMemoryTheTableSaysSoInsteadOfZero() {
        GpuResourceStatus base = f.manager.getStatus();
        GpuResourceStatus wddm = new GpuResourceStatus(base.executionMode(), base.vlmState(), base.vlmModel(),
                base.clipDevice(), base.vram(), base.idleTimeoutSeconds(), null, false, null, null, base.clip(),
                base.gpus(), java.util.List.of(new com.rpavision.gpurm.core.model.GpuProcess(0, 4242, "ollama.exe",
                java.util.OptionalLong.empty())), false, "NVML", null, null);
        vm.update(wddm);
        assertThat(vm.processes()).singleElement().satisfies(r -> assertThat(r.memory()).isEqualTo("n/a"));
        assertThat(vm.processNoteProperty().get()).contains("Windows WDDM");
    }

    @Test
    void theTimelineKeepsTenMinutesAndMarksWhatHappened() {
        vm.update(f.manager.getStatus());
        switchAndWait(ExecutionMode.RECORDING);
        for (int i = 0; i < 700; i++) {
            f.clock.advance(Duration.ofSeconds(1));
            if (i % 50 == 0) {
                f.manager.reassertVlmKeepAlive().join(); // the lease, as the maintenance round renews it
            }
            vm.update(f.manager.getStatus());
        }
        assertThat(vm.timeline().points()).hasSizeBetween(600, 601);
        assertThat(vm.timeline().points().get(vm.timeline().points().size() - 1).usedMb()).isEqualTo(11_100);
        assertThat(vm.timeline().markers()).as("older than ten minutes").isEmpty();

        switchAndWait(ExecutionMode.AUTOPILOT);
        assertThat(vm.timeline().markers()).extracting(VramTimeline.Marker::label)
                .contains("Mode Recording → Autopilot", "Vision model qwen3-vl:8b unloaded, 10,500 MB freed");
        assertThat(vm.timeline().markers()).extracting(VramTimeline.Marker::kind)
                .contains(VramTimeline.Kind.MODE, VramTimeline.Kind.UNLOAD);
    }

    @Test
    void temperatureAndPowerAreShownWhereTheDriverGivesThemAndFollowTheTimeline() {
        vm.update(f.manager.getStatus());
        assertThat(vm.vramFreeTextProperty().get()).endsWith("GPU 37% · 58 °C · 112 of 450 W");
        VramTimeline.Point point = vm.timeline().points().get(0);
        assertThat(point.utilizationPercent()).isEqualTo(37);
        assertThat(point.temperatureC()).hasValue(58);
        assertThat(point.powerPercentOfLimit()).as("112 of 450 W").hasValue(25);

        GpuResourceStatus base = f.manager.getStatus();
        com.rpavision.gpurm.core.model.VramInfo v = base.vram();
        com.rpavision.gpurm.core.model.VramInfo laptop = new com.rpavision.gpurm.core.model.VramInfo(v.index(),
                v.gpuName(), v.totalMb(), v.usedMb(), v.freeMb(), 5, v.uuid(), v.reservedMb(), v.driverVersion(),
                new com.rpavision.gpurm.core.model.GpuSensors(java.util.OptionalInt.of(49), java.util.OptionalInt.empty(),
                        java.util.OptionalInt.empty()));
        f.clock.advance(Duration.ofSeconds(1));
        vm.update(new GpuResourceStatus(base.executionMode(), base.vlmState(), base.vlmModel(), base.clipDevice(),
                laptop, base.idleTimeoutSeconds(), null, false, null, null, base.clip(), base.gpus(), base.processes(),
                true, "NVML", null, null));
        assertThat(vm.vramFreeTextProperty().get()).endsWith("GPU 5% · 49 °C").doesNotContain(" W");
        assertThat(vm.timeline().points().get(1).powerPercentOfLimit()).isEmpty();
    }

    @Test
    void onWindowsTheSharedGpuMemoryIsShownAndAWarningWhenAModelLikelySpilledThere() {
        vm.update(f.manager.getStatus());
        assertThat(vm.vramSharedTextProperty().get()).as("no figure off Windows").isEmpty();

        GpuResourceStatus base = f.manager.getStatus();
        for (long shared : new long[]{380, 2_048}) {
            vm.update(new GpuResourceStatus(base.executionMode(), base.vlmState(), base.vlmModel(), base.clipDevice(),
                    base.vram().withSharedMb(shared), base.idleTimeoutSeconds(), null, false, null, null, base.clip(),
                    base.gpus(), base.processes(), true, "NVML", null, null));
            assertThat(vm.vramSharedTextProperty().get()).startsWith("Shared GPU memory (system RAM): " + (shared == 380 ? "380" : "2,048") + " MB");
            assertThat(vm.vramSpilledProperty().get()).isEqualTo(shared >= VramCardState.SPILL_WARNING_MB);
        }
        assertThat(vm.vramSharedTextProperty().get()).contains("runs much slower");
    }

    @Test
    void everyOtherGpuGetsItsOwnLine() {
        GpuResourceStatus base = f.manager.getStatus();
        com.rpavision.gpurm.core.model.VramInfo second =
                new com.rpavision.gpurm.core.model.VramInfo(1, "NVIDIA RTX A2000 12GB", 12_282, 900, 11_382, 3);
        vm.update(new GpuResourceStatus(base.executionMode(), base.vlmState(), base.vlmModel(), base.clipDevice(),
                base.vram(), base.idleTimeoutSeconds(), null, false, null, null, base.clip(),
                java.util.List.of(base.vram(), second), java.util.List.of(), true, "NVML", null, null));
        assertThat(vm.otherGpus()).containsExactly("GPU 1 · NVIDIA RTX A2000 12GB · 900 / 12,282 MB used");
        vm.update(f.manager.getStatus());
        assertThat(vm.otherGpus()).isEmpty();
    }

    @Test
    void theCoresReasonsReadInFrenchToo() {
        vm = viewModel(Locale.FRENCH);
        f.ollama.setDown(true);
        f.advanceAndTick(Duration.ofSeconds(30));
        vm.update(f.manager.getStatus());
        assertThat(vm.bannerProperty().get().text()).startsWith("Rien ne répond à http://localhost:");
        assertThat(vm.visibleLog()).extracting(LogLine::text).anyMatch(t -> t.startsWith("Fonctionnement limité\u00a0: Ollama ne répond pas"));

        f.ollama.setDown(false);
        f.advanceAndTick(Duration.ofSeconds(30));
        switchAndWait(ExecutionMode.RECORDING);
        vm.moveClip(com.rpavision.gpurm.core.model.ClipDevice.CUDA);
        await().until(() -> !vm.actionErrorProperty().get().isEmpty());
        assertThat(vm.actionErrorProperty().get()).startsWith("Échec\u00a0: Comparateur sur le GPU\u00a0: VRAM insuffisante\u00a0: 300 Mo libres sur 11 400 Mo");
    }

    @Test
    void whyClipIsNotOnTheGpuReadsInFrench() {
        vm = viewModel(Locale.FRENCH);
        f.clip.supportsCuda(false);
        GpuResourceStatus base = f.manager.getStatus();
        com.rpavision.gpurm.core.model.Reason cpuOnly = com.rpavision.gpurm.core.model.Reason.of(
                com.rpavision.gpurm.core.model.Reason.Code.CUDA_CPU_ONLY, "libtorch 2.7.1 sees no CUDA device", "2.7.1");
        com.rpavision.gpurm.core.model.ClipStatus clip = com.rpavision.gpurm.core.model.ClipStatus.of(
                com.rpavision.gpurm.core.model.ClipStatus.Availability.AVAILABLE, com.rpavision.gpurm.core.model.ClipDevice.CPU,
                null, cpuOnly);
        vm.update(new GpuResourceStatus(base.executionMode(), base.vlmState(), base.vlmModel(), "cpu", base.vram(),
                base.idleTimeoutSeconds(), null, false, null, null, clip, base.gpus(), base.processes(), true, "NVML",
                null, null));
        assertThat(vm.clipDetailProperty().get()).isEqualTo("Pas sur le GPU\u00a0: libtorch 2.7.1 ne voit aucun périphérique CUDA"
                + " (la libtorch fournie est pour CPU\u00a0; indiquez le dossier d’une libtorch CUDA)");
    }

    @Test
    void clipStillStartingReadsStartingNotUnavailableInBothLanguages() {
        GpuResourceStatus base = f.manager.getStatus();
        com.rpavision.gpurm.core.model.Reason starting = com.rpavision.gpurm.core.model.Reason.of(
                com.rpavision.gpurm.core.model.Reason.Code.CLIP_STARTING, "starting");
        GpuResourceStatus atStart = new GpuResourceStatus(base.executionMode(), base.vlmState(), base.vlmModel(), "cpu",
                base.vram(), base.idleTimeoutSeconds(), null, false, null, null,
                com.rpavision.gpurm.core.model.ClipStatus.of(com.rpavision.gpurm.core.model.ClipStatus.Availability.UNAVAILABLE,
                        com.rpavision.gpurm.core.model.ClipDevice.CPU, starting, starting),
                base.gpus(), base.processes(), true, "NVML", null, null);
        vm.update(atStart);
        assertThat(vm.clipBadgeProperty().get()).isEqualTo(ClipBadge.STARTING);
        assertThat(vm.clipTextProperty().get()).isEqualTo("Starting\u2026");
        assertThat(vm.clipDetailProperty().get()).as("not said twice").isEmpty();
        vm = viewModel(Locale.FRENCH);
        vm.update(atStart);
        assertThat(vm.clipTextProperty().get()).isEqualTo("D\u00e9marrage\u2026");
        vm.update(f.manager.getStatus());
        assertThat(vm.clipBadgeProperty().get()).as("once started").isEqualTo(ClipBadge.CPU);
    }

    @Test
    void everythingReadsInFrench() {
        vm = viewModel(Locale.FRENCH);
        switchAndWait(ExecutionMode.RECORDING);

        assertThat(vm.vlmTextProperty().get()).isEqualTo("Chargé");
        assertThat(vm.vramUsageTextProperty().get()).isEqualTo("11\u202f100 / 11\u202f400 Mo utilisés");
        assertThat(vm.clipTextProperty().get()).isEqualTo("Sur le CPU");
        assertThat(vm.visibleLog()).extracting(LogLine::text).contains("Mode Inactif → Enregistrement");
    }

    @Test
    void theModeAndTheVlmReadInTheWindowTitleAndTheModeNameFollowsTheSwitch() {
        vm.update(f.manager.getStatus());
        assertThat(vm.stateTitleProperty().get()).isEqualTo("Idle · Vision model unloaded");

        switchAndWait(ExecutionMode.RECORDING);

        assertThat(vm.modeTextProperty().get()).isEqualTo("Recording");
        assertThat(vm.stateTitleProperty().get()).isEqualTo("Recording · Vision model loaded");
        DashboardViewModel fr = viewModel(Locale.FRENCH);
        fr.update(f.manager.getStatus());
        assertThat(fr.stateTitleProperty().get()).isEqualTo("Enregistrement · Modèle de vision chargé");
    }

    @Test
    void recordingAfterAnIdleUnloadSaysTheVlmLoadsOnTheNextRequest() {
        switchAndWait(ExecutionMode.RECORDING);
        assertThat(vm.vlmDetailProperty().get()).startsWith("Unloads in");

        f.advanceAndTick(Duration.ofSeconds(301));
        vm.update(f.manager.getStatus());

        assertThat(f.manager.getExecutionMode()).isEqualTo(ExecutionMode.RECORDING);
        assertThat(vm.vlmTextProperty().get()).isEqualTo("Unloaded");
        assertThat(vm.vlmDetailProperty().get()).isEqualTo("Loads on the next request");
        switchAndWait(ExecutionMode.IDLE);
        assertThat(vm.vlmDetailProperty().get()).as("only RECORDING brings it back by itself")
                .doesNotContain("next request").startsWith("Needs about");
    }

    @Test
    void beforeALoadTheVlmCardAndTheRecordingTooltipSayWhatItNeedsAndWhatCanBeHad() {
        vm.update(f.manager.getStatus());
        assertThat(vm.vlmFitTextProperty().get()).as("its size is learnt at its first load").isEmpty();

        switchAndWait(ExecutionMode.RECORDING);
        assertThat(vm.vlmFitTextProperty().get()).as("nothing to tell while it is loaded").isEmpty();
        long need = f.ollama.vramMbOf("qwen3-vl:8b");
        switchAndWait(ExecutionMode.IDLE);
        f.manager.unloadVlmAsync().join();
        vm.update(f.manager.getStatus());
        assertThat(vm.vlmFitTextProperty().get()).matches("Needs about [0-9.]+ GB; [0-9.]+ GB available")
                .contains(String.format(Locale.ROOT, "%.1f GB;", need / 1024.0));
        assertThat(vm.vlmDetailProperty().get()).isEqualTo(vm.vlmFitTextProperty().get());

        f.gpu.allocate("blender", f.gpu.freeMb() - 1_000);
        f.vram.sample();
        vm.update(f.manager.getStatus());
        assertThat(vm.vlmFitTextProperty().get()).endsWith("is available: it will not load. Free VRAM first.");
    }

    @Test
    void conditionsInForceGoToTheBannerAndLeaveWhenTheyClear() {
        vm.update(f.manager.getStatus());
        assertThat(vm.bannerProperty().get()).isNull();
        GpuResourceStatus base = f.manager.getStatus();
        com.rpavision.gpurm.core.model.Reason partly = com.rpavision.gpurm.core.model.Reason.of(
                com.rpavision.gpurm.core.model.Reason.Code.VLM_PARTLY_ON_CPU, "partly", "qwen3-vl:8b", 6_000, 10_500);
        vm.update(new GpuResourceStatus(base.executionMode(), base.vlmState(), base.vlmModel(), base.clipDevice(),
                base.vram(), base.idleTimeoutSeconds(), null, false, null, null, base.clip(), base.gpus(),
                base.processes(), true, "fake", null, null, java.util.List.of(), null, java.util.List.of(partly), null, null, null));

        assertThat(vm.bannerProperty().get().text()).startsWith("qwen3-vl:8b has only 6,000 of its 10,500 MB on the GPU");
        assertThat(vm.vlmNoticeProperty().get()).as("named on the card, explained once in the banner")
                .isEqualTo("Vision model partly on the CPU");

        vm.update(base);
        assertThat(vm.bannerProperty().get()).isNull();
    }

    @Test
    void actionsAreOfferedOnlyWhereTheyApply() {
        vm.update(f.manager.getStatus());
        assertThat(vm.loadEnabledProperty().get()).isTrue();
        assertThat(vm.unloadEnabledProperty().get()).as("nothing to unload").isFalse();
        assertThat(vm.clipGpuEnabledProperty().get()).isTrue();
        assertThat(vm.clipCpuEnabledProperty().get()).as("CLIP is on the CPU already").isFalse();

        switchAndWait(ExecutionMode.RECORDING);
        assertThat(vm.loadEnabledProperty().get()).as("loaded already").isFalse();
        assertThat(vm.unloadEnabledProperty().get()).isTrue();

        switchAndWait(ExecutionMode.AUTOPILOT);
        assertThat(vm.clipGpuEnabledProperty().get()).isFalse();
        assertThat(vm.clipCpuEnabledProperty().get()).as("the autopilot would move it back").isFalse();
        assertThat(vm.clipNoteProperty().get()).startsWith("Autopilot places the image matcher itself");

        switchAndWait(ExecutionMode.IDLE);
        assertThat(vm.clipNoteProperty().get()).isEmpty();
        f.ollama.setDown(true);
        f.advanceAndTick(Duration.ofSeconds(30));
        vm.update(f.manager.getStatus());
        assertThat(vm.loadEnabledProperty().get()).as("no Ollama to load into").isFalse();
    }

    @Test
    void retryNowSaysCheckingThenWhatItFoundAndWhen() {
        f.ollama.setDown(true);
        f.advanceAndTick(Duration.ofSeconds(30));
        vm.update(f.manager.getStatus());
        java.util.concurrent.CompletableFuture<Void> check = new java.util.concurrent.CompletableFuture<>();

        vm.retryNow(() -> check);
        assertThat(vm.bannerAnswerProperty().get()).isEqualTo("Checking…");
        assertThat(vm.retryingProperty().get()).isTrue();
        check.complete(null);

        assertThat(vm.retryingProperty().get()).isFalse();
        assertThat(vm.bannerAnswerProperty().get()).isEqualTo("Checked at 08:00:30: still not everything answers.");
        f.ollama.setDown(false);
        vm.retryNow(f.manager::retryNow);
        await().until(() -> vm.bannerAnswerProperty().get().contains("everything answers"));
        assertThat(vm.degradedProperty().get()).isFalse();
    }

    @Test
    void copyGivesTheLinesNewestFirstWithTheirDatesAndSaysHowMany() {
        switchAndWait(ExecutionMode.RECORDING);
        vm.logFilterProperty().set(LogFilter.MODELS);

        String copied = vm.copyVisibleLog();

        assertThat(copied.split(System.lineSeparator())).containsExactly(
                "2026-11-30 08:00:03  Vision model qwen3-vl:8b loaded (3.0 s); VRAM 11,100 MB used (+10,500 MB)",
                "2026-11-30 08:00:00  Loading vision model qwen3-vl:8b…");
        assertThat(vm.copyTextProperty().get()).isEqualTo("Copied 2 lines, newest first.");
    }

    @Test
    void anIdleUnloadIsOneLineThatSaysWhatItFreed() {
        switchAndWait(ExecutionMode.RECORDING);
        f.advanceAndTick(Duration.ofSeconds(301));

        assertThat(vm.visibleLog()).extracting(LogLine::text).first()
                .as("the VRAM it freed, measured, on its own line: no separate VRAM line before it")
                .isEqualTo("Vision model qwen3-vl:8b unloaded after 301 s idle; VRAM 600 MB used (-10,500 MB)");
        assertThat(vm.visibleLog()).extracting(LogLine::text).element(1).asString().doesNotStartWith("VRAM");
        vm.logFilterProperty().set(LogFilter.MODELS);
        assertThat(vm.visibleLog()).extracting(LogLine::text).noneMatch(t -> t.startsWith("Unloading"));
    }

    @Test
    void vramChangesInARowAreOneLineAndTheHealthFilterLeavesThemOut() {
        vm.update(f.manager.getStatus());
        f.gpu.allocate("blender", 2_000);
        f.vram.sample();
        f.gpu.allocate("game", 1_000);
        f.vram.sample();

        assertThat(vm.visibleLog()).extracting(LogLine::text).first().isEqualTo("VRAM 3,600 MB used (+3,000 MB)");
        assertThat(vm.visibleLog()).extracting(LogLine::text).filteredOn(t -> t.startsWith("VRAM")).hasSize(1);
        vm.logFilterProperty().set(LogFilter.HEALTH);
        assertThat(vm.visibleLog()).extracting(LogLine::kind).doesNotContain(LogLine.Kind.VRAM);
    }

    @Test
    void theVerdictSaysWhetherTheModesModelIsReadyAndASwitchNeverShowsItsTargetAsReached() {
        vm.update(f.manager.getStatus());
        assertThat(vm.verdictProperty().get().kind()).as("IDLE needs nothing").isEqualTo(Verdict.Kind.NONE);

        f.ollama.holdLoads();
        vm.switchMode(ExecutionMode.RECORDING);
        await().until(() -> f.ollama.loadsUnderWay() == 1);
        vm.update(f.manager.getStatus());
        assertThat(vm.verdictProperty().get().shown()).isEqualTo("\u2192 Recording\u2026");
        assertThat(vm.modeTextProperty().get()).as("the header keeps the mode reached").isEqualTo("Idle");
        assertThat(vm.modeProperty().get()).as("the switcher shows the choice").isEqualTo(ExecutionMode.RECORDING);

        f.ollama.finishHeldLoads(true);
        await().until(() -> vm.switchingTextProperty().get().isEmpty());
        assertThat(vm.verdictProperty().get().shown()).isEqualTo("\u2713 READY");
        assertThat(vm.modeTextProperty().get()).isEqualTo("Recording");

        f.ollama.setDown(true);
        f.advanceAndTick(Duration.ofSeconds(30));
        vm.update(f.manager.getStatus());
        assertThat(vm.verdictProperty().get().kind()).isEqualTo(Verdict.Kind.OLLAMA_DOWN);
        assertThat(vm.verdictProperty().get().text()).isEqualTo("OLLAMA DOWN");
    }

    @Test
    void autopilotIsReadyOnceClipIsAndSaysSoInFrench() {
        DashboardViewModel fr = viewModel(Locale.FRENCH);
        switchAndWait(ExecutionMode.AUTOPILOT);
        fr.update(f.manager.getStatus());
        vm.update(f.manager.getStatus());
        assertThat(vm.verdictProperty().get().shown()).isEqualTo("\u2713 READY");
        assertThat(fr.verdictProperty().get().text()).isEqualTo("PR\u00caT");
    }

    @Test
    void vramThatComesBackWhereItWasLeavesNoLine() {
        vm.update(f.manager.getStatus());
        f.gpu.allocate("blender", 2_000);
        f.vram.sample();
        f.gpu.release("blender");
        f.vram.sample();

        assertThat(vm.visibleLog()).extracting(LogLine::text).noneMatch(t -> t.startsWith("VRAM"));
    }

    @Test
    void aVramChangeLongAfterTheLastActionIsALineOfItsOwn() {
        switchAndWait(ExecutionMode.RECORDING);
        f.vram.sample();
        f.clock.advance(EventLog.CAUSE_WINDOW.plusSeconds(1));
        String used = vm.visibleLog().get(0).text();
        f.gpu.allocate("blender", 250);
        f.vram.sample();

        assertThat(vm.visibleLog()).extracting(LogLine::text).first().asString().startsWith("VRAM ").endsWith(" (+250 MB)");
        assertThat(vm.visibleLog().get(1).text()).as("the load's line as it was").isEqualTo(used);
    }

    @Test
    void durationsAndFiguresAreInThePanelsLanguage() {
        vm = viewModel(Locale.FRENCH);
        switchAndWait(ExecutionMode.RECORDING);

        assertThat(vm.visibleLog()).extracting(LogLine::text).first()
                .isEqualTo("Mod\u00e8le de vision qwen3-vl:8b charg\u00e9 (3,0\u00a0s)\u00a0; VRAM 11\u202f100 Mo utilis\u00e9s (+10\u202f500 Mo)");
    }

    @Test
    void theDemosSimulatedGpuIsSaidInThePanelsLanguage() {
        vm = viewModel(Locale.FRENCH);
        GpuResourceStatus base = f.manager.getStatus();
        com.rpavision.gpurm.core.model.VramInfo demo = new com.rpavision.gpurm.core.model.VramInfo(0,
                "NVIDIA GeForce RTX 4090 (simulated)", 24_564, 1_310, 23_254, 3);
        vm.update(new GpuResourceStatus(base.executionMode(), base.vlmState(), base.vlmModel(), base.clipDevice(),
                demo, base.idleTimeoutSeconds(), null, false, null, null, base.clip(), java.util.List.of(demo),
                java.util.List.of(), true, "demo", null, null));
        assertThat(vm.gpuNameProperty().get()).isEqualTo("NVIDIA GeForce RTX 4090 (simulé)");
    }
}
