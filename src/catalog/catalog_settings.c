/*
 * catalog_settings.c: settings kept in the catalog (table settings,
 * sql/014-settings.sql) and the pruning of the audit trail (and the
 * pools' size history) to its retention.
 */
#include <config.h>

#include "catalog_priv.h"

typedef enum { TS_GET, TS_SET, TS_DEL, TS_PRUNE_ANY, TS_PRUNE, TS_PRUNE_USAGE, TS_LAST } SettingsStmt;

_Static_assert(SC_STMT_SETTINGS_BASE + TS_LAST <= SC_STMT_MAX, "settings statements overflow");

/* The newest event is never pruned: ids (the rowid, not AUTOINCREMENT)
 * are then never given twice, and other processes following the trail
 * by id see no gap they could take for a new event. */
#define OLD_EVENTS "FROM events WHERE ts < :now AND id < (SELECT max(id) FROM events)"

static const char *const settings_sql[TS_LAST] = {
    [TS_GET] = "SELECT value FROM settings WHERE name = :name",
    [TS_SET] = "INSERT OR REPLACE INTO settings (name, value) VALUES (:name, :value)",
    [TS_DEL] = "DELETE FROM settings WHERE name = :name",
    /* Through events_ts and pool_usage_ts: a look that costs a probe of
     * each when nothing is old. */
    [TS_PRUNE_ANY] = "SELECT 1 " OLD_EVENTS
                     " UNION ALL SELECT 1 FROM pool_usage WHERE ts < :now LIMIT 1",
    [TS_PRUNE] = "DELETE " OLD_EVENTS,
    /* The pools' size history (report_growth) is kept as long. */
    [TS_PRUNE_USAGE] = "DELETE FROM pool_usage WHERE ts < :now",
};

static scStmt *
tstmt(scCatalog *cat, SettingsStmt id)
{
    return scCatalogStmt(cat, SC_STMT_SETTINGS_BASE + (int) id, settings_sql[id]);
}

int
scCatalogSettingGet(scCatalog *cat, const char *name, char **value)
{
    scStmt *s = tstmt(cat, TS_GET);
    int rc;

    *value = NULL;
    if (!s)
        return -1;
    scBindText(s, P_NAME, name);
    if ((rc = scCatalogStep(cat, s, "reading a setting")) < 0)
        return -1;
    if (rc == SQLITE_ROW && !(*value = scStrdup((const char *) sqlite3_column_text(s->st, 0)))) {
        sqlite3_reset(s->st);
        scReportOOM();
        return -1;
    }
    sqlite3_reset(s->st);
    return rc == SQLITE_ROW ? 1 : 0;
}

int
scCatalogSettingSet(scCatalog *cat, const char *name, const char *value)
{
    scStmt *s = tstmt(cat, value ? TS_SET : TS_DEL);

    if (!s)
        return -1;
    scBindText(s, P_NAME, name);
    if (value)
        scBindText(s, P_VALUE, value);
    return scCatalogRun(cat, s, "recording a setting");
}

int
scCatalogEventsPrune(scCatalog *cat, long long before, unsigned long long *count)
{
    scStmt *s;
    int rc;

    *count = 0;
    if (!(s = tstmt(cat, TS_PRUNE_ANY)))
        return -1;
    scBindInt(s, P_NOW, before);
    if ((rc = scCatalogStep(cat, s, "looking for old events")) < 0)
        return -1;
    sqlite3_reset(s->st);
    if (rc != SQLITE_ROW)
        return 0;
    if (scCatalogBegin(cat) < 0)
        return -1;
    if (!(s = tstmt(cat, TS_PRUNE))) {
        scCatalogEnd(cat, false);
        return -1;
    }
    scBindInt(s, P_NOW, before);
    rc = scCatalogRun(cat, s, "pruning old events");
    if (rc == 0)
        *count = (unsigned long long) sqlite3_changes(cat->db);
    if (rc == 0 && (s = tstmt(cat, TS_PRUNE_USAGE))) {
        scBindInt(s, P_NOW, before);
        rc = scCatalogRun(cat, s, "pruning the pools' old sizes");
    } else if (rc == 0) {
        rc = -1;
    }
    if (scCatalogEnd(cat, rc == 0) < 0)
        return -1;
    return rc;
}
