package com.rpavision.gpurm.app;

import com.rpavision.gpurm.api.ApiToken;
import com.rpavision.gpurm.api.ControlApiServer;
import com.rpavision.gpurm.api.ManagerMetrics;
import com.rpavision.gpurm.api.MetricsServer;
import com.rpavision.gpurm.api.MetricsTextfile;
import com.rpavision.gpurm.api.OllamaProxyServer;
import com.rpavision.gpurm.app.demo.Demo;
import com.rpavision.gpurm.core.config.GpuResourceConfig;
import com.rpavision.gpurm.core.config.ListenAddress;
import com.rpavision.gpurm.core.journal.Journal;
import com.rpavision.gpurm.core.manager.GpuResourceManager;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.storage.FileChannels;
import com.rpavision.gpurm.core.storage.StorageHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything of the process that touches the outside: the manager (NVML, Ollama, DJL), the Ollama proxy and the
 * control API. Built in two steps so that the panel can show its window first: {@link #create} builds the manager
 * (loads NVML), {@link #start} opens the servers and starts the manager (talks to Ollama).
 */
public final class Services {

    private static final Logger LOG = LoggerFactory.getLogger(Services.class);
    private static final long JOURNAL_FILE_BYTES = 4L * 1024 * 1024;

    private final GpuResourceManager manager;
    private final Demo demo;
    private final GpuResourceConfig config;
    private final GpuResourceConfig effective;
    private final AppPaths paths;
    private final Journal journal;
    private final StorageHealth storage;
    private OllamaProxyServer proxy;
    private ControlApiServer api;
    private ApiToken apiToken;
    private ManagerMetrics metrics;
    private MetricsServer metricsServer;
    private MetricsTextfile metricsTextfile;
    private boolean stopped;
    /** The journal says it started: only then may a stop say it stopped (a failed start must not end the mode kept). */
    private boolean journalled;

    private Services(GpuResourceManager manager, Demo demo, GpuResourceConfig config, GpuResourceConfig effective,
                     AppPaths paths, StorageHealth storage) {
        this.manager = manager;
        this.demo = demo;
        this.config = config;
        this.effective = effective;
        this.paths = paths;
        this.storage = storage;
        // The demo keeps its own journal: its simulated day must not mix with the station's statistics.
        this.journal = new Journal(paths.dataDir().resolve(demo != null ? "journal-demo" : "journal"), JOURNAL_FILE_BYTES, 4,
                FileChannels.SYSTEM, storage);
        manager.onResourceChanged(journal::append);
    }

    /** What happened, for the statistics. */
    public Journal journal() {
        return journal;
    }

    /** Builds the manager from the real parts, or from the demo's simulations; nothing runs yet. */
    public static Services create(GpuResourceConfig config, AppPaths paths, boolean demoMode) {
        return create(config, paths, demoMode, new StorageHealth(java.time.Clock.systemUTC()));
    }

    /** @param storage how the process's writes to disk go (the config's too): the manager holds storage_unwritable */
    public static Services create(GpuResourceConfig config, AppPaths paths, boolean demoMode, StorageHealth storage) {
        if (!demoMode) {
            return new Services(ManagerFactory.create(config, paths, storage), null, config, config, paths, storage);
        }
        Demo demo;
        try {
            demo = new Demo();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the demo's simulated Ollama", e);
        }
        GpuResourceConfig effective = config.toBuilder().ollamaEndpoint(demo.ollamaEndpoint()).vlmModel("qwen3-vl:8b").build();
        return new Services(ManagerFactory.createDemo(config, demo, storage), demo, config, effective, paths, storage);
    }

    public GpuResourceManager manager() {
        return manager;
    }

    /** The panel's start: opens the proxy and the control API (each optional: a taken port is logged, not fatal), starts the manager. */
    public synchronized void start(Optional<ExecutionMode> mode) {
        try {
            start(mode, false);
        } catch (ServiceFailure e) {
            throw new IllegalStateException("a lenient start does not fail", e);
        }
    }

    /**
     * The headless service's start: a listener that cannot open stops it before the manager starts (nothing
     * loaded), an {@code api.json} that cannot be written (the data folder was checked writable before) right after;
     * with the reason in one line and its exit code.
     */
    public synchronized void startAsService(Optional<ExecutionMode> mode) throws ServiceFailure {
        try {
            start(mode, true);
        } catch (ServiceFailure e) {
            stop();
            throw e;
        }
    }

    private void start(Optional<ExecutionMode> mode, boolean failFast) throws ServiceFailure {
        if (stopped) {
            return;
        }
        proxy = failFast ? openProxy() : logged(this::openProxy);
        metrics = ManagerMetrics.of(manager, proxy);
        api = failFast ? openControlApi() : logged(this::openControlApi);
        metricsServer = failFast ? openMetricsListener() : logged(this::openMetricsListener);
        metricsTextfile = startMetricsTextfile();
        Optional<ModeIntent.Restore> restore = mode.isPresent() || demo != null ? Optional.empty()
                : ModeIntent.of(journal.read(java.time.Instant.now().minus(java.time.Duration.ofDays(30))),
                        config.restoreModeAfterCleanStop());
        journal.appendStarted(java.time.Instant.now());
        journalled = true;
        manager.start();
        mode.ifPresent(manager::setExecutionMode);
        restore.ifPresent(r -> {
            LOG.info("{} restored: the mode chosen when the manager last ran ({})", r.mode().wireName(),
                    r.unexpectedStop() ? "it stopped unexpectedly" : "it was stopped");
            manager.restoreExecutionMode(r.mode(), r.wireReason());
        });
        // Only now may a client find the API (its token is only in api.json): a mode it asks for comes after the
        // start's own, instead of being overridden by it.
        if (api != null) {
            if (failFast) {
                publishControlApi();
            } else {
                logged(() -> {
                    publishControlApi();
                    return null;
                });
            }
        }
    }

    private interface Opening<T> {
        T open() throws ServiceFailure;
    }

    /** The panel runs on without a listener that cannot open; the reason is in the log (and the panel says it). */
    private static <T> T logged(Opening<T> opening) {
        try {
            return opening.open();
        } catch (ServiceFailure e) {
            LOG.error("{}", e.getMessage());
            return null;
        }
    }

    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        LOG.info("Stopping");
        if (proxy != null) {
            proxy.stop(Duration.ofSeconds(1));
        }
        if (api != null) {
            api.stop(Duration.ofSeconds(1));
            deleteQuietly(paths.apiInfoFile());
        }
        if (metricsServer != null) {
            metricsServer.stop();
        }
        if (metricsTextfile != null) {
            metricsTextfile.close();
        }
        if (metrics != null) {
            metrics.close();
        }
        String lastMode = manager.getExecutionMode().wireName();
        manager.shutdown();
        if (journalled) {
            journal.appendStopped(java.time.Instant.now(), lastMode);
        }
        if (demo != null) {
            demo.close();
        }
    }

    private OllamaProxyServer openProxy() throws ServiceFailure {
        try {
            return new OllamaProxyServer(manager, effective.ollamaEndpoint(), effective.loadTimeout(),
                    effective.vlmModel(), effective.autopilotBlocksVlm(), effective.vlmOptionsJson(), InetAddress.getLoopbackAddress(),
                    effective.proxyPort());
        } catch (IOException e) {
            throw cannotListen("the Ollama proxy", "127.0.0.1", effective.proxyPort(), "proxy_port", e);
        }
    }

    /** The agent's control API; without it (port taken) the panel and the manager still run, and say why. */
    private ControlApiServer openControlApi() throws ServiceFailure {
        Duration transition = config.loadTimeout().multipliedBy(config.maxLoadRetries())
                .plus(config.unloadTimeout()).plusSeconds(30);
        ApiToken token = ApiToken.random();
        ControlApiServer server;
        try {
            server = new ControlApiServer(manager, InetAddress.getLoopbackAddress(), config.apiPort(),
                    token, transition, config.clipModel(), metrics);
        } catch (IOException e) {
            throw cannotListen("the control API", "127.0.0.1", config.apiPort(), "api_port", e);
        }
        server.statisticsFrom(journal::read, java.time.Clock.systemDefaultZone());
        apiToken = token;
        return server;
    }

    /** Writes api.json, where the agent finds the API's port and token. */
    private void publishControlApi() throws ServiceFailure {
        try {
            storage.write(paths.apiInfoFile(), () -> apiToken.writeInfo(paths.apiInfoFile(), api.port()));
        } catch (IOException e) {
            api.stop(Duration.ZERO);
            api = null;
            throw new ServiceFailure(ServiceFailure.CANNOT_WRITE, "the control API is not started: its token file "
                    + paths.apiInfoFile() + " cannot be written (" + describe(e) + "); give this user write access to "
                    + paths.dataDir());
        }
        LOG.info("Control API token and address in {}", paths.apiInfoFile());
    }

    /** The opt-in listener for a fleet's Prometheus ({@code metrics_listen}). */
    private MetricsServer openMetricsListener() throws ServiceFailure {
        if (config.metricsListen().isEmpty()) {
            return null;
        }
        ListenAddress address = ListenAddress.parse(config.metricsListen());
        try {
            MetricsServer server = MetricsServer.open(metrics, address, config.metricsBearerTokenFile());
            if (server.isOpenToTheNetwork()) {
                LOG.warn("Metrics on http://{}/metrics without a token: anyone who reaches this address can read them;"
                        + " set metrics_bearer_token_file", config.metricsListen());
            } else {
                LOG.info("Metrics on http://{}/metrics{}", config.metricsListen(),
                        server.asksForAToken() ? " (bearer token required)" : "");
            }
            return server;
        } catch (java.net.BindException e) {
            throw cannotListen("the metrics listener", address.host(), address.port(), "metrics_listen", e);
        } catch (IOException | RuntimeException e) {
            throw new ServiceFailure(ServiceFailure.UNAVAILABLE, "the metrics listener cannot start on "
                    + config.metricsListen() + ": " + e.getMessage());
        }
    }

    /** "the control API cannot listen on 127.0.0.1:11436: the port is in use by ollama (pid 4242); set api_port ...". */
    private static ServiceFailure cannotListen(String what, String host, int port, String key, IOException e) {
        // java.net.BindException from the JDK, Netty's NativeIoException "bind(..) failed: Address already in use" on epoll
        String cause = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("in use")
                ? "the port is in use" + PortHolder.of(port).map(holder -> " by " + holder).orElse(" by another program")
                : describe(e);
        return new ServiceFailure(ServiceFailure.UNAVAILABLE, what + " cannot listen on " + host + ":" + port + ": " + cause
                + "; set " + key + " in the configuration to a free port" + ("metrics_listen".equals(key) ? "" : " (0: any)")
                + " or stop that program");
    }

    private static String describe(IOException e) {
        String kind = e.getClass().getSimpleName().replace("Exception", "");
        return e.getMessage() == null ? kind : kind + ": " + e.getMessage();
    }

    private MetricsTextfile startMetricsTextfile() {
        if (config.metricsTextfilePath().isEmpty()) {
            return null;
        }
        LOG.info("Metrics written to {} every {} s", config.metricsTextfilePath(), MetricsTextfile.INTERVAL.toSeconds());
        return MetricsTextfile.start(metrics, Path.of(config.metricsTextfilePath()), MetricsTextfile.INTERVAL,
                java.time.Clock.systemUTC());
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a stale token file is harmless: the next start replaces it
        }
    }
}
