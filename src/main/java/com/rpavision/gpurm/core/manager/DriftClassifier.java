package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.DriftCause;
import com.rpavision.gpurm.core.model.VlmDrift;
import com.rpavision.gpurm.core.ollama.RunningModel;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Names what changed to the VLM between what the manager expected and a fresh look at Ollama, and why. Pure:
 * the reconciler decides what to do about it.
 */
final class DriftClassifier {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private DriftClassifier() {
    }

    /**
     * @param expected  the VLM entry the manager last knew (from its own load or the previous look); empty when it
     *                  expected no VLM
     * @param previous  the previous look, or null
     * @param gap       Ollama failed to answer at least once since the previous look
     */
    static List<VlmDrift> classify(String vlm, Optional<RunningModel> expected, OllamaSnapshot previous,
                                   OllamaSnapshot now, boolean gap) {
        List<VlmDrift> drifts = new ArrayList<>();
        Optional<RunningModel> observed = now.find(vlm).filter(m -> !OllamaSnapshot.stopping(m, now.at()));
        Instant at = now.at();
        if (expected.isPresent() && observed.isEmpty()) {
            drifts.add(gone(vlm, expected.get(), previous, now, gap));
        } else if (expected.isEmpty() && observed.isPresent()) {
            drifts.add(VlmDrift.of(at, DriftCause.LOADED_OUTSIDE, "not loaded", "loaded, " + observed.get().sizeVramMb() + " MB"));
        } else if (expected.isPresent()) {
            RunningModel before = expected.get();
            RunningModel after = observed.get();
            if (before.sizeBytes() > 0 && after.sizeBytes() != before.sizeBytes()) {
                drifts.add(VlmDrift.of(at, DriftCause.RELOADED_WITH_OTHER_OPTIONS, mb(before.sizeBytes()) + " MB",
                        mb(after.sizeBytes()) + " MB"));
            }
            if (OllamaSnapshot.keptForever(before) && !OllamaSnapshot.keptForever(after)) {
                drifts.add(VlmDrift.of(at, DriftCause.KEEP_ALIVE_TAKEN_OVER, "kept until the manager unloads it",
                        "expires at " + CLOCK.format(after.expiresAt().toInstant())));
            }
        }
        observed.filter(OllamaSnapshot::partlyOnCpu)
                .filter(m -> expected.isEmpty() || !OllamaSnapshot.partlyOnCpu(expected.get()) || drifts.stream()
                        .anyMatch(d -> d.cause() == DriftCause.RELOADED_WITH_OTHER_OPTIONS))
                .ifPresent(m -> drifts.add(VlmDrift.of(at, DriftCause.PARTLY_ON_CPU, "wholly on the GPU",
                        mb(m.sizeVramBytes()) + " of " + mb(m.sizeBytes()) + " MB on the GPU")));
        return drifts;
    }

    private static VlmDrift gone(String vlm, RunningModel expected, OllamaSnapshot previous, OllamaSnapshot now, boolean gap) {
        Instant at = now.at();
        List<RunningModel> newcomers = now.models().stream()
                .filter(m -> !m.is(vlm) && (previous == null || !previous.names().contains(m.name())))
                .sorted(Comparator.comparingLong(RunningModel::sizeVramBytes).reversed()).toList();
        boolean everythingGone = previous != null && previous.models().size() >= 2 && now.models().isEmpty();
        if (gap || everythingGone) {
            return VlmDrift.of(at, DriftCause.OLLAMA_RESTARTED, "loaded", "gone with every other model");
        }
        if (!newcomers.isEmpty()) {
            RunningModel other = newcomers.get(0);
            return new VlmDrift(at, DriftCause.EVICTED, "loaded", "gone while " + other.name() + " loaded",
                    other.name(), other.sizeVramMb());
        }
        RunningModel last = previous == null ? expected : previous.find(vlm).orElse(expected);
        if (!OllamaSnapshot.keptForever(last) && last.expiresAt() != null && !last.expiresAt().toInstant().isAfter(at)) {
            return VlmDrift.of(at, DriftCause.EXPIRED, "loaded", "gone when the keep-alive another client set ran out");
        }
        return VlmDrift.of(at, DriftCause.UNLOADED_OUTSIDE, "loaded", "gone");
    }

    private static long mb(long bytes) {
        return bytes / (1024 * 1024);
    }
}
