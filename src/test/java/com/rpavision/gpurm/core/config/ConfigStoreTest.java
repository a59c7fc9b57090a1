package com.rpavision.gpurm.core.config;

import com.rpavision.gpurm.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigStoreTest {

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-30T09:15:00Z"));

    private ConfigStore store() {
        return new ConfigStore(dir.resolve("config.json"), clock);
    }

    @Test
    void aMissingFileIsCreatedWithTheDefaults() throws Exception {
        ConfigLoadResult result = store().load();

        assertThat(result.config()).isEqualTo(GpuResourceConfig.defaults());
        assertThat(result.warnings()).isEmpty();
        String written = Files.readString(dir.resolve("config.json"));
        assertThat(written).contains("\"ollama_endpoint\" : \"http://localhost:11434\"", "\"idle_timeout_seconds\" : 300",
                "\"vram_threshold_for_clip_gpu_mb\" : 1024");
    }

    @Test
    void missingKeysTakeTheirDefaults() throws Exception {
        Files.writeString(dir.resolve("config.json"), "{\"vlm_model\": \"llava:13b\", \"idle_timeout_seconds\": 60}");

        ConfigLoadResult result = store().load();

        assertThat(result.warnings()).isEmpty();
        assertThat(result.config()).isEqualTo(GpuResourceConfig.builder().vlmModel("llava:13b").idleTimeoutSeconds(60).build());
    }

    @Test
    void aTruncatedFileIsMovedAsideUntouchedAndTheAppRunsOnDefaults() throws Exception {
        String truncated = "{\"vlm_model\": \"llava:13b\", \"idle_time";
        Files.writeString(dir.resolve("config.json"), truncated);

        ConfigLoadResult result = store().load();

        Path aside = dir.resolve("config.json.corrupt-20261130T091500Z");
        assertThat(result.quarantined()).contains(aside);
        assertThat(Files.readString(aside)).as("nothing lost").isEqualTo(truncated);
        assertThat(result.config()).isEqualTo(GpuResourceConfig.defaults());
        assertThat(result.warnings()).singleElement().asString()
                .contains("not valid JSON", aside.toString(), "running on defaults");
        assertThat(store().load().warnings()).as("fresh defaults written in its place").isEmpty();
    }

    @Test
    void invalidJsonSaysWhere() {
        assertThatThrownBy(() -> new ConfigCodec().fromJson("{\n  \"vlm_model\": qwen\n}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("line 2");
    }

    @Test
    void anUnknownKeyIsNamed() {
        assertThatThrownBy(() -> new ConfigCodec().fromJson("{\"idle_timeout\": 30}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'idle_timeout'");
    }

    @Test
    void aMistypedKeyGetsADidYouMeanAndAFarAwayOneNone() {
        assertThatThrownBy(() -> new ConfigCodec().fromJson("{\"idle_timout_seconds\": 30, \"API_PORT\": 1, \"colour\": 2}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown key 'idle_timout_seconds' (did you mean 'idle_timeout_seconds'?)")
                .hasMessageContaining("unknown key 'API_PORT' (did you mean 'api_port'?)")
                .hasMessageEndingWith("unknown key 'colour'");
    }

    @Test
    void aServiceLoadFailsOnAnInvalidFileAndLeavesItByteForByte() throws Exception {
        byte[] original = "{\"api_port\": \"11436\", \"idle_timeout_seconds\": -1}\n".getBytes(StandardCharsets.UTF_8);
        Files.write(dir.resolve("config.json"), original);

        assertThatThrownBy(() -> store().loadOrFail()).isInstanceOf(ConfigException.class)
                .hasMessageContaining("api_port must be a whole number, got \"11436\"")
                .hasMessageContaining("idle_timeout_seconds must be between 0 and 86400, got -1");

        assertThat(Files.readAllBytes(dir.resolve("config.json"))).isEqualTo(original);
        try (var files = Files.list(dir)) {
            assertThat(files).as("nothing moved aside, nothing written").containsExactly(dir.resolve("config.json"));
        }
    }

    @Test
    void aServiceLoadOfAValidOrMissingFileRunsOnIt() throws Exception {
        assertThat(store().loadOrFail().config()).isEqualTo(GpuResourceConfig.defaults());
        assertThat(dir.resolve("config.json")).as("the defaults written, as the panel does").exists();
        Files.writeString(dir.resolve("config.json"), "{\"api_port\": 12000}");
        assertThat(store().loadOrFail().config().apiPort()).isEqualTo(12000);
    }

    @Test
    void aCheckListsEveryProblemAndChangesNothing() throws Exception {
        String text = "{\"api_port\": 70000, \"vlm_modle\": \"x\", \"autopilot_blocks_vlm\": 1}";
        Files.writeString(dir.resolve("config.json"), text);

        ConfigCheck check = store().check();

        assertThat(check.valid()).isFalse();
        assertThat(check.problems()).containsExactly("api_port must be between 0 and 65535, got 70000",
                "unknown key 'vlm_modle' (did you mean 'vlm_model'?)", "autopilot_blocks_vlm must be true or false, got 1");
        assertThat(Files.readString(dir.resolve("config.json"))).isEqualTo(text);
        assertThat(new ConfigStore(dir.resolve("absent.json"), clock).check().exists()).isFalse();
        assertThat(dir.resolve("absent.json")).as("a check never writes the defaults").doesNotExist();
    }

    @Test
    void anOutOfRangeValueNamesTheKeyAndTheRange() {
        assertThatThrownBy(() -> new ConfigCodec().fromJson("{\"idle_timeout_seconds\": -5}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("idle_timeout_seconds must be between 0 and 86400, got -5");
    }

    @Test
    void aValueOfTheWrongTypeNamesTheKey() {
        assertThatThrownBy(() -> new ConfigCodec().fromJson("{\"gpu_index\": \"0\", \"ollama_endpoint\": \"ftp://x\"}"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("gpu_index must be a whole number")
                .hasMessageContaining("ollama_endpoint must be an http(s) URL");
    }

    @Test
    void vlmOptionsAreAJsonObjectWrittenAsOne() throws Exception {
        GpuResourceConfig config = new ConfigCodec().fromJson("{\"vlm_options\": {\"num_ctx\": 8192, \"stop\": [\"</s>\"]}}");

        assertThat(config.vlmOptions()).containsEntry("num_ctx", 8192).containsEntry("stop", java.util.List.of("</s>"));
        assertThat(new ConfigCodec().toJson(config)).contains("\"vlm_options\" : {").contains("\"num_ctx\" : 8192");
        assertThat(new ConfigCodec().fromJson(new ConfigCodec().toJson(config))).isEqualTo(config);
        assertThatThrownBy(() -> new ConfigCodec().fromJson("{\"vlm_options\": \"num_ctx=8192\"}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("vlm_options must be a JSON object");
        assertThat(GpuResourceConfig.defaults().vlmOptions()).isEmpty();
    }

    @Test
    void aSwitchTakesTrueOrFalseOnly() throws Exception {
        assertThatThrownBy(() -> new ConfigCodec().fromJson("{\"autopilot_blocks_vlm\": \"yes\"}"))
                .isInstanceOf(ConfigException.class).hasMessageContaining("autopilot_blocks_vlm must be true or false");
        assertThat(new ConfigCodec().fromJson("{\"autopilot_blocks_vlm\": true}").autopilotBlocksVlm()).isTrue();
    }

    @Test
    void aFileThatIsNotUtf8IsMovedAside() throws Exception {
        Files.write(dir.resolve("config.json"), new byte[]{'{', (byte) 0xff, (byte) 0xfe, '}'});
        ConfigLoadResult result = store().load();
        assertThat(result.warnings()).singleElement().asString().contains("not UTF-8");
        assertThat(result.quarantined()).isPresent();
    }

    @Test
    void anInvalidConfigurationIsNeverSaved() throws Exception {
        GpuResourceConfig bad = GpuResourceConfig.builder().pollIntervalMs(5).build();
        assertThatThrownBy(() -> store().save(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("poll_interval_ms must be between 100 and 60000");
        assertThat(Files.exists(dir.resolve("config.json"))).isFalse();
    }

    @Test
    void saveReplacesTheFileWholeAndLeavesNoTemporaryFiles() throws Exception {
        ConfigStore store = store();
        store.save(GpuResourceConfig.builder().gpuIndex(1).build());
        store.save(GpuResourceConfig.builder().gpuIndex(2).build());

        assertThat(store.load().config().gpuIndex()).isEqualTo(2);
        try (var files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).containsExactly("config.json");
        }
    }

    @Test
    void anUnwritableFolderIsAClearErrorAndTheAppStillStartsOnDefaults() throws Exception {
        Path folder = unwritableFolder();
        ConfigStore store = new ConfigStore(folder.resolve("config.json"), clock);

        assertThatThrownBy(() -> store.save(GpuResourceConfig.defaults()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("Cannot write the configuration to " + folder.resolve("config.json"))
                .hasMessageContaining("writable");
        ConfigLoadResult result = store.load();
        assertThat(result.config()).isEqualTo(GpuResourceConfig.defaults());
        assertThat(result.warnings()).singleElement().asString().contains(folder.resolve("config.json").toString(), "running on defaults");
    }

    /**
     * A read-only folder, or, for root (whom permissions do not stop) and on Windows (where a folder's read-only
     * attribute does not stop new files), a "folder" that is really a file.
     */
    private Path unwritableFolder() throws Exception {
        if ("root".equals(System.getProperty("user.name")) || !dir.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Path file = dir.resolve("read-only");
            Files.writeString(file, "", StandardCharsets.UTF_8);
            return file;
        }
        Path folder = Files.createDirectory(dir.resolve("read-only"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("r-xr-xr-x"));
        return folder;
    }
}
