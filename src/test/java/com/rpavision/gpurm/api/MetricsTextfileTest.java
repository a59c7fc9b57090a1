package com.rpavision.gpurm.api;

import com.rpavision.gpurm.core.model.ExecutionMode;
import com.rpavision.gpurm.testing.ManagerFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The textfile for node_exporter's / windows_exporter's textfile collector. */
class MetricsTextfileTest {

    @TempDir
    Path dir;

    private ManagerFixture f;
    private ManagerMetrics metrics;

    @BeforeEach
    void start() {
        f = ManagerFixture.create();
        metrics = new ManagerMetrics(f.manager, () -> 0, () -> 0);
    }

    @AfterEach
    void stop() {
        metrics.close();
        f.close();
    }

    @Test
    void theTextfileIsRewrittenWholeAndRemovedAtStop() throws Exception {
        Path file = dir.resolve("textfile").resolve("gpurm.prom");
        MetricsTextfile textfile = MetricsTextfile.start(metrics, file, Duration.ofMillis(50), f.clock);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file));
        assertThat(MetricsTest.parse(Files.readString(file))).containsEntry("gpurm_execution_mode{mode=\"idle\"}", 1.0);
        f.switchTo(ExecutionMode.RECORDING);
        await().atMost(Duration.ofSeconds(10)).until(() -> MetricsTest.parse(Files.readString(file))
                .get("gpurm_execution_mode{mode=\"recording\"}") == 1.0);
        textfile.close(); // stops the timer first, so no write runs below
        try (var files = Files.list(file.getParent())) {
            assertThat(files.map(p -> p.getFileName().toString())).as("no temp file left, the file removed").isEmpty();
        }
    }

    @Test
    void eachWriteSaysWhenItWasWrittenByTheClock() throws Exception {
        Path file = dir.resolve("gpurm.prom");
        try (MetricsTextfile textfile = startAndAwaitFirstWrite(file)) {
            f.clock.advance(Duration.ofMillis(1_234));
            textfile.write();
            assertThat(MetricsTest.parse(Files.readString(file)))
                    .containsEntry("gpurm_textfile_written_timestamp_seconds", seconds("2026-11-30T08:00:01.234Z"))
                    .containsKey("gpurm_degraded");
            f.clock.advance(Duration.ofSeconds(15));
            textfile.write();
            assertThat(MetricsTest.parse(Files.readString(file)))
                    .containsEntry("gpurm_textfile_written_timestamp_seconds", seconds("2026-11-30T08:00:16.234Z"));
        }
    }

    @Test
    void theTextfileIsReadableByEveryoneWhateverItReplaced() throws Exception {
        assumeTrue(posix(), "POSIX permissions only (Windows: the folder's ACL applies)");
        Path file = dir.resolve("gpurm.prom");
        Files.writeString(file, "old\n"); // a file an older version left, mode 0600
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        try (MetricsTextfile textfile = startAndAwaitFirstWrite(file)) {
            textfile.write();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-r--r--");
            assertThat(Files.readString(file)).startsWith("# HELP gpurm_");
        }
    }

    /**
     * What node_exporter does on Debian: read the file as another user (here nobody, uid 65534), through a folder
     * that user may enter, as node_exporter's textfile directory is. Needs root to drop to that user.
     */
    @Test
    void anotherUserReadsTheTextfile() throws Exception {
        assumeTrue(posix(), "POSIX permissions only");
        assumeTrue(runningAsRoot(), "not root: cannot run a reader as another user; the mode test covers the file");
        assumeTrue(onPath("setpriv"), "setpriv (util-linux) not installed: cannot drop privileges");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path collectorDir = Files.createDirectory(dir.resolve("textfile"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        assumeTrue(everyAncestorEnterable(collectorDir), () -> collectorDir + ": a folder above it is closed to others");
        Path file = collectorDir.resolve("gpurm.prom");
        try (MetricsTextfile textfile = startAndAwaitFirstWrite(file)) {
            Process cat = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    "cat", file.toString()).redirectErrorStream(true).start();
            String read = new String(cat.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(cat.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(cat.exitValue()).as("cat as nobody: " + read).isZero();
            assertThat(read).isEqualTo(Files.readString(file));
        }
    }

    /** The timer's first write (at once; the next in an hour), so that the test's own writes race with none. */
    private MetricsTextfile startAndAwaitFirstWrite(Path file) {
        MetricsTextfile textfile = MetricsTextfile.start(metrics, file, Duration.ofHours(1), f.clock);
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file) && Files.readString(file).contains(
                "gpurm_textfile_written_timestamp_seconds"));
        return textfile;
    }

    private static double seconds(String instant) {
        return Instant.parse(instant).toEpochMilli() / 1000.0;
    }

    private static boolean posix() {
        return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    }

    private static boolean runningAsRoot() throws Exception {
        Process id = new ProcessBuilder("id", "-u").redirectErrorStream(true).start();
        String uid = new String(id.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return id.waitFor(10, TimeUnit.SECONDS) && uid.equals("0");
    }

    private static boolean everyAncestorEnterable(Path path) throws Exception {
        for (Path p = path.toAbsolutePath().getParent(); p != null; p = p.getParent()) {
            if (!Files.getPosixFilePermissions(p).contains(java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE)) {
                return false;
            }
        }
        return true;
    }

    private static boolean onPath(String command) {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, command)));
    }
}
