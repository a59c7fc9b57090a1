package com.rpavision.gpurm.app;

import com.rpavision.gpurm.core.config.ConfigStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

class ConfigCheckCommandTest {

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    private int check(Path file, boolean named) {
        return ConfigCheckCommand.print(new ConfigStore(file, Clock.systemUTC()).check(), named,
                new PrintStream(out, true, StandardCharsets.UTF_8));
    }

    private String printed() {
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyProblemOnItsOwnLineAndExit78() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"api_port\": -1, \"proxy_prot\": 1}");

        assertThat(check(file, true)).isEqualTo(78);
        assertThat(printed().lines()).containsExactly(
                file + ": 2 problems (the headless app would not start; the panel would set the file aside and run on defaults)",
                "  api_port must be between 0 and 65535, got -1",
                "  unknown key 'proxy_prot' (did you mean 'proxy_port'?)");
    }

    @Test
    void aValidFileExits0() throws Exception {
        Path file = dir.resolve("config.json");
        Files.writeString(file, "{\"api_port\": 12000}");
        assertThat(check(file, true)).isZero();
        assertThat(printed()).isEqualTo(file + ": valid" + System.lineSeparator());
    }

    @Test
    void aMissingNamedFileIsAnErrorAndTheMissingDefaultOneIsNot() {
        assertThat(check(dir.resolve("typo.json"), true)).isEqualTo(78);
        assertThat(check(dir.resolve("config.json"), false)).isZero();
        assertThat(printed()).contains("typo.json: no such file", "the app would write the defaults there");
        assertThat(dir.resolve("config.json")).as("a check writes nothing").doesNotExist();
    }
}
