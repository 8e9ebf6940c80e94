/*
 * error.c: the thread-local last error, and the few helpers every module
 * needs to report one (allocation, flags, enum tables).
 *
 * libvirt's model: each public entry clears the error, the place that
 * detects a failure reports it once, callers only propagate.
 */
#include <config.h>

#include <stdarg.h>
#include <stdio.h>

#include "internal.h"

typedef struct {
    scError err;     /* what scGetLastError() returns */
    char *message;   /* owned copy behind err.message */
    bool set;        /* err is valid */
} ThreadError;

static __thread ThreadError last;

struct scErrorSaved {
    scError err;
    char *message;
    bool set;
};

static const char *const sc_error_default_message =
    "no error";

const scError *
scGetLastError(void)
{
    return last.set ? &last.err : NULL;
}

const char *
scGetLastErrorMessage(void)
{
    return last.set && last.message ? last.message : sc_error_default_message;
}

void
scResetLastError(void)
{
    free(last.message);
    memset(&last, 0, sizeof(last));
}

bool
scErrorIsSet(void)
{
    return last.set;
}

void
scReportErrorFull(int domain, int code, int sys_errno, int sqlite_code, const char *file,
                  const char *func, int line, const char *fmt, ...)
{
    char *msg = NULL;
    va_list ap;

    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        msg = NULL;
    va_end(ap);

    if (msg && sys_errno) {
        char buf[256];
        char *full = NULL;
        const char *s = strerror_r(sys_errno, buf, sizeof(buf));
        if (asprintf(&full, "%s: %s", msg, s) >= 0) {
            free(msg);
            msg = full;
        }
    }

    scResetLastError();
    last.message = msg;
    last.err.code = code;
    last.err.domain = domain;
    last.err.message = msg ? msg : "out of memory while reporting an error";
    last.err.sys_errno = sys_errno;
    last.err.sqlite_code = sqlite_code;
    last.err.file = file;
    last.err.func = func;
    last.err.line = line;
    last.set = true;
}

scErrorSaved *
scErrorSave(void)
{
    scErrorSaved *s = calloc(1, sizeof(*s));
    if (!s)
        return NULL;
    s->err = last.err;
    s->message = last.message;
    s->set = last.set;
    /* The saved copy owns the message now; clear without freeing it. */
    memset(&last, 0, sizeof(last));
    return s;
}

void
scErrorSavedFree(scErrorSaved *saved)
{
    if (saved)
        free(saved->message);
    free(saved);
}

void
scErrorRestore(scErrorSaved **saved)
{
    scErrorSaved *s = *saved;
    if (!s)
        return;
    *saved = NULL;
    if (!s->set) {
        free(s);
        return;
    }
    scResetLastError();
    last.err = s->err;
    last.message = s->message;
    last.err.message = s->message ? s->message : "out of memory while reporting an error";
    last.set = true;
    free(s);
}

int
scGetVersion(unsigned long *libVer)
{
    scResetLastError();
    if (!libVer) {
        scReportError(SC_FROM_CONNECT, SC_ERR_INVALID_ARG, "%s: libVer must not be NULL",
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
        scReportError(SC_FROM_CONNECT, SC_ERR_INVALID_ARG, "%s: unsupported flags 0x%x", func,
                      flags & ~supported);
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
