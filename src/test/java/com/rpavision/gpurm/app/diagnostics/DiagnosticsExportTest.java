package com.rpavision.gpurm.app.diagnostics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rpavision.gpurm.api.ApiToken;
import com.rpavision.gpurm.app.AppPaths;
import com.rpavision.gpurm.testing.ManagerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

class DiagnosticsExportTest {

    @TempDir
    Path dir;

    private static Map<String, String> unzip(Path zip) throws IOException {
        Map<String, String> entries = new LinkedHashMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e; (e = in.getNextEntry()) != null; ) {
                entries.put(e.getName(), new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        }
        return entries;
    }

    private AppPaths pathsWithATokenFileLogsAndAConfig() throws IOException {
        AppPaths paths = new AppPaths(dir.resolve("config/config.json"), dir.resolve("data"));
        Files.createDirectories(paths.configFile().getParent());
        Files.writeString(paths.configFile(), "{\"idle_timeout_seconds\": 120}");
        Files.createDirectories(paths.logDir());
        Files.writeString(paths.logDir().resolve("gpu-resource-manager.log"), "09:12:03 INFO  Mode IDLE -> RECORDING\n");
        ApiToken.random().writeInfo(paths.apiInfoFile(), 11436);
        return paths;
    }

    @Test
    void fromThePanelItHoldsWhatItPromisesAndNeverTheToken() throws Exception {
        AppPaths paths = pathsWithATokenFileLogsAndAConfig();
        String token = new ObjectMapper().readTree(Files.readString(paths.apiInfoFile())).path("token").asText();
        assertThat(token).hasSize(64);
        Path zip = dir.resolve("out/diagnostics.zip");
        try (ManagerFixture f = ManagerFixture.create()) {
            f.manager.ensureVlmLoaded();
            new DiagnosticsExport(paths, Optional.of(f.manager), () -> "0.12.6 at http://127.0.0.1:11434").writeTo(zip);
        }

        Map<String, String> entries = unzip(zip);
        assertThat(entries).containsKeys("README.txt", "versions.json", "os.json", "config.json", "status.json",
                "events.json", "logs/gpu-resource-manager.log");
        assertThat(entries.get("config.json")).contains("idle_timeout_seconds");
        assertThat(entries.get("logs/gpu-resource-manager.log")).contains("Mode IDLE -> RECORDING");
        JsonNode status = new ObjectMapper().readTree(entries.get("status.json"));
        assertThat(status.path("vlm_state").asText()).isEqualTo("loaded");
        JsonNode events = new ObjectMapper().readTree(entries.get("events.json"));
        assertThat(events).anySatisfy(e -> assertThat(e.path("type").asText()).isEqualTo("model_loaded"));
        JsonNode versions = new ObjectMapper().readTree(entries.get("versions.json"));
        assertThat(versions.path("java").asText()).startsWith(System.getProperty("java.version"));
        assertThat(versions.path("djl").asText()).isEqualTo("0.36.0");
        assertThat(versions.path("ollama").asText()).startsWith("0.12.6");
        assertThat(versions.path("gpu_source").asText()).isNotBlank();
        assertThat(entries.keySet()).noneMatch(name -> name.contains("api.json"));
        assertThat(entries.values()).noneMatch(content -> content.contains(token));
        assertThat(dir.resolve("out/diagnostics.zip.partial")).doesNotExist();
    }

    @Test
    void fromTheCommandLineWithoutARunningAppItSaysThereIsNoLiveStatus() throws Exception {
        AppPaths paths = pathsWithATokenFileLogsAndAConfig(); // api.json points at 11436, where nothing listens
        Path zip = dir.resolve("cli.zip");
        DiagnosticsExport.fromCommandLine(paths, () -> "not reachable").writeTo(zip);
        Map<String, String> entries = unzip(zip);
        assertThat(entries.get("status.json")).contains("not running");
        assertThat(entries).doesNotContainKey("events.json");
    }

    @Test
    void fromTheCommandLineWithTheAppRunningItAsksItsControlApi() throws Exception {
        AppPaths paths = new AppPaths(dir.resolve("config/config.json"), dir.resolve("data"));
        try (ManagerFixture f = ManagerFixture.create()) {
            ApiToken token = ApiToken.random();
            var api = new com.rpavision.gpurm.api.ControlApiServer(f.manager, java.net.InetAddress.getLoopbackAddress(), 0,
                    token, java.time.Duration.ofSeconds(10), "ViT-B-32");
            try {
                token.writeInfo(paths.apiInfoFile(), api.port());
                f.manager.ensureVlmLoaded();
                DiagnosticsExport.fromCommandLine(paths, () -> "0.12.6").writeTo(dir.resolve("cli.zip"));
            } finally {
                api.close();
            }
            Map<String, String> entries = unzip(dir.resolve("cli.zip"));
            assertThat(new ObjectMapper().readTree(entries.get("status.json")).path("vlm_state").asText()).isEqualTo("loaded");
            assertThat(new ObjectMapper().readTree(entries.get("events.json")))
                    .anySatisfy(e -> assertThat(e.path("type").asText()).isEqualTo("model_loaded"));
            assertThat(entries.values()).noneMatch(content -> content.contains(token.value()));
        }
    }
}
