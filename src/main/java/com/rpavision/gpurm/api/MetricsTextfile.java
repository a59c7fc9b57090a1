package com.rpavision.gpurm.api;

import com.rpavision.gpurm.core.concurrent.Threads;
import com.rpavision.gpurm.core.config.AtomicFiles;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The metrics as a {@code .prom} file for node_exporter's / windows_exporter's textfile collector, for sites that
 * allow no listener ({@code metrics_textfile_path}). Rewritten atomically (temp file, fsync, rename), so the
 * collector never reads half a scrape; removed at stop, so a stopped manager's figures do not linger. Mode 0644:
 * the collector runs as its own user (prometheus on Debian), and the file holds nothing secret (the same figures
 * {@code /metrics} serves without a token on loopback). {@code gpurm_textfile_written_timestamp_seconds} says when
 * it was written, so a file a hung manager left behind can raise an alert.
 */
public final class MetricsTextfile implements AutoCloseable {

    /** node_exporter's and Prometheus' usual scrape interval. */
    public static final Duration INTERVAL = Duration.ofSeconds(15);
    private static final Logger LOG = LoggerFactory.getLogger(MetricsTextfile.class);

    /** rw-r--r--: readable by the collector's own user. */
    static final Set<PosixFilePermission> MODE = PosixFilePermissions.fromString("rw-r--r--");

    private final ManagerMetrics metrics;
    private final Path file;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private volatile boolean failing;

    private MetricsTextfile(ManagerMetrics metrics, Path file, Duration interval, Clock clock) {
        this.metrics = metrics;
        this.file = file;
        this.clock = clock;
        this.timer = Executors.newSingleThreadScheduledExecutor(Threads.named("gpurm-metrics-textfile"));
        timer.scheduleWithFixedDelay(this::writeQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Writes the file now and then every {@code interval}; {@code clock} dates each write. */
    public static MetricsTextfile start(ManagerMetrics metrics, Path file, Duration interval, Clock clock) {
        return new MetricsTextfile(metrics, file, interval, clock);
    }

    /** One write, now. */
    public void write() throws IOException {
        AtomicFiles.write(file, content(metrics.scrape(), clock.instant()).getBytes(StandardCharsets.UTF_8), MODE);
    }

    /** The scrape and, last, when it was written (seconds since the epoch, to the millisecond). */
    static String content(String scrape, Instant writtenAt) {
        StringBuilder out = new StringBuilder(scrape);
        ManagerMetrics.family(out, "gpurm_textfile_written_timestamp_seconds", "gauge",
                "When the manager last wrote this file; a file that stops being rewritten is stale.");
        long millis = writtenAt.toEpochMilli();
        out.append("gpurm_textfile_written_timestamp_seconds ")
                .append(String.format(Locale.ROOT, "%d.%03d", Math.floorDiv(millis, 1000), Math.floorMod(millis, 1000)))
                .append('\n');
        return out.toString();
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
