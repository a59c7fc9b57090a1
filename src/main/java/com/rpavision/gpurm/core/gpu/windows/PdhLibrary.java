package com.rpavision.gpurm.core.gpu.windows;

import com.sun.jna.Library;
import com.sun.jna.Pointer;
import com.sun.jna.Structure;
import com.sun.jna.Union;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.BaseTSD;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.PointerByReference;

/**
 * The part of Windows' Performance Data Helper (pdh.dll) we call, with the real signatures and struct layouts
 * (pdh.h, pdhmsg.h). The wide-character ("W") functions are named explicitly, so no function mapper is needed;
 * {@link WString} passes the platform's wchar_t, which is what pdh.dll reads on Windows and what the Linux
 * test stub reads there. The app is x86-64 only, where Windows has a single calling convention, so this is a
 * plain {@link Library} rather than a StdCallLibrary.
 */
public interface PdhLibrary extends Library {

    int ERROR_SUCCESS = 0;
    int PDH_CSTATUS_VALID_DATA = 0;
    int PDH_CSTATUS_NEW_DATA = 1;
    int PDH_MORE_DATA = 0x800007D2;
    int PDH_NO_DATA = 0x800007D5;
    int PDH_CSTATUS_NO_OBJECT = 0xC0000BB8;
    int PDH_CSTATUS_NO_COUNTER = 0xC0000BB9;
    int PDH_CSTATUS_INVALID_DATA = 0xC0000BBA;
    int PDH_MEMORY_ALLOCATION_FAILURE = 0xC0000BBB;
    int PDH_INVALID_HANDLE = 0xC0000BBC;
    int PDH_INVALID_ARGUMENT = 0xC0000BBD;
    int PDH_CSTATUS_BAD_COUNTERNAME = 0xC0000BC0;
    int PDH_INSUFFICIENT_BUFFER = 0xC0000BC2;
    int PDH_INVALID_DATA = 0xC0000BC6;

    /** dwFormat: the value as a 64-bit integer (FmtValue's largeValue). */
    int PDH_FMT_LARGE = 0x00000400;

    /** {@code PDH_STATUS PdhOpenQueryW(LPCWSTR szDataSource, DWORD_PTR dwUserData, PDH_HQUERY *phQuery)}; a null source means real-time data. */
    int PdhOpenQueryW(WString dataSource, BaseTSD.DWORD_PTR userData, PointerByReference query);

    /** {@code PDH_STATUS PdhAddEnglishCounterW(PDH_HQUERY, LPCWSTR szFullCounterPath, DWORD_PTR, PDH_HCOUNTER *)}: the path in English whatever the system's language. */
    int PdhAddEnglishCounterW(Pointer query, WString fullCounterPath, BaseTSD.DWORD_PTR userData,
                              PointerByReference counter);

    /** {@code PDH_STATUS PdhCollectQueryData(PDH_HQUERY)}. */
    int PdhCollectQueryData(Pointer query);

    /**
     * {@code PDH_STATUS PdhGetFormattedCounterArrayW(PDH_HCOUNTER, DWORD dwFormat, LPDWORD lpdwBufferSize,
     * LPDWORD lpdwItemCount, PPDH_FMT_COUNTERVALUE_ITEM_W ItemBuffer)}. The buffer holds the items and, after
     * them, the instance names they point to, so it is raw memory of {@code *lpdwBufferSize} bytes rather
     * than an array of structures. With a size of 0 and a null buffer it answers {@link #PDH_MORE_DATA} and the
     * size needed.
     */
    int PdhGetFormattedCounterArrayW(Pointer counter, int format, IntByReference bufferSize,
                                     IntByReference itemCount, Pointer itemBuffer);

    /** {@code PDH_STATUS PdhCloseQuery(PDH_HQUERY)}: also frees the query's counters. */
    int PdhCloseQuery(Pointer query);

    /** {@code PDH_FMT_COUNTERVALUE}: {DWORD CStatus; union {...}}; 16 bytes on 64-bit (the union is 8-byte aligned). */
    @Structure.FieldOrder({"CStatus", "value"})
    class FmtCounterValue extends Structure {
        public int CStatus;
        public Value value;
    }

    /** The value union of {@code PDH_FMT_COUNTERVALUE}; which member is set follows dwFormat. */
    class Value extends Union {
        public int longValue;
        public double doubleValue;
        public long largeValue;
        public Pointer AnsiStringValue;
        public Pointer WideStringValue;
    }

    /** {@code PDH_FMT_COUNTERVALUE_ITEM_W}: {LPWSTR szName; PDH_FMT_COUNTERVALUE FmtValue}; 24 bytes on 64-bit. */
    @Structure.FieldOrder({"szName", "FmtValue"})
    class FmtCounterValueItemW extends Structure {
        public Pointer szName;
        public FmtCounterValue FmtValue;

        public FmtCounterValueItemW() {
        }

        /** The item at {@code memory}, read at once. */
        public FmtCounterValueItemW(Pointer memory) {
            super(memory);
            read();
        }
    }
}
