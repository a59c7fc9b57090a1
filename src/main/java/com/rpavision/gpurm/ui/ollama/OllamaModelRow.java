package com.rpavision.gpurm.ui.ollama;

/** One model Ollama holds, as the table shows it; the VLM's row has no unload button. */
public record OllamaModelRow(String name, String vram, boolean vlm) {
}
