/*
 * vol_users.c: who uses a volume, for SC_STORAGE_VOL_CHECK_USERS.
 *
 * A volume's users are the imported domains with a disk that is the
 * volume (catalog_domain.c) and the catalogued volumes whose backing file
 * it is (their overlays, in any pool); the catalog answers from one
 * indexed query (scCatalogVolUsers); then a running pool whose source
 * device the volume is (a PV on a disk pool's partition). The message
 * names them all: "used by domain vm1 (disk vda), as backing file by
 * a.qcow2 (pool images)".
 */
#include <config.h>

#include <stdio.h>

#include "pool.h"
#include "util/util.h"
#include "volume.h"

/* Past this many users, the message counts the rest. */
#define USERS_NAMED 20

/* The message under construction: "domain vm1 (disk vda), as backing
 * file by vm1.qcow2, vm2.qcow2 (pool images), vm3.qcow2 (pool other)". */
typedef struct {
    FILE *out;
    char *text;
    size_t len;
    char *pool;        /* the pool of the names since the last "(pool ...)"
                          (a domain's disks, for kind "domain") */
    char kind[16];     /* "backing", ... of the names since the last kind */
    size_t n;          /* users so far */
} Users;

static const char *
kind_words(const char *kind)
{
    if (strcmp(kind, "pool") == 0)
        return "as the source device of running pool";
    return strcmp(kind, "backing") == 0 ? "as backing file by" : "by domain";
}

/* Close the group of names of one pool. */
static void
users_close_pool(Users *u)
{
    if (u->pool && strcmp(u->kind, "pool") != 0)
        fprintf(u->out, strcmp(u->kind, "domain") == 0 ? " (disk %s)" : " (pool %s)", u->pool);
    free(u->pool);
    u->pool = NULL;
}

static int
users_add(const char *name, const char *pool, const char *kind, void *opaque)
{
    Users *u = opaque;
    bool same_kind = u->kind[0] && strcmp(u->kind, kind) == 0;
    bool same_pool = same_kind && u->pool && strcmp(u->pool, pool) == 0;

    if (++u->n > USERS_NAMED)
        return 0;
    if (!same_pool)
        users_close_pool(u);
    if (u->n > 1)
        fputs(", ", u->out);
    if (!same_kind) {
        fprintf(u->out, "%s ", kind_words(kind));
        snprintf(u->kind, sizeof(u->kind), "%s", kind);
    }
    if (!same_pool && !(u->pool = scStrdup(pool)))
        return -1;
    fputs(name, u->out);
    return 0;
}

int
scVolPoolUser(scConnect *conn, const scCatalogVol *row,
              int (*cb)(const char *name, const char *detail, const char *kind, void *opaque),
              void *opaque)
{
    _cleanup_free_ char *name = NULL, *as = NULL;
    int r;

    if (!row->path || row->type != SC_STORAGE_VOL_BLOCK)
        return 0;
    if ((r = scPoolSourceUser(conn, row->path, row->pool_uuid, false, &name, &as)) <= 0)
        return r;
    return cb(name, as, "pool", opaque);
}

int
scVolCheckUsers(scConnect *conn, const scCatalogVol *row, const char *verb)
{
    Users u = { 0 };
    int r;

    if (!row->id) /* a volume not recorded (a read-only lookup's): nobody can know */
        return 0;
    if (!(u.out = open_memstream(&u.text, &u.len))) {
        scReportOOM();
        return -1;
    }
    r = scCatalogVolUsers(conn->catalog, row->uuid, users_add, &u);
    if (r == 0)
        r = scVolPoolUser(conn, row, users_add, &u);
    users_close_pool(&u);
    if (u.n > USERS_NAMED)
        fprintf(u.out, " and %zu more", u.n - USERS_NAMED);
    if (fclose(u.out) != 0) {
        free(u.text);
        scReportOOM();
        return -1;
    }
    if (r == 0 && u.n > 0) {
        /* libvirt's code for a volume "still in use" (storageVolDelete). */
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "volume '%s' is used %s: it cannot be %s", row->name, u.text, verb);
        r = -1;
    }
    free(u.text);
    return r;
}
