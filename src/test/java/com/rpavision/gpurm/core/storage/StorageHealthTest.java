package com.rpavision.gpurm.core.storage;

import com.rpavision.gpurm.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class StorageHealthTest {

    private static final Instant T0 = Instant.parse("2026-11-30T08:00:00Z");
    private final MutableClock clock = new MutableClock(T0);
    private final StorageHealth storage = new StorageHealth(clock);
    private final AtomicInteger heard = new AtomicInteger();
    private final Path journal = Path.of("/data/journal/journal.jsonl");
    private final Path api = Path.of("/data/api.json");

    StorageHealthTest() {
        storage.onChange(heard::incrementAndGet);
    }

    @Test
    void theFirstFailureInForceIsKeptUntilEveryFailedFileIsWrittenAgain() {
        storage.failed(journal, new IOException("No space left on device"));
        clock.advance(Duration.ofSeconds(5));
        storage.failed(api, new AccessDeniedException(api.toString()));

        assertThat(storage.failure()).hasValue(new StorageHealth.Failure(journal, "No space left on device", T0));
        storage.wrote(journal);
        assertThat(storage.failure()).hasValue(new StorageHealth.Failure(api, "permission denied", T0.plusSeconds(5)));
        storage.wrote(api);
        assertThat(storage.failure()).isEmpty();
        assertThat(heard).as("new, other, none").hasValue(3);
    }

    @Test
    void aRepeatedFailureIsNotHeardAgainAndKeepsItsStart() {
        storage.failed(journal, new IOException("No space left on device"));
        clock.advance(Duration.ofMinutes(1));
        storage.failed(journal, new IOException("No space left on device"));
        storage.wrote(api); // never failed: nothing to end

        assertThat(storage.failure()).hasValueSatisfying(f -> assertThat(f.since()).isEqualTo(T0));
        assertThat(heard).hasValue(1);
    }

    @Test
    void theCauseIsTheOperatingSystemsWordsAndNamesTheFolderWhereItStruck() {
        storage.failed(journal, new FileSystemException("/data/journal", null, "Read-only file system"));

        assertThat(storage.failure()).hasValueSatisfying(f ->
                assertThat(f.problem()).isEqualTo("Read-only file system (/data/journal)"));
    }

    @Test
    void aWriteRunThroughItIsToldEitherWay() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> storage.write(api, () -> {
            throw new IOException("No space left on device");
        })).hasMessage("No space left on device");
        assertThat(storage.failure()).isPresent();

        org.assertj.core.api.Assertions.assertThatCode(() -> storage.write(api, () -> { })).doesNotThrowAnyException();
        assertThat(storage.failure()).isEmpty();
    }
}
