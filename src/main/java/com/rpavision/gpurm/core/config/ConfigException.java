package com.rpavision.gpurm.core.config;

/** A configuration that cannot be read, parsed, validated or written; the message says what to do. */
public class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
