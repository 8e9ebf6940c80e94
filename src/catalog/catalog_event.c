/*
 * catalog_event.c: reading the audit trail for the event dispatcher
 * (src/core/event.c): where it ends, and the rows after a given one,
 * whole (scConnectAuditEventRegister's callbacks get every column).
 *
 * Rows are read by rowid, which is the order they were committed in:
 * SQLite has one writer at a time, and a new row's id is one more than
 * the largest committed one (rows are never deleted from the table, so
 * no id is given twice).
 */
#include <config.h>

#include "catalog_priv.h"

#define STR_(x) #x
#define STR(x)  STR_(x)

typedef enum { ES_LAST_ID, ES_AFTER, ES_LAST } EventStmt;
_Static_assert(SC_STMT_EVENT_BASE + ES_LAST <= SC_STMT_HISTORY_BASE, "event statements overflow");

static const char *const event_sql[ES_LAST] = {
    [ES_LAST_ID] = "SELECT coalesce(max(id), 0) FROM events",
    /* The volume's key, while its row exists (a deleted one has none). */
    [ES_AFTER] = "SELECT e.id, e.action, e.detail, e.pool_uuid, e.pool_name, e.volume_uuid,"
                 " e.volume_name, v.key, e.ts, e.actor, e.uid, e.user_name, e.invoker_via,"
                 " e.invoker_uid, e.invoker_name, e.pid, e.program, e.storcat_actor, e.changes"
                 " FROM events e LEFT JOIN volumes v ON v.uuid = e.volume_uuid"
                 " WHERE e.id > :id ORDER BY e.id LIMIT " STR(SC_CATALOG_EVENT_BATCH),
};

static scStmt *
estmt(scCatalog *cat, EventStmt id)
{
    return scCatalogStmt(cat, SC_STMT_EVENT_BASE + (int) id, event_sql[id]);
}

void
scCatalogEventClear(scCatalogEvent *ev)
{
    if (!ev)
        return;
    free(ev->action);
    free(ev->detail);
    free(ev->pool_uuid);
    free(ev->pool_name);
    free(ev->vol_uuid);
    free(ev->vol_name);
    free(ev->vol_key);
    free(ev->actor);
    free(ev->user_name);
    free(ev->invoker_via);
    free(ev->invoker_name);
    free(ev->program);
    free(ev->storcat_actor);
    free(ev->changes);
    memset(ev, 0, sizeof(*ev));
}

int
scCatalogEventLastId(scCatalog *cat, int64_t *id)
{
    scStmt *s = estmt(cat, ES_LAST_ID);
    int rc;

    if (!s || (rc = scCatalogStep(cat, s, "reading the last event")) < 0)
        return -1;
    *id = rc == SQLITE_ROW ? sqlite3_column_int64(s->st, 0) : 0;
    sqlite3_reset(s->st);
    return 0;
}

int
scCatalogEventsAfter(scCatalog *cat, int64_t after, scCatalogEvent *evs)
{
    scStmt *s = estmt(cat, ES_AFTER);
    int n = 0, rc;

    if (!s)
        return -1;
    scBindInt(s, P_ID, after);
    while ((rc = scCatalogStep(cat, s, "reading events")) == SQLITE_ROW) {
        scCatalogEvent *ev = &evs[n];
        sqlite3_stmt *st = s->st;

        memset(ev, 0, sizeof(*ev));
        n++;
        ev->id = sqlite3_column_int64(st, 0);
        ev->ts = sqlite3_column_int64(st, 8);
        ev->uid = scCatalogColumnInt(st, 10, -1);
        ev->invoker_uid = scCatalogColumnInt(st, 13, -1);
        ev->pid = scCatalogColumnInt(st, 15, -1);
        if (scCatalogColumnDup(st, 1, &ev->action) < 0 ||
            scCatalogColumnDup(st, 2, &ev->detail) < 0 ||
            scCatalogColumnDup(st, 3, &ev->pool_uuid) < 0 ||
            scCatalogColumnDup(st, 4, &ev->pool_name) < 0 ||
            scCatalogColumnDup(st, 5, &ev->vol_uuid) < 0 ||
            scCatalogColumnDup(st, 6, &ev->vol_name) < 0 ||
            scCatalogColumnDup(st, 7, &ev->vol_key) < 0 ||
            scCatalogColumnDup(st, 9, &ev->actor) < 0 ||
            scCatalogColumnDup(st, 11, &ev->user_name) < 0 ||
            scCatalogColumnDup(st, 12, &ev->invoker_via) < 0 ||
            scCatalogColumnDup(st, 14, &ev->invoker_name) < 0 ||
            scCatalogColumnDup(st, 16, &ev->program) < 0 ||
            scCatalogColumnDup(st, 17, &ev->storcat_actor) < 0 ||
            scCatalogColumnDup(st, 18, &ev->changes) < 0) {
            rc = -1;
            break;
        }
    }
    sqlite3_reset(s->st);
    if (rc < 0) {
        while (n > 0)
            scCatalogEventClear(&evs[--n]);
        return -1;
    }
    return n;
}
