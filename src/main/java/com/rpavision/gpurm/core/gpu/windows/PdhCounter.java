package com.rpavision.gpurm.core.gpu.windows;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A wildcard counter ({@code \Object(*)\Counter}) of a {@link PdhQuery}, read as one 64-bit value per instance.
 * The item buffer is kept between reads, so once it is large enough a read is one PdhGetFormattedCounterArrayW
 * call; when instances appear and it is too small, the read sizes it again with the documented two-call pattern.
 */
final class PdhCounter {

    /** Sizing again can race with instances appearing; a few rounds settle it. */
    private static final int SIZING_ROUNDS = 3;

    private final PdhLibrary pdh;
    private final Pointer handle;
    private final String path;
    private Memory buffer;

    PdhCounter(PdhLibrary pdh, Pointer handle, String path) {
        this.pdh = pdh;
        this.handle = handle;
        this.path = path;
    }

    /** Instance name to value, from the query's last collect; instances whose status is not valid are left out. */
    Map<String, Long> readLarge() throws PdhException {
        IntByReference size = new IntByReference();
        IntByReference count = new IntByReference();
        if (buffer != null) {
            size.setValue(bufferSize());
            int status = call(size, count, buffer);
            if (status == PdhLibrary.ERROR_SUCCESS) {
                return items(count.getValue());
            }
            // PDH_MORE_DATA, or PDH_INVALID_ARGUMENT on some releases: the returned size is not to be trusted
            if (status != PdhLibrary.PDH_MORE_DATA && status != PdhLibrary.PDH_INVALID_ARGUMENT) {
                throw failure(status);
            }
        }
        for (int round = 0; round < SIZING_ROUNDS; round++) {
            size.setValue(0);
            int status = call(size, count, null);
            if (status == PdhLibrary.ERROR_SUCCESS || status == PdhLibrary.PDH_MORE_DATA && size.getValue() <= 0) {
                return Map.of(); // nothing to size: no instances
            }
            if (status != PdhLibrary.PDH_MORE_DATA) {
                throw failure(status);
            }
            buffer = new Memory(size.getValue());
            status = call(size, count, buffer);
            if (status == PdhLibrary.ERROR_SUCCESS) {
                return items(count.getValue());
            }
            if (status != PdhLibrary.PDH_MORE_DATA) {
                throw failure(status);
            }
        }
        throw failure(PdhLibrary.PDH_MORE_DATA);
    }

    private int call(IntByReference size, IntByReference count, Pointer items) {
        return pdh.PdhGetFormattedCounterArrayW(handle, PdhLibrary.PDH_FMT_LARGE, size, count, items);
    }

    private int bufferSize() {
        return (int) Math.min(Integer.MAX_VALUE, buffer.size());
    }

    private Map<String, Long> items(int count) {
        Map<String, Long> values = new LinkedHashMap<>();
        int itemSize = new PdhLibrary.FmtCounterValueItemW().size();
        for (int i = 0; i < count; i++) {
            PdhLibrary.FmtCounterValueItemW item = new PdhLibrary.FmtCounterValueItemW(buffer.share((long) i * itemSize));
            int status = item.FmtValue.CStatus;
            if ((status == PdhLibrary.PDH_CSTATUS_VALID_DATA || status == PdhLibrary.PDH_CSTATUS_NEW_DATA)
                    && item.szName != null) {
                values.put(item.szName.getWideString(0), item.FmtValue.value.largeValue);
            }
        }
        return values;
    }

    private PdhException failure(int status) {
        return new PdhException("PdhGetFormattedCounterArrayW " + path, status);
    }
}
