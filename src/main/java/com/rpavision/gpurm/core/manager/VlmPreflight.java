package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.config.GpuResourceConfig;
import com.rpavision.gpurm.core.gpu.GpuSample;
import com.rpavision.gpurm.core.model.GpuProcess;
import com.rpavision.gpurm.core.model.Reason;
import com.rpavision.gpurm.core.model.VramBreakdown.ModelUse;
import com.rpavision.gpurm.core.model.VramInfo;
import com.rpavision.gpurm.core.ollama.InstalledModel;
import com.rpavision.gpurm.core.ollama.OllamaClient;
import com.rpavision.gpurm.core.ollama.OllamaException;
import com.rpavision.gpurm.core.ollama.RunningModel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Before a VLM load: would it fit? The need is the VRAM Ollama reported the last time this model was loaded, else
 * its file size from {@code /api/tags} plus {@code vlm_size_overhead_percent}. What is available is NVML's free VRAM
 * minus {@code vram_safety_margin_mb}, plus what moving CLIP to the CPU gives back. A load that cannot fit is not
 * sent: the refusal names the numbers and the biggest users of the GPU. Nothing to judge (no GPU, size unknown)
 * means no refusal: Ollama decides.
 */
final class VlmPreflight {

    private static final int BIGGEST_USERS = 3;

    private final OllamaClient ollama;
    private final ModelSizes sizes;
    private final GpuResourceConfig config;

    VlmPreflight(OllamaClient ollama, ModelSizes sizes, GpuResourceConfig config) {
        this.ollama = ollama;
        this.sizes = sizes;
        this.config = config;
    }

    /**
     * What a VLM load can have: free VRAM less the safety margin, plus what CLIP gives back when it moves off.
     * The status's "VRAM short" uses the same sum, so the banner and the preflight never disagree.
     */
    long availableMb(long freeMb, long clipGpuMb) {
        return Math.max(0, freeMb - config.vramSafetyMarginMb()) + clipGpuMb;
    }

    /** What the model is expected to take, in MB, if anything tells. */
    OptionalLong needMb(String model) {
        OptionalLong known = sizes.vramMb(model);
        if (known.isPresent()) {
            return known;
        }
        try {
            return ollama.installedModels().stream().filter(m -> m.is(model)).mapToLong(InstalledModel::sizeMb)
                    .filter(mb -> mb > 0).map(mb -> mb * (100 + config.vlmSizeOverheadPercent()) / 100).findFirst();
        } catch (OllamaException e) {
            return OptionalLong.empty(); // the load will say what is wrong with Ollama
        }
    }

    /**
     * @param clipGpuMb      VRAM CLIP holds on the managed GPU now (0 when on the CPU): moving it off frees that much
     * @param otherModelsGo  the other models Ollama holds count as room: Ollama's scheduler evicts them for the load
     * @return the refusal when the model cannot fit, else empty
     */
    Optional<Reason> check(String model, GpuSample sample, int gpuIndex, long clipGpuMb, long ownPid, boolean otherModelsGo) {
        Optional<VramInfo> gpu = sample.gpu(gpuIndex);
        if (gpu.isEmpty()) {
            return Optional.empty();
        }
        OptionalLong need = needMb(model);
        if (need.isEmpty()) {
            return Optional.empty();
        }
        long free = gpu.get().freeMb();
        long available = availableMb(free, clipGpuMb) + (otherModelsGo ? otherModelsMb(model) : 0);
        if (available >= need.getAsLong() || alreadyHeld(model)) {
            return Optional.empty();
        }
        StringBuilder text = new StringBuilder("Not loading ").append(model).append(": it needs about ")
                .append(gb(need.getAsLong())).append(" of VRAM and ").append(gb(available)).append(" available on ")
                .append(gpu.get().gpuName()).append(" (").append(gb(free)).append(" free, ")
                .append(gb(config.vramSafetyMarginMb())).append(" kept as margin");
        if (clipGpuMb > 0) {
            text.append(", CLIP's ").append(gb(clipGpuMb)).append(" counted as it would move to the CPU");
        }
        text.append(").");
        List<User> users = biggestUsers(model, sample, gpuIndex, ownPid);
        if (!users.isEmpty()) {
            text.append(" Biggest users: ").append(String.join("; ", users.stream().map(User::text).toList())).append('.');
        }
        text.append(" Unload other models or close GPU programs, then try again.");
        // the panel words it from these, in MB so that it writes them in its language: model, need, available,
        // free, margin, the biggest users in English, then each user as name, pid (0: an Ollama model), MB
        List<Object> args = new ArrayList<>(List.of(model, need.getAsLong(), available, free, config.vramSafetyMarginMb(),
                users.isEmpty() ? "\u2014" : String.join("; ", users.stream().map(User::text).toList())));
        users.forEach(u -> args.addAll(List.of(u.name(), u.pid(), u.mb())));
        return Optional.of(Reason.of(Reason.Code.VLM_DOES_NOT_FIT, text.toString(), args.toArray()));
    }

    /** One of the biggest users of the GPU: an Ollama model (pid 0) or a program. */
    private record User(String name, long pid, long mb) {
        String text() {
            return pid == 0 ? "Ollama model " + name + " " + gb(mb) : name + " (pid " + pid + ") " + gb(mb);
        }
    }

    private long otherModelsMb(String model) {
        try {
            return ollama.runningModels().stream().filter(m -> !m.is(model)).mapToLong(RunningModel::sizeVramMb).sum();
        } catch (OllamaException e) {
            return 0;
        }
    }

    /** Ollama holds the model already (a load the manager lost track of, an unload stuck): the load only confirms it. */
    private boolean alreadyHeld(String model) {
        try {
            return ollama.runningModels().stream().anyMatch(m -> m.is(model));
        } catch (OllamaException e) {
            return false;
        }
    }

    /**
     * Other models Ollama holds, then other processes on the GPU, largest first; a runner process serving one of
     * those models is not named again.
     */
    private List<User> biggestUsers(String model, GpuSample sample, int gpuIndex, long ownPid) {
        List<User> users = new ArrayList<>();
        List<RunningModel> running = List.of();
        try {
            running = ollama.runningModels();
        } catch (OllamaException e) {
            // the processes below still tell
        }
        running.stream().filter(m -> !m.is(model) && m.sizeVramMb() > 0)
                .sorted(Comparator.comparingLong(RunningModel::sizeVramMb).reversed()).limit(BIGGEST_USERS)
                .forEach(m -> users.add(new User(m.name(), 0, m.sizeVramMb())));
        Set<Long> servingModels = RunnerModels.match(sample.processes(), running.stream()
                .map(m -> new ModelUse(m.name(), m.sizeVramMb())).toList()).keySet();
        sample.processes().stream()
                .filter(p -> p.gpuIndex() == gpuIndex && p.pid() != ownPid && p.usedMb().isPresent())
                .filter(p -> !servingModels.contains(p.pid()))
                .sorted(Comparator.comparingLong((GpuProcess p) -> p.usedMb().getAsLong()).reversed())
                .limit(BIGGEST_USERS)
                .forEach(p -> users.add(new User(p.name(), p.pid(), p.usedMb().getAsLong())));
        return users;
    }

    static String gb(long mb) {
        return String.format(Locale.ROOT, "%.1f GB", mb / 1024.0);
    }
}
