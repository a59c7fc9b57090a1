package com.rpavision.gpurm.core.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A configuration file as read, nothing changed: the configuration it holds, or every problem of it.
 *
 * @param exists   false: there is no file, and the app would run on the defaults (and write them there)
 * @param config   present when the file is valid
 * @param problems one sentence each, naming the key; empty when valid or missing
 */
public record ConfigCheck(Path file, boolean exists, Optional<GpuResourceConfig> config, List<String> problems) {
    public ConfigCheck {
        problems = List.copyOf(problems);
    }

    public boolean valid() {
        return problems.isEmpty();
    }
}
