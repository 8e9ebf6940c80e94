/*
 * vol_transfer.c: a volume's data in and out: scStorageVolUpload and
 * scStorageVolDownload with a stream (libvirt's calls), and storcat's own
 * scStorageVolUploadFD / scStorageVolDownloadFD with a file descriptor.
 *
 * An upload is journaled on the volume as 'uploading' (vol_ops.h) before
 * any data moves; with a stream the journal lasts from the bind to the
 * stream's finish or abort, while the caller sends at its own pace from
 * calls that lock neither the connection nor the catalog. The backend's
 * transfer runs on the stream's worker thread (stream.c) with a copy of
 * the pool context that cannot reach the catalog; when the stream ends,
 * what storage says of the volume is recorded with a "vol-upload" event
 * and the journal ended, as the fd upload does in one call. A download
 * journals nothing: it reads.
 */
#include <config.h>

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#include "stream.h"
#include "util/util.h"
#include "vol_ops.h"

/* @offset and @length as a caller gives them: within off_t. 0 or -1. */
static int
check_range(unsigned long long offset, unsigned long long length, const char *func)
{
    if (offset > (unsigned long long) LLONG_MAX || length > (unsigned long long) LLONG_MAX ||
        offset + length > (unsigned long long) LLONG_MAX) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                      "%s: offset %llu and length %llu are out of range", func, offset, length);
        return -1;
    }
    return 0;
}

/* ---- with a file descriptor (storcat's own) ---------------------------- */

/* Upload and download share their checks. */
static int
transfer(scStorageVol *vol, bool upload, int fd, unsigned long long offset,
         unsigned long long length, unsigned int flags, const char *func)
{
    scConnectProgress prog = { vol->conn, upload ? "upload" : "download" };
    scProgress progress = { scConnectProgressReport, &prog };
    char detail[96];
    scVolOp o;
    int r = -1;

    if (fd < 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG, "%s: bad file descriptor %d", func, fd);
        return -1;
    }
    if (check_range(offset, length, func) < 0)
        return -1;
    if (!upload) {
        /* A read: nothing to journal. */
        memset(&o, 0, sizeof(o));
        scVolRecordInit(&o.rec);
        if (scVolRow(vol, &o.row) == 0 &&
            scActivePoolLoad(vol->conn, o.row.pool_uuid, "download from", &o.ap) == 0 &&
            scVolCheckIdle(vol, &o.row, o.ap.row.name, false) == 0) {
            if (!o.ap.be->vol_download)
                scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                              "volume '%s': '%s' pools cannot download from volumes", vol->name,
                              o.ap.row.type);
            else if (vol->seen)
                r = o.ap.be->vol_download(&o.ap.ctx, &vol->seen->rec, fd, offset, length, flags,
                                          &progress);
            else if (scVolRowRecord(vol->conn, &o.row, &o.rec) == 0)
                r = o.ap.be->vol_download(&o.ap.ctx, &o.rec, fd, offset, length, flags, &progress);
        }
        scVolOpClear(&o);
        return r;
    }
    if (VOL_OP_BEGIN(vol, "upload to", vol_upload, "uploading", scVolCheckUpload,
                     flags & SC_STORAGE_VOL_CHECK_USERS ? "uploaded to" : NULL, &o) < 0)
        return -1;
    flags &= ~SC_STORAGE_VOL_CHECK_USERS;
    if (offset > o.row.capacity) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                      "volume '%s': upload offset %llu is past its capacity %llu", vol->name,
                      offset, o.row.capacity);
        scVolOpCancel(&o);
    } else {
        snprintf(detail, sizeof(detail), "offset %llu length %llu", offset, length);
        r = o.ap.be->vol_upload(&o.ap.ctx, &o.rec, fd, offset, length, flags, &progress);
        r = scVolOpRecord(&o, "vol-upload", detail, r);
    }
    scVolOpClear(&o);
    return r;
}

int
scStorageVolUploadFD(scStorageVolPtr vol, int fd, unsigned long long offset,
                     unsigned long long length, unsigned int flags)
{
    int r;

    SC_API_BEGIN();
    if (scCheckFlags(flags, SC_STORAGE_VOL_UPLOAD_SPARSE_STREAM | SC_STORAGE_VOL_CHECK_USERS) < 0 ||
        !scVolEnter(vol, __func__, true))
        return -1;
    r = transfer(vol, true, fd, offset, length, flags, __func__);
    scConnectUnlock(vol->conn);
    return r;
}

int
scStorageVolDownloadFD(scStorageVolPtr vol, int fd, unsigned long long offset,
                       unsigned long long length, unsigned int flags)
{
    int r;

    SC_API_BEGIN();
    if (scCheckFlags(flags, SC_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM) < 0 ||
        !scVolEnter(vol, __func__, false))
        return -1;
    r = transfer(vol, false, fd, offset, length, flags, __func__);
    scConnectUnlock(vol->conn);
    return r;
}

/* ---- with a stream (libvirt's) -------------------------------------------- */

/* A stream transfer: the job its stream runs (stream.h). */
typedef struct {
    scStorageVol *vol; /* a reference, held until the job is freed */
    bool upload;
    scVolOp o;              /* upload: journaled; download: pool, row, record */
    scPoolCtx ctx;          /* o.ap.ctx for the worker, without the catalog */
    const scVolRecord *rec; /* what the backend acts on: o.rec, or the handle's
                               own for a volume found by a read-only lookup */
    unsigned long long offset, length;
    unsigned int flags;
} Transfer;

static int
transfer_run(void *job, scStreamIn *in, scStreamOut *out)
{
    Transfer *t = job;

    if (t->upload)
        return scBackendVolUploadStream(t->o.ap.be, &t->ctx, t->rec, in, t->offset, t->length,
                                        t->flags);
    return scBackendVolDownloadStream(t->o.ap.be, &t->ctx, t->rec, out, t->offset, t->length,
                                      t->flags);
}

static int
transfer_end(void *job, int result, bool aborted, unsigned long long bytes)
{
    Transfer *t = job;
    char detail[128];

    if (!t->upload)
        return 0;
    if (aborted)
        snprintf(detail, sizeof(detail), "offset %llu: aborted after %llu bytes sent", t->offset,
                 bytes);
    else
        snprintf(detail, sizeof(detail), "offset %llu length %llu (stream)", t->offset, bytes);
    /* An abort leaves what was written: recorded as the upload it was. */
    return scVolOpRecord(&t->o, "vol-upload", detail, aborted ? 0 : result);
}

static void
transfer_free(void *job)
{
    Transfer *t = job;

    scVolOpClear(&t->o);
    if (scHandleUnref(&t->vol->refs) == 0)
        scVolFree(t->vol);
    free(t);
}

static const scStreamJobOps transfer_ops = {
    .run = transfer_run,
    .end = transfer_end,
    .free = transfer_free,
};

static Transfer *
transfer_new(scStorageVol *vol, bool upload, unsigned long long offset, unsigned long long length,
             unsigned int flags)
{
    Transfer *t = scAlloc(sizeof(*t));

    if (!t)
        return NULL;
    scHandleRef(&vol->refs);
    t->vol = vol;
    t->upload = upload;
    t->o.vol = vol;
    scVolRecordInit(&t->o.rec);
    t->offset = offset;
    t->length = length;
    t->flags = flags;
    return t;
}

/* Load (and for an upload journal) the transfer @t of @vol. 0 or -1. */
static int
transfer_load(Transfer *t, scStorageVol *vol)
{
    if (t->upload) {
        if (scVolOpBegin(vol, "upload to", offsetof(scBackend, vol_upload),
                         offsetof(scBackend, vol_upload_stream), "uploading", scVolCheckUpload,
                         t->flags & SC_STORAGE_VOL_CHECK_USERS ? "uploaded to" : NULL,
                         &t->o) < 0)
            return -1;
        t->flags &= ~SC_STORAGE_VOL_CHECK_USERS;
        if (t->offset > t->o.row.capacity) {
            scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                          "volume '%s': upload offset %llu is past its capacity %llu", vol->name,
                          t->offset, t->o.row.capacity);
            scVolOpCancel(&t->o);
            return -1;
        }
        t->rec = &t->o.rec;
        return 0;
    }
    /* A read: nothing to journal. */
    if (scVolRow(vol, &t->o.row) < 0 ||
        scActivePoolLoad(vol->conn, t->o.row.pool_uuid, "download from", &t->o.ap) < 0 ||
        scVolCheckIdle(vol, &t->o.row, t->o.ap.row.name, false) < 0)
        return -1;
    if (!t->o.ap.be->vol_download && !t->o.ap.be->vol_download_stream) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "volume '%s': '%s' pools cannot download from volumes", vol->name,
                      t->o.ap.row.type);
        return -1;
    }
    if (vol->seen) {
        t->rec = &vol->seen->rec; /* the handle is held */
        return 0;
    }
    t->rec = &t->o.rec;
    return scVolRowRecord(vol->conn, &t->o.row, &t->o.rec);
}

/* Bind @st to a transfer of @vol (the connection locked). 0 or -1, and
 * then nothing changed. */
static int
stream_transfer(scStorageVol *vol, scStream *st, bool upload, unsigned long long offset,
                unsigned long long length, unsigned int flags, const char *func)
{
    bool sparse = flags & (upload ? SC_STORAGE_VOL_UPLOAD_SPARSE_STREAM
                                  : SC_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM);
    char what[SC_NAME_MAX + 16];
    Transfer *t;

    if (check_range(offset, length, func) < 0 || scStreamCheckNew(st, vol->conn, func) < 0 ||
        !(t = transfer_new(vol, upload, offset, length, flags)))
        return -1;
    if (transfer_load(t, vol) < 0) {
        transfer_free(t);
        return -1;
    }
    /* The worker's copy of the context: no catalog from another thread. */
    t->ctx = t->o.ap.ctx;
    t->ctx.is_volume = NULL;
    t->ctx.is_volume_opaque = NULL;
    snprintf(what, sizeof(what), "volume '%s'", vol->name);
    if (scStreamBind(st, vol->conn, upload, sparse, upload ? length : 0, what, &transfer_ops, t,
                     func) < 0) {
        if (upload)
            scVolOpCancel(&t->o);
        transfer_free(t);
        return -1;
    }
    return 0;
}

int
scStorageVolUpload(scStorageVolPtr vol, scStreamPtr stream, unsigned long long offset,
                   unsigned long long length, unsigned int flags)
{
    int r;

    SC_API_BEGIN();
    if (scCheckFlags(flags, SC_STORAGE_VOL_UPLOAD_SPARSE_STREAM | SC_STORAGE_VOL_CHECK_USERS) < 0 ||
        !scStreamCheck(stream, __func__) || !scVolEnter(vol, __func__, true))
        return -1;
    r = stream_transfer(vol, stream, true, offset, length, flags, __func__);
    scConnectUnlock(vol->conn);
    return r;
}

int
scStorageVolDownload(scStorageVolPtr vol, scStreamPtr stream, unsigned long long offset,
                     unsigned long long length, unsigned int flags)
{
    int r;

    SC_API_BEGIN();
    if (scCheckFlags(flags, SC_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM) < 0 ||
        !scStreamCheck(stream, __func__) || !scVolEnter(vol, __func__, false))
        return -1;
    r = stream_transfer(vol, stream, false, offset, length, flags, __func__);
    scConnectUnlock(vol->conn);
    return r;
}
