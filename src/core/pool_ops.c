/*
 * pool_ops.c: the storage pool calls that act on storage: build, start,
 * stop, delete and refresh.
 *
 * Each is journaled, acted and recorded (DESIGN §5): a short transaction
 * checks the pool's state and records the operation as this process's in
 * the pool's row (pools.op, with the pid and the boot); the backend then
 * works with no transaction open, however long storage takes; a second
 * short transaction records the result and ends the journal. Meanwhile
 * other processes define pools and change volumes freely, and another
 * operation on the same pool is refused as busy. A journal whose process
 * died is stale: it blocks nothing, and the next operation settles it (a
 * start whose first refresh was interrupted is finished; an interrupted
 * stop is completed where the backend can tell that storage is stopped).
 */
#include <config.h>

#include <stdio.h>

#include "changes.h"
#include "journal.h"
#include "pool.h"
#include "reconcile.h"
#include "secret.h"
#include "util/util.h"
#include "util/testpoint.h"

bool
scPoolBusy(const scCatalogPool *row)
{
    if (row->op == SC_POOL_OP_NONE ||
        !scJournalLive(row->op_pid, row->op_start, row->op_this_boot, row->uuid))
        return false;
    scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                  "pool '%s' is busy: process %lld is %s it", row->name, row->op_pid,
                  scPoolOpToString(row->op));
    return true;
}

static bool
stale(const scCatalogPool *row, int op)
{
    return row->op == op &&
           !scJournalLive(row->op_pid, row->op_start, row->op_this_boot, row->uuid);
}

/* One operation on a pool, from its journal to its record. */
typedef struct {
    scStoragePool *pool;
    int op;                /* scPoolOp journaled */
    scCatalogPool row;     /* the row as journaled */
    scPoolDef *def;
    const scBackend *be;
    scPoolRuntime rt;      /* stop: the recorded one; start: the one returned */
    int made;              /* start with build: build's result (1: it made storage) */
    bool finish_start;     /* a start whose first refresh was interrupted */
    bool journaled;
} PoolOp;

static void
op_clear(PoolOp *o)
{
    if (o->journaled)
        scJournalEnd(o->pool->uuidstr);
    scCatalogPoolClear(&o->row);
    scPoolDefFree(o->def);
    o->def = NULL;
    scPoolRuntimeClear(&o->rt);
}

static const char *const op_verbs[SC_POOL_OP_LAST] = {
    [SC_POOL_OP_BUILDING] = "build",
    [SC_POOL_OP_STARTING] = "start",
    [SC_POOL_OP_STOPPING] = "stop",
    [SC_POOL_OP_DELETING] = "delete",
};

/* Is the pool in the state operation @o->op needs? Reported if not. */
static int
check_state(PoolOp *o, const scCatalogPool *row)
{
    bool active = scPoolRowIsActive(row);
    const char *name = o->pool->name;

    switch (o->op) {
    case SC_POOL_OP_STARTING:
        /* Running with a stale start: its first refresh was cut short. */
        if (active && stale(row, SC_POOL_OP_STARTING)) {
            o->finish_start = true;
            return 0;
        }
        if (active) {
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                          "storage pool '%s' is already active", name);
            return -1;
        }
        return 0;
    case SC_POOL_OP_STOPPING:
        if (!active) {
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                          "storage pool '%s' is not active", name);
            return -1;
        }
        return 0;
    default:
        /* libvirt's words: a build finds it "already", a delete "still" active. */
        if (active) {
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                          o->op == SC_POOL_OP_BUILDING ? "storage pool '%s' is already active"
                                                       : "storage pool '%s' is still active",
                          name);
            return -1;
        }
        return 0;
    }
}

/*
 * A stop that a crash interrupted left the pool recorded as running:
 * where the backend can tell (its check slot) that storage is stopped, the
 * stop is completed (storage work: before any transaction). Returns 1 if
 * the pool is to be recorded inactive, 0 if not, -1.
 */
static int
settle_stop(PoolOp *o, const scCatalogPool *row)
{
    bool active = true;

    if (!stale(row, SC_POOL_OP_STOPPING) || !scPoolRowIsActive(row) || !o->be->check)
        return 0;
    if (o->be->check(o->def, &active) < 0)
        return -1;
    return active ? 0 : 1;
}

/* A definition given while the pool ran waits for its stop (op_record);
 * one that no stop applied (the host rebooted under the running pool) is
 * the definition of the stopped pool: applied before any operation. The
 * pool's row in @seen is read again. 0 or -1. */
static int
apply_pending(scStoragePool *pool, scCatalogPool *seen)
{
    scCatalog *cat = pool->conn->catalog;
    scCatalogPool row = { 0 };
    bool ok;

    if (scCatalogBegin(cat) < 0)
        return -1;
    ok = scPoolRow(pool, &row) == 0 &&
         (scPoolRowIsActive(&row) || scCatalogPoolApplyPending(cat, pool->uuidstr) >= 0);
    scCatalogPoolClear(&row);
    if (scCatalogEnd(cat, ok) < 0)
        ok = false;
    scCatalogPoolClear(seen);
    return ok ? scPoolRow(pool, seen) : -1;
}

/* Step 1: load the pool, check its state and journal @op. 0; 1 for a
 * stop that an interrupted one, completed here, has done already (nothing
 * journaled); or -1. Unless 0, @o is cleared (op_clear is for a journaled
 * operation only). @op SC_POOL_OP_NONE only settles an interrupted stop:
 * 1 if it completed one, 0 if there was none to complete, nothing
 * journaled either way. */
static int
op_journal(PoolOp *o, scStoragePool *pool, int op)
{
    scCatalog *cat = pool->conn->catalog;
    scCatalogPool seen = { 0 };
    bool ok = false, keep = false;
    int settled;

    memset(o, 0, sizeof(*o));
    o->pool = pool;
    o->op = op;
    if (scPoolRow(pool, &seen) < 0 ||
        (seen.pending_xml && !scPoolRowIsActive(&seen) && apply_pending(pool, &seen) < 0) ||
        !(o->def = scPoolRowDef(&seen)) ||
        /* A start logs in: the secret its <auth> names, if any. */
        (op == SC_POOL_OP_STARTING && scSecretLoadForPool(pool->conn, o->def) < 0)) {
        scCatalogPoolClear(&seen);
        scPoolDefFree(o->def);
        o->def = NULL;
        return -1;
    }
    /* A type without a backend fails below, after its state is checked. */
    o->be = scBackendForType(scPoolTypeFromString(seen.type));
    if ((settled = o->be ? settle_stop(o, &seen) : 0) < 0)
        goto out;
    if (scCatalogBegin(cat) < 0)
        goto out;
    if (scPoolRow(pool, &o->row) < 0 || scPoolBusy(&o->row))
        goto end;
    /* The interrupted stop settled above, if nobody changed the row since. */
    if (settled && o->row.op == seen.op && o->row.op_pid == seen.op_pid &&
        stale(&o->row, SC_POOL_OP_STOPPING)) {
        if (scCatalogPoolSetState(cat, pool->uuidstr, SC_STORAGE_POOL_INACTIVE) < 0 ||
            scCatalogPoolSetRuntime(cat, pool->uuidstr, NULL, NULL) < 0 ||
            scCatalogPoolSetOp(cat, pool->uuidstr, SC_POOL_OP_NONE) < 0 ||
            scCatalogEventAdd(cat, pool->conn->actor, pool->uuidstr, pool->name, "pool-destroy",
                              "interrupted stop completed") < 0 ||
            (o->row.transient ? scCatalogPoolDelete(cat, pool->uuidstr)
                              : scCatalogPoolApplyPending(cat, pool->uuidstr)) < 0)
            goto end;
        o->row.state = SC_STORAGE_POOL_INACTIVE;
        o->row.op = SC_POOL_OP_NONE;
        keep = true;
        /* A stop asked for again: done, the pool is stopped (and a
         * transient one gone), as it asked. */
        if (op == SC_POOL_OP_STOPPING || op == SC_POOL_OP_NONE)
            goto end;
        if (o->row.transient) {
            scReportError(SC_FROM_STORAGE, SC_ERR_NO_STORAGE_POOL,
                          "pool '%s' was transient and is gone: its interrupted stop completed",
                          pool->name);
            goto end;
        }
    }
    if (op == SC_POOL_OP_NONE) {
        /* Nothing settled: nothing changed, nothing journaled. */
        scCatalogEnd(cat, false);
        scCatalogPoolClear(&seen);
        op_clear(o);
        return 0;
    }
    /* An operation refused in the state it finds keeps the stop it
     * completed: storage is stopped whatever the caller asked next. */
    if (check_state(o, &o->row) < 0)
        goto end;
    keep = false;
    if (!(o->be = scPoolRowBackend(&o->row, op_verbs[op])) ||
        scCatalogPoolSetOp(cat, pool->uuidstr, op) < 0)
        goto end;
    if (o->row.runtime && !(o->rt.state = scStrdup(o->row.runtime)))
        goto end;
    if (op == SC_POOL_OP_STOPPING && scCatalogPoolGetDirs(cat, pool->uuidstr, &o->rt.dirs) < 0)
        goto end;
    ok = true;
end:
    if (scCatalogEnd(cat, ok || keep) < 0)
        ok = keep = false;
out:
    scCatalogPoolClear(&seen);
    if (!ok) {
        /* Refused or failed: nothing is journaled; the stop completed is
         * the one kept. */
        op_clear(o);
        return keep && (op == SC_POOL_OP_STOPPING || op == SC_POOL_OP_NONE) ? 1 : -1;
    }
    scJournalBegin(pool->uuidstr);
    o->journaled = true;
    return 0;
}

/* A delete whose storage took the volumes with it: each present volume
 * is missing, and its event says why. */
static int
vol_deleted_with_pool(const scCatalogVolIdentity *id, void *opaque)
{
    scStoragePool *pool = opaque;
    scCatalog *cat = pool->conn->catalog;
    _cleanup_free_ char *changes = NULL;

    return scCatalogVolSetState(cat, id->uuid, SC_STORAGE_VOL_STATE_MISSING) < 0 ||
                   scChangesOne("state", "present", "missing", &changes) < 0 ||
                   scCatalogVolEventAddChanges(cat, pool->conn->actor, pool->uuidstr, pool->name,
                                               id->uuid, id->name, "vol-missing",
                                               "its pool's storage was deleted", changes) < 0
               ? -1
               : 0;
}

/* Step 3: record the result and end the journal (unless @keep_op): the
 * new @state (-1: unchanged), the runtime (@set_rt: o->rt, or nothing
 * when @rt_clear), and the event @action (none when NULL). 0 or -1. */
static int
op_record(PoolOp *o, int state, bool set_rt, bool keep_op, const char *action,
          const char *detail)
{
    scStoragePool *pool = o->pool;
    scCatalog *cat = pool->conn->catalog;
    _cleanup_free_ char *changes = NULL;
    bool ok;

    /* The event's changes: the state, from the one the operation found. */
    if (action && state >= 0 &&
        scChangesOne("state", scPoolStateToString(o->row.state), scPoolStateToString(state),
                     &changes) < 0)
        return -1;
    if (scCatalogBegin(cat) < 0)
        return -1;
    ok = (state < 0 || scCatalogPoolSetState(cat, pool->uuidstr, state) == 0) &&
         (!set_rt || scCatalogPoolSetRuntime(cat, pool->uuidstr, o->rt.state, o->rt.dirs) == 0) &&
         (keep_op || scCatalogPoolSetOp(cat, pool->uuidstr, SC_POOL_OP_NONE) == 0) &&
         (!action || scCatalogEventAddChanges(cat, pool->conn->actor, pool->uuidstr, pool->name,
                                              action, detail, changes) == 0) &&
         (!action || o->op != SC_POOL_OP_DELETING || !o->be->delete_removes_volumes ||
          scCatalogVolForEach(cat, pool->uuidstr, SC_VOLS_PRESENT, vol_deleted_with_pool,
                              pool) == 0) &&
         /* A transient pool lives only while it runs; a persistent one
          * takes the definition given while it ran, as libvirt's
          * (virStoragePoolUpdateInactive). */
         (state != SC_STORAGE_POOL_INACTIVE ||
          (o->row.transient ? scCatalogPoolDelete(cat, pool->uuidstr)
                            : scCatalogPoolApplyPending(cat, pool->uuidstr)) >= 0);
    if (scCatalogEnd(cat, ok) < 0)
        ok = false;
    return ok ? 0 : -1;
}

/* A failed operation: end its journal (best effort: a journal left behind
 * is stale once this process no longer runs the operation), keeping the
 * error that brought us here. */
static void
op_abandon(PoolOp *o)
{
    scErrorSaved *saved = scErrorSave();

    op_record(o, -1, false, false, NULL, NULL);
    scErrorRestore(&saved);
}

/* ---- build and delete --------------------------------------------------- */

/* A start, build or delete of a pool on a device that is the source of
 * another running pool, however either spells it (a link,
 * /dev/disk/by-id/..., /dev/block/7:0), is refused: the definitions'
 * check compares their text, as libvirt's, and a logical pool's source is
 * its volume group's name, so a second pool on the same device got past
 * it; its build with overwrite wiped the running pool's label or volume
 * group, its start mounted a file system twice. A build or delete (@parts)
 * writes over the partitions of a whole disk too: one that is another
 * running pool's source (a PV) is refused as well; a start is not (a disk
 * pool runs beside the logical pools on its partitions). 0, or -1
 * reported. */
static int
refuse_shared_device(PoolOp *o, const char *verb, bool parts)
{
    const scPoolDef *def = o->def;

    for (size_t i = 0; i < def->source.ndevices; i++) {
        const char *path = def->source.devices[i].path;
        _cleanup_free_ char *other = NULL, *as = NULL;
        int r;

        if (!path || (r = scPoolSourceUser(o->pool->conn, path, o->pool->uuidstr, parts,
                                           &other, &as)) == 0)
            continue;
        if (r < 0)
            return -1;
        if (r == 2)
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                          "pool '%s': cannot %s: device '%s' holds '%s', the source of running "
                          "pool '%s'; stop that pool first",
                          def->name, verb, path, as, other);
        else
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                          "pool '%s': cannot %s: device '%s' is the source of running pool "
                          "'%s'%s%s%s; stop that pool first",
                          def->name, verb, path, other, strcmp(path, as) ? " (as '" : "",
                          strcmp(path, as) ? as : "", strcmp(path, as) ? "')" : "");
        return -1;
    }
    return 0;
}

int
scStoragePoolBuild(scStoragePoolPtr pool, unsigned int flags)
{
    PoolOp o;
    int made = 0, ret = -1;

    SC_API_BEGIN();
    if (scCheckFlags(flags, SC_STORAGE_POOL_BUILD_REPAIR | SC_STORAGE_POOL_BUILD_RESIZE |
                                SC_STORAGE_POOL_BUILD_NO_OVERWRITE |
                                SC_STORAGE_POOL_BUILD_OVERWRITE) < 0 ||
        !scPoolEnter(pool, __func__, true))
        return -1;
    if ((flags & SC_STORAGE_POOL_BUILD_OVERWRITE) && (flags & SC_STORAGE_POOL_BUILD_NO_OVERWRITE)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                      "pool '%s': build with overwrite and without overwrite are exclusive",
                      pool->name);
        goto out;
    }
    if (op_journal(&o, pool, SC_POOL_OP_BUILDING) < 0)
        goto out;
    if (refuse_shared_device(&o, "build it", true) < 0 ||
        (o.be->build && (made = o.be->build(o.def, flags)) < 0)) {
        op_abandon(&o);
    } else if (op_record(&o, -1, false, false, "pool-build", NULL) < 0) {
        /* Not recorded: what this build made goes again. */
        scErrorSaved *saved = scErrorSave();
        if (made > 0 && o.be->delete_pool)
            o.be->delete_pool(o.def, 0);
        op_abandon(&o);
        scErrorRestore(&saved);
    } else {
        ret = 0;
    }
    op_clear(&o);
out:
    scConnectUnlock(pool->conn);
    return ret;
}

int
scStoragePoolDelete(scStoragePoolPtr pool, unsigned int flags)
{
    PoolOp o;
    int ret = -1;

    SC_API_BEGIN();
    if (scCheckFlags(flags, SC_STORAGE_POOL_DELETE_ZEROED) < 0 ||
        !scPoolEnter(pool, __func__, true))
        return -1;
    if (op_journal(&o, pool, SC_POOL_OP_DELETING) == 0) {
        if (!o.be->delete_pool) {
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                          "pool '%s': '%s' pools cannot be deleted", pool->name, o.row.type);
            op_abandon(&o);
        } else if (refuse_shared_device(&o, "delete it", true) < 0 ||
                   o.be->delete_pool(o.def, flags) < 0) {
            op_abandon(&o);
        } else {
            /* Storage is gone: if this record fails, the journal is
             * stale and the next operation settles it. */
            ret = op_record(&o, -1, false, false, "pool-delete", NULL);
        }
        op_clear(&o);
    }
    scConnectUnlock(pool->conn);
    return ret;
}

/* ---- start, stop, refresh ----------------------------------------------- */

/* Refresh an active pool (the connection is locked, no transaction),
 * running @hook in its write transaction. */
static int
pool_refresh(scStoragePool *pool, bool prune, scReconcileHook hook, void *opaque)
{
    scActivePool ap;
    scReconcileStats stats;
    int r;

    if (scActivePoolLoad(pool->conn, pool->uuidstr, "refresh it", &ap) < 0)
        return -1;
    /* A stop a crash cut short after storage stopped: the refresh finds
     * the pool stopped, so completes the stop, as the next start or stop
     * would, and says so, not that its storage changed under it. */
    if (stale(&ap.row, SC_POOL_OP_STOPPING)) {
        PoolOp o;

        scActivePoolClear(&ap);
        if ((r = op_journal(&o, pool, SC_POOL_OP_NONE)) != 0) {
            if (r > 0)
                scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                              "storage pool '%s' is not active: its stop, interrupted once "
                              "storage was stopped, is now completed",
                              pool->name);
            return -1;
        }
        if (scActivePoolLoad(pool->conn, pool->uuidstr, "refresh it", &ap) < 0)
            return -1;
    }
    r = scReconcilePool(pool->conn, &ap, prune, hook, opaque, &stats);
    scActivePoolClear(&ap);
    return r < 0 ? -1 : 0;
}

/* A start with build that failed: what its build made goes again (best
 * effort, keeping the first error), so that storage is as it was. */
static void
start_unbuild(PoolOp *o)
{
    scErrorSaved *saved;

    if (o->made <= 0 || !o->be->delete_pool)
        return;
    saved = scErrorSave();
    o->be->delete_pool(o->def, 0);
    scErrorRestore(&saved);
}

/* Storage and catalog after a start failed once started: stop it again,
 * remove what its build made, and record it inactive with no event, as
 * if it had never started (best effort, keeping the first error). */
static void
start_undo(PoolOp *o)
{
    scErrorSaved *saved = scErrorSave();

    if (o->be->stop)
        o->be->stop(o->def, &o->rt);
    scPoolRuntimeClear(&o->rt);
    start_unbuild(o);
    op_record(o, SC_STORAGE_POOL_INACTIVE, true, false, NULL, NULL);
    scErrorRestore(&saved);
}

/* In the write transaction of the first refresh: the start is done. */
static int
start_done(scConnect *conn, void *opaque)
{
    PoolOp *o = opaque;
    _cleanup_free_ char *changes = NULL;

    if (scCatalogPoolSetOp(conn->catalog, o->pool->uuidstr, SC_POOL_OP_NONE) < 0 ||
        scChangesOne("state", scPoolStateToString(o->row.state), "running", &changes) < 0)
        return -1;
    return scCatalogEventAddChanges(conn->catalog, conn->actor, o->pool->uuidstr, o->pool->name,
                                    "pool-start",
                                    o->finish_start ? "interrupted start finished" : NULL, changes);
}

#define START_BUILD_FLAGS                                                    \
    (SC_STORAGE_POOL_CREATE_WITH_BUILD | SC_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE |  \
     SC_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE)

static int
start_pool(scStoragePool *pool, unsigned int flags)
{
    unsigned int build_flags =
        (flags & SC_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE ? SC_STORAGE_POOL_BUILD_OVERWRITE : 0) |
        (flags & SC_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE ? SC_STORAGE_POOL_BUILD_NO_OVERWRITE
                                                                : 0);
    PoolOp o;
    int ret = -1;

    if (op_journal(&o, pool, SC_POOL_OP_STARTING) < 0)
        return -1;
    scTestPoint("pool-start:journaled");
    if (!o.finish_start) {
        scPoolRuntimeClear(&o.rt);
        if (refuse_shared_device(&o, flags ? "build and start it" : "start it", flags != 0) < 0 ||
            (flags && o.be->build && (o.made = o.be->build(o.def, build_flags)) < 0) ||
            (scTestPoint("pool-start:built"), o.be->start(o.def, &o.rt) < 0)) {
            start_unbuild(&o);
            op_abandon(&o);
            goto out;
        }
        scTestPoint("pool-start:started");
        /* Recorded running, still journaled: a crash in the first refresh
         * leaves a stale start that the next start finishes. */
        if (op_record(&o, SC_STORAGE_POOL_RUNNING, true, true, NULL, NULL) < 0) {
            start_undo(&o);
            goto out;
        }
        scTestPoint("pool-start:recorded");
    }
    /* A started pool is refreshed, as libvirt does, and the start recorded
     * done (its event too) in the same transaction: if that fails, the
     * pool is stopped again and the start fails having changed nothing. */
    if (pool_refresh(pool, false, start_done, &o) < 0) {
        /* Stop needs the directories (an interrupted start has none yet);
         * the refresh's error is the one to keep. */
        if (!o.rt.dirs) {
            scErrorSaved *saved = scErrorSave();
            scCatalogPoolGetDirs(pool->conn->catalog, pool->uuidstr, &o.rt.dirs);
            scErrorRestore(&saved);
        }
        start_undo(&o);
        goto out;
    }
    ret = 0;
out:
    op_clear(&o);
    return ret;
}

int
scPoolStart(scStoragePool *pool, unsigned int flags)
{
    if ((flags & SC_STORAGE_POOL_CREATE_WITH_BUILD_OVERWRITE) &&
        (flags & SC_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                      "pool '%s': build with overwrite and without overwrite are exclusive",
                      pool->name);
        return -1;
    }
    return start_pool(pool, flags);
}

int
scStoragePoolCreate(scStoragePoolPtr pool, unsigned int flags)
{
    int ret;

    SC_API_BEGIN();
    if (scCheckFlags(flags, START_BUILD_FLAGS) < 0 || !scPoolEnter(pool, __func__, true))
        return -1;
    ret = scPoolStart(pool, flags);
    scConnectUnlock(pool->conn);
    return ret;
}

int
scStoragePoolDestroy(scStoragePoolPtr pool)
{
    PoolOp o;
    int r, ret = -1;

    SC_API_BEGIN();
    if (!scPoolEnter(pool, __func__, true))
        return -1;
    if ((r = op_journal(&o, pool, SC_POOL_OP_STOPPING)) > 0) {
        ret = 0;
    } else if (r == 0) {
        scTestPoint("pool-destroy:journaled");
        if (o.be->stop && o.be->stop(o.def, &o.rt) < 0) {
            op_abandon(&o);
        } else {
            /* Storage is stopped: if this record fails, the journal is
             * stale and the next operation completes the stop. A backend
             * with nothing to stop did nothing: its journal just ends. */
            scTestPoint("pool-destroy:stopped");
            scPoolRuntimeClear(&o.rt);
            ret = op_record(&o, SC_STORAGE_POOL_INACTIVE, true, false, "pool-destroy", NULL);
            if (ret < 0 && !o.be->stop)
                op_abandon(&o);
        }
        op_clear(&o);
    }
    scConnectUnlock(pool->conn);
    return ret;
}

int
scStoragePoolRefresh(scStoragePoolPtr pool, unsigned int flags)
{
    int ret;

    SC_API_BEGIN();
    if (scCheckFlags(flags, SC_STORAGE_POOL_REFRESH_PRUNE) < 0 ||
        !scPoolEnter(pool, __func__, true))
        return -1;
    ret = pool_refresh(pool, flags & SC_STORAGE_POOL_REFRESH_PRUNE, NULL, NULL);
    scConnectUnlock(pool->conn);
    return ret;
}

/* ---- source discovery --------------------------------------------------- */

char *
scConnectFindStoragePoolSources(scConnectPtr conn, const char *type, const char *srcSpec,
                                unsigned int flags)
{
    const scBackend *be;
    char *xml = NULL;
    int t;

    SC_API_BEGIN();
    if (scCheckFlags(flags, 0) < 0 || !scConnectCheckWritable(conn, __func__) ||
        !scCheckArg(type, "type", __func__))
        return NULL;
    if ((t = scPoolTypeFromString(type)) < 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG, "unknown storage pool type '%s'",
                      type);
        return NULL;
    }
    /* As libvirt: the answer is the backend's, or that it has none. */
    if (!(be = scBackendForType(t)) || !be->find_sources) {
        scReportError(SC_FROM_STORAGE, SC_ERR_NO_SUPPORT,
                      "pool type '%s' does not support source discovery", type);
        return NULL;
    }
    scConnectLock(conn);
    if (be->find_sources(srcSpec, flags, &xml) < 0)
        xml = NULL;
    scConnectUnlock(conn);
    return xml;
}
