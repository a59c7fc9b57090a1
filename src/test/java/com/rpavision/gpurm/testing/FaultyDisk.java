package com.rpavision.gpurm.testing;

import com.rpavision.gpurm.core.storage.FileChannels;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.FileSystemException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Real files on a disk that can be made to fail as a full or read-only one does, where a test cannot mount a small
 * tmpfs: when full, a write takes what still fits (a short write, as the kernel gives) and the next one fails with
 * "No space left on device"; read-only, opening for writing fails with "Read-only file system".
 */
public final class FaultyDisk implements FileChannels {

    private volatile long bytesLeft = Long.MAX_VALUE;
    private volatile boolean readOnly;
    private volatile boolean truncateFails;

    /** Only {@code bytes} more fit, then the disk is full. */
    public FaultyDisk fillLeaving(long bytes) {
        bytesLeft = bytes;
        return this;
    }

    public FaultyDisk readOnly() {
        readOnly = true;
        return this;
    }

    /** Even cutting a file back fails (as on a volume that turned read-only mid-write). */
    public FaultyDisk truncateFails() {
        truncateFails = true;
        return this;
    }

    /** Room again, writable again. */
    public FaultyDisk heal() {
        bytesLeft = Long.MAX_VALUE;
        readOnly = false;
        truncateFails = false;
        return this;
    }

    @Override
    public FileChannel open(Path file, OpenOption... options) throws IOException {
        boolean writing = Arrays.stream(options).anyMatch(o -> o == StandardOpenOption.WRITE
                || o == StandardOpenOption.APPEND || o == StandardOpenOption.CREATE || o == StandardOpenOption.CREATE_NEW);
        if (readOnly && writing) {
            throw new FileSystemException(file.toString(), null, "Read-only file system");
        }
        return new Channel(FileChannel.open(file, options));
    }

    private final class Channel extends FileChannel {
        private final FileChannel real;

        Channel(FileChannel real) {
            this.real = real;
        }

        /** What of {@code src} may be written now: all, part (the disk fills), or nothing (it is full). */
        private ByteBuffer room(ByteBuffer src) throws IOException {
            long left = bytesLeft;
            if (left <= 0 && src.hasRemaining()) {
                throw new IOException("No space left on device");
            }
            if (left >= src.remaining()) {
                if (left != Long.MAX_VALUE) {
                    bytesLeft = left - src.remaining();
                }
                return src;
            }
            bytesLeft = 0;
            return src.slice().limit((int) left);
        }

        private int written(ByteBuffer src, ByteBuffer part, int n) {
            if (part != src) {
                src.position(src.position() + n);
            }
            return n;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            ByteBuffer part = room(src);
            return written(src, part, real.write(part));
        }

        @Override
        public int write(ByteBuffer src, long position) throws IOException {
            ByteBuffer part = room(src);
            return written(src, part, real.write(part, position));
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            long n = 0;
            for (int i = offset; i < offset + length; i++) {
                n += write(srcs[i]);
            }
            return n;
        }

        @Override
        public FileChannel truncate(long size) throws IOException {
            if (truncateFails) {
                throw new FileSystemException(null, null, "Read-only file system");
            }
            real.truncate(size);
            return this;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return real.read(dst);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            return real.read(dsts, offset, length);
        }

        @Override
        public int read(ByteBuffer dst, long position) throws IOException {
            return real.read(dst, position);
        }

        @Override
        public long position() throws IOException {
            return real.position();
        }

        @Override
        public FileChannel position(long newPosition) throws IOException {
            real.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException {
            return real.size();
        }

        @Override
        public void force(boolean metaData) throws IOException {
            real.force(metaData);
        }

        @Override
        public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
            return real.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
            throw new UnsupportedOperationException("not used by the writers under test");
        }

        @Override
        public MappedByteBuffer map(MapMode mode, long position, long size) {
            throw new UnsupportedOperationException("not used by the writers under test");
        }

        @Override
        public FileLock lock(long position, long size, boolean shared) throws IOException {
            return real.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(long position, long size, boolean shared) throws IOException {
            return real.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException {
            real.close();
        }
    }
}
