package com.rpavision.gpurm.core.journal;

import com.rpavision.gpurm.core.model.EventType;
import com.rpavision.gpurm.core.model.ResourceChangedEvent;
import com.rpavision.gpurm.core.storage.StorageHealth;
import com.rpavision.gpurm.testing.FaultyDisk;
import com.rpavision.gpurm.testing.MutableClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A full or read-only data volume: no entry half-written, the failure told, and told over once writes land again. */
class JournalOnAFaultyDiskTest {

    private static final Instant T0 = Instant.parse("2026-11-30T08:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(T0);
    private final StorageHealth storage = new StorageHealth(clock);
    private final FaultyDisk disk = new FaultyDisk();

    private Journal journal() {
        return new Journal(dir, 1 << 20, 3, disk, storage);
    }

    private static ResourceChangedEvent mode(int minute, String from, String to) {
        return new ResourceChangedEvent(T0.plusSeconds(60L * minute), EventType.MODE_CHANGED, Map.of("from", from, "to", to));
    }

    @Test
    void aLineThatDoesNotFitIsTakenBackAndTheFailureIsToldUntilALineLandsAgain() throws IOException {
        Journal journal = journal();
        journal.append(mode(0, "off", "idle"));
        byte[] before = Files.readAllBytes(journal.current());

        clock.advance(java.time.Duration.ofMinutes(1));
        disk.fillLeaving(25); // the next line is cut after 25 bytes
        journal.append(mode(1, "idle", "recording"));

        assertThat(Files.readAllBytes(journal.current())).as("no half line left behind").isEqualTo(before);
        assertThat(storage.failure()).hasValueSatisfying(f -> {
            assertThat(f.file()).isEqualTo(journal.current().toAbsolutePath());
            assertThat(f.problem()).isEqualTo("No space left on device");
            assertThat(f.since()).isEqualTo(T0.plusSeconds(60));
        });

        journal.append(mode(2, "idle", "autopilot")); // full: nothing fits
        assertThat(storage.failure()).as("still failing, since the first failure")
                .hasValueSatisfying(f -> assertThat(f.since()).isEqualTo(T0.plusSeconds(60)));

        disk.heal();
        journal.append(mode(3, "idle", "autopilot"));

        assertThat(storage.failure()).isEmpty();
        assertThat(journal.read(Instant.EPOCH)).extracting(e -> e.textDetail("to"))
                .as("every entry that was written, and only those").containsExactly("idle", "autopilot");
    }

    @Test
    void aTornLineThatCannotBeTakenBackIsSkippedByTheReaderAndTheNextLineStartsAfresh() {
        Journal journal = journal();
        journal.append(mode(0, "off", "idle"));
        disk.fillLeaving(30).truncateFails();
        journal.append(mode(1, "idle", "recording"));
        assertThat(storage.failure()).isPresent();

        disk.heal();
        journal.append(mode(2, "idle", "autopilot"));

        assertThat(storage.failure()).isEmpty();
        assertThat(journal.read(Instant.EPOCH)).extracting(e -> e.textDetail("to")).containsExactly("idle", "autopilot");
    }

    @Test
    void aLineTornInsideACharacterDoesNotHideTheRestOfTheFile() throws IOException {
        Journal journal = journal();
        journal.append(mode(0, "off", "idle"));
        byte[] accented = "{\"at\":\"2026-11-30T08:01:00Z\",\"type\":\"model_error\",\"details\":{\"reason\":\"mod\u00e8le"
                .getBytes(StandardCharsets.UTF_8);
        Files.write(journal.current(), java.util.Arrays.copyOf(accented, accented.length - 1), StandardOpenOption.APPEND);

        journal.append(mode(2, "idle", "recording"));

        assertThat(journal.read(Instant.EPOCH)).extracting(e -> e.textDetail("to")).containsExactly("idle", "recording");
    }

    @Test
    void aReadOnlyVolumeIsToldWithItsCause() {
        Journal journal = journal();
        disk.readOnly();

        journal.append(mode(0, "off", "idle"));

        assertThat(storage.failure()).hasValueSatisfying(f -> assertThat(f.problem()).isEqualTo("Read-only file system"));
        assertThat(journal.read(Instant.EPOCH)).isEmpty();
    }
}
