/*
 * stream_adapter.c: how a stream transfer reaches a backend (backend.h,
 * "streams of data and holes").
 *
 * A backend with stream slots gets the chunks directly. One with only the
 * file-descriptor slots (vol_upload / vol_download, the boundary every
 * backend had first) is run on one end of a pipe by a thread of its own,
 * while the calling thread pumps the stream through the other end: an
 * upload's holes become zeroes on the way (the fd slot's sparse mode
 * punches zero blocks of a file again; a block device gets the zeroes, as
 * libvirt writes them), a download is all data. So every backend streams,
 * and holes travel as holes where the backend can keep them.
 */
#include <config.h>

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <unistd.h>

#include "backend.h"

int
scStreamInNext(scStreamIn *in, scStreamChunk *chunk)
{
    return in->next(in, chunk);
}

int
scStreamOutData(scStreamOut *out, const void *buf, size_t len)
{
    return len ? out->data(out, buf, len) : 0;
}

int
scStreamOutHole(scStreamOut *out, unsigned long long len)
{
    return len ? out->hole(out, len) : 0;
}

/* ---- the fd slot on a thread of its own ---------------------------------- */

/* What the fd slot's thread needs, and what it leaves. */
typedef struct {
    const scBackend *be;
    const scPoolCtx *pool;
    const scVolRecord *vol;
    bool upload;
    int fd; /* its end of the pipe; closed when the slot returns */
    unsigned long long offset, length;
    unsigned int flags;
    int result;          /* the slot's */
    scErrorSaved *error; /* its error, carried to the pumping thread */
} SlotRun;

static void *
slot_thread(void *opaque)
{
    SlotRun *s = opaque;

    s->result =
        s->upload
            ? s->be->vol_upload(s->pool, s->vol, s->fd, s->offset, s->length, s->flags, NULL)
            : s->be->vol_download(s->pool, s->vol, s->fd, s->offset, s->length, s->flags, NULL);
    if (s->result < 0)
        s->error = scErrorSave();
    /* The pump sees EOF (download) or EPIPE (upload, the slot gave up). */
    close(s->fd);
    s->fd = -1;
    scResetLastError();
    return NULL;
}

/* Start the slot on a new thread with every signal blocked. 0 or -1. */
static int
slot_start(SlotRun *s, pthread_t *thread)
{
    sigset_t all, old;
    int r;

    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    r = pthread_create(thread, NULL, slot_thread, s);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (r != 0) {
        scReportSystemError(SC_FROM_STORAGE, r, "volume '%s': cannot start a transfer thread",
                            s->vol->name);
        return -1;
    }
    return 0;
}

/* Join the slot's thread: its result, its error the current one (unless
 * @keep_own, when the pump's own error, already reported, comes first). */
static int
slot_join(SlotRun *s, pthread_t thread, bool keep_own)
{
    pthread_join(thread, NULL);
    if (s->error && keep_own)
        scErrorSavedFree(s->error);
    else if (s->error)
        scErrorRestore(&s->error);
    s->error = NULL;
    return s->result;
}

static int
write_all(int fd, const void *buf, size_t len)
{
    const unsigned char *p = buf;

    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t) n;
    }
    return 0;
}

/* Pump @in into @fd, holes as zeroes: 0 at the end of the data, -1 when
 * @in stopped (reported) or the slot stopped reading (*@broken). */
static int
pump_in(scStreamIn *in, int fd, bool *broken)
{
    static const unsigned char zeroes[64 * 1024];
    scStreamChunk c;
    int r;

    *broken = false;
    while ((r = scStreamInNext(in, &c)) > 0) {
        for (unsigned long long done = 0; done < c.len;) {
            size_t n = c.len - done < sizeof(zeroes) ? (size_t) (c.len - done) : sizeof(zeroes);
            if (c.data)
                n = c.len - done > SIZE_MAX ? SIZE_MAX : (size_t) (c.len - done);
            if (write_all(fd, c.data ? c.data + done : zeroes, n) < 0) {
                *broken = true;
                return -1;
            }
            done += n;
        }
    }
    return r;
}

int
scBackendVolUploadStream(const scBackend *be, const scPoolCtx *pool, const scVolRecord *vol,
                         scStreamIn *in, unsigned long long offset, unsigned long long length,
                         unsigned int flags)
{
    SlotRun s = { be, pool, vol, true, -1, offset, length, flags, 0, NULL };
    pthread_t thread;
    bool broken;
    int fds[2], r;

    if (be->vol_upload_stream)
        return be->vol_upload_stream(pool, vol, in, offset, length, flags);
    if (pipe2(fds, O_CLOEXEC) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "volume '%s': cannot make a pipe", vol->name);
        return -1;
    }
    s.fd = fds[0];
    if (slot_start(&s, &thread) < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    r = pump_in(in, fds[1], &broken);
    /* EOF for the slot: it syncs what it wrote and returns. */
    close(fds[1]);
    if (slot_join(&s, thread, r < 0 && !broken) < 0)
        return -1;
    if (broken) {
        /* The slot returned 0 without reading everything. */
        scReportError(SC_FROM_STORAGE, SC_ERR_INTERNAL_ERROR,
                      "volume '%s': the '%s' backend stopped reading the upload before its end",
                      vol->name, scPoolTypeToString(be->type));
        return -1;
    }
    return r;
}

int
scBackendVolDownloadStream(const scBackend *be, const scPoolCtx *pool, const scVolRecord *vol,
                           scStreamOut *out, unsigned long long offset, unsigned long long length,
                           unsigned int flags)
{
    SlotRun s = { be, pool, vol, false, -1, offset, length, flags, 0, NULL };
    _cleanup_free_ unsigned char *buf = NULL;
    pthread_t thread;
    int fds[2], r = 0;

    if (be->vol_download_stream)
        return be->vol_download_stream(pool, vol, out, offset, length, flags);
    if (!(buf = scAlloc(256 * 1024)))
        return -1;
    if (pipe2(fds, O_CLOEXEC) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "volume '%s': cannot make a pipe", vol->name);
        return -1;
    }
    s.fd = fds[1];
    if (slot_start(&s, &thread) < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    for (;;) {
        ssize_t n = read(fds[0], buf, 256 * 1024);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            scReportSystemError(SC_FROM_STORAGE, errno, "volume '%s': cannot read the download",
                                vol->name);
            r = -1;
        }
        if (n <= 0 || (r = scStreamOutData(out, buf, (size_t) n)) < 0)
            break;
    }
    /* The slot, still writing, gets EPIPE (its signals are blocked). */
    close(fds[0]);
    if (slot_join(&s, thread, r < 0) < 0 || r < 0)
        return -1;
    return 0;
}
