/*
 * vol_transfer.c: a volume's data in and out: storcat's
 * scStorageVolUploadFD / scStorageVolDownloadFD with a file descriptor.
 *
 * An upload is journaled on the volume as 'uploading' (vol_ops.h) before
 * any data moves, and what storage says of the volume afterwards is
 * recorded with a "vol-upload" event, ending the journal. A download
 * journals nothing: it reads.
 */
#include <config.h>

#include <limits.h>
#include <stddef.h>
#include <stdio.h>

#include "util/util.h"
#include "vol_ops.h"

/* @offset and @length as a caller gives them: within off_t. 0 or -1. */
static int
check_range(unsigned long long offset, unsigned long long length, const char *func)
{
    if (offset > (unsigned long long) LLONG_MAX || length > (unsigned long long) LLONG_MAX ||
        offset + length > (unsigned long long) LLONG_MAX) {
        scReportError(SC_FROM_CONNECT, SC_ERR_INVALID_ARG,
                      "%s: offset %llu and length %llu are out of range", func, offset, length);
        return -1;
    }
    return 0;
}

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
        scReportError(SC_FROM_CONNECT, SC_ERR_INVALID_ARG, "%s: bad file descriptor %d", func, fd);
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
            scVolCheckIdle(vol, &o.row, o.ap.row.name) == 0) {
            if (!o.ap.be->vol_download)
                scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                              "volume '%s': '%s' pools cannot download from volumes", vol->name,
                              o.ap.row.type);
            else if (vol->seen)
                r = o.ap.be->vol_download(&o.ap.ctx, &vol->seen->rec, fd, offset, length,
                                          flags, &progress);
            else if (scVolRowRecord(vol->conn, &o.row, &o.rec) == 0)
                r = o.ap.be->vol_download(&o.ap.ctx, &o.rec, fd, offset, length, flags,
                                          &progress);
        }
        scVolOpClear(&o);
        return r;
    }
    if (VOL_OP_BEGIN(vol, "upload to", vol_upload, "uploading", &o) < 0)
        return -1;
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

    scResetLastError();
    if (scCheckFlags(flags, SC_STORAGE_VOL_UPLOAD_SPARSE_STREAM) < 0 ||
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

    scResetLastError();
    if (scCheckFlags(flags, SC_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM) < 0 ||
        !scVolEnter(vol, __func__, false))
        return -1;
    r = transfer(vol, false, fd, offset, length, flags, __func__);
    scConnectUnlock(vol->conn);
    return r;
}

