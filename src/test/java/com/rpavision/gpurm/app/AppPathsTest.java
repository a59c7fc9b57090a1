package com.rpavision.gpurm.app;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class AppPathsTest {

    private final Path home = Path.of("/home/operator");

    @Test
    void linuxFollowsXdg() {
        AppPaths paths = AppPaths.detect(Map.of("XDG_CONFIG_HOME", "/cfg", "XDG_DATA_HOME", "/data"), "Linux", home);
        assertThat(paths.configFile()).isEqualTo(Path.of("/cfg/gpu-resource-manager/config.json"));
        assertThat(paths.logDir()).isEqualTo(Path.of("/data/gpu-resource-manager/logs"));
    }

    @Test
    void linuxWithoutXdgUsesTheHomeFolders() {
        AppPaths paths = AppPaths.detect(Map.of("XDG_CONFIG_HOME", "relative/ignored"), "Linux", home);
        assertThat(paths.configFile()).isEqualTo(Path.of("/home/operator/.config/gpu-resource-manager/config.json"));
        assertThat(paths.dataDir()).isEqualTo(Path.of("/home/operator/.local/share/gpu-resource-manager"));
    }

    @Test
    void windowsUsesAppData() {
        AppPaths paths = AppPaths.detect(Map.of("APPDATA", "/w/Roaming", "LOCALAPPDATA", "/w/Local"), "Windows 11", home);
        assertThat(paths.configFile()).isEqualTo(Path.of("/w/Roaming/GpuResourceManager/config.json"));
        assertThat(paths.dataDir()).isEqualTo(Path.of("/w/Local/GpuResourceManager"));
    }
}
