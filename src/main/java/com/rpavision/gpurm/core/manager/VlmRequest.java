package com.rpavision.gpurm.core.manager;

import java.util.Map;

/**
 * Who asks for the VLM and with which of Ollama's runner options (the ones that make Ollama reload a loaded model
 * when they differ, e.g. {@code num_ctx}), as the proxy saw the request: the evidence for naming the client when
 * Ollama then reloads the VLM with another size.
 *
 * @param client        the caller's User-Agent, or a description when it sent none
 * @param path          the path it asked on, e.g. {@code /api/chat}
 * @param runnerOptions option name to its value as JSON text, as Ollama will get them; empty when none
 */
public record VlmRequest(String client, String path, Map<String, String> runnerOptions) {

    /** A request that says nothing about itself (the control API's ensure-loaded, a test). */
    public static final VlmRequest UNNAMED = new VlmRequest("a client", "", Map.of());

    public VlmRequest {
        runnerOptions = Map.copyOf(runnerOptions);
    }

    boolean carriesRunnerOptions() {
        return !runnerOptions.isEmpty();
    }
}
