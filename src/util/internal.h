/*
 * internal.h: what every source file of libstorcat includes after
 * <config.h>: cleanup helpers, enum tables, error reporting.
 */
#ifndef SC_INTERNAL_H
#define SC_INTERNAL_H

#include <assert.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "storcat/storcat.h"

#define SC_N_ELEMENTS(a) (sizeof(a) / sizeof((a)[0]))

/* ---- ownership (systemd's idiom) ---------------------------------- */

#define _cleanup_(fn) __attribute__((cleanup(fn)))

/* Hand the value of a _cleanup_ variable out; the variable becomes NULL. */
#define TAKE_PTR(p)                                                          \
    ({                                                                       \
        __typeof__(p) _p_ = (p);                                             \
        (p) = NULL;                                                          \
        _p_;                                                                 \
    })

static inline void
freep(void *p)
{
    free(*(void **) p);
}
#define _cleanup_free_ _cleanup_(freep)

/* Define fnp(), a cleanup wrapper of fn() that accepts NULL. */
#define SC_DEFINE_CLEANUP(type, fn)                                          \
    static inline void fn##p(type **p)                                       \
    {                                                                        \
        if (*p)                                                              \
            fn(*p);                                                          \
    }

/* A name and its value, both owned by whoever holds the pair. */
typedef struct {
    char *name;
    char *value;
} scNameValue;

/* ---- enum <-> string tables (libvirt's virenum idea) --------------- */

/* SC_ENUM_DECL(scPoolType) declares scPoolTypeToString/FromString;
 * SC_ENUM_IMPL(scPoolType, SC_POOL_TYPE_LAST, "dir", ...) defines them and
 * fails to compile when the list's length differs from the enum's. */
#define SC_ENUM_DECL(name)                                                   \
    const char *name##ToString(int type);                                    \
    int name##FromString(const char *str)

#define SC_ENUM_IMPL(name, last, ...)                                        \
    static const char *const name##_table[] = { __VA_ARGS__ };               \
    _Static_assert(SC_N_ELEMENTS(name##_table) == (last),                    \
                   "enum table " #name " does not match its enum");          \
    const char *name##ToString(int type)                                     \
    {                                                                        \
        return scEnumToString(name##_table, SC_N_ELEMENTS(name##_table), type); \
    }                                                                        \
    int name##FromString(const char *str)                                    \
    {                                                                        \
        return scEnumFromString(name##_table, SC_N_ELEMENTS(name##_table), str); \
    }

const char *scEnumToString(const char *const *table, size_t n, int type);
int scEnumFromString(const char *const *table, size_t n, const char *str);

/* ---- errors --------------------------------------------------------- */

/* Report an error where it happens; the message is one line, values quoted,
 * naming the object and the cause. Callers then propagate -1/NULL. */
void scReportErrorFull(int domain, int code, int sys_errno, int sqlite_code,
                       const char *file, const char *func, int line,
                       const char *fmt, ...) __attribute__((format(printf, 8, 9)));

#define scReportError(domain, code, ...)                                     \
    scReportErrorFull(domain, code, 0, 0, __FILE__, __func__, __LINE__, __VA_ARGS__)

/* An error caused by errno @err; ": <strerror>" is appended. */
#define scReportSystemError(domain, err, ...)                                \
    scReportErrorFull(domain, SC_ERR_SYSTEM_ERROR, err, 0, __FILE__, __func__, \
                      __LINE__, __VA_ARGS__)

#define scReportOOM()                                                        \
    scReportError(SC_FROM_NONE, SC_ERR_NO_MEMORY, "out of memory")

/* An invalid argument as libvirt's argument checks raise it
 * (virReportInvalidArg, virCheckNonNullArg, virCheckFlags): the message is
 * the text alone, with no "invalid argument: " before it; str1 names the
 * call @call, str2 the argument @arg; int1 and int2 are 0. */
void scReportInvalidArgFull(int domain, const char *file, const char *func, int line,
                            const char *call, const char *arg, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));
#define scReportInvalidArg(domain, call, arg, ...)                                                 \
 scReportInvalidArgFull(domain, __FILE__, __func__, __LINE__, call, arg, __VA_ARGS__)

/* True if the calling thread has an error set. */
bool scErrorIsSet(void);

/* The last error's details, without the code's text (the "%s" of
 * "Storage pool not found: %s"): for a message that wraps it. */
const char *scGetLastErrorDetail(void);

/* A deep copy of an error (strings that cannot be copied are NULL). */
void scErrorCopy(const scError *from, scError *to);

/*
 * The entry of every public call: SC_API_BEGIN() clears the last error
 * and, when the outermost call returns with an error set, hands it to the
 * error functions (the connection's, once scApiSetConn named it, else the
 * global one). scApiForgetConn: @conn is being freed.
 */
int scApiBegin(void);
void scApiEnd(int *unused);
void scApiSetConn(void *conn);
void scApiForgetConn(void *conn);
#define SC_API_BEGIN() \
    _cleanup_(scApiEnd) int sc_api_ __attribute__((unused)) = scApiBegin()
/* Set by the core: copies @err into connection @conn and picks its error
 * function, if it has one, into *@handler and *@data. */
extern void (*scErrorConnHook)(void *conn, const scError *err, scErrorFunc *handler,
                               void **data);

/* Save and restore the current error around cleanup code that may fail, so
 * that the first error is the one the caller sees; or carry it from one
 * thread to another (scErrorSavedFree drops one unused). */
typedef struct scErrorSaved scErrorSaved;
scErrorSaved *scErrorSave(void);
void scErrorRestore(scErrorSaved **saved);
void scErrorSavedFree(scErrorSaved *saved);

/* Unknown flag bits are an argument error, as libvirt's virCheckFlags
 * reports it (in the storage domain). Returns 0 or -1. */
#define scCheckFlags(flags, supported)                                       \
    scCheckFlagsImpl((flags), (supported), __func__)
int scCheckFlagsImpl(unsigned int flags, unsigned int supported, const char *func);

/* Allocation helpers that report SC_ERR_NO_MEMORY. */
void *scAlloc(size_t size);      /* zeroed */
char *scStrdup(const char *s);   /* NULL in -> NULL out, no error */
char *scAsprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* SC_INTERNAL_H */
