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
    void checkConfigTakesAnOptionalFile() {
        assertThat(CommandLine.parse("--check-config", "/etc/gpurm.json").checkConfig())
                .hasValueSatisfying(c -> assertThat(c.file()).contains(Path.of("/etc/gpurm.json")));
        assertThat(CommandLine.parse("--check-config", "--config", "/tmp/c.json").checkConfig())
                .hasValueSatisfying(c -> assertThat(c.file()).isEmpty());
        assertThat(CommandLine.parse("--headless").checkConfig()).isEmpty();
        assertThat(CommandLine.USAGE).contains("--check-config [FILE]");
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

    @Test
    void theSimulatedOllamaTakesItsSettingsFromTheSimOptions() {
        var sim = CommandLine.parse("--simulate-ollama", "11500", "--sim-load-ms", "4500", "--sim-gap-ms", "300-1500",
                "--sim-model", "phi3:mini=2500", "--sim-preload", "phi3:mini", "--sim-vram-mb", "12288").simulateOllama().orElseThrow();
        assertThat(sim.settings().port()).isEqualTo(11500);
        assertThat(sim.settings().loadTime()).isEqualTo(java.time.Duration.ofMillis(4500));
        assertThat(sim.settings().gapMin()).isEqualTo(java.time.Duration.ofMillis(300));
        assertThat(sim.settings().gapMax()).isEqualTo(java.time.Duration.ofMillis(1500));
        assertThat(sim.settings().modelsMb()).containsEntry("phi3:mini", 2500L).containsEntry("qwen3-vl:8b", 10_540L);
        assertThat(sim.settings().preloaded()).containsExactly("phi3:mini");
        assertThat(sim.vramMb()).isEqualTo(12288);
        assertThat(CommandLine.parse("--headless").simulateOllama()).isEmpty();
        assertThat(CommandLine.USAGE).contains("--simulate-ollama PORT");
    }

    @Test
    void aWrongSimOptionSaysWhatItNeeds() {
        assertThatThrownBy(() -> CommandLine.parse("--simulate-ollama")).hasMessageContaining("needs a port");
        assertThatThrownBy(() -> CommandLine.parse("--simulate-ollama", "70000")).hasMessageContaining("needs a port");
        assertThatThrownBy(() -> CommandLine.parse("--simulate-ollama", "0", "--sim-gap-ms", "1500-300"))
                .hasMessageContaining("MAX is below MIN");
        assertThatThrownBy(() -> CommandLine.parse("--simulate-ollama", "0", "--sim-model", "llama3")).hasMessageContaining("NAME=MB");
        assertThatThrownBy(() -> CommandLine.parse("--simulate-ollama", "0", "--sim-preload", "nope:1b"))
                .hasMessageContaining("cannot preload nope:1b");
        assertThatThrownBy(() -> CommandLine.parse("--sim-load-ms", "10")).hasMessageContaining("go with --simulate-ollama");
    }
}
