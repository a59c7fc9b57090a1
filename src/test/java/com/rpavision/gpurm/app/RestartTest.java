package com.rpavision.gpurm.app;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class RestartTest {

    private static final List<String> JVM_ARGS = List.of("--module-path=/m2/javafx-controls.jar:/m2/javafx-graphics.jar",
            "--add-modules=javafx.controls,javafx.fxml", "-Dfile.encoding=UTF-8");

    private static Restart.Origin origin(Optional<String> appPath, List<String> jvmArgs, List<String> args) {
        return new Restart.Origin(appPath, "/usr/lib/jvm/java-17/bin/java", jvmArgs, "target/classes:/m2/okhttp.jar",
                "com.rpavision.gpurm.Launcher", args, 4242);
    }

    @Test
    void anInstalledAppIsRestartedThroughItsLauncherWhichAddsItsOwnJvmOptions() {
        List<String> command = Restart.command(origin(Optional.of("/opt/gpu-resource-manager/bin/gpu-resource-manager"),
                List.of("-XX:SharedArchiveFile=/opt/gpu-resource-manager/lib/app/app.jsa", "-Xmx512m"), List.of("--mode", "autopilot")));

        assertThat(command).containsExactly("/opt/gpu-resource-manager/bin/gpu-resource-manager",
                "--mode", "autopilot", "--after-pid", "4242");
    }

    @Test
    void aPlainJvmIsRestartedWithItsOptionsClassPathMainClassAndArguments() {
        List<String> command = Restart.command(origin(Optional.empty(), JVM_ARGS, List.of("--demo", "--config", "/tmp/my config.json")));

        assertThat(command).containsExactly("/usr/lib/jvm/java-17/bin/java",
                "--module-path=/m2/javafx-controls.jar:/m2/javafx-graphics.jar", "--add-modules=javafx.controls,javafx.fxml",
                "-Dfile.encoding=UTF-8", "-cp", "target/classes:/m2/okhttp.jar", "com.rpavision.gpurm.Launcher",
                "--demo", "--config", "/tmp/my config.json", "--after-pid", "4242");
    }

    @Test
    void anEmptyAppPathPropertyMeansAPlainJvm() {
        assertThat(Restart.command(origin(Optional.of(""), List.of(), List.of())))
                .containsExactly("/usr/lib/jvm/java-17/bin/java", "-cp", "target/classes:/m2/okhttp.jar",
                        "com.rpavision.gpurm.Launcher", "--after-pid", "4242");
    }

    @Test
    void anEarlierRestartsAfterPidIsReplacedNotRepeated() {
        List<String> command = Restart.command(origin(Optional.of("/opt/app/bin/app"), List.of(),
                List.of("--after-pid", "1111", "--demo")));

        assertThat(command).containsExactly("/opt/app/bin/app", "--demo", "--after-pid", "4242");
        assertThat(command).containsOnlyOnce("--after-pid");
    }

    @Test
    void theNewInstanceStartsInTheModeTheOperatorIsInAndAnEarlierModeArgumentGoes() {
        assertThat(Restart.inMode(List.of("--mode", "idle", "--demo"), "recording"))
                .containsExactly("--demo", "--mode", "recording");
        assertThat(Restart.inMode(List.of(), "autopilot")).containsExactly("--mode", "autopilot");
        CommandLine parsed = CommandLine.parse(Restart.inMode(List.of("--mode", "idle"), "recording").toArray(String[]::new));
        assertThat(parsed.mode()).contains(com.rpavision.gpurm.core.model.ExecutionMode.RECORDING);
    }

    @Test
    void aDebuggerAgentIsNotPassedOnSinceItsPortIsStillHeld() {
        List<String> command = Restart.command(origin(Optional.empty(),
                List.of("-agentlib:jdwp=transport=dt_socket,server=y,address=5005", "-Xmx1g"), List.of()));

        assertThat(command).contains("-Xmx1g").noneMatch(arg -> arg.contains("jdwp"));
    }

    @Test
    void whatThisProcessWouldRunIsThisJvmWithItsClassPath() {
        List<String> command = Restart.ofThisProcess(Restart.class, new String[]{"--demo"}, Optional.of("recording")).command();

        assertThat(command.get(0)).isEqualTo(ProcessHandle.current().info().command().orElseThrow());
        assertThat(command).containsSubsequence("-cp", System.getProperty("java.class.path"), Restart.class.getName(),
                "--demo", "--mode", "recording", "--after-pid", Long.toString(ProcessHandle.current().pid()));
    }
}
