package com.rpavision.gpurm.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The AppCDS archive that makes the installed panel start fast. The installers ship the list of classes the
 * start-up loads ({@code app.classlist}, recorded at build time); the archive itself depends on where the app is
 * installed (Java 17 checks the class path literally), so it is written on the target machine: by the DEB's
 * post-install, or by the app itself on its first start where it may write its own folder (Windows per-user
 * install). The launcher passes {@code -XX:SharedArchiveFile} and {@code -Dgpurm.cds.archive} with the same path;
 * a missing archive only costs speed.
 */
public final class CdsArchive {

    public static final String PROPERTY = "gpurm.cds.archive";
    private static final long DUMP_TIMEOUT_SECONDS = 300;

    private final Path archive;
    private final Path classList;
    private final Path javaHome;
    private final String classPath;

    CdsArchive(Path archive, Path classList, Path javaHome, String classPath) {
        this.archive = archive;
        this.classList = classList;
        this.javaHome = javaHome;
        this.classPath = classPath;
    }

    /** The archive this launch was started with, if it came from an installer's launcher. */
    public static Optional<CdsArchive> ofThisProcess() {
        String path = System.getProperty(PROPERTY, "");
        if (path.isBlank()) {
            return Optional.empty();
        }
        Path archive = Path.of(path).toAbsolutePath();
        return Optional.of(new CdsArchive(archive, archive.resolveSibling("app.classlist"),
                Path.of(System.getProperty("java.home")), System.getProperty("java.class.path")));
    }

    public Path archive() {
        return archive;
    }

    /** True when there is a class list to build from, no archive yet, and the folder takes a new file. */
    public boolean missingAndWritable() {
        return Files.isRegularFile(classList) && !Files.exists(archive) && Files.isWritable(archive.getParent());
    }

    /** The JVM command that dumps the archive for exactly this class path and runtime. */
    List<String> dumpCommand(Path target) {
        String java = javaHome.resolve("bin").resolve(isWindows() ? "java.exe" : "java").toString();
        return List.of(java, "-Xshare:dump", "-XX:SharedClassListFile=" + classList,
                "-XX:SharedArchiveFile=" + target, "-cp", classPath);
    }

    /**
     * Dumps the archive next to its final place and moves it there, so a crash leaves no half archive.
     *
     * @throws IOException with the JVM's own words when the dump fails
     */
    public void write() throws IOException {
        if (!Files.isRegularFile(classList)) {
            throw new IOException("no class list at " + classList + ": this build was packaged without one");
        }
        Path partial = archive.resolveSibling(archive.getFileName() + ".partial");
        Path output = Files.createTempFile("gpurm-cds", ".log");
        try {
            Process dump = new ProcessBuilder(dumpCommand(partial)).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).start();
            if (!dump.waitFor(DUMP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                dump.destroyForcibly();
                throw new IOException("the archive dump took over " + DUMP_TIMEOUT_SECONDS + " s and was stopped");
            }
            if (dump.exitValue() != 0 || !Files.isRegularFile(partial)) {
                List<String> lines = Files.readAllLines(output);
                throw new IOException("the archive dump failed (exit " + dump.exitValue() + "): "
                        + String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size())));
            }
            Files.move(partial, archive, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while dumping the archive", e);
        } finally {
            Files.deleteIfExists(partial);
            Files.deleteIfExists(output);
        }
    }

    /** On a start without an archive that this user may write (Windows per-user install): write it, quietly. */
    public static void writeInBackgroundIfMissing() {
        ofThisProcess().filter(CdsArchive::missingAndWritable).ifPresent(cds -> {
            Logger log = LoggerFactory.getLogger(CdsArchive.class); // not at class load: the installer's call logs nothing
            Thread thread = new Thread(() -> {
                try {
                    cds.write();
                    log.info("Start-up archive written to {}: the next start is faster", cds.archive());
                } catch (IOException e) {
                    log.warn("Start-up archive not written: {}", e.getMessage());
                }
            }, "gpurm-cds-archive");
            thread.setDaemon(true);
            thread.setPriority(Thread.MIN_PRIORITY);
            thread.start();
        });
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
    }
}
