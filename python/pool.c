/*
 * pool.c: virStoragePool, as libvirt-python's.
 *
 * name() reads the handle; every other method reads or changes the
 * catalog or the storage, with the GIL released. info() is libvirt's
 * list [state, capacity, allocation, available]; UUID() 16 bytes.
 */
#include "pystorcat.h"

#define FASTARGS PyObject *const *args, Py_ssize_t nargs, PyObject *kw
#define METHOD(name, sig, doc)                                                                  \
    { #name, (PyCFunction) (void (*)(void)) pool_##name, METH_FASTCALL | METH_KEYWORDS,         \
      #name sig "\n--\n\n" doc }
#define METHOD0(name, sig, doc)                                                                 \
    { #name, (PyCFunction) (void (*)(void)) pool_##name, METH_NOARGS, #name sig "\n--\n\n" doc }

PyObject *
scPyPoolNew(PyObject *conn, scStoragePoolPtr pool)
{
    ScPyPool *self = PyObject_New(ScPyPool, &ScPyPool_Type);

    if (!self) {
        SC_PY_CALL(scStoragePoolFree(pool));
        return NULL;
    }
    self->pool = pool;
    self->conn = Py_NewRef(conn);
    return (PyObject *) self;
}

static void
pool_dealloc(ScPyPool *self)
{
    if (self->pool)
        SC_PY_CALL(scStoragePoolFree(self->pool));
    Py_XDECREF(self->conn);
    PyObject_Free(self);
}

typedef int (*IntOfPool)(scStoragePoolPtr);
typedef int (*IntOfPoolFlags)(scStoragePoolPtr, unsigned int);

static PyObject *
int_of(ScPyPool *self, IntOfPool fn, const char *defmsg)
{
    int rc;

    SC_PY_CALL(rc = fn(self->pool));
    return rc < 0 ? scPyRaise(defmsg) : PyLong_FromLong(rc);
}

static PyObject *
int_of_flags(ScPyPool *self, FASTARGS, const char *fname, IntOfPoolFlags fn, const char *defmsg)
{
    static const char *const names[] = { "flags", NULL };
    PyObject *a[1] = { NULL };
    unsigned int flags;
    int rc;

    if (scPyArgs(fname, args, nargs, kw, names, 0, a) < 0 || scPyFlags(a[0], &flags) < 0)
        return NULL;
    SC_PY_CALL(rc = fn(self->pool, flags));
    return scPyInt(rc, defmsg);
}

static PyObject *
pool_name(ScPyPool *self, PyObject *unused)
{
    const char *s = scStoragePoolGetName(self->pool);

    /* libvirt-python's name() raises nothing: None on a bad handle. */
    if (!s)
        Py_RETURN_NONE;
    return PyUnicode_FromString(s);
}

static PyObject *
pool_UUIDString(ScPyPool *self, PyObject *unused)
{
    char buf[SC_UUID_STRING_BUFLEN];
    int rc;

    SC_PY_CALL(rc = scStoragePoolGetUUIDString(self->pool, buf));
    return rc < 0 ? scPyRaise("virStoragePoolGetUUIDString() failed") : PyUnicode_FromString(buf);
}

static PyObject *
pool_UUID(ScPyPool *self, PyObject *unused)
{
    unsigned char buf[SC_UUID_BUFLEN];
    int rc;

    SC_PY_CALL(rc = scStoragePoolGetUUID(self->pool, buf));
    if (rc < 0)
        return scPyRaise("virStoragePoolGetUUID() failed");
    return PyBytes_FromStringAndSize((const char *) buf, SC_UUID_BUFLEN);
}

static PyObject *
pool_info(ScPyPool *self, PyObject *unused)
{
    scStoragePoolInfo info;
    int rc;

    SC_PY_CALL(rc = scStoragePoolGetInfo(self->pool, &info));
    if (rc < 0)
        return scPyRaise("virStoragePoolGetInfo() failed");
    return Py_BuildValue("[iKKK]", info.state, info.capacity, info.allocation, info.available);
}

static PyObject *
pool_XMLDesc(ScPyPool *self, FASTARGS)
{
    static const char *const names[] = { "flags", NULL };
    PyObject *a[1] = { NULL };
    unsigned int flags;
    char *s;

    if (scPyArgs("XMLDesc", args, nargs, kw, names, 0, a) < 0 || scPyFlags(a[0], &flags) < 0)
        return NULL;
    SC_PY_CALL(s = scStoragePoolGetXMLDesc(self->pool, flags));
    return scPyStrOwned(s, "virStoragePoolGetXMLDesc() failed");
}

static PyObject *
pool_create(ScPyPool *self, FASTARGS)
{
    return int_of_flags(self, args, nargs, kw, "create", scStoragePoolCreate,
                        "virStoragePoolCreate() failed");
}

static PyObject *
pool_build(ScPyPool *self, FASTARGS)
{
    return int_of_flags(self, args, nargs, kw, "build", scStoragePoolBuild,
                        "virStoragePoolBuild() failed");
}

static PyObject *
pool_delete(ScPyPool *self, FASTARGS)
{
    return int_of_flags(self, args, nargs, kw, "delete", scStoragePoolDelete,
                        "virStoragePoolDelete() failed");
}

static PyObject *
pool_refresh(ScPyPool *self, FASTARGS)
{
    return int_of_flags(self, args, nargs, kw, "refresh", scStoragePoolRefresh,
                        "virStoragePoolRefresh() failed");
}

static PyObject *
pool_destroy(ScPyPool *self, PyObject *unused)
{
    return int_of(self, scStoragePoolDestroy, "virStoragePoolDestroy() failed");
}

static PyObject *
pool_undefine(ScPyPool *self, PyObject *unused)
{
    return int_of(self, scStoragePoolUndefine, "virStoragePoolUndefine() failed");
}

static PyObject *
pool_isActive(ScPyPool *self, PyObject *unused)
{
    return int_of(self, scStoragePoolIsActive, "virStoragePoolIsActive() failed");
}

static PyObject *
pool_isPersistent(ScPyPool *self, PyObject *unused)
{
    return int_of(self, scStoragePoolIsPersistent, "virStoragePoolIsPersistent() failed");
}

static PyObject *
pool_numOfVolumes(ScPyPool *self, PyObject *unused)
{
    return int_of(self, scStoragePoolNumOfVolumes, "virStoragePoolNumOfVolumes() failed");
}

static PyObject *
pool_autostart(ScPyPool *self, PyObject *unused)
{
    int rc, on = 0;

    SC_PY_CALL(rc = scStoragePoolGetAutostart(self->pool, &on));
    return rc < 0 ? scPyRaise("virStoragePoolGetAutostart() failed") : PyLong_FromLong(on);
}

static PyObject *
pool_setAutostart(ScPyPool *self, FASTARGS)
{
    static const char *const names[] = { "autostart", NULL };
    PyObject *a[1];
    int rc, on;

    if (scPyArgs("setAutostart", args, nargs, kw, names, 1, a) < 0)
        return NULL;
    if ((on = PyObject_IsTrue(a[0])) < 0)
        return NULL;
    SC_PY_CALL(rc = scStoragePoolSetAutostart(self->pool, on));
    return rc < 0 ? scPyRaise("virStoragePoolSetAutostart() failed") : PyLong_FromLong(rc);
}

static PyObject *
pool_refreshTime(ScPyPool *self, PyObject *unused)
{
    long long when = 0;
    int rc;

    SC_PY_CALL(rc = scStoragePoolGetRefreshTime(self->pool, &when));
    return rc < 0 ? scPyRaise("scStoragePoolGetRefreshTime() failed") : PyLong_FromLongLong(when);
}

static PyObject *
pool_listAllVolumes(ScPyPool *self, FASTARGS)
{
    static const char *const names[] = { "flags", NULL };
    PyObject *a[1] = { NULL }, *r, *o;
    unsigned int flags;
    scStorageVolPtr *vols = NULL;
    int n, i;

    if (scPyArgs("listAllVolumes", args, nargs, kw, names, 0, a) < 0 ||
        scPyFlags(a[0], &flags) < 0)
        return NULL;
    SC_PY_CALL(n = scStoragePoolListAllVolumes(self->pool, &vols, flags));
    if (n < 0)
        return scPyRaise("virStoragePoolListAllVolumes() failed");
    r = PyList_New(n);
    for (i = 0; i < n && r; i++) {
        /* Taken (and freed if it fails); the rest freed below. */
        o = scPyVolNew(self->conn, vols[i]);
        vols[i] = NULL;
        if (!o)
            Py_CLEAR(r);
        else
            PyList_SET_ITEM(r, i, o);
    }
    for (i = 0; i < n; i++)
        if (vols[i])
            SC_PY_CALL(scStorageVolFree(vols[i]));
    free(vols);
    return r;
}

static PyObject *
pool_listVolumes(ScPyPool *self, PyObject *unused)
{
    char **names = NULL;
    PyObject *r = NULL, *s;
    int n, got = -1;

    SC_PY_CALL(n = scStoragePoolNumOfVolumes(self->pool));
    if (n < 0)
        return scPyRaise("virStoragePoolListVolumes() failed");
    if (!(names = calloc((size_t) n + 1, sizeof(*names))))
        return PyErr_NoMemory();
    SC_PY_CALL(got = scStoragePoolListVolumes(self->pool, names, n));
    if (got < 0) {
        scPyRaise("virStoragePoolListVolumes() failed");
        goto out;
    }
    if (!(r = PyList_New(0)))
        goto out;
    for (int i = 0; i < got; i++) {
        if (!(s = PyUnicode_FromString(names[i])) || PyList_Append(r, s) < 0) {
            Py_XDECREF(s);
            Py_CLEAR(r);
            break;
        }
        Py_DECREF(s);
    }
out:
    for (int i = 0; i < got; i++)
        free(names[i]);
    free(names);
    return r;
}

static PyObject *
pool_storageVolLookupByName(ScPyPool *self, FASTARGS)
{
    static const char *const names[] = { "name", NULL };
    PyObject *a[1];
    const char *name;
    scStorageVolPtr v;

    if (scPyArgs("storageVolLookupByName", args, nargs, kw, names, 1, a) < 0 ||
        scPyCStr(a[0], "name", &name) < 0)
        return NULL;
    SC_PY_CALL(v = scStorageVolLookupByName(self->pool, name));
    return v ? scPyVolNew(self->conn, v) : scPyRaise("virStorageVolLookupByName() failed");
}

/* A new volume, unless a progress callback raised meanwhile. */
static PyObject *
vol_result(ScPyPool *self, scStorageVolPtr v, const char *defmsg)
{
    if (!v)
        return scPyRaise(defmsg);
    if (PyErr_Occurred()) {
        SC_PY_CALL(scStorageVolFree(v));
        return NULL;
    }
    return scPyVolNew(self->conn, v);
}

static PyObject *
pool_createXML(ScPyPool *self, FASTARGS)
{
    static const char *const names[] = { "xmlDesc", "flags", NULL };
    PyObject *a[2] = { NULL, NULL };
    const char *xml;
    unsigned int flags;
    scStorageVolPtr v;

    if (scPyArgs("createXML", args, nargs, kw, names, 1, a) < 0 ||
        scPyCStr(a[0], "xmlDesc", &xml) < 0 || scPyFlags(a[1], &flags) < 0)
        return NULL;
    SC_PY_CALL(v = scStorageVolCreateXML(self->pool, xml, flags));
    return vol_result(self, v, "virStorageVolCreateXML() failed");
}

static PyObject *
pool_createXMLFrom(ScPyPool *self, FASTARGS)
{
    static const char *const names[] = { "xmlDesc", "clonevol", "flags", NULL };
    PyObject *a[3] = { NULL, NULL, NULL };
    const char *xml;
    unsigned int flags;
    scStorageVolPtr v, from = NULL;

    if (scPyArgs("createXMLFrom", args, nargs, kw, names, 2, a) < 0 ||
        scPyCStr(a[0], "xmlDesc", &xml) < 0 || scPyFlags(a[2], &flags) < 0)
        return NULL;
    if (a[1] != Py_None) {
        if (!PyObject_TypeCheck(a[1], &ScPyVol_Type)) {
            PyErr_SetString(PyExc_TypeError, "clonevol must be a virStorageVol or None");
            return NULL;
        }
        from = ((ScPyVol *) a[1])->vol;
    }
    SC_PY_CALL(v = scStorageVolCreateXMLFrom(self->pool, xml, from, flags));
    return vol_result(self, v, "virStorageVolCreateXMLFrom() failed");
}

static PyObject *
pool_connect(ScPyPool *self, PyObject *unused)
{
    return Py_NewRef(self->conn);
}

static PyObject *
pool_c_pointer(ScPyPool *self, PyObject *unused)
{
    return PyLong_FromVoidPtr(self->pool);
}

static PyMethodDef pool_methods[] = {
    METHOD0(name, "($self, /)", DOC_scStoragePoolGetName),
    METHOD0(UUID, "($self, /)", DOC_scStoragePoolGetUUID),
    METHOD0(UUIDString, "($self, /)", DOC_scStoragePoolGetUUIDString),
    METHOD0(info, "($self, /)",
            "Returns [state, capacity, allocation, available].\n\n" DOC_scStoragePoolGetInfo),
    METHOD(XMLDesc, "($self, flags=0)", DOC_scStoragePoolGetXMLDesc),
    METHOD(create, "($self, flags=0)", DOC_scStoragePoolCreate),
    METHOD(build, "($self, flags=0)", DOC_scStoragePoolBuild),
    METHOD0(destroy, "($self, /)", DOC_scStoragePoolDestroy),
    METHOD(delete, "($self, flags=0)", DOC_scStoragePoolDelete),
    METHOD0(undefine, "($self, /)", DOC_scStoragePoolUndefine),
    METHOD(refresh, "($self, flags=0)", DOC_scStoragePoolRefresh),
    METHOD0(isActive, "($self, /)", DOC_scStoragePoolIsActive),
    METHOD0(isPersistent, "($self, /)", DOC_scStoragePoolIsPersistent),
    METHOD0(autostart, "($self, /)", DOC_scStoragePoolGetAutostart),
    METHOD(setAutostart, "($self, autostart)", DOC_scStoragePoolSetAutostart),
    METHOD0(refreshTime, "($self, /)", DOC_scStoragePoolGetRefreshTime),
    METHOD0(numOfVolumes, "($self, /)", DOC_scStoragePoolNumOfVolumes),
    METHOD0(listVolumes, "($self, /)", DOC_scStoragePoolListVolumes),
    METHOD(listAllVolumes, "($self, flags=0)", DOC_scStoragePoolListAllVolumes),
    METHOD(storageVolLookupByName, "($self, name)", DOC_scStorageVolLookupByName),
    METHOD(createXML, "($self, xmlDesc, flags=0)", DOC_scStorageVolCreateXML),
    METHOD(createXMLFrom, "($self, xmlDesc, clonevol, flags=0)", DOC_scStorageVolCreateXMLFrom),
    METHOD0(connect, "($self, /)", DOC_scStoragePoolGetConnect),
    METHOD0(c_pointer, "($self, /)", "The address of the scStoragePool handle."),
    { NULL, NULL, 0, NULL }
};

PyTypeObject ScPyPool_Type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "storcat.virStoragePool",
    .tp_basicsize = sizeof(ScPyPool),
    .tp_dealloc = (destructor) pool_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A storage pool, as libvirt-python's virStoragePool.",
    .tp_methods = pool_methods,
};
