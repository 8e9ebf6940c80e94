/*
 * args.c: arguments and results of the module's methods.
 *
 * Methods take their arguments by position or by keyword, as
 * libvirt-python's (Python functions) do, through one small parser over
 * METH_FASTCALL's array: no tuple or dict is built per call, which keeps
 * a lookup from Python within a microsecond or two of the C call
 * (bench/bench_python.py).
 */
#include "pystorcat.h"

int
scPyArgs(const char *fname, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
         const char *const *names, int required, PyObject **out)
{
    Py_ssize_t n = 0, i, j, nkw = kwnames ? PyTuple_GET_SIZE(kwnames) : 0;
    unsigned long given = 0;

    while (names[n])
        n++;
    if (nargs > n) {
        PyErr_Format(PyExc_TypeError, "%s() takes at most %zd arguments (%zd given)", fname, n,
                     nargs + nkw);
        return -1;
    }
    for (i = 0; i < nargs; i++) {
        out[i] = args[i];
        given |= 1UL << i;
    }
    for (j = 0; j < nkw; j++) {
        PyObject *key = PyTuple_GET_ITEM(kwnames, j);
        const char *k = PyUnicode_AsUTF8(key);

        if (!k)
            return -1;
        for (i = 0; i < n; i++)
            if (strcmp(k, names[i]) == 0)
                break;
        if (i == n) {
            PyErr_Format(PyExc_TypeError, "%s() got an unexpected keyword argument '%s'", fname,
                         k);
            return -1;
        }
        if (given & (1UL << i)) {
            PyErr_Format(PyExc_TypeError, "%s() got multiple values for argument '%s'", fname,
                         k);
            return -1;
        }
        out[i] = args[nargs + j];
        given |= 1UL << i;
    }
    for (i = 0; i < required; i++) {
        if (!(given & (1UL << i))) {
            PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s'", fname,
                         names[i]);
            return -1;
        }
    }
    return 0;
}

int
scPyFlags(PyObject *o, unsigned int *flags)
{
    PyObject *i;
    unsigned long long v;

    if (!o || o == Py_None) {
        *flags = 0;
        return 0;
    }
    /* As libvirt-python's "I": any int, cut to unsigned int without an
     * overflow check, so that -1 is flags 0xffffffff, which the call
     * refuses as unsupported flags (libvirtError), as libvirt's. */
    if (!(i = PyNumber_Index(o)))
        return -1;
    v = PyLong_AsUnsignedLongLongMask(i);
    Py_DECREF(i);
    if (v == (unsigned long long) -1 && PyErr_Occurred())
        return -1;
    *flags = (unsigned int) v;
    return 0;
}

int
scPyULL(PyObject *o, unsigned long long *v)
{
    if (!PyLong_Check(o)) {
        /* libvirt-python takes bools and other integers alike. */
        PyObject *i = PyNumber_Index(o);

        if (!i)
            return -1;
        *v = PyLong_AsUnsignedLongLong(i);
        Py_DECREF(i);
    } else {
        *v = PyLong_AsUnsignedLongLong(o);
    }
    if (*v == (unsigned long long) -1 && PyErr_Occurred())
        return -1;
    return 0;
}

const char *
scPyStr(PyObject *o, const char *what)
{
    const char *s;
    Py_ssize_t len;

    if (!PyUnicode_Check(o)) {
        PyErr_Format(PyExc_TypeError, "%s must be str, not %.100s", what, Py_TYPE(o)->tp_name);
        return NULL;
    }
    if (!(s = PyUnicode_AsUTF8AndSize(o, &len)))
        return NULL;
    /* A C string ends at the first NUL: "v1\0x" would name volume "v1".
     * Refused as libvirt-python's argument parsing refuses it. */
    if (strlen(s) != (size_t) len) {
        PyErr_Format(PyExc_ValueError, "%s: embedded null character", what);
        return NULL;
    }
    return s;
}

int
scPyCStr(PyObject *o, const char *what, const char **s)
{
    /* None is NULL, as libvirt-python's "z": the call refuses it with
     * libvirt's error (SC_ERR_INVALID_ARG, "must not be NULL"). */
    if (o == Py_None) {
        *s = NULL;
        return 0;
    }
    return (*s = scPyStr(o, what)) ? 0 : -1;
}

const char *
scPyStrOrNone(PyObject *o, const char *what, int *err)
{
    const char *s;

    *err = 0;
    if (!o || o == Py_None)
        return NULL;
    if (!(s = scPyStr(o, what)))
        *err = 1;
    return s;
}

PyObject *
scPyStrOwned(char *s, const char *defmsg)
{
    PyObject *r;

    if (!s)
        return scPyRaise(defmsg);
    r = PyUnicode_DecodeUTF8(s, (Py_ssize_t) strlen(s), "surrogateescape");
    free(s);
    return r;
}
