package com.rpavision.gpurm.ui.dashboard;

import com.rpavision.gpurm.core.model.GpuProcess;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.Reason;
import com.rpavision.gpurm.core.model.VramBreakdown;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.ReasonText;

import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * An abnormal state at the top of the panel, in one design: a title that names it, what it means, and the one
 * fix for it as a button (two where Ollama is down: check again, or correct its address). The panel shows the most
 * urgent one; the others are named on its last line.
 *
 * @param fixes what the banner's buttons do, in order; empty where nothing in the panel can fix it
 */
public record Banner(Kind kind, String title, String text, List<Fix> fixes) {

    /** Most urgent first: the order the panel picks the one it shows. */
    public enum Kind {
        OLLAMA_DOWN(true), NOT_PULLED(true), REFUSED(true), ERROR(true), CONTENDED(true),
        SPILLED(false), GPU(false), STORAGE(false), CONDITION(false);

        private final boolean alarm;

        Kind(boolean alarm) {
            this.alarm = alarm;
        }

        /** Red (the mode's model cannot work) rather than amber (it works, worse, or something else is wrong). */
        public boolean alarm() {
            return alarm;
        }
    }

    /** What a banner's button does. The view does the two that cross its boundary: the clipboard and Settings. */
    public enum Action {
        FREE_GPU, RELOAD_VLM, PULL_MODEL, COPY_PULL_COMMAND, UNLOAD_MODEL, RETRY_OLLAMA, OLLAMA_SETTINGS, RETRY_LOAD
    }

    /**
     * @param argument what the action works on: the model to unload, the command to copy; else empty
     */
    public record Fix(Action action, String label, String argument) {
    }

    public Banner {
        fixes = List.copyOf(fixes);
    }

    /** Under the title "Ollama does not answer", the reason less its first words, which only said that again. */
    private static String ollamaDownText(Reason reason, Messages messages) {
        return reason.code() == Reason.Code.OLLAMA_UNREACHABLE && !reason.args().isEmpty()
                ? messages.get("banner.ollamaDown.text", reason.args().get(0)) : ReasonText.of(reason, messages);
    }

    static List<Banner> of(GpuResourceStatus status, Messages messages) {
        List<Banner> banners = new ArrayList<>();
        Optional<Reason> ollamaDown = status.degradedReasons().stream().filter(Banner::aboutOllama).findFirst();
        ollamaDown.ifPresent(r -> banners.add(new Banner(Kind.OLLAMA_DOWN, messages.get("banner.ollamaDown.title"),
                ollamaDownText(r, messages), List.of(
                        new Fix(Action.RETRY_OLLAMA, messages.get("degraded.retry"), ""),
                        new Fix(Action.OLLAMA_SETTINGS, messages.get("banner.ollamaSettings"), "")))));
        if (status.vlmState() == ModelState.ERROR && ollamaDown.isEmpty()) {
            banners.add(vlmError(status, messages));
        }
        find(status.conditions(), Reason.Code.VLM_CONTENDED).ifPresent(r -> banners.add(new Banner(Kind.CONTENDED,
                messages.get("banner.contended.title"), r.args().size() >= 5
                        ? messages.get("banner.contended.text", r.args().toArray()) : ReasonText.of(r, messages),
                List.of(new Fix(Action.FREE_GPU, messages.get("notify.contended.action"), "")))));
        find(status.conditions(), Reason.Code.VLM_PARTLY_ON_CPU).ifPresent(r -> banners.add(new Banner(Kind.SPILLED,
                messages.get("banner.spilled.title"), messages.get("banner.spilled.text", r.args().toArray()),
                List.of(new Fix(Action.RELOAD_VLM, messages.get("banner.reload"), "")))));
        status.degradedReasons().stream().filter(r -> !aboutOllama(r)).forEach(r -> {
            String key = "banner.gpu.title." + r.code().name();
            banners.add(new Banner(Kind.GPU, messages.get(messages.bundle().containsKey(key) ? key : "banner.gpu.title"),
                    ReasonText.of(r, messages), List.of()));
        });
        find(status.conditions(), Reason.Code.STORAGE_UNWRITABLE).ifPresent(r -> banners.add(new Banner(Kind.STORAGE,
                messages.get("condition.storage_unwritable"), ReasonText.of(r, messages), List.of())));
        // the VLM gone a moment ago, its cause being checked, is said on its card: not an alarm yet
        status.conditions().stream().filter(r -> r.code() == Reason.Code.CLIP_DISPLACED).forEach(r -> banners.add(
                new Banner(Kind.CONDITION, messages.get("condition.clip_displaced"), ReasonText.of(r, messages), List.of())));
        banners.sort(Comparator.comparing(Banner::kind));
        return banners;
    }

    private static Banner vlmError(GpuResourceStatus status, Messages messages) {
        Reason why = status.vlmError();
        String model = status.vlmModel();
        if (why != null && why.code() == Reason.Code.MODEL_NOT_PULLED) {
            String command = "ollama pull " + model;
            return new Banner(Kind.NOT_PULLED, messages.get("banner.notPulled.title"),
                    messages.get("banner.notPulled.text", model),
                    List.of(new Fix(Action.PULL_MODEL, messages.get("banner.pull"), model),
                            new Fix(Action.COPY_PULL_COMMAND, messages.get("banner.copyCommand"), command)));
        }
        if (why != null && why.code() == Reason.Code.VLM_DOES_NOT_FIT) {
            return refused(status, why, messages);
        }
        return new Banner(Kind.ERROR, messages.get("banner.error.title"),
                why == null ? messages.get("vlm.ERROR") : ReasonText.of(why, messages),
                List.of(new Fix(Action.RETRY_LOAD, messages.get("banner.retryLoad"), "")));
    }

    /**
     * A load the preflight refused: who holds the most of the GPU, and its fix where the panel has one (an Ollama
     * model can be unloaded from here; another program is only named).
     */
    private static Banner refused(GpuResourceStatus status, Reason why, Messages messages) {
        List<Object> a = why.args();
        String fit = a.size() >= 3 ? messages.get("banner.refused.fit", a.get(0),
                com.rpavision.gpurm.ui.Gigabytes.ofArg(a.get(1), messages), com.rpavision.gpurm.ui.Gigabytes.ofArg(a.get(2), messages)) : ReasonText.of(why, messages);
        NumberFormat numbers = NumberFormat.getIntegerInstance(messages.locale());
        VramBreakdown parts = status.vramBreakdown();
        Optional<VramBreakdown.ModelUse> model = parts == null ? Optional.empty()
                : parts.otherModels().stream().max(Comparator.comparingLong(VramBreakdown.ModelUse::vramMb));
        long own = ProcessHandle.current().pid();
        Optional<GpuProcess> program = status.processes().stream()
                .filter(p -> p.model() == null && p.pid() != own && p.usedMb().isPresent())
                .max(Comparator.comparingLong(p -> p.usedMb().getAsLong()));
        long modelMb = model.map(VramBreakdown.ModelUse::vramMb).orElse(0L);
        long programMb = program.map(p -> p.usedMb().getAsLong()).orElse(0L);
        if (model.isPresent() && modelMb >= programMb) {
            String name = model.get().name();
            return new Banner(Kind.REFUSED, messages.get("banner.refused.title"),
                    fit + " " + messages.get("banner.refused.byModel", name, numbers.format(modelMb)),
                    List.of(new Fix(Action.UNLOAD_MODEL, messages.get("banner.unloadModel", name), name)));
        }
        String text = program.map(p -> fit + " " + messages.get("banner.refused.byProgram", p.name(), p.pid(),
                numbers.format(programMb))).orElse(fit + " " + messages.get("banner.refused.byNobody"));
        return new Banner(Kind.REFUSED, messages.get("banner.refused.title"), text, List.of());
    }

    private static boolean aboutOllama(Reason reason) {
        return reason.code().name().startsWith("OLLAMA_");
    }

    private static Optional<Reason> find(List<Reason> reasons, Reason.Code code) {
        return reasons.stream().filter(r -> r.code() == code).findFirst();
    }
}
