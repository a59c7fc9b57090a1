package com.rpavision.gpurm.core.gpu.windows;

import com.sun.jna.Native;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The PDH binding against Windows' own pdh.dll. {@code SharedGpuMemoryTest} runs the same binding against
 * {@code src/test/c/pdh_stub.c}; what the stub assumes about the real library is asserted here, so that where the
 * two differ this fails: the counter objects exist under their English names, a missing object or counter gives the
 * statuses the stub gives, the wildcard array read parses (names and 64-bit values at the stub's struct offsets),
 * adapter instances are named {@code luid_0x..._0x..._phys_N} and per-process ones {@code pid_N_<adapter>}, and the
 * adapters are the ones Windows' own {@code typeperf} lists.
 */
@EnabledOnOs(value = OS.WINDOWS, disabledReason = "pdh.dll exists on Windows only; elsewhere SharedGpuMemoryTest runs"
        + " the same binding against the PDH stub, whose contract this test checks")
class PdhOnWindowsTest {

    /** How the stub names adapters (PdhStub.NVIDIA_ADAPTER) and how AdapterMatch and ProcessInstances expect them. */
    private static final Pattern ADAPTER = Pattern.compile("luid_0x[0-9A-Fa-f]{8}_0x[0-9A-Fa-f]{8}_phys_\\d+");
    private static final Pattern PROCESS = Pattern.compile("pid_(\\d{1,10})_(" + ADAPTER.pattern() + ")");

    private PdhLibrary pdh;
    private PdhQuery query;

    @BeforeEach
    void openARealTimeQuery() throws PdhException {
        pdh = Native.load("pdh", PdhLibrary.class);
        query = PdhQuery.open(pdh);
    }

    @AfterEach
    void close() {
        query.close();
    }

    @Test
    void theAdapterAndProcessMemoryCountersExistUnderTheirEnglishNames() throws PdhException {
        for (String path : new String[]{SharedGpuMemory.DEDICATED_USAGE, SharedGpuMemory.SHARED_USAGE,
                SharedGpuMemory.PROCESS_DEDICATED_USAGE, SharedGpuMemory.PROCESS_SHARED_USAGE}) {
            assertThat(query.addEnglishCounter(path)).as(path).isNotNull();
        }
        query.collect();
    }

    @Test
    void aMissingObjectOrCounterFailsWithTheStatusesTheStubGives() {
        assertThatThrownBy(() -> query.addEnglishCounter("\\GPU Resource Manager No Such Object(*)\\Dedicated Usage"))
                .isInstanceOfSatisfying(PdhException.class,
                        e -> assertThat(e.status()).isEqualTo(PdhLibrary.PDH_CSTATUS_NO_OBJECT));
        assertThatThrownBy(() -> query.addEnglishCounter("\\GPU Adapter Memory(*)\\No Such Counter"))
                .isInstanceOfSatisfying(PdhException.class,
                        e -> assertThat(e.status()).isEqualTo(PdhLibrary.PDH_CSTATUS_NO_COUNTER));
    }

    @Test
    void adapterInstancesParseAndAreTheOnesTypeperfLists() throws Exception {
        PdhCounter dedicated = query.addEnglishCounter(SharedGpuMemory.DEDICATED_USAGE);
        PdhCounter shared = query.addEnglishCounter(SharedGpuMemory.SHARED_USAGE);
        query.collect();
        Map<String, Long> dedicatedBytes = dedicated.readLarge();
        Map<String, Long> sharedBytes = shared.readLarge();

        assertThat(dedicatedBytes.keySet()).as("adapters read through the binding")
                .isEqualTo(typeperfInstances("GPU Adapter Memory"));
        assumeFalse(dedicatedBytes.isEmpty(), "this Windows counts no GPU adapter (no WDDM 2 driver): the names"
                + " and values cannot be checked here");
        assertThat(dedicatedBytes.keySet()).allSatisfy(name -> assertThat(name).matches(ADAPTER));
        assertThat(sharedBytes.keySet()).isEqualTo(dedicatedBytes.keySet());
        assertThat(dedicatedBytes.values()).allSatisfy(bytes -> assertThat(bytes).isNotNegative());
        assertThat(sharedBytes.values()).allSatisfy(bytes -> assertThat(bytes).isNotNegative());
    }

    @Test
    void processInstancesNameAPidAndOneOfTheAdapters() throws Exception {
        PdhCounter adapters = query.addEnglishCounter(SharedGpuMemory.DEDICATED_USAGE);
        PdhCounter processes = query.addEnglishCounter(SharedGpuMemory.PROCESS_DEDICATED_USAGE);
        query.collect();
        Set<String> adapterNames = adapters.readLarge().keySet();
        Map<String, Long> perProcess = processes.readLarge();
        assumeFalse(perProcess.isEmpty(), "no process holds GPU memory on this Windows: nothing to parse");

        assertThat(perProcess.keySet()).allSatisfy(name -> {
            Matcher m = PROCESS.matcher(name);
            assertThat(m.matches()).as("%s is pid_N_<adapter>", name).isTrue();
            assertThat(adapterNames).as("the adapter of %s", name).contains(m.group(2));
        });
        // what the shared-memory reading makes of them: each instance of an adapter becomes one process
        for (String adapter : adapterNames) {
            long onThisAdapter = perProcess.keySet().stream().filter(n -> n.endsWith("_" + adapter)).count();
            assertThat(ProcessInstances.onAdapter(adapter, perProcess, Map.of())).hasSize((int) onThisAdapter);
        }
    }

    @Test
    void thePlatformEntryPointOpensTheRealCounters() {
        try (SharedGpuMemory memory = SharedGpuMemory.openForThisPlatform()) {
            assertThat(memory.unavailableReason()).as("why the counters could not be opened").isEmpty();
            memory.read(0);
            assertThat(memory.unavailableReason().orElse(""))
                    .as("a read after a good collect").doesNotContain("PdhCollectQueryData", "PdhGetFormattedCounterArrayW");
        }
    }

    /**
     * The instances Windows' own tool lists for an object ({@code typeperf -qx}: one line per counter and instance,
     * {@code \Object(instance)\Counter}, behind a machine name on some systems), the binding's independent witness.
     */
    private static Set<String> typeperfInstances(String object) throws IOException, InterruptedException {
        Process typeperf = new ProcessBuilder("typeperf", "-qx", object).redirectErrorStream(true).start();
        String output;
        try (InputStream in = typeperf.getInputStream()) {
            output = new String(in.readAllBytes(), Charset.defaultCharset());
        }
        assertThat(typeperf.waitFor(60, TimeUnit.SECONDS)).as("typeperf ends").isTrue();
        Set<String> instances = new TreeSet<>();
        Matcher m = Pattern.compile("^(?:\\\\\\\\[^\\\\]+)?\\\\" + Pattern.quote(object) + "\\((.+)\\)\\\\", Pattern.MULTILINE).matcher(output);
        while (m.find()) {
            instances.add(m.group(1));
        }
        return instances;
    }
}
