package com.rpavision.gpurm.app;

import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.simulator.SimulatedOllama;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/** The parsed command line. Unknown or incomplete options are errors with a clear message. */
public record CommandLine(boolean headless, boolean demo, boolean help, boolean version, boolean printApiInfo,
                          boolean printClientPath, boolean writeCdsArchive, Optional<Path> configFile, Optional<ExecutionMode> mode,
                          Optional<Path> exportDiagnostics, OptionalLong afterPid,
                          Optional<SimulatorCommand> simulateOllama, Optional<ConfigCheckRequest> checkConfig) {

    /** {@code --check-config [FILE]}: check FILE, or else the one {@code --config} or the default names, and exit. */
    public record ConfigCheckRequest(Optional<Path> file) {
    }

    /** {@code --simulate-ollama PORT}: run only the simulated Ollama, holding its runners on a GPU of {@code vramMb}. */
    public record SimulatorCommand(SimulatedOllama.Settings settings, long vramMb) {
    }

    /** Given by "Restart now" to the new instance: the process it replaces. */
    public static final String AFTER_PID = "--after-pid";
    public static final String MODE = "--mode";

    public static final String USAGE = """
            Usage: gpu-resource-manager [options]
              --headless      run the manager without a window until Ctrl-C / SIGTERM; a configuration it cannot
                              use, a port taken or a data folder it cannot write end it at once, with one line and
                              exit code 78, 69 or 73
              --demo          simulate a 24 GB GPU, Ollama and CLIP in process (nothing real is touched)
              --config FILE   use FILE instead of the default configuration file
              --mode MODE     start in MODE: idle (default), recording or autopilot
              --check-config [FILE]  print every problem of FILE (default: the configuration the app would use)
                              and exit: 0 valid, 78 invalid
              --print-api-info  print where the control API's token file is, and its address
              --print-client-path  print the path of the Python client's wheel shipped with the app, and exit
              --export-diagnostics FILE.zip  write logs, configuration, versions and the OS for a support request
              --write-cds-archive  write the start-up archive of an installed app (installers run it) and exit
              --after-pid PID  first wait (up to 30 s) for process PID to end; Settings' "Restart now" passes it
              --simulate-ollama PORT  run only a simulated Ollama 0.12 on loopback PORT (0: any) for scripts and CI;
                              prints "listening PORT" once it answers; POST /_simulator/restart?down_ms=N restarts it.
                              With: --sim-load-ms N (3000), --sim-gap-ms MIN[-MAX] (500-1500: the eviction gap),
                              --sim-stopping-ms N (0), --sim-vram-mb N (24564), --sim-model NAME=MB (repeatable,
                              adds to qwen3-vl:8b=10540 llama3.2:3b=2600 llama3:8b=4000), --sim-preload NAME
              --version       print the version and exit
              --help          print this help and exit
            """;

    public static CommandLine parse(String... args) {
        boolean headless = false;
        boolean demo = false;
        boolean help = false;
        boolean version = false;
        boolean printApiInfo = false;
        boolean printClientPath = false;
        boolean writeCdsArchive = false;
        Path config = null;
        ExecutionMode mode = null;
        Path diagnostics = null;
        OptionalLong afterPid = OptionalLong.empty();
        Integer simulatorPort = null;
        SimulatedOllama.Settings sim = SimulatedOllama.Settings.defaults();
        long simVramMb = 24_564;
        java.util.List<String> preload = new java.util.ArrayList<>();
        boolean simOption = false;
        ConfigCheckRequest checkConfig = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--headless" -> headless = true;
                case "--demo" -> demo = true;
                case "--help", "-h" -> help = true;
                case "--version" -> version = true;
                case "--print-api-info" -> printApiInfo = true;
                case "--print-client-path" -> printClientPath = true;
                case "--write-cds-archive" -> writeCdsArchive = true;
                case "--config" -> {
                    if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                        throw new IllegalArgumentException("--config needs a file name");
                    }
                    config = Path.of(args[++i]);
                }
                case "--check-config" -> {
                    boolean named = i + 1 < args.length && !args[i + 1].startsWith("--");
                    checkConfig = new ConfigCheckRequest(named ? Optional.of(Path.of(args[++i])) : Optional.empty());
                }
                case "--export-diagnostics" -> {
                    if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                        throw new IllegalArgumentException("--export-diagnostics needs a file name, e.g. diagnostics.zip");
                    }
                    diagnostics = Path.of(args[++i]);
                }
                case MODE -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--mode needs idle, recording or autopilot");
                    }
                    mode = ExecutionMode.fromWireName(args[++i]);
                }
                case AFTER_PID -> {
                    if (i + 1 >= args.length || !args[i + 1].matches("[0-9]{1,18}")) {
                        throw new IllegalArgumentException(AFTER_PID + " needs a process id");
                    }
                    afterPid = OptionalLong.of(Long.parseLong(args[++i]));
                }
                case "--simulate-ollama" -> simulatorPort = (int) number(args, ++i, "--simulate-ollama needs a port (0: any free one)", 65_535);
                case "--sim-load-ms" -> {
                    sim = sim.withLoadTime(java.time.Duration.ofMillis(number(args, ++i, "--sim-load-ms needs milliseconds", 600_000)));
                    simOption = true;
                }
                case "--sim-stopping-ms" -> {
                    sim = sim.withStopping(java.time.Duration.ofMillis(number(args, ++i, "--sim-stopping-ms needs milliseconds", 60_000)));
                    simOption = true;
                }
                case "--sim-vram-mb" -> {
                    simVramMb = number(args, ++i, "--sim-vram-mb needs megabytes", 1L << 30);
                    simOption = true;
                }
                case "--sim-gap-ms" -> {
                    String text = i + 1 < args.length ? args[++i] : "";
                    if (!text.matches("[0-9]{1,6}(-[0-9]{1,6})?")) {
                        throw new IllegalArgumentException("--sim-gap-ms needs MIN or MIN-MAX in milliseconds, e.g. 500-1500");
                    }
                    String[] bounds = text.split("-");
                    long min = Long.parseLong(bounds[0]);
                    long max = bounds.length > 1 ? Long.parseLong(bounds[1]) : min;
                    if (max < min) {
                        throw new IllegalArgumentException("--sim-gap-ms " + text + ": MAX is below MIN");
                    }
                    sim = sim.withGap(java.time.Duration.ofMillis(min), java.time.Duration.ofMillis(max));
                    simOption = true;
                }
                case "--sim-model" -> {
                    String text = i + 1 < args.length ? args[++i] : "";
                    if (!text.matches("[^=\\s]+=[0-9]{1,7}")) {
                        throw new IllegalArgumentException("--sim-model needs NAME=MB, e.g. llama3:8b=4000");
                    }
                    sim = sim.withModel(text.substring(0, text.indexOf('=')), Long.parseLong(text.substring(text.indexOf('=') + 1)));
                    simOption = true;
                }
                case "--sim-preload" -> {
                    if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                        throw new IllegalArgumentException("--sim-preload needs a model name");
                    }
                    preload.add(args[++i]);
                    simOption = true;
                }
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        if (simOption && simulatorPort == null) {
            throw new IllegalArgumentException("the --sim-* options go with --simulate-ollama PORT");
        }
        Optional<SimulatorCommand> simulator = simulatorPort == null ? Optional.empty()
                : Optional.of(new SimulatorCommand(sim.withPort(simulatorPort).withPreloaded(preload), simVramMb));
        return new CommandLine(headless, demo, help, version, printApiInfo, printClientPath, writeCdsArchive, Optional.ofNullable(config), Optional.ofNullable(mode),
                Optional.ofNullable(diagnostics), afterPid, simulator, Optional.ofNullable(checkConfig));
    }

    private static long number(String[] args, int i, String problem, long max) {
        if (i >= args.length || !args[i].matches("[0-9]{1,10}") || Long.parseLong(args[i]) > max) {
            throw new IllegalArgumentException(problem);
        }
        return Long.parseLong(args[i]);
    }
}
