package com.rpavision.gpurm.app;

/**
 * Why a headless manager cannot run, in one line for the console, with the exit code a service manager
 * (systemd, a scheduler) reads: the codes of BSD's {@code sysexits.h}.
 */
public final class ServiceFailure extends Exception {

    /** A configuration file that cannot be used ({@code EX_CONFIG}). */
    public static final int CONFIG = 78;
    /** A listener that cannot start: its port taken, or not allowed ({@code EX_UNAVAILABLE}). */
    public static final int UNAVAILABLE = 69;
    /** A data folder or file that cannot be written ({@code EX_CANTCREAT}). */
    public static final int CANNOT_WRITE = 73;

    private final int exitCode;

    public ServiceFailure(int exitCode, String line) {
        super(line, null, false, false);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
