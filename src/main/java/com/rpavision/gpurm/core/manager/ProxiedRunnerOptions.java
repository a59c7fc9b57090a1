package com.rpavision.gpurm.core.manager;

import com.rpavision.gpurm.core.model.DriftCause;
import com.rpavision.gpurm.core.model.VlmDrift;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The recent requests for the VLM through the proxy that carried runner options. Ollama reloads a runner for such a
 * request while it handles it, before it answers: when a reload at another size is seen, the latest of them that was
 * in flight after the last look that listed the VLM at its old size names the client that did it. Thread-safe: the
 * proxy's threads record, the reconciler reads.
 */
final class ProxiedRunnerOptions {

    private static final int KEPT = 16;
    private static final int SIZES_KEPT = 4;

    /** One request: from when it went to Ollama to when its answer ended (null while it runs). */
    static final class Asked {
        private final Instant at;
        private final VlmRequest request;
        private volatile Instant ended;

        private Asked(Instant at, VlmRequest request) {
            this.at = at;
            this.request = request;
        }

        void ended(Instant when) {
            ended = when;
        }

        private boolean inFlightWithin(Instant from, Instant to) {
            Instant end = ended;
            return !at.isAfter(to) && (end == null || !end.isBefore(from));
        }
    }

    private final Deque<Asked> recent = new ArrayDeque<>();
    /** When the VLM was last listed at each of its latest sizes: a reload seen in one look started after that. */
    private final Map<Long, Instant> seenAtSize = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, Instant> eldest) {
            return size() > SIZES_KEPT;
        }
    };

    /** A request goes to Ollama now; tell the returned record when its answer has ended. */
    synchronized Asked asked(VlmRequest request, Instant at) {
        Asked asked = new Asked(at, request);
        if (request.carriesRunnerOptions()) {
            recent.addFirst(asked);
            while (recent.size() > KEPT) {
                recent.removeLast();
            }
        }
        return asked;
    }

    /** A look listed the VLM at this size. */
    synchronized void seen(long sizeBytes, Instant at) {
        seenAtSize.put(sizeBytes, at);
    }

    /**
     * As {@link #attribute(VlmDrift, Instant)}, for a reload seen in one look: from the last look that listed the VLM
     * at its old size (or {@code fallback} when none did).
     */
    VlmDrift attribute(VlmDrift drift, long oldSizeBytes, Instant fallback) {
        Instant lastSeen;
        synchronized (this) {
            lastSeen = seenAtSize.getOrDefault(oldSizeBytes, fallback);
        }
        return attribute(drift, lastSeen);
    }

    /**
     * A reload with other options, with the client whose proxied request was in flight between {@code lastSeen} (the
     * last look that listed the VLM at its old size) and the drift; unchanged when none was (another client went to
     * Ollama directly) or when the drift is not a reload.
     */
    VlmDrift attribute(VlmDrift drift, Instant lastSeen) {
        if (drift.cause() != DriftCause.RELOADED_WITH_OTHER_OPTIONS || drift.client() != null) {
            return drift;
        }
        VlmRequest found = null;
        synchronized (this) {
            for (Asked asked : recent) {
                if (asked.inFlightWithin(lastSeen, drift.at())) {
                    found = asked.request;
                    break;
                }
            }
        }
        if (found == null) {
            return drift;
        }
        return drift.byClient(found.client(), "a request from " + found.client() + " through the proxy on " + found.path()
                + " asked " + words(found.runnerOptions()));
    }

    private static String words(Map<String, String> options) {
        return new TreeMap<>(options).entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", "));
    }
}
