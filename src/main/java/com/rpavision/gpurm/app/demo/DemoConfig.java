package com.rpavision.gpurm.app.demo;

import com.rpavision.gpurm.app.AppPaths;
import com.rpavision.gpurm.core.config.ConfigException;
import com.rpavision.gpurm.core.config.ConfigStore;
import com.rpavision.gpurm.core.config.GpuResourceConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * The demo's own configuration file beside the real one, so trying Settings in the demo never changes the
 * station's config.json. It starts with the demo's one-minute idle timeout, which Settings then shows.
 */
public final class DemoConfig {

    public static final String FILE_NAME = "config-demo.json";
    public static final int IDLE_TIMEOUT_SECONDS = 60;

    private DemoConfig() {
    }

    /** Where the demo reads and saves its configuration; written with the demo's defaults the first time. */
    public static AppPaths paths(AppPaths real, Clock clock) {
        Path file = real.dataDir().resolve(FILE_NAME);
        if (!Files.exists(file)) {
            try {
                new ConfigStore(file, clock).save(GpuResourceConfig.defaults().toBuilder()
                        .idleTimeoutSeconds(IDLE_TIMEOUT_SECONDS).build());
            } catch (ConfigException e) {
                // the store then loads defaults and says why; the real config.json is still untouched
            }
        }
        return real.withConfigFile(file);
    }
}
