package com.rpavision.gpurm.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts a new instance of this app, as it was started (the jpackage launcher, or the same JVM with the same
 * options, class path and program arguments), told with {@code --after-pid} to wait for this process to end
 * before it claims the single-instance lock. Ending this process is the caller's part: the normal way out.
 */
public final class Restart {

    private static final Logger LOG = LoggerFactory.getLogger(Restart.class);

    /** How this process was started: what the new one is built from. */
    public record Origin(Optional<String> appPath, String javaCommand, List<String> jvmArgs, String classPath,
                         String mainClass, List<String> args, long pid) {
        public Origin {
            jvmArgs = List.copyOf(jvmArgs);
            args = List.copyOf(args);
        }
    }

    private final List<String> command;

    private Restart(List<String> command) {
        this.command = List.copyOf(command);
    }

    /**
     * @param args the program arguments {@code main} was given
     * @param mode the mode the operator is in now, which the new instance starts in (empty: as {@code args} say)
     */
    public static Restart ofThisProcess(Class<?> mainClass, String[] args, Optional<String> mode) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> programArgs = mode.map(m -> inMode(List.of(args), m)).orElse(List.of(args));
        return new Restart(command(new Origin(Optional.ofNullable(System.getProperty("jpackage.app-path")), java,
                ManagementFactory.getRuntimeMXBean().getInputArguments(), System.getProperty("java.class.path", ""),
                mainClass.getName(), programArgs, ProcessHandle.current().pid())));
    }

    /** The arguments with {@code --mode} set to {@code mode}: a restart while recording comes back recording. */
    public static List<String> inMode(List<String> args, String mode) {
        List<String> kept = without(CommandLine.MODE, args);
        kept.add(CommandLine.MODE);
        kept.add(mode);
        return kept;
    }

    /**
     * The new instance's command line. A jpackage launcher adds its own JVM options; a plain JVM gets this one's
     * back (a module path among them, as {@code mvn javafx:run} gives JavaFX).
     */
    public static List<String> command(Origin origin) {
        List<String> command = new ArrayList<>();
        if (origin.appPath().filter(p -> !p.isBlank()).isPresent()) {
            command.add(origin.appPath().get());
        } else {
            command.add(origin.javaCommand());
            origin.jvmArgs().stream().filter(arg -> !isDebugAgent(arg)).forEach(command::add);
            if (!origin.classPath().isEmpty()) {
                command.add("-cp");
                command.add(origin.classPath());
            }
            command.add(origin.mainClass());
        }
        command.addAll(withoutAfterPid(origin.args()));
        command.add(CommandLine.AFTER_PID);
        command.add(Long.toString(origin.pid()));
        return command;
    }

    /** A debugger's agent would find its port still held by this process, and the new JVM would not start. */
    private static boolean isDebugAgent(String jvmArg) {
        return jvmArg.startsWith("-agentlib:jdwp") || jvmArg.startsWith("-Xrunjdwp");
    }

    /** An earlier restart's {@code --after-pid} names a process long gone. */
    private static List<String> withoutAfterPid(List<String> args) {
        return without(CommandLine.AFTER_PID, args);
    }

    /** The arguments less {@code option} and the value after it. */
    private static List<String> without(String option, List<String> args) {
        List<String> kept = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals(option)) {
                i++;
            } else {
                kept.add(args.get(i));
            }
        }
        return kept;
    }

    public List<String> command() {
        return command;
    }

    /**
     * Starts the new instance, which waits for this process to end. Its console is this one's when there is a
     * terminal; otherwise its output is dropped (its log file has it all), since a pipe read by whoever
     * started this process may close when this process ends.
     *
     * @throws IOException when it cannot be started; then nothing else has happened
     */
    public void startNewInstance() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        if (System.console() != null) {
            builder.redirectOutput(ProcessBuilder.Redirect.INHERIT).redirectError(ProcessBuilder.Redirect.INHERIT);
        } else {
            builder.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD);
        }
        try {
            Process started = builder.start();
            LOG.info("Restarting: new instance started (pid {}, {}); this one stops", started.pid(), command.get(0));
            LOG.debug("Restart command: {}", command);
        } catch (IOException e) {
            LOG.error("Could not restart: {} ({})", e.getMessage(), String.join(" ", command));
            throw e;
        }
    }
}
