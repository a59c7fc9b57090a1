package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.testing.ManagerFixture;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.UiThread;
import com.rpavision.gpurm.ui.dashboard.VramBarModel.Kind;
import com.rpavision.gpurm.ui.dashboard.VramBarModel.Segment;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The VRAM bar names only holders the manager can vouch for: a model Ollama cannot be asked about, a load's memory. */
class VramBarHoldersTest {

    private static final String OTHER = "llama3.2:3b";
    private final ManagerFixture f = ManagerFixture.options().gpu(24_564, 600).build();

    private DashboardViewModel viewModel(Locale locale) {
        DashboardViewModel vm = new DashboardViewModel(f.manager, Runnable::run, new UiThread(Runnable::run),
                new Messages(locale), f.clock);
        f.manager.onResourceChanged(vm::onEvent);
        return vm;
    }

    @AfterEach
    void close() {
        f.close();
    }

    @Test
    void whileOllamaDoesNotAnswerTheOtherModelItLastListedIsNotShownAsPresent() {
        DashboardViewModel vm = viewModel(Locale.ENGLISH);
        f.ollama.install(OTHER, 2_600).preload(OTHER);
        f.manager.observeOllama().join();
        f.vram.sample();
        vm.update(f.manager.getStatus());
        assertThat(vm.vramBar().segments()).extracting(Segment::legend).as("seen while Ollama answers")
                .contains("llama3.2:3b 2.5 GB");

        f.ollama.setDown(true);
        f.advanceAndTick(Duration.ofSeconds(30));
        f.vram.sample();
        vm.update(f.manager.getStatus());

        assertThat(vm.degradedProperty().get()).isTrue();
        assertThat(vm.vramBar().segments()).extracting(Segment::kind).doesNotContain(Kind.OTHER_MODELS);
        assertThat(vm.vramBar().segments()).extracting(Segment::legend).noneMatch(l -> l.contains(OTHER));
    }

    @Test
    void theMemoryALoadFillsIsTheLoadingVisionModelsNotOtherPrograms() {
        DashboardViewModel vm = viewModel(Locale.ENGLISH);
        vm.update(f.manager.getStatus());
        long othersBefore = part(vm, Kind.OTHER_PROCESSES).mb();
        f.ollama.holdLoads();
        vm.switchMode(ExecutionMode.RECORDING);
        await().until(() -> f.ollama.loadsUnderWay() == 1);
        f.vram.sample();
        vm.update(f.manager.getStatus());

        long usedNow = f.manager.getStatus().vram().usedMb();
        assertThat(usedNow).as("the held load has filled part of the GPU").isGreaterThan(othersBefore + 1_000);
        Segment vlm = part(vm, Kind.VLM);
        assertThat(vlm.legend()).startsWith("Vision model (loading) ");
        assertThat(vlm.mb()).isEqualTo(usedNow - othersBefore);
        assertThat(part(vm, Kind.OTHER_PROCESSES).mb()).as("other programs keep what they had").isEqualTo(othersBefore);
        assertThat(vm.vlmFactsProperty().get().get(0).value()).as("the card's In VRAM agrees with the bar")
                .isEqualTo(vm.vramBar().gigabytes(vlm.mb()) + " so far, loading");

        DashboardViewModel fr = viewModel(Locale.FRENCH);
        fr.update(f.manager.getStatus());
        assertThat(part(fr, Kind.VLM).legend()).startsWith("Modèle de vision (en chargement) ");

        f.ollama.finishHeldLoads(true);
        await().until(() -> vm.switchingTextProperty().get().isEmpty());
        vm.update(f.manager.getStatus());
        assertThat(part(vm, Kind.VLM).legend()).as("once loaded, Ollama's own figure").startsWith("Vision model 10.3 GB");
    }

    private static Segment part(DashboardViewModel vm, Kind kind) {
        return vm.vramBar().segments().stream().filter(s -> s.kind() == kind).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in " + vm.vramBar().segments()));
    }
}
