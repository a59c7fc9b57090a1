package com.rpavision.gpurm.simulator;

import java.time.Instant;

/**
 * One entry of {@code /api/ps}.
 *
 * @param expiresAt null before the model's first request finished (Ollama prints its zero time then)
 * @param loading   its runner has started but is not ready yet: Ollama lists it already
 */
public record Listed(String name, long sizeMb, long vramMb, int contextLength, Instant expiresAt, boolean loading) {
}
