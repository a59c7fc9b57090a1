package com.rpavision.gpurm.core.ollama;

/** A failed Ollama call, classified so callers know whether retrying can help. */
public class OllamaException extends Exception {

    public enum Kind {
        /** Nothing answers HTTP at the endpoint (refused, reset, closed, connect timeout): degraded mode. */
        UNREACHABLE(true),
        /** It answered badly or too late (timeout, 5xx, malformed JSON): worth retrying. */
        TRANSIENT(true),
        /** The model does not exist on this Ollama: retrying cannot help, the operator must pull it. */
        MODEL_NOT_FOUND(false),
        /** Ollama refused the request (other 4xx, or a 200 carrying an "error"): retrying cannot help. */
        REJECTED(false),
        /** This side gave the request up ({@link OllamaClient#cancelLoads()}): nothing is wrong with Ollama. */
        CANCELLED(false);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        public boolean retryable() {
            return retryable;
        }
    }

    private final Kind kind;
    private final String ollamaSaid;

    public OllamaException(Kind kind, String message) {
        this(kind, message, (String) null);
    }

    /** @param ollamaSaid Ollama's own words (its "error" field, or its answer's text); null when it said nothing */
    public OllamaException(Kind kind, String message, String ollamaSaid) {
        super(message);
        this.kind = kind;
        this.ollamaSaid = ollamaSaid;
    }

    public OllamaException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.ollamaSaid = null;
    }

    public Kind kind() {
        return kind;
    }

    /** What Ollama itself answered, without this side's framing ("Ollama refused to load …: "); empty when it said nothing. */
    public java.util.Optional<String> ollamaSaid() {
        return java.util.Optional.ofNullable(ollamaSaid);
    }
}
