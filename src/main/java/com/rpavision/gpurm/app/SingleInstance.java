package com.rpavision.gpurm.app;

import com.rpavision.gpurm.core.concurrent.Threads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Optional;

/**
 * One manager per user: the first instance holds a file lock and listens on a loopback port for a secret
 * "bring your window forward" knock; a second launch knocks and exits. The port and the secret are in a file
 * only the user can read.
 */
public final class SingleInstance implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SingleInstance.class);

    private final FileChannel channel;
    private final FileLock lock;
    private final ServerSocket server;
    private final String secret;

    private SingleInstance(FileChannel channel, FileLock lock, ServerSocket server, String secret) {
        this.channel = channel;
        this.lock = lock;
        this.server = server;
        this.secret = secret;
    }

    /**
     * @param name      "instance" or "instance-demo": the demo may run beside the real manager
     * @param onKnock   run (on a background thread) when a later launch asks to be shown
     * @return this process's instance, or empty when another one runs (and was asked to come forward)
     */
    public static Optional<SingleInstance> claim(Path dataDir, String name, Runnable onKnock) throws IOException {
        Files.createDirectories(dataDir);
        Path lockFile = dataDir.resolve(name + ".lock");
        Path infoFile = dataDir.resolve(name + ".port");
        FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            knock(infoFile);
            return Optional.empty();
        }
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String secret = HexFormat.of().formatHex(random);
        ServerSocket server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        writePrivate(infoFile, server.getLocalPort() + " " + secret);
        SingleInstance instance = new SingleInstance(channel, lock, server, secret);
        Threads.named("gpurm-single-instance").newThread(() -> instance.listen(onKnock)).start();
        return Optional.of(instance);
    }

    private static void knock(Path infoFile) throws IOException {
        String[] info = Files.readString(infoFile, StandardCharsets.UTF_8).trim().split(" ");
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(info[0]))) {
            OutputStream out = socket.getOutputStream();
            out.write((info[1] + "\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
    }

    private void listen(Runnable onKnock) {
        while (!server.isClosed()) {
            try (Socket socket = server.accept()) {
                socket.setSoTimeout(2_000);
                String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
                if (line != null && MessageDigest.isEqual(line.trim().getBytes(StandardCharsets.US_ASCII),
                        secret.getBytes(StandardCharsets.US_ASCII))) {
                    onKnock.run();
                } else {
                    LOG.warn("Ignored a connection to the single-instance port without the right secret");
                }
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.debug("Single-instance knock failed: {}", e.getMessage());
                }
            }
        }
    }

    private static void writePrivate(Path file, String content) throws IOException {
        Files.deleteIfExists(file);
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    /** Stands for "could not tell": the app starts, nothing is held or listened to. */
    public static SingleInstance none() {
        return new SingleInstance(null, null, null, null);
    }

    @Override
    public void close() {
        if (server == null) {
            return;
        }
        try {
            server.close();
            lock.release();
            channel.close();
        } catch (IOException e) {
            LOG.debug("Releasing the single-instance lock: {}", e.getMessage());
        }
    }
}
