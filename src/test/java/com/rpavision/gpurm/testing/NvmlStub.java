package com.rpavision.gpurm.testing;

import com.sun.jna.Library;
import com.sun.jna.Native;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Builds {@code src/test/c/nvml_stub.c} into a {@code libnvidia-ml.so.1} with gcc, once per variant, and
 * drives its state through the stub's control functions.
 */
public final class NvmlStub {

    /** The stub's own functions, loaded from the same file as the probe's, so they share its state. */
    public interface Control extends Library {
        void nvmlStub_reset();
        void nvmlStub_setInitResult(int result);
        int nvmlStub_addDevice(String name, long totalBytes, long usedBytes, int utilization);
        void nvmlStub_setUsed(int index, long usedBytes);
        void nvmlStub_setUuid(int index, String uuid);
        void nvmlStub_setReserved(int index, long reservedBytes);
        void nvmlStub_setSensors(int index, int temperatureC, int powerMilliwatts, int powerLimitMilliwatts);
        void nvmlStub_addProcess(int index, int pid, long usedBytes);
        int nvmlStub_initCalls();
        int nvmlStub_memoryCalls();
    }

    public static final long MIB = 1024L * 1024L;
    private static final ConcurrentHashMap<String, Path> BUILT = new ConcurrentHashMap<>();

    private NvmlStub() {
    }

    /** Why the stub cannot be built here, or empty when it can. */
    public static Optional<String> unavailableReason() {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return Optional.of("the NVML stub is built as a Linux shared library");
        }
        try {
            Process p = new ProcessBuilder("gcc", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? Optional.empty()
                    : Optional.of("gcc --version failed");
        } catch (IOException e) {
            return Optional.of("no C compiler (gcc) on PATH: install gcc to run the NVML binding tests");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    /** @param variant "v3" for a current driver, "no-v3" for one without the _v3 process list and memory info v2 */
    public static Path build(String variant) {
        return BUILT.computeIfAbsent(variant, NvmlStub::compile);
    }

    private static Path compile(String variant) {
        try {
            Path dir = Files.createDirectories(Path.of("target", "nvml-stub", variant)).toAbsolutePath();
            Path library = dir.resolve("libnvidia-ml.so.1");
            List<String> command = new java.util.ArrayList<>(List.of("gcc", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC",
                    "-o", library.toString(), Path.of("src", "test", "c", "nvml_stub.c").toAbsolutePath().toString()));
            if (variant.equals("no-v3")) {
                command.add(1, "-DNVML_STUB_NO_V3");
            }
            Process gcc = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(gcc.getInputStream().readAllBytes());
            if (!gcc.waitFor(60, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
                throw new IllegalStateException("gcc failed to build the NVML stub: " + output);
            }
            return library;
        } catch (IOException e) {
            throw new IllegalStateException("cannot build the NVML stub", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static Control control(Path library) {
        return Native.load(library.toString(), Control.class);
    }
}
