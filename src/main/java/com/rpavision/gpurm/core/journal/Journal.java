package com.rpavision.gpurm.core.journal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.core.storage.FileChannels;
import com.rpavision.gpurm.core.storage.StorageHealth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What happened, kept across restarts for the statistics: mode changes, loads with their duration, unloads, idle
 * unloads, degraded periods, CLIP moves. One JSON object per line in {@code journal.jsonl}, each line written and
 * forced to disk on its own, so a crash loses at most the event being written; a torn last line is skipped
 * when read. A line that cannot be written whole (disk full, read-only) is taken back and told to the
 * {@link StorageHealth}. Past {@code maxBytes} the file becomes {@code journal.1.jsonl} (then .2, up to {@code keep}).
 */
public final class Journal {

    /** The kinds worth keeping; VRAM changes and loading/unloading steps are not. */
    public static final Set<EventType> KEPT = EnumSet.of(EventType.MODE_CHANGED, EventType.MODEL_LOADED,
            EventType.MODEL_UNLOADED, EventType.MODEL_ERROR, EventType.IDLE_UNLOAD, EventType.DEGRADED_ON,
            EventType.DEGRADED_OFF, EventType.DEVICE_CHANGED, EventType.OTHER_MODEL_UNLOADED,
            EventType.VLM_DRIFT, EventType.CONDITION_CHANGED);

    /** The journal's own "mode" while the manager is not running. */
    public static final String OFF = "off";
    private static final Logger LOG = LoggerFactory.getLogger(Journal.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() { };

    private final Path dir;
    private final long maxBytes;
    private final int keep;
    private final FileChannels files;
    private final StorageHealth storage;

    public Journal(Path dir, long maxBytes, int keep) {
        this(dir, maxBytes, keep, FileChannels.SYSTEM, new StorageHealth(Clock.systemUTC()));
    }

    /**
     * @param files   how the journal file is opened for appending (tests make it fail as a full disk does)
     * @param storage told how each append went
     */
    public Journal(Path dir, long maxBytes, int keep, FileChannels files, StorageHealth storage) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.keep = keep;
        this.files = files;
        this.storage = storage;
    }

    Path current() {
        return dir.resolve("journal.jsonl");
    }

    private Path rotated(int n) {
        return dir.resolve("journal." + n + ".jsonl");
    }

    /** The manager starts (in IDLE) or stops: time while it is off is not counted in any mode. */
    public void appendStarted(Instant at) {
        append(new ResourceChangedEvent(at, EventType.MODE_CHANGED, Map.of("from", OFF, "to", "idle")));
    }

    public void appendStopped(Instant at, String lastMode) {
        append(new ResourceChangedEvent(at, EventType.MODE_CHANGED, Map.of("from", lastMode, "to", OFF)));
    }

    /**
     * Appends a kept event; a failure is logged and told to the storage health (which raises storage_unwritable),
     * never thrown at the manager. Told outside the lock: the condition it raises is itself an event kept here.
     */
    public void append(ResourceChangedEvent event) {
        if (!KEPT.contains(event.type())) {
            return;
        }
        byte[] bytes;
        try {
            bytes = line(event);
        } catch (JsonProcessingException e) {
            LOG.warn("Journal entry {} not written: {}", event.eventType(), e.getMessage());
            return;
        }
        IOException failure;
        synchronized (this) {
            failure = write(bytes);
        }
        if (failure == null) {
            storage.wrote(current());
        } else {
            storage.failed(current(), failure);
        }
    }

    private static byte[] line(ResourceChangedEvent event) throws JsonProcessingException {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("at", event.timestamp().toString());
        line.put("type", event.eventType());
        line.put("details", event.details());
        return (JSON.writeValueAsString(line) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** @return null when the line is on disk, else why not */
    private IOException write(byte[] bytes) {
        try {
            Files.createDirectories(dir);
            rotateIfFull(bytes.length);
            appendLine(bytes);
            return null;
        } catch (IOException e) {
            LOG.warn("Journal not written ({}): {}", current(), e.getMessage());
            return e;
        }
    }

    /** The whole line or nothing: a line that did not fit (disk full) is cut off again, the entries before it stay. */
    private void appendLine(byte[] bytes) throws IOException {
        try (FileChannel channel = files.open(current(), StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            long start = channel.size();
            try {
                long position = start;
                if (endsMidLine(channel)) {
                    channel.write(ByteBuffer.wrap(new byte[]{'\n'}), position++); // a crash cut the last line short
                }
                ByteBuffer buffer = ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    position += channel.write(buffer, position);
                }
                channel.force(false);
            } catch (IOException e) {
                cutBack(channel, start, e);
                throw e;
            }
        }
    }

    /** Where even that fails, the torn line stays: the next append starts a new line and the reader skips it. */
    private static void cutBack(FileChannel channel, long size, IOException cause) {
        try {
            channel.truncate(size);
            channel.force(false);
        } catch (IOException e) {
            cause.addSuppressed(e);
        }
    }

    private static boolean endsMidLine(FileChannel channel) throws IOException {
        long size = channel.size();
        if (size == 0) {
            return false;
        }
        ByteBuffer last = ByteBuffer.allocate(1);
        channel.read(last, size - 1);
        return last.get(0) != '\n';
    }

    private void rotateIfFull(int adding) throws IOException {
        if (!Files.exists(current()) || Files.size(current()) + adding <= maxBytes) {
            return;
        }
        Files.deleteIfExists(rotated(keep));
        for (int n = keep - 1; n >= 1; n--) {
            if (Files.exists(rotated(n))) {
                Files.move(rotated(n), rotated(n + 1), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.move(current(), rotated(1), StandardCopyOption.REPLACE_EXISTING);
    }

    /** Every entry at or after {@code since}, oldest first; torn or foreign lines are skipped. */
    public synchronized List<JournalEntry> read(Instant since) {
        List<JournalEntry> entries = new ArrayList<>();
        for (int n = keep; n >= 0; n--) {
            Path file = n == 0 ? current() : rotated(n);
            List<String> lines;
            try {
                // Decoded leniently: a line torn inside a character must not make the whole file unreadable.
                lines = new String(Files.readAllBytes(file), StandardCharsets.UTF_8).lines().toList();
            } catch (NoSuchFileException e) {
                continue;
            } catch (IOException e) {
                LOG.warn("Journal file {} not read: {}", file, e.getMessage());
                continue;
            }
            for (String line : lines) {
                parse(line).filter(entry -> !entry.at().isBefore(since)).ifPresent(entries::add);
            }
        }
        return entries;
    }

    private static java.util.Optional<JournalEntry> parse(String line) {
        try {
            Map<String, Object> json = JSON.readValue(line, OBJECT);
            Instant at = Instant.parse(String.valueOf(json.get("at")));
            EventType type = EventType.valueOf(String.valueOf(json.get("type")).toUpperCase(java.util.Locale.ROOT));
            Object details = json.get("details");
            @SuppressWarnings("unchecked")
            Map<String, Object> map = details instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
            Map<String, Object> clean = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                if (k != null && v != null) {
                    clean.put(k, v);
                }
            });
            return java.util.Optional.of(new JournalEntry(at, type, clean));
        } catch (IOException | RuntimeException e) {
            return java.util.Optional.empty(); // a line cut short by a crash, or not ours
        }
    }
}
