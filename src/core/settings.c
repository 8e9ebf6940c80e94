/*
 * settings.c: the settings kept in the catalog itself, shared by every
 * process using it (scConnectSetCatalogOption / GetCatalogOption,
 * `storcat config`), and what they do: "events.retention", how long the
 * audit trail keeps events, applied when it is set and whenever a
 * read-write connection opens.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <time.h>

#include "changes.h"
#include "connect.h"
#include "util/util.h"

static const struct {
    const char *name;
    const char *def;
} options[] = {
    { "events.retention", "forever" },
};

static int
option_index(const char *name)
{
    for (size_t i = 0; i < SC_N_ELEMENTS(options); i++)
        if (strcmp(options[i].name, name) == 0)
            return (int) i;
    scReportError(SC_FROM_NONE, SC_ERR_INVALID_ARG,
                  "unknown catalog option '%s' (known: events.retention)", name);
    return -1;
}

/* A retention: "forever", or a number and a unit (s, m, h, d, w), into
 * seconds (0: forever). 0 or -1 (reported). */
static int
parse_retention(const char *value, long long *seconds)
{
    static const struct {
        char unit;
        long long secs;
    } units[] = { { 's', 1 }, { 'm', 60 }, { 'h', 3600 }, { 'd', 86400 }, { 'w', 604800 } };
    char *end;
    long long n;

    *seconds = 0;
    if (strcmp(value, "forever") == 0)
        return 0;
    errno = 0;
    n = strtoll(value, &end, 10);
    if (!errno && n > 0 && end != value && value[0] >= '0' && value[0] <= '9') {
        for (size_t i = 0; i < SC_N_ELEMENTS(units); i++) {
            if (end[0] == units[i].unit && end[1] == '\0' && n <= LLONG_MAX / units[i].secs) {
                *seconds = n * units[i].secs;
                return 0;
            }
        }
    }
    scReportError(SC_FROM_NONE, SC_ERR_INVALID_ARG,
                  "invalid events.retention '%s': a number and a unit (s, m, h, d, w) such as "
                  "'90d', or 'forever'",
                  value);
    return -1;
}

/* Prune the trail to the retention the catalog has, if any. 0 or -1. */
static int
prune(scConnect *conn)
{
    _cleanup_free_ char *value = NULL;
    unsigned long long count;
    long long secs;
    int r;

    if ((r = scCatalogSettingGet(conn->catalog, "events.retention", &value)) <= 0)
        return r;
    if (parse_retention(value, &secs) < 0)
        return -1;
    if (secs == 0)
        return 0;
    return scCatalogEventsPrune(conn->catalog, (long long) scNow() - secs, &count);
}

void
scSettingsConnect(scConnect *conn)
{
    /* A retention that cannot be applied now (the catalog busy) is
     * applied by the next connection: no reason to fail this one. */
    if (!conn->readonly && prune(conn) < 0)
        scResetLastError();
}

int
scConnectSetCatalogOption(scConnectPtr conn, const char *name, const char *value,
                          unsigned int flags)
{
    _cleanup_free_ char *detail = NULL;
    _cleanup_free_ char *old = NULL;
    _cleanup_free_ char *changes = NULL;
    long long secs = 0;
    bool ok = false;

    SC_API_BEGIN();
    if (scCheckFlags(flags, 0) < 0 || !scConnectCheckWritable(conn, __func__) ||
        !scCheckArg(name, "name", __func__) || option_index(name) < 0 ||
        (value && parse_retention(value, &secs) < 0))
        return -1;
    scConnectLock(conn);
    if (scCatalogBegin(conn->catalog) == 0) {
        ok = scCatalogSettingGet(conn->catalog, name, &old) >= 0 &&
             scCatalogSettingSet(conn->catalog, name, value) == 0 &&
             (detail = scAsprintf("%s: %s -> %s", name, old ? old : "(default)",
                                  value ? value : "(default)")) &&
             /* The setting's old and new values, null for the default. */
             scChangesOne(name, old, value, &changes) == 0 &&
             scCatalogEventAddChanges(conn->catalog, conn->actor, NULL, NULL, "config-set", detail,
                                      changes) == 0;
        if (scCatalogEnd(conn->catalog, ok) < 0)
            ok = false;
    }
    if (ok && secs > 0 && prune(conn) < 0)
        ok = false;
    scConnectUnlock(conn);
    return ok ? 0 : -1;
}

char *
scConnectGetCatalogOption(scConnectPtr conn, const char *name, unsigned int flags)
{
    char *value = NULL;
    int i, r;

    SC_API_BEGIN();
    if (scCheckFlags(flags, 0) < 0 || !scConnectCheck(conn, __func__) ||
        !scCheckArg(name, "name", __func__) || (i = option_index(name)) < 0)
        return NULL;
    scConnectLock(conn);
    r = scCatalogSettingGet(conn->catalog, name, &value);
    scConnectUnlock(conn);
    if (r < 0)
        return NULL;
    return r > 0 ? value : scStrdup(options[i].def);
}
