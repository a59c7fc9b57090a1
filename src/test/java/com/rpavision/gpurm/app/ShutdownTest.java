package com.rpavision.gpurm.app;

import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class ShutdownTest {

    @Test
    void theStopRunsOnceWhicheverWayAsksFirst() {
        AtomicInteger stops = new AtomicInteger();
        Runnable shutdown = Shutdown.once(stops::incrementAndGet);

        shutdown.run(); // Quit in the window
        shutdown.run(); // then the JVM's shutdown hook

        assertThat(stops).hasValue(1);
    }
}
