package com.rpavision.gpurm.ui.tray;

import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.dashboard.Verdict;
import com.rpavision.gpurm.ui.tray.TrayMenu.Action;
import com.rpavision.gpurm.ui.tray.TrayMenu.Item;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/** The tray menu is data: what it offers follows the state, without any tray. */
class TrayMenuTest {

    private final Messages en = new Messages(Locale.ENGLISH);

    private static Item item(List<Item> items, Action action) {
        return items.stream().filter(i -> i.action() == action).findFirst().orElseThrow();
    }

    @Test
    void offersTheThreeModesTheVlmTheWindowAndQuitInThatOrder() {
        List<Item> items = TrayMenu.build(new TrayMenu.State(ExecutionMode.RECORDING, ModelState.LOADED, false, true, false), en);
        assertThat(items).extracting(Item::action).containsExactly(Action.MODE_IDLE, Action.MODE_RECORDING,
                Action.MODE_AUTOPILOT, Action.LOAD_VLM, Action.UNLOAD_VLM, Action.TOGGLE_WINDOW, Action.QUIT);
        assertThat(items).extracting(Item::label).containsExactly("Idle", "Recording", "Autopilot", "Load vision model",
                "Unload vision model", "Hide window", "Quit");
        assertThat(items).filteredOn(Item::checked).extracting(Item::action).containsExactly(Action.MODE_RECORDING);
        assertThat(item(items, Action.LOAD_VLM).enabled()).as("already loaded").isFalse();
        assertThat(item(items, Action.UNLOAD_VLM).enabled()).isTrue();
    }

    @Test
    void whileASwitchRunsOnlyTheOtherModesCanBeChosenAndWhileALoadRunsTheVlmItemsAreOff() {
        List<Item> items = TrayMenu.build(new TrayMenu.State(ExecutionMode.RECORDING, ModelState.LOADING, true, false, false), en);
        assertThat(items).filteredOn(i -> i.action().name().startsWith("MODE_")).filteredOn(Item::enabled)
                .extracting(Item::action).as("a switch away during the load gives it up")
                .containsExactly(Action.MODE_IDLE, Action.MODE_AUTOPILOT);
        assertThat(item(items, Action.LOAD_VLM).enabled()).isFalse();
        assertThat(item(items, Action.UNLOAD_VLM).enabled()).isFalse();
        assertThat(item(items, Action.TOGGLE_WINDOW).label()).isEqualTo("Show window");
        assertThat(item(items, Action.QUIT).enabled()).isTrue();
    }

    @Test
    void whileAnotherModelHoldsTheGpuTheMenuOffersToFreeItForRecording() {
        List<Item> items = TrayMenu.build(new TrayMenu.State(ExecutionMode.RECORDING, ModelState.UNLOADED, false, false, true), en);
        assertThat(items).extracting(Item::action).containsSubsequence(Action.UNLOAD_VLM, Action.FREE_GPU_FOR_RECORDING,
                Action.TOGGLE_WINDOW);
        assertThat(item(items, Action.FREE_GPU_FOR_RECORDING).label()).isEqualTo("Free the GPU for recording");
        assertThat(item(items, Action.FREE_GPU_FOR_RECORDING).enabled()).isTrue();
        assertThat(TrayMenu.build(new TrayMenu.State(ExecutionMode.RECORDING, ModelState.UNLOADED, false, false, true),
                new Messages(Locale.FRENCH))).extracting(Item::label).contains("Libérer le GPU pour l’enregistrement");
    }

    @Test
    void theTooltipSaysModeAndVlmInTheOperatorsLanguage() {
        TrayMenu.State state = new TrayMenu.State(ExecutionMode.AUTOPILOT, ModelState.UNLOADED, false, false, false);
        assertThat(TrayMenu.tooltip(state, en)).isEqualTo("GPU Resource Manager — Autopilot, vision model unloaded");
        assertThat(TrayMenu.tooltip(state, new Messages(Locale.FRENCH)))
                .isEqualTo("Gestionnaire de ressources GPU — Pilote auto, modèle de vision déchargé");
        assertThat(TrayMenu.build(state, new Messages(Locale.FRENCH))).extracting(Item::label).contains("Quitter");
    }

    @Test
    void theTooltipCarriesThePanelsVerdictAndAsSwitchOnlyItsTarget() {
        TrayMenu.State ready = new TrayMenu.State(ExecutionMode.RECORDING, ExecutionMode.RECORDING, ModelState.LOADED,
                false, false, false, new Verdict(Verdict.Kind.READY, "READY"));
        assertThat(TrayMenu.tooltip(ready, en)).isEqualTo("GPU Resource Manager — Recording: \u2713 READY");
        TrayMenu.State switching = new TrayMenu.State(ExecutionMode.RECORDING, ExecutionMode.IDLE, ModelState.UNLOADED,
                true, false, false, new Verdict(Verdict.Kind.SWITCHING, "\u2192 Recording\u2026"));
        assertThat(TrayMenu.tooltip(switching, en)).isEqualTo("GPU Resource Manager — \u2192 Recording\u2026");
    }

    @Test
    void theIconShowsTheModeInItsCore() {
        for (ExecutionMode mode : ExecutionMode.values()) {
            java.awt.image.BufferedImage icon = TrayIconPainter.paint(mode, 32);
            assertThat(icon.getWidth()).isEqualTo(32);
            assertThat(icon.getRGB(16, 16) & 0xffffff).as(mode.name())
                    .isEqualTo(TrayIconPainter.modeColor(mode).getRGB() & 0xffffff);
            assertThat(icon.getRGB(0, 0) >>> 24).as("transparent corner").isZero();
        }
    }
}
