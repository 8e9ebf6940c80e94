/*
 * backend.c: the table of pool backends.
 *
 * Each backend lives in its own file and ends in a static const scBackend;
 * this table names them. A managed type without a backend yet can be
 * defined but not started.
 */
#include <config.h>

#include "backend.h"

static const bool managed[SC_POOL_TYPE_LAST] = {
    [SC_POOL_DIR] = true,   [SC_POOL_FS] = true,    [SC_POOL_NETFS] = true,
    [SC_POOL_LOGICAL] = true, [SC_POOL_DISK] = true, [SC_POOL_ISCSI] = true,
    [SC_POOL_ISCSI_DIRECT] = true,
};

/* Backends as they land (backends/dir.c, ...). */
static const scBackend *const backends[SC_POOL_TYPE_LAST] = {
    [SC_POOL_DIR] = &scBackendDir,
};

const scBackend *
scBackendForType(scPoolType type)
{
    if ((int) type < 0 || type >= SC_POOL_TYPE_LAST)
        return NULL;
    return backends[type];
}

bool
scBackendTypeIsManaged(scPoolType type)
{
    return (int) type >= 0 && type < SC_POOL_TYPE_LAST && managed[type];
}

int
scProgressReport(const scProgress *p, unsigned long long done, unsigned long long total)
{
    if (!p || !p->report)
        return 0;
    return p->report(p->opaque, done, total);
}

void
scVolRecordClear(scVolRecord *rec)
{
    if (!rec)
        return;
    free(rec->name);
    free(rec->key);
    free(rec->path);
    free(rec->format);
    free(rec->backing_path);
    free(rec->backing_format);
    free(rec->compat);
    free(rec->encryption);
    memset(rec, 0, sizeof(*rec));
    rec->mode = rec->uid = rec->gid = -1;
}
