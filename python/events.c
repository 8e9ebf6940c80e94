/*
 * events.c: callbacks from storcat into Python: pool, volume and secret events,
 * the default event loop's functions, and the progress callback.
 *
 * Each registration hands storcat a tuple (cb, opaque, weakref to the
 * connection object) as its opaque, released by the free callback storcat
 * calls when the registration ends (deregistered, connection closed). The
 * connection is held weakly so that a registration does not keep a
 * connection object alive: the garbage collector closes it, and closing
 * deregisters everything. Trampolines take the GIL (PyGILState_Ensure):
 * they run in the thread that runs the event loop, or, for progress, in
 * the thread of the call.
 */
#include "pystorcat.h"

#define FASTARGS PyObject *const *args, Py_ssize_t nargs, PyObject *kw

/* (cb, opaque, weakref(conn)) */
static PyObject *
cb_data(PyObject *cb, PyObject *opaque, PyObject *conn)
{
    PyObject *wr = conn ? PyWeakref_NewRef(conn, NULL) : Py_NewRef(Py_None), *t;

    if (!wr)
        return NULL;
    t = PyTuple_Pack(3, cb, opaque, wr);
    Py_DECREF(wr);
    return t;
}

/* The connection object of @data, a new reference (None if it is gone). */
static PyObject *
cb_conn(PyObject *data)
{
    PyObject *wr = PyTuple_GET_ITEM(data, 2), *c;

    if (wr == Py_None)
        return Py_NewRef(Py_None);
    c = PyWeakref_GetObject(wr);
    return Py_NewRef(c);
}

static void
cb_free(void *opaque)
{
    PyGILState_STATE g = PyGILState_Ensure();

    Py_DECREF((PyObject *) opaque);
    PyGILState_Release(g);
}

/* Call it, printing what it raises (libvirt-python prints it too). */
static void
call_printing(PyObject *cb, PyObject *args)
{
    PyObject *r;

    if (!args) {
        PyErr_Print();
        return;
    }
    r = PyObject_Call(cb, args, NULL);
    Py_DECREF(args);
    if (!r)
        PyErr_Print();
    Py_XDECREF(r);
}

static int
int_arg(PyObject *o, const char *what, int *v)
{
    long l = PyLong_AsLong(o);

    if (l == -1 && PyErr_Occurred())
        return -1;
    if (l < INT_MIN || l > INT_MAX) {
        PyErr_Format(PyExc_OverflowError, "%s out of the range of int", what);
        return -1;
    }
    *v = (int) l;
    return 0;
}

static PyObject *
pool_arg(PyObject *conn, scStoragePoolPtr pool)
{
    if (!pool || scStoragePoolRef(pool) < 0)
        Py_RETURN_NONE;
    return scPyPoolNew(conn, pool);
}

static PyObject *
vol_arg(PyObject *conn, scStorageVolPtr vol)
{
    if (!vol || scStorageVolRef(vol) < 0)
        Py_RETURN_NONE;
    return scPyVolNew(conn, vol);
}

static void
pool_lifecycle(scConnectPtr c, scStoragePoolPtr pool, int event, int detail, void *opaque)
{
    PyGILState_STATE g = PyGILState_Ensure();
    PyObject *data = opaque, *conn = cb_conn(data);

    call_printing(PyTuple_GET_ITEM(data, 0),
                  Py_BuildValue("(ONiiO)", conn, pool_arg(conn, pool), event, detail,
                                PyTuple_GET_ITEM(data, 1)));
    Py_DECREF(conn);
    PyGILState_Release(g);
}

static void
pool_generic(scConnectPtr c, scStoragePoolPtr pool, void *opaque)
{
    PyGILState_STATE g = PyGILState_Ensure();
    PyObject *data = opaque, *conn = cb_conn(data);

    call_printing(PyTuple_GET_ITEM(data, 0),
                  Py_BuildValue("(ONO)", conn, pool_arg(conn, pool), PyTuple_GET_ITEM(data, 1)));
    Py_DECREF(conn);
    PyGILState_Release(g);
}

static void
vol_lifecycle(scConnectPtr c, scStorageVolPtr vol, int event, int detail, void *opaque)
{
    PyGILState_STATE g = PyGILState_Ensure();
    PyObject *data = opaque, *conn = cb_conn(data);

    call_printing(PyTuple_GET_ITEM(data, 0),
                  Py_BuildValue("(ONiiO)", conn, vol_arg(conn, vol), event, detail,
                                PyTuple_GET_ITEM(data, 1)));
    Py_DECREF(conn);
    PyGILState_Release(g);
}

/* storagePoolEventRegisterAny(pool, eventID, cb, opaque) and the volume
 * one (@vol): cb(conn, pool, event, detail, opaque) for LIFECYCLE,
 * cb(conn, pool, opaque) for the pools' REFRESH, cb(conn, vol, event,
 * detail, opaque) for volumes. */
PyObject *
scPyConnPoolEventRegister(ScPyConnect *self, FASTARGS, int vol)
{
    static const char *const names[] = { "pool", "eventID", "cb", "opaque", NULL };
    const char *fname = vol ? "storageVolEventRegisterAny" : "storagePoolEventRegisterAny";
    PyObject *a[4] = { NULL, NULL, NULL, Py_None }, *data, *r;
    scStoragePoolPtr pool = NULL;
    scConnectPtr c;
    int id, rc;

    if (scPyArgs(fname, args, nargs, kw, names, 3, a) < 0)
        return NULL;
    if (a[0] != Py_None) {
        if (!PyObject_TypeCheck(a[0], &ScPyPool_Type)) {
            PyErr_Format(PyExc_TypeError, "%s: pool must be a virStoragePool or None", fname);
            return NULL;
        }
        pool = ((ScPyPool *) a[0])->pool;
    }
    if (int_arg(a[1], "eventID", &id) < 0)
        return NULL;
    if (!PyCallable_Check(a[2])) {
        PyErr_Format(PyExc_TypeError, "%s: cb must be callable", fname);
        return NULL;
    }
    if (!(data = cb_data(a[2], a[3], (PyObject *) self)))
        return NULL;
    c = scPyConnBegin((PyObject *) self);
    if (vol) {
        SC_PY_CALL(rc = scConnectStorageVolEventRegisterAny(
                       c, pool, id, SC_STORAGE_VOL_EVENT_CALLBACK(vol_lifecycle), data,
                       cb_free));
    } else {
        scConnectStoragePoolEventGenericCallback cb =
            id == SC_STORAGE_POOL_EVENT_ID_LIFECYCLE ? SC_STORAGE_POOL_EVENT_CALLBACK(pool_lifecycle)
                                                     : pool_generic;

        SC_PY_CALL(rc = scConnectStoragePoolEventRegisterAny(c, pool, id, cb, data, cb_free));
    }
    if (rc < 0) {
        Py_DECREF(data);
        r = scPyRaise(vol ? "scConnectStorageVolEventRegisterAny() failed"
                          : "virConnectStoragePoolEventRegisterAny() failed");
    } else {
        r = PyLong_FromLong(rc);
    }
    scPyConnEnd((PyObject *) self);
    return r;
}

/* secretEventRegisterAny(secret, eventID, cb, opaque): cb(conn, secret,
 * event, detail, opaque) for LIFECYCLE, cb(conn, secret, opaque) for
 * VALUE_CHANGED, as libvirt-python's. */
static PyObject *
secret_arg(PyObject *conn, scSecretPtr secret)
{
    if (!secret || scSecretRef(secret) < 0)
        Py_RETURN_NONE;
    return scPySecretNew(conn, secret);
}

static void
secret_lifecycle(scConnectPtr c, scSecretPtr secret, int event, int detail, void *opaque)
{
    PyGILState_STATE g = PyGILState_Ensure();
    PyObject *data = opaque, *conn = cb_conn(data);

    call_printing(PyTuple_GET_ITEM(data, 0),
                  Py_BuildValue("(ONiiO)", conn, secret_arg(conn, secret), event, detail,
                                PyTuple_GET_ITEM(data, 1)));
    Py_DECREF(conn);
    PyGILState_Release(g);
}

static void
secret_generic(scConnectPtr c, scSecretPtr secret, void *opaque)
{
    PyGILState_STATE g = PyGILState_Ensure();
    PyObject *data = opaque, *conn = cb_conn(data);

    call_printing(PyTuple_GET_ITEM(data, 0),
                  Py_BuildValue("(ONO)", conn, secret_arg(conn, secret),
                                PyTuple_GET_ITEM(data, 1)));
    Py_DECREF(conn);
    PyGILState_Release(g);
}

PyObject *
scPyConnSecretEventRegister(ScPyConnect *self, FASTARGS)
{
    static const char *const names[] = { "secret", "eventID", "cb", "opaque", NULL };
    PyObject *a[4] = { NULL, NULL, NULL, Py_None }, *data, *r;
    scConnectSecretEventGenericCallback cb;
    scSecretPtr secret = NULL;
    scConnectPtr c;
    int id, rc;

    if (scPyArgs("secretEventRegisterAny", args, nargs, kw, names, 3, a) < 0)
        return NULL;
    if (a[0] != Py_None) {
        if (!PyObject_TypeCheck(a[0], &ScPySecret_Type)) {
            PyErr_SetString(PyExc_TypeError,
                            "secretEventRegisterAny: secret must be a virSecret or None");
            return NULL;
        }
        secret = ((ScPySecret *) a[0])->secret;
    }
    if (int_arg(a[1], "eventID", &id) < 0)
        return NULL;
    if (!PyCallable_Check(a[2])) {
        PyErr_SetString(PyExc_TypeError, "secretEventRegisterAny: cb must be callable");
        return NULL;
    }
    if (!(data = cb_data(a[2], a[3], (PyObject *) self)))
        return NULL;
    cb = id == SC_SECRET_EVENT_ID_LIFECYCLE ? SC_SECRET_EVENT_CALLBACK(secret_lifecycle)
                                            : secret_generic;
    c = scPyConnBegin((PyObject *) self);
    SC_PY_CALL(rc = scConnectSecretEventRegisterAny(c, secret, id, cb, data, cb_free));
    if (rc < 0) {
        Py_DECREF(data);
        r = scPyRaise("virConnectSecretEventRegisterAny() failed");
    } else {
        r = PyLong_FromLong(rc);
    }
    scPyConnEnd((PyObject *) self);
    return r;
}

/* The deregistering calls' names, by SC_PY_EV_*. */
static const struct {
    const char *fname, *defmsg;
} deregister[] = {
    [SC_PY_EV_POOL] = { "storagePoolEventDeregisterAny",
                        "virConnectStoragePoolEventDeregisterAny() failed" },
    [SC_PY_EV_VOL] = { "storageVolEventDeregisterAny",
                       "scConnectStorageVolEventDeregisterAny() failed" },
    [SC_PY_EV_SECRET] = { "secretEventDeregisterAny",
                          "virConnectSecretEventDeregisterAny() failed" },
};

PyObject *
scPyConnEventDeregister(ScPyConnect *self, FASTARGS, int kind)
{
    static const char *const names[] = { "callbackID", NULL };
    PyObject *a[1], *r;
    scConnectPtr c;
    int id, rc;

    if (scPyArgs(deregister[kind].fname, args, nargs, kw, names, 1, a) < 0)
        return NULL;
    if (int_arg(a[0], "callbackID", &id) < 0)
        return NULL;
    c = scPyConnBegin((PyObject *) self);
    SC_PY_CALL(rc = kind == SC_PY_EV_POOL  ? scConnectStoragePoolEventDeregisterAny(c, id)
                    : kind == SC_PY_EV_VOL ? scConnectStorageVolEventDeregisterAny(c, id)
                                           : scConnectSecretEventDeregisterAny(c, id));
    r = rc < 0 ? scPyRaise(deregister[kind].defmsg) : Py_NewRef(Py_None);
    scPyConnEnd((PyObject *) self);
    return r;
}

/* ---- progress ---------------------------------------------------------------- */

/* In the thread of the call, with @conn busy. An exception (the callback's,
 * or KeyboardInterrupt from a Ctrl-C that arrived meanwhile) is left set in
 * the thread for the call's wrapper to raise, and stops the operation. */
static int
progress(scConnectPtr c, const char *op, unsigned long long done, unsigned long long total,
         void *opaque)
{
    PyGILState_STATE g = PyGILState_Ensure();
    PyObject *data = opaque, *conn, *r;
    int rc = -1;

    if (PyErr_Occurred() || PyErr_CheckSignals() < 0)
        goto out;
    conn = cb_conn(data);
    r = PyObject_CallFunction(PyTuple_GET_ITEM(data, 0), "OsKKO", conn, op, done, total,
                              PyTuple_GET_ITEM(data, 1));
    Py_DECREF(conn);
    if (!r)
        goto out;
    rc = PyLong_Check(r) && PyLong_AsLong(r) < 0 ? -1 : 0;
    PyErr_Clear();
    Py_DECREF(r);
out:
    PyGILState_Release(g);
    return rc;
}

PyObject *
scPyConnSetProgress(ScPyConnect *self, FASTARGS)
{
    static const char *const names[] = { "cb", "opaque", NULL };
    PyObject *a[2] = { NULL, Py_None }, *data = NULL, *r;
    scConnectPtr c;
    int rc;

    if (scPyArgs("setProgressCallback", args, nargs, kw, names, 1, a) < 0)
        return NULL;
    if (a[0] != Py_None) {
        if (!PyCallable_Check(a[0])) {
            PyErr_SetString(PyExc_TypeError, "setProgressCallback: cb must be callable or None");
            return NULL;
        }
        if (!(data = cb_data(a[0], a[1], (PyObject *) self)))
            return NULL;
    }
    c = scPyConnBegin((PyObject *) self);
    SC_PY_CALL(rc = scConnectSetProgressCallback(c, data ? progress : NULL, data,
                                                 data ? cb_free : NULL));
    if (rc < 0) {
        Py_XDECREF(data);
        r = scPyRaise("scConnectSetProgressCallback() failed");
    } else {
        r = PyLong_FromLong(rc);
    }
    scPyConnEnd((PyObject *) self);
    return r;
}

/* ---- the default event loop ----------------------------------------------------- */

static PyObject *
ev_register_default(PyObject *m, PyObject *unused)
{
    int rc;

    SC_PY_CALL(rc = scEventRegisterDefaultImpl());
    return rc < 0 ? scPyRaise("virEventRegisterDefaultImpl() failed") : PyLong_FromLong(rc);
}

static PyObject *
ev_run_default(PyObject *m, PyObject *unused)
{
    int rc;

    SC_PY_CALL(rc = scEventRunDefaultImpl());
    if (rc < 0)
        return scPyRaise("virEventRunDefaultImpl() failed");
    if (PyErr_CheckSignals() < 0)
        return NULL;
    return PyLong_FromLong(rc);
}

static void
timeout_cb(int timer, void *opaque)
{
    PyGILState_STATE g = PyGILState_Ensure();
    PyObject *data = opaque;

    call_printing(PyTuple_GET_ITEM(data, 0), Py_BuildValue("(iO)", timer, PyTuple_GET_ITEM(data, 1)));
    PyGILState_Release(g);
}

static void
handle_cb(int watch, int fd, int events, void *opaque)
{
    PyGILState_STATE g = PyGILState_Ensure();
    PyObject *data = opaque;

    call_printing(PyTuple_GET_ITEM(data, 0),
                  Py_BuildValue("(iiiO)", watch, fd, events, PyTuple_GET_ITEM(data, 1)));
    PyGILState_Release(g);
}

/* virEventAddTimeout(timeout, cb, opaque): cb(timer, opaque). */
static PyObject *
ev_add_timeout(PyObject *m, PyObject *args)
{
    PyObject *cb, *opaque, *data;
    int timeout, id;

    if (!PyArg_ParseTuple(args, "iOO:virEventAddTimeout", &timeout, &cb, &opaque))
        return NULL;
    if (!(data = cb_data(cb, opaque, NULL)))
        return NULL;
    SC_PY_CALL(id = scEventAddTimeout(timeout, timeout_cb, data, cb_free));
    if (id < 0) {
        Py_DECREF(data);
        return scPyRaise("virEventAddTimeout() failed");
    }
    return PyLong_FromLong(id);
}

/* virEventAddHandle(fd, events, cb, opaque): cb(watch, fd, events, opaque). */
static PyObject *
ev_add_handle(PyObject *m, PyObject *args)
{
    PyObject *cb, *opaque, *data;
    int fd, events, id;

    if (!PyArg_ParseTuple(args, "iiOO:virEventAddHandle", &fd, &events, &cb, &opaque))
        return NULL;
    if (!(data = cb_data(cb, opaque, NULL)))
        return NULL;
    SC_PY_CALL(id = scEventAddHandle(fd, events, handle_cb, data, cb_free));
    if (id < 0) {
        Py_DECREF(data);
        return scPyRaise("virEventAddHandle() failed");
    }
    return PyLong_FromLong(id);
}

static PyObject *
ev_update_timeout(PyObject *m, PyObject *args)
{
    int timer, timeout;

    if (!PyArg_ParseTuple(args, "ii:virEventUpdateTimeout", &timer, &timeout))
        return NULL;
    SC_PY_CALL(scEventUpdateTimeout(timer, timeout));
    Py_RETURN_NONE;
}

static PyObject *
ev_update_handle(PyObject *m, PyObject *args)
{
    int watch, events;

    if (!PyArg_ParseTuple(args, "ii:virEventUpdateHandle", &watch, &events))
        return NULL;
    SC_PY_CALL(scEventUpdateHandle(watch, events));
    Py_RETURN_NONE;
}

static PyObject *
ev_remove_timeout(PyObject *m, PyObject *args)
{
    int timer, rc;

    if (!PyArg_ParseTuple(args, "i:virEventRemoveTimeout", &timer))
        return NULL;
    SC_PY_CALL(rc = scEventRemoveTimeout(timer));
    return rc < 0 ? scPyRaise("virEventRemoveTimeout() failed") : PyLong_FromLong(rc);
}

static PyObject *
ev_remove_handle(PyObject *m, PyObject *args)
{
    int watch, rc;

    if (!PyArg_ParseTuple(args, "i:virEventRemoveHandle", &watch))
        return NULL;
    SC_PY_CALL(rc = scEventRemoveHandle(watch));
    return rc < 0 ? scPyRaise("virEventRemoveHandle() failed") : PyLong_FromLong(rc);
}

PyMethodDef scPyEventFunctions[] = {
    { "virEventRegisterDefaultImpl", ev_register_default, METH_NOARGS,
      "virEventRegisterDefaultImpl()\n--\n\n" DOC_scEventRegisterDefaultImpl },
    { "virEventRunDefaultImpl", ev_run_default, METH_NOARGS,
      "virEventRunDefaultImpl()\n--\n\n"
      "Runs one iteration with the GIL released: event callbacks run in this thread.\n\n"
      DOC_scEventRunDefaultImpl },
    { "virEventAddTimeout", ev_add_timeout, METH_VARARGS,
      "virEventAddTimeout(timeout, cb, opaque)\n--\n\ncb(timer, opaque).\n\n" DOC_scEventAddTimeout },
    { "virEventAddHandle", ev_add_handle, METH_VARARGS,
      "virEventAddHandle(fd, events, cb, opaque)\n--\n\ncb(watch, fd, events, opaque).\n\n"
      DOC_scEventAddHandle },
    { "virEventUpdateTimeout", ev_update_timeout, METH_VARARGS,
      "virEventUpdateTimeout(timer, timeout)\n--\n\n" DOC_scEventUpdateTimeout },
    { "virEventUpdateHandle", ev_update_handle, METH_VARARGS,
      "virEventUpdateHandle(watch, events)\n--\n\n" DOC_scEventUpdateHandle },
    { "virEventRemoveTimeout", ev_remove_timeout, METH_VARARGS,
      "virEventRemoveTimeout(timer)\n--\n\n" DOC_scEventRemoveTimeout },
    { "virEventRemoveHandle", ev_remove_handle, METH_VARARGS,
      "virEventRemoveHandle(watch)\n--\n\n" DOC_scEventRemoveHandle },
    { NULL, NULL, 0, NULL }
};
