package com.rpavision.gpurm.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Compiles a stub C library from {@code src/test/c/} into {@code target/} with gcc, for binding tests. */
public final class CStubs {

    private CStubs() {
    }

    /** Why a stub cannot be built here, or empty when it can. */
    public static Optional<String> unavailableReason(String what) {
        if (!System.getProperty("os.name", "").toLowerCase().contains("linux")) {
            return Optional.of("the " + what + " stub is built as a Linux shared library");
        }
        try {
            Process p = new ProcessBuilder("gcc", "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? Optional.empty()
                    : Optional.of("gcc --version failed");
        } catch (IOException e) {
            return Optional.of("no C compiler (gcc) on PATH: install gcc to run the " + what + " binding tests");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted");
        }
    }

    /**
     * @param source       a file name under {@code src/test/c/}
     * @param outputFolder a folder under {@code target/}
     * @param libraryName  the file name of the library to write
     * @param flags        extra gcc flags, such as {@code -DNAME}
     * @return the library's absolute path
     */
    public static Path compile(String source, Path outputFolder, String libraryName, List<String> flags) {
        try {
            Path dir = Files.createDirectories(Path.of("target").resolve(outputFolder)).toAbsolutePath();
            Path library = dir.resolve(libraryName);
            List<String> command = new ArrayList<>(List.of("gcc", "-Wall", "-Wextra", "-Werror"));
            command.addAll(flags);
            command.addAll(List.of("-shared", "-fPIC", "-o", library.toString(),
                    Path.of("src", "test", "c", source).toAbsolutePath().toString()));
            Process gcc = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(gcc.getInputStream().readAllBytes());
            if (!gcc.waitFor(60, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
                throw new IllegalStateException("gcc failed to build " + source + ": " + output);
            }
            return library;
        } catch (IOException e) {
            throw new IllegalStateException("cannot build " + source, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
