package com.rpavision.gpurm.simulator;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class AnswerTest {

    @Test
    void aGeneratedStreamMakesEachPieceOnlyWhenItIsWritten() {
        AtomicInteger made = new AtomicInteger();
        Answer answer = Answer.generated("application/x-ndjson", 2000, i -> {
            made.incrementAndGet();
            return "{\"n\":" + i + "}\n";
        });

        assertThat(made).as("nothing made before the first write").hasValue(0);
        Iterator<byte[]> pieces = answer.pieces().iterator();
        assertThat(new String(pieces.next(), StandardCharsets.UTF_8)).isEqualTo("{\"n\":0}\n");
        assertThat(made).as("the first piece goes out before the others are made").hasValue(1);
        assertThat(answer.streamed()).isTrue();
        assertThat(answer.pieces()).hasSize(2000);
        assertThat(answer.body()).startsWith("{\"n\":0}\n{\"n\":1}\n").endsWith("{\"n\":1999}\n");
    }
}
