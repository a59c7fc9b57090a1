package com.rpavision.gpurm.app;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where the app keeps its files. Windows: {@code %APPDATA%\GpuResourceManager} for the configuration,
 * {@code %LOCALAPPDATA%\GpuResourceManager} for data and logs. Elsewhere: the XDG folders.
 */
public record AppPaths(Path configFile, Path dataDir) {

    public static final String WINDOWS_FOLDER = "GpuResourceManager";
    public static final String XDG_FOLDER = "gpu-resource-manager";

    public Path logDir() {
        return dataDir.resolve("logs");
    }

    /** The control API's port and token, readable by the user only. */
    public Path apiInfoFile() {
        return dataDir.resolve("api.json");
    }

    /** Where DJL extracts libtorch (about 430 MB, once). */
    public Path engineCacheDir() {
        return dataDir.resolve("engine-cache");
    }

    public static AppPaths detect(Map<String, String> env, String osName, Path home) {
        if (osName.toLowerCase(Locale.ROOT).startsWith("windows")) {
            Path roaming = pathOr(env.get("APPDATA"), home.resolve("AppData").resolve("Roaming"));
            Path local = pathOr(env.get("LOCALAPPDATA"), home.resolve("AppData").resolve("Local"));
            return new AppPaths(roaming.resolve(WINDOWS_FOLDER).resolve("config.json"), local.resolve(WINDOWS_FOLDER));
        }
        Path config = pathOr(env.get("XDG_CONFIG_HOME"), home.resolve(".config"));
        Path data = pathOr(env.get("XDG_DATA_HOME"), home.resolve(".local").resolve("share"));
        return new AppPaths(config.resolve(XDG_FOLDER).resolve("config.json"), data.resolve(XDG_FOLDER));
    }

    public static AppPaths forThisMachine() {
        return detect(System.getenv(), System.getProperty("os.name", ""), Path.of(System.getProperty("user.home")));
    }

    public AppPaths withConfigFile(Path file) {
        return new AppPaths(file, dataDir);
    }

    /** XDG says relative values are to be ignored. */
    private static Path pathOr(String value, Path fallback) {
        if (value == null || value.isBlank()) {
            return fallback;
        }
        Path path = Path.of(value);
        return path.isAbsolute() ? path : fallback;
    }
}
