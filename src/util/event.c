/*
 * event.c: the event loop API of libvirt-event.h, renamed: the registered
 * implementation (the caller's own loop, or storcat's default one) and the
 * scEventAdd/Update/Remove{Handle,Timeout} calls that go through it; and
 * the default implementation, a poll(2) loop.
 *
 * The default loop keeps its watches and timers in two arrays under one
 * mutex. An iteration builds its poll set from them, waits with the mutex
 * released, then calls the callbacks (the mutex released around each, so
 * that a callback may add or remove watches). A watch or timer removed
 * during an iteration is only marked: it is dropped, and its free function
 * called, when the iteration ends, so that nothing is freed under a
 * running callback; one removed while no iteration runs is dropped at once.
 * Another thread that changes the sets while the loop waits writes a byte
 * to a pipe the loop also waits on, so that the wait takes the change in.
 */
#include <config.h>

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>

#include "event.h"

/* ---- the registered implementation ---------------------------------- */

static scEventAddHandleFunc add_handle_impl;
static scEventUpdateHandleFunc update_handle_impl;
static scEventRemoveHandleFunc remove_handle_impl;
static scEventAddTimeoutFunc add_timeout_impl;
static scEventUpdateTimeoutFunc update_timeout_impl;
static scEventRemoveTimeoutFunc remove_timeout_impl;
static pthread_mutex_t impl_lock = PTHREAD_MUTEX_INITIALIZER;

void
scEventRegisterImpl(scEventAddHandleFunc addHandle, scEventUpdateHandleFunc updateHandle,
                    scEventRemoveHandleFunc removeHandle, scEventAddTimeoutFunc addTimeout,
                    scEventUpdateTimeoutFunc updateTimeout, scEventRemoveTimeoutFunc removeTimeout)
{
    pthread_mutex_lock(&impl_lock);
    /* As libvirt: the first registration stays (the loop may hold watches). */
    if (!(add_handle_impl || update_handle_impl || remove_handle_impl || add_timeout_impl ||
          update_timeout_impl || remove_timeout_impl)) {
        add_handle_impl = addHandle;
        update_handle_impl = updateHandle;
        remove_handle_impl = removeHandle;
        add_timeout_impl = addTimeout;
        update_timeout_impl = updateTimeout;
        remove_timeout_impl = removeTimeout;
    }
    pthread_mutex_unlock(&impl_lock);
}

int
scEventAddHandle(int fd, int events, scEventHandleCallback cb, void *opaque, scFreeCallback ff)
{
    return add_handle_impl ? add_handle_impl(fd, events, cb, opaque, ff) : -1;
}

void
scEventUpdateHandle(int watch, int events)
{
    if (update_handle_impl)
        update_handle_impl(watch, events);
}

int
scEventRemoveHandle(int watch)
{
    return remove_handle_impl ? remove_handle_impl(watch) : -1;
}

int
scEventAddTimeout(int timeout, scEventTimeoutCallback cb, void *opaque, scFreeCallback ff)
{
    return add_timeout_impl ? add_timeout_impl(timeout, cb, opaque, ff) : -1;
}

void
scEventUpdateTimeout(int timer, int timeout)
{
    if (update_timeout_impl)
        update_timeout_impl(timer, timeout);
}

int
scEventRemoveTimeout(int timer)
{
    return remove_timeout_impl ? remove_timeout_impl(timer) : -1;
}

bool
scEventHaveImpl(void)
{
    return add_handle_impl && remove_handle_impl && add_timeout_impl && update_timeout_impl &&
           remove_timeout_impl;
}

/* ---- the default loop ----------------------------------------------- */

typedef struct {
    int watch; /* > 0 */
    int fd;
    int events; /* scEventHandleType bits asked for */
    scEventHandleCallback cb;
    void *opaque;
    scFreeCallback ff;
    bool deleted; /* removed during an iteration: dropped at its end */
} Handle;

typedef struct {
    int timer;              /* > 0 */
    int frequency;          /* ms; 0: every iteration; -1: disabled */
    unsigned long long due; /* when it fires next (ms, CLOCK_MONOTONIC) */
    scEventTimeoutCallback cb;
    void *opaque;
    scFreeCallback ff;
    bool deleted;
} Timeout;

/* A free function to call once the loop's lock is released. */
typedef struct {
    scFreeCallback ff;
    void *opaque;
} PendingFree;

static struct {
    pthread_mutex_t lock;
    bool ready;      /* scEventRegisterDefaultImpl set it up */
    int wake[2];     /* a byte written to wake[1] interrupts the wait */
    bool waiting;    /* the loop is in poll(): changes must wake it */
    bool running;    /* an iteration is in progress */
    pthread_t owner; /* the thread running it */
    Handle *handles;
    size_t nhandles, handles_cap;
    Timeout *timeouts;
    size_t ntimeouts, timeouts_cap;
    int next_watch, next_timer;
} loop = {
    .lock = PTHREAD_MUTEX_INITIALIZER,
    .wake = { -1, -1 },
    .next_watch = 1,
    .next_timer = 1,
};

static unsigned long long
now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (unsigned long long) ts.tv_sec * 1000 + (unsigned long long) ts.tv_nsec / 1000000;
}

/* Wake the loop if another thread waits in it (the lock is held). */
static void
interrupt_locked(void)
{
    char c = 0;

    if (loop.waiting && !pthread_equal(loop.owner, pthread_self()))
        (void) !write(loop.wake[1], &c, 1);
}

/* Grow an array of @size-byte elements to hold one more. 0 or -1. */
static int
grow(void **array, size_t *cap, size_t n, size_t size)
{
    size_t want = *cap ? *cap * 2 : 8;
    void *p;

    if (n < *cap)
        return 0;
    if (!(p = realloc(*array, want * size))) {
        scReportOOM();
        return -1;
    }
    *array = p;
    *cap = want;
    return 0;
}

static int
default_add_handle(int fd, int events, scEventHandleCallback cb, void *opaque, scFreeCallback ff)
{
    int watch;

    if (fd < 0 || !cb) {
        scReportError(SC_FROM_EVENT, SC_ERR_INVALID_ARG,
                      "scEventAddHandle: a file descriptor >= 0 and a callback are needed");
        return -1;
    }
    pthread_mutex_lock(&loop.lock);
    if (grow((void **) &loop.handles, &loop.handles_cap, loop.nhandles, sizeof(Handle)) < 0) {
        pthread_mutex_unlock(&loop.lock);
        return -1;
    }
    watch = loop.next_watch++;
    loop.handles[loop.nhandles++] = (Handle){
        .watch = watch,
        .fd = fd,
        .events = events,
        .cb = cb,
        .opaque = opaque,
        .ff = ff,
    };
    interrupt_locked();
    pthread_mutex_unlock(&loop.lock);
    return watch;
}

static Handle *
find_handle(int watch)
{
    for (size_t i = 0; i < loop.nhandles; i++)
        if (loop.handles[i].watch == watch && !loop.handles[i].deleted)
            return &loop.handles[i];
    return NULL;
}

static void
default_update_handle(int watch, int events)
{
    Handle *h;

    pthread_mutex_lock(&loop.lock);
    if ((h = find_handle(watch))) {
        h->events = events;
        interrupt_locked();
    }
    pthread_mutex_unlock(&loop.lock);
}

static int
default_remove_handle(int watch)
{
    PendingFree pf = { NULL, NULL };
    Handle *h;

    pthread_mutex_lock(&loop.lock);
    if (!(h = find_handle(watch))) {
        pthread_mutex_unlock(&loop.lock);
        return -1;
    }
    if (loop.running) {
        /* A callback of this iteration may be running: drop it at its end. */
        h->deleted = true;
        interrupt_locked();
    } else {
        pf = (PendingFree){ h->ff, h->opaque };
        *h = loop.handles[--loop.nhandles];
    }
    pthread_mutex_unlock(&loop.lock);
    if (pf.ff)
        pf.ff(pf.opaque);
    return 0;
}

static int
default_add_timeout(int frequency, scEventTimeoutCallback cb, void *opaque, scFreeCallback ff)
{
    int timer;

    if (!cb) {
        scReportError(SC_FROM_EVENT, SC_ERR_INVALID_ARG, "scEventAddTimeout: a callback is needed");
        return -1;
    }
    pthread_mutex_lock(&loop.lock);
    if (grow((void **) &loop.timeouts, &loop.timeouts_cap, loop.ntimeouts, sizeof(Timeout)) < 0) {
        pthread_mutex_unlock(&loop.lock);
        return -1;
    }
    timer = loop.next_timer++;
    loop.timeouts[loop.ntimeouts++] = (Timeout){
        .timer = timer,
        .frequency = frequency < 0 ? -1 : frequency,
        .due = now_ms() + (frequency > 0 ? (unsigned) frequency : 0),
        .cb = cb,
        .opaque = opaque,
        .ff = ff,
    };
    interrupt_locked();
    pthread_mutex_unlock(&loop.lock);
    return timer;
}

static Timeout *
find_timeout(int timer)
{
    for (size_t i = 0; i < loop.ntimeouts; i++)
        if (loop.timeouts[i].timer == timer && !loop.timeouts[i].deleted)
            return &loop.timeouts[i];
    return NULL;
}

static void
default_update_timeout(int timer, int frequency)
{
    Timeout *t;

    pthread_mutex_lock(&loop.lock);
    if ((t = find_timeout(timer))) {
        t->frequency = frequency < 0 ? -1 : frequency;
        t->due = now_ms() + (frequency > 0 ? (unsigned) frequency : 0);
        interrupt_locked();
    }
    pthread_mutex_unlock(&loop.lock);
}

static int
default_remove_timeout(int timer)
{
    PendingFree pf = { NULL, NULL };
    Timeout *t;

    pthread_mutex_lock(&loop.lock);
    if (!(t = find_timeout(timer))) {
        pthread_mutex_unlock(&loop.lock);
        return -1;
    }
    if (loop.running) {
        t->deleted = true;
        interrupt_locked();
    } else {
        pf = (PendingFree){ t->ff, t->opaque };
        *t = loop.timeouts[--loop.ntimeouts];
    }
    pthread_mutex_unlock(&loop.lock);
    if (pf.ff)
        pf.ff(pf.opaque);
    return 0;
}

int
scEventRegisterDefaultImpl(void)
{
    SC_API_BEGIN();
    pthread_mutex_lock(&loop.lock);
    if (!loop.ready) {
        if (pipe2(loop.wake, O_CLOEXEC | O_NONBLOCK) < 0) {
            scReportSystemError(SC_FROM_EVENT, errno,
                                "cannot set up the default event loop's wake-up pipe");
            pthread_mutex_unlock(&loop.lock);
            return -1;
        }
        loop.ready = true;
    }
    pthread_mutex_unlock(&loop.lock);
    scEventRegisterImpl(default_add_handle, default_update_handle, default_remove_handle,
                        default_add_timeout, default_update_timeout, default_remove_timeout);
    return 0;
}

/* Drop what the iteration removed (the lock is held); their free
 * functions go to a new array *@pf, whose length is returned. */
static size_t
sweep(PendingFree **pf)
{
    size_t n = 0, cap = 0;

    *pf = NULL;
    for (size_t i = 0; i < loop.nhandles;) {
        if (!loop.handles[i].deleted) {
            i++;
            continue;
        }
        if (loop.handles[i].ff && grow((void **) pf, &cap, n, sizeof(**pf)) == 0)
            (*pf)[n++] = (PendingFree){ loop.handles[i].ff, loop.handles[i].opaque };
        loop.handles[i] = loop.handles[--loop.nhandles];
    }
    for (size_t i = 0; i < loop.ntimeouts;) {
        if (!loop.timeouts[i].deleted) {
            i++;
            continue;
        }
        if (loop.timeouts[i].ff && grow((void **) pf, &cap, n, sizeof(**pf)) == 0)
            (*pf)[n++] = (PendingFree){ loop.timeouts[i].ff, loop.timeouts[i].opaque };
        loop.timeouts[i] = loop.timeouts[--loop.ntimeouts];
    }
    return n;
}

/* How long poll() may wait (the lock is held): until the first timer
 * due, or forever (-1). */
static int
wait_ms(void)
{
    unsigned long long now = now_ms(), first = 0;
    bool any = false;

    for (size_t i = 0; i < loop.ntimeouts; i++) {
        const Timeout *t = &loop.timeouts[i];
        if (t->deleted || t->frequency < 0)
            continue;
        if (!any || t->due < first)
            first = t->due;
        any = true;
    }
    if (!any)
        return -1;
    return first <= now ? 0 : first - now > 60000 ? 60000 : (int) (first - now);
}

static int
to_events(short revents)
{
    return (revents & POLLIN ? SC_EVENT_HANDLE_READABLE : 0) |
           (revents & POLLOUT ? SC_EVENT_HANDLE_WRITABLE : 0) |
           (revents & (POLLERR | POLLNVAL) ? SC_EVENT_HANDLE_ERROR : 0) |
           (revents & POLLHUP ? SC_EVENT_HANDLE_HANGUP : 0);
}

static short
to_poll(int events)
{
    return (short) ((events & SC_EVENT_HANDLE_READABLE ? POLLIN : 0) |
                    (events & SC_EVENT_HANDLE_WRITABLE ? POLLOUT : 0));
}

/* Call the timers that are due (the lock is held, released around each
 * callback). Timers added meanwhile wait for the next iteration. */
static void
dispatch_timeouts(void)
{
    size_t n = loop.ntimeouts;
    unsigned long long now = now_ms();

    for (size_t i = 0; i < n && i < loop.ntimeouts; i++) {
        Timeout *t = &loop.timeouts[i];
        if (t->deleted || t->frequency < 0 || t->due > now)
            continue;
        t->due = now + (unsigned) t->frequency;
        int timer = t->timer;
        scEventTimeoutCallback cb = t->cb;
        void *opaque = t->opaque;
        pthread_mutex_unlock(&loop.lock);
        cb(timer, opaque);
        pthread_mutex_lock(&loop.lock);
    }
}

/* Call the watches whose handles are ready (the lock is held). Each is
 * looked up again by id: it may have been removed meanwhile. */
static void
dispatch_handles(const struct pollfd *fds, const int *watches, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        Handle *h;
        if (!fds[i].revents || !(h = find_handle(watches[i])))
            continue;
        int watch = h->watch, fd = h->fd, events = to_events(fds[i].revents);
        scEventHandleCallback cb = h->cb;
        void *opaque = h->opaque;
        pthread_mutex_unlock(&loop.lock);
        cb(watch, fd, events, opaque);
        pthread_mutex_lock(&loop.lock);
    }
}

static void
call_frees(PendingFree *pf, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pf[i].ff(pf[i].opaque);
    free(pf);
}

int
scEventRunDefaultImpl(void)
{
    _cleanup_free_ struct pollfd *fds = NULL;
    _cleanup_free_ int *watches = NULL;
    PendingFree *pf;
    size_t n = 0, npf;
    int timeout, r;

    SC_API_BEGIN();
    pthread_mutex_lock(&loop.lock);
    if (!loop.ready) {
        pthread_mutex_unlock(&loop.lock);
        scReportError(SC_FROM_EVENT, SC_ERR_OPERATION_INVALID,
                      "the default event loop is not registered: call scEventRegisterDefaultImpl");
        return -1;
    }
    if (loop.running) {
        pthread_mutex_unlock(&loop.lock);
        scReportError(SC_FROM_EVENT, SC_ERR_OPERATION_INVALID,
                      "the default event loop is already running in another thread");
        return -1;
    }
    if (!(fds = calloc(loop.nhandles + 1, sizeof(*fds))) ||
        !(watches = calloc(loop.nhandles + 1, sizeof(*watches)))) {
        pthread_mutex_unlock(&loop.lock);
        scReportOOM();
        return -1;
    }
    loop.running = true;
    loop.owner = pthread_self();
    fds[n++] = (struct pollfd){ .fd = loop.wake[0], .events = POLLIN };
    for (size_t i = 0; i < loop.nhandles; i++) {
        const Handle *h = &loop.handles[i];
        if (h->deleted || h->events == 0)
            continue;
        watches[n] = h->watch;
        fds[n++] = (struct pollfd){ .fd = h->fd, .events = to_poll(h->events) };
    }
    timeout = wait_ms();
    loop.waiting = true;
    pthread_mutex_unlock(&loop.lock);

    r = poll(fds, n, timeout);

    pthread_mutex_lock(&loop.lock);
    loop.waiting = false;
    if (r < 0 && errno != EINTR) {
        int err = errno;
        loop.running = false;
        pthread_mutex_unlock(&loop.lock);
        scReportSystemError(SC_FROM_EVENT, err, "the default event loop cannot wait");
        return -1;
    }
    if (r > 0 && fds[0].revents) {
        char buf[64];
        while (read(loop.wake[0], buf, sizeof(buf)) > 0)
            ;
    }
    dispatch_timeouts();
    if (r > 0)
        dispatch_handles(fds + 1, watches + 1, n - 1);
    npf = sweep(&pf);
    loop.running = false;
    pthread_mutex_unlock(&loop.lock);
    call_frees(pf, npf);
    return 0;
}
