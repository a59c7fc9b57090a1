package com.rpavision.gpurm.app;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** The wait of a restarted instance, against real processes. */
class PreviousInstanceTest {

    private static Process tinyJava(String seconds) throws Exception {
        String launcher = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // A single-file source program: sleeps, then ends.
        Path source = Files.createTempFile("sleeper", ".java");
        Files.writeString(source,
                "class Sleeper { public static void main(String[] a) throws Exception { Thread.sleep(Long.parseLong(a[0]) * 1000); } }");
        source.toFile().deleteOnExit();
        return new ProcessBuilder(launcher, source.toString(), seconds).inheritIO().start();
    }

    @Test
    void returnsOnceTheProcessHasEnded() throws Exception {
        Process previous = tinyJava("1");

        PreviousInstance.Outcome outcome = PreviousInstance.awaitExit(previous.pid(), Duration.ofSeconds(60));

        assertThat(outcome).isEqualTo(PreviousInstance.Outcome.ENDED);
        assertThat(previous.isAlive()).isFalse();
    }

    @Test
    void givesUpOnAProcessThatOutlivesTheLimit() throws Exception {
        Process previous = tinyJava("60");
        try {
            assertThat(PreviousInstance.awaitExit(previous.pid(), Duration.ofMillis(200)))
                    .isEqualTo(PreviousInstance.Outcome.STILL_RUNNING);
            assertThat(previous.isAlive()).isTrue();
        } finally {
            previous.destroyForcibly().waitFor();
        }
    }

    @Test
    void aProcessAlreadyGoneIsNotWaitedFor() throws Exception {
        Process gone = tinyJava("0");
        gone.waitFor();

        assertThat(PreviousInstance.awaitExit(gone.pid(), Duration.ofSeconds(60))).isEqualTo(PreviousInstance.Outcome.NOT_RUNNING);
    }
}
