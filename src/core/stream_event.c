/*
 * stream_event.c: a stream's event callback (scStreamEventAddCallback,
 * UpdateCallback, RemoveCallback), libvirt's way of driving a
 * non-blocking stream from an event loop.
 *
 * libvirt's remote streams fire their callback from a timer of the event
 * loop, enabled while data waits. storcat's stream has a worker thread on
 * the other side of its queue, so the callback rides on a watch instead:
 * each registration has an eventfd, watched for READABLE through the
 * registered loop (the caller's scEventRegisterImpl functions or the
 * default loop). The eventfd is readable ("signaled") while the stream may
 * be ready: whoever makes the stream ready for the events asked for (the
 * worker queueing data or taking it, the transfer ending or failing, an
 * update of the events) writes it, under the stream's lock; the loop then
 * calls dispatch(), which asks the stream what a call could do now
 * (scStreamReadyLocked) and calls the callback with that, or, if nothing,
 * reads the eventfd back to quiet. So the callback is level-triggered, as
 * libvirt's: called on every iteration of the loop while the stream is
 * ready, never while a call would have to wait.
 *
 * The watch (scStreamWatch) is what the loop holds: it can outlive the
 * registration (the default loop frees a watch removed during an
 * iteration at the iteration's end), and the stream too, so it has its
 * own references (the registration's, the loop's, a running dispatch's)
 * and knows its stream only while registered. registration_lock guards
 * that link, the references, the dispatch in progress, and is held with
 * the stream's lock to change the stream's registration (stream_priv.h);
 * it is taken before the stream's lock, and never across a call into the
 * loop or into the caller's code. A registration ended while its
 * callback runs (by the callback itself, another thread, or the stream's
 * last scStreamFree) leaves its free function to the dispatch, called
 * once the callback has returned; a stream freed by another thread while
 * its callback runs waits for the callback to return.
 */
#include <config.h>

#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "stream_priv.h"
#include "util/event.h"

/* Every scStreamEventType bit. */
static const int all_events = SC_STREAM_EVENT_READABLE | SC_STREAM_EVENT_WRITABLE |
                              SC_STREAM_EVENT_ERROR | SC_STREAM_EVENT_HANGUP;

struct scStreamWatch {
    scStream *st;         /* the stream while registered, else NULL */
    int fd;               /* the eventfd, closed with the watch */
    int refs;             /* registration, loop, dispatch */
    bool dispatching;     /* the callback is running, in dispatcher */
    pthread_t dispatcher; /* the thread running it */
    scFreeCallback ff;    /* ended while dispatching: free after it */
    void *ff_opaque;      /* ff's argument */
};

static pthread_mutex_t registration_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t dispatch_done = PTHREAD_COND_INITIALIZER; /* a dispatch ended */

/* Drop a reference to @w; the last closes and frees it. The loop's
 * reference is dropped as the loop's free function of the watch. */
static void
watch_unref(void *opaque)
{
    scStreamWatch *w = opaque;
    bool last;

    pthread_mutex_lock(&registration_lock);
    last = --w->refs == 0;
    pthread_mutex_unlock(&registration_lock);
    if (!last)
        return;
    close(w->fd);
    free(w);
}

/* The events the callback of @st (its lock held) is to be told of now: of
 * those it asked for, what the stream is ready for, and ERROR (as poll(2)
 * reports POLLERR unasked) unless it asked for none. */
static int
ready_locked(const scStream *st)
{
    if (!st->ev.cb || !st->ev.events)
        return 0;
    return scStreamReadyLocked(st) & (st->ev.events | SC_STREAM_EVENT_ERROR);
}

/* Read @st's eventfd back (its lock held): the loop stops calling. */
static void
quiet_locked(scStream *st)
{
    uint64_t v;

    if (!st->ev.signaled)
        return;
    if (read(st->ev.watch->fd, &v, sizeof(v)) < 0) {
        /* EAGAIN only: the eventfd is ours and was written. */
    }
    st->ev.signaled = false;
}

void
scStreamEventNotifyLocked(scStream *st)
{
    uint64_t one = 1;

    if (!st->ev.watch || st->ev.signaled || !ready_locked(st))
        return;
    /* An eventfd write fails only when its counter would overflow. */
    if (write(st->ev.watch->fd, &one, sizeof(one)) == sizeof(one))
        st->ev.signaled = true;
}

/* The watch's callback, from the event loop: call the stream's callback
 * with what it is ready for, or quiet the eventfd if it is not. */
static void
dispatch(int watch_id, int fd, int events, void *opaque)
{
    scStreamWatch *w = opaque;
    scStreamEventCallback cb = NULL;
    void *cb_opaque = NULL;
    scFreeCallback ff;
    scStream *st;
    int ready = 0;
    uint64_t v;

    (void) watch_id;
    (void) events;
    pthread_mutex_lock(&registration_lock);
    if (!(st = w->st)) {
        /* Ended: the loop drops the watch soon; quiet until then. */
        if (read(fd, &v, sizeof(v)) < 0) {
            /* EAGAIN: quiet already */
        }
    } else if (!w->dispatching) {
        pthread_mutex_lock(&st->lock);
        if ((ready = ready_locked(st))) {
            cb = st->ev.cb;
            cb_opaque = st->ev.opaque;
            w->dispatching = true;
            w->dispatcher = pthread_self();
            w->refs++; /* whatever the callback ends, the watch stays */
        } else {
            quiet_locked(st);
        }
        pthread_mutex_unlock(&st->lock);
    }
    pthread_mutex_unlock(&registration_lock);
    if (!ready)
        return;

    cb(st, ready, cb_opaque);

    /* @st may be gone: only a registration still in place names it. */
    pthread_mutex_lock(&registration_lock);
    w->dispatching = false;
    pthread_cond_broadcast(&dispatch_done);
    ff = w->ff;
    cb_opaque = w->ff_opaque;
    w->ff = NULL;
    if ((st = w->st)) {
        /* Not ready any more (the queue is full, or drained): quiet now
         * rather than on the loop's next iteration. */
        pthread_mutex_lock(&st->lock);
        if (!ready_locked(st))
            quiet_locked(st);
        pthread_mutex_unlock(&st->lock);
    }
    pthread_mutex_unlock(&registration_lock);
    if (ff)
        ff(cb_opaque);
    watch_unref(w);
}

/* A registration ended (ended_locked), to finish once registration_lock
 * is released: the loop's watch to remove, the free function to call. */
typedef struct {
    scStreamWatch *watch;
    int watch_id;
    scFreeCallback ff;
    void *ff_opaque;
} Ended;

/* End the registration of @st (registration_lock held). Its free function
 * is the running dispatch's to call, if there is one, else *@out's. */
static void
ended_locked(scStream *st, Ended *out)
{
    scStreamWatch *w = st->ev.watch;

    pthread_mutex_lock(&st->lock);
    quiet_locked(st);
    *out = (Ended){ w, st->ev.watch_id, NULL, NULL };
    if (w->dispatching) {
        w->ff = st->ev.ff;
        w->ff_opaque = st->ev.opaque;
    } else {
        out->ff = st->ev.ff;
        out->ff_opaque = st->ev.opaque;
    }
    st->ev = (scStreamEvents){ 0 };
    pthread_mutex_unlock(&st->lock);
    w->st = NULL;
}

static void
ended_finish(Ended *e)
{
    if (!e->watch)
        return;
    /* The loop drops its reference (watch_unref) when it lets go. */
    scEventRemoveHandle(e->watch_id);
    watch_unref(e->watch);
    if (e->ff)
        e->ff(e->ff_opaque);
}

void
scStreamEventDrop(scStream *st)
{
    Ended e = { 0 };

    pthread_mutex_lock(&registration_lock);
    /* A callback running in another thread has the stream in hand. One
     * running in this thread is the caller of this free: it has. */
    while (st->ev.watch && st->ev.watch->dispatching &&
           !pthread_equal(st->ev.watch->dispatcher, pthread_self()))
        pthread_cond_wait(&dispatch_done, &registration_lock);
    if (st->ev.cb)
        ended_locked(st, &e);
    pthread_mutex_unlock(&registration_lock);
    ended_finish(&e);
}

/* ---- the public calls ------------------------------------------------------ */

/* Are @events scStreamEventType bits? Reported if not. */
static bool
check_events(int events, const char *func)
{
    if (events & ~all_events) {
        scReportError(SC_FROM_STREAMS, SC_ERR_INVALID_ARG,
                      "%s: unknown stream events 0x%x (scStreamEventType bits)", func,
                      (unsigned) (events & ~all_events));
        return false;
    }
    return true;
}

static void
report_none(const char *func)
{
    scReportError(SC_FROM_STREAMS, SC_ERR_INTERNAL_ERROR,
                  "no stream callback registered (%s: scStreamEventAddCallback adds one)", func);
}

/* Check what AddCallback may check before it reserves the stream. */
static bool
check_add(scStream *st, int events, scStreamEventCallback cb, const char *func)
{
    bool bound;

    if (!scStreamCheck(st, func) || !check_events(events, func))
        return false;
    if (!cb) {
        scReportInvalidArg(SC_FROM_STREAMS, func, "cb", "cb in %s must not be NULL", func);
        return false;
    }
    if (!scEventHaveImpl()) {
        /* libvirt fails here too, with no cause ("An error occurred, but
         * the cause is unknown", SC_ERR_INTERNAL_ERROR). */
        scReportError(SC_FROM_STREAMS, SC_ERR_INTERNAL_ERROR,
                      "%s: no event loop is registered (call scEventRegisterDefaultImpl or "
                      "scEventRegisterImpl first)",
                      func);
        return false;
    }
    pthread_mutex_lock(&st->lock);
    bound = st->state != STREAM_NEW;
    pthread_mutex_unlock(&st->lock);
    if (!bound) {
        scReportError(SC_FROM_STREAMS, SC_ERR_OPERATION_INVALID,
                      "%s: the stream is not bound to a transfer: pass it to scStorageVolUpload "
                      "or scStorageVolDownload first",
                      func);
        return false;
    }
    return true;
}

int
scStreamEventAddCallback(scStreamPtr stream, int events, scStreamEventCallback cb, void *opaque,
                         scFreeCallback ff)
{
    scStreamWatch *w;
    int id;

    SC_API_BEGIN();
    if (!check_add(stream, events, cb, __func__) || !(w = scAlloc(sizeof(*w))))
        return -1;
    if ((w->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) < 0) {
        scReportSystemError(SC_FROM_STREAMS, errno, "%s: cannot make the stream's eventfd",
                            __func__);
        free(w);
        return -1;
    }
    w->refs = 2; /* the registration's, and the loop's once the watch is added */

    /* Reserve the stream's one registration, then watch: the loop's
     * functions are called with no lock held. */
    pthread_mutex_lock(&registration_lock);
    if (stream->ev.watch) {
        pthread_mutex_unlock(&registration_lock);
        close(w->fd);
        free(w);
        scReportError(SC_FROM_STREAMS, SC_ERR_INTERNAL_ERROR,
                      "multiple stream callbacks not supported (scStreamEventRemoveCallback "
                      "removes the one registered)");
        return -1;
    }
    pthread_mutex_lock(&stream->lock);
    stream->ev.watch = w;
    pthread_mutex_unlock(&stream->lock);
    pthread_mutex_unlock(&registration_lock);

    if ((id = scEventAddHandle(w->fd, SC_EVENT_HANDLE_READABLE, dispatch, w, watch_unref)) < 0) {
        if (!scErrorIsSet())
            scReportError(SC_FROM_STREAMS, SC_ERR_INTERNAL_ERROR,
                          "%s: the event loop did not add a watch for the stream", __func__);
        pthread_mutex_lock(&registration_lock);
        pthread_mutex_lock(&stream->lock);
        stream->ev.watch = NULL;
        pthread_mutex_unlock(&stream->lock);
        pthread_mutex_unlock(&registration_lock);
        close(w->fd);
        free(w);
        return -1;
    }

    pthread_mutex_lock(&registration_lock);
    pthread_mutex_lock(&stream->lock);
    stream->ev.watch_id = id;
    stream->ev.events = events;
    stream->ev.cb = cb;
    stream->ev.opaque = opaque;
    stream->ev.ff = ff;
    w->st = stream;
    scStreamEventNotifyLocked(stream);
    pthread_mutex_unlock(&stream->lock);
    pthread_mutex_unlock(&registration_lock);
    return 0;
}

int
scStreamEventUpdateCallback(scStreamPtr stream, int events)
{
    int r = -1;

    SC_API_BEGIN();
    if (!scStreamCheck(stream, __func__) || !check_events(events, __func__))
        return -1;
    pthread_mutex_lock(&registration_lock);
    pthread_mutex_lock(&stream->lock);
    if (stream->ev.cb) {
        stream->ev.events = events;
        if (ready_locked(stream))
            scStreamEventNotifyLocked(stream);
        else
            quiet_locked(stream);
        r = 0;
    }
    pthread_mutex_unlock(&stream->lock);
    pthread_mutex_unlock(&registration_lock);
    if (r < 0)
        report_none(__func__);
    return r;
}

int
scStreamEventRemoveCallback(scStreamPtr stream)
{
    Ended e = { 0 };
    bool registered;

    SC_API_BEGIN();
    if (!scStreamCheck(stream, __func__))
        return -1;
    pthread_mutex_lock(&registration_lock);
    if ((registered = stream->ev.cb != NULL))
        ended_locked(stream, &e);
    pthread_mutex_unlock(&registration_lock);
    if (!registered) {
        report_none(__func__);
        return -1;
    }
    ended_finish(&e);
    return 0;
}
