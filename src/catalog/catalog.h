/*
 * catalog.h: the SQLite catalog. src/catalog/ is the only code that
 * speaks SQL; everything else asks it in these terms. It never touches
 * storage, and it decides nothing: which event a change deserves, what a
 * refresh records, is the core's policy (src/core/reconcile.c).
 *
 * Internal lookups return 1 (found), 0 (not found, no error) or -1 (error
 * reported). Rows handed out are copies the caller clears.
 */
#ifndef SC_CATALOG_H
#define SC_CATALOG_H

#include <stdint.h>

#include "util/internal.h"

/* Embedded migrations (src/sql_builtin.c, generated from sql/NNN-*.sql):
 * applying entries [0, n) gives schema version n. */
typedef struct {
    const char *name; /* "001-initial" */
    const char *sql;
} scCatalogMigration;
extern const scCatalogMigration scCatalogMigrations[];
extern const size_t scCatalogNumMigrations;

/* "stc1" in PRAGMA application_id: a storcat catalog. */
#define SC_CATALOG_APPLICATION_ID 0x73746331

typedef struct scCatalog scCatalog;

/*
 * scCatalogOpen:
 * Opens the catalog at @path (created 0600 if absent and @create, never when
 * @readonly: otherwise a missing file is an error naming it), sets
 * WAL, foreign keys and a busy timeout, and migrates an older schema in one
 * exclusive transaction. Refuses a newer schema (SC_ERR_CATALOG_VERSION),
 * a database that is not a storcat catalog and an empty file
 * (SC_ERR_CATALOG), and says why a file cannot be opened (its owner and
 * mode; a read-only file system). A catalog on a read-only file system is
 * read as immutable.
 * @boot_id identifies the current host boot: active states and journals
 * recorded under another boot are stale.
 */
scCatalog *scCatalogOpen(const char *path, bool readonly, bool create, const char *boot_id);
/* Whether the catalog is open read-only; a read-write open of a catalog
 * that cannot be written (a read-only file system, another user's file)
 * falls back to read-only, and *@why (when not NULL) says why, else NULL. */
bool scCatalogReadOnly(const scCatalog *cat, const char **why);
void scCatalogClose(scCatalog *cat);
SC_DEFINE_CLEANUP(scCatalog, scCatalogClose)

/* The schema version this library writes. */
int scCatalogSchemaVersion(void);

/*
 * Write transactions. Only the outermost Begin issues BEGIN IMMEDIATE (so
 * a writer waits for the lock at the start, not at COMMIT); an inner
 * Rollback makes the outermost End roll back. End(ok=true) commits,
 * End(ok=false) rolls back. Returns 0 or -1. No storage work happens
 * between a Begin and its End (DESIGN §5).
 */
int scCatalogBegin(scCatalog *cat);
/* A write transaction for many inserts (a refresh): foreign keys are not
 * enforced until it ends, so that SQLite keeps no statement journal for
 * each insert (an immediate foreign key makes every insert able to abort
 * half-way). The caller keeps the references right: volumes of a pool
 * that exists, no row deleted without its dependants. Not nested. */
int scCatalogBeginBulk(scCatalog *cat);
int scCatalogEnd(scCatalog *cat, bool ok);

/* A read transaction (one snapshot of the catalog; only temporary tables
 * are written in it). Not nested in a write transaction. */
int scCatalogReadBegin(scCatalog *cat);
int scCatalogReadEnd(scCatalog *cat, bool ok);
/* A number that changes whenever the catalog's content changes; read it
 * inside a transaction. Two equal readings in two transactions: no
 * connection committed anything in between. */
int scCatalogDataVersion(scCatalog *cat, unsigned int *version);

/*
 * Who writes a connection's events: the columns of the audit trail that
 * sql/016-event-who-changes.sql describes. Given once (scCatalogSetWho,
 * which takes the strings), then bound by the catalog into every event it
 * records, whichever statement records it. NULL strings and negative ids
 * are stored as NULL.
 */
typedef struct {
    long long uid;         /* the process's real user id */
    char *user_name;       /* ... its name, or NULL */
    char *invoker_via;     /* "sudo", "pkexec", or NULL: no other user behind */
    long long invoker_uid; /* the user behind sudo or pkexec, or -1 */
    char *invoker_name;    /* ... its name, or NULL */
    long long pid;         /* the process */
    char *program;         /* its program */
    char *storcat_actor;   /* $STORCAT_ACTOR as given, or NULL */
} scCatalogWho;

void scCatalogWhoClear(scCatalogWho *who);
/* Hand @who to @cat (its strings are the catalog's now; *@who is
 * emptied). */
void scCatalogSetWho(scCatalog *cat, scCatalogWho *who);

/* Append to the audit trail (inside the caller's transaction).
 * @changes, if not NULL, is the JSON object of what the event changed
 * (src/core/changes.c makes it). */
int scCatalogEventAdd(scCatalog *cat, const char *actor, const char *pool_uuid,
                      const char *pool_name, const char *action, const char *detail);
int scCatalogEventAddChanges(scCatalog *cat, const char *actor, const char *pool_uuid,
                             const char *pool_name, const char *action, const char *detail,
                             const char *changes);

/* The events written from scCatalogRefreshBegin (inside a write
 * transaction) to scCatalogRefreshEnd are one refresh's: their column
 * refresh is the id of the first of them (report_drift finds a pool's
 * last refresh by it). */
int scCatalogRefreshBegin(scCatalog *cat);
void scCatalogRefreshEnd(scCatalog *cat);

/* ---- reading the audit trail (catalog_event.c) ------------------------ */

/* One row of the events table, as the event dispatcher reads it; the
 * strings are owned by the row (NULL where the column is). */
typedef struct {
    int64_t id;
    char *action;
    char *detail;
    char *pool_uuid;
    char *pool_name;
    char *vol_uuid;
    char *vol_name;
    char *vol_key; /* the volume's key while its row exists, else NULL */
    /* The rest of the row, for scConnectAuditEventRegister's callbacks. */
    long long ts;
    char *actor;
    long long uid, invoker_uid, pid; /* -1 where NULL */
    char *user_name, *invoker_via, *invoker_name, *program, *storcat_actor;
    char *changes;
} scCatalogEvent;

void scCatalogEventClear(scCatalogEvent *ev);

/* The id of the last event committed (0 when there is none). 0 or -1. */
int scCatalogEventLastId(scCatalog *cat, int64_t *id);

/* The most events scCatalogEventsAfter returns at once. */
#define SC_CATALOG_EVENT_BATCH 256

/* The events committed after id @after, in order, at most
 * SC_CATALOG_EVENT_BATCH of them, into @evs (the caller clears each).
 * Returns their number, or -1 (none left to clear). */
int scCatalogEventsAfter(scCatalog *cat, int64_t after, scCatalogEvent *evs);

/* ---- pools (catalog.c) ------------------------------------------------ */

/* An operation on a pool in progress (journaled with the process and the
 * boot that runs it), as in the pools.op column. */
typedef enum {
    SC_POOL_OP_NONE,
    SC_POOL_OP_BUILDING,
    SC_POOL_OP_STARTING,
    SC_POOL_OP_STOPPING,
    SC_POOL_OP_DELETING,
    SC_POOL_OP_LAST
} scPoolOp;
SC_ENUM_DECL(scPoolOp); /* "", "building", ... (NONE is NULL in the table) */

/* One row of the pools table; strings are owned by the row. */
typedef struct {
    int64_t id;
    char uuid[SC_UUID_STRING_BUFLEN];
    char *name;
    char *type;
    char *target_path;
    char *xml;
    int state;               /* an scStoragePoolState, already adjusted for reboots */
    bool autostart;
    unsigned long long capacity;
    unsigned long long allocation;
    unsigned long long available;
    char *runtime;           /* what the backend's start returned (this boot), or NULL */
    int op;                  /* scPoolOp in progress (or interrupted) */
    long long op_pid;        /* the process that journaled it */
    bool op_this_boot;       /* journaled in this boot of the host */
    unsigned long long op_start; /* that process's start time (0: unknown) */
    bool transient;          /* made by scStoragePoolCreateXML: gone when stopped */
    long long refreshed_at;  /* the last refresh (seconds since the epoch), 0 if none */
    long long target_mode;   /* the target directory's mode as the last refresh (this
                                boot) read it, or -1 */
    long long target_uid;    /* ... its owner, or -1 */
    long long target_gid;    /* ... its group, or -1 */
    char *pending_xml;       /* a definition given while it ran, for its next start, or NULL */
} scCatalogPool;

void scCatalogPoolClear(scCatalogPool *row);

typedef enum {
    SC_POOL_BY_NAME,
    SC_POOL_BY_UUID,        /* canonical UUID string */
    SC_POOL_BY_TARGET_PATH, /* sanitized path */
} scCatalogPoolKey;

/* Fills @row (always safe to clear afterwards). 1 found, 0 not, -1 error. */
int scCatalogPoolGet(scCatalog *cat, scCatalogPoolKey by, const char *value,
                     scCatalogPool *row);

/* Calls @cb for every pool, ordered by name; a negative return stops the
 * walk and is returned. */
typedef int (*scCatalogPoolCb)(const scCatalogPool *row, void *opaque);
int scCatalogPoolForEach(scCatalog *cat, scCatalogPoolCb cb, void *opaque);

/* What a definition stores; keys may be NULL. */
typedef struct {
    const char *uuid;
    const char *name;
    const char *type;
    const char *target_path;
    const char *target_key;
    const char *source_key;
    const char *xml;
    bool transient;
    bool pending; /* the pool (def->uuid, def->name) runs: keep this one for its next start */
} scCatalogPoolDef;

/* Insert a new pool, or (when a row with def->uuid exists) replace its
 * definition, dropping any pending one; with def->pending, record the
 * definition as the existing pool's pending one (its transient flag too)
 * and leave the running one. */
int scCatalogPoolPut(scCatalog *cat, const scCatalogPoolDef *def);

/* Make the pending definition of pool @uuid its definition. 1 done, 0
 * none pending, -1 error. */
int scCatalogPoolApplyPending(scCatalog *cat, const char *uuid);

/* Name of the pool (other than @uuid) holding the target or source key,
 * in *other (caller frees): 1 found, 0 none, -1 error. */
int scCatalogPoolFindClash(scCatalog *cat, const char *uuid, const char *column,
                           const char *key, char **other);

int scCatalogPoolDelete(scCatalog *cat, const char *uuid);
int scCatalogPoolSetAutostart(scCatalog *cat, const char *uuid, bool autostart);
/* Record a new state for the current boot. */
int scCatalogPoolSetState(scCatalog *cat, const char *uuid, int state);
/* Journal operation @op (SC_POOL_OP_NONE: clear it) as this process's. */
int scCatalogPoolSetOp(scCatalog *cat, const char *uuid, int op);

/* Record what the backend's start returned: its state text and the
 * directories its volumes' paths lie in (NULL-terminated; NULL: none).
 * NULL @runtime and @dirs clear them (a stop). */
int scCatalogPoolSetRuntime(scCatalog *cat, const char *uuid, const char *runtime,
                            char *const *dirs);
/* The runtime dirs of pool @uuid, a NULL-terminated array in *@dirs
 * (caller frees each and the array; NULL when none). 0 or -1. */
int scCatalogPoolGetDirs(scCatalog *cat, const char *uuid, char ***dirs);
/* The active pools (this boot) with runtime dir @dir: @cb(uuid) for each;
 * a nonzero return stops the walk and is returned. */
int scCatalogPoolsByDir(scCatalog *cat, const char *dir,
                        int (*cb)(const char *uuid, void *opaque), void *opaque);

/* The active pools (this boot) with a runtime "dir" that is not absolute
 * (a backend's own path form, such as iscsi-direct's) and begins @path:
 * @cb(uuid) for each; a nonzero return stops the walk and is returned. */
int scCatalogPoolsByPrefix(scCatalog *cat, const char *path,
                           int (*cb)(const char *uuid, void *opaque), void *opaque);

/* Is the pool of row id @pool_id (or, when @pool_id is 0, of UUID
 * @pool_uuid) inactive this boot? 1 inactive, its name in *@name
 * (borrowed: valid until the next catalog call), 0 active or not
 * defined, -1 error. The inactive pools are cached on the connection and
 * read again only when the catalog's data version changed since (a commit
 * by this connection or another): a check that finds nothing changed
 * runs no query. Call it after the statement it qualifies has run, so
 * that the data version is the one that statement read. */
int scCatalogPoolInactive(scCatalog *cat, long long pool_id, const char *pool_uuid,
                          const char **name);

int scCatalogPoolSetSizes(scCatalog *cat, const char *uuid, const scStoragePoolInfo *info);
/* The sums of the capacity and allocation of the pool's present volumes
 * into @info (available 0): the sizes of a pool whose backend has no
 * pool_info (a target's LUNs). 0 or -1. */
int scCatalogPoolSumVolumes(scCatalog *cat, const char *uuid, scStoragePoolInfo *info);
/* The free extents of a started pool (scPoolDefSetFreeExtents's text;
 * NULL when none, or recorded under another boot). 0 or -1. */
int scCatalogPoolGetFreeExtents(scCatalog *cat, const char *uuid, char **text);
int scCatalogPoolSetFreeExtents(scCatalog *cat, const char *uuid, const char *text);
/* Record the target directory's mode, owner and group (a negative @mode:
 * none) for this boot, as the pool's sizes. 0 or -1. */
int scCatalogPoolSetPerms(scCatalog *cat, const char *uuid, long long mode, long long uid,
                          long long gid);
/* The backend's change token of the last refresh (NULL if a volume
 * changed since: any write to the pool's volumes clears it). */
int scCatalogPoolGetToken(scCatalog *cat, const char *uuid, char **token);
int scCatalogPoolSetToken(scCatalog *cat, const char *uuid, const char *token);

/* ---- volumes (catalog_vol.c) ---------------------------------------- */

/* The largest change signature or identity stored, in bytes. */
#define SC_CATALOG_SIG_MAX 64

/* One row of the volumes table, with its pool's uuid and name. */
typedef struct {
    int64_t id;
    int64_t pool_id;
    char uuid[SC_UUID_STRING_BUFLEN];
    char pool_uuid[SC_UUID_STRING_BUFLEN];
    char *pool_name;
    char *name;
    char *key;
    char *path;
    int type;                      /* scStorageVolType */
    char *format;
    unsigned long long capacity;
    unsigned long long allocation;
    unsigned long long physical;
    char *backing_path;
    char *backing_format;
    long long mode, uid, gid;      /* -1 when unknown */
    long long atime_ns, mtime_ns, ctime_ns, btime_ns; /* -1 when unknown */
    int state;                     /* scStorageVolState */
    unsigned char sig[SC_CATALOG_SIG_MAX];
    size_t sig_len;
    unsigned char ident[SC_CATALOG_SIG_MAX];
    size_t ident_len;
    char *op;                      /* "wiping", ... in progress, or NULL */
    long long op_pid;              /* the process of a journal (op or creating/deleting) */
    bool op_this_boot;
    unsigned long long op_start;   /* that process's start time (0: unknown) */
} scCatalogVol;

void scCatalogVolClear(scCatalogVol *row);

typedef enum {
    SC_VOL_BY_UUID,
    SC_VOL_BY_KEY,
    SC_VOL_BY_PATH, /* the canonical path or any recorded alias */
} scCatalogVolKey;

/* A volume's identity, for a handle: the fast lookup. */
typedef struct {
    char uuid[SC_UUID_STRING_BUFLEN];
    char name[256];   /* SC_NAME_MAX + 1 */
    char key[4096];   /* PATH_MAX */
    int state;
    long long pool_id; /* its pool's row id (scCatalogPoolInactive) */
} scCatalogVolIdentity;

/* Find a volume's identity by uuid, key or path or, when @pool_uuid is
 * not NULL, by name in that pool (@by is then ignored). A key several
 * pools share answers the volume of the first active one, else the
 * first. 1/0/-1. */
int scCatalogVolFind(scCatalog *cat, scCatalogVolKey by, const char *value,
                     const char *pool_uuid, scCatalogVolIdentity *id);

/* Fills @row (always safe to clear). 1 found, 0 not, -1 error. */
int scCatalogVolGet(scCatalog *cat, scCatalogVolKey by, const char *value, scCatalogVol *row);
int scCatalogVolGetByName(scCatalog *cat, const char *pool_uuid, const char *name,
                          scCatalogVol *row);
/* The volume of key @key in the pool @pool_uuid (a key is unique in its
 * pool, not across pools). 1/0/-1 as scCatalogVolGet. */
int scCatalogVolGetByKey(scCatalog *cat, const char *pool_uuid, const char *key,
                         scCatalogVol *row);

/* Which rows of a pool a listing gives. */
typedef enum {
    SC_VOLS_PRESENT, /* the volumes storage has */
    SC_VOLS_KNOWN,   /* ... and the missing ones */
    SC_VOLS_ALL,     /* every row: incomplete ones and journals too */
} scCatalogVolSet;

/* Calls @cb with the identity of each volume of the pool in @set, ordered
 * by name. A negative return of @cb stops the walk and is returned. */
typedef int (*scCatalogVolCb)(const scCatalogVolIdentity *id, void *opaque);
int scCatalogVolForEach(scCatalog *cat, const char *pool_uuid, scCatalogVolSet set,
                        scCatalogVolCb cb, void *opaque);
int scCatalogVolCount(scCatalog *cat, const char *pool_uuid, scCatalogVolSet set);
/* Type, capacity and allocation of volume @uuid (and its physical size
 * when @physical is not NULL) and its pool's row id: one row read.
 * 1/0/-1. */
int scCatalogVolGetInfo(scCatalog *cat, const char *uuid, scStorageVolInfo *info,
                        unsigned long long *physical, long long *pool_id);

/* The columns a volume row takes from storage (strings borrowed). */
typedef struct {
    const char *name;
    const char *key;
    const char *path;
    int type;
    const char *format;
    unsigned long long capacity, allocation, physical;
    const char *backing_path, *backing_format;
    long long mode, uid, gid;
    long long atime_ns, mtime_ns, ctime_ns, btime_ns;
    const void *sig;               /* change signature, or NULL */
    size_t sig_len;
    const void *ident;             /* identity across renames, or NULL */
    size_t ident_len;
    char *const *aliases;          /* to volume_paths */
    size_t naliases;
    const scNameValue *attrs;      /* to volume_attrs */
    size_t nattrs;
} scCatalogVolData;

/* Insert a new volume of the pool of row @pool_id with a new @uuid in @state (for
 * creating/deleting, the journal of this process), with its aliases and
 * attributes. Returns 0 or -1; a clash of name, key or path (or an alias
 * another volume has) is SC_ERR_STORAGE_VOL_EXIST. */
int scCatalogVolInsert(scCatalog *cat, int64_t pool_id, const char *uuid, int state,
                       const scCatalogVolData *data);
/* Replace what storage says of volume @uuid (aliases and attributes too),
 * set it present and end any journal on it. */
int scCatalogVolUpdate(scCatalog *cat, const char *uuid, const scCatalogVolData *data);
/* The same of the volume of @row, read in this transaction: no lookup of
 * its row. */
int scCatalogVolUpdateRow(scCatalog *cat, const scCatalogVol *row, const scCatalogVolData *data);
/* Set the state; creating/deleting record this process as the operator. */
int scCatalogVolSetState(scCatalog *cat, const char *uuid, int state);
/* Journal operation @op ("wiping", ...) on present volume @uuid as this
 * process's, or clear it (NULL). */
int scCatalogVolSetOp(scCatalog *cat, const char *uuid, const char *op);
/* Put back the signature an operation's journal cleared, when the
 * operation left storage as it was. */
int scCatalogVolRestoreSig(scCatalog *cat, const char *uuid, const void *sig, size_t sig_len);
int scCatalogVolDelete(scCatalog *cat, const char *uuid);
/* Journal the identity of the storage a create (row @uuid, 'creating')
 * has just made. 1 written, 0 no such create, -1. */
int scCatalogVolSetIdent(scCatalog *cat, const char *uuid, const void *ident, size_t ident_len);
/* Take over the 'creating' journal of row @id as this process's, if it is
 * still the one of process @old_pid (-1: none) started at @old_start (0:
 * unknown). 1 taken, 0 someone else's now, -1. */
int scCatalogVolClaim(scCatalog *cat, int64_t id, long long old_pid, unsigned long long old_start);

/* ---- read-only queries (catalog_query.c) ---------------------------- */

/* A read-only handle on the catalog for one call: its own SQLite
 * connection (SQLITE_OPEN_READONLY, query_only), an authorizer that
 * allows reading only, and a time limit per statement (0: none). */
typedef struct scCatalogReader scCatalogReader;
scCatalogReader *scCatalogReaderOpen(scCatalog *cat, unsigned int timeout_ms);
void scCatalogReaderClose(scCatalogReader *r);
SC_DEFINE_CLEANUP(scCatalogReader, scCatalogReaderClose)

/* One row as a reader gives it: @values[i] the text of column i (NULL
 * for NULL; for an INTEGER column only with SC_CATALOG_ROW_INT_TEXT),
 * @types[i] an scQueryValueType, @ints[i] an INTEGER's (or a FLOAT's
 * truncated) value. The header call has only @ncols and @names. */
typedef struct {
    int ncols;
    const char *const *names;
    const char *const *values;
    const int *types;
    const long long *ints;
} scCatalogRow;
typedef int (*scCatalogRowCb)(const scCatalogRow *row, void *opaque);

enum {
    SC_CATALOG_ROW_HEADER = 1 << 0,   /* call @cb once first with the column names */
    SC_CATALOG_ROW_INT_TEXT = 1 << 1, /* integers as text too */
};

/*
 * scCatalogReaderRun:
 * Runs @sql (exactly one statement, read-only) with text parameters
 * ?1..?@nparams (NULL ones stay NULL) and calls @cb for each row: 0 goes
 * on, 1 stops (success), -1 stops with an error (SC_ERR_OPERATION_ABORTED
 * if @cb set none). @what names the statement in messages ("query").
 * Errors: SC_ERR_OPERATION_DENIED for a change refused,
 * SC_ERR_OPERATION_TIMEOUT past the time limit, SC_ERR_INVALID_ARG for
 * SQL that does not compile or holds two statements. Returns the number
 * of rows given to @cb, or -1.
 */
int scCatalogReaderRun(scCatalogReader *r, const char *sql, const char *const *params, int nparams,
                       unsigned int flags, scCatalogRowCb cb, void *opaque, const char *what);

/* ---- settings and the trail's age (catalog_settings.c) ---------------- */

/* The value of setting @name in *@value (caller frees): 1, 0 not set, -1. */
int scCatalogSettingGet(scCatalog *cat, const char *name, char **value);
/* Set it (NULL: remove it), inside the caller's transaction. 0 or -1. */
int scCatalogSettingSet(scCatalog *cat, const char *name, const char *value);
/* Delete the events older than @before (seconds since the epoch) but the
 * newest, and the pools' sizes recorded before it (pool_usage), in a
 * transaction of its own if there are any; how many events in *@count.
 * 0 or -1. */
int scCatalogEventsPrune(scCatalog *cat, long long before, unsigned long long *count);

/* ---- guest disks of domains (catalog_domain.c) ------------------------ */

/* One <disk> of a domain, as the core parsed it: every string may be NULL
 * but @device and @source_type. A disk of a pool's volume has @pool_name
 * and @vol_name (resolved by name); a file, block or dir disk @path (its
 * canonical spelling) and maybe @alt_path (another one); a network disk
 * neither. */
typedef struct {
    const char *target;      /* <target dev> */
    const char *device;      /* disk, cdrom, floppy, lun */
    const char *source_type; /* the <disk type> */
    const char *source;      /* as written */
    const char *path;
    const char *alt_path;
    const char *pool_name;
    const char *vol_name;
    bool readonly;
} scCatalogDisk;

/* Replace what is recorded of domain @name (its UUID and the file it came
 * from may be NULL) by @disks, in the caller's transaction; how many
 * resolved to a catalogued volume in *@resolved. 0 or -1. */
int scCatalogDomainReplace(scCatalog *cat, const char *name, const char *uuid, const char *source,
                           const scCatalogDisk *disks, size_t ndisks, size_t *resolved);
/* Forget domain @name and its disks, in the caller's transaction: 1, 0 if
 * it was not recorded, -1. */
int scCatalogDomainForget(scCatalog *cat, const char *name);
/* Calls @cb with the name of each domain that has a disk at @path or
 * @path2 (either may be NULL), or at any spelling of the volume there,
 * ordered by name. A negative return of @cb stops with -1. 0 or -1. */
int scCatalogDiskOwners(scCatalog *cat, const char *path, const char *path2,
                        int (*cb)(const char *domain, void *opaque), void *opaque);

/*
 * scCatalogVolUsers:
 * Calls @cb for each volume that uses volume @uuid: (its name, its pool's
 * name, the kind of use): first the domains, kind "domain" (an imported
 * domain with a disk that resolved to the volume, or whose path is the
 * volume's path or one of its aliases: @name the domain, @pool its disks'
 * targets, "vda, vdb"), by name; then kind "backing" (a present,
 * incomplete or creating volume whose backing file is the volume's path or
 * one of its aliases), by pool and name. A negative return of @cb stops
 * the walk and is returned.
 */
int scCatalogVolUsers(scCatalog *cat, const char *uuid,
                      int (*cb)(const char *name, const char *pool, const char *kind,
                                void *opaque),
                      void *opaque);

/* Detail attributes and alias paths of a volume: @cb for each (for
 * aliases @value is NULL). */
int scCatalogVolAttrs(scCatalog *cat, const char *uuid,
                      int (*cb)(const char *name, const char *value, void *opaque),
                      void *opaque);
int scCatalogVolAliases(scCatalog *cat, const char *uuid,
                        int (*cb)(const char *path, const char *unused, void *opaque),
                        void *opaque);

/* Append a volume event (inside the caller's transaction), with the
 * JSON object of what it changed (@changes, or NULL). */
int scCatalogVolEventAdd(scCatalog *cat, const char *actor, const char *pool_uuid,
                         const char *pool_name, const char *vol_uuid, const char *vol_name,
                         const char *action, const char *detail);
int scCatalogVolEventAddChanges(scCatalog *cat, const char *actor, const char *pool_uuid,
                                const char *pool_name, const char *vol_uuid, const char *vol_name,
                                const char *action, const char *detail, const char *changes);

/* ---- reconcile (catalog_scan.c) --------------------------------------- */

/* Phase 2 of a refresh (inside a read transaction, no write lock):
 * per-connection temporary tables of the rows whose names storage no
 * longer has and of the interrupted journals, emptied here. */
int scCatalogScanBegin(scCatalog *cat);

/* The pool's rows in name order (byte order, as strcmp), read from a
 * covering index: open, then next until 0; one walk at a time per
 * connection. Strings and blobs are valid until the next call. */
typedef struct {
    const char *name;
    int state;        /* scStorageVolState */
    const void *sig;  /* NULL when none */
    size_t sig_len;
} scCatalogVolSig;
int scCatalogVolSigOpen(scCatalog *cat, const char *pool_uuid);
int scCatalogVolSigNext(scCatalog *cat, scCatalogVolSig *sig);
void scCatalogVolSigClose(scCatalog *cat);

/* A creating/deleting journal of a pool: its row, and the process that
 * wrote it (pid, start time, whether in this boot). */
typedef struct {
    int64_t id;
    const char *name;
    const char *uuid;
    long long pid;
    bool same_boot;
    unsigned long long start;
    int state;                              /* creating or deleting */
    unsigned char ident[SC_CATALOG_SIG_MAX]; /* a create's storage, once made */
    size_t ident_len;                       /* 0: none journaled */
} scCatalogJournal;
/* Calls @cb for each creating/deleting journal of the pool. */
int scCatalogVolJournals(scCatalog *cat, const char *pool_uuid,
                         int (*cb)(const scCatalogJournal *j, void *opaque), void *opaque);
/* A row whose name storage no longer has (its identity is kept for
 * rename detection), and stale journals found present or gone. */
int scCatalogScanGone(scCatalog *cat, const char *pool_uuid, const char *name);
int scCatalogScanStalePresent(scCatalog *cat, int64_t id);
int scCatalogScanStaleGone(scCatalog *cat, int64_t id);

/* Phase 3, in the write transaction. Any name gone: renames are possible. */
int scCatalogScanAnyGone(scCatalog *cat, bool *any);
/* Is journal row @id one this refresh found stale (and present)? 1/0/-1 */
int scCatalogScanIsStalePresent(scCatalog *cat, int64_t id);
/* A record of storage (name and identity), before any is applied. */
int scCatalogScanFound(scCatalog *cat, const char *name, const void *ident, size_t ident_len);
/* Set aside the rows of the pool that moved: their name is storage's
 * with another identity, and their identity storage's under another name
 * (partitions renumbered). They are found by identity then, as the rows
 * whose names are gone; *@any if there was one. 0 or -1. */
int scCatalogScanMoveAside(scCatalog *cat, const char *pool_uuid, bool *any);
/* A row set aside that no record took, after all were applied: its uuid
 * and the name it had. 1, 0 none, -1. */
int scCatalogScanUnclaimed(scCatalog *cat, const char *pool_uuid, char *uuid, char **was);
/* A row of the pool, present or missing, whose name is gone (or that was
 * set aside; with @moved_only, only one set aside) and whose identity is
 * @ident: its uuid and the name it had into @uuid and *@old_name (caller
 * frees). 1 found, 0 not, -1. */
int scCatalogScanFindRenamed(scCatalog *cat, const char *pool_uuid, const void *ident,
                             size_t ident_len, bool moved_only, char *uuid, char **old_name);
/* Mark the present rows whose names are gone missing, each with an event
 * (@action, @detail); their number in *@count. */
int scCatalogScanMarkGone(scCatalog *cat, const char *pool_uuid, const char *pool_name,
                          const char *actor, const char *action, const char *detail,
                          unsigned long long *count);
/* Drop the stale journals whose storage is gone, each with an event:
 * @create_action for a create, @delete_action for a delete. */
int scCatalogScanDropStale(scCatalog *cat, const char *pool_uuid, const char *pool_name,
                           const char *actor, const char *create_action,
                           const char *delete_action, const char *detail,
                           unsigned long long *count);

/* Forget the pool's missing volumes (their rows go), each with an event;
 * their number is added to *@count. */
int scCatalogScanPruneMissing(scCatalog *cat, const char *pool_uuid, const char *pool_name,
                              const char *actor, const char *action, const char *detail,
                              unsigned long long *count);

/* ---- the volume history (catalog_history.c) ------------------------- */

/* Keep the identity of every present or missing volume of pool @pool_uuid
 * (before it is undefined); how many in *@count. 0 or -1. */
int scCatalogHistoryKeep(scCatalog *cat, const char *pool_uuid, unsigned long long *count);
/* Whether any identity is kept for pool @pool_uuid: 1, 0, -1. */
int scCatalogHistoryAny(scCatalog *cat, const char *pool_uuid);
/* The UUID kept for @key in pool @pool_uuid (one no volume has now) into
 * @uuid, and the entry goes: 1, 0 none, -1. */
int scCatalogHistoryTake(scCatalog *cat, const char *pool_uuid, const char *key, char *uuid);
/* Identities kept for @pool_uuid (NULL: all): their number, or -1. */
int scCatalogHistoryCount(scCatalog *cat, const char *pool_uuid);
/* Drop them; how many in *@count. 0 or -1. */
int scCatalogHistoryPrune(scCatalog *cat, const char *pool_uuid, unsigned long long *count);

/* Volume states as stored in the schema (types: scStorageVolType, vol_conf.h). */
SC_ENUM_DECL(scVolState); /* indexed by scStorageVolState */
/* Volume operations of the op column ("wiping", "resizing", "uploading"). */
extern const char *const scCatalogVolOps[];
extern const size_t scCatalogNumVolOps;

/* Pool states as stored in the schema, indexed by scStoragePoolState. */
SC_ENUM_DECL(scPoolState);

#endif /* SC_CATALOG_H */
