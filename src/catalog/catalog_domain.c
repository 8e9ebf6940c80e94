/*
 * catalog_domain.c: the guest disks of libvirt domains (tables domains and
 * attachments, sql/012-domain-disks.sql).
 *
 * A domain's disks are replaced whole in the caller's transaction: its old
 * row and disks go, the new ones come, each disk tied to the catalogued
 * volume it resolves to then (by pool and volume name, or by path or
 * alias). The users of a volume (catalog_vol.c, VS_USERS) and the owners
 * of a path (here) match attachments by that volume's UUID and by every
 * spelling the catalog knows of it, so that a volume catalogued after the
 * import is found too.
 */
#include <config.h>

#include <stdio.h>

#include "catalog_priv.h"

typedef enum {
    DS_DROP_DISKS,
    DS_DROP,
    DS_INSERT,
    DS_BY_NAME,
    DS_BY_PATH,
    DS_DISK,
    DS_OWNERS,
    DS_LAST
} DomainStmt;

_Static_assert(SC_STMT_DOMAIN_BASE + DS_LAST <= SC_STMT_SETTINGS_BASE, "domain statements overflow");

/* The states of a row that is a volume (not a journal of one). */
#define VOLUME_STATES "('present', 'missing', 'incomplete')"

static const char *const domain_sql[DS_LAST] = {
    [DS_DROP_DISKS] = "DELETE FROM attachments WHERE domain_id ="
                      " (SELECT id FROM domains WHERE name = :domain)",
    [DS_DROP] = "DELETE FROM domains WHERE name = :domain",
    [DS_INSERT] = "INSERT INTO domains (name, uuid, source, imported_at)"
                  " VALUES (:domain, :uuid, :source, :now)",
    [DS_BY_NAME] =
        "SELECT v.uuid, v.path FROM volumes v JOIN pools p ON p.id = v.pool_id"
        " WHERE p.name = :pool_name AND v.name = :vol_name AND v.state IN " VOLUME_STATES,
    /* A volume's own path first, then its aliases. */
    [DS_BY_PATH] =
        "SELECT uuid, path FROM volumes WHERE path IN (:path, :alt_path) AND state IN " VOLUME_STATES
        " UNION ALL SELECT v.uuid, v.path FROM volume_paths a"
        " JOIN volumes v ON v.id = a.volume_id WHERE a.path IN (:path, :alt_path)"
        " AND v.state IN " VOLUME_STATES " LIMIT 1",
    [DS_DISK] = "INSERT INTO attachments (domain_id, target, device, source_type, source, path,"
                " alt_path, volume_uuid, readonly) VALUES (:id, :target, :device, :source_type,"
                " :source, :path, :alt_path, :vol_uuid, :readonly)",
    /* The volume at a path (its own, or an alias), every spelling of it,
     * and the domains with a disk that is one of them. */
    [DS_OWNERS] = "WITH vol(id, uuid) AS ("
                  "  SELECT id, uuid FROM volumes WHERE path IN (:path, :path2)"
                  "  UNION SELECT v.id, v.uuid FROM volume_paths a JOIN volumes v"
                  "  ON v.id = a.volume_id WHERE a.path IN (:path, :path2)),"
                  " spelling(p) AS (SELECT :path UNION SELECT :path2"
                  "  UNION SELECT path FROM volumes WHERE id IN (SELECT id FROM vol)"
                  "  UNION SELECT path FROM volume_paths WHERE volume_id IN (SELECT id FROM vol))"
                  " SELECT DISTINCT d.name FROM attachments t JOIN domains d ON d.id = t.domain_id"
                  " WHERE t.path IN (SELECT p FROM spelling)"
                  " OR t.alt_path IN (SELECT p FROM spelling)"
                  " OR t.volume_uuid IN (SELECT uuid FROM vol) ORDER BY d.name",
};

static scStmt *
dstmt(scCatalog *cat, DomainStmt id)
{
    return scCatalogStmt(cat, SC_STMT_DOMAIN_BASE + (int) id, domain_sql[id]);
}

int
scCatalogDomainForget(scCatalog *cat, const char *name)
{
    scStmt *s = dstmt(cat, DS_DROP_DISKS);

    if (!s)
        return -1;
    scBindText(s, P_DOMAIN, name);
    if (scCatalogRun(cat, s, "forgetting a domain's disks") < 0 || !(s = dstmt(cat, DS_DROP)))
        return -1;
    scBindText(s, P_DOMAIN, name);
    if (scCatalogRun(cat, s, "forgetting a domain") < 0)
        return -1;
    return sqlite3_changes(cat->db) > 0 ? 1 : 0;
}

/* The volume disk @d resolves to: its UUID into @uuid and, when the disk
 * names no path of its own, its path into *@path (caller frees). 1, 0
 * none, -1. */
static int
resolve(scCatalog *cat, const scCatalogDisk *d, char *uuid, char **path)
{
    scStmt *s = dstmt(cat, d->vol_name ? DS_BY_NAME : DS_BY_PATH);
    int rc;

    if (!s)
        return -1;
    if (d->vol_name) {
        scBindText(s, P_POOL_NAME, d->pool_name);
        scBindText(s, P_VOL_NAME, d->vol_name);
    } else {
        scBindText(s, P_PATH, d->path);
        scBindText(s, P_ALT_PATH, d->alt_path);
    }
    if ((rc = scCatalogStep(cat, s, "resolving a domain's disk")) != SQLITE_ROW) {
        sqlite3_reset(s->st);
        return rc < 0 ? -1 : 0;
    }
    snprintf(uuid, SC_UUID_STRING_BUFLEN, "%s", (const char *) sqlite3_column_text(s->st, 0));
    if (d->vol_name && !(*path = scStrdup((const char *) sqlite3_column_text(s->st, 1)))) {
        sqlite3_reset(s->st);
        return -1;
    }
    sqlite3_reset(s->st);
    return 1;
}

int
scCatalogDomainReplace(scCatalog *cat, const char *name, const char *uuid, const char *source,
                       const scCatalogDisk *disks, size_t ndisks, size_t *resolved)
{
    scStmt *s;
    int64_t id;

    *resolved = 0;
    if (scCatalogDomainForget(cat, name) < 0 || !(s = dstmt(cat, DS_INSERT)))
        return -1;
    scBindText(s, P_DOMAIN, name);
    scBindText(s, P_UUID, uuid);
    scBindText(s, P_SOURCE, source);
    scBindInt(s, P_NOW, scNow());
    if (scCatalogRun(cat, s, "recording a domain") < 0)
        return -1;
    id = sqlite3_last_insert_rowid(cat->db);
    for (size_t i = 0; i < ndisks; i++) {
        const scCatalogDisk *d = &disks[i];
        char vol[SC_UUID_STRING_BUFLEN];
        char *vol_path = NULL;
        int r = d->path || d->vol_name ? resolve(cat, d, vol, &vol_path) : 0;

        if (r < 0 || !(s = dstmt(cat, DS_DISK))) {
            free(vol_path);
            return -1;
        }
        scBindInt(s, P_ID, id);
        scBindText(s, P_TARGET, d->target);
        scBindText(s, P_DEVICE, d->device);
        scBindText(s, P_SOURCE_TYPE, d->source_type);
        scBindText(s, P_SOURCE, d->source);
        scBindText(s, P_PATH, d->path ? d->path : vol_path);
        scBindText(s, P_ALT_PATH, d->alt_path);
        scBindText(s, P_VOL_UUID, r > 0 ? vol : NULL);
        scBindInt(s, P_READONLY, d->readonly);
        if (scCatalogRun(cat, s, "recording a domain's disk") < 0) {
            free(vol_path);
            return -1;
        }
        free(vol_path);
        if (r > 0)
            (*resolved)++;
    }
    return 0;
}

int
scCatalogDiskOwners(scCatalog *cat, const char *path, const char *path2,
                    int (*cb)(const char *domain, void *opaque), void *opaque)
{
    scStmt *s = dstmt(cat, DS_OWNERS);
    int rc;

    if (!s)
        return -1;
    scBindText(s, P_PATH, path);
    scBindText(s, P_PATH2, path2);
    while ((rc = scCatalogStep(cat, s, "looking for the owners of a disk")) == SQLITE_ROW) {
        if (cb((const char *) sqlite3_column_text(s->st, 0), opaque) < 0) {
            sqlite3_reset(s->st);
            return -1;
        }
    }
    sqlite3_reset(s->st);
    return rc < 0 ? -1 : 0;
}
