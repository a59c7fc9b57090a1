package com.rpavision.gpurm;

import com.rpavision.gpurm.api.ApiToken;
import com.rpavision.gpurm.api.ControlApiServer;
import com.rpavision.gpurm.api.OllamaProxyServer;
import com.rpavision.gpurm.core.ollama.OllamaForwarder;
import com.rpavision.gpurm.app.AppPaths;
import com.rpavision.gpurm.app.CommandLine;
import com.rpavision.gpurm.app.ManagerFactory;
import com.rpavision.gpurm.app.SingleInstance;
import com.rpavision.gpurm.core.config.ConfigLoadResult;
import com.rpavision.gpurm.core.config.GpuResourceConfig;
import com.rpavision.gpurm.core.config.ConfigStore;
import com.rpavision.gpurm.app.demo.Demo;
import com.rpavision.gpurm.core.manager.GpuResourceManager;
import com.rpavision.gpurm.ui.GpuRmApplication;
import com.rpavision.gpurm.ui.Messages;
import com.rpavision.gpurm.ui.prefs.SystemAppearance;
import com.rpavision.gpurm.ui.prefs.UiPreferences;
import com.rpavision.gpurm.ui.prefs.UiPreferencesStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Clock;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

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
        AppPaths paths = AppPaths.forThisMachine();
        if (cli.configFile().isPresent()) {
            paths = paths.withConfigFile(cli.configFile().get().toAbsolutePath());
        }
        if (cli.printApiInfo()) {
            printApiInfo(paths);
            return;
        }
        // Must happen before the first logger exists: logback.xml reads it.
        System.setProperty("gpurm.logDir", paths.logDir().toString());
        run(paths, cli);
    }

    private static void run(AppPaths paths, CommandLine cli) {
        Logger log = LoggerFactory.getLogger(Launcher.class);
        log.info("GPU Resource Manager {} starting (Java {}, {} {}){}", version(), System.getProperty("java.version"),
                System.getProperty("os.name"), System.getProperty("os.arch"), cli.demo() ? " in DEMO mode" : "");
        ConfigStore store = new ConfigStore(paths.configFile(), Clock.systemUTC());
        ConfigLoadResult loaded = store.load();
        loaded.warnings().forEach(w -> log.error("CONFIGURATION PROBLEM: {}", w));
        log.info("Configuration: {}", paths.configFile());
        log.info("Logs: {}", paths.logDir());

        Optional<SingleInstance> instance = claimInstance(paths, cli, log);
        if (instance.isEmpty()) {
            return;
        }
        Demo demo = cli.demo() ? startDemo() : null;
        GpuResourceManager manager = demo != null
                ? ManagerFactory.createDemo(loaded.config(), demo)
                : ManagerFactory.create(loaded.config(), paths);
        GpuResourceConfig effective = demo != null
                ? loaded.config().toBuilder().ollamaEndpoint(demo.ollamaEndpoint()).vlmModel("qwen3-vl:8b").build()
                : loaded.config();
        OllamaProxyServer proxy = startProxy(manager, effective, log);
        ControlApiServer api = startControlApi(manager, loaded.config(), paths, proxy, log);
        Runnable stop = () -> {
            log.info("Stopping");
            if (proxy != null) {
                proxy.stop(Duration.ofSeconds(1));
            }
            if (api != null) {
                api.stop(Duration.ofSeconds(1));
                deleteQuietly(paths.apiInfoFile());
            }
            instance.get().close();
            manager.shutdown();
            if (demo != null) {
                demo.close();
            }
        };
        manager.start();
        cli.mode().ifPresent(manager::setExecutionMode);
        log.info("Manager running: {}", describe(manager));
        if (cli.headless()) {
            waitForTermination(stop);
        } else {
            UiPreferencesStore preferencesStore = new UiPreferencesStore(paths.dataDir().resolve("ui-preferences.json"));
            AtomicReference<UiPreferences> preferences = new AtomicReference<>(preferencesStore.load());
            Locale locale = switch (preferences.get().language()) {
                case SYSTEM -> Locale.getDefault();
                case EN -> Locale.ENGLISH;
                case FR -> Locale.FRENCH;
            };
            boolean dark = preferences.get().theme() == UiPreferences.Theme.SYSTEM && SystemAppearance.prefersDark();
            GpuRmApplication.launch(new GpuRmApplication.Context(manager, store, loaded.config(), new Messages(locale),
                    demo != null, preferencesStore, preferences, dark, stop));
            preferencesStore.save(preferences.get());
            System.exit(0);
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

    /** The agent's control API; without it (port taken) the panel and the manager still run, and say why. */
    private static ControlApiServer startControlApi(GpuResourceManager manager, GpuResourceConfig config, AppPaths paths,
                                                    OllamaProxyServer proxy, Logger log) {
        Duration transition = config.loadTimeout().multipliedBy(config.maxLoadRetries())
                .plus(config.unloadTimeout()).plusSeconds(30);
        try {
            ApiToken token = ApiToken.random();
            ControlApiServer api = new ControlApiServer(manager, InetAddress.getLoopbackAddress(), config.apiPort(),
                    token, transition, config.clipModel(), proxy);
            token.writeInfo(paths.apiInfoFile(), api.port());
            log.info("Control API token and address in {}", paths.apiInfoFile());
            return api;
        } catch (IOException e) {
            log.error("Control API not started on 127.0.0.1:{} ({}); set api_port to a free port", config.apiPort(),
                    e.getMessage());
            return null;
        }
    }

    /** The Ollama-compatible proxy the agent points its Ollama base URL at; optional like the API. */
    private static OllamaProxyServer startProxy(GpuResourceManager manager, GpuResourceConfig config, Logger log) {
        try {
            return new OllamaProxyServer(manager, new OllamaForwarder(config.ollamaEndpoint(), config.loadTimeout()),
                    config.vlmModel(), config.autopilotBlocksVlm(), InetAddress.getLoopbackAddress(), config.proxyPort());
        } catch (IOException e) {
            log.error("Ollama proxy not started on 127.0.0.1:{} ({}); set proxy_port to a free port", config.proxyPort(),
                    e.getMessage());
            return null;
        }
    }

    private static void printApiInfo(AppPaths paths) {
        System.out.println("Token file: " + paths.apiInfoFile());
        try {
            String info = java.nio.file.Files.readString(paths.apiInfoFile());
            String url = new com.fasterxml.jackson.databind.ObjectMapper().readTree(info).path("base_url").asText();
            System.out.println("Base URL:   " + url);
        } catch (IOException e) {
            System.out.println("Base URL:   not running (no token file)");
        }
    }

    private static void deleteQuietly(java.nio.file.Path file) {
        try {
            java.nio.file.Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a stale token file is harmless: the next start replaces it
        }
    }

    private static Demo startDemo() {
        try {
            return new Demo();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the demo's simulated Ollama", e);
        }
    }

    private static void waitForTermination(Runnable stop) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            stop.run();
            stopped.countDown();
        }, "gpurm-shutdown"));
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
        String v = Launcher.class.getPackage().getImplementationVersion();
        return v != null ? v : "development build";
    }
}
