package com.rpavision.gpurm.app;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The start-up archive written by a real JVM dump, then used by a JVM that refuses to start without it. */
class CdsArchiveTest {

    private static final Path JAVA_HOME = Path.of(System.getProperty("java.home"));
    private static final Path CLASSES = Path.of("target", "classes").toAbsolutePath();

    @TempDir
    Path dir;

    /** The app's classes as a jar (CDS takes jars only) followed by the libraries' jars, as an installer has them. */
    private String installedClassPath() throws IOException {
        Path jar = dir.resolve("gpu-resource-manager.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar)); Stream<Path> files = Files.walk(CLASSES)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                out.putNextEntry(new JarEntry(CLASSES.relativize(file).toString().replace('\\', '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
        return Stream.concat(Stream.of(jar.toString()), Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> entry.endsWith(".jar"))).collect(Collectors.joining(File.pathSeparator));
    }

    @Test
    void writesAnArchiveThatAJvmWithThisClassPathMaps() throws Exception {
        Path archive = dir.resolve("app.jsa");
        Files.write(dir.resolve("app.classlist"), List.of("java/lang/Object", "com/rpavision/gpurm/app/CommandLine",
                "com/rpavision/gpurm/core/model/ExecutionMode"));
        String classPath = installedClassPath();
        CdsArchive cds = new CdsArchive(archive, dir.resolve("app.classlist"), JAVA_HOME, classPath);
        assertThat(cds.missingAndWritable()).isTrue();

        cds.write();

        assertThat(archive).isRegularFile();
        assertThat(dir.resolve("app.jsa.partial")).doesNotExist();
        assertThat(cds.missingAndWritable()).isFalse();
        // -Xshare:on makes the JVM fail at start when it cannot map the archive (wrong class path, corrupt file)
        Process run = new ProcessBuilder(JAVA_HOME.resolve("bin/java").toString(), "-Xshare:on",
                "-XX:SharedArchiveFile=" + archive, "-Xlog:class+load=info", "-cp", classPath,
                "com.rpavision.gpurm.Launcher", "--help").redirectErrorStream(true).start();
        String output = new String(run.getInputStream().readAllBytes());
        assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as(output).isZero();
        assertThat(output).contains("com.rpavision.gpurm.app.CommandLine source: shared objects file");
    }

    @Test
    void aFailedDumpSaysWhyInTheJvmsWordsAndLeavesNoArchive() throws IOException {
        Path archive = dir.resolve("app.jsa");
        Files.write(dir.resolve("app.classlist"), List.of("java/lang/Object", "com/rpavision/gpurm/app/CommandLine"));
        // a class folder instead of jars: Java 17 refuses to archive from it
        CdsArchive cds = new CdsArchive(archive, dir.resolve("app.classlist"), JAVA_HOME, CLASSES.toString());

        assertThatThrownBy(cds::write).isInstanceOf(IOException.class)
                .hasMessageContaining("archive dump failed").hasMessageContaining("non-empty directory");
        assertThat(archive).doesNotExist();
        assertThat(dir.resolve("app.jsa.partial")).doesNotExist();
    }

    @Test
    void withoutAClassListThereIsNothingToWrite() {
        CdsArchive cds = new CdsArchive(dir.resolve("app.jsa"), dir.resolve("app.classlist"), JAVA_HOME, "a.jar");
        assertThat(cds.missingAndWritable()).isFalse();
        assertThatThrownBy(cds::write).hasMessageContaining("no class list");
    }

    @Test
    void theDumpUsesThisRuntimeAndExactlyThisClassPath() {
        CdsArchive cds = new CdsArchive(dir.resolve("app.jsa"), dir.resolve("app.classlist"), JAVA_HOME, "a.jar:b.jar");
        assertThat(cds.dumpCommand(dir.resolve("x.jsa"))).startsWith(JAVA_HOME.resolve("bin").resolve("java").toString())
                .contains("-Xshare:dump", "-XX:SharedClassListFile=" + dir.resolve("app.classlist"),
                        "-XX:SharedArchiveFile=" + dir.resolve("x.jsa"))
                .endsWith("-cp", "a.jar:b.jar");
    }
}
