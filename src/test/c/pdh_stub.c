/*
 * A stand-in for Windows' pdh.dll with the real signatures and struct layouts of the calls the app makes
 * (pdh.h, pdhmsg.h), compiled by the tests as a Linux shared library. wchar_t is 4 bytes here and 2 on
 * Windows; the Java binding passes and reads the platform's wchar_t, so the same binding meets both.
 *
 * Its counters are set through the pdhStub_* functions, which the real library does not have: values per
 * (object, instance, counter), an object that is missing (as on Windows before 10 1709), and the status the
 * next collects return, and the CStatus of one value. Like real PDH, a read returns the values of the last PdhCollectQueryData, not the
 * current ones, and PdhGetFormattedCounterArrayW lays out the items and then their names in the one caller
 * buffer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

typedef int32_t PDH_STATUS; /* LONG, which is 32 bits on Windows */
typedef uint32_t DWORD;
typedef uintptr_t DWORD_PTR;
typedef void *PDH_HQUERY;
typedef void *PDH_HCOUNTER;

#define ERROR_SUCCESS 0
#define PDH_CSTATUS_VALID_DATA 0x00000000
#define PDH_CSTATUS_NEW_DATA 0x00000001
#define PDH_MORE_DATA ((PDH_STATUS) 0x800007D2u)
#define PDH_NO_DATA ((PDH_STATUS) 0x800007D5u)
#define PDH_CSTATUS_NO_OBJECT ((PDH_STATUS) 0xC0000BB8u)
#define PDH_CSTATUS_NO_COUNTER ((PDH_STATUS) 0xC0000BB9u)
#define PDH_INVALID_HANDLE ((PDH_STATUS) 0xC0000BBCu)
#define PDH_INVALID_ARGUMENT ((PDH_STATUS) 0xC0000BBDu)
#define PDH_CSTATUS_BAD_COUNTERNAME ((PDH_STATUS) 0xC0000BC0u)

#define PDH_FMT_LARGE 0x00000400

typedef struct _PDH_FMT_COUNTERVALUE {
    DWORD CStatus;
    union {
        int32_t longValue;
        double doubleValue;
        int64_t largeValue;
        const char *AnsiStringValue;
        const wchar_t *WideStringValue;
    };
} PDH_FMT_COUNTERVALUE;

typedef struct _PDH_FMT_COUNTERVALUE_ITEM_W {
    wchar_t *szName;
    PDH_FMT_COUNTERVALUE FmtValue;
} PDH_FMT_COUNTERVALUE_ITEM_W;

_Static_assert(sizeof(void *) == 8, "the stub stands for 64-bit pdh.dll");
_Static_assert(offsetof(PDH_FMT_COUNTERVALUE, largeValue) == 8, "the value union is 8-byte aligned");
_Static_assert(sizeof(PDH_FMT_COUNTERVALUE) == 16, "PDH_FMT_COUNTERVALUE is 16 bytes on 64-bit");
_Static_assert(offsetof(PDH_FMT_COUNTERVALUE_ITEM_W, FmtValue) == 8, "FmtValue follows the name pointer");
_Static_assert(sizeof(PDH_FMT_COUNTERVALUE_ITEM_W) == 24, "PDH_FMT_COUNTERVALUE_ITEM_W is 24 bytes on 64-bit");

#define NAME_LENGTH 128
#define MAX_VALUES 64
#define MAX_COUNTERS 16
#define MAX_MISSING 4

struct stub_value {
    wchar_t object[NAME_LENGTH];
    wchar_t instance[NAME_LENGTH];
    wchar_t counter[NAME_LENGTH];
    long long value;
    DWORD status;
};

struct stub_sample {
    wchar_t instance[NAME_LENGTH];
    long long value;
    DWORD status;
};

struct stub_counter {
    int in_use;
    void *query;
    wchar_t object[NAME_LENGTH];
    wchar_t counter[NAME_LENGTH];
    int collected;
    unsigned int sample_count;
    struct stub_sample samples[MAX_VALUES];
};

static int query_token; /* the stub has one query at a time: its handle is this variable's address */
static int query_open;
static struct stub_value values[MAX_VALUES];
static unsigned int value_count;
static struct stub_counter counters[MAX_COUNTERS];
static wchar_t missing_objects[MAX_MISSING][NAME_LENGTH];
static unsigned int missing_count;
static PDH_STATUS collect_result;
static int open_calls, close_calls, collect_calls, array_calls, sizing_calls;

static int is_missing(const wchar_t *object) {
    for (unsigned int i = 0; i < missing_count; i++) {
        if (wcscmp(missing_objects[i], object) == 0) {
            return 1;
        }
    }
    return 0;
}

static int is_known_counter(const wchar_t *counter) {
    return wcscmp(counter, L"Dedicated Usage") == 0 || wcscmp(counter, L"Shared Usage") == 0
           || wcscmp(counter, L"Total Committed") == 0;
}

static int is_known_object(const wchar_t *object) {
    return wcscmp(object, L"GPU Adapter Memory") == 0 || wcscmp(object, L"GPU Process Memory") == 0;
}

PDH_STATUS PdhOpenQueryW(const wchar_t *szDataSource, DWORD_PTR dwUserData, PDH_HQUERY *phQuery) {
    (void) dwUserData;
    open_calls++;
    if (szDataSource != NULL || phQuery == NULL) {
        return PDH_INVALID_ARGUMENT; /* the stub only does real-time queries */
    }
    if (query_open) {
        return PDH_INVALID_ARGUMENT;
    }
    query_open = 1;
    *phQuery = &query_token;
    return ERROR_SUCCESS;
}

/* Takes "\Object(*)\Counter", the wildcard form the app uses; anything else is a bad name to the stub. */
PDH_STATUS PdhAddEnglishCounterW(PDH_HQUERY hQuery, const wchar_t *szFullCounterPath, DWORD_PTR dwUserData,
                                 PDH_HCOUNTER *phCounter) {
    (void) dwUserData;
    if (hQuery != &query_token || !query_open) {
        return PDH_INVALID_HANDLE;
    }
    const wchar_t *paren = wcschr(szFullCounterPath, L'(');
    const wchar_t *wildcard = wcsstr(szFullCounterPath, L"(*)\\");
    if (szFullCounterPath[0] != L'\\' || paren == NULL || wildcard != paren) {
        return PDH_CSTATUS_BAD_COUNTERNAME;
    }
    size_t object_length = (size_t) (paren - szFullCounterPath - 1);
    const wchar_t *counter_name = wildcard + 4;
    if (object_length == 0 || object_length >= NAME_LENGTH || wcslen(counter_name) >= NAME_LENGTH) {
        return PDH_CSTATUS_BAD_COUNTERNAME;
    }
    wchar_t object[NAME_LENGTH];
    wmemcpy(object, szFullCounterPath + 1, object_length);
    object[object_length] = 0;
    if (!is_known_object(object) || is_missing(object)) {
        return PDH_CSTATUS_NO_OBJECT;
    }
    if (!is_known_counter(counter_name)) {
        return PDH_CSTATUS_NO_COUNTER;
    }
    for (int i = 0; i < MAX_COUNTERS; i++) {
        struct stub_counter *c = &counters[i];
        if (!c->in_use) {
            memset(c, 0, sizeof(*c));
            c->in_use = 1;
            c->query = hQuery;
            wcscpy(c->object, object);
            wcscpy(c->counter, counter_name);
            *phCounter = c;
            return ERROR_SUCCESS;
        }
    }
    return PDH_INVALID_ARGUMENT;
}

PDH_STATUS PdhCollectQueryData(PDH_HQUERY hQuery) {
    if (hQuery != &query_token || !query_open) {
        return PDH_INVALID_HANDLE;
    }
    collect_calls++;
    if (collect_result != ERROR_SUCCESS) {
        return collect_result;
    }
    for (int i = 0; i < MAX_COUNTERS; i++) {
        struct stub_counter *c = &counters[i];
        if (!c->in_use) {
            continue;
        }
        c->collected = 1;
        c->sample_count = 0;
        for (unsigned int v = 0; v < value_count; v++) {
            if (wcscmp(values[v].object, c->object) == 0 && wcscmp(values[v].counter, c->counter) == 0) {
                struct stub_sample *s = &c->samples[c->sample_count++];
                wcscpy(s->instance, values[v].instance);
                s->value = values[v].value;
                s->status = values[v].status;
            }
        }
    }
    return ERROR_SUCCESS;
}

static struct stub_counter *counter_of(PDH_HCOUNTER hCounter) {
    for (int i = 0; i < MAX_COUNTERS; i++) {
        if (hCounter == &counters[i] && counters[i].in_use) {
            return &counters[i];
        }
    }
    return NULL;
}

PDH_STATUS PdhGetFormattedCounterArrayW(PDH_HCOUNTER hCounter, DWORD dwFormat, DWORD *lpdwBufferSize,
                                        DWORD *lpdwItemCount, PDH_FMT_COUNTERVALUE_ITEM_W *ItemBuffer) {
    struct stub_counter *c = counter_of(hCounter);
    if (c == NULL) {
        return PDH_INVALID_HANDLE;
    }
    if (lpdwBufferSize == NULL || lpdwItemCount == NULL || (dwFormat & PDH_FMT_LARGE) == 0) {
        return PDH_INVALID_ARGUMENT; /* the stub formats 64-bit integers only */
    }
    array_calls++;
    if (!c->collected) {
        return PDH_NO_DATA; /* the stub's choice for a counter never collected */
    }
    size_t needed = c->sample_count * sizeof(PDH_FMT_COUNTERVALUE_ITEM_W);
    for (unsigned int i = 0; i < c->sample_count; i++) {
        needed += (wcslen(c->samples[i].instance) + 1) * sizeof(wchar_t);
    }
    if (c->sample_count == 0) {
        *lpdwBufferSize = 0; /* the stub's choice for no instances: success, with nothing */
        *lpdwItemCount = 0;
        return ERROR_SUCCESS;
    }
    if (*lpdwBufferSize < needed || ItemBuffer == NULL) {
        if (*lpdwBufferSize == 0) {
            sizing_calls++;
        }
        *lpdwBufferSize = (DWORD) needed;
        return PDH_MORE_DATA;
    }
    wchar_t *names = (wchar_t *) (ItemBuffer + c->sample_count);
    for (unsigned int i = 0; i < c->sample_count; i++) {
        size_t length = wcslen(c->samples[i].instance) + 1;
        wmemcpy(names, c->samples[i].instance, length);
        ItemBuffer[i].szName = names;
        ItemBuffer[i].FmtValue.CStatus = c->samples[i].status;
        ItemBuffer[i].FmtValue.largeValue = c->samples[i].value;
        names += length;
    }
    *lpdwBufferSize = (DWORD) needed;
    *lpdwItemCount = c->sample_count;
    return ERROR_SUCCESS;
}

PDH_STATUS PdhCloseQuery(PDH_HQUERY hQuery) {
    if (hQuery != &query_token || !query_open) {
        return PDH_INVALID_HANDLE;
    }
    close_calls++;
    query_open = 0;
    for (int i = 0; i < MAX_COUNTERS; i++) {
        counters[i].in_use = 0;
    }
    return ERROR_SUCCESS;
}

/* ---- control functions for the tests ---- */

void pdhStub_reset(void) {
    memset(values, 0, sizeof(values));
    value_count = 0;
    memset(counters, 0, sizeof(counters));
    missing_count = 0;
    collect_result = ERROR_SUCCESS;
    query_open = 0;
    open_calls = close_calls = collect_calls = array_calls = sizing_calls = 0;
}

/* Sets one instance's value of one counter, adding the instance if it is new. */
void pdhStub_setValue(const wchar_t *object, const wchar_t *instance, const wchar_t *counter, long long value) {
    for (unsigned int i = 0; i < value_count; i++) {
        struct stub_value *v = &values[i];
        if (wcscmp(v->object, object) == 0 && wcscmp(v->instance, instance) == 0 && wcscmp(v->counter, counter) == 0) {
            v->value = value;
            return;
        }
    }
    if (value_count == MAX_VALUES) {
        abort();
    }
    struct stub_value *v = &values[value_count++];
    wcsncpy(v->object, object, NAME_LENGTH - 1);
    wcsncpy(v->instance, instance, NAME_LENGTH - 1);
    wcsncpy(v->counter, counter, NAME_LENGTH - 1);
    v->value = value;
}

/* The CStatus an instance's value is reported with (PDH_CSTATUS_VALID_DATA unless set). */
void pdhStub_setStatus(const wchar_t *object, const wchar_t *instance, const wchar_t *counter, int status) {
    for (unsigned int i = 0; i < value_count; i++) {
        struct stub_value *v = &values[i];
        if (wcscmp(v->object, object) == 0 && wcscmp(v->instance, instance) == 0 && wcscmp(v->counter, counter) == 0) {
            v->status = (DWORD) status;
        }
    }
}

void pdhStub_removeInstance(const wchar_t *object, const wchar_t *instance) {
    unsigned int kept = 0;
    for (unsigned int i = 0; i < value_count; i++) {
        if (wcscmp(values[i].object, object) != 0 || wcscmp(values[i].instance, instance) != 0) {
            values[kept++] = values[i];
        }
    }
    value_count = kept;
}

void pdhStub_removeObject(const wchar_t *object) {
    if (missing_count < MAX_MISSING) {
        wcsncpy(missing_objects[missing_count++], object, NAME_LENGTH - 1);
    }
}

void pdhStub_setCollectResult(int result) {
    collect_result = result;
}

int pdhStub_openQueries(void) {
    return query_open;
}

int pdhStub_openCalls(void) {
    return open_calls;
}

int pdhStub_closeCalls(void) {
    return close_calls;
}

int pdhStub_collectCalls(void) {
    return collect_calls;
}

int pdhStub_arrayCalls(void) {
    return array_calls;
}

int pdhStub_sizingCalls(void) {
    return sizing_calls;
}

int pdhStub_wcharSize(void) {
    return (int) sizeof(wchar_t);
}
