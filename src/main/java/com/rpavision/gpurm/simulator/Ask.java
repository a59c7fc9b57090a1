package com.rpavision.gpurm.simulator;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * One request for a model as Ollama's scheduler sees it: which model, with which runner options, what keep-alive
 * (null: the request carried none), and whether it runs a prompt or only loads.
 *
 * @param runnerOptions the options that shape the runner ({@code num_ctx}, {@code num_batch}, {@code num_gpu}...);
 *                      a request whose options differ from the loaded runner's makes Ollama reload it
 * @param client        who asks, for the simulator's journal (the HTTP front passes "http")
 */
public record Ask(String model, Map<String, Object> runnerOptions, Duration keepAlive, boolean prompt, String client) {

    public Ask {
        runnerOptions = Map.copyOf(new TreeMap<>(runnerOptions));
    }

    /** A load with no prompt, as another client sends it. */
    public static Ask load(String model, Duration keepAlive) {
        return new Ask(model, Map.of(), keepAlive, false, "outside");
    }

    /** A prompt, as another client sends it. */
    public static Ask prompt(String model, Duration keepAlive) {
        return new Ask(model, Map.of(), keepAlive, true, "outside");
    }

    public Ask withOptions(Map<String, Object> options) {
        return new Ask(model, options, keepAlive, prompt, client);
    }

    public Ask from(String who) {
        return new Ask(model, runnerOptions, keepAlive, prompt, who);
    }

    int numCtx() {
        Object value = runnerOptions.get("num_ctx");
        return value instanceof Number n ? n.intValue() : OllamaScheduler.DEFAULT_NUM_CTX;
    }

    /** The options as the runner is started with them: the default context filled in. */
    Map<String, Object> effectiveOptions() {
        TreeMap<String, Object> effective = new TreeMap<>(runnerOptions);
        effective.put("num_ctx", numCtx());
        return Map.copyOf(effective);
    }
}
