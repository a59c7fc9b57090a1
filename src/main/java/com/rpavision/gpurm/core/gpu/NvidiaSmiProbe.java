package com.rpavision.gpurm.core.gpu;

import com.rpavision.gpurm.core.model.GpuSensors;
import com.rpavision.gpurm.core.model.VramInfo;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;

/**
 * Fallback when NVML cannot be loaded: runs {@code nvidia-smi --query-gpu} under a timeout. Each call costs
 * 7-20 ms (seconds without persistence mode), and lists no processes.
 */
public final class NvidiaSmiProbe implements GpuProbe {

    static final String QUERY = "--query-gpu=index,name,memory.total,memory.used,memory.free,utilization.gpu,uuid,driver_version,"
            + "temperature.gpu,power.draw,power.limit";

    private final String executable;
    private final Duration timeout;

    private NvidiaSmiProbe(String executable, Duration timeout) {
        this.executable = executable;
        this.timeout = timeout;
    }

    /** Runs nvidia-smi once to check that it works. */
    public static NvidiaSmiProbe open(String executable, Duration timeout) throws GpuProbeException {
        NvidiaSmiProbe probe = new NvidiaSmiProbe(executable, timeout);
        if (probe.read(false).gpus().isEmpty()) {
            throw new GpuProbeException("nvidia-smi lists no GPU");
        }
        return probe;
    }

    @Override
    public String name() {
        return "nvidia-smi";
    }

    @Override
    public GpuReading read(boolean withProcesses) throws GpuProbeException {
        return new GpuReading(parse(run()), List.of(), false);
    }

    private String run() throws GpuProbeException {
        Process process;
        try {
            process = new ProcessBuilder(executable, QUERY, "--format=csv,noheader,nounits")
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            boolean missing = String.valueOf(e.getMessage()).contains("error=2");
            throw new GpuProbeException(executable + (missing ? " not found" : " cannot run: " + e.getMessage()), e);
        }
        try (InputStream out = process.getInputStream()) {
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new GpuProbeException(executable + " did not answer within " + timeout.toMillis() + " ms");
            }
            String text = new String(out.readAllBytes(), StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new GpuProbeException(executable + " failed (exit " + process.exitValue() + "): " + text.strip());
            }
            return text;
        } catch (IOException e) {
            throw new GpuProbeException("cannot read " + executable + "'s output: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new GpuProbeException("interrupted while waiting for " + executable, e);
        }
    }

    /**
     * Parses lines like {@code 0, NVIDIA GeForce RTX 4090, 24564, 1200, 23001, 7, GPU-d1f9…, 550.54.15, 64, 287.60,
     * 450.00}; the fields after the utilization (uuid and driver version, then temperature, power and its limit)
     * may be absent.
     */
    static List<VramInfo> parse(String csv) throws GpuProbeException {
        List<VramInfo> gpus = new ArrayList<>();
        for (String line : csv.split("\\R")) {
            if (line.isBlank()) {
                continue;
            }
            String[] f = line.split(",");
            if (f.length != 6 && f.length != 8 && f.length != 11) {
                throw new GpuProbeException("unexpected nvidia-smi line: " + line);
            }
            try {
                gpus.add(new VramInfo(Integer.parseInt(f[0].trim()), f[1].trim(), number(f[2]), number(f[3]),
                        number(f[4]), (int) Math.min(100, number(f[5])), f.length >= 8 ? text(f[6]) : "", 0,
                        f.length >= 8 ? text(f[7]) : "", f.length == 11 ? sensors(f[8], f[9], f[10]) : GpuSensors.UNKNOWN));
            } catch (NumberFormatException e) {
                throw new GpuProbeException("unexpected nvidia-smi line: " + line, e);
            }
        }
        return gpus;
    }

    private static GpuSensors sensors(String temperature, String power, String limit) {
        OptionalInt limitWatts = watts(limit);
        return new GpuSensors(watts(temperature), watts(power),
                limitWatts.isPresent() && limitWatts.getAsInt() > 0 ? limitWatts : OptionalInt.empty());
    }

    /** "287.60" W, "64" °C, or "[N/A]". */
    private static OptionalInt watts(String field) {
        String value = field.trim();
        return value.startsWith("[") ? OptionalInt.empty()
                : OptionalInt.of((int) Math.max(0, Math.round(Double.parseDouble(value))));
    }

    private static String text(String field) {
        String value = field.trim();
        return value.startsWith("[") ? "" : value;
    }

    /** nvidia-smi prints "[N/A]" or "[Not Supported]" where it has no figure. */
    private static long number(String field) {
        String value = field.trim();
        return value.startsWith("[") ? 0 : Math.max(0, Long.parseLong(value));
    }
}
