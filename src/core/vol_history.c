/*
 * vol_history.c: the volume identities kept when pools are undefined
 * (see scStoragePoolUndefine): how many, and dropping them. The keeping
 * is pool.c's (undefine) and the giving back reconcile.c's (a refresh of
 * a pool defined again with the same UUID).
 */
#include <config.h>

#include <limits.h>
#include <stdio.h>

#include "pool.h"
#include "util/util.h"

/* @uuidstr (NULL stays NULL) as the catalog's form into @buf: 0, or -1
 * (SC_ERR_INVALID_ARG). */
static int
pool_uuid_arg(const char *uuidstr, char *buf, const char **out)
{
    unsigned char raw[SC_UUID_BUFLEN];

    *out = NULL;
    if (!uuidstr)
        return 0;
    if (scUUIDParse(uuidstr, raw) < 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG, "'%s' is not a valid UUID", uuidstr);
        return -1;
    }
    scUUIDFormat(raw, buf);
    *out = buf;
    return 0;
}

int
scConnectNumOfStorageVolHistory(scConnectPtr conn, const char *poolUUID)
{
    char buf[SC_UUID_STRING_BUFLEN];
    const char *uuid;
    int n;

    SC_API_BEGIN();
    if (!scConnectCheck(conn, __func__) || pool_uuid_arg(poolUUID, buf, &uuid) < 0)
        return -1;
    scConnectLock(conn);
    n = scCatalogHistoryCount(conn->catalog, uuid);
    scConnectUnlock(conn);
    return n;
}

int
scConnectPruneStorageVolHistory(scConnectPtr conn, const char *poolUUID, unsigned int flags)
{
    char buf[SC_UUID_STRING_BUFLEN];
    _cleanup_free_ char *detail = NULL;
    unsigned long long count = 0;
    const char *uuid;
    bool ok = false;

    SC_API_BEGIN();
    if (scCheckFlags(flags, 0) < 0 || !scConnectCheckWritable(conn, __func__) ||
        pool_uuid_arg(poolUUID, buf, &uuid) < 0)
        return -1;
    scConnectLock(conn);
    if (scCatalogBegin(conn->catalog) == 0) {
        ok = scCatalogHistoryPrune(conn->catalog, uuid, &count) == 0 &&
             (count == 0 ||
              ((detail = scAsprintf("%llu volume identities dropped", count)) &&
               scCatalogEventAdd(conn->catalog, conn->actor, uuid, NULL, "history-prune",
                                 detail) == 0));
        if (scCatalogEnd(conn->catalog, ok) < 0)
            ok = false;
    }
    scConnectUnlock(conn);
    if (ok && count > INT_MAX)
        count = INT_MAX;
    return ok ? (int) count : -1;
}
