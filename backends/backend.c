/*
 * backend.c: the table of pool backends, and the helpers every backend
 * uses to fill records and runtime states and to talk to a sink.
 *
 * Each backend lives in its own file and ends in a static const scBackend;
 * this table names them. A managed type without a backend yet can be
 * defined but not started.
 */
#include <config.h>

#include <math.h>
#include <stdio.h>

#include "backend.h"

/* The default of scBackendTimeoutMs: long enough for a loaded target's
 * login, short enough that a dead portal does not look like a hang. */
#define DEFAULT_TIMEOUT_MS 5000

int
scBackendTimeoutMs(void)
{
    const char *env = getenv("STORCAT_STORAGE_TIMEOUT");
    char *end;
    double s;

    if (!env || !*env)
        return DEFAULT_TIMEOUT_MS;
    errno = 0;
    s = strtod(env, &end);
    if (errno || *end || !isfinite(s) || s <= 0 || s > 86400)
        return DEFAULT_TIMEOUT_MS;
    return s * 1000 < 1 ? 1 : (int) (s * 1000);
}

static const bool managed[SC_POOL_TYPE_LAST] = {
    [SC_POOL_DIR] = true,   [SC_POOL_FS] = true,    [SC_POOL_NETFS] = true,
    [SC_POOL_LOGICAL] = true, [SC_POOL_DISK] = true, [SC_POOL_ISCSI] = true,
    [SC_POOL_ISCSI_DIRECT] = true,
};

/* Backends as they land (backends/dir.c, ...). */
static const scBackend *const builtin[SC_POOL_TYPE_LAST] = {
    [SC_POOL_DIR] = &scBackendDir,
    [SC_POOL_FS] = &scBackendFs,
    [SC_POOL_LOGICAL] = &scBackendLogical,
    [SC_POOL_DISK] = &scBackendDisk,
    [SC_POOL_ISCSI] = &scBackendIscsi,
    [SC_POOL_ISCSI_DIRECT] = &scBackendIscsiDirect,
};

static const scBackend *overrides[SC_POOL_TYPE_LAST];

const scBackend *
scBackendForType(scPoolType type)
{
    if ((int) type < 0 || type >= SC_POOL_TYPE_LAST)
        return NULL;
    return overrides[type] ? overrides[type] : builtin[type];
}

bool
scBackendTypeIsManaged(scPoolType type)
{
    return (int) type >= 0 && type < SC_POOL_TYPE_LAST && managed[type];
}

void
scBackendOverride(scPoolType type, const scBackend *be)
{
    assert((int) type >= 0 && type < SC_POOL_TYPE_LAST);
    overrides[type] = be;
}

int
scProgressReport(const scProgress *p, unsigned long long done, unsigned long long total)
{
    if (!p || !p->report)
        return 0;
    return p->report(p->opaque, done, total);
}

int
scPoolCtxVolMade(const scPoolCtx *pool, const void *ident, size_t ident_len)
{
    if (!pool || !pool->vol_made)
        return 0;
    return pool->vol_made(pool->vol_made_opaque, ident, ident_len);
}

/* ---- records -------------------------------------------------------------- */

void
scVolRecordInit(scVolRecord *rec)
{
    memset(rec, 0, sizeof(*rec));
    rec->mode = rec->uid = rec->gid = -1;
    rec->atime_ns = rec->mtime_ns = rec->ctime_ns = rec->btime_ns = -1;
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
    for (size_t i = 0; i < rec->naliases; i++)
        free(rec->aliases[i]);
    free(rec->aliases);
    for (size_t i = 0; i < rec->nattrs; i++) {
        free(rec->attrs[i].name);
        free(rec->attrs[i].value);
    }
    free(rec->attrs);
    scVolRecordInit(rec);
}

int
scVolRecordAddAlias(scVolRecord *rec, const char *path)
{
    char **a = reallocarray(rec->aliases, rec->naliases + 1, sizeof(*a));

    if (!a) {
        scReportOOM();
        return -1;
    }
    rec->aliases = a;
    if (!(a[rec->naliases] = scStrdup(path)))
        return -1;
    rec->naliases++;
    return 0;
}

int
scVolRecordSetAttr(scVolRecord *rec, const char *name, const char *value)
{
    char *v = scStrdup(value);
    scNameValue *a;

    if (value && !v)
        return -1;
    for (size_t i = 0; i < rec->nattrs; i++) {
        if (strcmp(rec->attrs[i].name, name) == 0) {
            free(rec->attrs[i].value);
            rec->attrs[i].value = v;
            return 0;
        }
    }
    if (!(a = reallocarray(rec->attrs, rec->nattrs + 1, sizeof(*a)))) {
        free(v);
        scReportOOM();
        return -1;
    }
    rec->attrs = a;
    if (!(a[rec->nattrs].name = scStrdup(name))) {
        free(v);
        return -1;
    }
    a[rec->nattrs++].value = v;
    return 0;
}

int
scVolRecordSetAttrNum(scVolRecord *rec, const char *name, unsigned long long value)
{
    char buf[24];

    snprintf(buf, sizeof(buf), "%llu", value);
    return scVolRecordSetAttr(rec, name, buf);
}

int
scVolRecordAddExtent(scVolRecord *rec, const char *path, unsigned long long start,
                     unsigned long long end)
{
    const size_t plen = strlen(SC_ATTR_EXTENT_PREFIX);
    _cleanup_free_ char *value = scVolExtentFormat(path, start, end);
    char name[32];
    unsigned int n = 0;

    if (!value)
        return -1;
    for (size_t i = 0; i < rec->nattrs; i++)
        if (strncmp(rec->attrs[i].name, SC_ATTR_EXTENT_PREFIX, plen) == 0)
            n++;
    snprintf(name, sizeof(name), SC_ATTR_EXTENT_PREFIX "%u", n);
    return scVolRecordSetAttr(rec, name, value);
}

const char *
scVolRecordAttr(const scVolRecord *rec, const char *name)
{
    for (size_t i = 0; i < rec->nattrs; i++)
        if (strcmp(rec->attrs[i].name, name) == 0)
            return rec->attrs[i].value;
    return NULL;
}

void
scVolRecordSetSig(scVolRecord *rec, const void *data, size_t len)
{
    assert(len <= SC_VOL_SIG_MAX);
    memcpy(rec->sig, data, len);
    rec->sig_len = len;
}

void
scVolRecordSetIdent(scVolRecord *rec, const void *data, size_t len)
{
    assert(len <= SC_VOL_SIG_MAX);
    memcpy(rec->ident, data, len);
    rec->ident_len = len;
}

/* ---- sinks and runtime states ------------------------------------------- */

int
scSinkToken(scDiscoverSink *sink, const char *token)
{
    return sink->token ? sink->token(sink, token) : 1;
}

int
scSinkEntry(scDiscoverSink *sink, const char *name, const void *sig, size_t sig_len)
{
    return sink->entry(sink, name, sig, sig_len);
}

int
scSinkRecord(scDiscoverSink *sink, const scVolRecord *rec, int want)
{
    assert(want > 0);
    return sink->record(sink, rec, want);
}

int
scFreeExtentsAdd(scFreeExtents *l, size_t device, unsigned long long start, unsigned long long end)
{
    scFreeExtent *v = reallocarray(l->v, l->n + 1, sizeof(*v));

    if (!v) {
        scReportOOM();
        return -1;
    }
    l->v = v;
    v[l->n++] = (scFreeExtent){ .device = device, .start = start, .end = end };
    return 0;
}

void
scFreeExtentsClear(scFreeExtents *l)
{
    if (!l)
        return;
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

int
scSinkPoolInfo(scDiscoverSink *sink, const scStoragePoolInfo *info)
{
    return sink->pool_info ? sink->pool_info(sink, info) : 0;
}

void
scPoolRuntimeClear(scPoolRuntime *rt)
{
    if (!rt)
        return;
    free(rt->state);
    for (size_t i = 0; rt->dirs && rt->dirs[i]; i++)
        free(rt->dirs[i]);
    free(rt->dirs);
    memset(rt, 0, sizeof(*rt));
}

int
scPoolRuntimeAddDir(scPoolRuntime *rt, const char *dir)
{
    size_t n = 0;
    char **d;

    while (rt->dirs && rt->dirs[n])
        n++;
    if (!(d = reallocarray(rt->dirs, n + 2, sizeof(*d)))) {
        scReportOOM();
        return -1;
    }
    rt->dirs = d;
    if (!(d[n] = scStrdup(dir)))
        return -1;
    d[n + 1] = NULL;
    return 0;
}
