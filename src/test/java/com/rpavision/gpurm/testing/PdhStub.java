package com.rpavision.gpurm.testing;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.WString;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Builds {@code src/test/c/pdh_stub.c} into a stand-in for pdh.dll with gcc, once, and drives its counters
 * through the stub's control functions.
 */
public final class PdhStub {

    public static final String ADAPTER_MEMORY = "GPU Adapter Memory";
    public static final String DEDICATED_USAGE = "Dedicated Usage";
    public static final String SHARED_USAGE = "Shared Usage";

    /** The stub's own functions, loaded from the same file as the binding's, so they share its state. */
    public interface Control extends Library {
        void pdhStub_reset();
        void pdhStub_setValue(WString object, WString instance, WString counter, long value);
        void pdhStub_setStatus(WString object, WString instance, WString counter, int status);
        void pdhStub_removeInstance(WString object, WString instance);
        void pdhStub_removeObject(WString object);
        void pdhStub_setCollectResult(int result);
        int pdhStub_openQueries();
        int pdhStub_openCalls();
        int pdhStub_closeCalls();
        int pdhStub_collectCalls();
        int pdhStub_arrayCalls();
        int pdhStub_sizingCalls();
        int pdhStub_wcharSize();
    }

    private static volatile Path built;

    private PdhStub() {
    }

    public static Optional<String> unavailableReason() {
        return CStubs.unavailableReason("PDH");
    }

    public static synchronized Path build() {
        if (built == null) {
            built = CStubs.compile("pdh_stub.c", Path.of("pdh-stub"), "libpdh.so", List.of());
        }
        return built;
    }

    /** A laptop's NVIDIA GPU and its integrated one, as PDH names adapters. */
    public static final String NVIDIA_ADAPTER = "luid_0x00000000_0x0000D1A5_phys_0";
    public static final String INTEGRATED_ADAPTER = "luid_0x00000000_0x0000A18D_phys_0";

    /**
     * Builds the stub, or skips the calling test class (with the reason) where it cannot be built.
     *
     * @return the stub library's path
     */
    public static Path buildOrSkip() {
        String reason = unavailableReason().orElse(null);
        org.junit.jupiter.api.Assumptions.assumeTrue(reason == null, () -> "PDH binding tests skipped: " + reason);
        return build();
    }

    /** Sets one process's usage on an adapter, in bytes (the GPU Process Memory counters). */
    public static void setProcess(Control stub, long pid, String adapter, long dedicatedBytes, long sharedBytes) {
        WString object = new WString("GPU Process Memory");
        WString instance = new WString("pid_" + pid + "_" + adapter);
        stub.pdhStub_setValue(object, instance, new WString(DEDICATED_USAGE), dedicatedBytes);
        stub.pdhStub_setValue(object, instance, new WString(SHARED_USAGE), sharedBytes);
    }

    public static Control control(Path library) {
        return Native.load(library.toString(), Control.class);
    }

    /** Sets an adapter's dedicated and shared usage, in bytes, as the next collect will see them. */
    public static void setAdapter(Control stub, String instance, long dedicatedBytes, long sharedBytes) {
        stub.pdhStub_setValue(new WString(ADAPTER_MEMORY), new WString(instance), new WString(DEDICATED_USAGE),
                dedicatedBytes);
        stub.pdhStub_setValue(new WString(ADAPTER_MEMORY), new WString(instance), new WString(SHARED_USAGE),
                sharedBytes);
    }
}
