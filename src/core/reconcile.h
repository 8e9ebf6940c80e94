/*
 * reconcile.h: how the catalog follows storage (DESIGN §4): a whole pool
 * (refresh) or a single volume (a path lookup that missed, the result of a
 * volume operation).
 */
#ifndef SC_RECONCILE_H
#define SC_RECONCILE_H

#include "connect.h"
#include "backends/backend.h"

/* A started pool, as the core hands it to its backend. */
typedef struct {
    scCatalogPool row;     /* the catalog row (uuid, name, state, ...) */
    scPoolDef *def;        /* the parsed definition */
    const scBackend *be;   /* its backend */
    char *target_real;     /* resolved target directory */
    scPoolCtx ctx;         /* { def, target_real } for the backend */
} scActivePool;

/* Load pool @uuid for an operation that needs it active (@verb names the
 * operation in the error). Returns 0 or -1. */
int scActivePoolLoad(scConnect *conn, const char *uuid, const char *verb, scActivePool *ap);
void scActivePoolClear(scActivePool *ap);

/* The catalog columns of a backend record (borrowing its strings). */
void scVolRecordToData(const scVolRecord *rec, scCatalogVolData *data);

/*
 * scReconcilePool:
 * Refresh the active pool @ap: scan, probe what changed, apply the
 * difference and the pool's sizes in one transaction. The caller holds the
 * connection lock and no transaction. Returns 0 or -1 (catalog unchanged).
 */
int scReconcilePool(scConnect *conn, scActivePool *ap, scReconcileStats *stats);

/*
 * scReconcileVolume:
 * Record what storage says of volume @name of @ap now (inside the caller's
 * transaction): update its row (keeping its UUID), insert it (a new UUID,
 * into @uuid), or, when the entry is gone, mark it missing. @action names
 * the event. Returns 1 recorded, 0 gone, -1 error.
 */
int scReconcileVolume(scConnect *conn, scActivePool *ap, const char *name, const char *action,
                      const char *detail, char *uuid);

/*
 * scJournalLive:
 * Whether the create or delete journaled by process @pid (in this boot if
 * @same_boot) as volume @uuid is still in progress. For this process's own
 * journals only the operations running now count (volume.c keeps them): a
 * journal its failed catalog write left behind is not live.
 */
bool scJournalLive(long long pid, bool same_boot, const char *uuid);

#endif /* SC_RECONCILE_H */
