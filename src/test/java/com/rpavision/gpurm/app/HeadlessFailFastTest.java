package com.rpavision.gpurm.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The headless app as a service manager meets it: started in its own JVM with a configuration, a port or a data
 * folder it cannot use, it ends at once with the sysexits code, one line on stderr naming the cause, no stack
 * trace, and the configuration file byte for byte as it was.
 */
class HeadlessFailFastTest {

    private static final String USABLE = "\"ollama_endpoint\": \"http://127.0.0.1:9\", \"nvml_library_path\": \"/nonexistent/libnvidia-ml.so\","
            + " \"nvidia_smi_path\": \"/nonexistent\", \"clip_model_path\": \"/nonexistent/clip.pt\", \"proxy_port\": 0";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            truncated JSON | {"api_port": 0, "idle_time                      | not valid JSON
            wrong type     | {"api_port": "11436"}                            | api_port must be a whole number, got "11436"
            negative value | {"idle_timeout_seconds": -5}                     | idle_timeout_seconds must be between 0 and 86400, got -5
            unknown key    | {"idle_timout_seconds": 30}                      | unknown key 'idle_timout_seconds' (did you mean 'idle_timeout_seconds'?)
            """)
    void anInvalidConfigurationExits78WithOneLineAndTheFileUntouched(String name, String json, String expected) throws Exception {
        Path config = dir.resolve("config.json");
        byte[] original = json.getBytes(StandardCharsets.UTF_8);
        Files.write(config, original);

        Ended ended = headless(config, dir.resolve("data"));

        assertThat(ended.code()).isEqualTo(78);
        assertThat(ended.stderr()).singleElement().asString()
                .startsWith("gpu-resource-manager: the configuration " + config + " cannot be used: ")
                .contains(expected, "left untouched", "--check-config");
        assertThat(ended.stdout()).as("nothing started, nothing logged").isEmpty();
        assertThat(Files.readAllBytes(config)).isEqualTo(original);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).as("nothing set aside").doesNotContain("config.json.corrupt");
        }
    }

    @Test
    void aTakenApiPortExits69NamingThePortAndTheProcessHoldingIt() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path config = dir.resolve("config.json");
            Files.writeString(config, "{" + USABLE + ", \"api_port\": " + taken.getLocalPort() + "}");

            Ended ended = headless(config, dir.resolve("data"));

            assertThat(ended.code()).isEqualTo(69);
            assertThat(ended.stderr()).singleElement().asString().isEqualTo("gpu-resource-manager: the control API cannot listen on 127.0.0.1:"
                    + taken.getLocalPort() + ": the port is in use by java (pid " + ProcessHandle.current().pid()
                    + "); set api_port in the configuration to a free port (0: any) or stop that program");
            assertThat(String.join("\n", ended.stdout())).doesNotContain("Exception", "\tat ", "Manager running");
            assertThat(dir.resolve("data/gpu-resource-manager/api.json")).doesNotExist();
            Path journal = dir.resolve("data/gpu-resource-manager/journal");
            if (Files.isDirectory(journal)) {
                try (var files = Files.list(journal)) {
                    for (Path file : files.toList()) {
                        assertThat(Files.readString(file)).as("a start that failed writes no clean stop: the mode a crash"
                                + " left to restore is kept for the next start").doesNotContain("\"off\"");
                    }
                }
            }
        }
    }

    @Test
    void aTakenProxyPortExits69Too() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path config = dir.resolve("config.json");
            Files.writeString(config, "{" + USABLE.replace("\"proxy_port\": 0", "\"proxy_port\": " + taken.getLocalPort())
                    + ", \"api_port\": 0}");

            Ended ended = headless(config, dir.resolve("data"));

            assertThat(ended.code()).isEqualTo(69);
            assertThat(ended.stderr()).singleElement().asString().isEqualTo("gpu-resource-manager: the Ollama proxy cannot listen on 127.0.0.1:"
                    + taken.getLocalPort() + ": the port is in use by java (pid " + ProcessHandle.current().pid()
                    + "); set proxy_port in the configuration to a free port (0: any) or stop that program");
        }
    }

    @Test
    void aTakenMetricsPortExits69NamingItsHolderToo() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path config = dir.resolve("config.json");
            Files.writeString(config, "{" + USABLE + ", \"api_port\": 0, \"metrics_listen\": \"127.0.0.1:"
                    + taken.getLocalPort() + "\"}");

            Ended ended = headless(config, dir.resolve("data"));

            assertThat(ended.code()).isEqualTo(69);
            assertThat(ended.stderr()).singleElement().asString().isEqualTo("gpu-resource-manager: the metrics listener cannot"
                    + " listen on 127.0.0.1:" + taken.getLocalPort() + ": the port is in use by java (pid "
                    + ProcessHandle.current().pid() + "); set metrics_listen in the configuration to a free port or stop that program");
        }
    }

    @Test
    void aDataFolderThatCannotBeWrittenExits73NamingItWithoutAStackTrace() throws Exception {
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{" + USABLE + ", \"api_port\": 0}");
        Path data = dir.resolve("data");
        Path folder = data.resolve("gpu-resource-manager");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            // root writes through any mode bits: a file where the folder should be cannot be written by anyone
            Files.createDirectories(data);
            Files.writeString(folder, "not a folder");
        } else {
            Files.createDirectories(folder);
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
        }
        try {
            Ended ended = headless(config, data);

            assertThat(ended.code()).isEqualTo(73);
            assertThat(ended.stderr()).singleElement().asString()
                    .startsWith("gpu-resource-manager: cannot write to the data folder " + folder
                            + (root ? " (it is a file, not a folder)" : " (AccessDenied"))
                    .endsWith("give this user write access to it, or point XDG_DATA_HOME to a writable folder");
            assertThat(ended.stdout()).as("no logback status, no stack trace").isEmpty();
            assertThat(Files.readString(config)).contains("\"api_port\": 0");
        } finally {
            if (!root) {
                Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
    }

    private record Ended(int code, List<String> stdout, List<String> stderr) {
    }

    private static Ended headless(Path config, Path xdgData) throws IOException, InterruptedException {
        String logging = "-Dlogback.configurationFile=" + Path.of("target", "classes", "logback.xml").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                logging, "-cp", System.getProperty("java.class.path"), "com.rpavision.gpurm.Launcher", "--headless",
                "--config", config.toString()));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("XDG_DATA_HOME", xdgData.toString());
        Process app = builder.start();
        app.getOutputStream().close();
        var out = new java.util.concurrent.CompletableFuture<String>();
        Thread reader = new Thread(() -> {
            try {
                out.complete(new String(app.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                out.completeExceptionally(e);
            }
        });
        reader.start();
        String err = new String(app.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!app.waitFor(60, TimeUnit.SECONDS)) {
            app.destroyForcibly();
            throw new AssertionError("the headless app did not end; it ran on: " + err);
        }
        List<String> stdout = out.join().lines().filter(l -> !l.contains(" INFO ")).toList();
        return new Ended(app.exitValue(), stdout, err.lines().toList());
    }
}
