package com.rpavision.gpurm.core.gpu.windows;

import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.BaseTSD;
import com.sun.jna.ptr.PointerByReference;

/** One real-time PDH query handle; not thread-safe (its owner serializes calls). */
final class PdhQuery implements AutoCloseable {

    private static final BaseTSD.DWORD_PTR NO_USER_DATA = new BaseTSD.DWORD_PTR(0);

    private final PdhLibrary pdh;
    private Pointer handle;

    private PdhQuery(PdhLibrary pdh, Pointer handle) {
        this.pdh = pdh;
        this.handle = handle;
    }

    static PdhQuery open(PdhLibrary pdh) throws PdhException {
        PointerByReference query = new PointerByReference();
        int status = pdh.PdhOpenQueryW(null, NO_USER_DATA, query);
        if (status != PdhLibrary.ERROR_SUCCESS) {
            throw new PdhException("PdhOpenQueryW", status);
        }
        return new PdhQuery(pdh, query.getValue());
    }

    /** @param englishPath such as {@code \GPU Adapter Memory(*)\Shared Usage}, in English on any Windows language */
    PdhCounter addEnglishCounter(String englishPath) throws PdhException {
        PointerByReference counter = new PointerByReference();
        int status = pdh.PdhAddEnglishCounterW(handle, new WString(englishPath), NO_USER_DATA, counter);
        if (status != PdhLibrary.ERROR_SUCCESS) {
            throw new PdhException("PdhAddEnglishCounterW " + englishPath, status);
        }
        return new PdhCounter(pdh, counter.getValue(), englishPath);
    }

    /** Takes a new sample of every counter in the query; the counters' reads then see it. */
    void collect() throws PdhException {
        int status = pdh.PdhCollectQueryData(handle);
        if (status != PdhLibrary.ERROR_SUCCESS) {
            throw new PdhException("PdhCollectQueryData", status);
        }
    }

    @Override
    public void close() {
        if (handle != null) {
            pdh.PdhCloseQuery(handle);
            handle = null;
        }
    }
}
