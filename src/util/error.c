/*
 * error.c: the thread-local last error, and the few helpers every module
 * needs to report one (allocation, flags, enum tables).
 *
 * libvirt's model: each public entry clears the error, the place that
 * detects a failure reports it once, callers only propagate.
 */
#include <config.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

/* libvirt's text for each code: alone, and with the details ("%s"). */
typedef struct {
    int code;
    const char *msg;
    const char *msginfo;
} ErrorText;

static const ErrorText error_texts[] = {
    { SC_ERR_INTERNAL_ERROR, "internal error", "internal error: %s" },
    { SC_ERR_NO_MEMORY, "out of memory", "out of memory: %s" },
    { SC_ERR_NO_SUPPORT, "this function is not supported by the connection driver",
      "this function is not supported by the connection driver: %s" },
    { SC_ERR_NO_CONNECT, "no connection driver available",
      "no connection driver available for %s" },
    { SC_ERR_INVALID_CONN, "invalid connection pointer in", "invalid connection pointer in %s" },
    { SC_ERR_INVALID_ARG, "invalid argument", "invalid argument: %s" },
    { SC_ERR_OPERATION_FAILED, "operation failed", "operation failed: %s" },
    { SC_ERR_XML_ERROR, "XML description is invalid or not well formed", "XML error: %s" },
    { SC_ERR_OPERATION_DENIED, "operation forbidden for read only access",
      "operation forbidden: %s" },
    { SC_ERR_XML_DETAIL, "parser error", "%s" },
    { SC_ERR_SYSTEM_ERROR, "system call error", "%s" },
    { SC_ERR_AUTH_FAILED, "authentication failed", "authentication failed: %s" },
    { SC_ERR_INVALID_STORAGE_POOL, "invalid storage pool pointer in",
      "invalid storage pool pointer in %s" },
    { SC_ERR_INVALID_STORAGE_VOL, "invalid storage volume pointer in",
      "invalid storage volume pointer in %s" },
    { SC_ERR_NO_DOMAIN, "Domain not found", "Domain not found: %s" },
    { SC_ERR_NO_STORAGE_POOL, "Storage pool not found", "Storage pool not found: %s" },
    { SC_ERR_NO_STORAGE_VOL, "Storage volume not found", "Storage volume not found: %s" },
    { SC_ERR_OPERATION_INVALID, "Requested operation is not valid",
      "Requested operation is not valid: %s" },
    { SC_ERR_INVALID_SECRET, "Invalid secret", "Invalid secret: %s" },
    { SC_ERR_NO_SECRET, "Secret not found", "Secret not found: %s" },
    { SC_ERR_CONFIG_UNSUPPORTED, "unsupported configuration", "unsupported configuration: %s" },
    { SC_ERR_OPERATION_TIMEOUT, "Timed out during operation",
      "Timed out during operation: %s" },
    { SC_ERR_INVALID_STREAM, "invalid stream pointer", "invalid stream pointer in %s" },
    { SC_ERR_ARGUMENT_UNSUPPORTED, "argument unsupported", "argument unsupported: %s" },
    { SC_ERR_STORAGE_PROBE_FAILED, "Storage pool probe failed",
      "Storage pool probe failed: %s" },
    { SC_ERR_STORAGE_POOL_BUILT, "Storage pool already built",
      "Storage pool already built: %s" },
    { SC_ERR_OPERATION_ABORTED, "operation aborted", "operation aborted: %s" },
    { SC_ERR_OVERFLOW, "numerical overflow", "numerical overflow: %s" },
    { SC_ERR_OPERATION_UNSUPPORTED, "Operation not supported", "Operation not supported: %s" },
    { SC_ERR_RESOURCE_BUSY, "resource busy", "resource busy: %s" },
    { SC_ERR_STORAGE_VOL_EXIST, "this storage volume exists already",
      "storage volume %s exists already" },
    { SC_ERR_XML_INVALID_SCHEMA, "XML document failed to validate against schema",
      "XML document failed to validate against schema: %s" },
    { SC_ERR_CATALOG, "catalog error", "catalog error: %s" },
    { SC_ERR_CATALOG_VERSION, "unsupported catalog version", "unsupported catalog version: %s" },
};

static const ErrorText *
error_text(int code)
{
    for (size_t i = 0; i < SC_N_ELEMENTS(error_texts); i++)
        if (error_texts[i].code == code)
            return &error_texts[i];
    return NULL;
}

/* The calling thread's last error; its strings are owned (malloc'ed). */
static __thread scError last;

/* A thread that ends with an error set frees its strings: a key whose
 * destructor runs at the thread's exit, set once the thread has one (as
 * libvirt frees its thread-local error). */
static pthread_key_t last_key;
static bool last_key_ok;
static pthread_once_t last_key_once = PTHREAD_ONCE_INIT;
static __thread bool last_held;

static void
last_free(void *err)
{
    scResetError(err);
}

static void
last_key_make(void)
{
    /* Without a key (no more keys: rare), a thread's last error leaks. */
    last_key_ok = pthread_key_create(&last_key, last_free) == 0;
}

/* Called whenever the last error gets strings. */
static void
last_hold(void)
{
    if (last_held)
        return;
    pthread_once(&last_key_once, last_key_make);
    last_held = last_key_ok && pthread_setspecific(last_key, &last) == 0;
}

/* The global error function (scSetErrorFunc). */
static scErrorFunc global_handler;
static void *global_handler_data;

/* Public calls in progress on this thread, and the connection of the
 * outermost one once its handle was checked: its error goes there. */
static __thread int api_depth;
static __thread void *api_conn;

/* The core's side of a connection's error (connect.c). */
void (*scErrorConnHook)(void *conn, const scError *err, scErrorFunc *handler, void **data);

struct scErrorSaved {
    scError err;
};

scErrorPtr
scGetLastError(void)
{
    return last.code != SC_ERR_OK ? &last : NULL;
}

int
scGetLastErrorCode(void)
{
    return last.code;
}

int
scGetLastErrorDomain(void)
{
    return last.domain;
}

const char *
scGetLastErrorMessage(void)
{
    if (last.code == SC_ERR_OK)
        return "no error";
    return last.message ? last.message : "unknown error";
}

const char *
scGetLastErrorDetail(void)
{
    if (last.code == SC_ERR_OK)
        return "no error";
    return last.str2 ? last.str2 : scGetLastErrorMessage();
}

void
scResetError(scErrorPtr err)
{
    if (!err)
        return;
    free(err->message);
    free(err->str1);
    free(err->str2);
    free(err->str3);
    memset(err, 0, sizeof(*err));
}

void
scFreeError(scErrorPtr err)
{
    scResetError(err);
    free(err);
}

void
scResetLastError(void)
{
    scResetError(&last);
}

bool
scErrorIsSet(void)
{
    return last.code != SC_ERR_OK;
}

/* A deep copy of @from into @to (whose strings are not freed first): on a
 * lack of memory a string is left NULL, never an error. */
void
scErrorCopy(const scError *from, scError *to)
{
    *to = *from;
    to->message = from->message ? strdup(from->message) : NULL;
    to->str1 = from->str1 ? strdup(from->str1) : NULL;
    to->str2 = from->str2 ? strdup(from->str2) : NULL;
    to->str3 = from->str3 ? strdup(from->str3) : NULL;
    to->conn = NULL;
    to->dom = to->net = NULL;
}

int
scCopyLastError(scErrorPtr to)
{
    if (!to)
        return -1;
    scErrorCopy(&last, to);
    return to->code;
}

scErrorPtr
scSaveLastError(void)
{
    scErrorPtr to = malloc(sizeof(*to));

    if (to)
        scErrorCopy(&last, to);
    return to;
}

void
scSetErrorFunc(void *userData, scErrorFunc handler)
{
    __atomic_store_n(&global_handler_data, userData, __ATOMIC_RELAXED);
    __atomic_store_n(&global_handler, handler, __ATOMIC_RELEASE);
}

void
scDefaultErrorFunc(scErrorPtr err)
{
    static const char *const levels[] = { "", "warning", "error" };
    static const struct {
        int domain;
        const char *name;
    } domains[] = {
        { SC_FROM_NONE, "" },
        { SC_FROM_XML, "XML Util" },
        { SC_FROM_CONF, "Config File" },
        { SC_FROM_STORAGE, "Storage Driver" },
        { SC_FROM_SECRET, "Secrets Driver" },
        { SC_FROM_STREAMS, "I/O Stream Utils" },
        { SC_FROM_EVENT, "Event Loop" },
        { SC_FROM_URI, "URI Utils" },
        { SC_FROM_CATALOG, "Catalog" },
    };
    const char *dom = "Unknown", *lvl;

    if (!err || err->code == SC_ERR_OK)
        return;
    for (size_t i = 0; i < SC_N_ELEMENTS(domains); i++)
        if (domains[i].domain == err->domain)
            dom = domains[i].name;
    lvl = err->level <= SC_ERR_ERROR ? levels[err->level] : "";
    fprintf(stderr, "storcat: %s %s : %s\n", dom, lvl, err->message ? err->message : "");
}

void
scReportErrorFull(int domain, int code, int sys_errno, int sqlite_code, const char *file,
                  const char *func, int line, const char *fmt, ...)
{
    const ErrorText *text = error_text(code);
    char *detail = NULL, *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    if (vasprintf(&detail, fmt, ap) < 0)
        detail = NULL;
    va_end(ap);

    if (detail && sys_errno) {
        char buf[256];
        char *full = NULL;
        const char *s = strerror_r(sys_errno, buf, sizeof(buf));
        if (asprintf(&full, "%s: %s", detail, s) >= 0) {
            free(detail);
            detail = full;
        }
    }
    /* libvirt's text for the code, with the details in it. */
    if (detail && text) {
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
        if (asprintf(&msg, text->msginfo, detail) < 0)
            msg = NULL;
#pragma GCC diagnostic pop
    } else if (detail) {
        msg = strdup(detail);
    }

    scResetLastError();
    last.code = code;
    last.domain = domain;
    last.level = SC_ERR_ERROR;
    last.message = msg ? msg : strdup("out of memory while reporting an error");
    last.str1 = text ? strdup(text->msginfo) : NULL;
    last.str2 = detail;
    last.int1 = sys_errno ? sys_errno : -1;
    last.int2 = -1;
    last.sys_errno = sys_errno;
    last.sqlite_code = sqlite_code;
    last.file = file;
    last.func = func;
    last.line = line;
    last_hold();
}

void
scReportInvalidArgFull(int domain, const char *file, const char *func, int line, const char *call,
                       const char *arg, const char *fmt, ...)
{
    char *detail = NULL;
    va_list ap;

    va_start(ap, fmt);
    if (vasprintf(&detail, fmt, ap) < 0)
        detail = NULL;
    va_end(ap);

    scResetLastError();
    last.code = SC_ERR_INVALID_ARG;
    last.domain = domain;
    last.level = SC_ERR_ERROR;
    last.message = detail ? detail : strdup("out of memory while reporting an error");
    last.str1 = call ? strdup(call) : NULL;
    last.str2 = arg ? strdup(arg) : NULL;
    last.int1 = 0;
    last.int2 = 0;
    last.file = file;
    last.func = func;
    last.line = line;
    last_hold();
}

scErrorSaved *
scErrorSave(void)
{
    scErrorSaved *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    /* The saved copy owns the strings now. */
    s->err = last;
    memset(&last, 0, sizeof(last));
    return s;
}

void
scErrorSavedFree(scErrorSaved *saved)
{
    if (saved)
        scResetError(&saved->err);
    free(saved);
}

void
scErrorRestore(scErrorSaved **saved)
{
    scErrorSaved *s = *saved;
    if (!s)
        return;
    *saved = NULL;
    if (s->err.code != SC_ERR_OK) {
        scResetLastError();
        last = s->err;
        last_hold();
    }
    free(s);
}

/* ---- the entry and exit of public calls --------------------------------- */

int
scApiBegin(void)
{
    if (api_depth++ == 0)
        api_conn = NULL;
    /* Every public call passes here: nothing to free when no error is
     * set (every report sets a code), the common case. */
    if (last.code != SC_ERR_OK || last.message)
        scResetLastError();
    return 0;
}

void
scApiSetConn(void *conn)
{
    if (api_depth == 1 && !api_conn)
        api_conn = conn;
}

void
scApiForgetConn(void *conn)
{
    if (api_conn == conn)
        api_conn = NULL;
}

void
scApiEnd(int *unused)
{
    scErrorFunc handler;
    void *data;

    (void) unused;
    if (--api_depth > 0 || last.code == SC_ERR_OK)
        return;
    handler = __atomic_load_n(&global_handler, __ATOMIC_ACQUIRE);
    data = __atomic_load_n(&global_handler_data, __ATOMIC_RELAXED);
    if (api_conn && scErrorConnHook)
        scErrorConnHook(api_conn, &last, &handler, &data);
    api_conn = NULL;
    if (handler) {
        /* The function may call storcat, and so replace the last error:
         * the failed call's caller still finds its own. */
        scError keep;
        scErrorCopy(&last, &keep);
        handler(data, &last);
        scResetLastError();
        last = keep;
        last_hold();
    }
}

int
scGetVersion(unsigned long *libVer, const char *type, unsigned long *typeVer)
{
    SC_API_BEGIN();
    (void) type;
    if (typeVer)
        *typeVer = SC_VERSION_NUMBER;
    if (!libVer) {
        scReportError(SC_FROM_NONE, SC_ERR_INVALID_ARG, "libVer in %s must not be NULL",
                      __func__);
        return -1;
    }
    *libVer = SC_VERSION_NUMBER;
    return 0;
}

int
scCheckFlagsImpl(unsigned int flags, unsigned int supported, const char *func)
{
    if (flags & ~supported) {
        scReportInvalidArg(SC_FROM_STORAGE, func, "flags",
                           "unsupported flags (0x%x) in function %s", flags & ~supported, func);
        return -1;
    }
    return 0;
}

void *
scAlloc(size_t size)
{
    void *p = calloc(1, size ? size : 1);
    if (!p)
        scReportOOM();
    return p;
}

char *
scStrdup(const char *s)
{
    char *r;
    if (!s)
        return NULL;
    if (!(r = strdup(s)))
        scReportOOM();
    return r;
}

char *
scAsprintf(const char *fmt, ...)
{
    char *r = NULL;
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vasprintf(&r, fmt, ap);
    va_end(ap);
    if (n < 0) {
        scReportOOM();
        return NULL;
    }
    return r;
}

const char *
scEnumToString(const char *const *table, size_t n, int type)
{
    if (type < 0 || (size_t) type >= n)
        return NULL;
    return table[type];
}

int
scEnumFromString(const char *const *table, size_t n, const char *str)
{
    if (!str)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (table[i] && strcmp(table[i], str) == 0)
            return (int) i;
    return -1;
}
