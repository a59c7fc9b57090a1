package com.rpavision.gpurm.core.gpu;

import com.rpavision.gpurm.core.model.GpuSensors;
import com.rpavision.gpurm.core.model.VramInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NvidiaSmiProbeTest {

    @TempDir
    Path dir;

    private Path script(String body) throws Exception {
        Path file = dir.resolve("nvidia-smi");
        Files.writeString(file, "#!/bin/sh\n" + body + "\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return file;
    }

    @Test
    void parsesTheCsvOfEveryGpuIncludingMissingFigures() throws Exception {
        assertThat(NvidiaSmiProbe.parse("0, NVIDIA GeForce RTX 4090, 24564, 1200, 23001, 7\n1, Tesla K80, 11441, 0, 11441, [N/A]\n"))
                .containsExactly(new VramInfo(0, "NVIDIA GeForce RTX 4090", 24564, 1200, 23001, 7),
                        new VramInfo(1, "Tesla K80", 11441, 0, 11441, 0));
    }

    @Test
    void readsTheUuidAndDriverVersionWhenTheQueryGivesThem() throws Exception {
        assertThat(NvidiaSmiProbe.parse("0, NVIDIA L4, 23034, 10900, 12134, 55, GPU-d1f9c0a2-7e3b-4c55-9a10-3f0e2b6c8d41, 550.54.15\n"))
                .containsExactly(new VramInfo(0, "NVIDIA L4", 23034, 10900, 12134, 55,
                        "GPU-d1f9c0a2-7e3b-4c55-9a10-3f0e2b6c8d41", 0, "550.54.15"));
    }

    @Test
    void readsTemperatureAndPowerRoundedToWholeWattsAndNotApplicableAsUnknown() throws Exception {
        assertThat(NvidiaSmiProbe.parse("0, NVIDIA L4, 23034, 10900, 12134, 55, GPU-d1f9, 550.54.15, 61, 52.46, 72.00\n"
                + "1, Laptop GPU, 8188, 300, 7888, 0, GPU-aa01, 550.54.15, 48, [N/A], [N/A]\n"))
                .extracting(VramInfo::sensors)
                .containsExactly(GpuSensors.of(61, 52, 72),
                        new GpuSensors(OptionalInt.of(48), OptionalInt.empty(), OptionalInt.empty()));
    }

    @Test
    void anUnexpectedLineIsAClearError() {
        assertThatThrownBy(() -> NvidiaSmiProbe.parse("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver"))
                .isInstanceOf(GpuProbeException.class).hasMessageContaining("unexpected nvidia-smi line");
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void runsTheQueryItAsksFor() throws Exception {
        Path smi = script("[ \"$1\" = \"" + NvidiaSmiProbe.QUERY + "\" ] || exit 3\necho '0, NVIDIA L4, 23034, 10900, 12134, 55'");
        NvidiaSmiProbe probe = NvidiaSmiProbe.open(smi.toString(), Duration.ofSeconds(5));
        assertThat(probe.read(true).gpus()).singleElement().satisfies(g -> assertThat(g.freeMb()).isEqualTo(12134));
        assertThat(probe.read(true).processMemoryKnown()).isFalse();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void aHungNvidiaSmiIsKilledAtTheTimeout() throws Exception {
        Path smi = script("sleep 30");
        long start = System.nanoTime();
        assertThatThrownBy(() -> NvidiaSmiProbe.open(smi.toString(), Duration.ofMillis(300)))
                .isInstanceOf(GpuProbeException.class).hasMessageContaining("did not answer within 300 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void withNeitherNvmlNorNvidiaSmiTheManagerRunsCpuOnlyAndSaysWhy() throws Exception {
        Path failing = script("echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver' ; exit 9");
        GpuProbe probe = GpuProbes.detect("/nonexistent/libnvidia-ml.so.1", failing.toString());
        assertThat(probe).isInstanceOf(NoGpuProbe.class);
        assertThat(probe.unavailableReason()).hasValueSatisfying(reason ->
                assertThat(reason).contains("/nonexistent/libnvidia-ml.so.1", "exit 9", "CPU-only"));
        assertThat(probe.read(true).gpus()).isEmpty();
    }

    @Test
    @EnabledOnOs(OS.LINUX)
    void fallsBackToNvidiaSmiWhenNvmlCannotBeLoaded() throws Exception {
        Path smi = script("echo '0, NVIDIA L4, 23034, 10900, 12134, 55'");
        GpuProbe probe = GpuProbes.detect("/nonexistent/libnvidia-ml.so.1", smi.toString());
        assertThat(probe).isInstanceOf(NvidiaSmiProbe.class);
    }
}
