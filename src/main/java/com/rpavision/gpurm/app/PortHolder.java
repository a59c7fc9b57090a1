package com.rpavision.gpurm.app;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Which program holds a TCP port we could not listen on, where the OS tells: on Linux from {@code /proc} (the
 * socket's inode, then the process whose descriptors hold it: only this user's processes are readable), on
 * Windows from {@code netstat -ano}. Empty when it cannot be told.
 */
public final class PortHolder {

    private static final String LISTEN = "0A";

    private PortHolder() {
    }

    /** "ollama (pid 4242)", or empty. */
    public static Optional<String> of(int port) {
        OptionalLong pid = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")
                ? windowsPid(port) : linuxPid(Path.of("/proc"), port);
        return pid.isPresent() ? Optional.of(describe(pid.getAsLong())) : Optional.empty();
    }

    static OptionalLong linuxPid(Path proc, int port) {
        for (String table : List.of("net/tcp", "net/tcp6")) {
            try {
                Optional<String> inode = listeningInode(Files.readAllLines(proc.resolve(table)), port);
                if (inode.isPresent()) {
                    return processHolding(proc, "socket:[" + inode.get() + "]");
                }
            } catch (IOException e) {
                // no such table here (no IPv6, not Linux)
            }
        }
        return OptionalLong.empty();
    }

    /** The inode of the socket listening on {@code port}, from the lines of {@code /proc/net/tcp[6]}. */
    static Optional<String> listeningInode(List<String> lines, int port) {
        String hexPort = String.format(Locale.ROOT, ":%04X", port);
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length > 9 && f[1].endsWith(hexPort) && LISTEN.equals(f[3]) && !"0".equals(f[9])) {
                return Optional.of(f[9]);
            }
        }
        return Optional.empty();
    }

    private static OptionalLong processHolding(Path proc, String socket) {
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(proc, "[0-9]*")) {
            for (Path process : processes) {
                try (DirectoryStream<Path> fds = Files.newDirectoryStream(process.resolve("fd"))) {
                    for (Path fd : fds) {
                        if (socket.equals(readLink(fd))) {
                            return OptionalLong.of(Long.parseLong(process.getFileName().toString()));
                        }
                    }
                } catch (IOException | SecurityException e) {
                    // another user's process, or one that just ended
                }
            }
        } catch (IOException e) {
            return OptionalLong.empty();
        }
        return OptionalLong.empty();
    }

    private static String readLink(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return "";
        }
    }

    private static OptionalLong windowsPid(int port) {
        try {
            Process netstat = new ProcessBuilder("netstat", "-ano", "-p", "TCP").redirectErrorStream(true).start();
            String out = new String(netstat.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            netstat.waitFor(5, TimeUnit.SECONDS);
            return netstatPid(out.lines().toList(), port);
        } catch (IOException e) {
            return OptionalLong.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return OptionalLong.empty();
        }
    }

    /** From {@code netstat -ano} lines such as "TCP 127.0.0.1:11436 0.0.0.0:0 LISTENING 4242" (any language: the state is not matched by name). */
    static OptionalLong netstatPid(List<String> lines, int port) {
        for (String line : lines) {
            String[] f = line.trim().split("\\s+");
            if (f.length == 5 && "TCP".equalsIgnoreCase(f[0]) && f[1].endsWith(":" + port)
                    && (f[2].endsWith(":0") || f[2].endsWith(":*")) && f[4].matches("[0-9]{1,10}")) {
                return OptionalLong.of(Long.parseLong(f[4]));
            }
        }
        return OptionalLong.empty();
    }

    private static String describe(long pid) {
        String name = ProcessHandle.of(pid).flatMap(p -> p.info().command())
                .map(command -> Path.of(command).getFileName().toString()).orElse("a process");
        return name + " (pid " + pid + ")";
    }
}
