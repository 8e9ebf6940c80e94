/*
 * vol_ops.c: the storage volume calls that change storage: create, clone,
 * delete, wipe and resize (upload and download: vol_transfer.c).
 *
 * Each is journaled, acted and recorded (DESIGN §5). A short transaction
 * journals the operation in the volume's row as this process's: a new
 * volume is a 'creating' row with the name, key and path the backend
 * planned; a delete turns the row 'deleting'; a wipe, resize or upload
 * sets its `op`. The backend then works with no transaction open; what
 * storage says afterwards (of the volume, and of the pool's sizes, as
 * libvirt updates them) is probed, still outside any transaction, and a
 * second short transaction records it with its event and ends the
 * journal. Another process meanwhile is refused the same volume (busy),
 * not the catalog; a crash in between is settled by the next refresh.
 *
 * A new volume's storage is journaled too as soon as it exists: the
 * backend tells its identity (backend.h: vol_made) and it goes to the
 * 'creating' row, so that the next refresh knows what an interrupted
 * create left as its own and removes it (reconcile.c).
 *
 * With SC_STORAGE_VOL_CHECK_USERS, a change that would break the volumes
 * using this one (its overlays) is refused inside the journal's
 * transaction (vol_users.c).
 */
#include <config.h>

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#include "changes.h"
#include "conf/vol_conf.h"
#include "journal.h"
#include "pool.h"
#include "reconcile.h"
#include "util/util.h"
#include "util/testpoint.h"
#include "vol_ops.h"

/* Refuse to change volumes of a pool that another process is stopping,
 * deleting or building (inside the journal's transaction). 0 or -1. */
static int
check_pool_idle(scConnect *conn, const char *pool_uuid)
{
    scCatalogPool row;
    int r = scCatalogPoolGet(conn->catalog, SC_POOL_BY_UUID, pool_uuid, &row);

    if (r == 0)
        scReportError(SC_FROM_STORAGE, SC_ERR_NO_STORAGE_POOL,
                      "pool with uuid '%s' is no longer defined", pool_uuid);
    if (r > 0 && (row.op == SC_POOL_OP_NONE || row.op == SC_POOL_OP_STARTING || !scPoolBusy(&row)))
        r = 0;
    else
        r = -1;
    scCatalogPoolClear(&row);
    return r;
}

/* ---- creating ----------------------------------------------------------- */

#define CREATE_FLAGS                                                          \
    (SC_STORAGE_VOL_CREATE_PREALLOC_METADATA | SC_STORAGE_VOL_CREATE_REFLINK |   \
     SC_STORAGE_VOL_CREATE_VALIDATE)

/* The catalog columns of a row (borrowing its strings): to put back a
 * missing volume that a failed create had replaced. */
static void
row_to_data(const scCatalogVol *row, scCatalogVolData *d)
{
    *d = (scCatalogVolData) {
        .name = row->name, .key = row->key, .path = row->path, .type = row->type,
        .format = row->format, .capacity = row->capacity, .allocation = row->allocation,
        .physical = row->physical, .backing_path = row->backing_path,
        .backing_format = row->backing_format, .mode = row->mode, .uid = row->uid,
        .gid = row->gid, .atime_ns = row->atime_ns, .mtime_ns = row->mtime_ns,
        .ctime_ns = row->ctime_ns, .btime_ns = row->btime_ns,
        .sig = row->sig_len ? row->sig : NULL, .sig_len = row->sig_len,
        .ident = row->ident_len ? row->ident : NULL, .ident_len = row->ident_len,
    };
}

/* Journal the new volume @uuid as 'creating', with what the backend
 * planned (its own committed transaction), in place of a missing volume
 * of the same name, which is returned in @replaced (cleared if none) so
 * that a failed create can put it back. Returns 0 or -1. */
static int
journal_create(scConnect *conn, scActivePool *ap, const scVolRecord *plan, const char *uuid,
               scCatalogVol *replaced)
{
    scCatalog *cat = conn->catalog;
    scCatalogVolData d;
    bool ok = false;
    int r;

    memset(replaced, 0, sizeof(*replaced));
    scVolRecordToData(plan, &d);
    if (scCatalogBegin(cat) < 0)
        return -1;
    if (check_pool_idle(conn, ap->row.uuid) < 0 ||
        (r = scCatalogVolGetByName(cat, ap->row.uuid, plan->name, replaced)) < 0)
        goto end;
    if (r > 0 && replaced->state != SC_STORAGE_VOL_STATE_MISSING) {
        scReportError(SC_FROM_STORAGE, SC_ERR_STORAGE_VOL_EXIST, "'%s' (pool '%s')", plan->name,
                      ap->row.name);
        goto end;
    }
    if ((r > 0 && scCatalogVolDelete(cat, replaced->uuid) < 0) ||
        scCatalogVolInsert(cat, ap->row.id, uuid, SC_STORAGE_VOL_STATE_CREATING, &d) < 0)
        goto end;
    ok = true;
end:
    if (scCatalogEnd(cat, ok) < 0)
        ok = false;
    if (!ok)
        scCatalogVolClear(replaced);
    return ok ? 0 : -1;
}

/* Is @name a volume of the pool already (missing ones may be replaced)?
 * Asked before the backend weighs the request, as libvirt's first answer
 * (a partition named as the next one would be said to be misnamed);
 * journal_create asks again in its transaction. 0, or -1 reported. */
static int
refuse_taken_name(scConnect *conn, scActivePool *ap, const char *name)
{
    scCatalogVol row;
    int r = scCatalogVolGetByName(conn->catalog, ap->row.uuid, name, &row);

    if (r > 0 && row.state != SC_STORAGE_VOL_STATE_MISSING) {
        scReportError(SC_FROM_STORAGE, SC_ERR_STORAGE_VOL_EXIST, "'%s' (pool '%s')", name,
                      ap->row.name);
        r = -1;
    }
    scCatalogVolClear(&row);
    return r < 0 ? -1 : 0;
}

/* The pool's sizes after a change to one of its volumes (storage work,
 * before the transaction that records them): NULL if they could not be
 * read, which leaves the recorded ones (the operation succeeded). */
static scPoolSizes *
sizes_after(scActivePool *ap, scPoolSizes *sizes)
{
    if (scReconcileReadSizes(ap, sizes) == 0)
        return sizes;
    scResetLastError();
    return NULL;
}

/* After the backend ran: record the volume (present) and the pool's
 * @sizes (if known), or, when the backend failed (@rec NULL), drop the
 * journal and put back the missing volume it replaced. Returns 0 or -1. */
static int
journal_finish(scConnect *conn, scActivePool *ap, const char *uuid, const scVolRecord *rec,
               const char *action, const char *detail, const scCatalogVol *replaced,
               const scPoolSizes *sizes)
{
    scCatalog *cat = conn->catalog;
    _cleanup_free_ char *changes = NULL;
    scCatalogVolData d;
    bool ok = false;

    if (scCatalogBegin(cat) < 0)
        return -1;
    if (!rec) {
        ok = scCatalogVolDelete(cat, uuid) == 0;
        if (ok && replaced && replaced->name) {
            row_to_data(replaced, &d);
            ok = scCatalogVolInsert(cat, ap->row.id, replaced->uuid,
                                    SC_STORAGE_VOL_STATE_MISSING, &d) == 0;
        }
    } else {
        scVolRecordToData(rec, &d);
        ok = scVolChanges(NULL, NULL, &d, &changes) == 0 &&
             scCatalogVolUpdate(cat, uuid, &d) == 0 &&
             scCatalogVolEventAddChanges(cat, conn->actor, ap->row.uuid, ap->row.name, uuid,
                                         rec->name, action, detail, changes) == 0 &&
             (!sizes || scReconcileStoreSizes(conn, ap, sizes) == 0);
    }
    if (scCatalogEnd(cat, ok) < 0)
        ok = false;
    return ok ? 0 : -1;
}

static scVolDef *
parse_vol(scActivePool *ap, const char *xml, unsigned int parse_flags)
{
    scVolDef *def = scVolDefParseString(ap->def, xml, parse_flags);

    /* libvirt's code and words (virStorageBackendVolCreateLocal); the
     * parser takes a '/'. */
    if (def && strchr(def->name, '/')) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "volume name '%s' cannot contain '/'", def->name);
        scVolDefFree(def);
        return NULL;
    }
    if (def && scCheckName("volume", def->name) < 0) {
        scVolDefFree(def);
        return NULL;
    }
    return def;
}

/* What a create needs besides its pool: the definition, and for a clone
 * the source's pool and record. */
typedef struct {
    scVolDef *def;
    scActivePool src_ap;
    scCatalogVol src_row;
    scVolRecord src_rec;
    char *detail;
} CreateArgs;

static void
create_args_clear(CreateArgs *a)
{
    scVolDefFree(a->def);
    scActivePoolClear(&a->src_ap);
    scCatalogVolClear(&a->src_row);
    scVolRecordClear(&a->src_rec);
    free(a->detail);
}

static int
create_args_load(scStoragePool *pool, scActivePool *ap, const char *xml, scStorageVol *src,
                 CreateArgs *a)
{
    memset(a, 0, sizeof(*a));
    scVolRecordInit(&a->src_rec);
    if (!(a->def = parse_vol(ap, xml, src ? SC_VOL_XML_PARSE_NO_CAPACITY : 0)))
        return -1;
    if (src) {
        if (src->seen) {
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                          "volume '%s' is not recorded in the catalog yet (found by a "
                          "read-only lookup): look it up again to clone it", src->name);
            return -1;
        }
        if (scVolRow(src, &a->src_row) < 0 ||
            scActivePoolLoad(pool->conn, a->src_row.pool_uuid, "clone its volumes", &a->src_ap) < 0 ||
            scVolRowRecord(pool->conn, &a->src_row, &a->src_rec) < 0)
            return -1;
        if (a->src_row.state != SC_STORAGE_VOL_STATE_PRESENT) {
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                          "volume '%s' is %s: it cannot be cloned", a->src_row.name,
                          scVolStateToString(a->src_row.state));
            return -1;
        }
        if (!(a->detail = scAsprintf("cloned from '%s'", a->src_row.path)))
            return -1;
        /* As libvirt's storageVolCreateXMLFrom: a clone is at least as
         * large as its source, and the backend plans it so (a partition
         * or an LV is placed by its planned size). */
        if (a->def->capacity < a->src_row.capacity)
            a->def->capacity = a->src_row.capacity;
    }
    if (src ? !ap->be->vol_build_from : !ap->be->vol_build || !ap->be->vol_plan) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "pool '%s': '%s' pools cannot %s volumes", ap->row.name, ap->row.type,
                      src ? "clone" : "create");
        return -1;
    }
    return 0;
}

/* The identity of the storage a build has just made goes to the create's
 * journal at once, in its own short transaction (the backend calls this
 * with no transaction open). */
typedef struct {
    scConnect *conn;
    const char *uuid;
    const char *name;
} Made;

static int
journal_made(void *opaque, const void *ident, size_t ident_len)
{
    Made *m = opaque;
    scCatalog *cat = m->conn->catalog;
    bool ok;
    int r;

    if (ident_len == 0 || ident_len > SC_CATALOG_SIG_MAX) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INTERNAL_ERROR,
                      "volume '%s': its backend gave an identity of %zu bytes", m->name,
                      ident_len);
        return -1;
    }
    if (scCatalogBegin(cat) < 0)
        return -1;
    if ((r = scCatalogVolSetIdent(cat, m->uuid, ident, ident_len)) == 0)
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "volume '%s': the journal of its create is gone", m->name);
    ok = r > 0;
    if (scCatalogEnd(cat, ok) < 0)
        ok = false;
    return ok ? 0 : -1;
}

/* Build the journaled volume @uuid and record it; a failure at any step
 * leaves storage and the catalog as they were. */
static scStorageVol *
build_volume(scStoragePool *pool, scActivePool *ap, CreateArgs *a, bool clone,
             const char *uuid, unsigned int flags, scVolRecord *rec)
{
    scConnectProgress prog = { pool->conn, clone ? "clone" : "create" };
    scProgress progress = { scConnectProgressReport, &prog };
    Made made = { pool->conn, uuid, a->def->name };
    scVolRecord plan;
    scCatalogVol replaced = { 0 };
    scPoolSizes sizes = { 0 };
    scStorageVol *vol = NULL;
    int r;

    scVolRecordInit(&plan);
    if (refuse_taken_name(pool->conn, ap, a->def->name) < 0 ||
        ap->be->vol_plan(&ap->ctx, a->def, &plan) < 0)
        goto out;
    if (!plan.name || !plan.key || !plan.path || strcmp(plan.name, a->def->name) != 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INTERNAL_ERROR,
                      "pool '%s': its backend planned volume '%s' without a name, key or path",
                      ap->row.name, a->def->name);
        goto out;
    }
    /* The build is given the key the journal holds (a partition's UUID
     * that the backend chose when it planned). */
    free(a->def->key);
    if (!(a->def->key = scStrdup(plan.key)) ||
        journal_create(pool->conn, ap, &plan, uuid, &replaced) < 0)
        goto out;
    scTestPoint("vol-create:journaled");
    ap->ctx.vol_made = journal_made;
    ap->ctx.vol_made_opaque = &made;
    r = clone ? ap->be->vol_build_from(&ap->ctx, a->def, &a->src_ap.ctx, &a->src_rec, flags,
                                       &progress, rec)
              : ap->be->vol_build(&ap->ctx, a->def, flags, &progress, rec);
    ap->ctx.vol_made = NULL;
    ap->ctx.vol_made_opaque = NULL;
    if (r < 0) {
        scErrorSaved *saved = scErrorSave();
        journal_finish(pool->conn, ap, uuid, NULL, NULL, NULL, &replaced, NULL);
        scErrorRestore(&saved);
        goto out;
    }
    scTestPoint("vol-create:built");
    /* A caller that asked to stop (a signal, in the CLI) while storage
     * worked without asking it (qemu-img) is heard now: the same undo. */
    if (scConnectProgressReport(&prog, rec->capacity, rec->capacity) < 0 ||
        journal_finish(pool->conn, ap, uuid, rec, clone ? "vol-clone" : "vol-create", a->detail,
                       NULL, sizes_after(ap, &sizes)) < 0) {
        /* The volume exists but could not be recorded: remove it, so
         * that a failed call leaves storage as it was. */
        scErrorSaved *saved = scErrorSave();
        if (ap->be->vol_delete)
            ap->be->vol_delete(&ap->ctx, rec, 0);
        journal_finish(pool->conn, ap, uuid, NULL, NULL, NULL, &replaced, NULL);
        scErrorRestore(&saved);
        goto out;
    }
    scTestPoint("vol-create:recorded");
    vol = scVolNew(pool->conn, uuid, rec->name, rec->key);
out:
    scPoolSizesClear(&sizes);
    scCatalogVolClear(&replaced);
    scVolRecordClear(&plan);
    return vol;
}

/* The common path of CreateXML and CreateXMLFrom. */
static scStorageVol *
create_volume(scStoragePool *pool, const char *xml, scStorageVol *src, unsigned int flags)
{
    unsigned char raw[SC_UUID_BUFLEN];
    char uuid[SC_UUID_STRING_BUFLEN];
    scStorageVol *vol = NULL;
    scActivePool ap;
    scVolRecord rec;
    CreateArgs a;

    if (scActivePoolLoad(pool->conn, pool->uuidstr, "create volumes in it", &ap) < 0)
        return NULL;
    scVolRecordInit(&rec);
    if (create_args_load(pool, &ap, xml, src, &a) == 0) {
        /* In flight from before its journal exists until it is settled. */
        scUUIDGenerate(raw);
        scUUIDFormat(raw, uuid);
        scJournalBegin(uuid);
        vol = build_volume(pool, &ap, &a, src != NULL, uuid, flags, &rec);
        scJournalEnd(uuid);
    }
    scVolRecordClear(&rec);
    create_args_clear(&a);
    scActivePoolClear(&ap);
    return vol;
}

scStorageVolPtr
scStorageVolCreateXML(scStoragePoolPtr pool, const char *xml, unsigned int flags)
{
    scStorageVol *vol;

    SC_API_BEGIN();
    if (scCheckFlags(flags, CREATE_FLAGS) < 0 || !scPoolHandleCheck(pool, __func__, true) ||
        !scCheckArg(xml, "xmlDesc", __func__))
        return NULL;
    scConnectLock(pool->conn);
    vol = create_volume(pool, xml, NULL, flags);
    scConnectUnlock(pool->conn);
    return vol;
}

scStorageVolPtr
scStorageVolCreateXMLFrom(scStoragePoolPtr pool, const char *xml, scStorageVolPtr clonevol,
                          unsigned int flags)
{
    scStorageVol *vol;

    SC_API_BEGIN();
    if (scCheckFlags(flags, CREATE_FLAGS) < 0 || !scPoolHandleCheck(pool, __func__, true) ||
        !scCheckArg(xml, "xmlDesc", __func__) || !scVolCheck(clonevol, __func__))
        return NULL;
    if (clonevol->conn != pool->conn) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                      "%s: the volume to clone belongs to another connection", __func__);
        return NULL;
    }
    if (flags & SC_STORAGE_VOL_CREATE_REFLINK) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "volume '%s': reflink clones are not supported yet", clonevol->name);
        return NULL;
    }
    scConnectLock(pool->conn);
    vol = create_volume(pool, xml, clonevol, flags);
    scConnectUnlock(pool->conn);
    return vol;
}

/* ---- changing ----------------------------------------------------------- */

typedef scVolOp scVolOp;

void
scVolOpClear(scVolOp *op)
{
    if (op->journaled)
        scJournalEnd(op->row.uuid);
    scActivePoolClear(&op->ap);
    scCatalogVolClear(&op->row);
    scVolRecordClear(&op->rec);
}

int
scVolCheckIdle(const scStorageVol *vol, const scCatalogVol *row, const char *pool_name,
               bool deleting)
{
    bool live = (row->op || row->state == SC_STORAGE_VOL_STATE_DELETING) &&
                scJournalLive(row->op_pid, row->op_start, row->op_this_boot, row->uuid);

    /* Being deleted by another process: for this call it is gone, as it
     * will be (libvirt's second delete finds no volume either). */
    if (row->state == SC_STORAGE_VOL_STATE_DELETING && live) {
        scReportError(SC_FROM_STORAGE, SC_ERR_NO_STORAGE_VOL,
                      "volume '%s' is being deleted by process %lld", vol->name, row->op_pid);
        return -1;
    }
    /* What an interrupted create left can only be deleted. */
    if (row->state == SC_STORAGE_VOL_STATE_INCOMPLETE && !deleting) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "volume '%s' is incomplete (left by an interrupted create or clone): "
                      "delete it", vol->name);
        return -1;
    }
    if (row->state == SC_STORAGE_VOL_STATE_MISSING) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "volume '%s' is missing (its storage was gone when pool '%s' was last "
                      "refreshed): delete it to forget it, or refresh the pool if it is back",
                      vol->name, pool_name);
        return -1;
    }
    if (row->state != SC_STORAGE_VOL_STATE_PRESENT &&
        row->state != SC_STORAGE_VOL_STATE_INCOMPLETE) {
        /* A create in progress, or one whose process died: the next
         * refresh settles it. */
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "volume '%s' is %s: refresh pool '%s' first", vol->name,
                      scVolStateToString(row->state), pool_name);
        return -1;
    }
    if (row->op && live) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "volume '%s' is busy: process %lld is %s it", vol->name, row->op_pid,
                      row->op);
        return -1;
    }
    return 0;
}

static bool
has_slot(const scBackend *be, size_t offset)
{
    return offset && *(void *const *) ((const char *) be + offset);
}

int
scVolOpBegin(scStorageVol *vol, const char *verb, size_t slot_offset, size_t alt_offset,
             const char *op, scVolOpCheck check, void *arg, scVolOp *o)
{
    scCatalog *cat = vol->conn->catalog;
    bool ok = false;

    memset(o, 0, sizeof(*o));
    o->vol = vol;
    scVolRecordInit(&o->rec);
    if (scVolRow(vol, &o->row) < 0 ||
        scActivePoolLoad(vol->conn, o->row.pool_uuid, verb, &o->ap) < 0)
        goto error;
    if (!has_slot(o->ap.be, slot_offset) && !has_slot(o->ap.be, alt_offset)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "volume '%s': '%s' pools cannot %s volumes", vol->name, o->ap.row.type,
                      verb);
        goto error;
    }
    scTestPoint("vol-op:loaded");
    if (scCatalogBegin(cat) < 0)
        goto error;
    scCatalogVolClear(&o->row);
    ok = scVolRow(vol, &o->row) == 0 &&
         scVolCheckIdle(vol, &o->row, o->ap.row.name, !op) == 0 &&
         check_pool_idle(vol->conn, o->row.pool_uuid) == 0 && (!check || check(o, arg) == 0) &&
         (op ? scCatalogVolSetOp(cat, o->row.uuid, op)
             : scCatalogVolSetState(cat, o->row.uuid, SC_STORAGE_VOL_STATE_DELETING)) == 0;
    if (scCatalogEnd(cat, ok) < 0 || !ok)
        goto error;
    scJournalBegin(o->row.uuid);
    o->journaled = true;
    scTestPoint("vol-op:journaled");
    if (scVolRowRecord(vol->conn, &o->row, &o->rec) < 0) {
        /* Nothing done: the journal goes, the signature it cleared back. */
        scErrorSaved *saved = scErrorSave();
        if (scCatalogBegin(cat) == 0) {
            bool undone =
                op ? scCatalogVolSetOp(cat, o->row.uuid, NULL) == 0 &&
                         scCatalogVolRestoreSig(cat, o->row.uuid, o->row.sig, o->row.sig_len) == 0
                   : scCatalogVolSetState(cat, o->row.uuid, o->row.state) == 0;
            scCatalogEnd(cat, undone);
        }
        scErrorRestore(&saved);
        goto error;
    }
    return 0;
error:
    scVolOpClear(o);
    return -1;
}
/* The check of SC_STORAGE_VOL_CHECK_USERS for a delete or a wipe: @arg
 * is the verb, when the flag was given (NULL: no check). */
static int
check_users(scVolOp *o, void *arg)
{
    return arg ? scVolCheckUsers(o->vol->conn, &o->row, arg) : 0;
}

/* Is @rec what the catalog recorded of the volume before the operation
 * (the same change signature)? */
static bool
unchanged(const scVolOp *o, const scVolRecord *rec)
{
    return o->row.sig_len > 0 && rec->sig_len == o->row.sig_len &&
           memcmp(rec->sig, o->row.sig, rec->sig_len) == 0;
}

/* Does @rec have the identity the catalog recorded of the volume? */
static bool
same_identity(const scVolOp *o, const scVolRecord *rec)
{
    return !o->row.ident_len || !rec->ident_len ||
           (rec->ident_len == o->row.ident_len &&
            memcmp(rec->ident, o->row.ident, rec->ident_len) == 0);
}

int
scVolOpRecord(scVolOp *o, const char *action, const char *detail, int result)
{
    scConnect *conn = o->vol->conn;
    scCatalog *cat = conn->catalog;
    scErrorSaved *saved = result < 0 ? scErrorSave() : NULL;
    char uuid[SC_UUID_STRING_BUFLEN];
    scVolRecord rec;
    int found = scReconcileProbe(&o->ap, o->row.name, &rec);
    scPoolSizes sizes = { 0 };
    const scPoolSizes *after = result >= 0 && found >= 0 ? sizes_after(&o->ap, &sizes) : NULL;
    bool ok = false;

    if (scCatalogBegin(cat) == 0) {
        /* Storage that cannot be read now, or whose identity is not the
         * volume's any more (a file put in its place): end the journal
         * only, the volume without a signature: the next refresh reads it
         * again and decides. */
        if (found < 0 || (found > 0 && !same_identity(o, &rec)) ||
            (result < 0 && found > 0 && unchanged(o, &rec)))
            ok = scCatalogVolSetOp(cat, o->row.uuid, NULL) == 0 &&
                 (found < 0 || scCatalogVolRestoreSig(cat, o->row.uuid, o->row.sig,
                                                      o->row.sig_len) == 0);
        else
            ok = scReconcileRecord(conn, &o->ap, o->row.name, found, &rec, true,
                                   result < 0 ? "vol-changed" : action,
                                   result < 0 ? "after a failed operation" : detail, uuid) >= 0 &&
                 (!after || scReconcileStoreSizes(conn, &o->ap, after) == 0);
        if (scCatalogEnd(cat, ok) < 0)
            ok = false;
    }
    scPoolSizesClear(&sizes);
    scVolRecordClear(&rec);
    if (saved)
        scErrorRestore(&saved);
    return result < 0 || found < 0 || !ok ? -1 : 0;
}

void
scVolOpCancel(scVolOp *o)
{
    scCatalog *cat = o->vol->conn->catalog;
    scErrorSaved *saved = scErrorSave();

    if (scCatalogBegin(cat) == 0)
        scCatalogEnd(cat, scCatalogVolSetOp(cat, o->row.uuid, NULL) == 0 &&
                              scCatalogVolRestoreSig(cat, o->row.uuid, o->row.sig,
                                                     o->row.sig_len) == 0);
    scErrorRestore(&saved);
}

/* Journaled as 'deleting', act, record: a crash in between is finished
 * by a refresh. */
static int
delete_volume(scVolOp *o, unsigned int flags)
{
    scConnect *conn = o->vol->conn;
    scCatalog *cat = conn->catalog;
    scPoolSizes sizes = { 0 };
    const scPoolSizes *after;
    _cleanup_free_ char *changes = NULL;
    bool ok;
    int done;

    if ((done = o->ap.be->vol_delete(&o->ap.ctx, &o->rec, flags)) < 0) {
        /* Storage is as it was: so is the catalog (best effort; a stale
         * journal is settled by the next refresh). */
        scErrorSaved *saved = scErrorSave();
        if (scCatalogBegin(cat) == 0)
            scCatalogEnd(cat, scCatalogVolSetState(cat, o->row.uuid, o->row.state) == 0);
        scErrorRestore(&saved);
        return -1;
    }
    after = sizes_after(&o->ap, &sizes);
    if (scCatalogBegin(cat) < 0) {
        scPoolSizesClear(&sizes);
        return -1;
    }
    /* The event says what the volume was. */
    ok = scVolChanges(&o->row, NULL, NULL, &changes) == 0 &&
         scCatalogVolDelete(cat, o->row.uuid) == 0 &&
         scCatalogVolEventAddChanges(cat, conn->actor, o->ap.row.uuid, o->ap.row.name, o->row.uuid,
                                     o->row.name, "vol-delete",
                                     flags & SC_STORAGE_VOL_DELETE_ZEROED ? "zeroed first"
                                     : o->row.state == SC_STORAGE_VOL_STATE_INCOMPLETE
                                         ? "incomplete: left by an interrupted create"
                                         : NULL,
                                     changes) == 0 &&
         (!after || scReconcileStoreSizes(conn, &o->ap, after) == 0);
    if (scCatalogEnd(cat, ok) < 0)
        ok = false;
    scPoolSizesClear(&sizes);
    if (ok && done > 0) {
        /* Other volumes changed with it (renumbered): the catalog follows
         * at once. The delete is done whatever this refresh says; one that
         * fails leaves the catalog to the next. */
        scErrorSaved *saved = scErrorSave();
        scReconcileStats stats;
        scReconcilePool(conn, &o->ap, false, NULL, NULL, &stats);
        scErrorRestore(&saved);
    }
    return ok ? 0 : -1;
}

/*
 * A missing volume is forgotten: its row goes, with an event, if its
 * storage is still gone (or its pool is inactive, so that nobody can
 * tell); storage that is back is recorded again, for the caller to
 * delete it as any volume. Returns 0 forgotten, 1 not missing (go on and
 * delete it), -1.
 */
static int
forget_missing(scStorageVol *vol)
{
    scConnect *conn = vol->conn;
    scCatalog *cat = conn->catalog;
    char uuid[SC_UUID_STRING_BUFLEN];
    scCatalogVol row = { 0 };
    scCatalogPool pool = { 0 };
    scActivePool ap = { 0 };
    scVolRecord rec;
    _cleanup_free_ char *changes = NULL;
    int found = 0, r = -1;
    bool ok = false;

    scVolRecordInit(&rec);
    if (vol->seen)
        return 1;
    if (scVolRow(vol, &row) < 0)
        return -1;
    if (row.state != SC_STORAGE_VOL_STATE_MISSING) {
        r = 1;
        goto out;
    }
    /* Is its storage back? Only an active pool can tell (storage work:
     * before any transaction). */
    if ((r = scCatalogPoolGet(cat, SC_POOL_BY_UUID, row.pool_uuid, &pool)) < 0)
        goto out;
    if (r > 0 && scPoolRowIsActive(&pool) &&
        (scActivePoolLoad(conn, row.pool_uuid, "delete its volumes", &ap) < 0 ||
         (found = scReconcileProbe(&ap, row.name, &rec)) < 0)) {
        r = -1;
        goto out;
    }
    r = -1;
    if (scCatalogBegin(cat) < 0)
        goto out;
    scCatalogVolClear(&row);
    if (scVolRow(vol, &row) < 0)
        goto end;
    if (row.state != SC_STORAGE_VOL_STATE_MISSING) {
        r = 1; /* changed meanwhile: deleted as it is now */
    } else if (found > 0) {
        if (scReconcileRecord(conn, &ap, row.name, found, &rec, false, "vol-reappeared",
                              "found again by a delete", uuid) < 0)
            goto end;
        r = 1;
    } else {
        if (scVolChanges(&row, NULL, NULL, &changes) < 0 || scCatalogVolDelete(cat, row.uuid) < 0 ||
            scCatalogVolEventAddChanges(cat, conn->actor, row.pool_uuid, row.pool_name, row.uuid,
                                        row.name, "vol-forget",
                                        "forgotten by a delete: its storage was gone", changes) < 0)
            goto end;
        r = 0;
    }
    ok = true;
end:
    if (scCatalogEnd(cat, ok) < 0)
        r = -1;
out:
    scVolRecordClear(&rec);
    scActivePoolClear(&ap);
    scCatalogPoolClear(&pool);
    scCatalogVolClear(&row);
    return r;
}

int
scStorageVolDelete(scStorageVolPtr vol, unsigned int flags)
{
    scVolOp o;
    int r = -1;

    SC_API_BEGIN();
    if (scCheckFlags(flags, SC_STORAGE_VOL_DELETE_ZEROED | SC_STORAGE_VOL_DELETE_WITH_SNAPSHOTS |
                                SC_STORAGE_VOL_CHECK_USERS) < 0 ||
        !scVolEnter(vol, __func__, true))
        return -1;
    if (flags & SC_STORAGE_VOL_DELETE_WITH_SNAPSHOTS) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "volume '%s': deleting with snapshots is not supported", vol->name);
    } else if ((r = forget_missing(vol)) > 0) {
        r = -1;
        if (VOL_OP_BEGIN(vol, "delete", vol_delete, NULL, check_users,
                         flags & SC_STORAGE_VOL_CHECK_USERS ? "deleted" : NULL, &o) == 0) {
            r = delete_volume(&o, flags & ~SC_STORAGE_VOL_CHECK_USERS);
            scVolOpClear(&o);
        }
    }
    scConnectUnlock(vol->conn);
    return r;
}

int
scStorageVolWipePattern(scStorageVolPtr vol, unsigned int algorithm, unsigned int flags)
{
    static const char *const names[SC_STORAGE_VOL_WIPE_ALG_LAST] = {
        "zero", "nnsa", "dod", "bsi", "gutmann", "schneier", "pfitzner7", "pfitzner33", "random",
        "trim",
    };
    scConnectProgress prog = { NULL, "wipe" };
    scProgress progress = { scConnectProgressReport, &prog };
    char detail[64];
    scVolOp o;
    int r = -1;

    SC_API_BEGIN();
    if (scCheckFlags(flags, SC_STORAGE_VOL_CHECK_USERS) < 0 || !scVolEnter(vol, __func__, true))
        return -1;
    prog.conn = vol->conn;
    if (algorithm >= SC_STORAGE_VOL_WIPE_ALG_LAST) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                      "volume '%s': unknown wipe algorithm %u", vol->name, algorithm);
    } else if (VOL_OP_BEGIN(vol, "wipe", vol_wipe, "wiping", check_users,
                            flags & SC_STORAGE_VOL_CHECK_USERS ? "wiped" : NULL, &o) == 0) {
        snprintf(detail, sizeof(detail), "algorithm %s", names[algorithm]);
        r = o.ap.be->vol_wipe(&o.ap.ctx, &o.rec, algorithm, &progress);
        r = scVolOpRecord(&o, "vol-wipe", detail, r);
        scVolOpClear(&o);
    }
    scConnectUnlock(vol->conn);
    return r;
}

int
scStorageVolWipe(scStorageVolPtr vol, unsigned int flags)
{
    return scStorageVolWipePattern(vol, SC_STORAGE_VOL_WIPE_ALG_ZERO, flags);
}

/* The new capacity of a resize, checked. 0 or -1. */
static int
resize_target(const scVolOp *o, unsigned long long capacity, unsigned int flags,
              unsigned long long *target)
{
    const scStorageVol *vol = o->vol;
    unsigned long long cur = o->row.capacity;

    if (flags & SC_STORAGE_VOL_RESIZE_DELTA) {
        if (flags & SC_STORAGE_VOL_RESIZE_SHRINK) {
            if (capacity > cur) {
                scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                              "volume '%s': cannot shrink by %llu bytes below zero (capacity %llu)",
                              vol->name, capacity, cur);
                return -1;
            }
            *target = cur - capacity;
        } else {
            if (capacity > (unsigned long long) LLONG_MAX - cur) {
                scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                              "volume '%s': growing by %llu bytes overflows", vol->name, capacity);
                return -1;
            }
            *target = cur + capacity;
        }
    } else {
        *target = capacity;
    }
    if (*target > (unsigned long long) LLONG_MAX) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                      "volume '%s': capacity %llu is too large", vol->name, *target);
        return -1;
    }
    if (*target < cur && !(flags & SC_STORAGE_VOL_RESIZE_SHRINK)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                      "volume '%s': new capacity %llu is below the current %llu: pass the shrink flag to shrink",
                      vol->name, *target, cur);
        return -1;
    }
    if (*target < cur && o->row.format && strcmp(o->row.format, "raw") != 0 &&
        strcmp(o->row.format, "qcow2") != 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "volume '%s': '%s' images cannot be shrunk", vol->name, o->row.format);
        return -1;
    }
    return 0;
}

/* What a resize asks, checked against the row it journals: the new
 * capacity into target; a shrink of a volume others use is refused with
 * SC_STORAGE_VOL_CHECK_USERS. */
typedef struct {
    unsigned long long capacity;
    unsigned int flags;
    unsigned long long target;
} ResizeArgs;

static int
check_resize(scVolOp *o, void *arg)
{
    ResizeArgs *a = arg;

    if (resize_target(o, a->capacity, a->flags, &a->target) < 0)
        return -1;
    if (a->target < o->row.capacity && (a->flags & SC_STORAGE_VOL_CHECK_USERS))
        return scVolCheckUsers(o->vol->conn, &o->row, "shrunk");
    return 0;
}

int
scStorageVolResize(scStorageVolPtr vol, unsigned long long capacity, unsigned int flags)
{
    ResizeArgs args = { capacity, flags, 0 };
    char detail[96];
    scVolOp o;
    int r = -1;

    SC_API_BEGIN();
    if (scCheckFlags(flags, SC_STORAGE_VOL_RESIZE_ALLOCATE | SC_STORAGE_VOL_RESIZE_DELTA |
                                SC_STORAGE_VOL_RESIZE_SHRINK | SC_STORAGE_VOL_CHECK_USERS) < 0 ||
        !scVolEnter(vol, __func__, true))
        return -1;
    if (VOL_OP_BEGIN(vol, "resize", vol_resize, "resizing", check_resize, &args, &o) == 0) {
        snprintf(detail, sizeof(detail), "capacity %llu -> %llu", o.row.capacity, args.target);
        r = o.ap.be->vol_resize(&o.ap.ctx, &o.rec, args.target,
                                flags & ~SC_STORAGE_VOL_CHECK_USERS);
        r = scVolOpRecord(&o, "vol-resize", detail, r);
        scVolOpClear(&o);
    }
    scConnectUnlock(vol->conn);
    return r;
}

int
scVolCheckUpload(scVolOp *o, void *arg)
{
    if (!arg)
        return 0;
    /* An image with a header (qcow2, ...): a partition's or an LV's
     * format is its type, not a header. */
    if (o->row.type == SC_STORAGE_VOL_FILE && o->row.format &&
        strcmp(o->row.format, "raw") != 0 && strcmp(o->row.format, "iso") != 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "volume '%s' is a %s image, not raw: uploading would overwrite it "
                      "whole, its header too", o->row.name, o->row.format);
        return -1;
    }
    return scVolCheckUsers(o->vol->conn, &o->row, arg);
}

/* storcat's own flag must not be one libvirt gives these calls. */
_Static_assert(!(SC_STORAGE_VOL_CHECK_USERS &
                 (SC_STORAGE_VOL_DELETE_ZEROED | SC_STORAGE_VOL_DELETE_WITH_SNAPSHOTS |
                  SC_STORAGE_VOL_RESIZE_ALLOCATE | SC_STORAGE_VOL_RESIZE_DELTA |
                  SC_STORAGE_VOL_RESIZE_SHRINK | SC_STORAGE_VOL_UPLOAD_SPARSE_STREAM)),
               "SC_STORAGE_VOL_CHECK_USERS collides with a flag of the calls that take it");
