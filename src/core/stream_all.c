/*
 * stream_all.c: libvirt's loops over a stream, scStreamSendAll,
 * scStreamSparseSendAll, scStreamRecvAll and scStreamSparseRecvAll, with
 * their error behaviour (libvirt 9.0's libvirt-stream.c): a callback that
 * fails aborts the transfer and the call reports it with the callback's
 * errno ("send handler failed"); a failed send or receive has ended the
 * transfer already. The stream stays busy while a callback runs, so a
 * callback that calls back into its stream gets an error.
 */
#include <config.h>

#include "stream_priv.h"

/* ---- the loops of libvirt's *All calls --------------------------------------- */

/* A callback of SendAll/RecvAll failed: its error (errno, as libvirt's
 * "send handler failed"), and the transfer aborted. Returns -1. */
static int
callback_failed(scStream *st, const char *which, int err)
{
    scReportSystemError(SC_FROM_STREAMS, err, "%s failed", which);
    scStreamAbortQuiet(st);
    return -1;
}

/* The checks SendAll and RecvAll share (on the busy @st). 0 or -1. */
static int
check_all(scStream *st, bool upload, const void *handler, const void *hole_handler,
          bool sparse_call, const char *func)
{
    if (!scCheckArg(handler, "handler", func) ||
        (sparse_call && !scCheckArg(hole_handler, "holeHandler", func)))
        return -1;
    return scStreamCheckLoop(st, upload, func);
}

/* Send @got bytes of @buf (a source callback's), looping on short sends.
 * Returns 0, or -1 (the stream failed). */
static int
send_buffer(scStream *st, const char *buf, int got, const char *func)
{
    for (int off = 0; off < got;) {
        int done = scStreamSendBusy(st, buf + off, (size_t) (got - off), func);
        if (done < 0)
            return -1;
        off += done;
    }
    return 0;
}

/* SendAll and SparseSendAll (with @hole_handler and @skip_handler), as
 * libvirt 9.0 loops them, on the busy @st. */
static int
send_all(scStream *st, scStreamSourceFunc handler, scStreamSourceHoleFunc hole_handler,
         scStreamSourceSkipFunc skip_handler, void *opaque, const char *func)
{
    _cleanup_free_ char *buf = NULL;
    unsigned long long data_left = 0;
    bool sparse_call = hole_handler || skip_handler;

    if (check_all(st, true, handler, hole_handler, sparse_call, func) < 0 ||
        (sparse_call && !scCheckArg(skip_handler, "skipHandler", func)) ||
        !(buf = scAlloc(SC_STREAM_CHUNK_MAX)))
        return -1;
    for (;;) {
        size_t want = SC_STREAM_CHUNK_MAX;
        int got;
        if (sparse_call && data_left == 0) {
            int in_data = 0;
            long long len = 0;
            errno = 0;
            if (hole_handler(st, &in_data, &len, opaque) < 0)
                return callback_failed(st, "send holeHandler", errno);
            if (len < 0) {
                errno = EINVAL;
                return callback_failed(st, "send holeHandler (a negative length)", errno);
            }
            if (!in_data && len > 0) {
                if (scStreamSendHoleBusy(st, len, func) < 0) {
                    scStreamAbortQuiet(st);
                    return -1;
                }
                errno = 0;
                if (skip_handler(st, len, opaque) < 0)
                    return callback_failed(st, "send skipHandler", errno);
                continue;
            }
            data_left = (unsigned long long) len;
        }
        if (sparse_call && data_left < want)
            want = (size_t) data_left;
        errno = 0;
        got = handler(st, buf, want, opaque);
        if (got < 0)
            return callback_failed(st, "send handler", errno);
        if (got == 0)
            break;
        if ((size_t) got > want) {
            errno = EINVAL;
            return callback_failed(st, "send handler (more bytes than asked)", errno);
        }
        if (send_buffer(st, buf, got, func) < 0)
            return -1;
        if (sparse_call)
            data_left -= (unsigned long long) got;
    }
    return 0;
}

int
scStreamSendAll(scStreamPtr stream, scStreamSourceFunc handler, void *opaque)
{
    int r;

    SC_API_BEGIN();
    if (!scStreamEnter(stream, __func__))
        return -1;
    r = send_all(stream, handler, NULL, NULL, opaque, __func__);
    scStreamLeave(stream);
    return r;
}

int
scStreamSparseSendAll(scStreamPtr stream, scStreamSourceFunc handler,
                      scStreamSourceHoleFunc holeHandler, scStreamSourceSkipFunc skipHandler,
                      void *opaque)
{
    int r = -1;

    SC_API_BEGIN();
    if (!scStreamEnter(stream, __func__))
        return -1;
    /* Both given, or the NULL one is named as missing. */
    if (scCheckArg(holeHandler, "holeHandler", __func__) &&
        scCheckArg(skipHandler, "skipHandler", __func__))
        r = send_all(stream, handler, holeHandler, skipHandler, opaque, __func__);
    scStreamLeave(stream);
    return r;
}

/* Hand @got bytes to the sink @handler, looping on short writes. 0 or -1
 * (the transfer aborted). */
static int
sink_buffer(scStream *st, scStreamSinkFunc handler, const char *buf, int got, void *opaque)
{
    for (int off = 0; off < got;) {
        int done;
        errno = 0;
        done = handler(st, buf + off, (size_t) (got - off), opaque);
        if (done < 0)
            return callback_failed(st, "recv handler", errno);
        if (done == 0 || done > got - off) {
            errno = EINVAL;
            return callback_failed(st,
                                   done ? "recv handler (more bytes than given)"
                                        : "recv handler (it took no bytes)",
                                   errno);
        }
        off += done;
    }
    return 0;
}

/* RecvAll and SparseRecvAll (with @hole_handler) on the busy @st. */
static int
recv_all(scStream *st, scStreamSinkFunc handler, scStreamSinkHoleFunc hole_handler, void *opaque,
         bool sparse_call, const char *func)
{
    _cleanup_free_ char *buf = NULL;
    unsigned int flags = sparse_call ? SC_STREAM_RECV_STOP_AT_HOLE : 0;

    if (check_all(st, false, handler, hole_handler, sparse_call, func) < 0 ||
        !(buf = scAlloc(SC_STREAM_CHUNK_MAX)))
        return -1;
    for (;;) {
        int got = scStreamRecvBusy(st, buf, SC_STREAM_CHUNK_MAX, flags, func);
        if (got == -3) {
            long long len = 0;
            if (scStreamRecvHoleBusy(st, &len, func) < 0) {
                scStreamAbortQuiet(st);
                return -1;
            }
            errno = 0;
            if (len > 0 && hole_handler(st, len, opaque) < 0)
                return callback_failed(st, "recv holeHandler", errno);
            continue;
        }
        if (got < 0)
            return -1;
        if (got == 0)
            return 0;
        if (sink_buffer(st, handler, buf, got, opaque) < 0)
            return -1;
    }
}

int
scStreamRecvAll(scStreamPtr stream, scStreamSinkFunc handler, void *opaque)
{
    int r;

    SC_API_BEGIN();
    if (!scStreamEnter(stream, __func__))
        return -1;
    r = recv_all(stream, handler, NULL, opaque, false, __func__);
    scStreamLeave(stream);
    return r;
}

int
scStreamSparseRecvAll(scStreamPtr stream, scStreamSinkFunc handler,
                      scStreamSinkHoleFunc holeHandler, void *opaque)
{
    int r;

    SC_API_BEGIN();
    if (!scStreamEnter(stream, __func__))
        return -1;
    r = recv_all(stream, handler, holeHandler, opaque, true, __func__);
    scStreamLeave(stream);
    return r;
}
