package com.rpavision.gpurm.core.clip;

import com.rpavision.gpurm.testing.ClipFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * No network at run time: the engine starts and embeds in a JVM whose SecurityManager records and refuses every
 * connection and name lookup (so nothing leaves the machine even when something tries). A control run without
 * our settings shows the check does see DJL's attempt to reach a cloud metadata address.
 */
class OfflineClipTest {

    @TempDir
    Path dir;

    @Test
    void startingTheEngineAndEmbeddingOpensNoConnection() throws Exception {
        String out = runCheck(classPath(), ClipFixture.ENGINE_CACHE, "offline");
        assertThat(out).contains("STATUS AVAILABLE null", "EMBEDDING 512", "CONNECT ATTEMPTS 0 []");
    }

    @Test
    void theCheckSeesDjlsUsageTrackingWhenOurSettingsAreLeftOut() throws Exception {
        String out = runCheck(classPath(), ClipFixture.ENGINE_CACHE, "default");
        assertThat(out).contains("169.254.169.254:80").doesNotContain("CONNECT ATTEMPTS 0 ");
    }

    @Test
    void missingNativeLibrariesAreAClearErrorAndNotADownload() throws Exception {
        List<String> withoutNatives = classPath().stream().filter(e -> !e.contains("pytorch-native-cpu")).toList();
        String out = runCheck(withoutNatives, dir.resolve("empty-cache"), "offline");
        assertThat(out).contains("STATUS UNAVAILABLE libtorch's native libraries are missing", "CONNECT ATTEMPTS 0 []");
    }

    private String runCheck(List<String> classPath, Path cache, String mode) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.security.manager=allow", "-cp", String.join(File.pathSeparator, classPath),
                "com.rpavision.gpurm.testing.OfflineClipCheck", cache.toString(), ClipFixture.MODEL.toString(), mode));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        return new String(output, StandardCharsets.UTF_8);
    }

    /** The test class path, unpacked from Surefire's manifest-only jar where it uses one. */
    private static List<String> classPath() throws Exception {
        List<String> entries = Arrays.asList(System.getProperty("java.class.path").split(File.pathSeparator));
        if (entries.size() == 1 && entries.get(0).endsWith(".jar")) {
            try (JarFile jar = new JarFile(entries.get(0))) {
                String manifestPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
                if (manifestPath != null) {
                    return Arrays.stream(manifestPath.trim().split("\\s+"))
                            .map(u -> Path.of(URI.create(u)).toString()).collect(Collectors.toList());
                }
            }
        }
        return entries;
    }
}
