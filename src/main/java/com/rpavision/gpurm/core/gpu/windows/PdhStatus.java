package com.rpavision.gpurm.core.gpu.windows;

import java.util.Map;

/** Names for the PDH status codes this package can meet (pdhmsg.h), for messages an operator or support reads. */
final class PdhStatus {

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(PdhLibrary.ERROR_SUCCESS, "ERROR_SUCCESS"),
            Map.entry(PdhLibrary.PDH_MORE_DATA, "PDH_MORE_DATA"),
            Map.entry(PdhLibrary.PDH_NO_DATA, "PDH_NO_DATA"),
            Map.entry(PdhLibrary.PDH_CSTATUS_NO_OBJECT, "PDH_CSTATUS_NO_OBJECT, the counter object is not on this system"),
            Map.entry(PdhLibrary.PDH_CSTATUS_NO_COUNTER, "PDH_CSTATUS_NO_COUNTER, the counter is not on this system"),
            Map.entry(PdhLibrary.PDH_CSTATUS_INVALID_DATA, "PDH_CSTATUS_INVALID_DATA"),
            Map.entry(PdhLibrary.PDH_MEMORY_ALLOCATION_FAILURE, "PDH_MEMORY_ALLOCATION_FAILURE"),
            Map.entry(PdhLibrary.PDH_INVALID_HANDLE, "PDH_INVALID_HANDLE"),
            Map.entry(PdhLibrary.PDH_INVALID_ARGUMENT, "PDH_INVALID_ARGUMENT"),
            Map.entry(PdhLibrary.PDH_CSTATUS_BAD_COUNTERNAME, "PDH_CSTATUS_BAD_COUNTERNAME"),
            Map.entry(PdhLibrary.PDH_INSUFFICIENT_BUFFER, "PDH_INSUFFICIENT_BUFFER"),
            Map.entry(PdhLibrary.PDH_INVALID_DATA, "PDH_INVALID_DATA"));

    private PdhStatus() {
    }

    /** For example "PDH_NO_DATA (0x800007D5)"; a code not listed shows as its number only. */
    static String describe(int status) {
        String hex = String.format("0x%08X", status);
        String name = NAMES.get(status);
        return name == null ? "PDH status " + hex : name + " (" + hex + ")";
    }
}
