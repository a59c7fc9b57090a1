package com.rpavision.gpurm.app;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The Python client's wheel shipped with the app ({@code --print-client-path}), for a station without a package
 * index: {@code PIP_NO_INDEX=1 pip install "$(gpu-resource-manager --print-client-path)"}. The build writes it next
 * to the jar (clients/python/tools/WheelWriter.java, into target/) and the installers ship it beside the jar in the
 * app folder, so it is looked for in the folder the app's code comes from.
 */
public final class PythonClient {

    static final String PREFIX = "gpurm_client-";
    static final String SUFFIX = "-py3-none-any.whl";

    private PythonClient() {
    }

    /** Prints the wheel's absolute path (0), or says where it was looked for (1). */
    public static int print(String appVersion, PrintStream out, PrintStream err) {
        Path folder = codeFolder();
        Optional<Path> wheel = wheelIn(folder, appVersion);
        if (wheel.isEmpty()) {
            err.println("no " + PREFIX + "*" + SUFFIX + " in " + folder + " (build it: ./mvnw -q -DskipTests package)");
            return 1;
        }
        out.println(wheel.get());
        return 0;
    }

    /**
     * The wheel of this version in {@code folder} ({@code 0.1.0-SNAPSHOT} ships {@code gpurm_client-0.1.0...}), or,
     * for a development build that knows no version, the only wheel there.
     */
    static Optional<Path> wheelIn(Path folder, String appVersion) {
        String version = appVersion.replaceFirst("-SNAPSHOT$", "");
        Path exact = folder.resolve(PREFIX + version + SUFFIX);
        if (Files.isRegularFile(exact)) {
            return Optional.of(exact.toAbsolutePath());
        }
        if (!version.matches("[0-9][0-9A-Za-z.]*")) {
            try (Stream<Path> files = Files.list(folder)) {
                var wheels = files.filter(p -> p.getFileName().toString().startsWith(PREFIX)
                        && p.getFileName().toString().endsWith(SUFFIX)).toList();
                if (wheels.size() == 1) {
                    return Optional.of(wheels.get(0).toAbsolutePath());
                }
            } catch (IOException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** target/ for target/gpu-resource-manager.jar or target/classes; the app folder (lib/app, app) of an install. */
    static Path codeFolder() {
        try {
            Path code = Path.of(PythonClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            return code.toAbsolutePath().getParent();
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            return Path.of("").toAbsolutePath();
        }
    }
}
