/*
 * pystorcat.h: what the files of the Python module share (never installed).
 *
 * The module "storcat" is libvirt-python's storage half over libstorcat's
 * public API: the classes virConnect, virStoragePool, virStorageVol,
 * virStream and virSecret (also named scConnect, ...) with libvirt-python's
 * method names,
 * arguments and results, and libvirtError. Each class is a C type whose
 * object holds one reference to its storcat handle, dropped when Python
 * frees the object; pools, volumes and streams also hold their Python
 * connection, as libvirt-python's _conn.
 *
 * Every call that may touch storage or the catalog runs with the GIL
 * released (SC_PY_CALL); callbacks from storcat take it back
 * (PyGILState_Ensure). The error of a failed call is read right after it,
 * in the same thread, before anything else can call storcat.
 */
#ifndef PYSTORCAT_H
#define PYSTORCAT_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <storcat/storcat.h>

#include "docs.h" /* DOC_scFunction: the header's doc blocks (gen.py) */

/* A connection. Calls in flight keep the handle: close() while one runs
 * closes it when the last one returns (all under the GIL). */
typedef struct {
    PyObject_HEAD
    scConnectPtr conn;     /* NULL once closed */
    int busy;              /* calls running with the GIL released */
    int close_pending;     /* close() came while busy */
    PyObject *weakrefs;
} ScPyConnect;

typedef struct {
    PyObject_HEAD
    scStoragePoolPtr pool;
    PyObject *conn;        /* the ScPyConnect (a strong reference) */
} ScPyPool;

typedef struct {
    PyObject_HEAD
    scStorageVolPtr vol;
    PyObject *conn;
} ScPyVol;

typedef struct {
    PyObject_HEAD
    scStreamPtr st;
    PyObject *conn;
} ScPyStream;

typedef struct {
    PyObject_HEAD
    scSecretPtr secret;
    PyObject *conn;
} ScPySecret;

extern PyTypeObject ScPyConnect_Type;
extern PyTypeObject ScPyPool_Type;
extern PyTypeObject ScPyVol_Type;
extern PyTypeObject ScPyStream_Type;
extern PyTypeObject ScPySecret_Type;
extern PyObject *ScPyError;   /* storcat.libvirtError */

/* Run @stmt with the GIL released. */
#define SC_PY_CALL(stmt)                                                       \
    do {                                                                       \
        Py_BEGIN_ALLOW_THREADS stmt;                                           \
        Py_END_ALLOW_THREADS                                                   \
    } while (0)

/* error.c */
/* Raise libvirtError from the thread's last storcat error (or @defmsg if
 * there is none), unless a Python exception is set already (one a
 * callback raised: KeyboardInterrupt in a progress callback); NULL. */
PyObject *scPyRaise(const char *defmsg);
/* The same, for callers that return int: -1. */
int scPyRaiseInt(const char *defmsg);
PyObject *scPyErrorTuple(const scError *err);
int scPyErrorInit(PyObject *module);
PyObject *scPyRegisterErrorHandler(PyObject *self, PyObject *args);
PyObject *scPyGetLastError(PyObject *self, PyObject *unused);
/* registerErrorHandler's handler with @err (GIL held). */
void scPyCallErrorHandler(const scError *err);
/* Set in a thread that must not call the handler (it runs no Python). */
extern __thread int scPyNoErrorHandler;

/* args.c: arguments by position or keyword (METH_FASTCALL | METH_KEYWORDS).
 * @names lists every parameter; the first @required must be given; the
 * others are left as they are in @out (preset them). Returns 0 or -1. */
int scPyArgs(const char *fname, PyObject *const *args, Py_ssize_t nargs, PyObject *kwnames,
             const char *const *names, int required, PyObject **out);
int scPyFlags(PyObject *o, unsigned int *flags);     /* None, or an int cut to unsigned int */
int scPyULL(PyObject *o, unsigned long long *v);
const char *scPyStr(PyObject *o, const char *what);  /* a str; NULL with TypeError, or
                                                      * ValueError for a NUL in it */
/* An argument of a libvirt call taking a C string: a str (as scPyStr), or
 * None, which is NULL for the call to refuse. 0, or -1 with the error. */
int scPyCStr(PyObject *o, const char *what, const char **s);
const char *scPyStrOrNone(PyObject *o, const char *what, int *err);
PyObject *scPyStrOwned(char *s, const char *defmsg);  /* frees @s; NULL -> raise */

/* The result of a call that returns an int and may report progress: an
 * exception a progress callback left (KeyboardInterrupt) wins. */
static inline PyObject *
scPyInt(int rc, const char *defmsg)
{
    if (rc < 0)
        return scPyRaise(defmsg);
    if (PyErr_Occurred())
        return NULL;
    return PyLong_FromLong(rc);
}

/* Objects from new storcat references (stolen; freed on failure). */
PyObject *scPyPoolNew(PyObject *conn, scStoragePoolPtr pool);
PyObject *scPyVolNew(PyObject *conn, scStorageVolPtr vol);
PyObject *scPyStreamNew(PyObject *conn, scStreamPtr st);
PyObject *scPySecretNew(PyObject *conn, scSecretPtr secret);

/* conn.c: the handle of a connection object for a call (NULL if closed,
 * which storcat then reports as an invalid connection); end the call. */
scConnectPtr scPyConnBegin(PyObject *conn);
void scPyConnEnd(PyObject *conn);

/* events.c */
PyObject *scPyConnPoolEventRegister(ScPyConnect *self, PyObject *const *args, Py_ssize_t nargs,
                                    PyObject *kwnames, int vol);
/* Which deregistering call: SC_PY_EV_*. */
enum { SC_PY_EV_POOL, SC_PY_EV_VOL, SC_PY_EV_SECRET };
PyObject *scPyConnEventDeregister(ScPyConnect *self, PyObject *const *args, Py_ssize_t nargs,
                                  PyObject *kwnames, int kind);
PyObject *scPyConnSecretEventRegister(ScPyConnect *self, PyObject *const *args, Py_ssize_t nargs,
                                      PyObject *kwnames);
PyObject *scPyConnSetProgress(ScPyConnect *self, PyObject *const *args, Py_ssize_t nargs,
                              PyObject *kwnames);
extern PyMethodDef scPyEventFunctions[];

/* query.c: storcat's listings (issue 14's calls) as iterators of rows,
 * each C call in a thread of its own that never takes the GIL. */
PyObject *scPyConnQuery(PyObject *conn, PyObject *const *args, Py_ssize_t nargs,
                        PyObject *kwnames);
PyObject *scPyConnReport(PyObject *conn, PyObject *const *args, Py_ssize_t nargs,
                         PyObject *kwnames);
PyObject *scPyConnListEvents(PyObject *conn, PyObject *const *args, Py_ssize_t nargs,
                             PyObject *kwnames);
PyObject *scPyConnListStorageVolumes(PyObject *conn, PyObject *const *args, Py_ssize_t nargs,
                                     PyObject *kwnames);
int scPyQueryInit(PyObject *module);

#endif /* PYSTORCAT_H */
