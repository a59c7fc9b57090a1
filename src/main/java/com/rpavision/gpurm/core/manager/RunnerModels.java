package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.GpuProcess;
import com.rpavision.gpurm.core.model.VramBreakdown.ModelUse;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * Which model each Ollama runner process serves. Ollama starts one runner per loaded model, but {@code /api/ps}
 * names no pid: a model goes to the runner whose GPU memory is closest to its {@code size_vram}, within a
 * tolerance (Ollama's figure is an estimate, NVML's includes the CUDA context). Where two pairings are equally
 * close, neither is made: no label is better than a wrong one.
 */
final class RunnerModels {

    static final long MIN_TOLERANCE_MB = 256;
    static final double TOLERANCE_SHARE = 0.10;
    private static final Set<String> RUNNER_NAMES = Set.of("ollama", "ollama_llama_server");

    private RunnerModels() {
    }

    /** The processes, each runner with the model matched to its pid. */
    static List<GpuProcess> label(List<GpuProcess> processes, List<ModelUse> models) {
        Map<Long, String> matched = match(processes, models);
        if (matched.isEmpty()) {
            return processes;
        }
        return processes.stream().map(p -> matched.containsKey(p.pid()) ? p.withModel(matched.get(p.pid())) : p).toList();
    }

    /** Runner pid to model name, for the pairings that are clear. */
    static Map<Long, String> match(List<GpuProcess> processes, List<ModelUse> models) {
        Map<Long, OptionalLong> runners = runnerMemory(processes);
        List<ModelUse> onGpu = models.stream().filter(m -> m.vramMb() > 0).toList();
        if (runners.isEmpty() || onGpu.isEmpty()) {
            return Map.of();
        }
        if (runners.size() == 1 && onGpu.size() == 1) {
            Map.Entry<Long, OptionalLong> only = runners.entrySet().iterator().next();
            if (only.getValue().isEmpty()) { // Windows WDDM: no memory to compare, but nothing else it could be
                return Map.of(only.getKey(), onGpu.get(0).name());
            }
        }
        return closest(runners, onGpu);
    }

    static boolean isRunner(String processName) {
        String file = processName.substring(Math.max(processName.lastIndexOf('/'), processName.lastIndexOf('\\')) + 1)
                .toLowerCase(Locale.ROOT);
        return RUNNER_NAMES.contains(file.endsWith(".exe") ? file.substring(0, file.length() - 4) : file);
    }

    static long toleranceMb(long modelMb) {
        return Math.max(MIN_TOLERANCE_MB, Math.round(modelMb * TOLERANCE_SHARE));
    }

    /** Each runner's memory over all GPUs (a model split across two shows on both); empty if any part is unknown. */
    private static Map<Long, OptionalLong> runnerMemory(List<GpuProcess> processes) {
        Map<Long, OptionalLong> runners = new LinkedHashMap<>();
        for (GpuProcess p : processes) {
            if (p.name() == null || !isRunner(p.name())) {
                continue;
            }
            runners.merge(p.pid(), p.usedMb(), (a, b) -> a.isPresent() && b.isPresent()
                    ? OptionalLong.of(a.getAsLong() + b.getAsLong()) : OptionalLong.empty());
        }
        return runners;
    }

    private record Pairing(String model, long pid, long distanceMb) {
    }

    /**
     * The closest pairings first, one model per runner. Pairings equally close that share a model or a runner are
     * a guess: that model and runner stay unmatched.
     */
    private static Map<Long, String> closest(Map<Long, OptionalLong> runners, List<ModelUse> models) {
        TreeMap<Long, List<Pairing>> byDistance = new TreeMap<>();
        for (ModelUse model : models) {
            runners.forEach((pid, used) -> {
                if (used.isPresent()) {
                    long distance = Math.abs(used.getAsLong() - model.vramMb());
                    if (distance <= toleranceMb(model.vramMb())) {
                        byDistance.computeIfAbsent(distance, d -> new ArrayList<>()).add(new Pairing(model.name(), pid, distance));
                    }
                }
            });
        }
        Map<Long, String> matched = new TreeMap<>();
        Set<String> doneModels = new HashSet<>();
        Set<Long> donePids = new HashSet<>();
        for (List<Pairing> tied : byDistance.values()) {
            List<Pairing> open = tied.stream().filter(p -> !doneModels.contains(p.model()) && !donePids.contains(p.pid())).toList();
            Map<String, Integer> perModel = new HashMap<>();
            Map<Long, Integer> perPid = new HashMap<>();
            open.forEach(p -> {
                perModel.merge(p.model(), 1, Integer::sum);
                perPid.merge(p.pid(), 1, Integer::sum);
            });
            for (Pairing p : open) {
                if (perModel.get(p.model()) == 1 && perPid.get(p.pid()) == 1) {
                    matched.put(p.pid(), p.model());
                }
                doneModels.add(p.model());
                donePids.add(p.pid());
            }
        }
        return matched;
    }
}
