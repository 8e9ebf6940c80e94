/*
 * vol_ops.c: the storage volume calls that change storage: create, clone,
 * delete, wipe, resize, upload and download.
 *
 * Changes go to storage through the pool's backend and are recorded with
 * an event; creation and deletion are journaled (a 'creating'/'deleting'
 * row is committed before storage is touched), so a crash between the two
 * is repaired by the next refresh.
 */
#include <config.h>

#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <unistd.h>

#include "conf/vol_conf.h"
#include "reconcile.h"
#include "util/util.h"
#include "volume.h"

/* ---- journals in flight ------------------------------------------------- */

/* The creates and deletes this process is running now, by volume UUID: a
 * refresh in this process must tell them from journals that a failed
 * catalog write left behind (same pid, but no longer in progress). */
#define INFLIGHT_MAX 64

static pthread_mutex_t inflight_lock = PTHREAD_MUTEX_INITIALIZER;
static char inflight[INFLIGHT_MAX][SC_UUID_STRING_BUFLEN];
static bool inflight_overflow; /* more at once than INFLIGHT_MAX: assume live */

static void
inflight_set(const char *uuid, bool on)
{
    pthread_mutex_lock(&inflight_lock);
    for (size_t i = 0; i < INFLIGHT_MAX; i++) {
        if (on ? inflight[i][0] == '\0' : strcmp(inflight[i], uuid) == 0) {
            if (on)
                memcpy(inflight[i], uuid, SC_UUID_STRING_BUFLEN);
            else
                inflight[i][0] = '\0';
            pthread_mutex_unlock(&inflight_lock);
            return;
        }
    }
    if (on)
        inflight_overflow = true;
    pthread_mutex_unlock(&inflight_lock);
}

bool
scJournalLive(long long pid, bool same_boot, const char *uuid)
{
    bool live = false;

    if (!same_boot || pid <= 0)
        return false;
    if (pid != (long long) getpid())
        return kill((pid_t) pid, 0) == 0 || errno == EPERM;
    pthread_mutex_lock(&inflight_lock);
    live = inflight_overflow;
    for (size_t i = 0; !live && i < INFLIGHT_MAX; i++)
        live = uuid && strcmp(inflight[i], uuid) == 0;
    pthread_mutex_unlock(&inflight_lock);
    return live;
}

/* ---- creating ----------------------------------------------------------- */

#define CREATE_FLAGS                                                          \
    (SC_STORAGE_VOL_CREATE_PREALLOC_METADATA | SC_STORAGE_VOL_CREATE_REFLINK |   \
     SC_STORAGE_VOL_CREATE_VALIDATE)

/* Journal the new volume @uuid as 'creating' (its own committed
 * transaction), in place of a missing volume of the same name, which is
 * returned in @replaced (cleared if none) so that a failed create can put
 * it back. Returns 0 or -1. */
static int
journal_create(scConnect *conn, scActivePool *ap, const scVolDef *def, const char *uuid,
               scCatalogVol *replaced)
{
    scCatalog *cat = conn->catalog;
    _cleanup_free_ char *path = NULL;
    bool ok = false;
    int r;

    memset(replaced, 0, sizeof(*replaced));
    if (!ap->target_real || !(path = scAsprintf("%s/%s", ap->target_real, def->name)))
        return -1;
    scCatalogVolData d = { .name = def->name, .key = path, .path = path,
                           .type = SC_STORAGE_VOL_FILE, .format = def->format,
                           .capacity = def->capacity, .allocation = def->allocation,
                           .mode = -1, .uid = -1, .gid = -1, .dev = -1, .ino = -1, .size = -1 };
    if (scCatalogBegin(cat) < 0)
        return -1;
    if ((r = scCatalogVolGetByName(cat, ap->row.uuid, def->name, replaced)) < 0)
        goto end;
    if (r > 0 && replaced->state != SC_STORAGE_VOL_STATE_MISSING) {
        scReportError(SC_FROM_STORAGE, SC_ERR_STORAGE_VOL_EXISTS,
                      "volume '%s' already exists in pool '%s'", def->name, ap->row.name);
        goto end;
    }
    if ((r > 0 && scCatalogVolDelete(cat, replaced->uuid) < 0) ||
        scCatalogVolInsert(cat, ap->row.uuid, uuid, SC_STORAGE_VOL_STATE_CREATING, &d) < 0)
        goto end;
    ok = true;
end:
    if (scCatalogEnd(cat, ok) < 0)
        ok = false;
    if (!ok)
        scCatalogVolClear(replaced);
    return ok ? 0 : -1;
}

/* The catalog columns of a row (borrowing its strings). */
static void
row_to_data(const scCatalogVol *row, scCatalogVolData *d)
{
    memset(d, 0, sizeof(*d));
    d->name = row->name;
    d->key = row->key;
    d->path = row->path;
    d->type = row->type;
    d->format = row->format;
    d->capacity = row->capacity;
    d->allocation = row->allocation;
    d->backing_path = row->backing_path;
    d->backing_format = row->backing_format;
    d->mode = row->mode;
    d->uid = row->uid;
    d->gid = row->gid;
    d->dev = row->dev;
    d->ino = row->ino;
    d->size = row->size;
    d->mtime_ns = row->mtime_ns;
    d->ctime_ns = row->ctime_ns;
}

/* After the backend ran: record the volume (present), or, when the
 * backend failed (@rec NULL), drop the journal and put back the missing
 * volume it replaced. Returns 0 or -1. */
static int
journal_finish(scConnect *conn, scActivePool *ap, const char *uuid, const scVolRecord *rec,
               const char *action, const char *detail, const scCatalogVol *replaced)
{
    scCatalog *cat = conn->catalog;
    scCatalogVolData d;
    bool ok = false;

    if (scCatalogBegin(cat) < 0)
        return -1;
    if (!rec) {
        ok = scCatalogVolDelete(cat, uuid) == 0;
        if (ok && replaced && replaced->name) {
            row_to_data(replaced, &d);
            ok = scCatalogVolInsert(cat, ap->row.uuid, replaced->uuid,
                                    SC_STORAGE_VOL_STATE_MISSING, &d) == 0;
        }
    } else {
        scVolRecordToData(rec, &d);
        ok = scCatalogVolUpdate(cat, uuid, &d) == 0 &&
             scCatalogVolEventAdd(cat, conn->actor, ap->row.uuid, ap->row.name, uuid, rec->name,
                                  action, detail) == 0;
    }
    if (scCatalogEnd(cat, ok) < 0)
        ok = false;
    return ok ? 0 : -1;
}

static scVolDef *
parse_vol(scActivePool *ap, const char *xml, unsigned int parse_flags)
{
    scVolDef *def = scVolDefParseString(ap->def, xml, parse_flags);

    if (def && scCheckName("volume", def->name) < 0) {
        scVolDefFree(def);
        return NULL;
    }
    return def;
}

/* The common path of CreateXML and CreateXMLFrom. */
static scStorageVol *
create_volume(scStoragePool *pool, const char *xml, scStorageVol *src, unsigned int flags)
{
    _cleanup_(scVolDefFreep) scVolDef *def = NULL;
    scActivePool ap, src_ap = { 0 };
    scConnectProgress prog = { pool->conn, "clone" };
    scProgress progress = { scConnectProgressReport, &prog };
    scVolRecord rec = { 0 }, src_rec = { 0 };
    scCatalogVol src_row = { 0 }, replaced = { 0 };
    unsigned char raw[SC_UUID_BUFLEN];
    char uuid[SC_UUID_STRING_BUFLEN];
    scStorageVol *vol = NULL;
    _cleanup_free_ char *detail = NULL;
    int r;

    if (scActivePoolLoad(pool->conn, pool->uuidstr, "create volumes in it", &ap) < 0)
        return NULL;
    if (!(def = parse_vol(&ap, xml, src ? SC_VOL_XML_PARSE_NO_CAPACITY : 0)))
        goto out;
    if (src) {
        if (scVolRow(src, &src_row) < 0 ||
            scActivePoolLoad(pool->conn, src_row.pool_uuid, "clone its volumes", &src_ap) < 0 ||
            scVolRowRecord(pool->conn, &src_row, &src_rec) < 0)
            goto out;
        if (!(detail = scAsprintf("cloned from '%s'", src_row.path)))
            goto out;
    }
    if (src ? !ap.be->vol_create_from : !ap.be->vol_create) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "pool '%s': '%s' pools cannot create volumes", ap.row.name, ap.row.type);
        goto out;
    }
    /* In flight from before its journal exists until after it is settled. */
    scUUIDGenerate(raw);
    scUUIDFormat(raw, uuid);
    inflight_set(uuid, true);
    if (journal_create(pool->conn, &ap, def, uuid, &replaced) < 0)
        goto done;
    r = src ? ap.be->vol_create_from(&ap.ctx, def, &src_ap.ctx, &src_rec, flags, &progress, &rec)
            : ap.be->vol_create(&ap.ctx, def, flags, &rec);
    if (r < 0) {
        scErrorSaved *saved = scErrorSave();
        journal_finish(pool->conn, &ap, uuid, NULL, NULL, NULL, &replaced);
        scErrorRestore(&saved);
        goto done;
    }
    if (journal_finish(pool->conn, &ap, uuid, &rec, src ? "vol-clone" : "vol-create", detail,
                       NULL) < 0) {
        /* The volume exists but could not be recorded: remove it, so
         * that a failed call leaves storage as it was. */
        scErrorSaved *saved = scErrorSave();
        if (ap.be->vol_delete)
            ap.be->vol_delete(&ap.ctx, &rec, 0);
        journal_finish(pool->conn, &ap, uuid, NULL, NULL, NULL, &replaced);
        scErrorRestore(&saved);
        goto done;
    }
    vol = scVolNew(pool->conn, uuid, rec.name, rec.key);
done:
    inflight_set(uuid, false);
out:
    scCatalogVolClear(&replaced);
    scVolRecordClear(&rec);
    scVolRecordClear(&src_rec);
    scCatalogVolClear(&src_row);
    scActivePoolClear(&src_ap);
    scActivePoolClear(&ap);
    return vol;
}

scStorageVolPtr
scStorageVolCreateXML(scStoragePoolPtr pool, const char *xml, unsigned int flags)
{
    scStorageVol *vol;

    scResetLastError();
    if (scCheckFlags(flags, CREATE_FLAGS) < 0 || !scPoolHandleCheck(pool, __func__, true) ||
        !scCheckArg(xml, "xml", __func__))
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

    scResetLastError();
    if (scCheckFlags(flags, CREATE_FLAGS) < 0 || !scPoolHandleCheck(pool, __func__, true) ||
        !scCheckArg(xml, "xml", __func__) || !scVolCheck(clonevol, __func__))
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

/* What a volume operation gets: its pool (active), row and record. */
typedef struct {
    scActivePool ap;
    scCatalogVol row;
    scVolRecord rec;
} VolOp;

static void
vol_op_clear(VolOp *op)
{
    scActivePoolClear(&op->ap);
    scCatalogVolClear(&op->row);
    scVolRecordClear(&op->rec);
}

/* Load what operation @verb on @vol needs; the slot @slot of the backend
 * must exist. The volume must be present. Returns 0 or -1. */
static int
vol_op_load(scStorageVol *vol, const char *verb, VolOp *op, size_t slot_offset)
{
    memset(op, 0, sizeof(*op));
    if (scVolRow(vol, &op->row) < 0 ||
        scActivePoolLoad(vol->conn, op->row.pool_uuid, verb, &op->ap) < 0)
        goto error;
    if (!*(void *const *) ((const char *) op->ap.be + slot_offset)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "volume '%s': '%s' pools cannot %s volumes", vol->name, op->ap.row.type,
                      verb);
        goto error;
    }
    if (op->row.state != SC_STORAGE_VOL_STATE_PRESENT) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "volume '%s' is %s: refresh pool '%s' first", vol->name,
                      scVolStateToString(op->row.state), op->ap.row.name);
        goto error;
    }
    if (scVolRowRecord(vol->conn, &op->row, &op->rec) < 0)
        goto error;
    return 0;
error:
    vol_op_clear(op);
    return -1;
}
#define VOL_OP_LOAD(vol, verb, op, slot)                                     \
    vol_op_load(vol, verb, op, offsetof(scBackend, slot))

/* Record what storage says of the volume after an operation, with its
 * event; the operation's own error (if any) wins over this one's. */
static int
vol_op_record(scStorageVol *vol, VolOp *op, const char *action, const char *detail, int result)
{
    scCatalog *cat = vol->conn->catalog;
    scErrorSaved *saved = result < 0 ? scErrorSave() : NULL;
    char uuid[SC_UUID_STRING_BUFLEN];
    bool ok = false;

    if (scCatalogBegin(cat) == 0) {
        ok = scReconcileVolume(vol->conn, &op->ap, op->row.name,
                               result < 0 ? "vol-changed" : action,
                               result < 0 ? "after a failed operation" : detail, uuid) >= 0;
        if (scCatalogEnd(cat, ok) < 0)
            ok = false;
    }
    if (saved)
        scErrorRestore(&saved);
    return result < 0 || !ok ? -1 : 0;
}

/* Set the state of volume @uuid in a transaction of its own. 0 or -1. */
static int
set_state(scCatalog *cat, const char *uuid, int state)
{
    int r;

    if (scCatalogBegin(cat) < 0)
        return -1;
    r = scCatalogVolSetState(cat, uuid, state);
    return scCatalogEnd(cat, r == 0) < 0 || r < 0 ? -1 : 0;
}

/* Journal, act, record: a crash in between is finished by a refresh. */
static int
delete_volume(scStorageVol *vol, VolOp *op, unsigned int flags)
{
    scCatalog *cat = vol->conn->catalog;
    bool ok = false;

    if (set_state(cat, op->row.uuid, SC_STORAGE_VOL_STATE_DELETING) < 0)
        return -1;
    if (op->ap.be->vol_delete(&op->ap.ctx, &op->rec, flags) < 0) {
        /* Storage is as it was: so is the catalog (best effort; a stale
         * journal is settled by the next refresh). */
        scErrorSaved *saved = scErrorSave();
        set_state(cat, op->row.uuid, SC_STORAGE_VOL_STATE_PRESENT);
        scErrorRestore(&saved);
        return -1;
    }
    if (scCatalogBegin(cat) < 0)
        return -1;
    ok = scCatalogVolDelete(cat, op->row.uuid) == 0 &&
         scCatalogVolEventAdd(cat, vol->conn->actor, op->ap.row.uuid, op->ap.row.name,
                              op->row.uuid, op->row.name, "vol-delete",
                              flags & SC_STORAGE_VOL_DELETE_ZEROED ? "zeroed first" : NULL) == 0;
    if (scCatalogEnd(cat, ok) < 0)
        ok = false;
    return ok ? 0 : -1;
}

int
scStorageVolDelete(scStorageVolPtr vol, unsigned int flags)
{
    VolOp op;
    int r = -1;

    scResetLastError();
    if (scCheckFlags(flags, SC_STORAGE_VOL_DELETE_ZEROED | SC_STORAGE_VOL_DELETE_WITH_SNAPSHOTS) < 0 ||
        !scVolEnter(vol, __func__, true))
        return -1;
    if (flags & SC_STORAGE_VOL_DELETE_WITH_SNAPSHOTS) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "volume '%s': deleting with snapshots is not supported", vol->name);
    } else if (VOL_OP_LOAD(vol, "delete", &op, vol_delete) == 0) {
        inflight_set(op.row.uuid, true);
        r = delete_volume(vol, &op, flags);
        inflight_set(op.row.uuid, false);
        vol_op_clear(&op);
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
    VolOp op;
    int r = -1;

    scResetLastError();
    if (scCheckFlags(flags, 0) < 0 || !scVolEnter(vol, __func__, true))
        return -1;
    prog.conn = vol->conn;
    if (algorithm >= SC_STORAGE_VOL_WIPE_ALG_LAST) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                      "volume '%s': unknown wipe algorithm %u", vol->name, algorithm);
    } else if (VOL_OP_LOAD(vol, "wipe", &op, vol_wipe) == 0) {
        snprintf(detail, sizeof(detail), "algorithm %s", names[algorithm]);
        r = op.ap.be->vol_wipe(&op.ap.ctx, &op.rec, algorithm, &progress);
        r = vol_op_record(vol, &op, "vol-wipe", detail, r);
        vol_op_clear(&op);
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
resize_target(scStorageVol *vol, const VolOp *op, unsigned long long capacity,
              unsigned int flags, unsigned long long *target)
{
    unsigned long long cur = op->row.capacity;

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
    if (*target < cur && op->row.format && strcmp(op->row.format, "raw") != 0 &&
        strcmp(op->row.format, "qcow2") != 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "volume '%s': '%s' images cannot be shrunk", vol->name, op->row.format);
        return -1;
    }
    return 0;
}

int
scStorageVolResize(scStorageVolPtr vol, unsigned long long capacity, unsigned int flags)
{
    unsigned long long target;
    char detail[96];
    VolOp op;
    int r = -1;

    scResetLastError();
    if (scCheckFlags(flags, SC_STORAGE_VOL_RESIZE_ALLOCATE | SC_STORAGE_VOL_RESIZE_DELTA |
                                SC_STORAGE_VOL_RESIZE_SHRINK) < 0 ||
        !scVolEnter(vol, __func__, true))
        return -1;
    if (VOL_OP_LOAD(vol, "resize", &op, vol_resize) == 0) {
        if (resize_target(vol, &op, capacity, flags, &target) == 0) {
            snprintf(detail, sizeof(detail), "capacity %llu -> %llu", op.row.capacity, target);
            r = op.ap.be->vol_resize(&op.ap.ctx, &op.rec, target, flags);
            r = vol_op_record(vol, &op, "vol-resize", detail, r);
        }
        vol_op_clear(&op);
    }
    scConnectUnlock(vol->conn);
    return r;
}

/* Upload and download share their checks. */
static int
transfer(scStorageVol *vol, bool upload, int fd, unsigned long long offset,
         unsigned long long length, unsigned int flags, const char *func)
{
    scConnectProgress prog = { vol->conn, upload ? "upload" : "download" };
    scProgress progress = { scConnectProgressReport, &prog };
    char detail[96];
    VolOp op;
    int r = -1;

    if (fd < 0) {
        scReportError(SC_FROM_CONNECT, SC_ERR_INVALID_ARG, "%s: bad file descriptor %d", func, fd);
        return -1;
    }
    if (offset > (unsigned long long) LLONG_MAX || length > (unsigned long long) LLONG_MAX ||
        offset + length > (unsigned long long) LLONG_MAX) {
        scReportError(SC_FROM_CONNECT, SC_ERR_INVALID_ARG,
                      "%s: offset %llu and length %llu are out of range", func, offset, length);
        return -1;
    }
    if (vol_op_load(vol, upload ? "upload to" : "download from", &op,
                    upload ? offsetof(scBackend, vol_upload) : offsetof(scBackend, vol_download)) < 0)
        return -1;
    if (upload) {
        if (offset > op.row.capacity) {
            scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                          "volume '%s': upload offset %llu is past its capacity %llu", vol->name,
                          offset, op.row.capacity);
        } else {
            snprintf(detail, sizeof(detail), "offset %llu length %llu", offset, length);
            r = op.ap.be->vol_upload(&op.ap.ctx, &op.rec, fd, offset, length, flags, &progress);
            r = vol_op_record(vol, &op, "vol-upload", detail, r);
        }
    } else {
        r = op.ap.be->vol_download(&op.ap.ctx, &op.rec, fd, offset, length, flags, &progress);
    }
    vol_op_clear(&op);
    return r;
}

int
scStorageVolUpload(scStorageVolPtr vol, int fd, unsigned long long offset,
                   unsigned long long length, unsigned int flags)
{
    int r;

    scResetLastError();
    if (scCheckFlags(flags, SC_STORAGE_VOL_UPLOAD_SPARSE_STREAM) < 0 ||
        !scVolEnter(vol, __func__, true))
        return -1;
    r = transfer(vol, true, fd, offset, length, flags, __func__);
    scConnectUnlock(vol->conn);
    return r;
}

int
scStorageVolDownload(scStorageVolPtr vol, int fd, unsigned long long offset,
                     unsigned long long length, unsigned int flags)
{
    int r;

    scResetLastError();
    if (scCheckFlags(flags, SC_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM) < 0 ||
        !scVolEnter(vol, __func__, false))
        return -1;
    r = transfer(vol, false, fd, offset, length, flags, __func__);
    scConnectUnlock(vol->conn);
    return r;
}
