package com.rpavision.gpurm.core.manager;

/** The outcome of unloading a model Ollama holds besides the VLM: {@code reason} says why not when not ok. */
public record OtherModelUnload(String model, boolean ok, long vramFreedMb, String reason) {
}
