/*
 * query.c: read-only SQL over the catalog (scConnectQuery) and the named
 * reports built on the documented views (scConnectReport).
 *
 * Both read through a reader of their own (src/catalog/catalog_query.c):
 * a read-only SQLite handle opened for the call, with an authorizer that
 * lets a caller's SQL read and nothing else, and a time limit. No lock of
 * the connection is held while rows are handed out, so a callback may
 * call storcat, on the same connection too.
 *
 * Reports are the report_* views of sql/013-report-views.sql, but for
 * "chains": its rows are read chain by chain (the tops in order, then
 * each top's links), so that the first row comes at once however many
 * volumes there are, and each link's file is looked for on disk, which
 * SQL cannot do ("broken").
 */
#include <config.h>

#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>

#include "conf/vol_conf.h"
#include "connect.h"

/* The public callback, behind the catalog's row callback. */
typedef struct {
    scConnectQueryFunc cb;
    void *opaque;
} Query;

static int
query_row(const scCatalogRow *row, void *opaque)
{
    Query *q = opaque;
    int r = q->cb(row->ncols, row->names, row->values, row->types, q->opaque);

    return r < 0 ? -1 : r > 0 ? 1 : 0;
}

/* A reader on @conn's catalog, with its time limit if @timed. The
 * limit stops a caller's runaway SQL (queries, reports); the listings'
 * own statements end with the catalog, and their time is mostly their
 * callback's: a listing of 10,000,000 events or 1,000,000 volumes takes
 * longer than the default limit. */
static scCatalogReader *
reader(scConnect *conn, bool timed)
{
    scCatalogReader *r;

    scConnectLock(conn);
    r = scCatalogReaderOpen(conn->catalog, timed ? conn->query_timeout_ms : 0);
    scConnectUnlock(conn);
    return r;
}

int
scConnectQuery(scConnectPtr conn, const char *sql, scConnectQueryFunc cb, void *opaque,
               unsigned int flags)
{
    _cleanup_(scCatalogReaderClosep) scCatalogReader *r = NULL;
    Query q = { cb, opaque };

    SC_API_BEGIN();
    if (scCheckFlags(flags, 0) < 0 || !scConnectCheck(conn, __func__) ||
        !scCheckArg(sql, "sql", __func__) || !scCheckArg(cb, "cb", __func__))
        return -1;
    if (!(r = reader(conn, true)))
        return -1;
    return scCatalogReaderRun(r, sql, NULL, 0, SC_CATALOG_ROW_HEADER | SC_CATALOG_ROW_INT_TEXT,
                              query_row, &q, "query");
}

int
scConnectSetQueryTimeout(scConnectPtr conn, unsigned int milliseconds)
{
    SC_API_BEGIN();
    if (!scConnectCheck(conn, __func__))
        return -1;
    scConnectLock(conn);
    conn->query_timeout_ms = milliseconds;
    scConnectUnlock(conn);
    return 0;
}

/* ---- reports ---------------------------------------------------------- */

static const struct {
    const char *name;
    const char *sql; /* ?1: the pool, or NULL */
} reports[] = {
    { "pools", "SELECT * FROM report_pools WHERE ?1 IS NULL OR pool = ?1" },
    { "volumes", "SELECT * FROM report_volumes WHERE ?1 IS NULL OR pool = ?1" },
    { "unused", "SELECT * FROM report_unused WHERE ?1 IS NULL OR pool = ?1" },
    { "missing", "SELECT * FROM report_missing WHERE ?1 IS NULL OR pool = ?1" },
    /* A disk in no pool has no pool to keep it by. */
    { "unmanaged-disks", "SELECT * FROM report_unmanaged_disks WHERE ?1 IS NULL" },
    { "chains", NULL },
    { "growth", "SELECT * FROM report_growth WHERE ?1 IS NULL OR pool = ?1" },
    { "drift", "SELECT * FROM report_drift WHERE ?1 IS NULL OR pool = ?1" },
};

/* The tops of the chains, in the order of the view report_chains: pools
 * by name, each pool's volumes through the (pool_id, name) index (CROSS
 * JOIN keeps that order), so that no sort comes before the first top
 * (the index of backing paths would find the overlays first, but out of
 * order: all of them sorted before the first row). */
static const char chain_tops_sql[] =
    "SELECT t.id FROM pools tp CROSS JOIN volumes t ON t.pool_id = tp.id"
    " WHERE t.backing_path IS NOT NULL AND t.state IN ('present', 'missing')"
    " AND NOT EXISTS (SELECT 1 FROM volumes o WHERE o.backing_path = t.path)"
    " AND (?1 IS NULL OR tp.name = ?1) ORDER BY tp.name, t.name";

/* One chain (?1: its top's row id), as the view report_chains has it. */
static const char chain_links_sql[] =
    "WITH RECURSIVE link(top, depth, volume_id, path, backing_path) AS ("
    " SELECT t.id, 0, t.id, t.path, t.backing_path FROM volumes t WHERE t.id = CAST(?1 AS INTEGER)"
    " UNION ALL"
    " SELECT l.top, l.depth + 1, b.id, l.backing_path, b.backing_path"
    " FROM link l LEFT JOIN volumes b"
    "  ON b.id = coalesce((SELECT x.id FROM volumes x WHERE x.path = l.backing_path),"
    "                     (SELECT vp.volume_id FROM volume_paths vp"
    "                       WHERE vp.path = l.backing_path))"
    " WHERE l.backing_path IS NOT NULL AND l.volume_id IS NOT NULL AND l.depth < 64)"
    " SELECT tp.name AS pool, t.name AS chain, t.uuid AS chain_uuid, l.depth,"
    " p.name AS volume_pool, v.name AS volume, v.uuid, l.path, v.format,"
    " l.backing_path, v.backing_format,"
    " CASE WHEN v.id IS NULL THEN 'uncatalogued' ELSE v.state END AS link_state"
    " FROM link l JOIN volumes t ON t.id = l.top JOIN pools tp ON tp.id = t.pool_id"
    " LEFT JOIN volumes v ON v.id = l.volume_id LEFT JOIN pools p ON p.id = v.pool_id"
    " ORDER BY l.depth";

/* The columns of report_chains before "broken", and where "path" is. */
#define CHAIN_COLS 12
#define CHAIN_PATH 7

typedef struct {
    scCatalogReader *r;
    Query *q;
    bool header_done;
    int count;
} Chains;

/* A link's row, with "broken": 1 when its file is not on disk (a path
 * with no '/' at all is a backend's own form, not a file: NULL). */
static int
chain_link(const scCatalogRow *row, void *opaque)
{
    Chains *c = opaque;
    const char *names[CHAIN_COLS + 1];
    const char *values[CHAIN_COLS + 1];
    int types[CHAIN_COLS + 1];
    const char *path;
    struct stat st;
    int r;

    assert(row->ncols == CHAIN_COLS);
    memcpy(names, row->names, sizeof(*names) * CHAIN_COLS);
    names[CHAIN_COLS] = "broken";
    if (!row->values) {
        if (c->header_done)
            return 0;
        c->header_done = true;
        return c->q->cb(CHAIN_COLS + 1, names, NULL, NULL, c->q->opaque) ? 1 : 0;
    }
    memcpy(values, row->values, sizeof(*values) * CHAIN_COLS);
    memcpy(types, row->types, sizeof(*types) * CHAIN_COLS);
    path = values[CHAIN_PATH];
    types[CHAIN_COLS] = SC_QUERY_INTEGER;
    if (!path || path[0] != '/') {
        values[CHAIN_COLS] = NULL;
        types[CHAIN_COLS] = SC_QUERY_NULL;
    } else {
        values[CHAIN_COLS] = stat(path, &st) == 0 ? "0" : "1";
    }
    c->count++;
    r = c->q->cb(CHAIN_COLS + 1, names, values, types, c->q->opaque);
    return r < 0 ? -1 : r > 0 ? 1 : 0;
}

static int
chain_top(const scCatalogRow *row, void *opaque)
{
    Chains *c = opaque;
    char id[32];
    const char *params[1] = { id };

    snprintf(id, sizeof(id), "%lld", row->ints[0]);
    return scCatalogReaderRun(c->r, chain_links_sql, params, 1, SC_CATALOG_ROW_INT_TEXT, chain_link,
                              c, "report 'chains'") < 0
               ? -1
               : 0;
}

static int
report_chains(scCatalogReader *r, const char *pool, Query *q)
{
    Chains c = { .r = r, .q = q };
    const char *params[1] = { pool };
    int n;

    /* The header first, from the statement of a chain that has no rows. */
    if (scCatalogReaderRun(r, chain_links_sql, NULL, 0, SC_CATALOG_ROW_HEADER, chain_link, &c,
                           "report 'chains'") < 0)
        return -1;
    n = scCatalogReaderRun(r, chain_tops_sql, params, 1, 0, chain_top, &c, "report 'chains'");
    return n < 0 ? -1 : c.count;
}

int
scConnectReport(scConnectPtr conn, const char *name, const char *pool, scConnectQueryFunc cb,
                void *opaque, unsigned int flags)
{
    _cleanup_(scCatalogReaderClosep) scCatalogReader *r = NULL;
    _cleanup_free_ char *what = NULL;
    Query q = { cb, opaque };
    const char *params[1] = { pool };
    size_t i;

    SC_API_BEGIN();
    if (scCheckFlags(flags, 0) < 0 || !scConnectCheck(conn, __func__) ||
        !scCheckArg(name, "name", __func__) || !scCheckArg(cb, "cb", __func__))
        return -1;
    for (i = 0; i < SC_N_ELEMENTS(reports); i++)
        if (strcmp(reports[i].name, name) == 0)
            break;
    if (i == SC_N_ELEMENTS(reports)) {
        scReportError(SC_FROM_NONE, SC_ERR_INVALID_ARG,
                      "unknown report '%s' (there are pools, volumes, unused, missing, "
                      "unmanaged-disks, chains, growth, drift)",
                      name);
        return -1;
    }
    if (pool && strcmp(name, "unmanaged-disks") == 0) {
        scReportError(SC_FROM_NONE, SC_ERR_INVALID_ARG,
                      "report 'unmanaged-disks' lists disks in no pool: it takes no pool");
        return -1;
    }
    if (!(what = scAsprintf("report '%s'", name)) || !(r = reader(conn, true)))
        return -1;
    if (!reports[i].sql)
        return report_chains(r, pool, &q);
    return scCatalogReaderRun(r, reports[i].sql, params, 1,
                              SC_CATALOG_ROW_HEADER | SC_CATALOG_ROW_INT_TEXT, query_row, &q, what);
}

/* ---- the audit trail ------------------------------------------------------ */

/* ?1 pool (UUID or name), ?2 volume (UUID, name or path at the time of
 * the event: the detail of a create names no path, the volume's row may
 * be gone), ?3 action or a prefix ending in '-', ?4 since, ?5 until, ?6
 * after (an id); events_sql ?7 the last id to read. */
#define EVENTS_SELECT                                                                              \
    "SELECT id, ts, action, pool_uuid, pool_name, volume_uuid, volume_name, detail, actor,"       \
    " uid, user_name, invoker_via, invoker_uid, invoker_name, pid, program, storcat_actor,"       \
    " changes FROM events"
#define EVENTS_WHERE                                                                               \
    " WHERE (?1 IS NULL OR pool_uuid = ?1 OR pool_name = ?1)"                                     \
    " AND (?2 IS NULL OR volume_uuid = ?2 OR volume_name = ?2"                                    \
    "  OR volume_uuid = (SELECT uuid FROM volumes WHERE path = ?2))"                              \
    " AND (?3 IS NULL OR action = ?3"                                                             \
    "  OR (substr(?3, -1) = '-' AND substr(action, 1, length(?3)) = ?3))"                         \
    " AND (?4 IS NULL OR ts >= CAST(?4 AS INTEGER))"                                              \
    " AND (?5 IS NULL OR ts <= CAST(?5 AS INTEGER))"                                              \
    " AND id > CAST(coalesce(?6, 0) AS INTEGER)"
static const char events_sql[] =
    EVENTS_SELECT EVENTS_WHERE
    " AND id <= CAST(coalesce(?7, 9223372036854775807) AS INTEGER) ORDER BY id";
/* The events after a listing's end that may still be in its window: the
 * clock was set back for them (sql/019-event-set-back.sql). */
static const char events_set_back_sql[] =
    EVENTS_SELECT " INDEXED BY events_set_back" EVENTS_WHERE
    " AND ts < ts_max ORDER BY id";

typedef struct {
    scConnectListEventsFunc cb;
    void *opaque;
    bool stopped; /* by @cb */
} Events;

/*
 * Where the events of a time window start and end. The listing reads the
 * trail in id order, so that its first row comes at once and nothing is
 * sorted; ids follow commit order and times the clock, which may have
 * been set back, so ts is not sorted by id. ts_max is
 * (sql/018-event-time-max.sql): the largest time of the trail up to each
 * event. The first event of time T or later is then the first whose
 * ts_max is T or later, found by a binary search over ids: O(log n)
 * probes of the table, each the first event from an id on (ids may have
 * gaps: pruned events). The window up to U ends there for T = U + 1, but
 * for the events after it written with the clock set back, which an
 * index of their own holds (sql/019-event-set-back.sql). While an event
 * written behind the library's back has no ts_max, neither search is
 * made.
 */
static const char since_probe_sql[] =
    "SELECT id, ts_max FROM events WHERE id >= CAST(?1 AS INTEGER) ORDER BY id LIMIT 1";
static const char since_last_sql[] =
    "SELECT id, ts_max FROM events ORDER BY id DESC LIMIT 1";
/* An event written behind the library's back, with no ts_max: its time
 * is in none, so the whole trail is read. */
static const char no_ts_max_sql[] =
    "SELECT id, id FROM events INDEXED BY events_no_ts_max WHERE ts_max IS NULL LIMIT 1";

static int
ints_row(const scCatalogRow *row, void *opaque)
{
    long long *v = opaque;

    for (int i = 0; i < row->ncols; i++)
        v[i] = row->types[i] == SC_QUERY_INTEGER ? row->ints[i] : -1;
    return 0;
}

/* The first event from id @from on: its id and ts_max into @v (-1, -1:
 * none; ts_max -1: not recorded). */
static int
since_probe(scCatalogReader *r, long long from, long long v[2])
{
    char s_from[32];
    const char *params[1] = { s_from };

    snprintf(s_from, sizeof(s_from), "%lld", from);
    v[0] = v[1] = -1;
    return scCatalogReaderRun(r, since_probe_sql, params, 1, 0, ints_row, v,
                              "the listing of events");
}

/* The first event after id @after whose ts_max is @t or later: its id
 * into *@id (0 when an event with no ts_max leaves it unknown): 0, or 1
 * when there is none. */
static int
events_first_at(scCatalogReader *r, long long t, long long after, long long *id)
{
    long long lo[2], hi[2], at[2], lo_id, hi_id, first;

    *id = 0;
    /* The probe first: the reader keeps the first statement it runs. */
    if (since_probe(r, after + 1, lo) < 0)
        return -1;
    if (lo[0] < 0)
        return 1;
    if (lo[1] < 0)
        return 0;
    if (lo[1] >= t) {
        *id = lo[0];
        return 0;
    }
    if (scCatalogReaderRun(r, since_last_sql, NULL, 0, 0, ints_row, hi,
                           "the listing of events") < 0)
        return -1;
    if (hi[1] < 0)
        return 0;
    if (hi[1] < t)
        return 1;
    /* The first event from id lo_id on is before @t, the first from
     * hi_id on (first) is from it on: halve the ids between. */
    lo_id = lo[0];
    hi_id = first = hi[0];
    while (hi_id - lo_id > 1) {
        long long mid = lo_id + (hi_id - lo_id) / 2;
        if (since_probe(r, mid, at) < 0)
            return -1;
        if (at[1] < 0)
            return 0;
        if (at[1] >= t) {
            hi_id = mid;
            first = at[0];
        } else {
            lo_id = at[0]; /* no event between mid and it */
        }
    }
    *id = first;
    return 0;
}

static int
event_row(const scCatalogRow *row, void *opaque)
{
    Events *e = opaque;
    const char *const *v = row->values;
    scAuditEvent ev = {
        .id = row->ints[0],
        .time = row->ints[1],
        .action = v[2],
        .poolUUID = v[3],
        .poolName = v[4],
        .volumeUUID = v[5],
        .volumeName = v[6],
        .detail = v[7],
        .actor = v[8],
        .uid = row->types[9] == SC_QUERY_INTEGER ? row->ints[9] : -1,
        .userName = v[10],
        .invokerVia = v[11],
        .invokerUID = row->types[12] == SC_QUERY_INTEGER ? row->ints[12] : -1,
        .invokerName = v[13],
        .pid = row->types[14] == SC_QUERY_INTEGER ? row->ints[14] : -1,
        .program = v[15],
        .storcatActor = v[16],
        .changes = v[17],
    };
    int r = e->cb(&ev, e->opaque);

    e->stopped = r != 0;
    return r < 0 ? -1 : r > 0 ? 1 : 0;
}

int
scConnectListEvents(scConnectPtr conn, const char *pool, const char *volume, const char *action,
                    long long since, long long until, long long afterID, scConnectListEventsFunc cb,
                    void *opaque, unsigned int flags)
{
    _cleanup_(scCatalogReaderClosep) scCatalogReader *r = NULL;
    char s_since[32], s_until[32], s_after[32], s_last[32];
    const char *params[7] = { pool, volume, action, NULL, NULL, NULL, NULL };
    Events e = { cb, opaque, false };
    long long first = 0, end = 0;
    int n, m, none = 0;

    SC_API_BEGIN();
    if (scCheckFlags(flags, 0) < 0 || !scConnectCheck(conn, __func__) ||
        !scCheckArg(cb, "cb", __func__))
        return -1;
    if (since < 0 || until < 0 || afterID < 0) {
        scReportError(SC_FROM_NONE, SC_ERR_INVALID_ARG,
                      "since, until and afterID cannot be negative");
        return -1;
    }
    if (since) {
        snprintf(s_since, sizeof(s_since), "%lld", since);
        params[3] = s_since;
    }
    if (until) {
        snprintf(s_until, sizeof(s_until), "%lld", until);
        params[4] = s_until;
    }
    if (afterID == LLONG_MAX)
        return 0; /* no id is larger */
    if (!(r = reader(conn, false)))
        return -1;
    /* The trail is read in id order from the first event of time @since
     * or later, up to the first later than @until; after that, only the
     * events written with the clock set back may be in the window. The
     * searches first: the reader keeps the first statement it runs, and
     * the probe is run most. */
    if (since && (none = events_first_at(r, since, afterID, &first)) < 0)
        return -1;
    if (until && until < LLONG_MAX && !none &&
        (n = events_first_at(r, until + 1, first ? first - 1 : afterID, &end)) != 0) {
        if (n < 0)
            return -1;
        end = 0;
    }
    if (since || until) {
        long long v[2] = { -1, -1 };
        if (scCatalogReaderRun(r, no_ts_max_sql, NULL, 0, 0, ints_row, v,
                               "the listing of events") < 0)
            return -1;
        if (v[0] >= 0)
            none = first = end = 0; /* no search holds: read it all */
    }
    if (none)
        return 0;
    if (first)
        afterID = first - 1;
    if (afterID) {
        snprintf(s_after, sizeof(s_after), "%lld", afterID);
        params[5] = s_after;
    }
    if (end) {
        snprintf(s_last, sizeof(s_last), "%lld", end - 1);
        params[6] = s_last;
    }
    n = scCatalogReaderRun(r, events_sql, params, 7, SC_CATALOG_ROW_INT_TEXT, event_row, &e,
                           "the listing of events");
    if (n < 0 || !end || e.stopped)
        return n;
    snprintf(s_after, sizeof(s_after), "%lld", end - 1);
    params[5] = s_after;
    m = scCatalogReaderRun(r, events_set_back_sql, params, 6, SC_CATALOG_ROW_INT_TEXT, event_row,
                           &e, "the listing of events");
    return m < 0 ? -1 : n + m;
}

/* ---- the streaming listing of volumes ------------------------------------ */

/* ?1 a pool's UUID (NULL: every pool), ?2 a format (NULL: any), ?3..?7
 * the states to give (NULL ones match nothing). Pools by name, then each
 * pool's volumes through the (pool_id, name) index: no sort, so the
 * first row comes at once and memory does not grow with the number of
 * volumes. */
static const char volumes_sql[] =
    "SELECT p.name, p.uuid, v.name, v.key, v.path, v.uuid, v.state, v.type, v.format,"
    " v.capacity, v.allocation, v.physical, v.backing_path, v.backing_format"
    " FROM pools p CROSS JOIN volumes v ON v.pool_id = p.id"
    " WHERE (?1 IS NULL OR p.uuid = ?1) AND (?2 IS NULL OR v.format = ?2)"
    " AND v.state IN (?3, ?4, ?5, ?6, ?7)"
    " ORDER BY p.name, v.name";

typedef struct {
    scConnectListStorageVolumesFunc cb;
    void *opaque;
} Volumes;

static int
volume_row(const scCatalogRow *row, void *opaque)
{
    Volumes *l = opaque;
    const char *const *v = row->values;
    scStorageVolRecord rec = {
        .poolName = v[0],
        .poolUUID = v[1],
        .name = v[2],
        .key = v[3],
        .path = v[4],
        .uuid = v[5],
        .state = scVolStateFromString(v[6]),
        .type = scStorageVolTypeFromString(v[7]),
        .format = v[8],
        .capacity = (unsigned long long) row->ints[9],
        .allocation = (unsigned long long) row->ints[10],
        .physical = (unsigned long long) row->ints[11],
        .backingPath = v[12],
        .backingFormat = v[13],
    };
    int r = l->cb(&rec, l->opaque);

    return r < 0 ? -1 : r > 0 ? 1 : 0;
}

#define LIST_VOLUMES_FLAGS                                                                         \
 (SC_CONNECT_LIST_STORAGE_VOLUMES_PRESENT | SC_CONNECT_LIST_STORAGE_VOLUMES_MISSING |              \
  SC_CONNECT_LIST_STORAGE_VOLUMES_INCOMPLETE | SC_CONNECT_LIST_STORAGE_VOLUMES_JOURNALS)

int
scConnectListStorageVolumes(scConnectPtr conn, scStoragePoolPtr pool, const char *format,
                            scConnectListStorageVolumesFunc cb, void *opaque, unsigned int flags)
{
    _cleanup_(scCatalogReaderClosep) scCatalogReader *r = NULL;
    const char *params[7] = { NULL, format };
    Volumes l = { cb, opaque };

    SC_API_BEGIN();
    if (scCheckFlags(flags, LIST_VOLUMES_FLAGS) < 0 || !scConnectCheck(conn, __func__) ||
        !scCheckArg(cb, "cb", __func__))
        return -1;
    if (pool) {
        if (!scStoragePoolCheck(pool, __func__))
            return -1;
        if (pool->conn != conn) {
            scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                          "pool '%s' belongs to another connection", pool->name);
            return -1;
        }
        params[0] = pool->uuidstr;
    }
    if (!flags)
        flags = SC_CONNECT_LIST_STORAGE_VOLUMES_PRESENT;
    if (flags & SC_CONNECT_LIST_STORAGE_VOLUMES_PRESENT)
        params[2] = "present";
    if (flags & SC_CONNECT_LIST_STORAGE_VOLUMES_MISSING)
        params[3] = "missing";
    if (flags & SC_CONNECT_LIST_STORAGE_VOLUMES_INCOMPLETE)
        params[4] = "incomplete";
    if (flags & SC_CONNECT_LIST_STORAGE_VOLUMES_JOURNALS) {
        params[5] = "creating";
        params[6] = "deleting";
    }
    if (!(r = reader(conn, false)))
        return -1;
    return scCatalogReaderRun(r, volumes_sql, params, 7, SC_CATALOG_ROW_INT_TEXT, volume_row, &l,
                              "the listing of volumes");
}
