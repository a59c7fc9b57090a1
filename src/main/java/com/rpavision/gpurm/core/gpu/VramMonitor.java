package com.rpavision.gpurm.core.gpu;

import com.rpavision.gpurm.core.events.Listeners;
import com.rpavision.gpurm.core.events.Subscription;
import com.rpavision.gpurm.core.model.VramInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Samples a {@link GpuProbe} on a schedule and keeps the latest reading, so status queries never touch the
 * driver. Per-process lists are read at most once a second whatever the poll interval.
 */
public final class VramMonitor {

    private static final Logger LOG = LoggerFactory.getLogger(VramMonitor.class);
    private static final Duration PROCESS_LIST_INTERVAL = Duration.ofSeconds(1);

    private final GpuProbe probe;
    private final int managedIndex;
    private final long changeThresholdMb;
    private final Clock clock;
    private final Listeners<VramChange> changeListeners = new Listeners<>();

    private volatile GpuSample latest;
    private VramInfo lastReported;
    private Instant lastProcessRead = Instant.MIN;
    private String lastError;
    private ScheduledFuture<?> task;

    public VramMonitor(GpuProbe probe, int managedIndex, long changeThresholdMb, Clock clock) {
        this.probe = probe;
        this.managedIndex = managedIndex;
        this.changeThresholdMb = changeThresholdMb;
        this.clock = clock;
        this.latest = GpuSample.empty(clock.instant(), probe.unavailableReason().orElse("not sampled yet"));
    }

    public GpuProbe probe() {
        return probe;
    }

    public boolean hasGpu() {
        return probe.unavailableReason().isEmpty();
    }

    public Optional<String> unavailableReason() {
        return probe.unavailableReason();
    }

    public void start(ScheduledExecutorService executor, Duration interval) {
        task = executor.scheduleWithFixedDelay(this::sampleQuietly, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void stop() {
        if (task != null) {
            task.cancel(false);
        }
    }

    private void sampleQuietly() {
        try {
            sample();
        } catch (RuntimeException e) {
            LOG.warn("VRAM sampling failed: {}", e.toString(), e);
        }
    }

    /** Reads the probe now (any thread), stores and returns the result; never throws for a probe failure. */
    public GpuSample sample() {
        return sample(false);
    }

    /** The same with the process list read now too (it is otherwise refreshed every few seconds). */
    public GpuSample sampleWithProcesses() {
        return sample(true);
    }

    private GpuSample sample(boolean processesNow) {
        VramChange change = null;
        GpuSample sample;
        synchronized (this) {
            Instant now = clock.instant();
            boolean withProcesses = processesNow || !now.isBefore(lastProcessRead.plus(PROCESS_LIST_INTERVAL));
            try {
                GpuReading reading = probe.read(withProcesses);
                if (withProcesses) {
                    lastProcessRead = now;
                }
                sample = new GpuSample(now, reading.gpus(),
                        withProcesses ? reading.processes() : latest.processes(),
                        withProcesses ? reading.processMemoryKnown() : latest.processMemoryKnown(), null);
                if (lastError != null) {
                    LOG.info("VRAM readable again through {}", probe.name());
                    lastError = null;
                }
            } catch (GpuProbeException e) {
                sample = GpuSample.empty(now, e.getMessage());
                if (!e.getMessage().equals(lastError)) {
                    LOG.warn("Cannot read VRAM: {}", e.getMessage());
                    lastError = e.getMessage();
                }
            }
            latest = sample;
            Optional<VramInfo> managed = sample.gpu(managedIndex);
            if (managed.isPresent()) {
                VramInfo now2 = managed.get();
                if (lastReported == null) {
                    lastReported = now2;
                } else if (Math.abs(now2.usedMb() - lastReported.usedMb()) >= changeThresholdMb) {
                    change = new VramChange(lastReported, now2);
                    lastReported = now2;
                }
            }
        }
        if (change != null) {
            changeListeners.fire(change);
        }
        return sample;
    }

    public GpuSample latest() {
        return latest;
    }

    /** The managed GPU in the latest sample, or {@link VramInfo#none()}. */
    public VramInfo managedGpu() {
        return latest.gpu(managedIndex).orElseGet(VramInfo::none);
    }

    public List<VramInfo> allGpus() {
        return latest.gpus();
    }

    public int managedIndex() {
        return managedIndex;
    }

    public Subscription onVramChanged(Consumer<VramChange> listener) {
        return changeListeners.add(listener);
    }
}
