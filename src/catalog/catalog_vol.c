/*
 * catalog_vol.c: the catalog's volumes: rows, lookups, the writes of what
 * storage says of a volume (with its aliases and attributes), journals,
 * and the audit events of volume actions.
 */
#include <config.h>

#include <stdio.h>
#include <unistd.h>

#include "catalog_priv.h"
#include "conf/vol_conf.h"
#include "util/util.h"

SC_ENUM_IMPL(scVolState, SC_STORAGE_VOL_STATE_LAST, "present", "missing", "creating",
             "deleting", "incomplete")

/* The values the schema's CHECK allows in volumes.op (test_catalog.c
 * checks that the two lists agree). */
const char *const scCatalogVolOps[] = { "wiping", "resizing", "uploading" };
const size_t scCatalogNumVolOps = SC_N_ELEMENTS(scCatalogVolOps);

typedef enum {
    VS_BY_UUID,
    VS_BY_KEY,
    VS_BY_PATH,
    VS_BY_NAME,
    VS_BY_POOL_KEY,
    VS_FIND_UUID,
    VS_FIND_KEY,
    VS_FIND_PATH,
    VS_FIND_NAME,
    VS_LIST,
    VS_LIST_ALL,
    VS_LIST_EVERY,
    VS_INFO,
    VS_COUNT,
    VS_COUNT_ALL,
    VS_COUNT_EVERY,
    VS_INSERT,
    VS_UPDATE,
    VS_UPDATE_KEPT,
    VS_SET_STATE,
    VS_SET_OP,
    VS_RESTORE_SIG,
    VS_DELETE,
    VS_ID,
    VS_PATHS_CLEAR,
    VS_PATH_ADD,
    VS_PATH_ADD2,
    VS_PATH_ADD4,
    VS_PATH_ADD8,
    VS_PATHS,
    VS_ATTRS_CLEAR,
    VS_ATTR_SET,
    VS_ATTR_SET2,
    VS_ATTR_SET4,
    VS_ATTR_SET8,
    VS_ATTRS,
    VS_EVENT,
    VS_USERS,
    VS_SET_IDENT,
    VS_CLAIM,
    VS_DELETE_PATHS,
    VS_DELETE_ATTRS,
    VS_DETAILS_OF,
    VS_LAST
} VolStmt;
_Static_assert(SC_STMT_VOL_BASE + VS_LAST <= SC_STMT_SCAN_BASE, "volume statements overflow");

#define VOL_COLUMNS                                                          \
    "v.id, v.pool_id, v.uuid, p.uuid, p.name, v.name, v.key, v.path, v.type, v.format, "   \
    "v.capacity, v.allocation, v.physical, v.backing_path, v.backing_format, v.mode, "      \
    "v.uid, v.gid, v.atime_ns, v.mtime_ns, v.ctime_ns, v.btime_ns, v.state, v.sig, "       \
    "v.ident, v.op, v.op_pid, v.op_boot IS :boot, v.op_start"
#define VOL_FROM " FROM volumes v JOIN pools p ON p.id = v.pool_id "
#define POOL_ID "(SELECT id FROM pools WHERE uuid = :pool)"
#define VOL_ID "(SELECT id FROM volumes WHERE uuid = :uuid)"
/* The volume's path and its aliases. */
#define VOL_SPELLINGS                                                                              \
    "(SELECT path FROM volumes WHERE uuid = :uuid"                                               \
    " UNION SELECT path FROM volume_paths WHERE volume_id = " VOL_ID ")"

/* The columns a record sets (insert and update), and their parameters:
 * the names, each under a UNIQUE index, and the rest. */
#define NAME_COLUMNS "name, key, path"
#define NAME_PARAMS ":name, :key, :path"
#define REST_COLUMNS                                                         \
    "type, format, capacity, allocation, physical, backing_path, "                        \
    "backing_format, mode, uid, gid, atime_ns, mtime_ns, ctime_ns, btime_ns, sig, ident"
#define REST_PARAMS                                                          \
    ":type, :format, :capacity, :allocation, :physical, "                                 \
    ":backing_path, :backing_format, :mode, :uid, :gid, :atime, :mtime, :ctime, :btime, "  \
    ":sig, :ident"
#define DATA_COLUMNS NAME_COLUMNS ", " REST_COLUMNS
#define DATA_PARAMS NAME_PARAMS ", " REST_PARAMS
/* What an update sets besides a record's columns: what an interrupted
 * create left stays incomplete, whatever it holds. */
#define UPDATE_REST                                                                                \
    " state = CASE state WHEN 'incomplete' THEN state ELSE 'present' END, op = NULL,"           \
    " op_pid = NULL, op_boot = NULL, op_start = NULL, last_seen = :now WHERE id = :id"

/* Rows of the multi-row inserts of aliases and attributes: :id first, so
 * that it is parameter 1 and the numbered ones follow. */
#define PATH_ROWS1 "(:id, ?2)"
#define PATH_ROWS2 PATH_ROWS1 ", (:id, ?3)"
#define PATH_ROWS4 PATH_ROWS2 ", (:id, ?4), (:id, ?5)"
#define PATH_ROWS8 PATH_ROWS4 ", (:id, ?6), (:id, ?7), (:id, ?8), (:id, ?9)"
#define ATTR_ROWS1 "(:id, ?2, ?3)"
#define ATTR_ROWS2 ATTR_ROWS1 ", (:id, ?4, ?5)"
#define ATTR_ROWS4 ATTR_ROWS2 ", (:id, ?6, ?7), (:id, ?8, ?9)"
#define ATTR_ROWS8                                                                                 \
    ATTR_ROWS4 ", (:id, ?10, ?11), (:id, ?12, ?13), (:id, ?14, ?15), (:id, ?16, ?17)"

static const char *const vol_sql[VS_LAST] = {
    [VS_BY_UUID] = "SELECT " VOL_COLUMNS VOL_FROM "WHERE v.uuid = :uuid",
    [VS_BY_KEY] = "SELECT " VOL_COLUMNS VOL_FROM "WHERE v.key = :key",
    /* By path: a volume's own path, else an alias (as VS_FIND_PATH: a
     * path that is one volume's own and another's alias is the first's). */
    [VS_BY_PATH] = "SELECT " VOL_COLUMNS VOL_FROM "WHERE v.path = :path UNION ALL"
                   " SELECT " VOL_COLUMNS VOL_FROM
                   " JOIN volume_paths a ON a.volume_id = v.id WHERE a.path = :path LIMIT 1",
    [VS_BY_NAME] = "SELECT " VOL_COLUMNS VOL_FROM "WHERE p.uuid = :pool AND v.name = :name",
    [VS_BY_POOL_KEY] = "SELECT " VOL_COLUMNS VOL_FROM "WHERE v.key = :key AND p.uuid = :pool",
    /* Lookups for a handle: identity only, one index probe, no join. */
    [VS_FIND_UUID] = "SELECT uuid, name, key, state, pool_id FROM volumes WHERE uuid = :uuid",
    /* A key is unique in its pool only: the same LUN in two pools is one
     * key twice (scCatalogVolFind takes the first whose pool is active). */
    [VS_FIND_KEY] = "SELECT uuid, name, key, state, pool_id FROM volumes WHERE key = :key",
    /* A volume's own path, else one of the aliases: one statement, so
     * one read transaction (its locks are most of a lookup's cost); the
     * second arm runs only when the first found nothing. */
    [VS_FIND_PATH] = "SELECT uuid, name, key, state, pool_id FROM volumes WHERE path = :path"
                     " UNION ALL SELECT v.uuid, v.name, v.key, v.state, v.pool_id"
                     " FROM volume_paths a"
                     " JOIN volumes v ON v.id = a.volume_id WHERE a.path = :path LIMIT 1",
    [VS_FIND_NAME] = "SELECT uuid, name, key, state, pool_id FROM volumes"
                     " WHERE pool_id = " POOL_ID " AND name = :name",
    /* Listings for handles: identity only, from the (pool_id, name) index. */
    [VS_LIST] = "SELECT uuid, name, key, state, pool_id FROM volumes WHERE pool_id = " POOL_ID
                " AND state = 'present' ORDER BY name",
    [VS_LIST_ALL] = "SELECT uuid, name, key, state, pool_id FROM volumes WHERE pool_id = " POOL_ID
                    " AND state IN ('present', 'missing') ORDER BY name",
    [VS_LIST_EVERY] = "SELECT uuid, name, key, state, pool_id FROM volumes WHERE pool_id = " POOL_ID
                      " ORDER BY name",
    [VS_INFO] = "SELECT type, capacity, allocation, physical, pool_id FROM volumes"
                " WHERE uuid = :uuid",
    [VS_COUNT] = "SELECT count(*) FROM volumes WHERE pool_id = " POOL_ID
                 " AND state = 'present'",
    [VS_COUNT_ALL] = "SELECT count(*) FROM volumes WHERE pool_id = " POOL_ID
                     " AND state IN ('present', 'missing')",
    [VS_COUNT_EVERY] = "SELECT count(*) FROM volumes WHERE pool_id = " POOL_ID,
    [VS_INSERT] = "INSERT OR FAIL INTO volumes (pool_id, uuid, state, op_pid, op_boot, op_start,"
                  " first_seen, last_seen, " DATA_COLUMNS ") VALUES (:pool_id, :uuid,"
                  " :state, :pid, CASE WHEN :pid IS NULL THEN NULL ELSE :boot END, :start,"
                  " :now, :now, " DATA_PARAMS ")",
    [VS_UPDATE] = "UPDATE volumes SET (" DATA_COLUMNS ") = (" DATA_PARAMS ")," UPDATE_REST,
    /* The same, names kept: SQLite rewrites the index entries of every
     * column set, changed or not; a volume read again mostly keeps its
     * name, key and path. */
    [VS_UPDATE_KEPT] = "UPDATE volumes SET (" REST_COLUMNS ") = (" REST_PARAMS ")," UPDATE_REST,
    [VS_SET_STATE] = "UPDATE volumes SET state = :state, op_pid = :pid, op_start = :start,"
                     " op_boot = CASE WHEN :pid IS NULL THEN NULL ELSE :boot END,"
                     " last_seen = :now WHERE uuid = :uuid",
    /* An operation's journal leaves no signature: should it be interrupted,
     * the next refresh reads the volume again. */
    [VS_SET_OP] = "UPDATE volumes SET op = :op, op_pid = :pid, op_start = :start,"
                  " op_boot = CASE WHEN :pid IS NULL THEN NULL ELSE :boot END,"
                  " sig = CASE WHEN :op IS NULL THEN sig END WHERE uuid = :uuid",
    [VS_RESTORE_SIG] = "UPDATE volumes SET sig = :sig WHERE uuid = :uuid",
    [VS_DELETE] = "DELETE FROM volumes WHERE uuid = :uuid",
    /* What ON DELETE CASCADE does, for a bulk transaction (foreign keys off). */
    [VS_DELETE_PATHS] = "DELETE FROM volume_paths WHERE volume_id = " VOL_ID,
    [VS_DELETE_ATTRS] = "DELETE FROM volume_attrs WHERE volume_id = " VOL_ID,
    [VS_ID] = "SELECT id, name, key, path FROM volumes WHERE uuid = :uuid",
    [VS_PATHS_CLEAR] = "DELETE FROM volume_paths WHERE volume_id = :id",
    /* An alias names the volume that recorded it last. One row, 2, 4 or
     * 8 at a time (add_details): the aliases ?2, ?3, ... */
    [VS_PATH_ADD] = "INSERT OR REPLACE INTO volume_paths (volume_id, path) VALUES " PATH_ROWS1,
    [VS_PATH_ADD2] = "INSERT OR REPLACE INTO volume_paths (volume_id, path) VALUES " PATH_ROWS2,
    [VS_PATH_ADD4] = "INSERT OR REPLACE INTO volume_paths (volume_id, path) VALUES " PATH_ROWS4,
    [VS_PATH_ADD8] = "INSERT OR REPLACE INTO volume_paths (volume_id, path) VALUES " PATH_ROWS8,
    [VS_PATHS] = "SELECT path, NULL FROM volume_paths WHERE volume_id = " VOL_ID
                 " ORDER BY path",
    [VS_ATTRS_CLEAR] = "DELETE FROM volume_attrs WHERE volume_id = :id",
    /* The same for attributes: names and values ?2, ?3, ?4, ?5, ... */
    [VS_ATTR_SET] = "INSERT OR REPLACE INTO volume_attrs (volume_id, name, value) VALUES " ATTR_ROWS1,
    [VS_ATTR_SET2] = "INSERT OR REPLACE INTO volume_attrs (volume_id, name, value) VALUES " ATTR_ROWS2,
    [VS_ATTR_SET4] = "INSERT OR REPLACE INTO volume_attrs (volume_id, name, value) VALUES " ATTR_ROWS4,
    [VS_ATTR_SET8] = "INSERT OR REPLACE INTO volume_attrs (volume_id, name, value) VALUES " ATTR_ROWS8,
    [VS_ATTRS] = "SELECT name, value FROM volume_attrs WHERE volume_id = " VOL_ID
                 " ORDER BY name",
    /* What an update compares before it rewrites, in one statement: the
     * aliases (0) and the attributes (1), two index ranges, no sort. */
    [VS_DETAILS_OF] = "SELECT 0, path, NULL FROM volume_paths WHERE volume_id = :id"
                      " UNION ALL SELECT 1, name, value FROM volume_attrs WHERE volume_id = :id",
    [VS_EVENT] = "INSERT INTO events (ts, actor, pool_uuid, pool_name, volume_uuid, volume_name,"
                 " action, detail, changes, " SC_EVENT_WHO_COLUMNS ") VALUES (:now, :actor,"
                 " :pool, :pool_name, :vol_uuid, :vol_name, :action, :detail, :changes, "
                 SC_EVENT_WHO_VALUES ")",
    /* Who uses the volume: the domains with a disk that resolved to it
     * or is spelled as its path or an alias (attachments_volume,
     * attachments_path, attachments_alt_path), then the volumes whose
     * backing file it is (the partial index volumes_backing). */
    [VS_USERS] = "SELECT name, pool, kind FROM ("
                 "SELECT d.name AS name, group_concat(coalesce(t.target, '-'), ', ') AS pool,"
                 " 'domain' AS kind, 0 AS k FROM attachments t JOIN domains d ON d.id = t.domain_id"
                 " WHERE t.volume_uuid = :uuid OR t.path IN " VOL_SPELLINGS
                 " OR t.alt_path IN " VOL_SPELLINGS " GROUP BY d.id"
                 " UNION ALL SELECT u.name, p.name, 'backing', 1 FROM volumes u"
                 " JOIN pools p ON p.id = u.pool_id WHERE u.backing_path IN " VOL_SPELLINGS
                 " AND u.state IN ('present', 'incomplete', 'creating') AND u.uuid != :uuid)"
                 " ORDER BY k, CASE k WHEN 0 THEN name ELSE pool END, name",
    /* A create's storage exists: its identity, journaled at once. */
    [VS_SET_IDENT] = "UPDATE volumes SET ident = :ident WHERE uuid = :uuid AND state = 'creating'",
    /* Take over the stale journal of a create: it is still the one seen. */
    [VS_CLAIM] = "UPDATE volumes SET op_pid = :pid, op_start = :start, op_boot = :boot"
                 " WHERE id = :id AND state = 'creating' AND op_pid IS :old_pid"
                 " AND op_start IS :old_start",
};

static scStmt *
vstmt(scCatalog *cat, VolStmt id)
{
    return scCatalogStmt(cat, SC_STMT_VOL_BASE + (int) id, vol_sql[id]);
}

void
scCatalogVolClear(scCatalogVol *row)
{
    if (!row)
        return;
    free(row->pool_name);
    free(row->name);
    free(row->key);
    free(row->path);
    free(row->format);
    free(row->backing_path);
    free(row->backing_format);
    free(row->op);
    memset(row, 0, sizeof(*row));
}

static int
read_vol_row(sqlite3_stmt *st, scCatalogVol *row)
{
    memset(row, 0, sizeof(*row));
    row->id = sqlite3_column_int64(st, 0);
    row->pool_id = sqlite3_column_int64(st, 1);
    snprintf(row->uuid, sizeof(row->uuid), "%s", (const char *) sqlite3_column_text(st, 2));
    snprintf(row->pool_uuid, sizeof(row->pool_uuid), "%s",
             (const char *) sqlite3_column_text(st, 3));
    if (scCatalogColumnDup(st, 4, &row->pool_name) < 0 ||
        scCatalogColumnDup(st, 5, &row->name) < 0 || scCatalogColumnDup(st, 6, &row->key) < 0 ||
        scCatalogColumnDup(st, 7, &row->path) < 0 || scCatalogColumnDup(st, 9, &row->format) < 0 ||
        scCatalogColumnDup(st, 13, &row->backing_path) < 0 ||
        scCatalogColumnDup(st, 14, &row->backing_format) < 0 ||
        scCatalogColumnDup(st, 25, &row->op) < 0) {
        scCatalogVolClear(row);
        return -1;
    }
    row->type = scStorageVolTypeFromString((const char *) sqlite3_column_text(st, 8));
    row->capacity = (unsigned long long) scCatalogColumnInt(st, 10, 0);
    row->allocation = (unsigned long long) scCatalogColumnInt(st, 11, 0);
    row->physical = (unsigned long long) scCatalogColumnInt(st, 12, 0);
    row->mode = scCatalogColumnInt(st, 15, -1);
    row->uid = scCatalogColumnInt(st, 16, -1);
    row->gid = scCatalogColumnInt(st, 17, -1);
    row->atime_ns = scCatalogColumnInt(st, 18, -1);
    row->mtime_ns = scCatalogColumnInt(st, 19, -1);
    row->ctime_ns = scCatalogColumnInt(st, 20, -1);
    row->btime_ns = scCatalogColumnInt(st, 21, -1);
    row->state = scVolStateFromString((const char *) sqlite3_column_text(st, 22));
    row->sig_len = scCatalogColumnBlob(st, 23, row->sig, sizeof(row->sig));
    row->ident_len = scCatalogColumnBlob(st, 24, row->ident, sizeof(row->ident));
    row->op_pid = scCatalogColumnInt(st, 26, -1);
    row->op_this_boot = sqlite3_column_int(st, 27) != 0;
    row->op_start = (unsigned long long) scCatalogColumnInt(st, 28, 0);
    return 0;
}

/* Run a lookup statement already bound; 1 found, 0 not, -1 error. */
static int
get_one(scCatalog *cat, scStmt *s, scCatalogVol *row)
{
    int rc = scCatalogStep(cat, s, "looking up a volume");
    int ret;

    if (rc < 0)
        return -1;
    ret = rc == SQLITE_ROW ? (read_vol_row(s->st, row) < 0 ? -1 : 1) : 0;
    sqlite3_reset(s->st);
    return ret;
}

/* Column @col of @st into @buf of @size bytes, cut to fit, NUL ended (a
 * lookup's hot path: a copy, no formatting). */
static void
column_copy(sqlite3_stmt *st, int col, char *buf, size_t size)
{
    const unsigned char *text = sqlite3_column_text(st, col);
    size_t len = text ? (size_t) sqlite3_column_bytes(st, col) : 0;

    if (len >= size)
        len = size - 1;
    if (len)
        memcpy(buf, text, len);
    buf[len] = '\0';
}

/* The identity in the columns (uuid, name, key, state) of @st. */
static void
read_identity(sqlite3_stmt *st, scCatalogVolIdentity *id)
{
    column_copy(st, 0, id->uuid, sizeof(id->uuid));
    column_copy(st, 1, id->name, sizeof(id->name));
    column_copy(st, 2, id->key, sizeof(id->key));
    id->state = scVolStateFromString((const char *) sqlite3_column_text(st, 3));
    id->pool_id = sqlite3_column_int64(st, 4);
}

static const scParam by_param[] = {
    [SC_VOL_BY_UUID] = P_UUID,
    [SC_VOL_BY_KEY] = P_KEY,
    [SC_VOL_BY_PATH] = P_PATH,
};

int
scCatalogVolGet(scCatalog *cat, scCatalogVolKey by, const char *value, scCatalogVol *row)
{
    static const VolStmt ids[] = {
        [SC_VOL_BY_UUID] = VS_BY_UUID,
        [SC_VOL_BY_KEY] = VS_BY_KEY,
        [SC_VOL_BY_PATH] = VS_BY_PATH,
    };
    scStmt *s;

    memset(row, 0, sizeof(*row));
    if (!(s = vstmt(cat, ids[by])))
        return -1;
    scBindText(s, by_param[by], value);
    return get_one(cat, s, row);
}

int
scCatalogVolFind(scCatalog *cat, scCatalogVolKey by, const char *value, const char *pool_uuid,
                 scCatalogVolIdentity *id)
{
    static const VolStmt ids[] = {
        [SC_VOL_BY_UUID] = VS_FIND_UUID,
        [SC_VOL_BY_KEY] = VS_FIND_KEY,
        [SC_VOL_BY_PATH] = VS_FIND_PATH,
    };
    scStmt *s = vstmt(cat, pool_uuid ? VS_FIND_NAME : ids[by]);
    int rc;

    if (!s)
        return -1;
    if (pool_uuid) {
        scBindText(s, P_POOL, pool_uuid);
        scBindText(s, P_NAME, value);
    } else {
        scBindText(s, by_param[by], value);
    }
    if ((rc = scCatalogStep(cat, s, "looking up a volume")) != SQLITE_ROW) {
        sqlite3_reset(s->st);
        return rc < 0 ? -1 : 0;
    }
    read_identity(s->st, id);
    /* A key may be several pools' (one LUN through two portals): the
     * first whose pool is active, else the first. */
    if (by == SC_VOL_BY_KEY && !pool_uuid) {
        scCatalogVolIdentity next;
        const char *name;
        int r = scCatalogPoolInactive(cat, id->pool_id, NULL, &name);

        while (r > 0 && (rc = scCatalogStep(cat, s, "looking up a volume")) == SQLITE_ROW) {
            read_identity(s->st, &next);
            if ((r = scCatalogPoolInactive(cat, next.pool_id, NULL, &name)) == 0)
                *id = next;
        }
        if (r < 0 || rc < 0) {
            sqlite3_reset(s->st);
            return -1;
        }
    }
    sqlite3_reset(s->st);
    return 1;
}

int
scCatalogVolGetByKey(scCatalog *cat, const char *pool_uuid, const char *key, scCatalogVol *row)
{
    scStmt *s;

    memset(row, 0, sizeof(*row));
    if (!(s = vstmt(cat, VS_BY_POOL_KEY)))
        return -1;
    scBindText(s, P_POOL, pool_uuid);
    scBindText(s, P_KEY, key);
    return get_one(cat, s, row);
}

int
scCatalogVolGetByName(scCatalog *cat, const char *pool_uuid, const char *name,
                      scCatalogVol *row)
{
    scStmt *s;

    memset(row, 0, sizeof(*row));
    if (!(s = vstmt(cat, VS_BY_NAME)))
        return -1;
    scBindText(s, P_POOL, pool_uuid);
    scBindText(s, P_NAME, name);
    return get_one(cat, s, row);
}

int
scCatalogVolForEach(scCatalog *cat, const char *pool_uuid, scCatalogVolSet set,
                    scCatalogVolCb cb, void *opaque)
{
    static const VolStmt ids[] = {
        [SC_VOLS_PRESENT] = VS_LIST, [SC_VOLS_KNOWN] = VS_LIST_ALL, [SC_VOLS_ALL] = VS_LIST_EVERY,
    };
    scStmt *s = vstmt(cat, ids[set]);
    scCatalogVolIdentity id;
    int rc;

    if (!s)
        return -1;
    scBindText(s, P_POOL, pool_uuid);
    while ((rc = scCatalogStep(cat, s, "listing volumes")) == SQLITE_ROW) {
        int r;
        read_identity(s->st, &id);
        if ((r = cb(&id, opaque)) < 0) {
            sqlite3_reset(s->st);
            return r;
        }
    }
    sqlite3_reset(s->st);
    return rc < 0 ? -1 : 0;
}

int
scCatalogVolGetInfo(scCatalog *cat, const char *uuid, scStorageVolInfo *info,
                    unsigned long long *physical, long long *pool_id)
{
    scStmt *s = vstmt(cat, VS_INFO);
    int rc;

    if (!s)
        return -1;
    scBindText(s, P_UUID, uuid);
    if ((rc = scCatalogStep(cat, s, "reading a volume")) == SQLITE_ROW) {
        info->type = scStorageVolTypeFromString((const char *) sqlite3_column_text(s->st, 0));
        info->capacity = (unsigned long long) scCatalogColumnInt(s->st, 1, 0);
        info->allocation = (unsigned long long) scCatalogColumnInt(s->st, 2, 0);
        if (physical)
            *physical = (unsigned long long) scCatalogColumnInt(s->st, 3, 0);
        *pool_id = sqlite3_column_int64(s->st, 4);
    }
    sqlite3_reset(s->st);
    return rc < 0 ? -1 : rc == SQLITE_ROW;
}

int
scCatalogVolCount(scCatalog *cat, const char *pool_uuid, scCatalogVolSet set)
{
    static const VolStmt ids[] = {
        [SC_VOLS_PRESENT] = VS_COUNT, [SC_VOLS_KNOWN] = VS_COUNT_ALL,
        [SC_VOLS_ALL] = VS_COUNT_EVERY,
    };
    scStmt *s = vstmt(cat, ids[set]);
    int n;

    if (!s)
        return -1;
    scBindText(s, P_POOL, pool_uuid);
    if (scCatalogStep(cat, s, "counting volumes") != SQLITE_ROW)
        return -1;
    n = sqlite3_column_int(s->st, 0);
    sqlite3_reset(s->st);
    return n;
}

/* Bind a record's columns (@names: its name, key and path too). */
static void
bind_data(scStmt *s, const scCatalogVolData *d, bool names)
{
    if (names) {
        scBindText(s, P_NAME, d->name);
        scBindText(s, P_KEY, d->key);
        scBindText(s, P_PATH, d->path);
    }
    scBindText(s, P_TYPE, scStorageVolTypeToString(d->type));
    scBindText(s, P_FORMAT, d->format);
    scBindInt(s, P_CAPACITY, (long long) d->capacity);
    scBindInt(s, P_ALLOCATION, (long long) d->allocation);
    scBindInt(s, P_PHYSICAL, (long long) d->physical);
    scBindText(s, P_BACKING_PATH, d->backing_path);
    scBindText(s, P_BACKING_FORMAT, d->backing_format);
    scBindIntOr(s, P_MODE, d->mode, d->mode >= 0);
    scBindIntOr(s, P_UID, d->uid, d->uid >= 0);
    scBindIntOr(s, P_GID, d->gid, d->gid >= 0);
    scBindIntOr(s, P_ATIME, d->atime_ns, d->atime_ns >= 0);
    scBindIntOr(s, P_MTIME, d->mtime_ns, d->mtime_ns >= 0);
    scBindIntOr(s, P_CTIME, d->ctime_ns, d->ctime_ns >= 0);
    scBindIntOr(s, P_BTIME, d->btime_ns, d->btime_ns >= 0);
    scBindBlob(s, P_SIG, d->sig, d->sig_len);
    scBindBlob(s, P_IDENT, d->ident, d->ident_len);
}

static bool
same_text(const char *a, const char *b)
{
    return a && b ? strcmp(a, b) == 0 : a == b;
}

enum { DETAIL_PATH, DETAIL_ATTR };

/* Is (@name, @value), an alias (@kind DETAIL_PATH: no value) or an
 * attribute, in @d? */
static bool
in_data(int kind, const scCatalogVolData *d, const char *name, const char *value)
{
    if (kind == DETAIL_PATH) {
        for (size_t i = 0; i < d->naliases; i++)
            if (same_text(d->aliases[i], name))
                return true;
        return false;
    }
    for (size_t i = 0; i < d->nattrs; i++)
        if (same_text(d->attrs[i].name, name))
            return same_text(d->attrs[i].value, value);
    return false;
}

/* Does the volume of row @id have the aliases of @d already, no more, no
 * fewer (same[DETAIL_PATH]), and its attributes (same[DETAIL_ATTR])? Its
 * rows of each are distinct, each in @d, and as many: @d's are that set
 * (a list with a name twice never matches, and is written). 0 or -1. */
static int
details_match(scCatalog *cat, int64_t id, const scCatalogVolData *d, bool same[2])
{
    const size_t want[2] = { d->naliases, d->nattrs };
    size_t n[2] = { 0, 0 };
    scStmt *s = vstmt(cat, VS_DETAILS_OF);
    int rc = SQLITE_ROW;

    same[DETAIL_PATH] = same[DETAIL_ATTR] = true;
    if (!s)
        return -1;
    scBindInt(s, P_ID, id);
    while ((same[DETAIL_PATH] || same[DETAIL_ATTR]) &&
           (rc = scCatalogStep(cat, s, "reading volume details")) == SQLITE_ROW) {
        int k = sqlite3_column_int(s->st, 0) == DETAIL_PATH ? DETAIL_PATH : DETAIL_ATTR;
        if (same[k])
            same[k] = ++n[k] <= want[k] &&
                      in_data(k, d, (const char *) sqlite3_column_text(s->st, 1),
                              (const char *) sqlite3_column_text(s->st, 2));
    }
    if (rc < 0)
        return -1;
    sqlite3_reset(s->st);
    same[DETAIL_PATH] = same[DETAIL_PATH] && n[DETAIL_PATH] == want[DETAIL_PATH];
    same[DETAIL_ATTR] = same[DETAIL_ATTR] && n[DETAIL_ATTR] == want[DETAIL_ATTR];
    return 0;
}

/* Bind @text (NULL: NULL) to parameter @i of @s. */
static void
bind_text_at(scStmt *s, int i, const char *text)
{
    if (text)
        sqlite3_bind_text(s->st, i, text, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(s->st, i);
}

/* Insert the aliases (@kind DETAIL_PATH) or the attributes of @d for the
 * volume of row @id: 8, 4, 2 rows to a statement while there are as many
 * left, then 1 (a volume's 9 attributes are 2 statements, not 9: each
 * statement's fixed cost is most of a small row's). Rows go in in order,
 * as one by one: of a name given twice, the last holds. */
static int
add_details(scCatalog *cat, int64_t id, int kind, const scCatalogVolData *d)
{
    static const VolStmt stmts[2][4] = {
        [DETAIL_PATH] = { VS_PATH_ADD, VS_PATH_ADD2, VS_PATH_ADD4, VS_PATH_ADD8 },
        [DETAIL_ATTR] = { VS_ATTR_SET, VS_ATTR_SET2, VS_ATTR_SET4, VS_ATTR_SET8 },
    };
    size_t n = kind == DETAIL_PATH ? d->naliases : d->nattrs;

    for (size_t i = 0; i < n;) {
        size_t left = n - i;
        int w = left >= 8 ? 3 : left >= 4 ? 2 : left >= 2 ? 1 : 0;
        scStmt *s = vstmt(cat, stmts[kind][w]);

        if (!s)
            return -1;
        scBindInt(s, P_ID, id);
        for (int r = 0; r < 1 << w; r++, i++) {
            if (kind == DETAIL_PATH) {
                bind_text_at(s, 2 + r, d->aliases[i]);
            } else {
                bind_text_at(s, 2 + 2 * r, d->attrs[i].name);
                bind_text_at(s, 3 + 2 * r, d->attrs[i].value);
            }
        }
        if (scCatalogRun(cat, s,
                         kind == DETAIL_PATH ? "recording volume paths"
                                             : "recording volume attributes") < 0)
            return -1;
    }
    return 0;
}

/* Replace the aliases and attributes of the volume of row @id (@fresh: it
 * has none yet). A volume updated mostly keeps them (a file written to, a
 * LUN read again): what already holds is left as it is, so that an update
 * costs a read of two index ranges rather than a delete and an insert of
 * each row. */
static int
set_details(scCatalog *cat, int64_t id, const scCatalogVolData *d, bool fresh)
{
    bool same[2] = { false, false };
    scStmt *s;

    if (!fresh) {
        if (details_match(cat, id, d, same) < 0)
            return -1;
        if (!same[DETAIL_PATH]) {
            if (!(s = vstmt(cat, VS_PATHS_CLEAR)))
                return -1;
            scBindInt(s, P_ID, id);
            if (scCatalogRun(cat, s, "clearing volume paths") < 0)
                return -1;
        }
        if (!same[DETAIL_ATTR]) {
            if (!(s = vstmt(cat, VS_ATTRS_CLEAR)))
                return -1;
            scBindInt(s, P_ID, id);
            if (scCatalogRun(cat, s, "clearing volume attributes") < 0)
                return -1;
        }
    }
    if ((!same[DETAIL_PATH] && add_details(cat, id, DETAIL_PATH, d) < 0) ||
        (!same[DETAIL_ATTR] && add_details(cat, id, DETAIL_ATTR, d) < 0))
        return -1;
    return 0;
}

/* A UNIQUE clash on insert/update: say which volume is in the way. */
static void
report_clash(scCatalog *cat, const scCatalogVolData *d)
{
    scCatalogVol other;
    int r = scCatalogVolGet(cat, SC_VOL_BY_PATH, d->path, &other);

    if (r <= 0)
        r = scCatalogVolGet(cat, SC_VOL_BY_KEY, d->key, &other);
    if (r > 0)
        scReportError(SC_FROM_STORAGE, SC_ERR_STORAGE_VOL_EXIST,
                      "'%s' (its path '%s' is volume '%s' of pool '%s')", d->name, d->path,
                      other.name, other.pool_name);
    else
        scReportError(SC_FROM_STORAGE, SC_ERR_STORAGE_VOL_EXIST, "'%s'", d->name);
    scCatalogVolClear(&other);
}

/* Step an insert/update of a record, turning a UNIQUE clash into
 * SC_ERR_STORAGE_VOL_EXIST. */
static int
write_record(scCatalog *cat, scStmt *s, const scCatalogVolData *d, const char *what)
{
    int rc;

    if (scCatalogFailCountdown > 0 && --scCatalogFailCountdown == 0) {
        sqlite3_reset(s->st);
        scReportError(SC_FROM_CATALOG, SC_ERR_CATALOG, "catalog '%s': %s failed: injected failure",
                      cat->path, what);
        return -1;
    }
    rc = sqlite3_step(s->st);
    sqlite3_reset(s->st);
    if (rc == SQLITE_DONE)
        return 0;
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        report_clash(cat, d);
    else
        scCatalogReport(cat, rc, what);
    return -1;
}

static bool
is_journal(int state)
{
    return state == SC_STORAGE_VOL_STATE_CREATING || state == SC_STORAGE_VOL_STATE_DELETING;
}

int
scCatalogVolInsert(scCatalog *cat, int64_t pool_id, const char *uuid, int state,
                   const scCatalogVolData *data)
{
    scStmt *s = vstmt(cat, VS_INSERT);

    if (!s)
        return -1;
    scBindInt(s, P_POOL_ID, pool_id);
    scBindText(s, P_UUID, uuid);
    bind_data(s, data, true);
    scBindText(s, P_STATE, scVolStateToString(state));
    scBindIntOr(s, P_PID, (long long) getpid(), is_journal(state));
    scBindIntOr(s, P_START, (long long) scCatalogSelfStart(), is_journal(state));
    scBindInt(s, P_NOW, scNow());
    if (write_record(cat, s, data, "inserting a volume") < 0)
        return -1;
    if (!data->naliases && !data->nattrs)
        return 0;
    return set_details(cat, sqlite3_last_insert_rowid(cat->db), data, true);
}

/* Update row @id with @data; @kept: its name, key and path are @data's
 * already. */
static int
update_row(scCatalog *cat, int64_t id, bool kept, const scCatalogVolData *data)
{
    scStmt *s = vstmt(cat, kept ? VS_UPDATE_KEPT : VS_UPDATE);

    if (!s)
        return -1;
    scBindInt(s, P_ID, id);
    bind_data(s, data, !kept);
    scBindInt(s, P_NOW, scNow());
    if (write_record(cat, s, data, "updating a volume") < 0)
        return -1;
    return set_details(cat, id, data, false);
}

/* Is column @col of @st the text @text? */
static bool
column_is(sqlite3_stmt *st, int col, const char *text)
{
    return same_text((const char *) sqlite3_column_text(st, col), text);
}

int
scCatalogVolUpdate(scCatalog *cat, const char *uuid, const scCatalogVolData *data)
{
    scStmt *s = vstmt(cat, VS_ID);
    bool kept;
    int64_t id;
    int rc;

    if (!s)
        return -1;
    scBindText(s, P_UUID, uuid);
    if ((rc = scCatalogStep(cat, s, "updating a volume")) < 0)
        return -1;
    if (rc != SQLITE_ROW) {
        sqlite3_reset(s->st);
        return 0;
    }
    id = sqlite3_column_int64(s->st, 0);
    kept = column_is(s->st, 1, data->name) && column_is(s->st, 2, data->key) &&
           column_is(s->st, 3, data->path);
    sqlite3_reset(s->st);
    return update_row(cat, id, kept, data);
}

int
scCatalogVolUpdateRow(scCatalog *cat, const scCatalogVol *row, const scCatalogVolData *data)
{
    return update_row(cat, row->id,
                      same_text(row->name, data->name) && same_text(row->key, data->key) &&
                          same_text(row->path, data->path),
                      data);
}

int
scCatalogVolSetState(scCatalog *cat, const char *uuid, int state)
{
    scStmt *s = vstmt(cat, VS_SET_STATE);

    if (!s)
        return -1;
    scBindText(s, P_UUID, uuid);
    scBindText(s, P_STATE, scVolStateToString(state));
    scBindIntOr(s, P_PID, (long long) getpid(), is_journal(state));
    scBindIntOr(s, P_START, (long long) scCatalogSelfStart(), is_journal(state));
    scBindInt(s, P_NOW, scNow());
    return scCatalogRun(cat, s, "recording a volume state");
}

int
scCatalogVolSetOp(scCatalog *cat, const char *uuid, const char *op)
{
    scStmt *s = vstmt(cat, VS_SET_OP);

    if (!s)
        return -1;
    scBindText(s, P_UUID, uuid);
    scBindText(s, P_OP, op);
    scBindIntOr(s, P_PID, (long long) getpid(), op != NULL);
    scBindIntOr(s, P_START, (long long) scCatalogSelfStart(), op != NULL);
    return scCatalogRun(cat, s, "journaling a volume operation");
}

int
scCatalogVolRestoreSig(scCatalog *cat, const char *uuid, const void *sig, size_t sig_len)
{
    scStmt *s = vstmt(cat, VS_RESTORE_SIG);

    if (!s)
        return -1;
    scBindText(s, P_UUID, uuid);
    scBindBlob(s, P_SIG, sig, sig_len);
    return scCatalogRun(cat, s, "ending a volume operation");
}

int
scCatalogVolDelete(scCatalog *cat, const char *uuid)
{
    static const VolStmt steps[] = { VS_DELETE_PATHS, VS_DELETE_ATTRS, VS_DELETE };

    for (size_t i = 0; i < SC_N_ELEMENTS(steps); i++) {
        scStmt *s = vstmt(cat, steps[i]);
        if (!s)
            return -1;
        scBindText(s, P_UUID, uuid);
        if (scCatalogRun(cat, s, "deleting a volume") < 0)
            return -1;
    }
    return 0;
}

/* Walk a (name, value) statement keyed by :uuid. */
static int
walk_pairs(scCatalog *cat, VolStmt id, const char *uuid,
           int (*cb)(const char *name, const char *value, void *opaque), void *opaque,
           const char *what)
{
    scStmt *s = vstmt(cat, id);
    int rc;

    if (!s)
        return -1;
    scBindText(s, P_UUID, uuid);
    while ((rc = scCatalogStep(cat, s, what)) == SQLITE_ROW) {
        if (cb((const char *) sqlite3_column_text(s->st, 0),
               (const char *) sqlite3_column_text(s->st, 1), opaque) < 0) {
            sqlite3_reset(s->st);
            return -1;
        }
    }
    sqlite3_reset(s->st);
    return rc < 0 ? -1 : 0;
}

int
scCatalogVolAttrs(scCatalog *cat, const char *uuid,
                  int (*cb)(const char *name, const char *value, void *opaque), void *opaque)
{
    return walk_pairs(cat, VS_ATTRS, uuid, cb, opaque, "reading volume attributes");
}

int
scCatalogVolAliases(scCatalog *cat, const char *uuid,
                    int (*cb)(const char *path, const char *unused, void *opaque), void *opaque)
{
    return walk_pairs(cat, VS_PATHS, uuid, cb, opaque, "reading volume paths");
}

int
scCatalogVolEventAdd(scCatalog *cat, const char *actor, const char *pool_uuid,
                     const char *pool_name, const char *vol_uuid, const char *vol_name,
                     const char *action, const char *detail)
{
    return scCatalogVolEventAddChanges(cat, actor, pool_uuid, pool_name, vol_uuid, vol_name,
                                       action, detail, NULL);
}

int
scCatalogVolEventAddChanges(scCatalog *cat, const char *actor, const char *pool_uuid,
                            const char *pool_name, const char *vol_uuid, const char *vol_name,
                            const char *action, const char *detail, const char *changes)
{
    scStmt *s = vstmt(cat, VS_EVENT);

    if (!s)
        return -1;
    scBindInt(s, P_NOW, scNow());
    scBindText(s, P_ACTOR, actor);
    scBindText(s, P_POOL, pool_uuid);
    scBindText(s, P_POOL_NAME, pool_name);
    scBindText(s, P_VOL_UUID, vol_uuid);
    scBindText(s, P_VOL_NAME, vol_name);
    scBindText(s, P_ACTION, action);
    scBindText(s, P_DETAIL, detail);
    scBindText(s, P_CHANGES, changes);
    return scCatalogRun(cat, s, "recording an event");
}

int
scCatalogVolUsers(scCatalog *cat, const char *uuid,
                  int (*cb)(const char *name, const char *pool, const char *kind, void *opaque),
                  void *opaque)
{
    scStmt *s = vstmt(cat, VS_USERS);
    int rc;

    if (!s)
        return -1;
    scBindText(s, P_UUID, uuid);
    while ((rc = scCatalogStep(cat, s, "looking for the users of a volume")) == SQLITE_ROW) {
        int r = cb((const char *) sqlite3_column_text(s->st, 0),
                   (const char *) sqlite3_column_text(s->st, 1),
                   (const char *) sqlite3_column_text(s->st, 2), opaque);
        if (r < 0) {
            sqlite3_reset(s->st);
            return r;
        }
    }
    sqlite3_reset(s->st);
    return rc < 0 ? -1 : 0;
}

int
scCatalogVolSetIdent(scCatalog *cat, const char *uuid, const void *ident, size_t ident_len)
{
    scStmt *s = vstmt(cat, VS_SET_IDENT);

    if (!s)
        return -1;
    scBindText(s, P_UUID, uuid);
    scBindBlob(s, P_IDENT, ident, ident_len);
    if (scCatalogRun(cat, s, "journaling the identity of a new volume") < 0)
        return -1;
    return sqlite3_changes(cat->db) == 1 ? 1 : 0;
}

int
scCatalogVolClaim(scCatalog *cat, int64_t id, long long old_pid, unsigned long long old_start)
{
    scStmt *s = vstmt(cat, VS_CLAIM);

    if (!s)
        return -1;
    scBindInt(s, P_ID, id);
    scBindInt(s, P_PID, (long long) getpid());
    scBindInt(s, P_START, (long long) scCatalogSelfStart());
    scBindIntOr(s, P_OLD_PID, old_pid, old_pid >= 0);
    scBindIntOr(s, P_OLD_START, (long long) old_start, old_start != 0);
    if (scCatalogRun(cat, s, "taking over an interrupted create") < 0)
        return -1;
    return sqlite3_changes(cat->db) == 1 ? 1 : 0;
}
