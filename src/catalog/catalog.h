/*
 * catalog.h: the SQLite catalog. src/catalog.c is the only code that
 * speaks SQL; everything else asks it in these terms.
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
 * Opens the catalog at @path (created 0600 if absent and !@readonly), sets
 * WAL, foreign keys and a busy timeout, and migrates an older schema in one
 * exclusive transaction. Refuses a newer schema (SC_ERR_CATALOG_VERSION)
 * and a database that is not a storcat catalog (SC_ERR_CATALOG).
 * @boot_id identifies the current host boot: active states recorded under
 * another boot read as inactive.
 */
scCatalog *scCatalogOpen(const char *path, bool readonly, const char *boot_id);
void scCatalogClose(scCatalog *cat);
SC_DEFINE_CLEANUP(scCatalog, scCatalogClose)

/* The schema version this library writes. */
int scCatalogSchemaVersion(void);

/*
 * Write transactions. Only the outermost Begin issues BEGIN IMMEDIATE (so
 * a writer waits for the lock at the start, not at COMMIT); an inner
 * Rollback makes the outermost End roll back. End(ok=true) commits,
 * End(ok=false) rolls back. Returns 0 or -1.
 */
int scCatalogBegin(scCatalog *cat);
/* A write transaction for many inserts (a refresh): foreign keys are not
 * enforced until it ends, so that SQLite keeps no statement journal for
 * each insert (an immediate foreign key makes every insert able to abort
 * half-way). The caller keeps the references right: volumes of a pool
 * that exists, no row deleted without its dependants. Not nested. */
int scCatalogBeginBulk(scCatalog *cat);
int scCatalogEnd(scCatalog *cat, bool ok);

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
} scCatalogPoolDef;

/* Insert a new pool, or (when a row with def->uuid exists) replace its
 * definition. A UNIQUE clash is reported as SC_ERR_STORAGE_POOL_EXISTS
 * naming the other pool and what they share. */
int scCatalogPoolPut(scCatalog *cat, const scCatalogPoolDef *def);

/* Name of the pool (other than @uuid) holding the target or source key,
 * in *other (caller frees): 1 found, 0 none, -1 error. */
int scCatalogPoolFindClash(scCatalog *cat, const char *uuid, const char *column,
                           const char *key, char **other);

int scCatalogPoolDelete(scCatalog *cat, const char *uuid);
int scCatalogPoolSetAutostart(scCatalog *cat, const char *uuid, bool autostart);
/* Record a new state for the current boot. */
int scCatalogPoolSetState(scCatalog *cat, const char *uuid, int state);

/* Append to the audit trail (inside the caller's transaction). */
int scCatalogEventAdd(scCatalog *cat, const char *actor, const char *pool_uuid,
                      const char *pool_name, const char *action, const char *detail);

/* The resolved target directory of a started pool, and its sizes. */
int scCatalogPoolSetRuntime(scCatalog *cat, const char *uuid, const char *target_real);
int scCatalogPoolSetSizes(scCatalog *cat, const char *uuid, const scStoragePoolInfo *info);
/* The active pool whose resolved target directory is @dir: its uuid into
 * @uuid (SC_UUID_STRING_BUFLEN). 1 found, 0 none, -1 error. */
int scCatalogPoolByTargetReal(scCatalog *cat, const char *dir, char *uuid);
/* The resolved target directory of a pool (caller frees; NULL if unset). */
int scCatalogPoolGetTargetReal(scCatalog *cat, const char *uuid, char **target_real);

/* The digest of the last refresh's scan (NULL if a volume changed since);
 * see sql/002-volumes.sql. */
int scCatalogPoolGetDigest(scCatalog *cat, const char *uuid, char **digest);
int scCatalogPoolSetDigest(scCatalog *cat, const char *uuid, const char *digest);

/* ---- volumes (catalog_vol.c) ---------------------------------------- */

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
    char *backing_path;
    char *backing_format;
    long long mode, uid, gid;      /* -1 when unknown */
    int state;                     /* scStorageVolState */
    long long dev, ino, size, mtime_ns, ctime_ns;
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
} scCatalogVolIdentity;

/* Find a volume's identity by uuid, key or path or, when @pool_uuid is
 * not NULL, by name in that pool (@by is then ignored). 1/0/-1. */
int scCatalogVolFind(scCatalog *cat, scCatalogVolKey by, const char *value,
                     const char *pool_uuid, scCatalogVolIdentity *id);

/* Fills @row (always safe to clear). 1 found, 0 not, -1 error. */
int scCatalogVolGet(scCatalog *cat, scCatalogVolKey by, const char *value, scCatalogVol *row);
int scCatalogVolGetByName(scCatalog *cat, const char *pool_uuid, const char *name,
                          scCatalogVol *row);

/* Calls @cb for each volume of the pool, ordered by name; missing ones too
 * when @missing. A negative return of @cb stops the walk and is returned. */
typedef int (*scCatalogVolCb)(const scCatalogVol *row, void *opaque);
int scCatalogVolForEach(scCatalog *cat, const char *pool_uuid, bool missing,
                        scCatalogVolCb cb, void *opaque);
int scCatalogVolCount(scCatalog *cat, const char *pool_uuid, bool missing);

/* The columns a volume row takes from storage. */
typedef struct {
    const char *name;
    const char *key;
    const char *path;
    int type;
    const char *format;
    unsigned long long capacity, allocation;
    const char *backing_path, *backing_format;
    long long mode, uid, gid;
    long long dev, ino, size, mtime_ns, ctime_ns;
    /* details kept as volume_attrs */
    const char *compat;
    bool lazy_refcounts;
    unsigned long long cluster_size;
    const char *encryption;
} scCatalogVolData;

/* Insert a new volume of pool @pool_uuid with a new @uuid in @state (for
 * creating/deleting, the journal of this process). Returns 0 or -1; a
 * clash of name, key or path is SC_ERR_STORAGE_VOL_EXISTS. */
int scCatalogVolInsert(scCatalog *cat, const char *pool_uuid, const char *uuid, int state,
                       const scCatalogVolData *data);
/* Replace what storage says of volume @uuid and set it present. */
int scCatalogVolUpdate(scCatalog *cat, const char *uuid, const scCatalogVolData *data);
/* Set the state; creating/deleting record this process as the operator. */
int scCatalogVolSetState(scCatalog *cat, const char *uuid, int state);
int scCatalogVolDelete(scCatalog *cat, const char *uuid);
/* Record @alias as another path to volume @uuid. */
int scCatalogVolAddPath(scCatalog *cat, const char *uuid, const char *alias);

/* Detail attributes of a volume ("compat", "lazy_refcounts", ...): calls
 * @cb(name, value) for each. */
int scCatalogVolAttrs(scCatalog *cat, const char *uuid,
                      int (*cb)(const char *name, const char *value, void *opaque),
                      void *opaque);

/* Append a volume event (inside the caller's transaction). */
int scCatalogVolEventAdd(scCatalog *cat, const char *actor, const char *pool_uuid,
                         const char *pool_name, const char *vol_uuid, const char *vol_name,
                         const char *action, const char *detail);

/* ---- reconcile (catalog_vol.c) -------------------------------------- */

/* Reconcile, phase 2 (in a read transaction, no write lock): compare the
 * catalog's rows of the pool with the scan, and record only the
 * differences in temporary tables: names gone, interrupted journals. */
int scCatalogScanBegin(scCatalog *cat);
/* A read transaction (one snapshot of the catalog; only temporary tables
 * are written in it). Not nested in a write transaction. */
int scCatalogReadBegin(scCatalog *cat);
int scCatalogReadEnd(scCatalog *cat, bool ok);
/* A number that changes whenever the catalog's content changes; read it
 * inside a transaction. Two equal readings in two transactions: no
 * connection committed anything in between. */
int scCatalogDataVersion(scCatalog *cat, unsigned int *version);

typedef struct {
    const char *name;
    int state; /* scStorageVolState */
    long long dev, ino, size, mtime_ns, ctime_ns;
} scCatalogVolSig;
/* Calls @cb with the name, state and stat signature of every volume of the
 * pool, in name order (byte order, as strcmp), read from a covering index. */
int scCatalogVolSigForEach(scCatalog *cat, const char *pool_uuid,
                           int (*cb)(const scCatalogVolSig *sig, void *opaque), void *opaque);
/* Calls @cb for each creating/deleting journal of the pool, with the
 * process that wrote it and whether that was in this boot. */
int scCatalogVolJournals(scCatalog *cat, const char *pool_uuid,
                         int (*cb)(int64_t id, const char *name, const char *uuid, long long pid,
                                   bool same_boot, void *opaque),
                         void *opaque);
/* A stale journal whose file is there: phase 3 may take its row over. */
int scCatalogScanStalePresent(scCatalog *cat, int64_t id);
/* A present volume whose name the scan did not find (its inode may turn
 * up under a new name). */
int scCatalogScanGone(scCatalog *cat, const scCatalogVolSig *sig);
int scCatalogScanStaleGone(scCatalog *cat, int64_t id);

/* Phase 3, inside one write transaction: apply the difference, record by
 * record, then the names gone. Counts of what changed go to @stats. */
typedef struct {
    unsigned long long scanned, added, changed, renamed, missing, reappeared, purged;
} scReconcileStats;
typedef struct {
    scCatalog *cat;
    const char *pool_uuid, *pool_name, *actor;
    scReconcileStats *stats;
    bool inventory; /* the pool's first inventory: no event per new volume */
    bool any_gone;  /* set by scCatalogApplyBegin: renames are possible */
} scCatalogApply;
int scCatalogApplyBegin(scCatalogApply *a);
/* Record what storage says of one entry: a new volume, a rename, or (when
 * @known: the catalog may have a row of that name) an update. */
int scCatalogApplyRecord(scCatalogApply *a, const scCatalogVolData *d, bool known);
/* Mark the names gone missing, finish the interrupted journals. */
int scCatalogApplyEnd(scCatalogApply *a);

/* Volume states as stored in the schema (types: scStorageVolType, vol_conf.h). */
SC_ENUM_DECL(scVolState); /* indexed by scStorageVolState */

/* Pool states as stored in the schema, indexed by scStoragePoolState. */
SC_ENUM_DECL(scPoolState);

#endif /* SC_CATALOG_H */
