/*
 * stream.c: data streams (scStream*), libvirt's virStream for a library
 * without a daemon.
 *
 * libvirt moves a volume's data between the caller and the daemon over
 * RPC, the daemon's end being a file stream with a helper thread (its
 * virfdstream). storcat has no daemon, so a bound stream has a worker
 * thread of its own running the transfer (the pool backend's stream slot,
 * or its fd slot behind a pipe: backends/stream_adapter.c), and between
 * the caller and the worker a bounded queue of chunks, each data or a
 * hole. scStreamSend and scStreamSendHole fill the queue of an upload,
 * the worker drains it (scStreamInNext); the worker fills a download's
 * (scStreamOutData/Hole), scStreamRecv and scStreamRecvHole drain it.
 * Either side waits on the queue's condition (or, non-blocking, the
 * caller gets -2). Finish and abort wake the worker, join it, and hand
 * the transfer to its job to settle (vol_transfer.c records the volume):
 * no thread outlives a transfer, and the catalog is never touched on the
 * worker nor locked while data flows.
 *
 * A non-blocking stream may be driven from an event loop instead
 * (stream_event.c): every change that may let a call proceed without
 * waiting (a chunk queued or taken, the worker's end, a failure) tells it,
 * under the lock (scStreamEventNotifyLocked), and the loop asks
 * scStreamReadyLocked what a call could do, by the same conditions
 * Send's and Recv's waits test.
 *
 * A stream is used by one call at a time: every public call marks it busy
 * for its duration, so that a SendAll/RecvAll callback that calls back
 * into its stream, or a second thread, gets an error instead of a corrupt
 * queue. Only the worker runs alongside, and it touches the queue and its
 * own result only, under the lock.
 */
#include <config.h>

#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>

#include "stream_priv.h"

#define SC_STREAM_MAGIC 0x53435354u /* "SCST" */

/* Bytes of data in flight between the caller and the worker at most, and
 * in one chunk (the buffer of SendAll and RecvAll; libvirt's is as big). */
#define QUEUE_MAX (4 * 1024 * 1024)
#define CHUNK_MAX SC_STREAM_CHUNK_MAX

/* ---- the queue -------------------------------------------------------- */

static size_t
chunk_cost(const Chunk *c)
{
    return sizeof(*c) + (c->hole ? 0 : (size_t) c->len);
}

/* Append a chunk of @len bytes of @data (copied), or a hole (@data NULL,
 * merged into a hole at the tail). Called with the lock held. 0 or -1. */
static int
queue_push(scStream *st, const void *data, unsigned long long len)
{
    Chunk *c;

    if (!data && st->tail && st->tail->hole) {
        st->tail->len += len;
        scStreamEventNotifyLocked(st);
        return 0;
    }
    /* Not zeroed: the data is copied over it at once. */
    if (!(c = malloc(sizeof(*c) + (data ? (size_t) len : 0)))) {
        scReportOOM();
        return -1;
    }
    c->next = NULL;
    c->off = 0;
    c->len = len;
    c->hole = !data;
    if (data)
        memcpy(c->data, data, (size_t) len);
    if (st->tail)
        st->tail->next = c;
    else
        st->head = c;
    st->tail = c;
    st->queued += chunk_cost(c);
    pthread_cond_broadcast(&st->cond);
    scStreamEventNotifyLocked(st);
    return 0;
}

/* Drop the head chunk (lock held). */
static void
queue_pop(scStream *st)
{
    Chunk *c = st->head;

    st->head = c->next;
    if (!st->head)
        st->tail = NULL;
    st->queued -= sizeof(*c);
    free(c);
    pthread_cond_broadcast(&st->cond);
}

static void
queue_clear(scStream *st)
{
    while (st->head) {
        if (!st->head->hole)
            st->queued -= (size_t) st->head->len;
        queue_pop(st);
    }
    free(st->current);
    st->current = NULL;
    st->queued = 0;
}

/* ---- the worker's side --------------------------------------------------- */

static scStream *
stream_of_in(scStreamIn *in)
{
    return (scStream *) (void *) ((char *) in - offsetof(scStream, in));
}

static scStream *
stream_of_out(scStreamOut *out)
{
    return (scStream *) (void *) ((char *) out - offsetof(scStream, out));
}

static void
report_stopped(const scStream *st)
{
    scReportError(SC_FROM_STREAMS, SC_ERR_OPERATION_ABORTED,
                  "the transfer of %s was stopped by its caller", st->what);
}

static int
in_next(scStreamIn *in, scStreamChunk *chunk)
{
    scStream *st = stream_of_in(in);
    Chunk *c;

    pthread_mutex_lock(&st->lock);
    if (st->current) {
        st->queued -= chunk_cost(st->current);
        free(st->current);
        st->current = NULL;
        pthread_cond_broadcast(&st->cond);
        scStreamEventNotifyLocked(st);
    }
    while (!st->head && !st->end && !st->stop)
        pthread_cond_wait(&st->cond, &st->lock);
    if (st->stop || !st->head) {
        bool stopped = st->stop;
        pthread_mutex_unlock(&st->lock);
        if (stopped)
            report_stopped(st);
        return stopped ? -1 : 0;
    }
    /* Taken off the queue but still counted: it is memory in flight. */
    c = st->head;
    st->head = c->next;
    if (!st->head)
        st->tail = NULL;
    c->next = NULL;
    st->current = c;
    pthread_mutex_unlock(&st->lock);
    chunk->data = c->hole ? NULL : c->data;
    chunk->len = c->len;
    return 1;
}

/* Wait for room in a download's queue (lock held): 0, or -1 when the
 * caller stopped the transfer (reported, lock released). */
static int
out_wait(scStream *st)
{
    while (st->queued >= QUEUE_MAX && !st->stop)
        pthread_cond_wait(&st->cond, &st->lock);
    if (!st->stop)
        return 0;
    pthread_mutex_unlock(&st->lock);
    report_stopped(st);
    return -1;
}

static int
out_data(scStreamOut *out, const void *buf, size_t len)
{
    scStream *st = stream_of_out(out);
    const unsigned char *p = buf;

    while (len > 0) {
        size_t n = len < CHUNK_MAX ? len : CHUNK_MAX;
        pthread_mutex_lock(&st->lock);
        if (out_wait(st) < 0)
            return -1;
        if (queue_push(st, p, n) < 0) {
            pthread_mutex_unlock(&st->lock);
            return -1;
        }
        pthread_mutex_unlock(&st->lock);
        p += n;
        len -= n;
    }
    return 0;
}

static int
out_hole(scStreamOut *out, unsigned long long len)
{
    scStream *st = stream_of_out(out);
    int r;

    pthread_mutex_lock(&st->lock);
    if (out_wait(st) < 0)
        return -1;
    r = queue_push(st, NULL, len);
    pthread_mutex_unlock(&st->lock);
    return r;
}

static void *
worker_main(void *opaque)
{
    scStream *st = opaque;
    int r = st->ops->run(st->job, st->upload ? &st->in : NULL, st->upload ? NULL : &st->out);
    scErrorSaved *error = r < 0 ? scErrorSave() : NULL;

    pthread_mutex_lock(&st->lock);
    st->done = true;
    st->result = r;
    st->error = error;
    pthread_cond_broadcast(&st->cond);
    scStreamEventNotifyLocked(st);
    pthread_mutex_unlock(&st->lock);
    scResetLastError(); /* this thread's error buffer goes with it */
    return NULL;
}

/* ---- binding and settling -------------------------------------------------- */

/* Change the state of the busy @st: under the lock, since the event loop
 * reads it (scStreamReadyLocked), which a failure wakes. */
static void
set_state(scStream *st, StreamState state)
{
    pthread_mutex_lock(&st->lock);
    st->state = state;
    scStreamEventNotifyLocked(st);
    pthread_mutex_unlock(&st->lock);
}

bool
scStreamCheck(scStream *st, const char *func)
{
    if (!st || st->magic != SC_STREAM_MAGIC) {
        scReportError(SC_FROM_STREAMS, SC_ERR_INVALID_STREAM, "invalid stream pointer in %s", func);
        return false;
    }
    return true;
}

/* Mark @st busy for the calling public function: false (reported) when
 * another call on it is running. */
bool
scStreamEnter(scStream *st, const char *func)
{
    bool busy;

    if (!scStreamCheck(st, func))
        return false;
    pthread_mutex_lock(&st->lock);
    busy = st->busy;
    st->busy = true;
    pthread_mutex_unlock(&st->lock);
    if (busy)
        scReportError(SC_FROM_STREAMS, SC_ERR_OPERATION_INVALID,
                      "%s: the stream is busy in another call (a callback of the stream must "
                      "not call back into it)",
                      func);
    return !busy;
}

void
scStreamLeave(scStream *st)
{
    pthread_mutex_lock(&st->lock);
    st->busy = false;
    pthread_mutex_unlock(&st->lock);
}

/* May the busy @st be bound on @conn? 0 or -1 (reported). */
static int
check_unbound(scStream *st, scConnect *conn, const char *func)
{
    if (st->conn != conn) {
        scReportError(SC_FROM_STREAMS, SC_ERR_INVALID_ARG,
                      "%s: the stream belongs to another connection", func);
        return -1;
    }
    if (st->state != STREAM_NEW) {
        scReportError(SC_FROM_STREAMS, SC_ERR_OPERATION_INVALID,
                      "%s: the stream was used for the transfer of %s already: a stream carries "
                      "one transfer, make a new one",
                      func, st->what);
        return -1;
    }
    return 0;
}

int
scStreamCheckNew(scStream *st, scConnect *conn, const char *func)
{
    int r;

    if (!scStreamEnter(st, func))
        return -1;
    r = check_unbound(st, conn, func);
    scStreamLeave(st);
    return r;
}

int
scStreamBind(scStream *st, scConnect *conn, bool upload, bool sparse, unsigned long long length,
             const char *what, const scStreamJobOps *ops, void *job, const char *func)
{
    sigset_t all, old;
    int r = -1;

    if (!scStreamEnter(st, func))
        return -1;
    if (check_unbound(st, conn, func) == 0 && (st->what = scStrdup(what))) {
        st->upload = upload;
        st->sparse = sparse;
        st->length = length;
        st->ops = ops;
        st->job = job;
        /* The worker takes no signal meant for the process (SIGPIPE of a
         * broken pipe included: EPIPE tells it). */
        sigfillset(&all);
        pthread_sigmask(SIG_SETMASK, &all, &old);
        r = pthread_create(&st->worker, NULL, worker_main, st);
        pthread_sigmask(SIG_SETMASK, &old, NULL);
        if (r == 0) {
            st->joinable = true;
            set_state(st, STREAM_OPEN);
        } else {
            scReportSystemError(SC_FROM_STREAMS, r, "%s: cannot start the transfer of %s", func,
                                what);
            free(st->what);
            st->what = NULL;
            st->job = NULL;
            r = -1;
        }
    }
    scStreamLeave(st);
    return r;
}

/*
 * End the transfer of the busy stream @st: with @abort the worker is told
 * to stop, else an upload's data is complete; join the worker and let the
 * job settle. Without @abort a failure of the worker is the error reported
 * (and returned); with it, the worker's error is dropped (it stopped as
 * asked). The state is the caller's to set. Returns 0 or -1.
 */
static int
stream_settle(scStream *st, bool abort)
{
    int result, r;

    pthread_mutex_lock(&st->lock);
    if (abort)
        st->stop = true;
    else
        st->end = true;
    pthread_cond_broadcast(&st->cond);
    pthread_mutex_unlock(&st->lock);
    if (st->joinable)
        pthread_join(st->worker, NULL);
    st->joinable = false;
    result = st->result;
    if (result < 0 && !abort)
        scErrorRestore(&st->error);
    scErrorSavedFree(st->error);
    st->error = NULL;
    scConnectLock(st->conn);
    r = st->ops->end(st->job, result, abort, st->passed);
    scConnectUnlock(st->conn);
    st->ops->free(st->job);
    st->job = NULL;
    queue_clear(st);
    return result < 0 && !abort ? -1 : r;
}

/* The transfer failed with the current error: unless it is @settled
 * already, let the worker write what was accepted and settle it (what
 * storage holds is recorded; a failure of the worker met there is the
 * error that counts); then keep the error for every later call. */
static void
stream_fail(scStream *st, bool settled)
{
    scErrorSaved *cause = scErrorSave();
    const scError *e;

    if (!settled && stream_settle(st, false) < 0)
        scErrorSavedFree(cause);
    else
        scErrorRestore(&cause);
    if ((e = scGetLastError())) {
        st->fail_code = e->code;
        st->fail_domain = e->domain;
        /* The details: raised again, they get the code's text again. */
        st->fail_msg = strdup(e->str2 ? e->str2 : e->message);
    }
    set_state(st, STREAM_FAILED);
}

/* The worker ended before the caller did: a failure of the transfer
 * (reported and kept), or for an upload a backend that stopped reading. */
static int
stream_worker_ended(scStream *st)
{
    if (stream_settle(st, false) == 0 && st->upload)
        scReportError(SC_FROM_STREAMS, SC_ERR_INTERNAL_ERROR,
                      "the backend ended the upload to %s before its end", st->what);
    stream_fail(st, true);
    return -1;
}

/* Close the stream after a failed callback of SendAll/RecvAll (as
 * libvirt, an abort), keeping the callback's error. */
void
scStreamAbortQuiet(scStream *st)
{
    scErrorSaved *cause;

    if (st->state != STREAM_OPEN)
        return;
    cause = scErrorSave();

    stream_settle(st, true);
    set_state(st, STREAM_CLOSED);
    scErrorRestore(&cause);
}

/* Is the busy @st open for a transfer in direction @upload (-1: either)?
 * Reported if not. */
int
scStreamCheckOpen(scStream *st, int upload, const char *func)
{
    switch (st->state) {
    case STREAM_NEW:
        scReportError(SC_FROM_STREAMS, SC_ERR_OPERATION_INVALID,
                      "%s: the stream is not bound to a transfer: pass it to scStorageVolUpload "
                      "or scStorageVolDownload first",
                      func);
        return -1;
    case STREAM_CLOSED:
        scReportError(SC_FROM_STREAMS, SC_ERR_OPERATION_FAILED,
                      "stream is closed: the transfer of %s was %s", st->what,
                      st->finished ? "finished" : "aborted");
        return -1;
    case STREAM_FAILED:
        scReportError(st->fail_domain, st->fail_code, "%s",
                      st->fail_msg ? st->fail_msg : "the transfer failed");
        return -1;
    case STREAM_OPEN:
        break;
    }
    if (upload >= 0 && st->upload != (upload > 0)) {
        scReportError(SC_FROM_STREAMS, SC_ERR_OPERATION_INVALID,
                      "%s: the stream carries %s %s, it cannot %s", func,
                      st->upload ? "an upload to" : "a download from", st->what,
                      upload > 0 ? "send" : "receive");
        return -1;
    }
    return 0;
}

int
scStreamCheckLoop(scStream *st, bool upload, const char *func)
{
    if (st->flags & SC_STREAM_NONBLOCK) {
        scReportError(SC_FROM_STREAMS, SC_ERR_OPERATION_INVALID,
                      "%s: data %s cannot be used for non-blocking streams", func,
                      upload ? "sources" : "sinks");
        return -1;
    }
    return scStreamCheckOpen(st, upload, func);
}

int
scStreamReadyLocked(const scStream *st)
{
    int dir = st->upload ? SC_STREAM_EVENT_WRITABLE : SC_STREAM_EVENT_READABLE;

    switch (st->state) {
    case STREAM_OPEN:
        /* As Send's and Recv's waits: room in the queue, or a chunk. */
        if (!st->done)
            return (st->upload ? st->queued < QUEUE_MAX : st->head != NULL) ? dir : 0;
        /* The worker ended: a download's end or error is for Recv to
         * return; an upload that ended before the caller did failed. */
        return dir | (st->upload || st->result < 0 ? SC_STREAM_EVENT_ERROR : 0);
    case STREAM_FAILED:
        return dir | SC_STREAM_EVENT_ERROR;
    case STREAM_NEW:
    case STREAM_CLOSED:
        break;
    }
    return 0;
}

/* ---- the public calls ------------------------------------------------------ */

scStreamPtr
scStreamNew(scConnectPtr conn, unsigned int flags)
{
    scStream *st;

    SC_API_BEGIN();
    if (scCheckFlags(flags, SC_STREAM_NONBLOCK) < 0 || !scConnectCheck(conn, __func__))
        return NULL;
    if (!(st = scAlloc(sizeof(*st))))
        return NULL;
    st->magic = SC_STREAM_MAGIC;
    st->refs = 1;
    st->flags = flags;
    st->in.next = in_next;
    st->out.data = out_data;
    st->out.hole = out_hole;
    pthread_mutex_init(&st->lock, NULL);
    pthread_cond_init(&st->cond, NULL);
    scHandleRef(&conn->refs);
    st->conn = conn;
    return st;
}

int
scStreamRef(scStreamPtr stream)
{
    SC_API_BEGIN();
    if (!scStreamCheck(stream, __func__))
        return -1;
    scHandleRef(&stream->refs);
    return 0;
}

/* Checks of a count of bytes from the caller. */
static int
check_buffer(const void *data, size_t nbytes, const char *func)
{
    if (!scCheckArg(data, "data", func))
        return -1;
    if (nbytes > INT_MAX) {
        scReportSystemError(SC_FROM_STREAMS, ERANGE, "%s: too many bytes at once (%zu)", func,
                            nbytes);
        return -1;
    }
    return 0;
}

/* scStreamSend on the busy @st. */
int
scStreamSendBusy(scStream *st, const char *data, size_t nbytes, const char *func)
{
    size_t n = nbytes;
    int r;

    if (check_buffer(data, nbytes, func) < 0 || scStreamCheckOpen(st, 1, func) < 0)
        return -1;
    pthread_mutex_lock(&st->lock);
    while (!st->done && st->queued >= QUEUE_MAX && !(st->flags & SC_STREAM_NONBLOCK))
        pthread_cond_wait(&st->cond, &st->lock);
    if (st->done) {
        pthread_mutex_unlock(&st->lock);
        return stream_worker_ended(st);
    }
    if (st->queued >= QUEUE_MAX) {
        pthread_mutex_unlock(&st->lock);
        return -2;
    }
    if (st->length && st->passed >= st->length) {
        pthread_mutex_unlock(&st->lock);
        scReportSystemError(SC_FROM_STREAMS, ENOSPC,
                            "cannot write to stream: the upload to %s takes %llu bytes", st->what,
                            st->length);
        /* What was taken up to the limit is written, as a finish would. */
        stream_fail(st, false);
        return -1;
    }
    if (st->length && n > st->length - st->passed)
        n = (size_t) (st->length - st->passed);
    if (n > CHUNK_MAX)
        n = CHUNK_MAX;
    r = n ? queue_push(st, data, n) : 0;
    if (r == 0)
        st->passed += n;
    pthread_mutex_unlock(&st->lock);
    return r < 0 ? -1 : (int) n;
}

int
scStreamSend(scStreamPtr stream, const char *data, size_t nbytes)
{
    int r;

    SC_API_BEGIN();
    if (!scStreamEnter(stream, __func__))
        return -1;
    r = scStreamSendBusy(stream, data, nbytes, __func__);
    scStreamLeave(stream);
    return r;
}

/* scStreamSendHole on the busy @st. */
int
scStreamSendHoleBusy(scStream *st, long long length, const char *func)
{
    unsigned long long len = (unsigned long long) length;
    int r = 0;

    if (scStreamCheckOpen(st, 1, func) < 0)
        return -1;
    if (!st->sparse) {
        scReportError(SC_FROM_STREAMS, SC_ERR_OPERATION_INVALID,
                      "%s: Skipping is not supported with this stream (the upload to %s is not "
                      "sparse)",
                      func, st->what);
        return -1;
    }
    if (length <= 0) {
        scReportError(SC_FROM_STREAMS, SC_ERR_INVALID_ARG,
                      "%s: length must be greater than zero, not %lld", func, length);
        return -1;
    }
    pthread_mutex_lock(&st->lock);
    if (st->done) {
        pthread_mutex_unlock(&st->lock);
        return stream_worker_ended(st);
    }
    /* Cut at the limit, as libvirt's fd streams cut it. */
    if (st->length && len > st->length - st->passed)
        len = st->length - st->passed;
    if (len && (r = queue_push(st, NULL, len)) == 0)
        st->passed += len;
    pthread_mutex_unlock(&st->lock);
    return r;
}

int
scStreamSendHole(scStreamPtr stream, long long length, unsigned int flags)
{
    int r = -1;

    SC_API_BEGIN();
    if (!scStreamEnter(stream, __func__))
        return -1;
    if (scCheckFlags(flags, 0) == 0)
        r = scStreamSendHoleBusy(stream, length, __func__);
    scStreamLeave(stream);
    return r;
}

/* scStreamRecvFlags on the busy @st. */
int
scStreamRecvBusy(scStream *st, char *data, size_t nbytes, unsigned int flags, const char *func)
{
    size_t n;
    Chunk *c;

    if (check_buffer(data, nbytes, func) < 0 || scStreamCheckOpen(st, 0, func) < 0)
        return -1;
    pthread_mutex_lock(&st->lock);
    while (!st->head && !st->done && !(st->flags & SC_STREAM_NONBLOCK))
        pthread_cond_wait(&st->cond, &st->lock);
    if (!(c = st->head)) {
        bool done = st->done, failed = st->result < 0;
        pthread_mutex_unlock(&st->lock);
        if (!done)
            return -2;
        return failed ? stream_worker_ended(st) : 0;
    }
    if (c->hole && flags & SC_STREAM_RECV_STOP_AT_HOLE && st->sparse) {
        pthread_mutex_unlock(&st->lock);
        return -3;
    }
    n = c->len < nbytes ? (size_t) c->len : nbytes;
    if (c->hole) {
        memset(data, 0, n);
    } else {
        memcpy(data, c->data + c->off, n);
        c->off += n;
        st->queued -= n;
    }
    c->len -= n;
    st->passed += n;
    if (c->len == 0)
        queue_pop(st);
    pthread_cond_broadcast(&st->cond);
    pthread_mutex_unlock(&st->lock);
    return (int) n;
}

int
scStreamRecvFlags(scStreamPtr stream, char *data, size_t nbytes, unsigned int flags)
{
    int r = -1;

    SC_API_BEGIN();
    if (!scStreamEnter(stream, __func__))
        return -1;
    if (scCheckFlags(flags, SC_STREAM_RECV_STOP_AT_HOLE) == 0)
        r = scStreamRecvBusy(stream, data, nbytes, flags, __func__);
    scStreamLeave(stream);
    return r;
}

int
scStreamRecv(scStreamPtr stream, char *data, size_t nbytes)
{
    int r;

    SC_API_BEGIN();
    if (!scStreamEnter(stream, __func__))
        return -1;
    r = scStreamRecvBusy(stream, data, nbytes, 0, __func__);
    scStreamLeave(stream);
    return r;
}

/* scStreamRecvHole on the busy @st. */
int
scStreamRecvHoleBusy(scStream *st, long long *length, const char *func)
{
    if (!scCheckArg(length, "length", func) || scStreamCheckOpen(st, 0, func) < 0)
        return -1;
    if (!st->sparse) {
        scReportError(SC_FROM_STREAMS, SC_ERR_OPERATION_INVALID,
                      "%s: Holes are not supported with this stream (the download from %s is "
                      "not sparse)",
                      func, st->what);
        return -1;
    }
    pthread_mutex_lock(&st->lock);
    *length = 0;
    if (st->head && st->head->hole) {
        /* Holes are merged as they come: one longer than LLONG_MAX is
         * handed out in pieces. */
        unsigned long long len = st->head->len;
        if (len > LLONG_MAX)
            len = LLONG_MAX;
        *length = (long long) len;
        st->head->len -= len;
        st->passed += len;
        if (st->head->len == 0)
            queue_pop(st);
    }
    pthread_mutex_unlock(&st->lock);
    return 0;
}

int
scStreamRecvHole(scStreamPtr stream, long long *length, unsigned int flags)
{
    int r = -1;

    SC_API_BEGIN();
    if (!scStreamEnter(stream, __func__))
        return -1;
    if (scCheckFlags(flags, 0) == 0)
        r = scStreamRecvHoleBusy(stream, length, __func__);
    scStreamLeave(stream);
    return r;
}

/* ---- the end of a stream ------------------------------------------------------ */

/* scStreamFinish on the busy, open @st. */
static int
stream_finish(scStream *st)
{
    bool early;

    if (!st->upload) {
        pthread_mutex_lock(&st->lock);
        early = !st->done || st->head;
        pthread_mutex_unlock(&st->lock);
        if (early) {
            stream_settle(st, true);
            set_state(st, STREAM_CLOSED);
            scReportError(SC_FROM_STREAMS, SC_ERR_OPERATION_FAILED,
                          "stream had unexpected termination: the download from %s was finished "
                          "before its end (scStreamAbort stops a transfer early)",
                          st->what);
            return -1;
        }
    }
    if (stream_settle(st, false) < 0) {
        stream_fail(st, true);
        return -1;
    }
    st->finished = true;
    set_state(st, STREAM_CLOSED);
    return 0;
}

int
scStreamFinish(scStreamPtr stream)
{
    int r = -1;

    SC_API_BEGIN();
    if (!scStreamEnter(stream, __func__))
        return -1;
    if (scStreamCheckOpen(stream, -1, __func__) == 0)
        r = stream_finish(stream);
    scStreamLeave(stream);
    return r;
}

int
scStreamAbort(scStreamPtr stream)
{
    int r = -1;

    SC_API_BEGIN();
    if (!scStreamEnter(stream, __func__))
        return -1;
    if (stream->state == STREAM_NEW) {
        r = 0; /* as libvirt: nothing to stop */
    } else if (scStreamCheckOpen(stream, -1, __func__) == 0) {
        r = stream_settle(stream, true);
        set_state(stream, STREAM_CLOSED);
    }
    scStreamLeave(stream);
    return r;
}

int
scStreamFree(scStreamPtr stream)
{
    bool busy;

    SC_API_BEGIN();
    if (!scStreamCheck(stream, __func__))
        return -1;
    pthread_mutex_lock(&stream->lock);
    busy = stream->busy;
    pthread_mutex_unlock(&stream->lock);
    if (busy) {
        scReportError(SC_FROM_STREAMS, SC_ERR_OPERATION_INVALID,
                      "%s: the stream is busy in another call (a callback of the stream must "
                      "not free it)",
                      __func__);
        return -1;
    }
    if (scHandleUnref(&stream->refs) > 0)
        return 0;
    /* No callback runs on it from here on (its free function called). */
    scStreamEventDrop(stream);
    if (stream->state == STREAM_OPEN) {
        /* Left open by its caller: stopped and recorded, so that nothing
         * stays journaled and no thread outlives the handle. */
        stream->busy = true;
        stream_settle(stream, true);
        scResetLastError();
    }
    stream->magic = SC_DEAD_MAGIC;
    pthread_mutex_destroy(&stream->lock);
    pthread_cond_destroy(&stream->cond);
    free(stream->what);
    free(stream->fail_msg);
    scConnectRelease(stream->conn);
    free(stream);
    return 0;
}
