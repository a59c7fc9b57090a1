package com.rpavision.gpurm.core.model;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Why something is as it is, in a form a UI can put in the operator's language: a code, its arguments, and
 * the English text logs and the API use. {@link Code#OTHER} carries only text (for instance a message Ollama
 * itself sent).
 */
public record Reason(Code code, List<Object> args, String text) {

    public enum Code {
        OLLAMA_UNREACHABLE, OLLAMA_FAILED, OLLAMA_REFUSED, MODEL_NOT_PULLED, UNLOAD_STUCK,
        NO_GPU, GPU_UNREADABLE, VRAM_INSUFFICIENT, VRAM_SHORT, VLM_DOES_NOT_FIT,
        CLIP_STARTING, CLIP_NO_MODEL, CLIP_NATIVES_MISSING, CLIP_ENGINE_FAILED, CLIP_LOAD_FAILED, CLIP_MOVE_FAILED,
        CLIP_UNAVAILABLE, CUDA_CPU_ONLY, CUDA_NO_DEVICE_AT_INDEX,
        VLM_CONTENDED, VLM_PARTLY_ON_CPU, CLIP_DISPLACED, VLM_SETTLING, STORAGE_UNWRITABLE,
        OTHER
    }

    public Reason {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(text, "text");
        args = List.copyOf(args);
    }

    public static Reason of(Code code, String text, Object... args) {
        return new Reason(code, Arrays.asList(args), text);
    }

    /** Text only; null stays null so optional reasons stay optional. */
    public static Reason text(String text) {
        return text == null ? null : new Reason(Code.OTHER, List.of(), text);
    }

    @Override
    public String toString() {
        return text;
    }
}
