package com.rpavision.gpurm.core.config;

import com.rpavision.gpurm.core.storage.FileChannels;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Writes a file so that a reader sees either the old or the new content, never half of it: temp file in the
 * same folder, fsync, atomic rename, fsync of the folder (POSIX). The file is readable by its owner only
 * (the temp file's 0600) unless the caller asks for other permissions.
 */
public final class AtomicFiles {

    private static final int MOVE_ATTEMPTS = 5;

    private AtomicFiles() {
    }

    public static void write(Path target, byte[] content) throws IOException {
        write(target, content, null);
    }

    /**
     * @param posixPermissions the file's permissions where the file system has POSIX ones (set on the temp file
     *                         before the rename, so the file never shows with others; the umask does not apply);
     *                         null for the owner only. Ignored on Windows, where the folder's ACL applies.
     */
    public static void write(Path target, byte[] content, Set<PosixFilePermission> posixPermissions) throws IOException {
        write(target, content, posixPermissions, FileChannels.SYSTEM);
    }

    /**
     * @param files how the temp file is opened for writing (tests make it fail as a full disk does). A write that
     *              fails leaves the target as it was and removes its temp file.
     */
    public static void write(Path target, byte[] content, Set<PosixFilePermission> posixPermissions, FileChannels files)
            throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            if (posixPermissions != null && Files.getFileStore(temp).supportsFileAttributeView(PosixFileAttributeView.class)) {
                Files.setPosixFilePermissions(temp, posixPermissions);
            }
            try (FileChannel channel = files.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buffer = ByteBuffer.wrap(content);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                channel.force(true);
            }
            moveWithRetry(temp, target);
        } catch (IOException | RuntimeException e) {
            removeTemp(temp, e);
            throw e;
        }
        fsyncDirectory(dir);
    }

    /** The temp file goes with the failure; where even that fails, the cause stays the one thrown. */
    private static void removeTemp(Path temp, Exception cause) {
        try {
            Files.deleteIfExists(temp);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    /** Antivirus and indexers on Windows hold fresh files open for a moment: retry a denied move. */
    private static void moveWithRetry(Path source, Path target) throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                return;
            } catch (AccessDeniedException e) {
                if (attempt >= MOVE_ATTEMPTS || !isWindows()) {
                    throw e;
                }
                try {
                    Thread.sleep(50L * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private static void fsyncDirectory(Path dir) {
        if (isWindows()) {
            return;
        }
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException ignored) {
            // Some file systems refuse to open a folder; the rename itself is still atomic.
        }
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase().startsWith("windows");
    }
}
