package com.rpavision.gpurm.core.gpu.windows;

/** A PDH call that did not return ERROR_SUCCESS; the message names the call, the path and the status. */
final class PdhException extends Exception {

    private final int status;

    PdhException(String what, int status) {
        super(what + ": " + PdhStatus.describe(status));
        this.status = status;
    }

    int status() {
        return status;
    }
}
