package com.rpavision.gpurm.core.model;

/**
 * How far a {@code POST /api/pull} has come: Ollama's status line ("pulling manifest", "pulling 6a0746a1ec1a",
 * "verifying sha256 digest", "success") and the bytes of every layer seen so far, summed.
 */
public record PullProgress(String model, String status, long completedBytes, long totalBytes) {

    /** 0 to 100; -1 while no layer has told its size. */
    public int percent() {
        return totalBytes <= 0 ? -1 : (int) Math.min(100, completedBytes * 100 / totalBytes);
    }

    public boolean downloading() {
        return totalBytes > 0 && completedBytes < totalBytes;
    }
}
