/*
 * test_stream_event.c: non-blocking streams driven by an event loop
 * (scStreamEventAddCallback / UpdateCallback / RemoveCallback), end to end
 * on a dir pool in a fresh temporary directory per test.
 *
 * An upload and a download of a volume, each byte compared, move their
 * data only in the stream's callback, dispatched by the loop; the test
 * fails when the loop stops calling (a stalled transfer) and when it calls
 * while the stream is not ready (a first Send or Recv of a callback that
 * returns -2). Covered too: the errors libvirt gives (no event loop, a
 * second callback, Update and Remove without one), pausing with Update,
 * removing or freeing from the callback and from another thread while the
 * callback runs, each free function called once and after the callback
 * returned, the ERROR event of a failed transfer.
 *
 * The event loop is process-wide and cannot be replaced once registered,
 * as in libvirt, so this file is built twice: tests/test_stream_event runs
 * storcat's default loop (scEventRunDefaultImpl, also in a thread of its
 * own), tests/test_stream_event_impl (CUSTOM_LOOP) a loop of its own
 * registered with scEventRegisterImpl, which counts the watches storcat
 * adds and removes. The first test runs before any loop is registered:
 * keep it first.
 */
#include <config.h>

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backends/backend.h"
#include "testutil.h"

#define MiB (1024 * 1024)
/* More than the stream's queue holds (4 MiB): Send meets a full queue. */
#define DATA_LEN (24 * MiB + 12345)
/* Bytes a callback moves at most: the stream is still ready when it
 * returns (the loop calls again), and a transfer takes several calls
 * however fast the worker is. */
#define CALL_BUDGET (4 * MiB)

typedef struct {
    char *dir;    /* the test's temporary directory */
    char *images; /* the pool's directory */
    char *catalog;
    scConnectPtr conn;
    scStoragePoolPtr pool;
    int tick; /* the watchdog timer of the default loop, or -1 */
} Fixture;

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* Pseudo-random bytes, reproducible. */
static void
fill(unsigned char *buf, size_t len, unsigned int seed)
{
    unsigned long long x = 0x9e3779b97f4a7c15ULL * (seed + 1);

    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        buf[i] = (unsigned char) (x | 1);
    }
}

/* The open file descriptors of the process: a watch's eventfd goes with
 * its registration. */
static int
count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;

    assert_non_null(d);
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

/* ---- the loop under test --------------------------------------------------- */

#ifdef CUSTOM_LOOP
/* A caller's own loop (poll(2), one thread), as scEventRegisterImpl
 * takes it: what storcat adds is counted, what it removes is dropped at
 * the end of the iteration, when its free function is called. */
typedef struct {
    int id, fd, events;
    scEventHandleCallback cb;
    void *opaque;
    scFreeCallback ff;
    bool deleted;
} TestHandle;

typedef struct {
    int id, ms;
    double due;
    scEventTimeoutCallback cb;
    void *opaque;
    scFreeCallback ff;
    bool deleted;
} TestTimer;

static struct {
    TestHandle h[32];
    int nh;
    TestTimer t[32];
    int nt;
    int next_id;
    bool running;
    bool refuse;                        /* AddHandle fails, setting no error */
    int added, updated, removed, freed; /* handle calls, and free functions run */
    int last_events;                    /* what the last AddHandle asked for */
} tl = { .next_id = 1 };

static int
tl_add_handle(int fd, int events, scEventHandleCallback cb, void *opaque, scFreeCallback ff)
{
    if (tl.refuse || tl.nh == 32)
        return -1;
    tl.h[tl.nh++] = (TestHandle){ tl.next_id, fd, events, cb, opaque, ff, false };
    tl.added++;
    tl.last_events = events;
    return tl.next_id++;
}

static void
tl_update_handle(int id, int events)
{
    for (int i = 0; i < tl.nh; i++)
        if (tl.h[i].id == id && !tl.h[i].deleted) {
            tl.h[i].events = events;
            tl.updated++;
        }
}

/* Drop the removed handles and timers, calling their free functions. */
static void
tl_sweep(void)
{
    for (int i = 0; i < tl.nh;) {
        if (!tl.h[i].deleted) {
            i++;
            continue;
        }
        TestHandle h = tl.h[i];
        tl.h[i] = tl.h[--tl.nh];
        if (h.ff) {
            tl.freed++;
            h.ff(h.opaque);
        }
    }
    for (int i = 0; i < tl.nt;) {
        if (!tl.t[i].deleted) {
            i++;
            continue;
        }
        TestTimer t = tl.t[i];
        tl.t[i] = tl.t[--tl.nt];
        if (t.ff)
            t.ff(t.opaque);
    }
}

static int
tl_remove_handle(int id)
{
    for (int i = 0; i < tl.nh; i++)
        if (tl.h[i].id == id && !tl.h[i].deleted) {
            tl.h[i].deleted = true;
            tl.removed++;
            if (!tl.running)
                tl_sweep();
            return 0;
        }
    return -1;
}

static int
tl_add_timeout(int ms, scEventTimeoutCallback cb, void *opaque, scFreeCallback ff)
{
    if (tl.nt == 32)
        return -1;
    tl.t[tl.nt++] =
        (TestTimer){ tl.next_id, ms, now_s() + (ms > 0 ? ms : 0) / 1000.0, cb, opaque, ff, false };
    return tl.next_id++;
}

static void
tl_update_timeout(int id, int ms)
{
    for (int i = 0; i < tl.nt; i++)
        if (tl.t[i].id == id && !tl.t[i].deleted) {
            tl.t[i].ms = ms;
            tl.t[i].due = now_s() + (ms > 0 ? ms : 0) / 1000.0;
        }
}

static int
tl_remove_timeout(int id)
{
    for (int i = 0; i < tl.nt; i++)
        if (tl.t[i].id == id && !tl.t[i].deleted) {
            tl.t[i].deleted = true;
            if (!tl.running)
                tl_sweep();
            return 0;
        }
    return -1;
}

/* One iteration: wait 50 ms at most, call what is ready. */
static void
tl_run_once(void)
{
    struct pollfd fds[32];
    int ids[32], n = 0, r;
    double t0 = now_s();

    for (int i = 0; i < tl.nh; i++) {
        if (tl.h[i].deleted || !tl.h[i].events)
            continue;
        ids[n] = tl.h[i].id;
        fds[n++] =
            (struct pollfd){ tl.h[i].fd,
                             (short) ((tl.h[i].events & SC_EVENT_HANDLE_READABLE ? POLLIN : 0) |
                                      (tl.h[i].events & SC_EVENT_HANDLE_WRITABLE ? POLLOUT : 0)),
                             0 };
    }
    r = poll(fds, (nfds_t) n, 50);
    assert_true(r >= 0);
    tl.running = true;
    for (int k = 0; k < n; k++) {
        if (!fds[k].revents)
            continue;
        for (int i = 0; i < tl.nh; i++) {
            if (tl.h[i].id != ids[k] || tl.h[i].deleted)
                continue;
            int ev = (fds[k].revents & POLLIN ? SC_EVENT_HANDLE_READABLE : 0) |
                     (fds[k].revents & POLLOUT ? SC_EVENT_HANDLE_WRITABLE : 0) |
                     (fds[k].revents & (POLLERR | POLLNVAL) ? SC_EVENT_HANDLE_ERROR : 0) |
                     (fds[k].revents & POLLHUP ? SC_EVENT_HANDLE_HANGUP : 0);
            tl.h[i].cb(tl.h[i].id, tl.h[i].fd, ev, tl.h[i].opaque);
            break;
        }
    }
    for (int i = 0; i < tl.nt; i++) {
        if (tl.t[i].deleted || tl.t[i].ms < 0 || tl.t[i].due > t0)
            continue;
        tl.t[i].due = t0 + tl.t[i].ms / 1000.0;
        tl.t[i].cb(tl.t[i].id, tl.t[i].opaque);
    }
    tl.running = false;
    tl_sweep();
}
#endif /* CUSTOM_LOOP */

#ifndef CUSTOM_LOOP
static void
tick(int timer, void *opaque)
{
    (void) timer;
    (void) opaque;
}
#endif

/* Register the loop under test (once per process, as libvirt allows). */
static void
loop_register(Fixture *f)
{
#ifdef CUSTOM_LOOP
    scEventRegisterImpl(tl_add_handle, tl_update_handle, tl_remove_handle, tl_add_timeout,
                        tl_update_timeout, tl_remove_timeout);
    f->tick = -1;
#else
    assert_sc_ok(scEventRegisterDefaultImpl() == 0);
    /* The default loop waits forever when nothing is ready: this timer
     * wakes it, so that a stalled transfer fails the test, not hangs it. */
    assert_sc_ok((f->tick = scEventAddTimeout(100, tick, NULL, NULL)) > 0);
#endif
}

static void
loop_once(void)
{
#ifdef CUSTOM_LOOP
    tl_run_once();
#else
    assert_sc_ok(scEventRunDefaultImpl() == 0);
#endif
}

/* Run the loop until *@done, failing after 60 s: the stream's callback is
 * then no longer dispatched. */
static void
run_until(const bool *done, const char *what)
{
    double end = now_s() + 60;

    while (!*done) {
        if (now_s() > end)
            fail_msg("%s: stalled: the loop no longer calls the stream's callback", what);
        loop_once();
    }
}

/* Run the loop for @seconds. */
static void
run_for(double seconds)
{
    double end = now_s() + seconds;

    while (now_s() < end)
        loop_once();
}

/* ---- fixtures ------------------------------------------------------------------- */

static int
setup_no_loop(void **state)
{
    Fixture *f = calloc(1, sizeof(*f));
    char *xml;

    if (!f || !(f->dir = testTmpDirMake("stream_event")))
        return -1;
    f->tick = -1;
    f->images = testPath(f->dir, "images");
    f->catalog = testPath(f->dir, "catalog.db");
    if (!(f->conn = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE)))
        return -1;
    if (asprintf(&xml,
                 "<pool type='dir'><name>images</name><target><path>%s</path></target>"
                 "</pool>",
                 f->images) < 0)
        return -1;
    f->pool = scStoragePoolDefineXML(f->conn, xml, 0);
    free(xml);
    if (!f->pool || scStoragePoolCreate(f->pool, SC_STORAGE_POOL_CREATE_WITH_BUILD) < 0) {
        fprintf(stderr, "# setup: %s\n", scGetLastErrorMessage());
        return -1;
    }
    *state = f;
    return 0;
}

static int
setup(void **state)
{
    if (setup_no_loop(state) < 0)
        return -1;
    loop_register(*state);
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;

    scBackendOverride(SC_POOL_DIR, NULL);
    if (f->tick > 0)
        scEventRemoveTimeout(f->tick);
    scStoragePoolFree(f->pool);
    assert_int_equal(scConnectClose(f->conn), 0);
    testTmpDirRemove(f->dir);
    free(f->images);
    free(f->catalog);
    free(f);
    return 0;
}

static scStorageVolPtr
create_vol(Fixture *f, const char *name, unsigned long long capacity)
{
    char *xml;
    scStorageVolPtr vol;

    assert_true(asprintf(&xml,
                         "<volume><name>%s</name><capacity>%llu</capacity>"
                         "<target><format type='raw'/></target></volume>",
                         name, capacity) > 0);
    vol = scStorageVolCreateXML(f->pool, xml, 0);
    free(xml);
    assert_sc_ok(vol);
    return vol;
}

/* ---- a transfer driven by the callback ------------------------------------------- */

/* What the callbacks did. They assert nothing (an assertion would jump
 * out of the loop): they count, and the test asserts afterwards. */
typedef struct {
    unsigned char *buf; /* an upload's source, a download's sink */
    size_t len, off;    /* its length; bytes sent or received */
    int calls;          /* callbacks */
    int spurious;       /* callbacks whose first Send/Recv returned -2 */
    int wrong;          /* callbacks without the event of the stream's direction */
    int events;         /* the events of the last callback */
    int frees;          /* the free function's calls */
    bool in_cb;         /* the callback is running */
    int freed_in_cb;    /* frees while it ran */
    bool done;          /* the callback has ended the transfer */
    int result;         /* of its scStreamFinish, or -1 */
    int code;           /* the error code then */
} Transfer;

static void
count_free(void *opaque)
{
    Transfer *t = opaque;

    t->frees++;
    if (t->in_cb)
        t->freed_in_cb++;
}

/* The callback ends the transfer: removes itself, finishes (or, after a
 * failed call, keeps the error). */
static void
end_transfer(scStreamPtr st, Transfer *t, int r)
{
    if (r == -1) {
        t->code = scGetLastErrorCode();
        t->result = -1;
    }
    if (scStreamEventRemoveCallback(st) < 0)
        t->wrong++;
    if (r != -1) {
        t->result = scStreamFinish(st);
        t->code = scGetLastErrorCode();
    }
    t->done = true;
}

static void
on_writable(scStreamPtr st, int events, void *opaque)
{
    Transfer *t = opaque;
    size_t start = t->off;
    bool first = true;
    int r = 0;

    t->in_cb = true;
    t->calls++;
    t->events = events;
    if (!(events & SC_STREAM_EVENT_WRITABLE))
        t->wrong++;
    while (t->off < t->len && t->off - start < CALL_BUDGET) {
        size_t n = t->len - t->off < 1000003 ? t->len - t->off : 1000003; /* odd on purpose */
        if ((r = scStreamSend(st, (const char *) t->buf + t->off, n)) == -2) {
            t->spurious += first;
            break;
        }
        if (r < 0)
            break;
        t->off += (size_t) r;
        first = false;
    }
    if (t->off == t->len || r == -1)
        end_transfer(st, t, r);
    t->in_cb = false;
}

static void
on_readable(scStreamPtr st, int events, void *opaque)
{
    Transfer *t = opaque;
    size_t start = t->off;
    bool first = true;
    int r;

    t->in_cb = true;
    t->calls++;
    t->events = events;
    if (!(events & SC_STREAM_EVENT_READABLE))
        t->wrong++;
    while (t->off - start < CALL_BUDGET) {
        size_t n = t->len - t->off < 65536 ? t->len - t->off : 65536;
        /* Room for one byte too many: a download longer than asked shows. */
        if ((r = scStreamRecv(st, (char *) t->buf + t->off, n ? n : 1)) == -2) {
            t->spurious += first;
            break;
        }
        first = false;
        if (r <= 0) {
            end_transfer(st, t, r);
            break;
        }
        t->off += (size_t) r;
    }
    t->in_cb = false;
}

/* Upload @data into @vol, then download it back, each driven only by the
 * loop; both byte-exact, each callback called when ready only. */
static void
roundtrip(scStorageVolPtr vol, scConnectPtr conn, const unsigned char *data, size_t len)
{
    Transfer up = { .buf = (unsigned char *) data, .len = len };
    Transfer down = { .buf = calloc(1, len + 1), .len = len + 1 };
    scStreamPtr st;

    assert_sc_ok(st = scStreamNew(conn, SC_STREAM_NONBLOCK));
    assert_sc_ok(scStorageVolUpload(vol, st, 0, len, 0) == 0);
    assert_sc_ok(
        scStreamEventAddCallback(st, SC_STREAM_EVENT_WRITABLE, on_writable, &up, count_free) == 0);
    assert_null(scGetLastError()); /* a success leaves no error */
    run_until(&up.done, "upload");
    if (up.result < 0)
        fail_msg("upload: %s", scGetLastErrorMessage());
    assert_int_equal(up.off, len);
    assert_true(up.calls >= (int) (len / CALL_BUDGET)); /* called again and again */
    assert_int_equal(up.spurious, 0);
    assert_int_equal(up.wrong, 0);
    assert_int_equal(up.frees, 1);
    assert_int_equal(up.freed_in_cb, 0);
    assert_int_equal(scStreamFree(st), 0);
    assert_int_equal(up.frees, 1);

    assert_sc_ok(st = scStreamNew(conn, SC_STREAM_NONBLOCK));
    assert_sc_ok(scStorageVolDownload(vol, st, 0, len, 0) == 0);
    assert_sc_ok(scStreamEventAddCallback(st, SC_STREAM_EVENT_READABLE, on_readable, &down,
                                          count_free) == 0);
    run_until(&down.done, "download");
    if (down.result < 0)
        fail_msg("download: %s", scGetLastErrorMessage());
    assert_int_equal(down.off, len);
    assert_memory_equal(down.buf, data, len);
    assert_true(down.calls >= (int) (len / CALL_BUDGET));
    assert_int_equal(down.spurious, 0);
    assert_int_equal(down.wrong, 0);
    assert_int_equal(down.frees, 1);
    assert_int_equal(down.freed_in_cb, 0);
    assert_int_equal(scStreamFree(st), 0);
    free(down.buf);
}

/* ---- the tests --------------------------------------------------------------------- */

/* Before any loop is registered: AddCallback fails as libvirt's does
 * (SC_ERR_INTERNAL_ERROR), Update and Remove find none, and the stream is
 * unchanged: it still carries its upload. */
static void
test_no_loop(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr vol = create_vol(f, "n.img", MiB);
    Transfer t = { 0 };
    scStreamPtr st;
    int fds = count_fds();

    assert_sc_ok(st = scStreamNew(f->conn, SC_STREAM_NONBLOCK));
    assert_sc_ok(scStorageVolUpload(vol, st, 0, 0, 0) == 0);
    assert_sc_err(
        scStreamEventAddCallback(st, SC_STREAM_EVENT_WRITABLE, on_writable, &t, count_free) == 0,
        SC_ERR_INTERNAL_ERROR);
    assert_non_null(strstr(scGetLastErrorMessage(), "no event loop is registered"));
    assert_int_equal(scGetLastErrorDomain(), SC_FROM_STREAMS);
    assert_sc_err(scStreamEventUpdateCallback(st, SC_STREAM_EVENT_WRITABLE) == 0,
                  SC_ERR_INTERNAL_ERROR);
    assert_non_null(strstr(scGetLastErrorMessage(), "no stream callback registered"));
    assert_sc_err(scStreamEventRemoveCallback(st) == 0, SC_ERR_INTERNAL_ERROR);
    assert_int_equal(t.frees, 0);
    assert_sc_ok(scStreamSend(st, "data", 4) == 4);
    assert_sc_ok(scStreamFinish(st) == 0);
    assert_int_equal(scStreamFree(st), 0);
    assert_int_equal(t.calls, 0);
    assert_int_equal(count_fds(), fds); /* no eventfd left behind */
    scStorageVolFree(vol);
}

/* A non-blocking upload and download of a volume, driven by the loop
 * alone, byte-exact; the watch and its eventfd go with the registration. */
static void
test_roundtrip(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr vol = create_vol(f, "r.img", DATA_LEN);
    unsigned char *data = malloc(DATA_LEN);
    int fds = count_fds();

    fill(data, DATA_LEN, 7);
#ifdef CUSTOM_LOOP
    int added = tl.added, freed = tl.freed;
#endif
    roundtrip(vol, f->conn, data, DATA_LEN);
    /* The loop let go of both watches (the default loop at the end of the
     * iteration that removed them, this one's likewise). */
    loop_once();
    assert_int_equal(count_fds(), fds);
#ifdef CUSTOM_LOOP
    assert_int_equal(tl.added - added, 2);
    assert_int_equal(tl.freed - freed, 2);
    assert_int_equal(tl.last_events, SC_EVENT_HANDLE_READABLE);
    assert_int_equal(tl.nh, 0);
#endif
    free(data);
    scStorageVolFree(vol);
}

/* The errors of each call once a loop is registered; a failed call
 * registers nothing and calls no free function. */
static void
test_errors(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr vol = create_vol(f, "e.img", MiB);
    Transfer t = { 0 }, t2 = { 0 };
    scStreamPtr st;

    assert_sc_err(
        scStreamEventAddCallback(NULL, SC_STREAM_EVENT_READABLE, on_readable, &t, count_free) == 0,
        SC_ERR_INVALID_STREAM);
    assert_sc_err(scStreamEventUpdateCallback(NULL, 0) == 0, SC_ERR_INVALID_STREAM);
    assert_sc_err(scStreamEventRemoveCallback(NULL) == 0, SC_ERR_INVALID_STREAM);

    /* Not bound to a transfer yet. */
    assert_sc_ok(st = scStreamNew(f->conn, SC_STREAM_NONBLOCK));
    assert_sc_err(
        scStreamEventAddCallback(st, SC_STREAM_EVENT_WRITABLE, on_writable, &t, count_free) == 0,
        SC_ERR_OPERATION_INVALID);
    assert_sc_ok(scStorageVolUpload(vol, st, 0, 0, 0) == 0);

    /* Bad arguments. */
    assert_sc_err(scStreamEventAddCallback(st, SC_STREAM_EVENT_WRITABLE, NULL, &t, count_free) == 0,
                  SC_ERR_INVALID_ARG);
    assert_sc_err(scStreamEventAddCallback(st, 1 << 4, on_writable, &t, count_free) == 0,
                  SC_ERR_INVALID_ARG);
    assert_sc_err(scStreamEventUpdateCallback(st, SC_STREAM_EVENT_WRITABLE) == 0,
                  SC_ERR_INTERNAL_ERROR);
    assert_sc_err(scStreamEventRemoveCallback(st) == 0, SC_ERR_INTERNAL_ERROR);

    /* One callback per stream. */
    assert_sc_ok(scStreamEventAddCallback(st, 0, on_writable, &t, count_free) == 0);
    assert_sc_err(
        scStreamEventAddCallback(st, SC_STREAM_EVENT_WRITABLE, on_writable, &t2, count_free) == 0,
        SC_ERR_INTERNAL_ERROR);
    assert_non_null(strstr(scGetLastErrorMessage(), "multiple stream callbacks not supported"));
    assert_sc_err(scStreamEventUpdateCallback(st, 1 << 5) == 0, SC_ERR_INVALID_ARG);
    assert_sc_ok(scStreamEventUpdateCallback(st, 0) == 0);
    assert_null(scGetLastError());
    run_for(0.2); /* asked for nothing: told nothing */
    assert_int_equal(t.calls, 0);

    /* Removed once; the second time there is none. */
    assert_sc_ok(scStreamEventRemoveCallback(st) == 0);
    assert_int_equal(t.frees, 1);
    assert_sc_err(scStreamEventRemoveCallback(st) == 0, SC_ERR_INTERNAL_ERROR);
    assert_int_equal(t.frees, 1);
    assert_int_equal(t2.frees, 0);

#ifdef CUSTOM_LOOP
    /* A loop that cannot add the watch (and says nothing): an error, and
     * nothing registered. */
    tl.refuse = true;
    assert_sc_err(
        scStreamEventAddCallback(st, SC_STREAM_EVENT_WRITABLE, on_writable, &t2, count_free) == 0,
        SC_ERR_INTERNAL_ERROR);
    tl.refuse = false;
    assert_sc_err(scStreamEventRemoveCallback(st) == 0, SC_ERR_INTERNAL_ERROR);
    assert_int_equal(t2.frees, 0);
#endif

    /* Registered again, on a finished stream: it is told nothing more,
     * and Update and Remove still work. */
    assert_sc_ok(scStreamSend(st, "data", 4) == 4);
    assert_sc_ok(
        scStreamEventAddCallback(st, SC_STREAM_EVENT_WRITABLE, on_writable, &t2, count_free) == 0);
    assert_sc_ok(scStreamFinish(st) == 0);
    run_for(0.2);
    assert_int_equal(t2.calls, 0);
    assert_sc_ok(scStreamEventUpdateCallback(st, SC_STREAM_EVENT_READABLE) == 0);
    assert_sc_ok(scStreamEventRemoveCallback(st) == 0);
    assert_int_equal(t2.frees, 1);
    assert_int_equal(scStreamFree(st), 0);
    scStorageVolFree(vol);
}

/* A callback that pauses itself (Update to 0) is not called until it is
 * updated back; then the upload goes on to its end. */
static int pause_after;

static void
on_writable_pausing(scStreamPtr st, int events, void *opaque)
{
    Transfer *t = opaque;

    on_writable(st, events, opaque);
    if (!t->done && t->calls == pause_after && scStreamEventUpdateCallback(st, 0) < 0)
        t->wrong++;
}

static void
test_update(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr vol = create_vol(f, "u.img", DATA_LEN);
    unsigned char *data = malloc(DATA_LEN);
    Transfer t = { .buf = data, .len = DATA_LEN };
    scStreamPtr st;
    int calls;

    fill(data, DATA_LEN, 3);
    pause_after = 2;
    assert_sc_ok(st = scStreamNew(f->conn, SC_STREAM_NONBLOCK));
    assert_sc_ok(scStorageVolUpload(vol, st, 0, 0, 0) == 0);
    assert_sc_ok(scStreamEventAddCallback(st, SC_STREAM_EVENT_WRITABLE, on_writable_pausing, &t,
                                          count_free) == 0);
    for (double end = now_s() + 60; t.calls < pause_after && !t.done; loop_once())
        if (now_s() > end)
            fail_msg("upload: stalled: the loop never calls the stream's callback");
    calls = t.calls;
    run_for(0.3); /* the worker drains the queue meanwhile: no call */
    assert_int_equal(t.calls, calls);
    assert_false(t.done);
    assert_sc_ok(scStreamEventUpdateCallback(st, SC_STREAM_EVENT_WRITABLE) == 0);
    run_until(&t.done, "upload after the pause");
    assert_int_equal(t.result, 0);
    assert_int_equal(t.off, DATA_LEN);
    assert_int_equal(t.spurious, 0);
    assert_int_equal(t.wrong, 0);
    assert_int_equal(t.frees, 1);
    assert_int_equal(scStreamFree(st), 0);
    free(data);
    scStorageVolFree(vol);
}

/* The callback ends its own registration or frees its stream (the last
 * reference): its free function runs once, after it returned, and it is
 * not called again. */
static void
on_readable_free(scStreamPtr st, int events, void *opaque)
{
    Transfer *t = opaque;

    (void) events;
    t->in_cb = true;
    t->calls++;
    if (scStreamAbort(st) < 0 || scStreamFree(st) < 0)
        t->wrong++;
    t->done = true;
    t->in_cb = false;
}

static void
on_readable_remove(scStreamPtr st, int events, void *opaque)
{
    Transfer *t = opaque;

    (void) events;
    t->in_cb = true;
    t->calls++;
    if (scStreamEventRemoveCallback(st) < 0)
        t->wrong++;
    t->done = true;
    t->in_cb = false;
}

static void
test_end_in_callback(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr vol = create_vol(f, "c.img", 8 * MiB);
    Transfer t = { 0 }, t2 = { 0 }, t3 = { 0 };
    scStreamPtr st;
    int fds = count_fds();

    /* Removed by the callback: the stream stays usable. */
    assert_sc_ok(st = scStreamNew(f->conn, SC_STREAM_NONBLOCK));
    assert_sc_ok(scStorageVolDownload(vol, st, 0, 0, 0) == 0);
    assert_sc_ok(scStreamEventAddCallback(st, SC_STREAM_EVENT_READABLE, on_readable_remove, &t,
                                          count_free) == 0);
    run_until(&t.done, "remove in the callback");
    run_for(0.2);
    assert_int_equal(t.calls, 1);
    assert_int_equal(t.wrong, 0);
    assert_int_equal(t.frees, 1);
    assert_int_equal(t.freed_in_cb, 0);
    assert_sc_ok(scStreamAbort(st) == 0);
    assert_int_equal(scStreamFree(st), 0);

    /* Freed by the callback, its last reference: the registration ends
     * with the stream. */
    assert_sc_ok(st = scStreamNew(f->conn, SC_STREAM_NONBLOCK));
    assert_sc_ok(scStorageVolDownload(vol, st, 0, 0, 0) == 0);
    assert_sc_ok(scStreamEventAddCallback(st, SC_STREAM_EVENT_READABLE, on_readable_free, &t2,
                                          count_free) == 0);
    run_until(&t2.done, "free in the callback");
    run_for(0.2);
    assert_int_equal(t2.calls, 1);
    assert_int_equal(t2.wrong, 0);
    assert_int_equal(t2.frees, 1);
    assert_int_equal(t2.freed_in_cb, 0);

    /* Freed by its caller with the callback registered: removed with it. */
    assert_sc_ok(st = scStreamNew(f->conn, SC_STREAM_NONBLOCK));
    assert_sc_ok(scStorageVolDownload(vol, st, 0, 0, 0) == 0);
    assert_sc_ok(
        scStreamEventAddCallback(st, SC_STREAM_EVENT_READABLE, on_readable, &t3, count_free) == 0);
    assert_sc_ok(scStreamRef(st) == 0);
    assert_int_equal(scStreamFree(st), 0); /* not the last reference */
    assert_int_equal(t3.frees, 0);
    assert_int_equal(scStreamFree(st), 0);
    assert_int_equal(t3.frees, 1);
    run_for(0.2);
    assert_int_equal(t3.calls, 0);
    assert_int_equal(count_fds(), fds);
    scStorageVolFree(vol);
}

/* A transfer that fails in its worker (the volume's file was replaced
 * behind storcat's back): the callback is told ERROR, even when it asked
 * only for an event the stream is never ready for, and its call reports
 * the failure. */
static void
on_error(scStreamPtr st, int events, void *opaque)
{
    Transfer *t = opaque;

    t->in_cb = true;
    t->calls++;
    t->events = events;
    end_transfer(st, t, scStreamSend(st, "x", 1) == -1 ? -1 : 0);
    t->in_cb = false;
}

static void
test_error_event(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr vol = create_vol(f, "x.img", MiB);
    char *path = testPath(f->images, "x.img");
    Transfer t = { 0 };
    scStreamPtr st;

    assert_int_equal(unlink(path), 0);
    assert_int_equal(close(open(path, O_WRONLY | O_CREAT, 0644)), 0);
    assert_sc_ok(st = scStreamNew(f->conn, SC_STREAM_NONBLOCK));
    assert_sc_ok(scStorageVolUpload(vol, st, 0, 0, 0) == 0);
    /* An upload is never READABLE: only its failure calls. */
    assert_sc_ok(scStreamEventAddCallback(st, SC_STREAM_EVENT_READABLE, on_error, &t, count_free) ==
                 0);
    run_until(&t.done, "a failed upload");
    assert_int_equal(t.calls, 1);
    assert_int_equal(t.events, SC_STREAM_EVENT_ERROR);
    assert_int_equal(t.result, -1);
    assert_int_equal(t.code, SC_ERR_OPERATION_INVALID);
    assert_int_equal(t.frees, 1);
    /* The error sticks; the stream is closed for good. */
    assert_sc_err(scStreamFinish(st) == 0, SC_ERR_OPERATION_INVALID);
    assert_non_null(strstr(scGetLastErrorMessage(), "no longer the file"));
    assert_int_equal(scStreamFree(st), 0);
    free(path);
    scStorageVolFree(vol);
}

#ifndef CUSTOM_LOOP
/* ---- the loop in a thread of its own ---------------------------------------------- */

static atomic_bool stop_loop;

static void *
loop_main(void *opaque)
{
    (void) opaque;
    while (!atomic_load(&stop_loop))
        if (scEventRunDefaultImpl() < 0)
            break;
    return NULL;
}

/* A transfer whose end the callback signals to the waiting thread. */
typedef struct {
    Transfer t;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    bool done; /* under lock */
} Signaled;

static void
on_writable_signal(scStreamPtr st, int events, void *opaque)
{
    Signaled *s = opaque;

    on_writable(st, events, &s->t);
    if (s->t.done) {
        pthread_mutex_lock(&s->lock);
        s->done = true;
        pthread_cond_broadcast(&s->cond);
        pthread_mutex_unlock(&s->lock);
    }
}

static void
free_signaled(void *opaque)
{
    count_free(&((Signaled *) opaque)->t);
}

/* What a callback that only looks saw, across threads. */
typedef struct {
    atomic_int calls, frees, wrong;
    atomic_bool in_cb;
    atomic_int freed_in_cb;
} Looker;

/* Called again and again (it never reads): sleeps, then uses its stream,
 * which another thread frees meanwhile. */
static void
on_readable_look(scStreamPtr st, int events, void *opaque)
{
    Looker *l = opaque;

    (void) events;
    atomic_store(&l->in_cb, true);
    atomic_fetch_add(&l->calls, 1);
    usleep(2000);
    if (scStreamEventUpdateCallback(st, SC_STREAM_EVENT_READABLE) < 0)
        atomic_fetch_add(&l->wrong, 1);
    atomic_store(&l->in_cb, false);
}

static void
free_looker(void *opaque)
{
    Looker *l = opaque;

    atomic_fetch_add(&l->frees, 1);
    if (atomic_load(&l->in_cb))
        atomic_fetch_add(&l->freed_in_cb, 1);
}

/* The loop runs in another thread than the calls on the stream: an upload
 * driven from there, then a download freed by this thread while its
 * callback runs there (the free waits for the callback to return). */
static void
test_loop_thread(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr vol = create_vol(f, "t.img", DATA_LEN);
    unsigned char *data = malloc(DATA_LEN);
    Signaled s = { .t = { .buf = data, .len = DATA_LEN },
                   .lock = PTHREAD_MUTEX_INITIALIZER,
                   .cond = PTHREAD_COND_INITIALIZER };
    Looker l = { 0 };
    struct timespec deadline;
    pthread_t loop;
    scStreamPtr st;

    fill(data, DATA_LEN, 11);
    atomic_store(&stop_loop, false);
    assert_int_equal(pthread_create(&loop, NULL, loop_main, NULL), 0);

    assert_sc_ok(st = scStreamNew(f->conn, SC_STREAM_NONBLOCK));
    assert_sc_ok(scStorageVolUpload(vol, st, 0, 0, 0) == 0);
    assert_sc_ok(scStreamEventAddCallback(st, SC_STREAM_EVENT_WRITABLE, on_writable_signal, &s,
                                          free_signaled) == 0);
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += 60;
    pthread_mutex_lock(&s.lock);
    while (!s.done && pthread_cond_timedwait(&s.cond, &s.lock, &deadline) == 0)
        ;
    bool done = s.done;
    pthread_mutex_unlock(&s.lock);
    if (!done)
        fail_msg("upload from the loop's thread: stalled");
    assert_int_equal(s.t.result, 0);
    assert_int_equal(s.t.off, DATA_LEN);
    assert_int_equal(s.t.spurious, 0);
    assert_int_equal(s.t.wrong, 0);
    assert_int_equal(scStreamFree(st), 0);

    assert_sc_ok(st = scStreamNew(f->conn, SC_STREAM_NONBLOCK));
    assert_sc_ok(scStorageVolDownload(vol, st, 0, 0, 0) == 0);
    assert_sc_ok(scStreamEventAddCallback(st, SC_STREAM_EVENT_READABLE, on_readable_look, &l,
                                          free_looker) == 0);
    for (double end = now_s() + 60; atomic_load(&l.calls) < 3;) {
        if (now_s() > end)
            fail_msg("download from the loop's thread: never called");
        usleep(1000);
    }
    assert_int_equal(scStreamFree(st), 0);
    int calls = atomic_load(&l.calls);
    assert_int_equal(atomic_load(&l.frees), 1);
    assert_int_equal(atomic_load(&l.freed_in_cb), 0);
    usleep(200000);
    assert_int_equal(atomic_load(&l.calls), calls);
    assert_int_equal(atomic_load(&l.wrong), 0);

    atomic_store(&stop_loop, true);
    assert_int_equal(pthread_join(loop, NULL), 0);
    assert_int_equal(s.t.frees, 1);
    free(data);
    scStorageVolFree(vol);
}
#endif /* !CUSTOM_LOOP */

int
main(void)
{
    const struct CMUnitTest tests[] = {
        /* First: no loop is registered yet. */
        cmocka_unit_test_setup_teardown(test_no_loop, setup_no_loop, teardown),
        cmocka_unit_test_setup_teardown(test_roundtrip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_end_in_callback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_event, setup, teardown),
#ifndef CUSTOM_LOOP
        cmocka_unit_test_setup_teardown(test_loop_thread, setup, teardown),
#endif
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
