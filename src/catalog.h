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

#include "internal.h"

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

/* Pool states as stored in the schema, indexed by scStoragePoolState. */
SC_ENUM_DECL(scPoolState);

#endif /* SC_CATALOG_H */
