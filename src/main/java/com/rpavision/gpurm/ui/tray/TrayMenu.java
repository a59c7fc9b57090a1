package com.rpavision.gpurm.ui.tray;

import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.dashboard.Verdict;

import java.util.ArrayList;
import java.util.List;

/**
 * The tray menu as plain data, rebuilt whenever the state changes; the AWT side only draws it. Testable
 * without a tray.
 */
public final class TrayMenu {

    /** What a menu item does. */
    public enum Action { MODE_IDLE, MODE_RECORDING, MODE_AUTOPILOT, LOAD_VLM, UNLOAD_VLM, FREE_GPU_FOR_RECORDING, TOGGLE_WINDOW, QUIT }

    /** One item; {@code separatorBefore} draws a line above it. */
    public record Item(Action action, String label, boolean enabled, boolean checked, boolean separatorBefore) {
    }

    /**
     * The state the menu shows; {@code mode}: the mode asked for (a switch's target while it runs); {@code reached}:
     * the mode the manager is in, which the icon shows; {@code contended}: another Ollama model holds the GPU the VLM
     * needs; {@code verdict}: the panel's verdict beside the mode ("✓ READY").
     */
    public record State(ExecutionMode mode, ExecutionMode reached, ModelState vlm, boolean switching,
                        boolean windowShowing, boolean contended, Verdict verdict) {
        public State(ExecutionMode mode, ModelState vlm, boolean switching, boolean windowShowing, boolean contended) {
            this(mode, mode, vlm, switching, windowShowing, contended, Verdict.NONE);
        }
    }

    private TrayMenu() {
    }

    public static List<Item> build(State state, Messages messages) {
        List<Item> items = new ArrayList<>();
        for (ExecutionMode mode : ExecutionMode.values()) {
            items.add(new Item(Action.valueOf("MODE_" + mode.name()), messages.get("mode." + mode.name()),
                    !state.switching() || state.mode() != mode, state.mode() == mode, false));
        }
        boolean busy = state.vlm() == ModelState.LOADING || state.vlm() == ModelState.UNLOADING;
        items.add(new Item(Action.LOAD_VLM, messages.get("action.load"), !busy && state.vlm() != ModelState.LOADED, false, true));
        items.add(new Item(Action.UNLOAD_VLM, messages.get("action.unload"), !busy && state.vlm() != ModelState.UNLOADED, false, false));
        if (state.contended()) {
            items.add(new Item(Action.FREE_GPU_FOR_RECORDING, messages.get("notify.contended.action"), !state.switching(), false, false));
        }
        items.add(new Item(Action.TOGGLE_WINDOW, messages.get(state.windowShowing() ? "tray.hide" : "tray.show"), true, false, true));
        items.add(new Item(Action.QUIT, messages.get("tray.quit"), true, false, true));
        return items;
    }

    /** "GPU Resource Manager — Recording: ✓ READY", the verdict the panel shows; without one, the VLM's state. */
    public static String tooltip(State state, Messages messages) {
        String verdict = state.verdict().shown();
        if (state.switching() && !verdict.isEmpty()) {
            return messages.get("tray.tooltip.switching", verdict); // "→ Recording…": the mode is not reached yet
        }
        if (!verdict.isEmpty()) {
            return messages.get("tray.tooltip.verdict", messages.get("mode." + state.mode().name()), verdict);
        }
        return messages.get("tray.tooltip", messages.get("mode." + state.mode().name()),
                messages.get("vlm." + state.vlm().name(), 0).toLowerCase(messages.locale()));
    }
}
