package com.rpavision.gpurm.ui.dashboard;

import java.time.Instant;

/** One line of the event log. */
public record LogLine(Instant time, Kind kind, String text) {

    public enum Kind { MODE, MODEL, HEALTH, VRAM }
}
