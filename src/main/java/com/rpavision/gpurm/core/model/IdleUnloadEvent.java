package com.rpavision.gpurm.core.model;

import java.time.Duration;
import java.time.Instant;

/** The VLM was unloaded because nobody asked for it during {@code idleFor}. */
public record IdleUnloadEvent(Instant timestamp, String model, Duration idleFor) {
}
