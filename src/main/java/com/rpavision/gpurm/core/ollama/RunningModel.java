package com.rpavision.gpurm.core.ollama;

import java.time.OffsetDateTime;

/**
 * One entry of {@code GET /api/ps}. {@code sizeVramBytes} is Ollama's estimate, not NVML's truth.
 *
 * @param expiresAt null when Ollama sent none or an unreadable one
 */
public record RunningModel(String name, String model, long sizeBytes, long sizeVramBytes, OffsetDateTime expiresAt) {

    public long sizeVramMb() {
        return sizeVramBytes / (1024 * 1024);
    }

    public boolean is(String wanted) {
        return ModelNames.same(name, wanted) || ModelNames.same(model, wanted);
    }
}
