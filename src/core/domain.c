/*
 * domain.c: the guest disks of libvirt domains, imported from their XML
 * (scConnectDomainImportXML), and who uses a volume or a path.
 *
 * storcat has no hypervisor to ask: an operator imports the domains'
 * definitions (parsed by conf/domain_conf.c), and each <disk> is recorded
 * as written and as resolved (catalog_domain.c). What touches the file
 * system (realpath, sysfs) is done before the connection's lock and
 * outside any transaction; the catalog then replaces the domain's rows in
 * one short transaction, with its event. A document refused records
 * nothing.
 */
#include <config.h>

#include <limits.h>
#include <stdio.h>

#include "conf/domain_conf.h"
#include "util/util.h"
#include "volume.h"

#define has_control scDomainHasControl

/* The /dev/mapper name of device-mapper node @canon ("/dev/dm-3"), from
 * sysfs, or NULL (none, or not a dm node). */
static char *
mapper_name(const char *canon)
{
    char sys[64], name[256];
    const char *n = canon + strlen("/dev/dm-");
    FILE *f;
    size_t len;

    if (strncmp(canon, "/dev/dm-", strlen("/dev/dm-")) != 0 || !*n ||
        strspn(n, "0123456789") != strlen(n) || strlen(n) > 10)
        return NULL;
    snprintf(sys, sizeof(sys), "/sys/block/dm-%s/dm/name", n);
    if (!(f = fopen(sys, "re")))
        return NULL;
    len = fread(name, 1, sizeof(name) - 1, f);
    fclose(f);
    name[len] = '\0';
    name[strcspn(name, "\n")] = '\0';
    if (!*name || strchr(name, '/') || has_control(name))
        return NULL;
    return scAsprintf("/dev/mapper/%s", name);
}

/* The canonical path of a disk's source @src and another useful spelling
 * of it (its /dev/mapper name, or the path as written, folded). 0 or -1. */
static int
disk_paths(scDomainDisk *k, const char *src)
{
    _cleanup_free_ char *folded = NULL;

    if (!(k->path = scPathCanonical(src)))
        return -1;
    if ((k->alt_path = mapper_name(k->path)))
        return 0;
    if (!(folded = scPathFold(src)))
        return -1;
    if (*folded && strcmp(folded, k->path) != 0)
        k->alt_path = TAKE_PTR(folded);
    return 0;
}

int
scConnectDomainImportXML(scConnectPtr conn, const char *xml, const char *source, unsigned int flags)
{
    _cleanup_free_ scCatalogDisk *disks = NULL;
    _cleanup_free_ char *detail = NULL;
    scDomainDef d = { 0 };
    size_t resolved = 0;
    bool ok;
    int n;

    SC_API_BEGIN();
    if (!scConnectCheckWritable(conn, __func__) || !scCheckArg(xml, "xml", __func__) ||
        scCheckFlags(flags, 0) < 0)
        return -1;
    if (source && has_control(source)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                      "the source of a domain's XML has control characters");
        return -1;
    }
    if (scDomainDefParse(xml, &d) < 0)
        return -1;
    for (size_t i = 0; i < d.n; i++)
        if (d.disks[i].has_path && disk_paths(&d.disks[i], d.disks[i].source) < 0) {
            scDomainDefClear(&d);
            return -1;
        }
    if (d.n && !(disks = calloc(d.n, sizeof(*disks)))) {
        scReportOOM();
        scDomainDefClear(&d);
        return -1;
    }
    for (size_t i = 0; i < d.n; i++) {
        const scDomainDisk *k = &d.disks[i];
        disks[i] = (scCatalogDisk){
            .target = k->target,
            .device = k->device,
            .source_type = k->type,
            .source = k->source,
            .path = k->path,
            .alt_path = k->alt_path,
            .pool_name = k->pool,
            .vol_name = k->volume,
            .readonly = k->readonly,
        };
    }
    scConnectLock(conn);
    ok = scCatalogBegin(conn->catalog) == 0;
    if (ok) {
        ok =
            scCatalogDomainReplace(conn->catalog, d.name, d.uuid[0] ? d.uuid : NULL, source, disks,
                                   d.n, &resolved) == 0 &&
            (detail = scAsprintf("domain '%s': %zu disks, %zu catalogued volumes%s%s%s", d.name,
                                 d.n, resolved, source ? " (from '" : "", source ? source : "",
                                 source ? "')" : "")) &&
            scCatalogEventAdd(conn->catalog, conn->actor, NULL, NULL, "domain-import", detail) == 0;
        ok = scCatalogEnd(conn->catalog, ok) == 0 && ok;
    }
    scConnectUnlock(conn);
    n = ok && d.n <= INT_MAX ? (int) d.n : -1;
    scDomainDefClear(&d);
    return n;
}

int
scConnectDomainForget(scConnectPtr conn, const char *name, unsigned int flags)
{
    _cleanup_free_ char *detail = NULL;
    int r = -1;

    SC_API_BEGIN();
    if (!scConnectCheckWritable(conn, __func__) || !scCheckArg(name, "name", __func__) ||
        scCheckFlags(flags, 0) < 0 || !(detail = scAsprintf("domain '%s'", name)))
        return -1;
    scConnectLock(conn);
    if (scCatalogBegin(conn->catalog) == 0) {
        r = scCatalogDomainForget(conn->catalog, name);
        if (r == 0)
            scReportError(SC_FROM_STORAGE, SC_ERR_NO_DOMAIN, "no domain '%s' was imported",
                          has_control(name) ? "?" : name);
        if (r > 0 &&
            scCatalogEventAdd(conn->catalog, conn->actor, NULL, NULL, "domain-forget", detail) < 0)
            r = -1;
        if (scCatalogEnd(conn->catalog, r > 0) < 0)
            r = -1;
    }
    scConnectUnlock(conn);
    return r > 0 ? 0 : -1;
}

/* ---- who uses what --------------------------------------------------------- */

/* Strings collected under the lock, handed to a callback after it. */
typedef struct {
    char **s;
    size_t n;
    size_t alloc;
} Strings;

static int
strings_add(Strings *l, const char *s)
{
    if (l->n + 2 > l->alloc) {
        size_t alloc = l->alloc ? l->alloc * 2 : 16;
        char **a = reallocarray(l->s, alloc, sizeof(*a));
        if (!a) {
            scReportOOM();
            return -1;
        }
        l->s = a;
        l->alloc = alloc;
    }
    if (!(l->s[l->n] = scStrdup(s ? s : ""))) {
        scReportOOM();
        return -1;
    }
    l->s[++l->n] = NULL;
    return 0;
}

static void
strings_clear(Strings *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->s[i]);
    free(l->s);
    memset(l, 0, sizeof(*l));
}

static int
user_add(const char *name, const char *detail, const char *kind, void *opaque)
{
    Strings *l = opaque;
    return strings_add(l, kind) < 0 || strings_add(l, name) < 0 || strings_add(l, detail) < 0 ? -1
                                                                                              : 0;
}

int
scStorageVolListUsers(scStorageVolPtr vol, scStorageVolListUsersFunc cb, void *opaque,
                      unsigned int flags)
{
    Strings l = { 0 };
    scCatalogVol row;
    int r, n = 0;

    SC_API_BEGIN();
    if (!scCheckArg(cb, "cb", __func__) || scCheckFlags(flags, 0) < 0 ||
        !scVolEnter(vol, __func__, false))
        return -1;
    if ((r = scVolRow(vol, &row)) == 0) {
        /* A volume found on storage and not recorded has no users anyone
         * could have recorded. */
        if (row.id)
            r = scCatalogVolUsers(vol->conn->catalog, row.uuid, user_add, &l);
        if (r == 0)
            r = scVolPoolUser(vol->conn, &row, user_add, &l);
        scCatalogVolClear(&row);
    }
    scConnectUnlock(vol->conn);
    for (size_t i = 0; r == 0 && i + 2 < l.n; i += 3) {
        int c = cb(l.s[i], l.s[i + 1], l.s[i + 2], opaque);
        if (c < 0) {
            if (scGetLastErrorCode() == SC_ERR_OK)
                scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_ABORTED,
                              "the callback stopped the listing of the users of volume '%s'",
                              vol->name);
            r = -1;
        }
        n++;
        if (c != 0)
            break;
    }
    strings_clear(&l);
    return r < 0 ? -1 : n;
}

static int
owner_add(const char *domain, void *opaque)
{
    return strings_add(opaque, domain);
}

int
scConnectLookupDiskOwner(scConnectPtr conn, const char *path, char ***domains, unsigned int flags)
{
    _cleanup_free_ char *canon = NULL, *other = NULL;
    Strings l = { 0 };
    int r;

    SC_API_BEGIN();
    if (!scConnectCheck(conn, __func__) || !scCheckArg(path, "path", __func__) ||
        !scCheckArg(domains, "domains", __func__) || scCheckFlags(flags, 0) < 0)
        return -1;
    if (path[0] != '/') {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG, "path '%s' is not absolute",
                      has_control(path) ? "?" : path);
        return -1;
    }
    /* The same spellings an import records. */
    {
        scDomainDisk k = { 0 };
        if (disk_paths(&k, path) < 0)
            return -1;
        canon = k.path;
        other = k.alt_path;
    }
    scConnectLock(conn);
    r = scCatalogDiskOwners(conn->catalog, canon, other, owner_add, &l);
    scConnectUnlock(conn);
    if (r == 0 && !l.s && strings_add(&l, "") == 0) {
        /* an empty array: drop the placeholder */
        free(l.s[0]);
        l.s[0] = NULL;
        l.n = 0;
    }
    if (r < 0 || !l.s) {
        strings_clear(&l);
        return -1;
    }
    *domains = l.s;
    return (int) l.n;
}
