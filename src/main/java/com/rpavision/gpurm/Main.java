package com.rpavision.gpurm;

import com.rpavision.gpurm.app.AppPaths;
import com.rpavision.gpurm.app.CommandLine;
import com.rpavision.gpurm.app.ManagerFactory;
import com.rpavision.gpurm.core.config.ConfigLoadResult;
import com.rpavision.gpurm.core.config.ConfigStore;
import com.rpavision.gpurm.core.manager.GpuResourceManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.concurrent.CountDownLatch;

/** Entry point: parses the command line, sets up logging, loads the configuration, runs the manager. */
public final class Main {

    private Main() {
    }

    public static void main(String[] args) {
        CommandLine cli;
        try {
            cli = CommandLine.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("gpu-resource-manager: " + e.getMessage());
            System.err.print(CommandLine.USAGE);
            System.exit(2);
            return;
        }
        if (cli.help()) {
            System.out.print(CommandLine.USAGE);
            return;
        }
        if (cli.version()) {
            System.out.println("GPU Resource Manager " + version());
            return;
        }
        AppPaths paths = AppPaths.forThisMachine();
        if (cli.configFile().isPresent()) {
            paths = paths.withConfigFile(cli.configFile().get().toAbsolutePath());
        }
        // Must happen before the first logger exists: logback.xml reads it.
        System.setProperty("gpurm.logDir", paths.logDir().toString());
        runHeadless(paths, cli);
    }

    private static void runHeadless(AppPaths paths, CommandLine cli) {
        Logger log = LoggerFactory.getLogger(Main.class);
        log.info("GPU Resource Manager {} starting (Java {}, {} {})", version(), System.getProperty("java.version"),
                System.getProperty("os.name"), System.getProperty("os.arch"));
        if (!cli.headless()) {
            log.info("This build has no control panel yet: running headless (same as --headless)");
        }
        ConfigLoadResult loaded = new ConfigStore(paths.configFile(), Clock.systemUTC()).load();
        loaded.warnings().forEach(w -> log.error("CONFIGURATION PROBLEM: {}", w));
        log.info("Configuration: {}", paths.configFile());
        log.info("Logs: {}", paths.logDir());

        GpuResourceManager manager = ManagerFactory.create(loaded.config(), paths);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("Stopping");
            manager.shutdown();
            stopped.countDown();
        }, "gpurm-shutdown"));
        manager.start();
        cli.mode().ifPresent(manager::setExecutionMode);
        log.info("Manager running: {}", describe(manager));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String describe(GpuResourceManager manager) {
        var s = manager.getStatus();
        return "mode " + s.executionMode().wireName() + ", VLM " + s.vlmModel() + " " + s.vlmState().wireName()
                + ", CLIP " + s.clipDevice() + " (" + s.clip().availability().name().toLowerCase()
                + (s.clip().reason() != null ? ": " + s.clip().reason() : "") + "), " + s.vram().describe()
                + (s.degradedMode() ? ", DEGRADED: " + s.degradedReason() : "");
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v != null ? v : "development build";
    }
}
