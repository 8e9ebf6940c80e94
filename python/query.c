/*
 * query.c: storcat's listings as Python iterators: virConnect's query(),
 * report(), listEvents() and listStorageVolumes(), over scConnectQuery,
 * scConnectReport, scConnectListEvents and scConnectListStorageVolumes.
 *
 * Each of those C calls hands its rows to a callback, one at a time, and
 * returns after the last. To give them to a for loop as they come, and
 * not keep them all, the call runs in a thread of its own, the pump
 * (named "storcat-rows", with every signal blocked), which never takes
 * the GIL: its callback copies a row into one block of C memory, queues
 * it, and waits while PUMP_ROWS rows wait to be taken. The iterator
 * (scRows) takes them in order and makes each Python row with the GIL
 * held. So at most PUMP_ROWS rows are held, however long the listing. The method itself waits for the first row, the header or the
 * end, so that an error of the call (SQL that does not compile, a write
 * refused, a pool unknown) raises there, not at the first next().
 *
 * One next() at a time, as a generator's: another thread's close() while
 * next() waits makes that next() end the listing.
 *
 * Stopping early: close(), leaving a with block, or the iterator freed
 * (a loop left by break or by an exception, KeyboardInterrupt too) tells
 * the pump to stop: its callback returns 1 at once or at the next row,
 * and the C call ends as after a callback that stops it (no error). The
 * iterator does not wait for that: the pump holds references of its own
 * to the connection and the pool, drops them itself (without the GIL),
 * and the last of the two to let go frees what they share. So Ctrl-C
 * during a statement that takes long to give a row returns at once (the
 * statement runs on, to its next row, its end or, for a query or a
 * report, the connection's time limit).
 * A pump whose call has returned is joined: a loop of listings does not
 * spread over several malloc arenas, each with a SQLite page cache.
 *
 * Errors: the pump copies the error of a failed call and the iterator
 * raises it as libvirtError, calling registerErrorHandler's handler from
 * the Python thread; the pump's thread calls no Python code at all.
 */
#include "pystorcat.h"

#include <structmember.h>

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#define FASTARGS PyObject *const *args, Py_ssize_t nargs, PyObject *kw

/* Rows a pump queues before it waits for the iterator; it goes on when
 * half of them are taken. */
#define PUMP_ROWS 64

/* The pumps' name, as ps -L and /proc/PID/task/TID/comm show it. */
#define PUMP_THREAD_NAME "storcat-rows"

/* How long the iterator waits for the pump before it looks at signals. */
#define PUMP_WAIT_NS (100 * 1000 * 1000)

typedef enum {
    PUMP_QUERY,
    PUMP_REPORT,
    PUMP_EVENTS,
    PUMP_VOLUMES,
} PumpKind;

/* One row, in one block: its strings follow it. */
typedef struct Row {
    struct Row *next;
    union {
        scAuditEvent ev;
        scStorageVolRecord vol;
        struct {
            int *types;
            const char **values;
        } q;
    } u;
    char data[];
} Row;

typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t more; /* a row queued, the header, or the end */
    pthread_cond_t room; /* rows taken, or stop */
    int refs;            /* the iterator's and the thread's */
    Row *head, *tail;
    int queued;
    bool stop;           /* the iterator wants no more rows */
    bool done;           /* the C call returned */
    bool header;         /* a query's column names came */
    int ncols;
    char **names;        /* the query's column names */
    int rc;              /* the C call's result */
    scError err;         /* and its error, if it failed */
    bool failed;
    pthread_t tid;       /* joined or detached by the iterator's release */
    /* The call, with the pump's own references. */
    PumpKind kind;
    scConnectPtr conn;
    scStoragePoolPtr pool;
    char *str[3];
    long long since, until, after;
    unsigned int flags;
} Pump;

typedef struct {
    PyObject_HEAD
    Pump *pump;        /* NULL once the iterator is finished */
    PyObject *conn;    /* the virConnect */
    PyObject *columns; /* query, report: the names; else None */
    bool waiting;      /* a next() waits for the pump, GIL released */
    bool closing;      /* close() came meanwhile: that next() ends it */
    PumpKind kind;
    const char *defmsg;
} ScPyRows;

static PyTypeObject ScPyRows_Type;
static PyTypeObject ScPyAuditEvent_Type;
static PyTypeObject ScPyVolRecord_Type;

/* ---- the pump's side (no GIL, no Python) -------------------------------- */

static void
pump_free(Pump *p)
{
    Row *r;

    while ((r = p->head)) {
        p->head = r->next;
        free(r);
    }
    for (int i = 0; p->names && i < p->ncols; i++)
        free(p->names[i]);
    free(p->names);
    for (int i = 0; i < 3; i++)
        free(p->str[i]);
    scResetError(&p->err); /* of a call that failed after the iterator left */
    pthread_mutex_destroy(&p->lock);
    pthread_cond_destroy(&p->more);
    pthread_cond_destroy(&p->room);
    free(p);
}

static void
pump_unref(Pump *p)
{
    bool last;

    pthread_mutex_lock(&p->lock);
    last = --p->refs == 0;
    pthread_mutex_unlock(&p->lock);
    if (last)
        pump_free(p);
}

static size_t
str_size(const char *s)
{
    return s ? strlen(s) + 1 : 0;
}

/* Copy @s to *@at, moving it on; NULL stays NULL. */
static const char *
str_pack(char **at, const char *s)
{
    size_t n;
    char *r = *at;

    if (!s)
        return NULL;
    n = strlen(s) + 1;
    memcpy(r, s, n);
    *at += n;
    return r;
}

/* Queue @row, waiting for room. 0: go on; 1: the iterator stopped (the
 * row is freed). */
static int
pump_put_nogil(Pump *p, Row *row)
{
    pthread_mutex_lock(&p->lock);
    while (p->queued >= PUMP_ROWS && !p->stop)
        pthread_cond_wait(&p->room, &p->lock);
    if (p->stop) {
        pthread_mutex_unlock(&p->lock);
        free(row);
        return 1;
    }
    row->next = NULL;
    if (p->tail)
        p->tail->next = row;
    else
        p->head = row;
    p->tail = row;
    if (p->queued++ == 0)
        pthread_cond_signal(&p->more);
    pthread_mutex_unlock(&p->lock);
    return 0;
}

/* A query's header (@values NULL) or row. */
static int
pump_query_row_nogil(int ncols, const char *const *names, const char *const *values,
                     const int *types, void *opaque)
{
    Pump *p = opaque;
    size_t size = sizeof(Row) + (size_t) ncols * (sizeof(char *) + sizeof(int));
    char **copy;
    Row *row;
    char *at;

    if (!values) {
        if (!(copy = calloc((size_t) ncols + 1, sizeof(*copy))))
            return -1;
        for (int i = 0; i < ncols; i++) {
            if (!(copy[i] = strdup(names[i] ? names[i] : ""))) {
                while (i-- > 0)
                    free(copy[i]);
                free(copy);
                return -1;
            }
        }
        pthread_mutex_lock(&p->lock);
        p->names = copy;
        p->ncols = ncols;
        p->header = true;
        pthread_cond_signal(&p->more);
        pthread_mutex_unlock(&p->lock);
        return 0;
    }
    for (int i = 0; i < ncols; i++)
        size += str_size(values[i]);
    if (!(row = malloc(size)))
        return -1;
    /* The pointers first (aligned after the header), then the types. */
    row->u.q.values = (const char **) (void *) row->data;
    row->u.q.types = (int *) (void *) (row->data + (size_t) ncols * sizeof(char *));
    at = row->data + (size_t) ncols * (sizeof(char *) + sizeof(int));
    for (int i = 0; i < ncols; i++) {
        row->u.q.types[i] = types[i];
        row->u.q.values[i] = str_pack(&at, values[i]);
    }
    return pump_put_nogil(p, row);
}

static int
pump_event_nogil(const scAuditEvent *ev, void *opaque)
{
    size_t size = sizeof(Row) + str_size(ev->action) + str_size(ev->poolUUID) +
                  str_size(ev->poolName) + str_size(ev->volumeUUID) +
                  str_size(ev->volumeName) + str_size(ev->detail) + str_size(ev->actor) +
                  str_size(ev->userName) + str_size(ev->invokerVia) +
                  str_size(ev->invokerName) + str_size(ev->program) +
                  str_size(ev->storcatActor) + str_size(ev->changes);
    Row *row = malloc(size);
    char *at;

    if (!row)
        return -1;
    at = row->data;
    row->u.ev = *ev;
    row->u.ev.action = str_pack(&at, ev->action);
    row->u.ev.poolUUID = str_pack(&at, ev->poolUUID);
    row->u.ev.poolName = str_pack(&at, ev->poolName);
    row->u.ev.volumeUUID = str_pack(&at, ev->volumeUUID);
    row->u.ev.volumeName = str_pack(&at, ev->volumeName);
    row->u.ev.detail = str_pack(&at, ev->detail);
    row->u.ev.actor = str_pack(&at, ev->actor);
    row->u.ev.userName = str_pack(&at, ev->userName);
    row->u.ev.invokerVia = str_pack(&at, ev->invokerVia);
    row->u.ev.invokerName = str_pack(&at, ev->invokerName);
    row->u.ev.program = str_pack(&at, ev->program);
    row->u.ev.storcatActor = str_pack(&at, ev->storcatActor);
    row->u.ev.changes = str_pack(&at, ev->changes);
    return pump_put_nogil(opaque, row);
}

static int
pump_volume_nogil(const scStorageVolRecord *v, void *opaque)
{
    size_t size = sizeof(Row) + str_size(v->poolName) + str_size(v->poolUUID) +
                  str_size(v->name) + str_size(v->key) + str_size(v->path) +
                  str_size(v->uuid) + str_size(v->format) + str_size(v->backingPath) +
                  str_size(v->backingFormat);
    Row *row = malloc(size);
    char *at;

    if (!row)
        return -1;
    at = row->data;
    row->u.vol = *v;
    row->u.vol.poolName = str_pack(&at, v->poolName);
    row->u.vol.poolUUID = str_pack(&at, v->poolUUID);
    row->u.vol.name = str_pack(&at, v->name);
    row->u.vol.key = str_pack(&at, v->key);
    row->u.vol.path = str_pack(&at, v->path);
    row->u.vol.uuid = str_pack(&at, v->uuid);
    row->u.vol.format = str_pack(&at, v->format);
    row->u.vol.backingPath = str_pack(&at, v->backingPath);
    row->u.vol.backingFormat = str_pack(&at, v->backingFormat);
    return pump_put_nogil(opaque, row);
}

/* The pump's thread: the C call, then its result, its references let go. */
static void *
pump_main_nogil(void *opaque)
{
    Pump *p = opaque;
    scError err = { 0 };
    int rc = -1;

    scPyNoErrorHandler = 1;
    pthread_setname_np(pthread_self(), PUMP_THREAD_NAME);
    switch (p->kind) {
    case PUMP_QUERY:
        rc = scConnectQuery(p->conn, p->str[0], pump_query_row_nogil, p, p->flags);
        break;
    case PUMP_REPORT:
        rc = scConnectReport(p->conn, p->str[0], p->str[1], pump_query_row_nogil, p, p->flags);
        break;
    case PUMP_EVENTS:
        rc = scConnectListEvents(p->conn, p->str[0], p->str[1], p->str[2], p->since, p->until,
                                 p->after, pump_event_nogil, p, p->flags);
        break;
    case PUMP_VOLUMES:
        rc = scConnectListStorageVolumes(p->conn, p->pool, p->str[0], pump_volume_nogil, p,
                                         p->flags);
        break;
    }
    if (rc < 0)
        scCopyLastError(&err);
    /* The last reference of a connection closed meanwhile closes its
     * catalog here, in this thread. */
    if (p->pool)
        scStoragePoolFree(p->pool);
    if (p->conn)
        scConnectClose(p->conn);
    p->pool = NULL;
    p->conn = NULL;
    pthread_mutex_lock(&p->lock);
    p->rc = rc;
    p->err = err;
    p->failed = rc < 0;
    p->done = true;
    pthread_cond_signal(&p->more);
    pthread_mutex_unlock(&p->lock);
    pump_unref(p);
    return NULL;
}

/* ---- the iterator's side (GIL held) --------------------------------------- */

/* A pump that never ran: its references, then itself. NULL. */
static PyObject *
pump_discard(Pump *p)
{
    if (p->pool)
        SC_PY_CALL(scStoragePoolFree(p->pool));
    if (p->conn)
        SC_PY_CALL(scConnectClose(p->conn));
    pump_free(p);
    return NULL;
}

/* Start @p's thread, with every signal blocked in it (Python's handlers
 * run in the main thread). 0, or -1 with an exception (@p then freed). */
static int
pump_start(Pump *p)
{
    sigset_t all, old;
    int rc;

    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    rc = pthread_create(&p->tid, NULL, pump_main_nogil, p);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0) {
        errno = rc;
        PyErr_SetFromErrno(PyExc_OSError);
        pump_discard(p);
        return -1;
    }
    return 0;
}

/* Wait until a row, the end, a stop, or (@header) the header is there.
 * 0, or -1 with the exception of a signal handler (KeyboardInterrupt). */
static int
pump_wait(Pump *p, bool header)
{
    struct timespec ts;
    bool ready;

    for (;;) {
        pthread_mutex_lock(&p->lock);
        ready = p->head || p->done || p->stop || (header && p->header);
        pthread_mutex_unlock(&p->lock);
        if (ready)
            return 0;
        Py_BEGIN_ALLOW_THREADS
        pthread_mutex_lock(&p->lock);
        if (!(p->head || p->done || p->stop || (header && p->header))) {
            clock_gettime(CLOCK_MONOTONIC, &ts);
            ts.tv_nsec += PUMP_WAIT_NS;
            if (ts.tv_nsec >= 1000000000L) {
                ts.tv_sec++;
                ts.tv_nsec -= 1000000000L;
            }
            pthread_cond_timedwait(&p->more, &p->lock, &ts);
        }
        pthread_mutex_unlock(&p->lock);
        Py_END_ALLOW_THREADS
        if (PyErr_CheckSignals() < 0)
            return -1;
    }
}

/* Tell the pump to stop (at once, or at its next row). */
static void
pump_stop(Pump *p)
{
    pthread_mutex_lock(&p->lock);
    p->stop = true;
    pthread_cond_signal(&p->room);
    pthread_cond_signal(&p->more);
    pthread_mutex_unlock(&p->lock);
}

/* The iterator is done with its pump: stop it if it runs, and let go.
 * A pump whose call has returned is joined (it is ending), so that the
 * next listing's thread gets its malloc arena and SQLite cache back;
 * one still in its call is left to end by itself. */
static void
rows_release(ScPyRows *self)
{
    Pump *p = self->pump;
    pthread_t tid;
    bool done;

    if (!p)
        return;
    self->pump = NULL;
    pump_stop(p);
    pthread_mutex_lock(&p->lock);
    done = p->done;
    tid = p->tid;
    pthread_mutex_unlock(&p->lock);
    if (done)
        SC_PY_CALL(pthread_join(tid, NULL));
    else
        pthread_detach(tid);
    pump_unref(p);
}

/* Raise the pump's error as libvirtError, as the C call's would be. */
static PyObject *
rows_raise(ScPyRows *self, scError *err)
{
    PyObject *exc, *tuple = NULL, *args = NULL;

    if (err->code == SC_ERR_OK) {
        scResetError(err);
        return scPyRaise(self->defmsg);
    }
    scPyCallErrorHandler(err);
    scResetLastError();
    if (!(exc = PyObject_CallFunction(ScPyError, "s", self->defmsg)) ||
        !(tuple = scPyErrorTuple(err)))
        goto out;
    /* As libvirtError(defmsg) made in the failing thread: err, and the
     * error's message as the exception's. */
    if (!(args = PyTuple_GetSlice(tuple, 2, 3)) || PyObject_SetAttrString(exc, "err", tuple) < 0 ||
        PyObject_SetAttrString(exc, "args", args) < 0)
        goto out;
    PyErr_SetObject(ScPyError, exc);
out:
    Py_XDECREF(exc);
    Py_XDECREF(tuple);
    Py_XDECREF(args);
    scResetError(err);
    return NULL;
}

/* The next row of the pump, or NULL at the end (the pump released; an
 * exception set if the call failed or a signal handler raised). */
static Row *
rows_take(ScPyRows *self)
{
    Pump *p = self->pump;
    scError err;
    Row *row;
    bool failed;
    int rc;

    if (!p)
        return NULL;
    /* Another thread may call close() while this one waits: the pump is
     * let go here, after the wait (as generators, a second next() at the
     * same time is refused). */
    self->waiting = true;
    rc = pump_wait(p, false);
    self->waiting = false;
    if (rc < 0 || self->closing) {
        rows_release(self);
        return NULL;
    }
    pthread_mutex_lock(&p->lock);
    if ((row = p->head)) {
        if (!(p->head = row->next))
            p->tail = NULL;
        if (p->queued-- == PUMP_ROWS / 2 + 1)
            pthread_cond_signal(&p->room);
    }
    failed = !row && p->failed;
    if (failed) {
        err = p->err;
        memset(&p->err, 0, sizeof(p->err));
    }
    pthread_mutex_unlock(&p->lock);
    if (!row) {
        rows_release(self);
        if (failed)
            rows_raise(self, &err);
    }
    return row;
}

/* ---- rows as Python objects ------------------------------------------------ */

static PyObject *
text(const char *s)
{
    if (!s)
        Py_RETURN_NONE;
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t) strlen(s), "surrogateescape");
}

static int
hexval(char c)
{
    return c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static PyObject *
blob(const char *s)
{
    size_t n = strlen(s) / 2;
    PyObject *r = PyBytes_FromStringAndSize(NULL, (Py_ssize_t) n);
    char *b;

    if (!r)
        return NULL;
    b = PyBytes_AS_STRING(r);
    for (size_t i = 0; i < n; i++)
        b[i] = (char) (hexval(s[2 * i]) << 4 | hexval(s[2 * i + 1]));
    return r;
}

static PyObject *
value(const char *s, int type)
{
    double d;

    if (!s)
        Py_RETURN_NONE;
    switch (type) {
    case SC_QUERY_INTEGER:
        return PyLong_FromString(s, NULL, 10);
    case SC_QUERY_FLOAT:
        d = PyOS_string_to_double(s, NULL, NULL);
        if (d == -1.0 && PyErr_Occurred())
            return NULL;
        return PyFloat_FromDouble(d);
    case SC_QUERY_BLOB:
        return blob(s);
    default:
        return text(s);
    }
}

static PyObject *
query_row(ScPyRows *self, const Row *row)
{
    Py_ssize_t n = PyTuple_GET_SIZE(self->columns);
    PyObject *t = PyTuple_New(n), *v;

    for (Py_ssize_t i = 0; t && i < n; i++) {
        if (!(v = value(row->u.q.values[i], row->u.q.types[i]))) {
            Py_CLEAR(t);
            break;
        }
        PyTuple_SET_ITEM(t, i, v);
    }
    return t;
}

/* Fill struct sequence @r from @items (stolen), NULL if one is NULL. */
static PyObject *
fill(PyObject *r, PyObject **items, int n)
{
    bool bad = !r;

    for (int i = 0; i < n; i++) {
        if (!items[i])
            bad = true;
        else if (r)
            PyStructSequence_SET_ITEM(r, i, items[i]);
        else
            Py_DECREF(items[i]);
    }
    if (bad)
        Py_CLEAR(r);
    return r;
}

/* An id the C struct gives as -1 when there is none: None. */
static PyObject *
id_or_none(long long v)
{
    if (v < 0)
        Py_RETURN_NONE;
    return PyLong_FromLongLong(v);
}

static PyObject *
event_row(const scAuditEvent *ev)
{
    PyObject *items[] = {
        PyLong_FromLongLong(ev->id), PyLong_FromLongLong(ev->time), text(ev->action),
        text(ev->poolUUID),          text(ev->poolName),            text(ev->volumeUUID),
        text(ev->volumeName),        text(ev->detail),              text(ev->actor),
        id_or_none(ev->uid),         text(ev->userName),            text(ev->invokerVia),
        id_or_none(ev->invokerUID),  text(ev->invokerName),         id_or_none(ev->pid),
        text(ev->program),           text(ev->storcatActor),        text(ev->changes),
    };

    return fill(PyStructSequence_New(&ScPyAuditEvent_Type), items,
                (int) (sizeof(items) / sizeof(items[0])));
}

static PyObject *
fs_text(const char *s)
{
    if (!s)
        Py_RETURN_NONE;
    return PyUnicode_DecodeFSDefault(s);
}

static PyObject *
volume_row(const scStorageVolRecord *v)
{
    PyObject *items[] = {
        text(v->poolName),
        text(v->poolUUID),
        fs_text(v->name),
        fs_text(v->key),
        fs_text(v->path),
        text(v->uuid),
        PyLong_FromLong(v->state),
        PyLong_FromLong(v->type),
        text(v->format),
        PyLong_FromUnsignedLongLong(v->capacity),
        PyLong_FromUnsignedLongLong(v->allocation),
        PyLong_FromUnsignedLongLong(v->physical),
        fs_text(v->backingPath),
        text(v->backingFormat),
    };

    return fill(PyStructSequence_New(&ScPyVolRecord_Type), items, 14);
}

static PyObject *
rows_next(ScPyRows *self)
{
    Row *row;
    PyObject *r;

    if (self->waiting) {
        PyErr_SetString(PyExc_ValueError, "scRows already executing");
        return NULL;
    }
    if (!(row = rows_take(self)))
        return NULL;
    switch (self->kind) {
    case PUMP_QUERY:
    case PUMP_REPORT:
        r = query_row(self, row);
        break;
    case PUMP_EVENTS:
        r = event_row(&row->u.ev);
        break;
    default:
        r = volume_row(&row->u.vol);
        break;
    }
    free(row);
    return r;
}

/* close(), also from another thread while next() waits. */
static void
rows_stop(ScPyRows *self)
{
    if (self->waiting && self->pump) {
        self->closing = true;
        pump_stop(self->pump);
        return;
    }
    rows_release(self);
}

static PyObject *
rows_close(ScPyRows *self, PyObject *unused)
{
    rows_stop(self);
    Py_RETURN_NONE;
}

static PyObject *
rows_enter(PyObject *self, PyObject *unused)
{
    return Py_NewRef(self);
}

static PyObject *
rows_exit(ScPyRows *self, PyObject *args)
{
    rows_stop(self);
    Py_RETURN_NONE;
}

static void
rows_dealloc(ScPyRows *self)
{
    rows_release(self);
    Py_XDECREF(self->columns);
    Py_XDECREF(self->conn);
    PyObject_Free(self);
}

static PyMethodDef rows_methods[] = {
    { "close", (PyCFunction) rows_close, METH_NOARGS,
      "close($self, /)\n--\n\nStops the listing: no more rows (the C call ends at once or at its\n"
      "next row). Leaving a with block, or the iterator freed, does the same." },
    { "__enter__", rows_enter, METH_NOARGS, NULL },
    { "__exit__", (PyCFunction) rows_exit, METH_VARARGS, NULL },
    { NULL, NULL, 0, NULL }
};

static PyMemberDef rows_members[] = {
    { "columns", T_OBJECT, offsetof(ScPyRows, columns), READONLY,
      "query() and report(): the names of the columns, as the statement names them;\n"
      "None for the other listings." },
    { NULL, 0, 0, 0, NULL }
};

static PyTypeObject ScPyRows_Type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "storcat.scRows",
    .tp_basicsize = sizeof(ScPyRows),
    .tp_dealloc = (destructor) rows_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The rows of virConnect.query(), report(), listEvents() or\n"
              "listStorageVolumes(), as the C call gives them: an iterator that holds\n"
              "a few rows at a time, however many there are. close(), a with block or\n"
              "the iterator freed stops the call.",
    .tp_iter = PyObject_SelfIter,
    .tp_iternext = (iternextfunc) rows_next,
    .tp_methods = rows_methods,
    .tp_members = rows_members,
};

/* ---- the methods ---------------------------------------------------------- */

/* A pump for @kind on @conn's handle, with its own reference to it (the
 * handle of a closed connection is NULL: the C call says so). */
static Pump *
pump_new(PyObject *conn, PumpKind kind, unsigned int flags)
{
    Pump *p = calloc(1, sizeof(*p));
    pthread_condattr_t ca;

    if (!p) {
        PyErr_NoMemory();
        return NULL;
    }
    pthread_mutex_init(&p->lock, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p->more, &ca);
    pthread_condattr_destroy(&ca);
    pthread_cond_init(&p->room, NULL);
    p->refs = 2;
    p->kind = kind;
    p->flags = flags;
    p->conn = ((ScPyConnect *) conn)->conn;
    if (p->conn && scConnectRef(p->conn) < 0)
        p->conn = NULL;
    return p;
}

static int
pump_str(Pump *p, int i, const char *s)
{
    if (s && !(p->str[i] = strdup(s))) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* Start @p and make its iterator. The header, a first row or the end is
 * waited for, so that an error of the C call before any row raises here.
 * @p is consumed. */
static PyObject *
rows_new(PyObject *conn, Pump *p, const char *defmsg)
{
    ScPyRows *self;
    PyObject *names = NULL, *s;
    bool failed;

    if (!(self = PyObject_New(ScPyRows, &ScPyRows_Type)))
        return pump_discard(p);
    self->pump = NULL;
    self->waiting = self->closing = false;
    self->conn = Py_NewRef(conn);
    self->columns = Py_NewRef(Py_None);
    self->kind = p->kind;
    self->defmsg = defmsg;
    if (pump_start(p) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    self->pump = p;
    if (pump_wait(p, true) < 0) {
        Py_DECREF(self);
        return NULL;
    }
    pthread_mutex_lock(&p->lock);
    failed = !p->head && p->done && p->failed;
    if (p->header && (names = PyTuple_New(p->ncols))) {
        for (int i = 0; i < p->ncols; i++) {
            if (!(s = text(p->names[i]))) {
                Py_CLEAR(names);
                break;
            }
            PyTuple_SET_ITEM(names, i, s);
        }
    }
    pthread_mutex_unlock(&p->lock);
    if (names)
        Py_SETREF(self->columns, names);
    if (PyErr_Occurred() || (failed && !rows_take(self))) {
        Py_DECREF(self);
        return NULL;
    }
    return (PyObject *) self;
}

static int
ll_arg(PyObject *o, const char *what, long long *v)
{
    if (!o || o == Py_None)
        return 0;
    if (!PyLong_Check(o)) {
        PyErr_Format(PyExc_TypeError, "%s must be int, not %.100s", what, Py_TYPE(o)->tp_name);
        return -1;
    }
    *v = PyLong_AsLongLong(o);
    return *v == -1 && PyErr_Occurred() ? -1 : 0;
}

/* query(sql, flags=0) */
PyObject *
scPyConnQuery(PyObject *conn, FASTARGS)
{
    static const char *const names[] = { "sql", "flags", NULL };
    PyObject *a[2] = { NULL, NULL };
    const char *sql;
    unsigned int flags;
    Pump *p;

    if (scPyArgs("query", args, nargs, kw, names, 1, a) < 0 || !(sql = scPyStr(a[0], "sql")) ||
        scPyFlags(a[1], &flags) < 0 || !(p = pump_new(conn, PUMP_QUERY, flags)))
        return NULL;
    if (pump_str(p, 0, sql) < 0)
        return pump_discard(p);
    return rows_new(conn, p, "scConnectQuery() failed");
}

/* report(name, pool=None, flags=0) */
PyObject *
scPyConnReport(PyObject *conn, FASTARGS)
{
    static const char *const names[] = { "name", "pool", "flags", NULL };
    PyObject *a[3] = { NULL, NULL, NULL };
    const char *name, *pool;
    unsigned int flags;
    int bad;
    Pump *p;

    if (scPyArgs("report", args, nargs, kw, names, 1, a) < 0 || !(name = scPyStr(a[0], "name")))
        return NULL;
    pool = scPyStrOrNone(a[1], "pool", &bad);
    if (bad || scPyFlags(a[2], &flags) < 0 || !(p = pump_new(conn, PUMP_REPORT, flags)))
        return NULL;
    if (pump_str(p, 0, name) < 0 || pump_str(p, 1, pool) < 0)
        return pump_discard(p);
    return rows_new(conn, p, "scConnectReport() failed");
}

/* listEvents(pool=None, volume=None, action=None, since=0, until=0,
 * afterID=0, flags=0) */
PyObject *
scPyConnListEvents(PyObject *conn, FASTARGS)
{
    static const char *const names[] = { "pool",  "volume",  "action", "since",
                                         "until", "afterID", "flags",  NULL };
    PyObject *a[7] = { NULL, NULL, NULL, NULL, NULL, NULL, NULL };
    const char *s[3];
    long long since = 0, until = 0, after = 0;
    unsigned int flags;
    int bad = 0;
    Pump *p;

    if (scPyArgs("listEvents", args, nargs, kw, names, 0, a) < 0)
        return NULL;
    for (int i = 0; i < 3 && !bad; i++)
        s[i] = scPyStrOrNone(a[i], names[i], &bad);
    if (bad || ll_arg(a[3], "since", &since) < 0 || ll_arg(a[4], "until", &until) < 0 ||
        ll_arg(a[5], "afterID", &after) < 0 || scPyFlags(a[6], &flags) < 0 ||
        !(p = pump_new(conn, PUMP_EVENTS, flags)))
        return NULL;
    p->since = since;
    p->until = until;
    p->after = after;
    for (int i = 0; i < 3; i++)
        if (pump_str(p, i, s[i]) < 0)
            return pump_discard(p);
    return rows_new(conn, p, "scConnectListEvents() failed");
}

/* listStorageVolumes(pool=None, format=None, flags=0) */
PyObject *
scPyConnListStorageVolumes(PyObject *conn, FASTARGS)
{
    static const char *const names[] = { "pool", "format", "flags", NULL };
    PyObject *a[3] = { NULL, NULL, NULL };
    const char *format;
    unsigned int flags;
    int bad;
    Pump *p;

    if (scPyArgs("listStorageVolumes", args, nargs, kw, names, 0, a) < 0)
        return NULL;
    if (a[0] && a[0] != Py_None && !PyObject_TypeCheck(a[0], &ScPyPool_Type)) {
        PyErr_Format(PyExc_TypeError, "pool must be virStoragePool or None, not %.100s",
                     Py_TYPE(a[0])->tp_name);
        return NULL;
    }
    format = scPyStrOrNone(a[1], "format", &bad);
    if (bad || scPyFlags(a[2], &flags) < 0 || !(p = pump_new(conn, PUMP_VOLUMES, flags)))
        return NULL;
    if (a[0] && a[0] != Py_None) {
        /* A reference of the listing's own; without it, no listing (a
         * NULL pool would list every pool). */
        if (scStoragePoolRef(((ScPyPool *) a[0])->pool) < 0) {
            scPyRaise("scStoragePoolRef() failed");
            return pump_discard(p);
        }
        p->pool = ((ScPyPool *) a[0])->pool;
    }
    if (pump_str(p, 0, format) < 0)
        return pump_discard(p);
    return rows_new(conn, p, "scConnectListStorageVolumes() failed");
}

/* ---- the types ------------------------------------------------------------ */

static PyStructSequence_Field event_fields[] = {
    { "id", "its place in the trail's total order (commit order)" },
    { "time", "when, in seconds since the epoch (UTC)" },
    { "action", "\"pool-define\", \"vol-create\", \"vol-resize\", ..." },
    { "poolUUID", "the pool it concerns, or None" },
    { "poolName", "... by its name then" },
    { "volumeUUID", "the volume it concerns, or None" },
    { "volumeName", "... by its name then" },
    { "detail", "free text, or None" },
    { "actor", "who: \"user(uid) pid N program [sudo: user] $STORCAT_ACTOR\"" },
    { "uid", "the process's real user id, or None" },
    { "userName", "its user name, or None" },
    { "invokerVia", "\"sudo\" or \"pkexec\" when run for another user, or None" },
    { "invokerUID", "that user's id, or None" },
    { "invokerName", "that user's name, or None" },
    { "pid", "the process, or None" },
    { "program", "its program, or None" },
    { "storcatActor", "$STORCAT_ACTOR as given, or None" },
    { "changes", "the JSON object of what changed, {field: [old, new]}, or None" },
    { NULL, NULL },
};

static PyStructSequence_Desc event_desc = {
    "storcat.scAuditEvent",
    "One event of the audit trail (virConnect.listEvents), as the C struct\n"
    "scAuditEvent: a tuple with named fields.",
    event_fields,
    (int) (sizeof(event_fields) / sizeof(event_fields[0])) - 1,
};

static PyStructSequence_Field volume_fields[] = {
    { "poolName", NULL },
    { "poolUUID", NULL },
    { "name", NULL },
    { "key", NULL },
    { "path", NULL },
    { "uuid", NULL },
    { "state", "an SC_STORAGE_VOL_STATE_* number" },
    { "type", "a VIR_STORAGE_VOL_* type number, as info()[0]" },
    { "format", "\"raw\", \"qcow2\", ..., or None" },
    { "capacity", "bytes, as info()[1]" },
    { "allocation", "bytes, as info()[2]" },
    { "physical", "bytes" },
    { "backingPath", "None: no backing store" },
    { "backingFormat", "None: not known" },
    { NULL, NULL },
};

static PyStructSequence_Desc volume_desc = {
    "storcat.scStorageVolRecord",
    "One volume of virConnect.listStorageVolumes(), the catalog's row, as the C\n"
    "struct scStorageVolRecord: a tuple with named fields.",
    volume_fields,
    14,
};

int
scPyQueryInit(PyObject *m)
{
    if (PyType_Ready(&ScPyRows_Type) < 0 ||
        PyStructSequence_InitType2(&ScPyAuditEvent_Type, &event_desc) < 0 ||
        PyStructSequence_InitType2(&ScPyVolRecord_Type, &volume_desc) < 0 ||
        PyModule_AddObjectRef(m, "scRows", (PyObject *) &ScPyRows_Type) < 0 ||
        PyModule_AddObjectRef(m, "scAuditEvent", (PyObject *) &ScPyAuditEvent_Type) < 0 ||
        PyModule_AddObjectRef(m, "scStorageVolRecord", (PyObject *) &ScPyVolRecord_Type) < 0)
        return -1;
    return 0;
}
