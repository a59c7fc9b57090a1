package com.rpavision.gpurm.core.gpu;

/** A GPU probe could not start or read; the message says why in an operator's words. */
public class GpuProbeException extends Exception {
    public GpuProbeException(String message) {
        super(message);
    }

    public GpuProbeException(String message, Throwable cause) {
        super(message, cause);
    }
}
