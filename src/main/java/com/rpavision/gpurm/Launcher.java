package com.rpavision.gpurm;

import com.rpavision.gpurm.app.AppPaths;
import com.rpavision.gpurm.app.CdsArchive;
import com.rpavision.gpurm.app.diagnostics.DiagnosticsExport;
import com.rpavision.gpurm.core.config.GpuResourceConfig;
import com.rpavision.gpurm.core.ollama.OllamaClient;
import com.rpavision.gpurm.core.ollama.OllamaException;
import com.rpavision.gpurm.app.CommandLine;
import com.rpavision.gpurm.app.PreviousInstance;
import com.rpavision.gpurm.app.Restart;
import com.rpavision.gpurm.app.DataFolderCheck;
import com.rpavision.gpurm.app.ServiceFailure;
import com.rpavision.gpurm.app.Services;
import com.rpavision.gpurm.app.Shutdown;
import com.rpavision.gpurm.app.SingleInstance;
import com.rpavision.gpurm.app.autostart.StartAtLogins;
import com.rpavision.gpurm.core.config.ConfigLoadResult;
import com.rpavision.gpurm.core.config.ConfigStore;
import com.rpavision.gpurm.core.manager.GpuResourceManager;
import com.rpavision.gpurm.core.storage.StorageHealth;
import com.rpavision.gpurm.ui.GpuRmApplication;
import com.rpavision.gpurm.ui.ManagerStartup;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.prefs.SystemAppearance;
import com.rpavision.gpurm.ui.prefs.UiPreferences;
import com.rpavision.gpurm.ui.prefs.UiPreferencesStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Entry point (a plain class, not an Application, so the jar and jpackage can start it): parses the command line, sets up logging, loads the configuration, runs the manager. */
public final class Launcher {

    private Launcher() {
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
        if (cli.simulateOllama().isPresent()) {
            System.exit(simulateOllama(cli.simulateOllama().get()));
            return;
        }
        if (cli.printClientPath()) {
            System.exit(com.rpavision.gpurm.app.PythonClient.print(version(), System.out, System.err));
            return;
        }
        if (cli.writeCdsArchive()) {
            System.exit(writeCdsArchive());
            return;
        }
        AppPaths paths = AppPaths.forThisMachine();
        if (cli.configFile().isPresent()) {
            paths = paths.withConfigFile(cli.configFile().get().toAbsolutePath());
        }
        if (cli.printApiInfo()) {
            printApiInfo(paths);
            return;
        }
        if (cli.checkConfig().isPresent()) {
            java.nio.file.Path file = cli.checkConfig().get().file().map(java.nio.file.Path::toAbsolutePath).orElse(paths.configFile());
            System.exit(com.rpavision.gpurm.app.ConfigCheckCommand.print(new ConfigStore(file, Clock.systemUTC()).check(),
                    cli.checkConfig().get().file().isPresent() || cli.configFile().isPresent(), System.out));
            return;
        }
        // Must happen before the first logger exists: logback.xml reads it.
        System.setProperty("gpurm.logDir", paths.logDir().toString());
        if (cli.exportDiagnostics().isPresent()) {
            System.exit(exportDiagnostics(paths, cli.exportDiagnostics().get()));
            return;
        }
        // Before the first logger too: the instance being replaced may still be writing the same log file.
        Optional<PreviousInstance.Outcome> previous = cli.afterPid().isPresent()
                ? Optional.of(PreviousInstance.awaitExit(cli.afterPid().getAsLong(), PreviousInstance.LIMIT)) : Optional.empty();
        Optional<ConfigLoadResult> serviceConfig = Optional.empty();
        if (cli.headless() && !cli.demo()) {
            try {
                serviceConfig = Optional.of(loadAsService(paths));
            } catch (ServiceFailure e) {
                exitAsService(e);
                return;
            }
        }
        run(paths, cli, args, previous, serviceConfig);
    }

    /**
     * A service fails fast, before its first log line: it must not run on defaults (other ports than its clients
     * expect) nor log into a folder it cannot write (logback's own stack traces on the console).
     */
    private static ConfigLoadResult loadAsService(AppPaths paths) throws ServiceFailure {
        Optional<String> unwritable = DataFolderCheck.problem(paths);
        if (unwritable.isPresent()) {
            throw new ServiceFailure(ServiceFailure.CANNOT_WRITE, unwritable.get());
        }
        try {
            return new ConfigStore(paths.configFile(), Clock.systemUTC()).loadOrFail();
        } catch (com.rpavision.gpurm.core.config.ConfigException e) {
            throw new ServiceFailure(ServiceFailure.CONFIG, "the configuration " + paths.configFile() + " cannot be used: "
                    + e.getMessage() + ". It was left untouched; fix it (--check-config lists every problem) and start again");
        }
    }

    private static void exitAsService(ServiceFailure failure) {
        System.err.println("gpu-resource-manager: " + failure.getMessage());
        System.exit(failure.exitCode());
    }

    /** Runs only the simulated Ollama until Ctrl-C / SIGTERM, for the Python tools and CI. */
    private static int simulateOllama(CommandLine.SimulatorCommand command) {
        System.setProperty("gpurm.logDir", java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "gpurm-simulated-ollama").toString());
        try (com.rpavision.gpurm.simulator.SimulatedOllama ollama = com.rpavision.gpurm.simulator.SimulatedOllama.start(
                command.settings(), com.rpavision.gpurm.simulator.SimulatedVram.budget(command.vramMb()))) {
            System.out.println("listening " + ollama.port());
            System.out.flush();
            Shutdown.onTermination(Shutdown.once(ollama::close));
            Shutdown.await();
            return 0;
        } catch (IOException e) {
            System.err.println("gpu-resource-manager: the simulated Ollama cannot listen on port "
                    + command.settings().port() + ": " + e.getMessage());
            return 1;
        }
    }

    private static void run(AppPaths realPaths, CommandLine cli, String[] args, Optional<PreviousInstance.Outcome> previous,
                            Optional<ConfigLoadResult> serviceConfig) {
        Logger log = LoggerFactory.getLogger(Launcher.class);
        AppPaths paths = cli.demo() ? com.rpavision.gpurm.app.demo.DemoConfig.paths(realPaths, Clock.systemUTC()) : realPaths;
        log.info("GPU Resource Manager {} starting (Java {}, {} {}){}", version(), System.getProperty("java.version"),
                System.getProperty("os.name"), System.getProperty("os.arch"), cli.demo() ? " in DEMO mode" : "");
        previous.ifPresent(outcome -> logRestart(log, cli.afterPid().getAsLong(), outcome));
        // One for the process: a config that cannot be saved raises storage_unwritable as the journal does.
        StorageHealth storage = new StorageHealth(Clock.systemUTC());
        ConfigStore store = new ConfigStore(paths.configFile(), Clock.systemUTC(), storage);
        ConfigLoadResult loaded = serviceConfig.orElseGet(store::load);
        loaded.warnings().forEach(w -> log.error("CONFIGURATION PROBLEM: {}", w));
        log.info("Configuration: {}", paths.configFile());
        log.info("Logs: {}", paths.logDir());

        Optional<SingleInstance> instance = claimInstance(paths, cli, log);
        if (instance.isEmpty()) {
            return;
        }
        if (cli.headless()) {
            Services services = Services.create(loaded.config(), paths, cli.demo(), storage);
            // before start: the control API answers (api.json written) before the manager has started, and a
            // SIGTERM then must stop it cleanly too (start and stop are synchronized; a stop first skips start)
            Runnable shutdown = Shutdown.once(() -> {
                services.stop();
                instance.get().close();
            });
            Shutdown.onTermination(shutdown);
            Shutdown.exitZeroOnTermSignals();
            try {
                services.startAsService(cli.mode());
            } catch (ServiceFailure e) {
                LoggerFactory.getLogger("gpurm.log-file-only").error("Not started: {}", e.getMessage());
                exitAsService(e); // the shutdown hook releases the instance
                return;
            }
            log.info("Manager running: {}", describe(services.manager()));
            CdsArchive.writeInBackgroundIfMissing();
            Shutdown.await();
            return;
        }
        Optional<String> noDisplay = com.rpavision.gpurm.app.DisplayCheck.problem(System.getenv(), System.getProperty("os.name"));
        if (noDisplay.isPresent()) {
            // One clear line instead of JavaFX's stack trace: the server case has its own mode.
            System.err.println(noDisplay.get());
            instance.get().close();
            System.exit(2);
            return;
        }
        UiPreferencesStore preferencesStore = new UiPreferencesStore(paths.dataDir().resolve("ui-preferences.json"));
        AtomicReference<UiPreferences> preferences = new AtomicReference<>(preferencesStore.load());
        Locale locale = switch (preferences.get().language()) {
            case SYSTEM -> Locale.getDefault();
            case EN -> Locale.ENGLISH;
            case FR -> Locale.FRENCH;
        };
        boolean dark = preferences.get().theme() == UiPreferences.Theme.SYSTEM && SystemAppearance.prefersDark();
        // The window comes first; the manager (NVML, Ollama, DJL) is built and started behind it.
        // Quitting from the window and SIGTERM or a logoff take the same way out as the headless manager: the
        // services stop (the VLM's idle timer handed back to Ollama, "Stopping" logged) once, whichever comes first.
        ServicesStartup started = new ServicesStartup(() -> Services.create(loaded.config(), paths, cli.demo(), storage),
                services -> {
                    services.start(cli.mode());
                    log.info("Manager running: {}", describe(services.manager()));
                    CdsArchive.writeInBackgroundIfMissing();
                });
        Runnable windowShutdown = Shutdown.once(() -> {
            started.stop();
            instance.get().close();
        });
        Shutdown.onTermination(windowShutdown);
        GpuRmApplication.launch(new GpuRmApplication.Context(started, store, loaded.config(), new Messages(locale),
                cli.demo(), preferencesStore, preferences, dark, StartAtLogins.forThisProcess(),
                zip -> new DiagnosticsExport(paths, started.built(),
                        () -> cli.demo() ? "simulated (demo)" : ollamaVersion(loaded.config())).writeTo(zip), windowShutdown,
                () -> Restart.ofThisProcess(Launcher.class, args,
                        started.built().map(m -> m.getExecutionMode().wireName())).startNewInstance()));
        preferencesStore.save(preferences.get());
        System.exit(0);
    }

    private static void logRestart(Logger log, long pid, PreviousInstance.Outcome outcome) {
        switch (outcome) {
            case ENDED -> log.info("Restarted: the previous instance (pid {}) has ended", pid);
            case NOT_RUNNING -> log.info("Restarted: the previous instance (pid {}) had already ended", pid);
            case STILL_RUNNING -> log.warn("Restarted, but the previous instance (pid {}) still runs after {} s; starting anyway",
                    pid, PreviousInstance.LIMIT.toSeconds());
        }
    }

    /** One manager per user (the demo apart): a second launch brings the first window forward and ends. */
    private static Optional<SingleInstance> claimInstance(AppPaths paths, CommandLine cli, Logger log) {
        try {
            Optional<SingleInstance> claimed = SingleInstance.claim(paths.dataDir(), cli.demo() ? "instance-demo" : "instance",
                    () -> {
                        if (cli.headless()) {
                            log.info("Another launch asked for the window; this instance runs headless");
                        } else {
                            GpuRmApplication.bringToFront();
                        }
                    });
            if (claimed.isEmpty()) {
                log.info("GPU Resource Manager is already running; its window was asked to come forward.");
            }
            return claimed;
        } catch (IOException | RuntimeException e) {
            log.error("Cannot tell whether another instance runs ({}); starting anyway", e.getMessage());
            return Optional.of(SingleInstance.none());
        }
    }

    /** From the command line: what the files and Ollama tell, without starting a manager. */
    private static int exportDiagnostics(AppPaths paths, java.nio.file.Path zip) {
        GpuResourceConfig config = new ConfigStore(paths.configFile(), Clock.systemUTC()).load().config();
        try {
            DiagnosticsExport.fromCommandLine(paths, () -> ollamaVersion(config)).writeTo(zip);
            System.out.println("Diagnostics written to " + zip.toAbsolutePath());
            return 0;
        } catch (IOException e) {
            System.err.println("gpu-resource-manager: diagnostics not written: " + e.getMessage());
            return 1;
        }
    }

    static String ollamaVersion(GpuResourceConfig config) {
        try (OllamaClient client = new OllamaClient(config.ollamaEndpoint(), Duration.ofSeconds(2), Duration.ofSeconds(2))) {
            return client.version() + " at " + config.ollamaEndpoint();
        } catch (OllamaException e) {
            return "not reachable at " + config.ollamaEndpoint() + ": " + e.getMessage();
        }
    }

    /** For installers: no logging, no data folder; one line on success, the reason on failure. */
    private static int writeCdsArchive() {
        Optional<CdsArchive> cds = CdsArchive.ofThisProcess();
        if (cds.isEmpty()) {
            System.err.println("gpu-resource-manager: --write-cds-archive works only from an installed launcher"
                    + " (it sets -D" + CdsArchive.PROPERTY + ")");
            return 2;
        }
        try {
            cds.get().write();
            System.out.println("Start-up archive written: " + cds.get().archive());
            return 0;
        } catch (IOException e) {
            System.err.println("gpu-resource-manager: start-up archive not written: " + e.getMessage());
            return 1;
        }
    }

    private static void printApiInfo(AppPaths paths) {
        System.out.println("Token file: " + paths.apiInfoFile());
        try {
            String info = java.nio.file.Files.readString(paths.apiInfoFile());
            String url = new com.fasterxml.jackson.databind.ObjectMapper().readTree(info).path("base_url").asText();
            System.out.println("Base URL:   " + url);
        } catch (IOException e) {
            System.out.println(configuredApiAddress(paths));
        }
    }

    /**
     * Where the API will listen once the app runs, from the configuration; read only, so asking never creates
     * a config.json.
     */
    static String configuredApiAddress(AppPaths paths) {
        GpuResourceConfig config = java.nio.file.Files.exists(paths.configFile())
                ? new ConfigStore(paths.configFile(), Clock.systemUTC()).load().config() : GpuResourceConfig.defaults();
        return "Base URL:   http://127.0.0.1:" + config.apiPort() + " (configured in " + paths.configFile()
                + "; the app is not running, so there is no token yet)";
    }

    /** The panel's {@link ManagerStartup}: the process's {@link Services}, built and started when the window asks. */
    private static final class ServicesStartup implements ManagerStartup {
        private final Supplier<Services> create;
        private final Consumer<Services> start;
        private Services services;
        private boolean stopped;

        ServicesStartup(Supplier<Services> create, Consumer<Services> start) {
            this.create = create;
            this.start = start;
        }

        @Override
        public synchronized GpuResourceManager build() {
            if (services == null) {
                services = create.get();
            }
            return services.manager();
        }

        @Override
        public java.util.List<com.rpavision.gpurm.core.journal.JournalEntry> journal(java.time.Instant since) {
            Services s;
            synchronized (this) {
                s = services;
            }
            return s == null ? java.util.List.of() : s.journal().read(since);
        }

        /** The manager once built, for the diagnostics. */
        synchronized Optional<GpuResourceManager> built() {
            return Optional.ofNullable(services).map(Services::manager);
        }

        @Override
        public void start() {
            Services s;
            synchronized (this) {
                if (stopped || services == null) {
                    return;
                }
                s = services;
            }
            start.accept(s);
        }

        @Override
        public void stop() {
            Services s;
            synchronized (this) {
                stopped = true;
                s = services;
            }
            if (s != null) {
                s.stop();
            }
        }
    }

    private static String describe(GpuResourceManager manager) {
        var s = manager.getStatus();
        return "mode " + s.executionMode().wireName() + ", VLM " + s.vlmModel() + " " + s.vlmState().wireName()
                + ", CLIP " + s.clipDevice() + " (" + clipState(s.clip()) + "), " + s.vram().describe()
                + (s.degradedMode() ? ", DEGRADED: " + s.degradedReason() : "");
    }

    /** "available", "unavailable: why", or "starting" while the engine loads its model (not unavailable, issue 26). */
    private static String clipState(com.rpavision.gpurm.core.model.ClipStatus clip) {
        if (clip.why() != null && clip.why().code() == com.rpavision.gpurm.core.model.Reason.Code.CLIP_STARTING) {
            return "starting";
        }
        return clip.availability().name().toLowerCase() + (clip.reason() != null ? ": " + clip.reason() : "");
    }

    static String version() {
        String v = Launcher.class.getPackage().getImplementationVersion();
        return v != null ? v : "development build";
    }
}
