/*
 * error.c: libvirtError and the error handler, as libvirt-python's.
 *
 * libvirtError (also storcat.Error) is an Exception whose constructor
 * reads the thread's last storcat error: err is libvirt-python's 9-tuple
 * (code, domain, message, level, str1, str2, str3, int1, int2) with
 * libvirt's numbers, or None; its message is the error's, else the
 * default message given. Its methods get_error_code() ... get_int2()
 * read that tuple. The class is made with the C API and its methods are
 * C functions, so that a caller cannot tell it from libvirt-python's.
 */
#include "pystorcat.h"

PyObject *ScPyError;

__thread int scPyNoErrorHandler;

static PyObject *py_handler;     /* registerErrorHandler's f, or NULL */
static PyObject *py_handler_ctx; /* and its ctx */

static PyObject *
str_or_none(const char *s)
{
    if (!s)
        Py_RETURN_NONE;
    return PyUnicode_DecodeUTF8(s, (Py_ssize_t) strlen(s), "replace");
}

PyObject *
scPyErrorTuple(const scError *err)
{
    return Py_BuildValue("(iiNiNNNii)", err->code, err->domain, str_or_none(err->message),
                         (int) err->level, str_or_none(err->str1), str_or_none(err->str2),
                         str_or_none(err->str3), err->int1, err->int2);
}

PyObject *
scPyGetLastError(PyObject *self, PyObject *unused)
{
    scErrorPtr err = scGetLastError();

    if (!err || err->code == SC_ERR_OK)
        Py_RETURN_NONE;
    return scPyErrorTuple(err);
}

PyObject *
scPyRaise(const char *defmsg)
{
    PyObject *exc;

    if (PyErr_Occurred())
        return NULL;
    exc = PyObject_CallFunction(ScPyError, "s", defmsg);
    if (exc) {
        PyErr_SetObject(ScPyError, exc);
        Py_DECREF(exc);
    }
    return NULL;
}

int
scPyRaiseInt(const char *defmsg)
{
    scPyRaise(defmsg);
    return -1;
}

/* libvirtError.__init__(self, defmsg) */
static PyObject *
error_init(PyObject *self, PyObject *args)
{
    PyObject *me = self, *defmsg, *err, *msg, *r;
    scErrorPtr e;

    if (!PyArg_ParseTuple(args, "O:libvirtError", &defmsg))
        return NULL;
    e = scGetLastError();
    if (e && e->code != SC_ERR_OK) {
        if (!(err = scPyErrorTuple(e)))
            return NULL;
        msg = PyTuple_GET_ITEM(err, 2);
    } else {
        err = Py_NewRef(Py_None);
        msg = defmsg;
    }
    r = PyObject_CallMethod(PyExc_Exception, "__init__", "OO", me, msg);
    if (!r || PyObject_SetAttrString(me, "err", err) < 0) {
        Py_XDECREF(r);
        Py_DECREF(err);
        return NULL;
    }
    Py_DECREF(r);
    Py_DECREF(err);
    Py_RETURN_NONE;
}

/* get_error_code() ... get_int2(): item N of self.err, or None. */
static PyObject *
error_item(PyObject *self, Py_ssize_t i)
{
    PyObject *err = PyObject_GetAttrString(self, "err"), *r;

    if (!err)
        return NULL;
    if (err == Py_None)
        return err;
    r = PySequence_GetItem(err, i);
    Py_DECREF(err);
    return r;
}

#define ITEM_GETTER(fname, i)                                                                  \
    static PyObject *error_##fname(PyObject *self, PyObject *unused)                          \
    {                                                                                          \
        return error_item(self, i);                                                            \
    }
ITEM_GETTER(get_error_code, 0)
ITEM_GETTER(get_error_domain, 1)
ITEM_GETTER(get_error_message, 2)
ITEM_GETTER(get_error_level, 3)
ITEM_GETTER(get_str1, 4)
ITEM_GETTER(get_str2, 5)
ITEM_GETTER(get_str3, 6)
ITEM_GETTER(get_int1, 7)
ITEM_GETTER(get_int2, 8)

static PyMethodDef error_methods[] = {
    { "get_error_code", error_get_error_code, METH_NOARGS,
      "The error's code: an SC_ERR_* (VIR_ERR_*) number, libvirt's where libvirt has it." },
    { "get_error_domain", error_get_error_domain, METH_NOARGS,
      "The part that reported it: an SC_FROM_* (VIR_FROM_*) number." },
    { "get_error_message", error_get_error_message, METH_NOARGS, "The error's message." },
    { "get_error_level", error_get_error_level, METH_NOARGS, "SC_ERR_ERROR (2)." },
    { "get_str1", error_get_str1, METH_NOARGS, "The code's text." },
    { "get_str2", error_get_str2, METH_NOARGS, "The details." },
    { "get_str3", error_get_str3, METH_NOARGS, "None." },
    { "get_int1", error_get_int1, METH_NOARGS, "The errno of a system error, else -1." },
    { "get_int2", error_get_int2, METH_NOARGS, "-1." },
    { NULL, NULL, 0, NULL }
};

static PyMethodDef error_init_def = {
    "__init__", error_init, METH_VARARGS,
    "libvirtError(defmsg): the thread's last storcat error, or defmsg if there is none."
};

/* Call the Python handler as f(ctx, err), keeping any exception that is
 * pending (GIL held). */
void
scPyCallErrorHandler(const scError *err)
{
    PyObject *type, *value, *tb, *tuple, *r;

    if (py_handler) {
        PyErr_Fetch(&type, &value, &tb);
        tuple = scPyErrorTuple(err);
        r = tuple ? PyObject_CallFunction(py_handler, "OO", py_handler_ctx, tuple) : NULL;
        if (!r)
            PyErr_WriteUnraisable(py_handler);
        Py_XDECREF(r);
        Py_XDECREF(tuple);
        PyErr_Restore(type, value, tb);
    }
}

/* scErrorFunc: the Python handler, in the failing thread; not in a thread
 * that runs no Python code (query.c's pumps, which hand their errors to
 * the Python thread: it calls the handler). */
static void
error_func(void *data, scErrorPtr err)
{
    PyGILState_STATE g;

    if (!err || err->code == SC_ERR_OK || scPyNoErrorHandler)
        return;
    g = PyGILState_Ensure();
    scPyCallErrorHandler(err);
    PyGILState_Release(g);
}

PyObject *
scPyRegisterErrorHandler(PyObject *self, PyObject *args)
{
    PyObject *f, *ctx, *old_f, *old_ctx;

    if (!PyArg_ParseTuple(args, "OO:registerErrorHandler", &f, &ctx))
        return NULL;
    if (f != Py_None && !PyCallable_Check(f)) {
        PyErr_SetString(PyExc_TypeError, "registerErrorHandler: f must be callable or None");
        return NULL;
    }
    old_f = py_handler;
    old_ctx = py_handler_ctx;
    if (f == Py_None) {
        py_handler = py_handler_ctx = NULL;
        scSetErrorFunc(NULL, NULL);
    } else {
        py_handler = Py_NewRef(f);
        py_handler_ctx = Py_NewRef(ctx);
        scSetErrorFunc(NULL, error_func);
    }
    Py_XDECREF(old_f);
    Py_XDECREF(old_ctx);
    return PyLong_FromLong(1);
}

int
scPyErrorInit(PyObject *module)
{
    PyObject *cls, *fn;

    cls = PyErr_NewExceptionWithDoc(
        "storcat.libvirtError",
        "An error of a storcat call, as libvirt-python's libvirtError: err is the\n"
        "9-tuple (code, domain, message, level, str1, str2, str3, int1, int2)\n"
        "with libvirt's numbers, or None; get_error_code() ... get_int2() read it.",
        NULL, NULL);
    if (!cls)
        return -1;
    for (PyMethodDef *m = error_methods; m->ml_name; m++) {
        fn = PyDescr_NewMethod((PyTypeObject *) cls, m);
        if (!fn || PyObject_SetAttrString(cls, m->ml_name, fn) < 0) {
            Py_XDECREF(fn);
            Py_DECREF(cls);
            return -1;
        }
        Py_DECREF(fn);
    }
    fn = PyDescr_NewMethod((PyTypeObject *) cls, &error_init_def);
    if (!fn || PyObject_SetAttrString(cls, "__init__", fn) < 0) {
        Py_XDECREF(fn);
        Py_DECREF(cls);
        return -1;
    }
    Py_DECREF(fn);
    ScPyError = cls;
    if (PyModule_AddObjectRef(module, "libvirtError", cls) < 0 ||
        PyModule_AddObjectRef(module, "Error", cls) < 0)
        return -1;
    return 0;
}
