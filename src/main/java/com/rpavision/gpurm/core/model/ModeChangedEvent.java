package com.rpavision.gpurm.core.model;

import java.time.Instant;

public record ModeChangedEvent(Instant timestamp, ExecutionMode from, ExecutionMode to) {
}
