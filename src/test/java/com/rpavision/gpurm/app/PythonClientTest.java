package com.rpavision.gpurm.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class PythonClientTest {

    @Test
    void theWheelOfTheAppsVersionIsFoundWithoutItsSnapshotSuffix(@TempDir Path folder) throws Exception {
        Files.writeString(folder.resolve("gpurm_client-0.1.0-py3-none-any.whl"), "zip");
        Files.writeString(folder.resolve("gpurm_client-0.0.9-py3-none-any.whl"), "an older one left behind");
        assertThat(PythonClient.wheelIn(folder, "0.1.0-SNAPSHOT")).contains(folder.resolve("gpurm_client-0.1.0-py3-none-any.whl").toAbsolutePath());
        assertThat(PythonClient.wheelIn(folder, "0.2.0")).isEmpty();
    }

    @Test
    void aDevelopmentBuildTakesTheOnlyWheelThere(@TempDir Path folder) throws Exception {
        assertThat(PythonClient.wheelIn(folder, "development build")).isEmpty();
        Files.writeString(folder.resolve("gpurm_client-0.1.0-py3-none-any.whl"), "zip");
        assertThat(PythonClient.wheelIn(folder, "development build")).isPresent();
        Files.writeString(folder.resolve("gpurm_client-0.2.0-py3-none-any.whl"), "zip");
        assertThat(PythonClient.wheelIn(folder, "development build")).as("two: which one is not guessed").isEmpty();
    }

    @Test
    void theOptionIsParsedAndAMissingWheelSaysWhereItLooked() {
        assertThat(CommandLine.parse("--print-client-path").printClientPath()).isTrue();
        assertThat(CommandLine.USAGE).contains("--print-client-path");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        // the test classes' folder (target/test-classes's parent is target/, where the build may have put one)
        int code = PythonClient.print("9.9.9", new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("gpurm_client-*-py3-none-any.whl").contains(PythonClient.codeFolder().toString());
    }
}
