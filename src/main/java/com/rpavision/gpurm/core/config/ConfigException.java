package com.rpavision.gpurm.core.config;

import java.util.List;

/** A configuration that cannot be read, parsed, validated or written; the message says what to do. */
public class ConfigException extends Exception {

    private final List<String> problems;

    public ConfigException(String message) {
        super(message);
        this.problems = List.of(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
        this.problems = List.of(message);
    }

    /** Several problems of one file, each naming its key; the message joins them with "; ". */
    public ConfigException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, one sentence each (a file that is not JSON has one). */
    public List<String> problems() {
        return problems;
    }
}
