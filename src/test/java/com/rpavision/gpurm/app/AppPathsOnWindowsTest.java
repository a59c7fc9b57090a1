package com.rpavision.gpurm.app;

import com.sun.jna.platform.win32.KnownFolders;
import com.sun.jna.platform.win32.Shell32Util;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The app's folders on a real Windows: {@code AppPathsTest} feeds {@code %APPDATA%} and {@code %LOCALAPPDATA%}
 * in by hand; here they come from the process as Windows starts it and must be the shell's own Roaming and Local
 * application-data folders, which the Python client and the support instructions name. Without the variables the
 * app falls back to the profile's {@code AppData} folders, which must be the same ones.
 */
@EnabledOnOs(value = OS.WINDOWS, disabledReason = "%APPDATA% and %LOCALAPPDATA% are Windows'; elsewhere AppPathsTest"
        + " checks the same rules with the variables set by hand")
class AppPathsOnWindowsTest {

    /** Asked of the shell, not of the environment (instance fields: nothing calls shell32 where the test is off). */
    private final Path roaming = Path.of(Shell32Util.getKnownFolderPath(KnownFolders.FOLDERID_RoamingAppData));
    private final Path local = Path.of(Shell32Util.getKnownFolderPath(KnownFolders.FOLDERID_LocalAppData));

    @Test
    void theConfigurationIsInRoamingAndTheDataInLocalAppData() {
        AppPaths paths = AppPaths.forThisMachine();

        assertThat(paths.configFile()).isEqualTo(roaming.resolve("GpuResourceManager").resolve("config.json"));
        assertThat(paths.dataDir()).isEqualTo(local.resolve("GpuResourceManager"));
        assertThat(paths.apiInfoFile()).isEqualTo(local.resolve("GpuResourceManager").resolve("api.json"));
    }

    @Test
    void withoutTheVariablesTheProfilesAppDataFoldersAreTheSame() {
        AppPaths paths = AppPaths.detect(Map.of(), System.getProperty("os.name"), Path.of(System.getProperty("user.home")));

        assertThat(paths.configFile().getParent().getParent()).isEqualTo(roaming);
        assertThat(paths.dataDir().getParent()).isEqualTo(local);
    }
}
