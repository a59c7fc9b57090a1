package com.rpavision.gpurm.app;

import com.rpavision.gpurm.core.model.ExecutionMode;

import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;

/** The parsed command line. Unknown or incomplete options are errors with a clear message. */
public record CommandLine(boolean headless, boolean demo, boolean help, boolean version, boolean printApiInfo,
                          boolean writeCdsArchive, Optional<Path> configFile, Optional<ExecutionMode> mode,
                          Optional<Path> exportDiagnostics, OptionalLong afterPid) {

    /** Given by "Restart now" to the new instance: the process it replaces. */
    public static final String AFTER_PID = "--after-pid";
    public static final String MODE = "--mode";

    public static final String USAGE = """
            Usage: gpu-resource-manager [options]
              --headless      run the manager without a window until Ctrl-C / SIGTERM
              --demo          simulate a 24 GB GPU, Ollama and CLIP in process (nothing real is touched)
              --config FILE   use FILE instead of the default configuration file
              --mode MODE     start in MODE: idle (default), recording or autopilot
              --print-api-info  print where the control API's token file is, and its address
              --export-diagnostics FILE.zip  write logs, configuration, versions and the OS for a support request
              --write-cds-archive  write the start-up archive of an installed app (installers run it) and exit
              --after-pid PID  first wait (up to 30 s) for process PID to end; Settings' "Restart now" passes it
              --version       print the version and exit
              --help          print this help and exit
            """;

    public static CommandLine parse(String... args) {
        boolean headless = false;
        boolean demo = false;
        boolean help = false;
        boolean version = false;
        boolean printApiInfo = false;
        boolean writeCdsArchive = false;
        Path config = null;
        ExecutionMode mode = null;
        Path diagnostics = null;
        OptionalLong afterPid = OptionalLong.empty();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--headless" -> headless = true;
                case "--demo" -> demo = true;
                case "--help", "-h" -> help = true;
                case "--version" -> version = true;
                case "--print-api-info" -> printApiInfo = true;
                case "--write-cds-archive" -> writeCdsArchive = true;
                case "--config" -> {
                    if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                        throw new IllegalArgumentException("--config needs a file name");
                    }
                    config = Path.of(args[++i]);
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
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        return new CommandLine(headless, demo, help, version, printApiInfo, writeCdsArchive, Optional.ofNullable(config), Optional.ofNullable(mode),
                Optional.ofNullable(diagnostics), afterPid);
    }
}
