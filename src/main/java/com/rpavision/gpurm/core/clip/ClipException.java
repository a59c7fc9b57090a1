package com.rpavision.gpurm.core.clip;

/** CLIP could not embed or move; the message says why. */
public class ClipException extends Exception {
    public ClipException(String message) {
        super(message);
    }

    public ClipException(String message, Throwable cause) {
        super(message, cause);
    }
}
