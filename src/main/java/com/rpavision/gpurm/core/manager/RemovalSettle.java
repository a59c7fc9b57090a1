package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.DriftCause;
import com.rpavision.gpurm.core.model.VlmDrift;
import com.rpavision.gpurm.core.ollama.RunningModel;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The VLM has gone from Ollama's list: what is Ollama doing? It moves in steps that take seconds (an eviction lists
 * neither model for 0.5 to 1.5 s before the newcomer appears, a reload lists the model again at another size, a
 * restart forgets everything), so the first look that misses the VLM is a transitional state to look at again, not
 * a verdict. Fed every later look, this names the cause once: as soon as Ollama has settled (a newcomer listed, the
 * VLM back, nothing changed for {@link #QUIET}), at once when a sign says Ollama restarted, and at the latest after
 * {@link #LIMIT}, Ollama's own bound on waiting for VRAM. Pure: the reconciler feeds it and acts on the verdict.
 */
final class RemovalSettle {

    /** Nothing changed in Ollama's list for this long: it has finished what it was doing. */
    static final Duration QUIET = Duration.ofSeconds(2);
    /** Ollama waits at most this long for an evicted model's VRAM before it starts the newcomer. */
    static final Duration LIMIT = Duration.ofSeconds(5);

    private final String vlm;
    private final RunningModel lastSeen;
    private final Set<String> namesBefore;
    private final Instant lastSeenAt;
    private final Instant since;
    private final boolean everythingGone;
    private final long signsBefore;
    private Instant lastChange;
    private String lastSignature;
    private int failedLooks;
    private String restartSign;
    private boolean ownLease;

    /**
     * @param lastSeen  the VLM's entry when it was last listed (or right after the manager's own load)
     * @param before    the look that last listed it, or null when only the manager's own load did
     * @param first     the look that missed it
     */
    RemovalSettle(String vlm, RunningModel lastSeen, OllamaSnapshot before, OllamaSnapshot first, long signsBefore) {
        this.vlm = vlm;
        this.lastSeen = lastSeen;
        this.namesBefore = before == null ? Set.of() : before.names();
        this.lastSeenAt = before == null ? first.at() : before.at();
        this.since = first.at();
        this.everythingGone = before != null && before.models().size() >= 2 && first.models().isEmpty();
        this.signsBefore = signsBefore;
        this.lastChange = first.at();
        this.lastSignature = first.signature();
    }

    /** The VLM was last seen held by the manager's own lease: an expiry then means the manager could not renew it. */
    RemovalSettle ownLease(boolean own) {
        this.ownLease = own;
        return this;
    }

    Instant since() {
        return since;
    }

    /** When the VLM was last listed (or the look that missed it, when only the manager's own load had listed it). */
    Instant lastSeenAt() {
        return lastSeenAt;
    }

    /** A look, and any sign of a restart seen since the VLM was last listed (null: none). */
    Optional<VlmDrift> look(OllamaSnapshot now, String restartSignNow) {
        return look(now, restartSignNow, false);
    }

    /**
     * As {@link #look(OllamaSnapshot, String)}; {@code decideNow} names the cause from what is known so far, as
     * when the bound is reached (the manager must act before Ollama has settled).
     */
    Optional<VlmDrift> look(OllamaSnapshot now, String restartSignNow, boolean decideNow) {
        if (restartSignNow != null) {
            restartSign = restartSignNow;
        } else if (restartSign == null && now.signs() > signsBefore) {
            restartSign = "a connection to Ollama was closed or refused";
        }
        if (!now.signature().equals(lastSignature)) {
            lastSignature = now.signature();
            lastChange = now.at();
        }
        return verdict(now, decideNow);
    }

    /** A look that failed; {@code restartSignNow} when it was refused or reset (Ollama's process is gone). */
    void failedLook(String restartSignNow) {
        failedLooks++;
        if (restartSignNow != null) {
            restartSign = restartSignNow;
        }
    }

    private Optional<VlmDrift> verdict(OllamaSnapshot now, boolean decideNow) {
        Instant at = now.at();
        String away = seconds(Duration.between(since, at));
        String gone = "gone for " + away;
        if (restartSign != null) {
            return named(at, DriftCause.OLLAMA_RESTARTED, "gone: Ollama restarted (" + restartSign + ")", null, 0);
        }
        Optional<RunningModel> back = now.find(vlm).filter(m -> OllamaSnapshot.loading(m) || !OllamaSnapshot.stopping(m, at));
        if (back.isPresent()) {
            RunningModel m = back.get();
            if (lastSeen.sizeBytes() > 0 && m.sizeBytes() != lastSeen.sizeBytes()) {
                return Optional.of(new VlmDrift(at, DriftCause.RELOADED_WITH_OTHER_OPTIONS, mb(lastSeen.sizeBytes()) + " MB",
                        mb(m.sizeBytes()) + " MB, back after " + away, null, 0));
            }
            return named(at, DriftCause.CAUSE_UNKNOWN, gone + ", then back at the same size: another client loaded it again",
                    null, 0);
        }
        List<RunningModel> newcomers = now.models().stream()
                .filter(m -> !m.is(vlm) && !namesBefore.contains(m.name()))
                .sorted(Comparator.comparingLong(RunningModel::sizeVramBytes).reversed()).toList();
        if (!newcomers.isEmpty()) {
            RunningModel other = newcomers.get(0);
            return named(at, DriftCause.EVICTED, "gone while " + other.name() + " loaded", other.name(), other.sizeVramMb());
        }
        if (expiredOnItsOwn(at)) {
            return named(at, DriftCause.EXPIRED, ownLease ? "gone when the manager's lease ran out before it could renew it"
                    : "gone when the keep-alive another client set ran out", null, 0);
        }
        boolean quiet = !at.isBefore(lastChange.plus(QUIET));
        boolean over = decideNow || !at.isBefore(since.plus(LIMIT));
        if (!quiet && !over) {
            return Optional.empty();
        }
        if (everythingGone) {
            return named(at, DriftCause.OLLAMA_RESTARTED, "gone with every other model at once: Ollama restarted", null, 0);
        }
        if (!quiet) {
            return named(at, DriftCause.CAUSE_UNKNOWN, gone + " and Ollama's list was still changing", null, 0);
        }
        if (failedLooks > 0) {
            return named(at, DriftCause.CAUSE_UNKNOWN, gone + "; Ollama did not answer every look meanwhile", null, 0);
        }
        return named(at, DriftCause.UNLOADED_OUTSIDE, "gone, and nothing took its place (keep_alive 0 or ollama stop)", null, 0);
    }

    /** Its expiry was still ahead when it was last seen and has passed: another client's keep-alive ran out. */
    private boolean expiredOnItsOwn(Instant at) {
        if (OllamaSnapshot.keptForever(lastSeen) || OllamaSnapshot.loading(lastSeen) || lastSeen.expiresAt() == null) {
            return false;
        }
        Instant expiry = lastSeen.expiresAt().toInstant();
        return expiry.isAfter(lastSeenAt) && !expiry.isAfter(at);
    }

    private static Optional<VlmDrift> named(Instant at, DriftCause cause, String observed, String other, long otherMb) {
        return Optional.of(new VlmDrift(at, cause, "loaded", observed, other, otherMb));
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static long mb(long bytes) {
        return bytes / (1024 * 1024);
    }
}
