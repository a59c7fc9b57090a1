package com.rpavision.gpurm.api;

import com.rpavision.gpurm.core.manager.GpuResourceManager;
import com.rpavision.gpurm.core.model.Condition;
import com.rpavision.gpurm.core.model.DriftCause;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.VramInfo;
import com.rpavision.gpurm.testing.FakeGpu;
import com.rpavision.gpurm.testing.ManagerFixture;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** /metrics parsed strictly against Prometheus' text exposition format 0.0.4. */
class MetricsTest {

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{((?:[a-zA-Z_][a-zA-Z0-9_]*=\"(?:[^\"\\\\\\n]|\\\\[\\\\\"n])*\",?)*)\\})? (\\S+)");

    /** Parses strictly; returns samples keyed "name{labels}", failing on anything the format forbids. */
    static Map<String, Double> parse(String text) {
        Map<String, String> types = new HashMap<>();
        Map<String, Double> samples = new LinkedHashMap<>();
        assertThat(text).endsWith("\n");
        for (String line : text.split("\n")) {
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ", 4);
                assertThat(parts).hasSize(4);
                assertThat(parts[2]).matches(NAME);
                if (line.startsWith("# TYPE ")) {
                    assertThat(parts[3]).isIn("counter", "gauge", "histogram", "summary", "untyped");
                    assertThat(types.put(parts[2], parts[3])).as("declared once: " + parts[2]).isNull();
                }
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                fail("not a valid sample line: " + line);
            }
            String name = m.group(1);
            String family = name.replaceAll("_(bucket|sum|count)$", "");
            assertThat(types).as("TYPE before samples of " + name).containsKey(types.containsKey(name) ? name : family);
            double value = m.group(4).equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(m.group(4));
            assertThat(samples.put(name + (m.group(3) == null ? "" : "{" + m.group(3) + "}"), value))
                    .as("no duplicate series: " + line).isNull();
        }
        return samples;
    }

    @Test
    void theScrapeIsStrictlyValidAndFollowsTheManager() throws Exception {
        try (ManagerFixture f = ManagerFixture.create();
             ControlApiServer server = new ControlApiServer(f.manager, InetAddress.getLoopbackAddress(), 0,
                     ApiToken.random(), Duration.ofSeconds(10), "ViT-B-32")) {
            f.switchTo(ExecutionMode.RECORDING);
            f.switchTo(ExecutionMode.AUTOPILOT);

            OkHttpClient http = new OkHttpClient();
            String text;
            try (Response response = http.newCall(new Request.Builder()
                    .url("http://127.0.0.1:" + server.port() + "/metrics").build()).execute()) {
                assertThat(response.code()).as("no token needed").isEqualTo(200);
                assertThat(response.header("Content-Type")).startsWith("text/plain; version=0.0.4");
                text = response.body().string();
            } finally {
                http.connectionPool().evictAll();
            }

            Map<String, Double> m = parse(text);
            String gpu = "{index=\"0\",uuid=\"" + FakeGpu.UUID + "\"}";
            assertThat(m).containsEntry("gpurm_vram_total_bytes" + gpu, 11_400 * 1_048_576.0);
            assertThat(m).containsEntry("gpurm_gpu_info{uuid=\"" + FakeGpu.UUID + "\",name=\"Fake RTX 4090\",index=\"0\","
                    + "driver_version=\"550.54.15\"}", 1.0);
            assertThat(m.keySet()).as("the name only on the info metric, and on gpu_up, which outlives it when the GPU is lost")
                    .filteredOn(k -> k.contains("name="))
                    .containsExactly("gpurm_gpu_info{uuid=\"" + FakeGpu.UUID + "\",name=\"Fake RTX 4090\",index=\"0\","
                            + "driver_version=\"550.54.15\"}",
                            "gpurm_gpu_up{index=\"0\",uuid=\"" + FakeGpu.UUID + "\",name=\"Fake RTX 4090\"}");
            VramInfo vram = f.manager.getVramUsage();
            assertThat(m).containsEntry("gpurm_vram_reserved_bytes" + gpu, vram.reservedMb() * 1_048_576.0)
                    .containsEntry("gpurm_vram_used_bytes" + gpu, (vram.usedMb() - vram.reservedMb()) * 1_048_576.0);
            assertThat(vram.reservedMb()).isPositive();
            assertThat(m.get("gpurm_vram_used_bytes" + gpu) + m.get("gpurm_vram_reserved_bytes" + gpu)
                    + m.get("gpurm_vram_free_bytes" + gpu)).as("used + reserved + free = total")
                    .isEqualTo(m.get("gpurm_vram_total_bytes" + gpu));
            assertThat(m).containsEntry("gpurm_gpu_temperature_celsius" + gpu, 58.0)
                    .containsEntry("gpurm_gpu_power_watts" + gpu, 112.0)
                    .containsEntry("gpurm_gpu_power_limit_watts" + gpu, 450.0);
            assertThat(m.keySet()).anyMatch(k -> k.startsWith("gpurm_build_info{version=\""));
            for (DriftCause cause : DriftCause.values()) {
                assertThat(m).containsEntry("gpurm_vlm_drift_total{cause=\"" + cause.wireName() + "\"}", 0.0);
            }
            for (Condition condition : Condition.values()) {
                assertThat(m).containsEntry("gpurm_condition{condition=\"" + condition.wireName() + "\"}", 0.0);
            }
            assertThat(m).containsEntry("gpurm_execution_mode{mode=\"autopilot\"}", 1.0)
                    .containsEntry("gpurm_execution_mode{mode=\"recording\"}", 0.0)
                    .containsEntry("gpurm_vlm_state{state=\"unloaded\"}", 1.0)
                    .containsEntry("gpurm_clip_device{device=\"cuda\"}", 1.0)
                    .containsEntry("gpurm_degraded", 0.0)
                    .containsEntry("gpurm_vlm_load_duration_seconds_count", 1.0)
                    .containsEntry("gpurm_vlm_load_duration_seconds_bucket{le=\"+Inf\"}", 1.0)
                    .containsEntry("gpurm_vlm_load_duration_seconds_bucket{le=\"2.5\"}", 0.0)
                    .containsEntry("gpurm_vlm_load_duration_seconds_bucket{le=\"5.0\"}", 1.0)
                    .containsEntry("gpurm_vlm_unload_duration_seconds_count", 1.0)
                    .containsEntry("gpurm_clip_migrations_total", 1.0);
            assertThat(m.get("gpurm_vlm_load_duration_seconds_sum")).isEqualTo(3.0);
        }
    }

    @Test
    void driftCountsAndConditionsComeFromTheManager() throws Exception {
        try (ManagerFixture f = ManagerFixture.options().gpu(24_000, 600).build();
             ManagerMetrics metrics = new ManagerMetrics(f.manager, () -> 0, () -> 0)) {
            f.ollama.install("llama3:8b", 6_000).maxLoadedModels(1);
            f.switchTo(ExecutionMode.RECORDING);
            for (int round = 0; round < 3; round++) { // another client evicts the VLM three times: contended
                f.ollama.loadOutside("llama3:8b", java.time.Duration.ofMinutes(5));
                f.manager.observeOllama().join();
            }
            Map<String, Double> m = parse(metrics.scrape());
            assertThat(m).containsEntry("gpurm_vlm_drift_total{cause=\"evicted\"}", 3.0)
                    .containsEntry("gpurm_vlm_drift_total{cause=\"expired\"}", 0.0)
                    .containsEntry("gpurm_condition{condition=\"vlm_contended\"}", 1.0)
                    .containsEntry("gpurm_condition{condition=\"vlm_partly_on_cpu\"}", 0.0);
        }
    }

    @Test
    void aLostGpuStaysAsDownWithItsLastKnownLabelsAndComesBackUp() throws Exception {
        try (ManagerFixture f = ManagerFixture.create();
             ManagerMetrics metrics = new ManagerMetrics(f.manager, () -> 0, () -> 0)) {
            String up = "gpurm_gpu_up{index=\"0\",uuid=\"" + FakeGpu.UUID + "\",name=\"Fake RTX 4090\"}";
            assertThat(parse(metrics.scrape())).containsEntry(up, 1.0).containsEntry("gpurm_degraded", 0.0);

            f.gpu.failReads("Unknown Error (code 15: GPU is lost)");
            f.vram.sample();
            Map<String, Double> lost = parse(metrics.scrape());
            assertThat(lost).containsEntry(up, 0.0).containsEntry("gpurm_degraded", 1.0);
            assertThat(lost.keySet()).as("the GPU's other series are gone with it")
                    .noneMatch(k -> k.startsWith("gpurm_gpu_info") || k.startsWith("gpurm_vram_total_bytes"));
            assertThat(parse(metrics.scrape())).as("kept while lost, scrape after scrape").containsEntry(up, 0.0);

            f.gpu.failReads(null);
            f.vram.sample();
            assertThat(parse(metrics.scrape())).containsEntry(up, 1.0).containsKey("gpurm_vram_total_bytes{index=\"0\",uuid=\""
                    + FakeGpu.UUID + "\"}");
        }
    }

    @Test
    void aGpuNeverSeenHasNoUpSeries() throws Exception {
        try (ManagerFixture f = ManagerFixture.create()) {
            f.gpu.failReads("NVML could not count GPUs");
            f.vram.sample();
            try (ManagerMetrics metrics = new ManagerMetrics(f.manager, () -> 0, () -> 0)) {
                assertThat(parse(metrics.scrape()).keySet()).noneMatch(k -> k.startsWith("gpurm_gpu_up"));
            }
        }
    }

    @Test
    void promtoolFindsNothingToLintInTheScrape() throws Exception {
        assumeTrue(onPath("promtool"), "promtool not installed (apt-get install -y prometheus): lint skipped");
        try (ManagerFixture f = ManagerFixture.create();
             ManagerMetrics metrics = new ManagerMetrics(f.manager, () -> 5, () -> 2)) {
            f.switchTo(ExecutionMode.RECORDING);
            promtoolCheckMetrics(metrics.scrape());
            f.gpu.failReads("GPU is lost"); // then gpurm_gpu_up at 0, the GPU's other series gone
            f.vram.sample();
            promtoolCheckMetrics(metrics.scrape());
            promtoolCheckMetrics(MetricsTextfile.content(metrics.scrape(), f.clock.instant()));
        }
    }

    private static void promtoolCheckMetrics(String text) throws Exception {
        Process promtool = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        try (var in = promtool.getOutputStream()) {
            in.write(text.getBytes(StandardCharsets.UTF_8));
        }
        String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(output).as("promtool check metrics").isEmpty();
        assertThat(promtool.exitValue()).isZero();
    }

    private static boolean onPath(String command) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, command)));
    }

    @Test
    void labelValuesAreEscaped() {
        assertThat(ManagerMetrics.escape("A \"quoted\" \\ name\nnext")).isEqualTo("A \\\"quoted\\\" \\\\ name\\nnext");
        assertThat(parse("# HELP x y\n# TYPE x gauge\nx{name=\"" + ManagerMetrics.escape("a\"b\\c") + "\"} 1\n"))
                .containsKey("x{name=\"a\\\"b\\\\c\"}");
    }
}
