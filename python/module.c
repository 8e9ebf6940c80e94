/*
 * module.c: the module "storcat": its functions, classes and constants.
 *
 * A Python tool written for libvirt-python's storage calls ports by its
 * import: `import storcat as libvirt`. So the module has libvirt-python's
 * module functions (open, openReadOnly, openAuth, getVersion,
 * registerErrorHandler, virGetLastError..., the event loop's), its
 * classes (virConnect, virStoragePool, virStorageVol, virStream, each also
 * as scConnect, ...; libvirtError, also Error) and every constant of
 * storcat.h under its SC_ name and libvirt's VIR_ name (python/gen.py
 * reads them from the header), and libvirt's error codes and domains
 * that storcat never reports (python/libvirt-codes.txt).
 */
#include "pystorcat.h"

typedef struct {
    const char *name; /* without the SC_ prefix */
    long long value;
} ScPyConstant;

#include "constants.h"

typedef scConnectPtr (*Opener)(const char *);

static PyObject *
open_with(PyObject *const *args, Py_ssize_t nargs, PyObject *kw, const char *fname, Opener fn,
          const char *defmsg)
{
    static const char *const names[] = { "name", NULL };
    PyObject *a[1] = { NULL };
    const char *name;
    scConnectPtr c;
    ScPyConnect *self;
    int bad;

    if (scPyArgs(fname, args, nargs, kw, names, 0, a) < 0)
        return NULL;
    name = scPyStrOrNone(a[0], "name", &bad);
    if (bad)
        return NULL;
    SC_PY_CALL(c = fn(name));
    if (!c)
        return scPyRaise(defmsg);
    if (!(self = PyObject_New(ScPyConnect, &ScPyConnect_Type))) {
        SC_PY_CALL(scConnectClose(c));
        return NULL;
    }
    self->conn = c;
    self->busy = self->close_pending = 0;
    self->weakrefs = NULL;
    return (PyObject *) self;
}

static PyObject *
mod_open(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw)
{
    return open_with(args, nargs, kw, "open", scConnectOpen, "virConnectOpen() failed");
}

static PyObject *
mod_openReadOnly(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw)
{
    return open_with(args, nargs, kw, "openReadOnly", scConnectOpenReadOnly,
                     "virConnectOpenReadOnly() failed");
}

static __thread unsigned int open_auth_flags;

static scConnectPtr
open_auth(const char *name)
{
    return scConnectOpenAuth(name, NULL, open_auth_flags);
}

/* openAuth(uri, auth, flags=0): auth is libvirt-python's
 * [credtypes, callback, cbdata]; storcat asks for no credentials, so it
 * is accepted and not called. */
static PyObject *
mod_openAuth(PyObject *m, PyObject *const *args, Py_ssize_t nargs, PyObject *kw)
{
    static const char *const names[] = { "uri", "auth", "flags", NULL };
    PyObject *a[3] = { NULL, Py_None, NULL };
    unsigned int flags;

    if (scPyArgs("openAuth", args, nargs, kw, names, 1, a) < 0 || scPyFlags(a[2], &flags) < 0)
        return NULL;
    if (a[1] != Py_None && !PySequence_Check(a[1])) {
        PyErr_SetString(PyExc_TypeError, "openAuth: auth must be a list [credtypes, cb, cbdata]");
        return NULL;
    }
    open_auth_flags = flags;
    return open_with(a, 1, NULL, "openAuth", open_auth, "virConnectOpenAuth() failed");
}

/* getVersion(name=None): the library's version, or (library, driver). */
static PyObject *
mod_getVersion(PyObject *m, PyObject *args)
{
    const char *name = NULL;
    unsigned long lib = 0, drv = 0;
    int rc;

    if (!PyArg_ParseTuple(args, "|z:getVersion", &name))
        return NULL;
    rc = scGetVersion(&lib, name, name ? &drv : NULL);
    if (rc < 0)
        return scPyRaise("virGetVersion() failed");
    if (!name)
        return PyLong_FromUnsignedLong(lib);
    return Py_BuildValue("(kk)", lib, drv);
}

static PyObject *
mod_virGetLastErrorCode(PyObject *m, PyObject *unused)
{
    return PyLong_FromLong(scGetLastErrorCode());
}

static PyObject *
mod_virGetLastErrorDomain(PyObject *m, PyObject *unused)
{
    return PyLong_FromLong(scGetLastErrorDomain());
}

static PyObject *
mod_virGetLastErrorMessage(PyObject *m, PyObject *unused)
{
    return PyUnicode_FromString(scGetLastErrorMessage());
}

static PyObject *
mod_virResetLastError(PyObject *m, PyObject *unused)
{
    scResetLastError();
    Py_RETURN_NONE;
}

static PyObject *
mod_virInitialize(PyObject *m, PyObject *unused)
{
    return PyLong_FromLong(scInitialize());
}

#define FAST(name) (PyCFunction) (void (*)(void)) name, METH_FASTCALL | METH_KEYWORDS

static PyMethodDef module_functions[] = {
    { "open", FAST(mod_open), "open(name=None)\n--\n\n" DOC_scConnectOpen },
    { "openReadOnly", FAST(mod_openReadOnly),
      "openReadOnly(name=None)\n--\n\n" DOC_scConnectOpenReadOnly },
    { "openAuth", FAST(mod_openAuth),
      "openAuth(uri, auth, flags=0)\n--\n\n"
      "auth, libvirt-python's [credtypes, callback, cbdata], is accepted and not used.\n\n"
      DOC_scConnectOpenAuth },
    { "getVersion", mod_getVersion, METH_VARARGS,
      "getVersion(name=None)\n--\n\nThe version as an int, or (library, driver) with a name.\n\n"
      DOC_scGetVersion },
    { "registerErrorHandler", scPyRegisterErrorHandler, METH_VARARGS,
      "registerErrorHandler(f, ctx)\n--\n\n"
      "f(ctx, err) is called with the 9-tuple of every error, in the failing thread;\n"
      "(None, None) removes it. Returns 1.\n\n" DOC_scSetErrorFunc },
    { "virGetLastError", scPyGetLastError, METH_NOARGS,
      "virGetLastError()\n--\n\nThe 9-tuple of the thread's last error, or None.\n\n"
      DOC_scGetLastError },
    { "virGetLastErrorCode", mod_virGetLastErrorCode, METH_NOARGS,
      "virGetLastErrorCode()\n--\n\n" DOC_scGetLastErrorCode },
    { "virGetLastErrorDomain", mod_virGetLastErrorDomain, METH_NOARGS,
      "virGetLastErrorDomain()\n--\n\n" DOC_scGetLastErrorDomain },
    { "virGetLastErrorMessage", mod_virGetLastErrorMessage, METH_NOARGS,
      "virGetLastErrorMessage()\n--\n\n" DOC_scGetLastErrorMessage },
    { "virResetLastError", mod_virResetLastError, METH_NOARGS,
      "virResetLastError()\n--\n\n" DOC_scResetLastError },
    { "virInitialize", mod_virInitialize, METH_NOARGS,
      "virInitialize()\n--\n\n" DOC_scInitialize },
    { NULL, NULL, 0, NULL }
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT,
    .m_name = "storcat",
    .m_doc = "storcat: storage pools and volumes with an SQLite catalog, in the shape of\n"
             "libvirt-python's storage API (`import storcat as libvirt` ports a tool).\n"
             "Calls release the GIL while they work on storage or the catalog.",
    .m_size = -1,
    .m_methods = module_functions,
};

static int
add_type(PyObject *m, PyTypeObject *type, const char *vir, const char *sc)
{
    if (PyType_Ready(type) < 0 || PyModule_AddObjectRef(m, vir, (PyObject *) type) < 0 ||
        PyModule_AddObjectRef(m, sc, (PyObject *) type) < 0)
        return -1;
    return 0;
}

static int
add_constants(PyObject *m)
{
    char name[128];

    for (const ScPyConstant *c = sc_py_constants; c->name; c++) {
        snprintf(name, sizeof(name), "SC_%s", c->name);
        if (PyModule_AddIntConstant(m, name, (long) c->value) < 0)
            return -1;
        snprintf(name, sizeof(name), "VIR_%s", c->name);
        if (PyModule_AddIntConstant(m, name, (long) c->value) < 0)
            return -1;
    }
    /* Error handling written for libvirt-python may name any of them. */
    for (const ScPyConstant *c = sc_py_libvirt_codes; c->name; c++)
        if (PyModule_AddIntConstant(m, c->name, (long) c->value) < 0)
            return -1;
    return 0;
}

PyMODINIT_FUNC PyInit_storcat(void);

PyMODINIT_FUNC
PyInit_storcat(void)
{
    PyObject *m = PyModule_Create(&module_def), *v;

    if (!m)
        return NULL;
    if (PyModule_AddFunctions(m, scPyEventFunctions) < 0 ||
        add_type(m, &ScPyConnect_Type, "virConnect", "scConnect") < 0 ||
        add_type(m, &ScPyPool_Type, "virStoragePool", "scStoragePool") < 0 ||
        add_type(m, &ScPyVol_Type, "virStorageVol", "scStorageVol") < 0 ||
        add_type(m, &ScPyStream_Type, "virStream", "scStream") < 0 ||
        add_type(m, &ScPySecret_Type, "virSecret", "scSecret") < 0 || scPyErrorInit(m) < 0 ||
        scPyQueryInit(m) < 0 || add_constants(m) < 0)
        goto fail;
    /* libvirt-python's buffer size of sendAll and friends, on the class. */
    if (!(v = PyLong_FromLong(262120)) ||
        PyDict_SetItemString(ScPyVol_Type.tp_dict, "streamBufSize", v) < 0) {
        Py_XDECREF(v);
        goto fail;
    }
    Py_DECREF(v);
    PyType_Modified(&ScPyVol_Type);
    if (!(v = PyUnicode_FromFormat("%d.%d.%d", SC_VERSION_MAJOR, SC_VERSION_MINOR,
                                   SC_VERSION_MICRO)) ||
        PyModule_AddObjectRef(m, "__version__", v) < 0) {
        Py_XDECREF(v);
        goto fail;
    }
    Py_DECREF(v);
    return m;
fail:
    Py_DECREF(m);
    return NULL;
}
