package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.DriftCause;
import com.rpavision.gpurm.core.model.VlmDrift;
import com.rpavision.gpurm.core.ollama.RunningModel;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Names what changed to the VLM between what the manager expected and a fresh look at Ollama, when the look alone
 * says it: the VLM appeared, came back at another size, lost the manager's keep-alive, sits partly on the CPU. A VLM
 * that went away is not named here: one look cannot say why ({@link RemovalSettle} looks until Ollama settles).
 * Pure: the reconciler decides what to do about it.
 */
final class DriftClassifier {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private DriftClassifier() {
    }

    /** The VLM the manager expected is no longer served: the start of a removal. */
    static boolean removed(String vlm, Optional<RunningModel> expected, OllamaSnapshot now) {
        return expected.isPresent() && serving(vlm, now).isEmpty();
    }

    static Optional<RunningModel> serving(String vlm, OllamaSnapshot now) {
        return now.find(vlm).filter(m -> !OllamaSnapshot.stopping(m, now.at()));
    }

    /**
     * @param expected the VLM entry the manager last knew (from its own load or the previous look); empty when it
     *                 expected no VLM
     * @param adopting  a load by another client is awaited (the VLM came back loading): its landing is not news
     * @param takenOver whether an entry carries a keep-alive another client set in place of the manager's lease
     */
    static List<VlmDrift> classify(String vlm, Optional<RunningModel> expected, OllamaSnapshot now, boolean adopting,
                                   java.util.function.Predicate<RunningModel> takenOver) {
        List<VlmDrift> drifts = new ArrayList<>();
        Optional<RunningModel> observed = serving(vlm, now);
        Instant at = now.at();
        boolean reloaded = false;
        if (expected.isEmpty() && observed.isPresent() && !adopting) {
            drifts.add(VlmDrift.of(at, DriftCause.LOADED_OUTSIDE, "not loaded", "loaded, " + observed.get().sizeVramMb() + " MB"));
        } else if (expected.isPresent() && observed.isPresent()) {
            RunningModel before = expected.get();
            RunningModel after = observed.get();
            if (before.sizeBytes() > 0 && after.sizeBytes() != before.sizeBytes()) {
                reloaded = true; // its fresh keep-alive is part of that reload, not news of its own
                drifts.add(VlmDrift.of(at, DriftCause.RELOADED_WITH_OTHER_OPTIONS, mb(before.sizeBytes()) + " MB",
                        mb(after.sizeBytes()) + " MB"));
            } else if (takenOver.test(after)) {
                drifts.add(VlmDrift.of(at, DriftCause.KEEP_ALIVE_TAKEN_OVER, "held by the manager's renewed lease",
                        OllamaSnapshot.keptForever(after) ? "kept forever by another client"
                                : "expires at " + CLOCK.format(after.expiresAt().toInstant())));
            }
        }
        boolean freshlyThere = expected.isEmpty() || reloaded || !OllamaSnapshot.partlyOnCpu(expected.get());
        observed.filter(OllamaSnapshot::partlyOnCpu).filter(m -> freshlyThere)
                .ifPresent(m -> drifts.add(VlmDrift.of(at, DriftCause.PARTLY_ON_CPU, "wholly on the GPU",
                        mb(m.sizeVramBytes()) + " of " + mb(m.sizeBytes()) + " MB on the GPU")));
        return drifts;
    }

    private static long mb(long bytes) {
        return bytes / (1024 * 1024);
    }
}
