package com.rpavision.gpurm.api;

import com.rpavision.gpurm.core.concurrent.Threads;
import com.rpavision.gpurm.core.config.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The metrics as a {@code .prom} file for node_exporter's / windows_exporter's textfile collector, for sites that
 * allow no listener ({@code metrics_textfile_path}). Rewritten atomically (temp file, fsync, rename), so the
 * collector never reads half a scrape; removed at stop, so a stopped manager's figures do not linger.
 */
public final class MetricsTextfile implements AutoCloseable {

    /** node_exporter's and Prometheus' usual scrape interval. */
    public static final Duration INTERVAL = Duration.ofSeconds(15);
    private static final Logger LOG = LoggerFactory.getLogger(MetricsTextfile.class);

    private final ManagerMetrics metrics;
    private final Path file;
    private final ScheduledExecutorService timer;
    private volatile boolean failing;

    private MetricsTextfile(ManagerMetrics metrics, Path file, Duration interval) {
        this.metrics = metrics;
        this.file = file;
        this.timer = Executors.newSingleThreadScheduledExecutor(Threads.named("gpurm-metrics-textfile"));
        timer.scheduleWithFixedDelay(this::writeQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Writes the file now and then every {@code interval}. */
    public static MetricsTextfile start(ManagerMetrics metrics, Path file, Duration interval) {
        return new MetricsTextfile(metrics, file, interval);
    }

    /** One write, now. */
    public void write() throws IOException {
        AtomicFiles.write(file, metrics.scrape().getBytes(StandardCharsets.UTF_8));
    }

    private void writeQuietly() {
        try {
            write();
            if (failing) {
                LOG.info("Metrics written to {} again", file);
                failing = false;
            }
        } catch (IOException | RuntimeException e) {
            if (!failing) { // once per failure period, not every 15 s
                LOG.error("Cannot write the metrics to {} ({}); check metrics_textfile_path", file, e.toString());
                failing = true;
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            timer.awaitTermination(5, TimeUnit.SECONDS);
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.debug("Cannot remove {}: {}", file, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
