package com.rpavision.gpurm.api;

import com.rpavision.gpurm.core.events.Subscription;
import com.rpavision.gpurm.core.manager.GpuResourceManager;
import com.rpavision.gpurm.core.model.ClipDevice;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.core.model.GpuResourceStatus;
import com.rpavision.gpurm.core.model.ModelState;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.core.model.VramInfo;

import com.rpavision.gpurm.core.model.Condition;
import com.rpavision.gpurm.core.model.DriftCause;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * The manager in Prometheus' text exposition format (version 0.0.4): build and GPU info, VRAM per GPU (used and
 * driver-reserved apart), utilization, VLM state, mode, CLIP device, degraded flag, conditions, drift by cause,
 * load/unload counts and duration histograms, idle unloads. Every family that has a fixed set of label values
 * writes all of them, so a series never appears late. Counters follow the manager's events; gauges are read
 * from the status at scrape time. {@code gpurm_gpu_up} remembers every GPU seen since start, so a GPU that the
 * driver loses stays as a 0 with its last known labels: without it, its series would just vanish and no alert
 * could tell a lost GPU from one that was never there.
 */
public final class ManagerMetrics implements AutoCloseable {

    private static final double[] BUCKETS = {0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};
    private static final String VERSION = java.util.Objects.requireNonNullElse(
            ManagerMetrics.class.getPackage().getImplementationVersion(), "dev");

    private final GpuResourceManager manager;
    private final Histogram loads = new Histogram();
    private final Histogram unloads = new Histogram();
    private final AtomicLong loadFailures = new AtomicLong();
    private final AtomicLong idleUnloads = new AtomicLong();
    private final AtomicLong clipMoves = new AtomicLong();
    private final Subscription subscription;
    /** Every GPU seen since start by its identity (uuid, or index without one), with its latest labels. */
    private final Map<String, VramInfo> seenGpus = new java.util.LinkedHashMap<>();

    private final java.util.function.LongSupplier proxyRequests;
    private final java.util.function.LongSupplier proxyVlmRequests;

    /** @param proxyRequests and {@code proxyVlmRequests}: the proxy's counters (zero without a proxy) */
    public ManagerMetrics(GpuResourceManager manager, java.util.function.LongSupplier proxyRequests,
                          java.util.function.LongSupplier proxyVlmRequests) {
        this.manager = manager;
        this.proxyRequests = proxyRequests;
        this.proxyVlmRequests = proxyVlmRequests;
        this.subscription = manager.onResourceChanged(this::count);
    }

    /** @param proxy whose requests are counted, or null for none */
    public static ManagerMetrics of(GpuResourceManager manager, OllamaProxyServer proxy) {
        return proxy == null ? new ManagerMetrics(manager, () -> 0, () -> 0)
                : new ManagerMetrics(manager, proxy::forwardedRequests, proxy::vlmRequests);
    }

    private void count(ResourceChangedEvent event) {
        Object millis = event.details().get("duration_ms");
        double seconds = millis instanceof Number n ? n.doubleValue() / 1000 : 0;
        boolean measured = millis instanceof Number;
        switch (event.type()) {
            case MODEL_LOADED -> {
                if (measured) {
                    loads.observe(seconds);
                }
            }
            case MODEL_UNLOADED -> {
                if (measured) {
                    unloads.observe(seconds);
                }
            }
            case MODEL_ERROR -> {
                if ("load".equals(event.details().get("operation"))) {
                    loadFailures.incrementAndGet();
                }
            }
            case IDLE_UNLOAD -> idleUnloads.incrementAndGet();
            case DEVICE_CHANGED -> {
                if (event.details().containsKey("from")) {
                    clipMoves.incrementAndGet();
                }
            }
            default -> { }
        }
    }

    public String scrape() {
        GpuResourceStatus s = manager.getStatus();
        StringBuilder out = new StringBuilder();
        family(out, "gpurm_build_info", "gauge", "Always 1; the labels say which build of the manager runs.");
        sample(out, "gpurm_build_info", "version=\"" + escape(VERSION) + "\",java_version=\""
                + escape(System.getProperty("java.version", "")) + "\"", 1);
        family(out, "gpurm_gpu_info", "gauge", "Always 1 for each GPU; join on uuid for its name and driver.");
        for (VramInfo g : s.gpus()) {
            sample(out, "gpurm_gpu_info", "uuid=\"" + escape(g.uuid()) + "\",name=\"" + escape(g.gpuName())
                    + "\",index=\"" + g.index() + "\",driver_version=\"" + escape(g.driverVersion()) + "\"", 1);
        }
        gpuUp(out, s.gpus());
        gpus(out, s, "gpurm_vram_total_bytes", "Total VRAM of each GPU.", VramInfo::totalMb);
        gpus(out, s, "gpurm_vram_used_bytes", "VRAM allocated on each GPU, driver-reserved memory not included.",
                VramInfo::allocatedMb);
        gpus(out, s, "gpurm_vram_reserved_bytes",
                "VRAM the driver reserves on each GPU (0 where the driver cannot tell, before NVML memory info v2).",
                VramInfo::reservedMb);
        gpus(out, s, "gpurm_vram_free_bytes", "Free VRAM of each GPU.", VramInfo::freeMb);
        family(out, "gpurm_gpu_utilization_ratio", "gauge", "GPU utilization over the driver's last sample period.");
        for (VramInfo g : s.gpus()) {
            sample(out, "gpurm_gpu_utilization_ratio", gpu(g), g.gpuUtilizationPercent() / 100.0);
        }
        family(out, "gpurm_vram_shared_bytes", "gauge",
                "Windows only: the GPU's allocations paged into system RAM (shared GPU memory).");
        for (VramInfo g : s.gpus()) {
            g.sharedMb().ifPresent(mb -> sample(out, "gpurm_vram_shared_bytes", gpu(g), mb * 1_048_576.0));
        }
        sensor(out, s, "gpurm_gpu_temperature_celsius", "GPU die temperature (absent where the driver gives none).",
                g -> g.sensors().temperatureC());
        sensor(out, s, "gpurm_gpu_power_watts", "Board power draw (absent where the driver gives none).",
                g -> g.sensors().powerWatts());
        sensor(out, s, "gpurm_gpu_power_limit_watts", "The power limit the driver enforces.",
                g -> g.sensors().powerLimitWatts());
        family(out, "gpurm_vlm_state", "gauge", "1 for the VLM's current state, 0 for the others.");
        for (ModelState state : ModelState.values()) {
            sample(out, "gpurm_vlm_state", "state=\"" + state.wireName() + "\"", s.vlmState() == state ? 1 : 0);
        }
        family(out, "gpurm_execution_mode", "gauge", "1 for the current mode, 0 for the others.");
        for (ExecutionMode mode : ExecutionMode.values()) {
            sample(out, "gpurm_execution_mode", "mode=\"" + mode.wireName() + "\"", s.executionMode() == mode ? 1 : 0);
        }
        family(out, "gpurm_clip_device", "gauge", "1 for the device CLIP runs on, 0 for the other.");
        for (ClipDevice device : ClipDevice.values()) {
            sample(out, "gpurm_clip_device", "device=\"" + device.wireName() + "\"",
                    s.clipDevice().equals(device.wireName()) ? 1 : 0);
        }
        family(out, "gpurm_degraded", "gauge", "1 while the manager is degraded (Ollama unreachable, no GPU, VRAM short).");
        sample(out, "gpurm_degraded", null, s.degradedMode() ? 1 : 0);
        family(out, "gpurm_condition", "gauge", "1 while the condition holds: the manager stopped trying to reach its mode's state.");
        Set<Condition> conditions = manager.activeConditions();
        for (Condition condition : Condition.values()) {
            sample(out, "gpurm_condition", "condition=\"" + condition.wireName() + "\"", conditions.contains(condition) ? 1 : 0);
        }
        family(out, "gpurm_vlm_drift_total", "counter", "Changes made outside the manager that it observed, by cause.");
        Map<DriftCause, Long> drift = manager.driftCounts();
        for (DriftCause cause : DriftCause.values()) {
            sample(out, "gpurm_vlm_drift_total", "cause=\"" + cause.wireName() + "\"", drift.getOrDefault(cause, 0L));
        }
        loads.write(out, "gpurm_vlm_load_duration_seconds", "Duration of VLM loads that succeeded.");
        unloads.write(out, "gpurm_vlm_unload_duration_seconds", "Duration of VLM unloads, until gone from Ollama and VRAM back.");
        family(out, "gpurm_vlm_load_failures_total", "counter", "VLM loads that ended in ERROR.");
        sample(out, "gpurm_vlm_load_failures_total", null, loadFailures.get());
        family(out, "gpurm_idle_unloads_total", "counter", "VLM unloads by the idle timer.");
        sample(out, "gpurm_idle_unloads_total", null, idleUnloads.get());
        family(out, "gpurm_clip_migrations_total", "counter", "CLIP moves between CPU and GPU.");
        sample(out, "gpurm_clip_migrations_total", null, clipMoves.get());
        family(out, "gpurm_proxy_requests_total", "counter", "Requests the Ollama proxy passed on, by kind.");
        sample(out, "gpurm_proxy_requests_total", "kind=\"vlm\"", proxyVlmRequests.getAsLong());
        sample(out, "gpurm_proxy_requests_total", "kind=\"other\"", proxyRequests.getAsLong() - proxyVlmRequests.getAsLong());
        return out.toString();
    }

    /**
     * 1 for each GPU the driver reads now, 0 for one seen since start and not read now (lost, fallen off the bus,
     * or the driver failing), with the labels it last had. The name is here too, not only on gpurm_gpu_info,
     * because gpurm_gpu_info is gone while the GPU is lost and the alert should still say which card it was.
     */
    private void gpuUp(StringBuilder out, java.util.List<VramInfo> now) {
        family(out, "gpurm_gpu_up", "gauge",
                "1 while the driver reads the GPU, 0 for one seen since start and not read now (lost); last known labels.");
        Set<String> present = new java.util.HashSet<>();
        java.util.List<VramInfo> all;
        synchronized (seenGpus) {
            for (VramInfo g : now) {
                String id = identity(g);
                present.add(id);
                seenGpus.put(id, g);
            }
            all = java.util.List.copyOf(seenGpus.values());
        }
        for (VramInfo g : all) {
            sample(out, "gpurm_gpu_up", gpu(g) + ",name=\"" + escape(g.gpuName()) + "\"", present.contains(identity(g)) ? 1 : 0);
        }
    }

    private static String identity(VramInfo g) {
        return g.uuid().isEmpty() ? "index " + g.index() : g.uuid();
    }

    /** One gauge family of a figure in MiB for every GPU, in bytes. */
    private static void sensor(StringBuilder out, GpuResourceStatus s, String name, String help,
                               java.util.function.Function<VramInfo, java.util.OptionalInt> value) {
        family(out, name, "gauge", help);
        for (VramInfo g : s.gpus()) {
            value.apply(g).ifPresent(v -> sample(out, name, gpu(g), v));
        }
    }

    private static void gpus(StringBuilder out, GpuResourceStatus s, String name, String help,
                             java.util.function.ToLongFunction<VramInfo> mb) {
        family(out, name, "gauge", help);
        for (VramInfo g : s.gpus()) {
            sample(out, name, gpu(g), mb.applyAsLong(g) * 1_048_576.0);
        }
    }

    /** Per-GPU series carry the GPU's index and UUID; its name and driver only on gpurm_gpu_info. */
    private static String gpu(VramInfo g) {
        return "index=\"" + g.index() + "\",uuid=\"" + escape(g.uuid()) + "\"";
    }

    static String escape(String labelValue) {
        return labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static void family(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    static void sample(StringBuilder out, String name, String labels, double value) {
        out.append(name);
        if (labels != null) {
            out.append('{').append(labels).append('}');
        }
        out.append(' ').append(format(value)).append('\n');
    }

    private static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return String.format(Locale.ROOT, "%.0f", value);
        }
        return Double.toString(value);
    }

    /** A cumulative histogram with fixed buckets, in seconds. */
    private static final class Histogram {
        private final AtomicLong[] counts = new AtomicLong[BUCKETS.length];
        private final AtomicLong count = new AtomicLong();
        private final DoubleAdder sum = new DoubleAdder();

        Histogram() {
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new AtomicLong();
            }
        }

        void observe(double seconds) {
            for (int i = 0; i < BUCKETS.length; i++) {
                if (seconds <= BUCKETS[i]) {
                    counts[i].incrementAndGet();
                }
            }
            count.incrementAndGet();
            sum.add(seconds);
        }

        void write(StringBuilder out, String name, String help) {
            family(out, name, "histogram", help);
            for (int i = 0; i < BUCKETS.length; i++) {
                sample(out, name + "_bucket", "le=\"" + BUCKETS[i] + "\"", counts[i].get());
            }
            sample(out, name + "_bucket", "le=\"+Inf\"", count.get());
            sample(out, name + "_sum", null, sum.sum());
            sample(out, name + "_count", null, count.get());
        }
    }

    @Override
    public void close() {
        subscription.close();
    }
}
