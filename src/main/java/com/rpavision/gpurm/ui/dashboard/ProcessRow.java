package com.rpavision.gpurm.ui.dashboard;

/**
 * One GPU process for the table; {@code name} names an Ollama runner's model too ("ollama — qwen3-vl:8b"),
 * {@code memory} is already in words ("10,500" or "n/a").
 */
public record ProcessRow(long pid, String name, int gpu, String memory) {
}
