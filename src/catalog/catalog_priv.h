/*
 * catalog_priv.h: what the files of src/catalog share and nothing else
 * sees: the connection struct, the statement cache, and the helpers that
 * step, report and bind.
 *
 * Statements are written with named parameters (:uuid, :name, ...). Each
 * name the catalog uses is one scParam; when a statement is prepared, the
 * index SQLite gave each of its names is looked up once and kept with it,
 * so that binding by name costs an array access, and a name that is not
 * in the list is refused at prepare time.
 */
#ifndef SC_CATALOG_PRIV_H
#define SC_CATALOG_PRIV_H

#include <sqlite3.h>

#include "catalog.h"
#include "util/util.h"

typedef enum {
    P_BOOT,     /* the current boot id: bound by scCatalogStmt itself */
    P_ID,
    P_UUID,
    P_POOL,     /* a pool's uuid */
    P_POOL_ID,  /* a pool's row id */
    P_NAME,
    P_TYPE,
    P_XML,
    P_NOW,
    P_STATE,
    P_OP,
    P_PID,
    P_START,    /* with :pid, the process's start time */
    P_TRANSIENT,
    P_AUTOSTART,
    P_TARGET_PATH,
    P_TARGET_KEY,
    P_SOURCE_KEY,
    P_RUNTIME,
    P_DIR,
    P_TOKEN,
    P_CAPACITY,
    P_ALLOCATION,
    P_AVAILABLE,
    P_PHYSICAL,
    P_KEY,
    P_PATH,
    P_FORMAT,
    P_BACKING_PATH,
    P_BACKING_FORMAT,
    P_MODE,
    P_UID,
    P_GID,
    P_ATIME,
    P_MTIME,
    P_CTIME,
    P_BTIME,
    P_SIG,
    P_IDENT,
    P_VALUE,
    P_ACTOR,
    P_POOL_NAME,
    P_VOL_UUID,
    P_VOL_NAME,
    P_ACTION,
    P_DETAIL,
    P_ACTION2,
    P_EXTENTS,
    P_OLD_PID,  /* a journal's process as it was seen */
    P_OLD_START,
    P_DOMAIN,       /* a domain's name */
    P_TARGET,       /* a disk's <target dev> */
    P_DEVICE,       /* a disk's device: disk, cdrom, ... */
    P_SOURCE_TYPE,  /* a disk's type: file, block, volume, network, ... */
    P_SOURCE,       /* a disk's source as written */
    P_ALT_PATH,     /* another spelling of a disk's path */
    P_READONLY,
    P_PATH2,        /* a second spelling of a path looked up */
    P_CHANGES,      /* an event's JSON object of old -> new values */
    /* Who writes an event (scCatalogWho): bound by scCatalogStmt itself. */
    P_WHO_UID,
    P_WHO_USER,
    P_WHO_VIA,
    P_WHO_INVOKER_UID,
    P_WHO_INVOKER,
    P_WHO_PID,
    P_WHO_PROGRAM,
    P_WHO_ACTOR,
    P_REFRESH,
    P_LAST
} scParam;

/* The columns of an event that say who wrote it (and in which refresh),
 * and their parameters, for each statement that inserts into events
 * (scCatalogStmt binds them from the connection's scCatalogWho and
 * refresh); and ts_max, the largest time of the trail so far (its ts is
 * :now: sql/018-event-time-max.sql): the last ts_max, and the times of
 * the events after it written without one (sql/019-event-set-back.sql;
 * none, usually: then one seek of the last event). */
#define SC_EVENT_WHO_COLUMNS                                                                       \
    "uid, user_name, invoker_via, invoker_uid, invoker_name, pid, program, storcat_actor,"        \
    " refresh, ts_max"
#define SC_EVENT_WHO_VALUES                                                                        \
    ":who_uid, :who_user, :who_via, :who_invoker_uid, :who_invoker, :who_pid, :who_program,"      \
    " :who_actor, :refresh,"                                                                       \
    " max(:now, coalesce((SELECT max(coalesce(ts_max, ts)) FROM events WHERE id >= coalesce("     \
    "(SELECT id FROM events WHERE ts_max IS NOT NULL ORDER BY id DESC LIMIT 1), 0)), 0))"

/* A prepared statement and the index of each of its named parameters (0:
 * the statement has no such parameter). */
typedef struct {
    sqlite3_stmt *st;
    signed char idx[P_LAST];
} scStmt;

/* Statement cache slots: each catalog*.c file owns a range. */
enum {
    SC_STMT_EVENT = 0,
    SC_STMT_POOL_BASE = 1,
    SC_STMT_VOL_BASE = 32,
    SC_STMT_SCAN_BASE = 80,
    SC_STMT_EVENT_BASE = 112,
    SC_STMT_HISTORY_BASE = 116,
    SC_STMT_DOMAIN_BASE = 128,
    SC_STMT_SETTINGS_BASE = 136,
    SC_STMT_MAX = 144,
};

/* A pool not active this boot, as scCatalogPoolInactive caches it. */
typedef struct {
    long long id; /* its row id */
    char uuid[SC_UUID_STRING_BUFLEN];
    char *name;
} scInactivePool;

struct scCatalog {
    sqlite3 *db;
    char *path;                    /* for messages */
    char *boot_id;                 /* bound as :boot */
    bool readonly;
    const char *readonly_why;      /* a read-write open fell back: why (static), or NULL */
    bool tidy_wal;                 /* read-only, found no -wal: remove what SQLite made */
    int depth;                     /* transaction nesting */
    bool bulk;                     /* foreign keys off until the transaction ends */
    bool rollback;                 /* an inner level failed */
    bool events_added;             /* the transaction inserted into events */
    bool immutable;                /* opened as immutable (a read-only file system) */
    scStmt stmt[SC_STMT_MAX];      /* prepared on first use */
    scStmt *walk;                  /* the statement of a walk in progress */
    scInactivePool *inactive;      /* the pools not active this boot ... */
    size_t ninactive;
    unsigned int inactive_version; /* ... as of this data version */
    bool inactive_loaded;          /* (false: never read, or dropped on error) */
    scCatalogWho who;              /* who writes this connection's events */
    int64_t refresh;               /* the events' refresh (scCatalogRefreshBegin), or 0 */
};

/* Drop the cache of inactive pools (scCatalogClose). */
void scCatalogInactiveClear(scCatalog *cat);

/* Failure injection for tests: when > 0, the Nth statement step from now
 * fails as if SQLite had. Not exported from the shared library. */
extern int scCatalogFailCountdown;

/* The statement for @slot, prepared from @sql on first use, reset, its
 * bindings cleared and :boot bound. NULL on error (reported). */
scStmt *scCatalogStmt(scCatalog *cat, int slot, const char *sql);

/* Bind parameter @p of @s (which must have it). Text and blobs must
 * outlive the step (SQLITE_STATIC); NULL text and empty blobs bind NULL. */
void scBindText(scStmt *s, scParam p, const char *value);
void scBindInt(scStmt *s, scParam p, long long value);
/* An integer where @known, else NULL. */
void scBindIntOr(scStmt *s, scParam p, long long value, bool known);
void scBindBlob(scStmt *s, scParam p, const void *data, size_t len);

/* Step: SQLITE_ROW or SQLITE_DONE, or -1 with the error reported and the
 * statement reset. */
int scCatalogStep(scCatalog *cat, scStmt *s, const char *what);
/* Step a statement that returns no row, then reset it: 0 or -1. */
int scCatalogRun(scCatalog *cat, scStmt *s, const char *what);
int scCatalogExec(scCatalog *cat, const char *sql, const char *what);
void scCatalogReport(scCatalog *cat, int rc, const char *what);

/* Column @col as a new string (NULL stays NULL): 0, or -1 on OOM. */
int scCatalogColumnDup(sqlite3_stmt *st, int col, char **out);
/* Column @col as an integer, @null_value when NULL. */
long long scCatalogColumnInt(sqlite3_stmt *st, int col, long long null_value);
/* Column @col as a blob copied into @buf (at most @max bytes); its length. */
size_t scCatalogColumnBlob(sqlite3_stmt *st, int col, void *buf, size_t max);


/* This process's start time (scProcessStartTime of getpid(), kept): a
 * journal's process is its pid and this. */
unsigned long long scCatalogSelfStart(void);

#endif /* SC_CATALOG_PRIV_H */
