package com.rpavision.gpurm.core.gpu.windows;

import com.rpavision.gpurm.testing.PdhStub;
import com.sun.jna.Native;
import com.sun.jna.WString;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The PDH binding's wildcard-counter reads against a stub pdh built from C with PDH's real signatures. */
class PdhCounterTest {

    private static final String DEDICATED_USAGE = "\\GPU Adapter Memory(*)\\Dedicated Usage";
    private static final String SHARED_USAGE = "\\GPU Adapter Memory(*)\\Shared Usage";

    private static PdhLibrary pdh;
    private static PdhStub.Control stub;

    @BeforeAll
    static void buildStub() {
        String library = PdhStub.buildOrSkip().toString();
        pdh = Native.load(library, PdhLibrary.class);
        stub = PdhStub.control(PdhStub.build());
    }

    @BeforeEach
    void reset() {
        stub.pdhStub_reset();
    }

    @Test
    void readsEveryInstanceWithItsNameAndSixtyFourBitValue() throws Exception {
        assertThat(stub.pdhStub_wcharSize()).as("wchar_t on Linux, which WString must match").isEqualTo(4);
        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("luid_0x00000000_0x0000D1A5_phys_0", 11_811_160_064L);
        expected.put("luid_0x00000000_0x0000A18D_phys_0", 0L);
        expected.put("luid_0x00000000_0x00010F2C_phys_0", 5_000_000_000_000L); // beyond 32 bits
        expected.forEach((instance, value) -> PdhStub.setAdapter(stub, instance, value, 0));

        try (PdhQuery query = PdhQuery.open(pdh)) {
            PdhCounter dedicated = query.addEnglishCounter(DEDICATED_USAGE);
            query.collect();

            assertThat(dedicated.readLarge()).containsExactlyEntriesOf(expected);
        }
    }

    @Test
    void sizesTheBufferWithTwoCallsOnceAndThenReadsInOneCall() throws Exception {
        for (int i = 0; i < 3; i++) {
            PdhStub.setAdapter(stub, "luid_0x00000000_0x0000000" + i + "_phys_0", i * 1_000L, 0);
        }
        try (PdhQuery query = PdhQuery.open(pdh)) {
            PdhCounter dedicated = query.addEnglishCounter(DEDICATED_USAGE);
            query.collect();
            assertThat(dedicated.readLarge()).hasSize(3);
            assertThat(stub.pdhStub_sizingCalls()).isEqualTo(1);
            assertThat(stub.pdhStub_arrayCalls()).isEqualTo(2);

            query.collect();
            assertThat(dedicated.readLarge()).hasSize(3);
            assertThat(stub.pdhStub_sizingCalls()).isEqualTo(1);
            assertThat(stub.pdhStub_arrayCalls()).isEqualTo(3);
        }
    }

    @Test
    void sizesAgainWhenNewInstancesNoLongerFitTheKeptBuffer() throws Exception {
        PdhStub.setAdapter(stub, "luid_0x00000000_0x00000001_phys_0", 1L, 0);
        try (PdhQuery query = PdhQuery.open(pdh)) {
            PdhCounter dedicated = query.addEnglishCounter(DEDICATED_USAGE);
            query.collect();
            assertThat(dedicated.readLarge()).hasSize(1);

            Map<String, Long> expected = new LinkedHashMap<>();
            expected.put("luid_0x00000000_0x00000001_phys_0", 1L);
            for (int i = 2; i <= 6; i++) {
                String longName = "luid_0x00000000_0x0000000" + i + "_phys_0_" + "x".repeat(60);
                expected.put(longName, (long) i << 33);
                PdhStub.setAdapter(stub, longName, (long) i << 33, 0);
            }
            query.collect();

            assertThat(dedicated.readLarge()).containsExactlyEntriesOf(expected);
            assertThat(stub.pdhStub_sizingCalls()).isEqualTo(2);
        }
    }

    @Test
    void valuesAreThoseOfTheLastCollect() throws Exception {
        PdhStub.setAdapter(stub, "luid_a", 100L, 0);
        try (PdhQuery query = PdhQuery.open(pdh)) {
            PdhCounter dedicated = query.addEnglishCounter(DEDICATED_USAGE);
            query.collect();
            PdhStub.setAdapter(stub, "luid_a", 200L, 0);
            assertThat(dedicated.readLarge()).containsEntry("luid_a", 100L);

            query.collect();
            assertThat(dedicated.readLarge()).containsEntry("luid_a", 200L);
        }
    }

    @Test
    void leavesOutInstancesWhoseStatusIsNotValid() throws Exception {
        PdhStub.setAdapter(stub, "luid_good", 100L, 0);
        PdhStub.setAdapter(stub, "luid_bad", 200L, 0);
        stub.pdhStub_setStatus(new WString(PdhStub.ADAPTER_MEMORY), new WString("luid_bad"),
                new WString(PdhStub.DEDICATED_USAGE), PdhLibrary.PDH_CSTATUS_INVALID_DATA);
        try (PdhQuery query = PdhQuery.open(pdh)) {
            PdhCounter dedicated = query.addEnglishCounter(DEDICATED_USAGE);
            query.collect();

            assertThat(dedicated.readLarge()).containsExactly(Map.entry("luid_good", 100L));
        }
    }

    @Test
    void noInstancesIsAnEmptyMap() throws Exception {
        try (PdhQuery query = PdhQuery.open(pdh)) {
            PdhCounter dedicated = query.addEnglishCounter(DEDICATED_USAGE);
            query.collect();

            assertThat(dedicated.readLarge()).isEmpty();
        }
    }

    @Test
    void aMissingObjectOrCounterIsRefusedWithItsStatus() throws Exception {
        try (PdhQuery query = PdhQuery.open(pdh)) {
            assertThatThrownBy(() -> query.addEnglishCounter("\\GPU Adapter Memory(*)\\Spilled Usage"))
                    .isInstanceOf(PdhException.class)
                    .hasMessageContaining("PDH_CSTATUS_NO_COUNTER").hasMessageContaining("0xC0000BB9");
            stub.pdhStub_removeObject(new WString(PdhStub.ADAPTER_MEMORY));
            assertThatThrownBy(() -> query.addEnglishCounter(SHARED_USAGE))
                    .isInstanceOf(PdhException.class)
                    .hasMessageContaining("\\GPU Adapter Memory(*)\\Shared Usage")
                    .hasMessageContaining("PDH_CSTATUS_NO_OBJECT").hasMessageContaining("0xC0000BB8");
        }
    }

    @Test
    void readingBeforeAnyCollectFails() throws Exception {
        try (PdhQuery query = PdhQuery.open(pdh)) {
            PdhCounter dedicated = query.addEnglishCounter(DEDICATED_USAGE);

            assertThatThrownBy(dedicated::readLarge).isInstanceOf(PdhException.class)
                    .hasMessageContaining("PDH_NO_DATA (0x800007D5)");
        }
    }
}
