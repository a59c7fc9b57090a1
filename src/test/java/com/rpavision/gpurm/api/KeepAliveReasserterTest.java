package com.rpavision.gpurm.api;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

class KeepAliveReasserterTest {

    private final List<CompletableFuture<Boolean>> sent = new ArrayList<>();
    private final KeepAliveReasserter reasserter = new KeepAliveReasserter(() -> {
        CompletableFuture<Boolean> f = new CompletableFuture<>();
        sent.add(f);
        return f;
    });

    @Test
    void aBurstCostsOneNowAndOneAfterItNotOneEach() {
        reasserter.requestEnded();
        assertThat(sent).hasSize(1);
        for (int i = 0; i < 10; i++) {
            reasserter.requestEnded(); // while the first is in flight
        }
        assertThat(sent).hasSize(1);
        sent.get(0).complete(true);
        assertThat(sent).as("one more, started after the last request ended").hasSize(2);
        sent.get(1).complete(true);
        assertThat(sent).hasSize(2);
    }

    @Test
    void aFailedReassertionDoesNotStopTheNext() {
        reasserter.requestEnded();
        sent.get(0).completeExceptionally(new IllegalStateException("queue closed"));
        reasserter.requestEnded();
        assertThat(sent).hasSize(2);
    }
}
