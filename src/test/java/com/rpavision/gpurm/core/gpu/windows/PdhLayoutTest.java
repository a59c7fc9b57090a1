package com.rpavision.gpurm.core.gpu.windows;

import com.sun.jna.Native;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The JNA structures have pdh.h's 64-bit sizes, which pdh_stub.c checks with _Static_assert on the C side. */
class PdhLayoutTest {

    @Test
    void structuresHaveTheirSixtyFourBitSizes() {
        assumeTrue(Native.POINTER_SIZE == 8, "the app is built for 64-bit only");

        assertThat(new PdhLibrary.FmtCounterValue().size()).isEqualTo(16);
        assertThat(new PdhLibrary.FmtCounterValueItemW().size()).isEqualTo(24);
    }
}
