package com.rpavision.gpurm.app.demo;

import com.rpavision.gpurm.app.AppPaths;
import com.rpavision.gpurm.core.config.ConfigStore;
import com.rpavision.gpurm.core.config.GpuResourceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

class DemoConfigTest {

    @TempDir
    Path home;

    @Test
    void theDemoReadsAndSavesItsOwnFileNeverTheStationsConfig() throws Exception {
        AppPaths real = new AppPaths(home.resolve("config.json"), home.resolve("data"));
        Files.createDirectories(real.dataDir());

        AppPaths demo = DemoConfig.paths(real, Clock.systemUTC());
        ConfigStore store = new ConfigStore(demo.configFile(), Clock.systemUTC());
        GpuResourceConfig loaded = store.load().config();
        store.save(loaded.toBuilder().idleTimeoutSeconds(90).build());

        assertThat(demo.configFile()).isEqualTo(real.dataDir().resolve("config-demo.json"));
        assertThat(loaded.idleTimeoutSeconds()).as("what Settings shows in the demo").isEqualTo(60);
        assertThat(real.configFile()).doesNotExist();
        assertThat(DemoConfig.paths(real, Clock.systemUTC()).configFile()).isEqualTo(demo.configFile());
        assertThat(new ConfigStore(demo.configFile(), Clock.systemUTC()).load().config().idleTimeoutSeconds())
                .as("a change made in the demo's Settings is kept, not reset").isEqualTo(90);
    }
}
