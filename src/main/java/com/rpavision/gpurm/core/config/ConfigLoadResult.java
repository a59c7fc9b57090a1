package com.rpavision.gpurm.core.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The configuration the app runs on, plus what went wrong getting it.
 *
 * @param warnings    problems the user must hear about (corrupt file moved aside, defaults not written)
 * @param quarantined where a corrupt file was moved, if one was
 */
public record ConfigLoadResult(GpuResourceConfig config, List<String> warnings, Optional<Path> quarantined) {
    public ConfigLoadResult {
        warnings = List.copyOf(warnings);
    }
}
