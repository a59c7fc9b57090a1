package com.rpavision.gpurm;

import com.rpavision.gpurm.app.AppPaths;
import com.rpavision.gpurm.core.config.ConfigStore;
import com.rpavision.gpurm.core.config.GpuResourceConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

class LauncherApiInfoTest {

    @TempDir
    Path home;

    @Test
    void withTheAppNotRunningTheConfiguredAddressIsGiven() throws Exception {
        AppPaths paths = new AppPaths(home.resolve("config.json"), home.resolve("data"));
        new ConfigStore(paths.configFile(), Clock.systemUTC()).save(GpuResourceConfig.defaults().toBuilder().apiPort(18_123).build());

        assertThat(Launcher.configuredApiAddress(paths)).startsWith("Base URL:   http://127.0.0.1:18123 (configured in ")
                .contains("not running");
    }

    @Test
    void askingWithoutAConfigurationCreatesNone() {
        AppPaths paths = new AppPaths(home.resolve("config.json"), home.resolve("data"));

        assertThat(Launcher.configuredApiAddress(paths))
                .startsWith("Base URL:   http://127.0.0.1:" + GpuResourceConfig.defaults().apiPort() + " ");
        assertThat(paths.configFile()).doesNotExist();
    }
}
