package com.rpavision.gpurm.core.manager;

/** The VLM could not be made ready for a request; the message says why and what to do. */
public class VlmUnavailableException extends Exception {
    public VlmUnavailableException(String message) {
        super(message);
    }
}
