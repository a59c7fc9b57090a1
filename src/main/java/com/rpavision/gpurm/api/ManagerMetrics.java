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

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.DoubleAdder;

/**
 * The manager in Prometheus' text exposition format (version 0.0.4): VRAM per GPU, utilization, VLM state,
 * mode, CLIP device, degraded flag, load/unload counts and duration histograms, idle unloads. Counters follow
 * the manager's events; gauges are read from the status at scrape time.
 */
public final class ManagerMetrics implements AutoCloseable {

    private static final double[] BUCKETS = {0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};

    private final GpuResourceManager manager;
    private final Histogram loads = new Histogram();
    private final Histogram unloads = new Histogram();
    private final AtomicLong loadFailures = new AtomicLong();
    private final AtomicLong idleUnloads = new AtomicLong();
    private final AtomicLong clipMoves = new AtomicLong();
    private final Subscription subscription;

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
        family(out, "gpurm_vram_total_bytes", "gauge", "Total VRAM of each GPU.");
        for (VramInfo g : s.gpus()) {
            sample(out, "gpurm_vram_total_bytes", gpu(g), g.totalMb() * 1_048_576.0);
        }
        family(out, "gpurm_vram_used_bytes", "gauge", "Used VRAM of each GPU, driver-reserved memory included.");
        for (VramInfo g : s.gpus()) {
            sample(out, "gpurm_vram_used_bytes", gpu(g), g.usedMb() * 1_048_576.0);
        }
        family(out, "gpurm_vram_free_bytes", "gauge", "Free VRAM of each GPU.");
        for (VramInfo g : s.gpus()) {
            sample(out, "gpurm_vram_free_bytes", gpu(g), g.freeMb() * 1_048_576.0);
        }
        family(out, "gpurm_gpu_utilization_ratio", "gauge", "GPU utilization over the driver's last sample period.");
        for (VramInfo g : s.gpus()) {
            sample(out, "gpurm_gpu_utilization_ratio", gpu(g), g.gpuUtilizationPercent() / 100.0);
        }
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

    private static String gpu(VramInfo g) {
        return "gpu=\"" + g.index() + "\",name=\"" + escape(g.gpuName()) + "\"";
    }

    static String escape(String labelValue) {
        return labelValue.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static void family(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(StringBuilder out, String name, String labels, double value) {
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
