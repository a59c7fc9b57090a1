package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.testing.ManagerFixture;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.UiThread;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Issue 25, item 7: the vision model and image matcher cards say what they hold and when they move. */
class CardFactsTest {

    private final ManagerFixture f = ManagerFixture.create();

    private DashboardViewModel viewModel(Locale locale) {
        DashboardViewModel vm = new DashboardViewModel(f.manager, Runnable::run, new UiThread(Runnable::run),
                new Messages(locale), f.clock);
        f.manager.onResourceChanged(vm::onEvent);
        vm.clipNeedsMoreThanMb(f.config.vramThresholdForClipGpuMb());
        return vm;
    }

    @AfterEach
    void close() {
        f.close();
    }

    private static String value(List<CardFact> facts, String label) {
        return facts.stream().filter(fact -> fact.label().equals(label)).map(CardFact::value).findFirst()
                .orElseThrow(() -> new AssertionError("no fact '" + label + "' in " + facts));
    }

    @Test
    void beforeAnyLoadTheVisionModelCardSaysItHoldsNothingAndHasSeenNoRequest() {
        DashboardViewModel vm = viewModel(Locale.ENGLISH);
        vm.update(f.manager.getStatus());

        List<CardFact> facts = vm.vlmFactsProperty().get();
        assertThat(facts).extracting(CardFact::label).containsExactly("In VRAM", "Last request", "A load takes", "Idle unload");
        assertThat(value(facts, "In VRAM")).isEqualTo("Nothing");
        assertThat(value(facts, "Last request")).isEqualTo("None since the start");
        assertThat(value(facts, "A load takes")).isEqualTo("Not measured yet");
        assertThat(value(facts, "Idle unload")).isEqualTo("After " + f.config.idleTimeoutSeconds() / 60 + " min without a request");
    }

    @Test
    void aLoadedVisionModelShowsItsVramAndTheLoadItTook() {
        DashboardViewModel vm = viewModel(Locale.ENGLISH);
        f.ollama.realLoadDelayMillis(2_400);
        vm.switchMode(ExecutionMode.RECORDING);
        await().until(() -> vm.switchingTextProperty().get().isEmpty());
        vm.update(f.manager.getStatus());

        List<CardFact> facts = vm.vlmFactsProperty().get();
        long vlmMb = f.manager.getStatus().vramBreakdown().vlmMb();
        assertThat(vlmMb).isPositive();
        assertThat(value(facts, "In VRAM")).isEqualTo(String.format(Locale.ENGLISH, "%.1f GB, all on the GPU", vlmMb / 1024.0));
        assertThat(value(facts, "A load takes")).matches("About \\d+ s here");
    }

    @Test
    void theImageMatcherOnTheCpuHoldsNoVramAndSaysWhenItWouldMove() {
        DashboardViewModel vm = viewModel(Locale.ENGLISH);
        vm.update(f.manager.getStatus());

        List<CardFact> facts = vm.clipFactsProperty().get();
        assertThat(value(facts, "In VRAM")).isEqualTo("Nothing: it runs on the CPU");
        assertThat(value(facts, "To the GPU")).isEqualTo(String.format(Locale.ENGLISH,
                "In Autopilot, when more than %.1f GB is free", f.config.vramThresholdForClipGpuMb() / 1024.0));
        assertThat(value(facts, "Back to the CPU")).isEqualTo("Before the vision model loads for Recording");
    }

    @Test
    void inAutopilotTheImageMatcherShowsTheVramItHoldsOnTheGpu() {
        DashboardViewModel vm = viewModel(Locale.ENGLISH);
        vm.switchMode(ExecutionMode.AUTOPILOT);
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            f.vram.sample();
            return vm.switchingTextProperty().get().isEmpty() && f.manager.getStatus().vramBreakdown().clipMb() > 0;
        });
        vm.update(f.manager.getStatus());

        assertThat(value(vm.clipFactsProperty().get(), "In VRAM")).isEqualTo(String.format(Locale.ENGLISH, "%.1f GB",
                f.manager.getStatus().vramBreakdown().clipMb() / 1024.0));
    }

    @Test
    void inFrenchTheFactsAreFrench() {
        DashboardViewModel vm = viewModel(Locale.FRENCH);
        vm.update(f.manager.getStatus());

        assertThat(value(vm.vlmFactsProperty().get(), "En VRAM")).isEqualTo("Rien");
        assertThat(value(vm.clipFactsProperty().get(), "En VRAM")).isEqualTo("Rien\u00a0: il tourne sur le CPU");
    }
}
