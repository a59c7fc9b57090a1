package com.rpavision.gpurm.core.ollama;

import java.time.Duration;

/** Ollama's answer to a load: how long it said the load took ({@code load_duration}). */
public record LoadResult(String model, Duration loadDuration) {
}
