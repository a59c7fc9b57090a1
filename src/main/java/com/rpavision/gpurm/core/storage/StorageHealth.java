package com.rpavision.gpurm.core.storage;

import com.rpavision.gpurm.core.events.Listeners;
import com.rpavision.gpurm.core.events.Subscription;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether the files the manager keeps (the journal, which also holds the chosen mode, the configuration, api.json,
 * the remembered model sizes) could be written the last time each was: every writer tells how its write went, and
 * while the latest write of some file failed the storage is unwritable. A later good write of that file ends it.
 * Listeners hear each change of the first failure in force (a new one, another one, or none left), never a repeat.
 */
public final class StorageHealth {

    /** A file whose latest write failed: what went wrong, in the operating system's words, and since when. */
    public record Failure(Path file, String problem, Instant since) {
        public Failure {
            Objects.requireNonNull(file, "file");
            Objects.requireNonNull(problem, "problem");
            Objects.requireNonNull(since, "since");
        }
    }

    private final Clock clock;
    private final Map<Path, Failure> failing = new LinkedHashMap<>();
    private final Listeners<StorageHealth> listeners = new Listeners<>();

    public StorageHealth(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The first failure still in force, if any. */
    public synchronized Optional<Failure> failure() {
        return failing.values().stream().findFirst();
    }

    /**
     * Hears that the first failure in force changed (or that none is left); the listener reads {@link #failure()}
     * then, so that changes heard out of order on two threads still leave it with the latest.
     */
    public Subscription onChange(Runnable listener) {
        return listeners.add(health -> listener.run());
    }

    /** A write of one file, all or nothing. */
    @FunctionalInterface
    public interface Write {
        void run() throws IOException;
    }

    /** Runs {@code write} of {@code file} and tells how it went; its failure is thrown on to the caller. */
    public void write(Path file, Write write) throws IOException {
        try {
            write.run();
        } catch (IOException e) {
            failed(file, e);
            throw e;
        }
        wrote(file);
    }

    /** {@code file} was written in full. */
    public void wrote(Path file) {
        Optional<Failure> before;
        Optional<Failure> after;
        synchronized (this) {
            before = failure();
            failing.remove(key(file));
            after = failure();
        }
        fireIfChanged(before, after);
    }

    /** Writing {@code file} failed with {@code e}; the file keeps its previous content. */
    public void failed(Path file, IOException e) {
        Optional<Failure> before;
        Optional<Failure> after;
        synchronized (this) {
            before = failure();
            Failure previous = failing.get(key(file));
            String problem = problem(e, key(file));
            if (previous == null || !previous.problem().equals(problem)) {
                failing.put(key(file), new Failure(key(file), problem,
                        previous == null ? clock.instant() : previous.since()));
            }
            after = failure();
        }
        fireIfChanged(before, after);
    }

    private void fireIfChanged(Optional<Failure> before, Optional<Failure> after) {
        if (!before.equals(after)) {
            listeners.fire(this);
        }
    }

    private static Path key(Path file) {
        return file.toAbsolutePath().normalize();
    }

    /**
     * "No space left on device", "Read-only file system", "permission denied": the cause without a stack, and the
     * folder or temp file where it struck when that is not the file itself.
     */
    static String problem(IOException e, Path file) {
        String cause = e instanceof AccessDeniedException ? "permission denied"
                : e instanceof FileSystemException fse ? Objects.requireNonNullElse(fse.getReason(),
                        e.getClass().getSimpleName().replace("Exception", ""))
                : e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
        if (e instanceof FileSystemException fse && fse.getFile() != null && !key(Path.of(fse.getFile())).equals(file)) {
            return cause + " (" + fse.getFile() + ")";
        }
        return cause;
    }
}
