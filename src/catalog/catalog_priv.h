/*
 * catalog_priv.h: what the src/catalog*.c files share and nothing else
 * sees: the connection struct, the statement cache and the helpers that
 * step, report and bind.
 */
#ifndef SC_CATALOG_PRIV_H
#define SC_CATALOG_PRIV_H

#include <sqlite3.h>

#include "catalog.h"

/* Parameter ?9 of any statement is the current boot id, bound by
 * scCatalogStmt. (A named parameter would take the number of its first
 * appearance and could collide with an explicit ?1.) */
#define BOOT_PARAM 9

/* Statement cache slots: each catalog*.c file owns a range. */
enum {
    SC_STMT_POOL_BASE = 0,
    SC_STMT_VOL_BASE = 32,
    SC_STMT_MAX = 96,
};

struct scCatalog {
    sqlite3 *db;
    char *path;                    /* for messages */
    char *boot_id;                 /* bound as ?9 */
    bool readonly;
    int depth;                     /* transaction nesting */
    bool bulk;                     /* foreign keys off until the transaction ends */
    bool rollback;                 /* an inner level failed */
    sqlite3_stmt *stmt[SC_STMT_MAX]; /* prepared on first use */
};

/* Failure injection for tests: when > 0, the Nth statement step from now
 * fails as if SQLite had. Not exported from the shared library. */
extern int scCatalogFailCountdown;

/* The statement for @slot, prepared from @sql on first use, reset, with
 * the boot id bound as ?9. NULL on error (reported). */
sqlite3_stmt *scCatalogStmt(scCatalog *cat, int slot, const char *sql);

/* Step: SQLITE_ROW or SQLITE_DONE, or -1 with the error reported and the
 * statement reset. */
int scCatalogStep(scCatalog *cat, sqlite3_stmt *st, const char *what);
int scCatalogExec(scCatalog *cat, const char *sql, const char *what);
void scCatalogReport(scCatalog *cat, int rc, const char *what);

/* Column @col as a new string (NULL stays NULL): 0, or -1 on OOM. */
int scCatalogColumnDup(sqlite3_stmt *st, int col, char **out);
/* Bind @s, or NULL when @s is NULL (SQLITE_STATIC: @s must outlive the step). */
void scCatalogBindText(sqlite3_stmt *st, int idx, const char *s);

int64_t scCatalogNow(void);

#endif /* SC_CATALOG_PRIV_H */
