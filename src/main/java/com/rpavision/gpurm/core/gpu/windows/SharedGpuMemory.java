package com.rpavision.gpurm.core.gpu.windows;

import com.sun.jna.Native;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Dedicated and shared GPU memory of the managed GPU from Windows' {@code GPU Adapter Memory} performance
 * counters, the figures Task Manager shows. On WDDM the driver can move VRAM allocations into system RAM
 * ("shared GPU memory"); a VLM that spilled there answers far more slowly, which NVML does not show.
 *
 * <p>The query is opened once; each {@link #read} is one PdhCollectQueryData and one formatted array read per
 * counter (the adapter pair, and the per-process pair where the system has it). Nothing here throws to the caller: where PDH or the counters are missing, or a call fails, a read
 * is empty and {@link #unavailableReason()} says why. Thread-safe.
 */
public final class SharedGpuMemory implements AutoCloseable {

    static final String DEDICATED_USAGE = "\\GPU Adapter Memory(*)\\Dedicated Usage";
    static final String SHARED_USAGE = "\\GPU Adapter Memory(*)\\Shared Usage";
    static final String PROCESS_DEDICATED_USAGE = "\\GPU Process Memory(*)\\Dedicated Usage";
    static final String PROCESS_SHARED_USAGE = "\\GPU Process Memory(*)\\Shared Usage";

    private static final Logger LOG = LoggerFactory.getLogger(SharedGpuMemory.class);
    private static final long MIB = 1024L * 1024L;

    private PdhQuery query;
    private final PdhCounter dedicated;
    private final PdhCounter shared;
    private final ProcessCounters processCounters;
    private String unavailableReason;

    /** The per-process pair, or null where the system lacks them: the adapter figures still count. */
    private record ProcessCounters(PdhCounter dedicated, PdhCounter shared) {
    }

    private SharedGpuMemory(PdhQuery query, PdhCounter dedicated, PdhCounter shared, ProcessCounters processCounters,
                            String unavailableReason) {
        this.query = query;
        this.dedicated = dedicated;
        this.shared = shared;
        this.processCounters = processCounters;
        this.unavailableReason = unavailableReason;
    }

    /** Reads pdh.dll on Windows; elsewhere an instance that is never available and says why. */
    public static SharedGpuMemory openForThisPlatform() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")) {
            return unavailable("shared GPU memory is a Windows (WDDM) figure");
        }
        return open("pdh");
    }

    /**
     * Loads the PDH library and adds the adapter counters to a new query.
     *
     * @param libraryPath "pdh" on Windows, or a file such as the tests' stub
     */
    public static SharedGpuMemory open(String libraryPath) {
        PdhLibrary pdh;
        try {
            pdh = Native.load(libraryPath, PdhLibrary.class);
        } catch (UnsatisfiedLinkError e) {
            return unavailable("cannot load " + libraryPath + ": " + e.getMessage());
        }
        PdhQuery query;
        try {
            query = PdhQuery.open(pdh);
        } catch (PdhException e) {
            return unavailable(e.getMessage());
        }
        try {
            PdhCounter dedicated = query.addEnglishCounter(DEDICATED_USAGE);
            PdhCounter shared = query.addEnglishCounter(SHARED_USAGE);
            return new SharedGpuMemory(query, dedicated, shared, processCounters(query), null);
        } catch (PdhException e) {
            query.close();
            // the object comes with WDDM 2.x drivers on Windows 10 1709 and later
            return unavailable(e.getMessage());
        } catch (UnsatisfiedLinkError e) {
            query.close();
            return unavailable(libraryPath + " lacks a PDH function: " + e.getMessage());
        }
    }

    private static ProcessCounters processCounters(PdhQuery query) {
        try {
            return new ProcessCounters(query.addEnglishCounter(PROCESS_DEDICATED_USAGE),
                    query.addEnglishCounter(PROCESS_SHARED_USAGE));
        } catch (PdhException e) {
            LOG.debug("No per-process GPU memory: {}", e.getMessage());
            return null;
        }
    }

    public static SharedGpuMemory unavailable(String reason) {
        LOG.debug("Shared GPU memory not available: {}", reason);
        return new SharedGpuMemory(null, null, null, null, reason);
    }

    /**
     * Samples the counters now and picks the adapter that is the managed GPU.
     *
     * @param nvmlUsedMb the managed GPU's used memory from NVML, which tells its adapter from the others
     * @return the managed GPU's dedicated and shared usage, or empty (see {@link #unavailableReason()})
     */
    public synchronized Optional<SharedMemoryReading> read(long nvmlUsedMb) {
        if (query == null) {
            return Optional.empty();
        }
        Map<String, Long> dedicatedMb;
        Map<String, Long> sharedMb;
        try {
            query.collect();
            dedicatedMb = inMib(dedicated.readLarge());
            sharedMb = inMib(shared.readLarge());
        } catch (PdhException e) {
            return unavailableNow(e.getMessage());
        }
        if (dedicatedMb.isEmpty()) {
            return unavailableNow("no GPU adapter in the GPU Adapter Memory counters");
        }
        Optional<String> adapter = AdapterMatch.closestToNvmlUsed(dedicatedMb, nvmlUsedMb);
        if (adapter.isEmpty()) {
            return unavailableNow("cannot tell which adapter is the NVIDIA GPU: NVML's " + nvmlUsedMb
                    + " MiB used is about as close to more than one adapter's dedicated usage " + dedicatedMb);
        }
        String instance = adapter.get();
        if (!sharedMb.containsKey(instance)) {
            return unavailableNow("no shared usage for adapter " + instance);
        }
        unavailableReason = null;
        return Optional.of(new SharedMemoryReading(dedicatedMb.get(instance), sharedMb.get(instance), instance,
                processes(instance)));
    }

    /** From the same collect as the adapter figures; a failure here costs only the process list. */
    private List<ProcessGpuMemory> processes(String adapterInstance) {
        if (processCounters == null) {
            return List.of();
        }
        try {
            return ProcessInstances.onAdapter(adapterInstance, inMib(processCounters.dedicated().readLarge()),
                    inMib(processCounters.shared().readLarge()));
        } catch (PdhException e) {
            LOG.debug("Cannot read per-process GPU memory: {}", e.getMessage());
            return List.of();
        }
    }

    private Optional<SharedMemoryReading> unavailableNow(String reason) {
        unavailableReason = reason;
        return Optional.empty();
    }

    /** Why the last read (or the opening) gave nothing, or empty after a good read. */
    public synchronized Optional<String> unavailableReason() {
        return Optional.ofNullable(unavailableReason);
    }

    private static Map<String, Long> inMib(Map<String, Long> bytes) {
        Map<String, Long> mib = new LinkedHashMap<>();
        bytes.forEach((instance, value) -> mib.put(instance, value / MIB));
        return mib;
    }

    @Override
    public synchronized void close() {
        if (query != null) {
            query.close();
            query = null;
            unavailableReason = "closed";
        }
    }
}
