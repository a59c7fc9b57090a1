package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.ollama.RunningModel;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What one {@code GET /api/ps} showed, and when.
 *
 * @param ownChanges the VLM controller's change count when the request was sent: a snapshot taken across one
 *                   of the manager's own loads or unloads says nothing reliable about the VLM
 * @param signs      {@link com.rpavision.gpurm.core.ollama.OllamaSignals#count()} when the request was sent: a
 *                   later look with a higher count had a sign of Ollama going away in between
 */
record OllamaSnapshot(Instant at, List<RunningModel> models, long ownChanges, long signs) {

    /** Ollama prints keep_alive -1 as now plus its maximum duration: about the year 2318. */
    private static final int FOREVER_AFTER_YEAR = 2200;
    /** Below this share of its size on the GPU a model is partly in system memory. */
    private static final double FULLY_ON_GPU = 0.98;
    /** Go's zero time is the year 1: no real expiry is that old. */
    private static final int LOADING_BEFORE_YEAR = 1000;

    OllamaSnapshot {
        models = List.copyOf(models);
    }

    Optional<RunningModel> find(String model) {
        return models.stream().filter(m -> m.is(model)).findFirst();
    }

    boolean lists(String model) {
        return find(model).isPresent();
    }

    Set<String> names() {
        return models.stream().map(RunningModel::name).collect(Collectors.toSet());
    }

    /** What matters for drift: which models, their sizes and whether each is kept forever. */
    String signature() {
        return models.stream().map(m -> m.name() + "/" + m.sizeBytes() + "/" + m.sizeVramBytes() + "/" + keptForever(m))
                .sorted().collect(Collectors.joining(","));
    }

    static boolean keptForever(RunningModel m) {
        OffsetDateTime expires = m.expiresAt();
        return expires == null || expires.getYear() > FOREVER_AFTER_YEAR;
    }

    /**
     * Listed but not serving: Ollama shows an expiry in the past while the runner stops ("Stopping..." in its CLI),
     * and its zero time while a runner loads.
     */
    static boolean stopping(RunningModel m, Instant now) {
        return m.expiresAt() != null && !keptForever(m) && !m.expiresAt().toInstant().isAfter(now);
    }

    /** A runner that has started and is not ready: Ollama prints Go's zero time (year 1) as its expiry. */
    static boolean loading(RunningModel m) {
        return m.expiresAt() != null && m.expiresAt().getYear() < LOADING_BEFORE_YEAR;
    }

    static boolean partlyOnCpu(RunningModel m) {
        return m.sizeBytes() > 0 && m.sizeVramBytes() < m.sizeBytes() * FULLY_ON_GPU;
    }
}
