package com.rpavision.gpurm.app;

import com.rpavision.gpurm.testing.ClipFixture;
import com.rpavision.gpurm.testing.ConcurrencyRecorder;
import com.rpavision.gpurm.testing.FakeGpu;
import com.rpavision.gpurm.testing.FakeOllama;
import com.rpavision.gpurm.testing.NoDelayServerSocketFactory;
import com.rpavision.gpurm.testing.NvmlStub;
import mockwebserver3.MockWebServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The app as an operator starts it: a separate JVM running {@code Launcher --headless}, configured to use an
 * Ollama look-alike over HTTP and the NVML stub library, stopped with SIGTERM.
 */
class HeadlessRunTest {

    @TempDir
    Path dir;

    @Test
    void theHeadlessAppLogsRealVramFiguresLoadsUnloadsWhenIdleAndStopsCleanly() throws Exception {
        String reason = NvmlStub.unavailableReason().orElse(null);
        assumeTrue(reason == null, () -> "skipped: " + reason);
        Path nvml = NvmlStub.build("v3");
        FakeOllama ollama = ollama();
        try (MockWebServer server = serving(ollama)) {
            Path config = dir.resolve("config.json");
            Files.writeString(config, "{\"ollama_endpoint\": \"" + server.url("/") + "\", \"nvml_library_path\": \""
                    + nvml + "\", \"idle_timeout_seconds\": 2, \"unload_timeout_seconds\": 1, \"clip_model_path\": \""
                    + ClipFixture.MODEL + "\", \"api_port\": 0, \"proxy_port\": 0}");

            List<String> lines = Collections.synchronizedList(new ArrayList<>());
            Running running = headless(config, lines, java.util.Map.of("NVML_STUB_DEVICES", "NVIDIA GeForce RTX 4090,24564,1830,12",
                    "ENGINE_CACHE_DIR", ClipFixture.ENGINE_CACHE.toString()), "--mode", "recording");
            Process app = running.process();
            String apiStatus;
            try {
                await().atMost(60, TimeUnit.SECONDS).until(() -> contains(lines, "VLM qwen3-vl:8b unloaded in")
                        && contains(lines, "CLIP ViT-B-32 available"));
                apiStatus = statusThroughTheControlApi(dir.resolve("data/gpu-resource-manager/api.json"));
            } finally {
                app.toHandle().destroy(); // SIGTERM; Process.destroy() would also close the output we read
                assertThat(app.waitFor(20, TimeUnit.SECONDS)).as("stops on SIGTERM").isTrue();
                running.reader().join(5_000);
            }
            assertThat(app.exitValue()).as("a clean stop on SIGTERM exits 0, not 143").isZero();
            String log = String.join("\n", lines);
            assertThat(log).contains("1830 / 24564 MB used (22734 MB free) on NVIDIA GeForce RTX 4090");
            assertThat(log).contains("Mode IDLE -> RECORDING", "Loading VLM qwen3-vl:8b (recording)",
                    "VLM qwen3-vl:8b loaded", "idle for 2 s", "(idle timeout)", "GPU resource manager stopped");
            assertThat(log).containsPattern("CLIP ViT-B-32 available on cpu after \\d+ ms; not on cuda: libtorch 2.7.1 sees no CUDA device");
            assertThat(ollama.loads.get()).isEqualTo(1);
            assertThat(apiStatus).as("the headless app serves the control API").contains("\"execution_mode\":\"recording\"");
            assertThat(Files.exists(dir.resolve("data/gpu-resource-manager/api.json"))).as("token file removed at stop").isFalse();
            assertThat(ollama.isResident("qwen3-vl:8b")).isFalse();
            assertThat(Files.readString(dir.resolve("data/gpu-resource-manager/logs/gpu-resource-manager.log")))
                    .as("the same lines in the rolling log file").contains("VLM qwen3-vl:8b loaded");
        }
    }

    @Test
    void afterKill9TheStationComesBackInTheModeTheOperatorHadChosenAndSaysSo() throws Exception {
        try (MockWebServer server = serving(ollama())) {
            Path config = withoutGpuOrClip(server);

            List<String> first = Collections.synchronizedList(new ArrayList<>());
            Process app = headless(config, first, java.util.Map.of(), "--mode", "recording").process();
            await().atMost(60, TimeUnit.SECONDS).until(() -> contains(first, "VLM qwen3-vl:8b loaded"));
            app.destroyForcibly(); // kill -9: no stop, no journal line, nothing handed back
            app.waitFor(20, TimeUnit.SECONDS);

            List<String> second = Collections.synchronizedList(new ArrayList<>());
            Process again = headless(config, second, java.util.Map.of()).process(); // no --mode: the choice comes back
            try {
                await().atMost(60, TimeUnit.SECONDS).until(() -> contains(second, "recording restored")
                        && contains(second, "VLM qwen3-vl:8b loaded"));
            } finally {
                again.toHandle().destroy();
                again.waitFor(20, TimeUnit.SECONDS);
            }
            assertThat(String.join("\n", second)).contains("it stopped unexpectedly", "Mode IDLE -> RECORDING (restored: unexpected_stop)");
            Path journal = dir.resolve("data/gpu-resource-manager/journal");
            String written;
            try (var files = Files.list(journal)) {
                written = files.map(f -> {
                    try {
                        return Files.readString(f);
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }).reduce("", String::concat);
            }
            assertThat(written).as("the event recorded in the journal").contains("\"restored\":\"unexpected_stop\"");
        }
    }

    /**
     * tools/chaos: a SIGTERM sent as soon as api.json names the control API (before the manager had started, the
     * shutdown hook and the signal handler were not there yet) ended the JVM with 143 and dropped the requests.
     */
    @Test
    void aSigtermAsSoonAsTheControlApiIsUpStopsCleanlyWithStatusZero() throws Exception {
        try (MockWebServer server = serving(ollama())) {
            Path config = withoutGpuOrClip(server);
            List<String> lines = Collections.synchronizedList(new ArrayList<>());
            Process app = headless(config, lines, java.util.Map.of(), "--mode", "idle").process();
            try {
                await().atMost(60, TimeUnit.SECONDS).pollInterval(java.time.Duration.ofMillis(1))
                        .until(() -> contains(lines, "Control API token and address in"));
                app.toHandle().destroy(); // SIGTERM
                assertThat(app.waitFor(20, TimeUnit.SECONDS)).isTrue();
            } finally {
                app.destroyForcibly();
            }
            assertThat(app.exitValue()).as("exit status; the output:\n" + String.join("\n", lines)).isZero();
            await().atMost(5, TimeUnit.SECONDS).until(() -> contains(lines, "GPU resource manager stopped"));
        }
    }

    @Test
    void theApiIsFoundOnlyOnceTheStartsModeIsApplied() throws Exception {
        try (MockWebServer server = serving(ollama())) {
            Path config = withoutGpuOrClip(server);
            Path apiInfo = dir.resolve("data/gpu-resource-manager/api.json");
            List<String> lines = Collections.synchronizedList(new ArrayList<>());
            Process app = headless(config, lines, java.util.Map.of(), "--mode", "recording").process();
            try {
                await().atMost(60, TimeUnit.SECONDS).pollInterval(java.time.Duration.ofMillis(5)).until(() -> Files.exists(apiInfo)
                        && Files.size(apiInfo) > 0);
                // an agent's first look: were the start's own mode applied after this, the agent's choice would be lost
                assertThat(statusThroughTheControlApi(apiInfo)).contains("\"execution_mode\":\"recording\"");
                await().atMost(10, TimeUnit.SECONDS).until(() -> contains(lines, "Control API token and address in"));
            } finally {
                app.toHandle().destroy();
                app.waitFor(20, TimeUnit.SECONDS);
            }
            List<String> log;
            synchronized (lines) {
                log = List.copyOf(lines);
            }
            int modeSet = indexOf(log, "Mode IDLE -> RECORDING");
            int published = indexOf(log, "Control API token and address in");
            assertThat(modeSet).as("the start's mode is set before api.json tells agents where the API is")
                    .isNotNegative().isLessThan(published);
        }
    }

    /** A configuration with this Ollama look-alike, no GPU and no CLIP model: the quickest start there is. */
    private Path withoutGpuOrClip(MockWebServer server) throws java.io.IOException {
        Path config = dir.resolve("config.json");
        Files.writeString(config, "{\"ollama_endpoint\": \"" + server.url("/") + "\", \"nvml_library_path\":"
                + " \"/nonexistent/libnvidia-ml.so\", \"nvidia_smi_path\": \"/nonexistent\", \"api_port\": 0,"
                + " \"proxy_port\": 0, \"clip_model_path\": \"/nonexistent/clip.pt\"}");
        return config;
    }

    private static FakeOllama ollama() {
        return new FakeOllama(new FakeGpu(1_000_000, 0), null, new ConcurrencyRecorder(),
                Collections.synchronizedList(new ArrayList<>()));
    }

    private static MockWebServer serving(FakeOllama ollama) throws java.io.IOException {
        MockWebServer server = new MockWebServer();
        server.setDispatcher(ollama);
        server.setServerSocketFactory(new NoDelayServerSocketFactory());
        server.start(InetAddress.getLoopbackAddress(), 0);
        return server;
    }

    /** The app's process, and the thread that reads its output into the list it was given. */
    private record Running(Process process, Thread reader) {
    }

    /** {@code Launcher --headless} in its own JVM, with the app's own logging (the test class path's is silent). */
    private Running headless(Path config, List<String> lines, java.util.Map<String, String> env, String... more)
            throws java.io.IOException {
        String logging = "-Dlogback.configurationFile=" + Path.of("target", "classes", "logback.xml").toAbsolutePath();
        List<String> command = new ArrayList<>(List.of(javaExecutable(), logging, "-cp", System.getProperty("java.class.path"),
                "com.rpavision.gpurm.Launcher", "--headless", "--config", config.toString()));
        command.addAll(List.of(more));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("XDG_DATA_HOME", dir.resolve("data").toString());
        builder.environment().putAll(env);
        Process app = builder.start();
        Thread reader = new Thread(() -> readLines(app, lines));
        reader.setDaemon(true);
        reader.start();
        return new Running(app, reader);
    }

    private static String statusThroughTheControlApi(Path apiInfo) throws Exception {
        com.fasterxml.jackson.databind.JsonNode info = new com.fasterxml.jackson.databind.ObjectMapper().readTree(apiInfo.toFile());
        okhttp3.OkHttpClient client = new okhttp3.OkHttpClient();
        okhttp3.Request request = new okhttp3.Request.Builder().url(info.path("base_url").asText() + "/api/v1/status")
                .header("Authorization", "Bearer " + info.path("token").asText()).build();
        try (okhttp3.Response response = client.newCall(request).execute()) {
            return response.body().string();
        } finally {
            client.connectionPool().evictAll();
        }
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean contains(List<String> lines, String text) {
        synchronized (lines) {
            return lines.stream().anyMatch(l -> l.contains(text));
        }
    }

    private static void readLines(Process app, List<String> lines) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(app.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lines.add(line);
            }
        } catch (java.io.IOException ignored) {
            // the process ended
        }
    }

    private static String javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
