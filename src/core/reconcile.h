/*
 * reconcile.h: how the catalog follows storage (DESIGN §4): a whole pool
 * (refresh) or a single volume (a path lookup that missed, the result of a
 * volume operation). The policy lives here: which change is which event,
 * what is a rename, what an interrupted operation becomes.
 */
#ifndef SC_RECONCILE_H
#define SC_RECONCILE_H

#include "backends/backend.h"
#include "connect.h"

/* A started pool, as the core hands it to its backend. */
typedef struct {
    scCatalogPool row;     /* the catalog row (uuid, name, state, runtime, ...) */
    scPoolDef *def;        /* the parsed definition */
    const scBackend *be;   /* its backend */
    scPoolRuntime rt;      /* what its start returned, from the catalog */
    scPoolCtx ctx;         /* { def, &rt } for the backend */
} scActivePool;

/* Load pool @uuid for an operation that needs it active (@verb names the
 * operation in the error). Returns 0 or -1. */
int scActivePoolLoad(scConnect *conn, const char *uuid, const char *verb, scActivePool *ap);
void scActivePoolClear(scActivePool *ap);

/* The backend of a pool row's type; NULL with "not supported yet" reported
 * (naming @verb) when this storcat has none. */
const scBackend *scPoolRowBackend(const scCatalogPool *row, const char *verb);
/* The definition stored in a pool row; NULL (reported) if it does not parse. */
scPoolDef *scPoolRowDef(const scCatalogPool *row);

/* The catalog columns of a backend record (borrowing its strings). */
void scVolRecordToData(const scVolRecord *rec, scCatalogVolData *data);

/* The detail of the events of interrupted operations a refresh settles
 * (event.c tells a delete that was asked for from one completed so). */
#define SC_RECONCILE_INTERRUPTED "interrupted operation completed by refresh"

/* What a started pool's backend says of its sizes: pool_info's, and the
 * free extents of pool_free_extents as the catalog keeps them. */
typedef struct {
    scStoragePoolInfo info;
    char *free_extents; /* "DEVICE START END" lines (scPoolDefSetFreeExtents), or NULL */
    bool has_perms;     /* the backend has pool_perms: @perms is what it read */
    scPoolPerms perms;  /* the target directory's mode, owner, group (no label) */
} scPoolSizes;

void scPoolSizesClear(scPoolSizes *sizes);
/* Ask @ap's backend (storage work: no transaction). 0 or -1. */
int scReconcileReadSizes(scActivePool *ap, scPoolSizes *sizes);
/* Record @sizes as @ap's, inside the caller's write transaction. 0 or -1. */
int scReconcileStoreSizes(scConnect *conn, scActivePool *ap, const scPoolSizes *sizes);

/* Counts of what a refresh changed. */
typedef struct {
    unsigned long long scanned, added, changed, renamed, missing, reappeared, purged;
    unsigned long long restored;   /* added with the UUID kept when their pool was undefined */
    unsigned long long abandoned;  /* interrupted creates whose partial storage was removed */
    unsigned long long incomplete; /* interrupted creates kept as incomplete */
    unsigned long long forgotten;  /* missing volumes pruned */
} scReconcileStats;

/* What a caller adds to a refresh's write transaction (a start records
 * itself done there: its first refresh and its record commit together).
 * Returns 0, or -1 (reported): the refresh then fails. */
typedef int (*scReconcileHook)(scConnect *conn, void *opaque);

/*
 * scReconcilePool:
 * Refresh the active pool @ap: the backend discovers (inside one read
 * snapshot of the catalog, so that a volume recorded meanwhile by another
 * process is not taken for gone; no write lock), the differences and the
 * pool's sizes are applied in one short write transaction, which first
 * runs @hook (if not NULL) with @opaque. The partial storage of
 * interrupted creates is deleted in between (see reconcile.c). With
 * @prune_missing, the pool's missing volumes are forgotten in the same
 * transaction. A refresh with a hook is a start's: it records a
 * "pool-start-refresh" event when it changed anything; one without is a
 * refresh asked for, and always records one "pool-refresh" event
 * (libvirt's REFRESH event). The caller holds the connection lock and no
 * transaction. Returns 0 or -1 (catalog unchanged; partial storage deleted
 * stays deleted, its row still 'creating': the next refresh drops it), or
 * SC_BACKEND_UNREACHABLE when the backend could not reach storage: the
 * volumes are unchanged, and a running pool (not the first refresh of a
 * start, which has a @hook) is recorded degraded with a "pool-degraded"
 * event; the next refresh that succeeds makes it running again
 * ("pool-recovered").
 */
int scReconcilePool(scConnect *conn, scActivePool *ap, bool prune_missing, scReconcileHook hook,
                    void *opaque, scReconcileStats *stats);

/*
 * scReconcileProbe / scReconcileRecord:
 * What storage says of volume @name of @ap now: probe it (storage work, no
 * transaction: 1 found into @rec, 0 gone, -1), then record that inside the
 * caller's write transaction: update its row (keeping its UUID), take
 * over the row of the pool's volume with the record's key under another
 * name (a rename behind the catalog's back: the UUID is kept, event
 * vol-renamed), insert it (a new UUID), or, when it is gone (@found 0),
 * mark it missing, ending
 * the journal of the operation on it when @owner (the operation's own
 * record); a volume another operation holds is left to it. @action and
 * @detail name the event. The UUID goes to @uuid. Returns 1 recorded,
 * 0 gone, -1 error.
 */
int scReconcileProbe(scActivePool *ap, const char *name, scVolRecord *rec);
int scReconcileRecord(scConnect *conn, scActivePool *ap, const char *name, int found,
                      const scVolRecord *rec, bool owner, const char *action,
                      const char *detail, char *uuid);

#endif /* SC_RECONCILE_H */
