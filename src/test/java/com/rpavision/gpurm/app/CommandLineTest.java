package com.rpavision.gpurm.app;

import com.rpavision.gpurm.core.model.ExecutionMode;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommandLineTest {

    @Test
    void readsEveryOption() {
        CommandLine cli = CommandLine.parse("--headless", "--config", "/tmp/c.json", "--mode", "recording");
        assertThat(cli.headless()).isTrue();
        assertThat(cli.configFile()).contains(Path.of("/tmp/c.json"));
        assertThat(cli.mode()).contains(ExecutionMode.RECORDING);
    }

    @Test
    void theInstallersOptionIsReadAndListedInTheHelp() {
        assertThat(CommandLine.parse("--write-cds-archive").writeCdsArchive()).isTrue();
        assertThat(CommandLine.parse("--headless").writeCdsArchive()).isFalse();
        assertThat(CommandLine.USAGE).contains("--write-cds-archive");
    }

    @Test
    void anUnknownOptionIsAnError() {
        assertThatThrownBy(() -> CommandLine.parse("--headles")).hasMessageContaining("unknown option '--headles'");
    }

    @Test
    void aMissingValueIsAnError() {
        assertThatThrownBy(() -> CommandLine.parse("--config")).hasMessageContaining("--config needs a file");
        assertThatThrownBy(() -> CommandLine.parse("--mode", "turbo")).hasMessageContaining("idle, recording or autopilot");
    }

    @Test
    void aRestartedInstanceIsToldWhichProcessToWaitFor() {
        assertThat(CommandLine.parse("--demo", "--after-pid", "4242").afterPid()).hasValue(4242L);
        assertThat(CommandLine.parse("--demo").afterPid()).isEmpty();
        assertThat(CommandLine.USAGE).contains("--after-pid PID");
        assertThatThrownBy(() -> CommandLine.parse("--after-pid")).hasMessageContaining("--after-pid needs a process id");
        assertThatThrownBy(() -> CommandLine.parse("--after-pid", "--demo")).hasMessageContaining("--after-pid needs a process id");
    }
}
