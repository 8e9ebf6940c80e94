/*
 * conn.c: virConnect, a connection to a catalog, as libvirt-python's.
 *
 * Methods are libvirt-python's names for the storage calls of
 * virConnect (storagePoolLookupByName for virStoragePoolLookupByName, ...)
 * and storcat's own in the same grammar (storageVolLookupByUUIDString,
 * setProgressCallback, ...). A failed call raises libvirtError with the
 * default message libvirt-python gives ("virStoragePoolLookupByName()
 * failed") when storcat has no error.
 */
#include "pystorcat.h"

#include <stdint.h>

/* ---- the handle, while calls run ---------------------------------------- */

scConnectPtr
scPyConnBegin(PyObject *obj)
{
    ScPyConnect *self = (ScPyConnect *) obj;

    self->busy++;
    /* Closed by close() while other threads' calls ran: no new call
     * starts, so that the last one running ends and closes it (calls that
     * kept overlapping would otherwise keep it open for ever). */
    return self->close_pending ? NULL : self->conn;
}

void
scPyConnEnd(PyObject *obj)
{
    ScPyConnect *self = (ScPyConnect *) obj;
    scConnectPtr c;

    if (--self->busy == 0 && self->close_pending) {
        self->close_pending = 0;
        c = self->conn;
        self->conn = NULL;
        SC_PY_CALL(scConnectClose(c));
    }
}

/* ---- shapes shared by several methods ------------------------------------ */

typedef scStoragePoolPtr (*PoolByStr)(scConnectPtr, const char *);
typedef scStorageVolPtr (*VolByStr)(scConnectPtr, const char *);

/* fname(arg) -> virStoragePool */
static PyObject *
pool_by_str(ScPyConnect *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw,
            const char *fname, const char *arg, PoolByStr fn, const char *defmsg)
{
    const char *names[] = { arg, NULL };
    PyObject *a[1], *r;
    const char *s;
    scConnectPtr c;
    scStoragePoolPtr p;

    if (scPyArgs(fname, args, nargs, kw, names, 1, a) < 0 || scPyCStr(a[0], arg, &s) < 0)
        return NULL;
    c = scPyConnBegin((PyObject *) self);
    SC_PY_CALL(p = fn(c, s));
    r = p ? scPyPoolNew((PyObject *) self, p) : scPyRaise(defmsg);
    scPyConnEnd((PyObject *) self);
    return r;
}

/* fname(arg) -> virStorageVol */
static PyObject *
vol_by_str(ScPyConnect *self, PyObject *const *args, Py_ssize_t nargs, PyObject *kw,
           const char *fname, const char *arg, VolByStr fn, const char *defmsg)
{
    const char *names[] = { arg, NULL };
    PyObject *a[1], *r;
    const char *s;
    scConnectPtr c;
    scStorageVolPtr v;

    if (nargs == 1 && !kw) {
        /* The lookups' fast path: one positional str. */
        if (scPyCStr(args[0], arg, &s) < 0)
            return NULL;
    } else if (scPyArgs(fname, args, nargs, kw, names, 1, a) < 0 || scPyCStr(a[0], arg, &s) < 0) {
        return NULL;
    }
    c = scPyConnBegin((PyObject *) self);
    SC_PY_CALL(v = fn(c, s));
    r = v ? scPyVolNew((PyObject *) self, v) : scPyRaise(defmsg);
    scPyConnEnd((PyObject *) self);
    return r;
}

/* A raw UUID (16 bytes) argument. */
static int
uuid_arg(PyObject *o, const unsigned char **uuid)
{
    char *buf;
    Py_ssize_t len;

    if (PyBytes_AsStringAndSize(o, &buf, &len) < 0)
        return -1;
    if (len != SC_UUID_BUFLEN) {
        PyErr_Format(PyExc_ValueError, "a raw UUID is %d bytes, not %zd", SC_UUID_BUFLEN, len);
        return -1;
    }
    *uuid = (const unsigned char *) buf;
    return 0;
}

typedef int (*IntOfConn)(scConnectPtr);

static PyObject *
int_of_conn(ScPyConnect *self, IntOfConn fn, const char *defmsg)
{
    scConnectPtr c = scPyConnBegin((PyObject *) self);
    PyObject *r;
    int rc;

    SC_PY_CALL(rc = fn(c));
    r = rc < 0 ? scPyRaise(defmsg) : PyLong_FromLong(rc);
    scPyConnEnd((PyObject *) self);
    return r;
}

/* ---- methods ------------------------------------------------------------- */

#define FASTARGS PyObject *const *args, Py_ssize_t nargs, PyObject *kw
#define METHOD(name, sig, doc)                                                                  \
    { #name, (PyCFunction) (void (*)(void)) conn_##name, METH_FASTCALL | METH_KEYWORDS,         \
      #name sig "\n--\n\n" doc }
#define METHOD0(name, sig, doc)                                                                 \
    { #name, (PyCFunction) (void (*)(void)) conn_##name, METH_NOARGS, #name sig "\n--\n\n" doc }

static PyObject *
conn_close(ScPyConnect *self, PyObject *unused)
{
    scConnectPtr c = self->conn;
    int left = 0;

    if (self->busy) {
        /* Calls of other threads still use it: the last one closes. */
        self->close_pending = 1;
        return PyLong_FromLong(0);
    }
    self->conn = NULL;
    SC_PY_CALL(left = scConnectClose(c));
    if (left < 0)
        return scPyRaise("virConnectClose() failed");
    return PyLong_FromLong(left);
}

static PyObject *
conn_enter(PyObject *self, PyObject *unused)
{
    return Py_NewRef(self);
}

static PyObject *
conn_exit(ScPyConnect *self, PyObject *args)
{
    PyObject *r = conn_close(self, NULL);

    if (!r)
        return NULL;
    Py_DECREF(r);
    Py_RETURN_NONE;
}

static PyObject *
conn_getURI(ScPyConnect *self, PyObject *unused)
{
    scConnectPtr c = scPyConnBegin((PyObject *) self);
    char *s;
    PyObject *r;

    SC_PY_CALL(s = scConnectGetURI(c));
    r = scPyStrOwned(s, "virConnectGetURI() failed");
    scPyConnEnd((PyObject *) self);
    return r;
}

static PyObject *
conn_getCapabilities(ScPyConnect *self, PyObject *unused)
{
    scConnectPtr c = scPyConnBegin((PyObject *) self);
    char *s;
    PyObject *r;

    SC_PY_CALL(s = scConnectGetCapabilities(c));
    r = scPyStrOwned(s, "virConnectGetCapabilities() failed");
    scPyConnEnd((PyObject *) self);
    return r;
}

static PyObject *
conn_getCatalogPath(ScPyConnect *self, PyObject *unused)
{
    scConnectPtr c = scPyConnBegin((PyObject *) self);
    const char *s;
    PyObject *r;

    s = scConnectGetCatalogPath(c);
    r = s ? PyUnicode_DecodeFSDefault(s) : scPyRaise("scConnectGetCatalogPath() failed");
    scPyConnEnd((PyObject *) self);
    return r;
}

static PyObject *
version_of(ScPyConnect *self, int (*fn)(scConnectPtr, unsigned long *), const char *defmsg)
{
    scConnectPtr c = scPyConnBegin((PyObject *) self);
    unsigned long v = 0;
    PyObject *r;
    int rc;

    SC_PY_CALL(rc = fn(c, &v));
    r = rc < 0 ? scPyRaise(defmsg) : PyLong_FromUnsignedLong(v);
    scPyConnEnd((PyObject *) self);
    return r;
}

static PyObject *
conn_getLibVersion(ScPyConnect *self, PyObject *unused)
{
    return version_of(self, scConnectGetLibVersion, "virConnectGetLibVersion() failed");
}

static PyObject *
conn_getVersion(ScPyConnect *self, PyObject *unused)
{
    return version_of(self, scConnectGetVersion, "virConnectGetVersion() failed");
}

static PyObject *
conn_isAlive(ScPyConnect *self, PyObject *unused)
{
    return int_of_conn(self, scConnectIsAlive, "virConnectIsAlive() failed");
}

static PyObject *
conn_isSecure(ScPyConnect *self, PyObject *unused)
{
    return int_of_conn(self, scConnectIsSecure, "virConnectIsSecure() failed");
}

static PyObject *
conn_isEncrypted(ScPyConnect *self, PyObject *unused)
{
    return int_of_conn(self, scConnectIsEncrypted, "virConnectIsEncrypted() failed");
}

static PyObject *
conn_isReadOnly(ScPyConnect *self, PyObject *unused)
{
    return int_of_conn(self, scConnectIsReadOnly, "scConnectIsReadOnly() failed");
}

static PyObject *
conn_numOfStoragePools(ScPyConnect *self, PyObject *unused)
{
    return int_of_conn(self, scConnectNumOfStoragePools, "virConnectNumOfStoragePools() failed");
}

static PyObject *
conn_numOfDefinedStoragePools(ScPyConnect *self, PyObject *unused)
{
    return int_of_conn(self, scConnectNumOfDefinedStoragePools,
                       "virConnectNumOfDefinedStoragePools() failed");
}

/* listStoragePools() / listDefinedStoragePools(): a list of names. */
static PyObject *
names_of(ScPyConnect *self, int (*num)(scConnectPtr),
         int (*list)(scConnectPtr, char **const, int), const char *defmsg)
{
    scConnectPtr c = scPyConnBegin((PyObject *) self);
    char **names = NULL;
    PyObject *r = NULL, *s;
    int n, got = -1;

    SC_PY_CALL(n = num(c));
    if (n < 0) {
        r = scPyRaise(defmsg);
        goto out;
    }
    if (!(names = calloc((size_t) n + 1, sizeof(*names)))) {
        r = PyErr_NoMemory();
        goto out;
    }
    SC_PY_CALL(got = list(c, names, n));
    if (got < 0) {
        r = scPyRaise(defmsg);
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
    for (int i = 0; names && i < got; i++)
        free(names[i]);
    free(names);
    scPyConnEnd((PyObject *) self);
    return r;
}

static PyObject *
conn_listStoragePools(ScPyConnect *self, PyObject *unused)
{
    return names_of(self, scConnectNumOfStoragePools, scConnectListStoragePools,
                    "virConnectListStoragePools() failed");
}

static PyObject *
conn_listDefinedStoragePools(ScPyConnect *self, PyObject *unused)
{
    return names_of(self, scConnectNumOfDefinedStoragePools, scConnectListDefinedStoragePools,
                    "virConnectListDefinedStoragePools() failed");
}

static PyObject *
conn_listAllStoragePools(ScPyConnect *self, FASTARGS)
{
    static const char *const names[] = { "flags", NULL };
    PyObject *a[1] = { NULL }, *r = NULL, *o;
    unsigned int flags;
    scConnectPtr c;
    scStoragePoolPtr *pools = NULL;
    int n, i;

    if (scPyArgs("listAllStoragePools", args, nargs, kw, names, 0, a) < 0 ||
        scPyFlags(a[0], &flags) < 0)
        return NULL;
    c = scPyConnBegin((PyObject *) self);
    SC_PY_CALL(n = scConnectListAllStoragePools(c, &pools, flags));
    if (n < 0) {
        r = scPyRaise("virConnectListAllStoragePools() failed");
        goto out;
    }
    r = PyList_New(n);
    for (i = 0; i < n && r; i++) {
        /* Taken (and freed if it fails); the rest freed below. */
        o = scPyPoolNew((PyObject *) self, pools[i]);
        pools[i] = NULL;
        if (!o)
            Py_CLEAR(r);
        else
            PyList_SET_ITEM(r, i, o);
    }
out:
    for (i = 0; pools && i < n; i++)
        if (pools[i])
            SC_PY_CALL(scStoragePoolFree(pools[i]));
    free(pools);
    scPyConnEnd((PyObject *) self);
    return r;
}

static PyObject *
conn_storagePoolLookupByName(ScPyConnect *self, FASTARGS)
{
    return pool_by_str(self, args, nargs, kw, "storagePoolLookupByName", "name",
                       scStoragePoolLookupByName, "virStoragePoolLookupByName() failed");
}

static PyObject *
conn_storagePoolLookupByUUIDString(ScPyConnect *self, FASTARGS)
{
    return pool_by_str(self, args, nargs, kw, "storagePoolLookupByUUIDString", "uuidstr",
                       scStoragePoolLookupByUUIDString,
                       "virStoragePoolLookupByUUIDString() failed");
}

static PyObject *
conn_storagePoolLookupByTargetPath(ScPyConnect *self, FASTARGS)
{
    return pool_by_str(self, args, nargs, kw, "storagePoolLookupByTargetPath", "path",
                       scStoragePoolLookupByTargetPath,
                       "virStoragePoolLookupByTargetPath() failed");
}

static PyObject *
conn_storagePoolLookupByUUID(ScPyConnect *self, FASTARGS)
{
    static const char *const names[] = { "uuid", NULL };
    PyObject *a[1], *r;
    const unsigned char *uuid;
    scConnectPtr c;
    scStoragePoolPtr p;

    if (scPyArgs("storagePoolLookupByUUID", args, nargs, kw, names, 1, a) < 0 ||
        uuid_arg(a[0], &uuid) < 0)
        return NULL;
    c = scPyConnBegin((PyObject *) self);
    SC_PY_CALL(p = scStoragePoolLookupByUUID(c, uuid));
    r = p ? scPyPoolNew((PyObject *) self, p) : scPyRaise("virStoragePoolLookupByUUID() failed");
    scPyConnEnd((PyObject *) self);
    return r;
}

static PyObject *
conn_storageVolLookupByPath(ScPyConnect *self, FASTARGS)
{
    return vol_by_str(self, args, nargs, kw, "storageVolLookupByPath", "path",
                      scStorageVolLookupByPath, "virStorageVolLookupByPath() failed");
}

static PyObject *
conn_storageVolLookupByKey(ScPyConnect *self, FASTARGS)
{
    return vol_by_str(self, args, nargs, kw, "storageVolLookupByKey", "key",
                      scStorageVolLookupByKey, "virStorageVolLookupByKey() failed");
}

static PyObject *
conn_storageVolLookupByUUIDString(ScPyConnect *self, FASTARGS)
{
    return vol_by_str(self, args, nargs, kw, "storageVolLookupByUUIDString", "uuidstr",
                      scStorageVolLookupByUUIDString, "scStorageVolLookupByUUIDString() failed");
}

static PyObject *
conn_storageVolLookupByUUID(ScPyConnect *self, FASTARGS)
{
    static const char *const names[] = { "uuid", NULL };
    PyObject *a[1], *r;
    const unsigned char *uuid;
    scConnectPtr c;
    scStorageVolPtr v;

    if (scPyArgs("storageVolLookupByUUID", args, nargs, kw, names, 1, a) < 0 ||
        uuid_arg(a[0], &uuid) < 0)
        return NULL;
    c = scPyConnBegin((PyObject *) self);
    SC_PY_CALL(v = scStorageVolLookupByUUID(c, uuid));
    r = v ? scPyVolNew((PyObject *) self, v) : scPyRaise("scStorageVolLookupByUUID() failed");
    scPyConnEnd((PyObject *) self);
    return r;
}

typedef scStoragePoolPtr (*PoolByXml)(scConnectPtr, const char *, unsigned int);

static PyObject *
pool_by_xml(ScPyConnect *self, FASTARGS, const char *fname, const char *arg, PoolByXml fn,
            const char *defmsg)
{
    const char *names[] = { arg, "flags", NULL };
    PyObject *a[2] = { NULL, NULL }, *r;
    const char *xml;
    unsigned int flags;
    scConnectPtr c;
    scStoragePoolPtr p;

    if (scPyArgs(fname, args, nargs, kw, names, 1, a) < 0 || scPyCStr(a[0], arg, &xml) < 0 ||
        scPyFlags(a[1], &flags) < 0)
        return NULL;
    c = scPyConnBegin((PyObject *) self);
    SC_PY_CALL(p = fn(c, xml, flags));
    r = p ? scPyPoolNew((PyObject *) self, p) : scPyRaise(defmsg);
    scPyConnEnd((PyObject *) self);
    return r;
}

static PyObject *
conn_storagePoolDefineXML(ScPyConnect *self, FASTARGS)
{
    return pool_by_xml(self, args, nargs, kw, "storagePoolDefineXML", "xml",
                       scStoragePoolDefineXML, "virStoragePoolDefineXML() failed");
}

static PyObject *
conn_storagePoolCreateXML(ScPyConnect *self, FASTARGS)
{
    return pool_by_xml(self, args, nargs, kw, "storagePoolCreateXML", "xmlDesc",
                       scStoragePoolCreateXML, "virStoragePoolCreateXML() failed");
}

static PyObject *
conn_findStoragePoolSources(ScPyConnect *self, FASTARGS)
{
    static const char *const names[] = { "type", "srcSpec", "flags", NULL };
    PyObject *a[3] = { NULL, NULL, NULL }, *r;
    const char *type, *spec;
    unsigned int flags;
    scConnectPtr c;
    char *s;
    int bad;

    if (scPyArgs("findStoragePoolSources", args, nargs, kw, names, 2, a) < 0 ||
        scPyCStr(a[0], "type", &type) < 0)
        return NULL;
    spec = scPyStrOrNone(a[1], "srcSpec", &bad);
    if (bad || scPyFlags(a[2], &flags) < 0)
        return NULL;
    c = scPyConnBegin((PyObject *) self);
    SC_PY_CALL(s = scConnectFindStoragePoolSources(c, type, spec, flags));
    r = scPyStrOwned(s, "virConnectFindStoragePoolSources() failed");
    scPyConnEnd((PyObject *) self);
    return r;
}

static PyObject *
conn_getStoragePoolCapabilities(ScPyConnect *self, FASTARGS)
{
    static const char *const names[] = { "flags", NULL };
    PyObject *a[1] = { NULL }, *r;
    unsigned int flags;
    scConnectPtr c;
    char *s;

    if (scPyArgs("getStoragePoolCapabilities", args, nargs, kw, names, 0, a) < 0 ||
        scPyFlags(a[0], &flags) < 0)
        return NULL;
    c = scPyConnBegin((PyObject *) self);
    SC_PY_CALL(s = scConnectGetStoragePoolCapabilities(c, flags));
    r = scPyStrOwned(s, "virConnectGetStoragePoolCapabilities() failed");
    scPyConnEnd((PyObject *) self);
    return r;
}

static PyObject *
conn_newStream(ScPyConnect *self, FASTARGS)
{
    static const char *const names[] = { "flags", NULL };
    PyObject *a[1] = { NULL }, *r;
    unsigned int flags;
    scConnectPtr c;
    scStreamPtr st;

    if (scPyArgs("newStream", args, nargs, kw, names, 0, a) < 0 || scPyFlags(a[0], &flags) < 0)
        return NULL;
    c = scPyConnBegin((PyObject *) self);
    SC_PY_CALL(st = scStreamNew(c, flags));
    r = st ? scPyStreamNew((PyObject *) self, st) : scPyRaise("virStreamNew() failed");
    scPyConnEnd((PyObject *) self);
    return r;
}

static PyObject *
conn_numOfStorageVolHistory(ScPyConnect *self, FASTARGS)
{
    static const char *const names[] = { "poolUUID", NULL };
    PyObject *a[1] = { NULL }, *r;
    const char *uuid;
    scConnectPtr c;
    int n, bad;

    if (scPyArgs("numOfStorageVolHistory", args, nargs, kw, names, 0, a) < 0)
        return NULL;
    uuid = scPyStrOrNone(a[0], "poolUUID", &bad);
    if (bad)
        return NULL;
    c = scPyConnBegin((PyObject *) self);
    SC_PY_CALL(n = scConnectNumOfStorageVolHistory(c, uuid));
    r = n < 0 ? scPyRaise("scConnectNumOfStorageVolHistory() failed") : PyLong_FromLong(n);
    scPyConnEnd((PyObject *) self);
    return r;
}

static PyObject *
conn_pruneStorageVolHistory(ScPyConnect *self, FASTARGS)
{
    static const char *const names[] = { "poolUUID", "flags", NULL };
    PyObject *a[2] = { NULL, NULL }, *r;
    const char *uuid;
    unsigned int flags;
    scConnectPtr c;
    int n, bad;

    if (scPyArgs("pruneStorageVolHistory", args, nargs, kw, names, 0, a) < 0)
        return NULL;
    uuid = scPyStrOrNone(a[0], "poolUUID", &bad);
    if (bad || scPyFlags(a[1], &flags) < 0)
        return NULL;
    c = scPyConnBegin((PyObject *) self);
    SC_PY_CALL(n = scConnectPruneStorageVolHistory(c, uuid, flags));
    r = n < 0 ? scPyRaise("scConnectPruneStorageVolHistory() failed") : PyLong_FromLong(n);
    scPyConnEnd((PyObject *) self);
    return r;
}

static PyObject *
conn_storagePoolEventRegisterAny(ScPyConnect *self, FASTARGS)
{
    return scPyConnPoolEventRegister(self, args, nargs, kw, 0);
}

static PyObject *
conn_storagePoolEventDeregisterAny(ScPyConnect *self, FASTARGS)
{
    return scPyConnEventDeregister(self, args, nargs, kw, SC_PY_EV_POOL);
}

static PyObject *
conn_storageVolEventRegisterAny(ScPyConnect *self, FASTARGS)
{
    return scPyConnPoolEventRegister(self, args, nargs, kw, 1);
}

static PyObject *
conn_storageVolEventDeregisterAny(ScPyConnect *self, FASTARGS)
{
    return scPyConnEventDeregister(self, args, nargs, kw, SC_PY_EV_VOL);
}

static PyObject *
conn_secretEventRegisterAny(ScPyConnect *self, FASTARGS)
{
    return scPyConnSecretEventRegister(self, args, nargs, kw);
}

static PyObject *
conn_secretEventDeregisterAny(ScPyConnect *self, FASTARGS)
{
    return scPyConnEventDeregister(self, args, nargs, kw, SC_PY_EV_SECRET);
}

static PyObject *
conn_setProgressCallback(ScPyConnect *self, FASTARGS)
{
    return scPyConnSetProgress(self, args, nargs, kw);
}

static PyObject *
conn_query(ScPyConnect *self, FASTARGS)
{
    return scPyConnQuery((PyObject *) self, args, nargs, kw);
}

static PyObject *
conn_report(ScPyConnect *self, FASTARGS)
{
    return scPyConnReport((PyObject *) self, args, nargs, kw);
}

static PyObject *
conn_listEvents(ScPyConnect *self, FASTARGS)
{
    return scPyConnListEvents((PyObject *) self, args, nargs, kw);
}

static PyObject *
conn_listStorageVolumes(ScPyConnect *self, FASTARGS)
{
    return scPyConnListStorageVolumes((PyObject *) self, args, nargs, kw);
}

static PyObject *
conn_setQueryTimeout(ScPyConnect *self, FASTARGS)
{
    static const char *const names[] = { "milliseconds", NULL };
    PyObject *a[1], *r;
    unsigned long long ms;
    scConnectPtr c;
    int rc;

    /* A time, not flags: out of range is an error, not cut to 32 bits. */
    if (scPyArgs("setQueryTimeout", args, nargs, kw, names, 1, a) < 0 || scPyULL(a[0], &ms) < 0)
        return NULL;
    if (ms > UINT_MAX) {
        PyErr_SetString(PyExc_OverflowError, "milliseconds out of the range of unsigned int");
        return NULL;
    }
    c = scPyConnBegin((PyObject *) self);
    SC_PY_CALL(rc = scConnectSetQueryTimeout(c, (unsigned int) ms));
    r = rc < 0 ? scPyRaise("scConnectSetQueryTimeout() failed") : PyLong_FromLong(rc);
    scPyConnEnd((PyObject *) self);
    return r;
}

/* ---- secrets ------------------------------------------------------------- */

static PyObject *
secret_result(ScPyConnect *self, scSecretPtr s, const char *defmsg)
{
    return s ? scPySecretNew((PyObject *) self, s) : scPyRaise(defmsg);
}

static PyObject *
conn_secretDefineXML(ScPyConnect *self, FASTARGS)
{
    static const char *const names[] = { "xml", "flags", NULL };
    PyObject *a[2] = { NULL, NULL }, *r;
    const char *xml;
    unsigned int flags;
    scConnectPtr c;
    scSecretPtr sec;

    if (scPyArgs("secretDefineXML", args, nargs, kw, names, 1, a) < 0 ||
        scPyCStr(a[0], "xml", &xml) < 0 || scPyFlags(a[1], &flags) < 0)
        return NULL;
    c = scPyConnBegin((PyObject *) self);
    SC_PY_CALL(sec = scSecretDefineXML(c, xml, flags));
    r = secret_result(self, sec, "virSecretDefineXML() failed");
    scPyConnEnd((PyObject *) self);
    return r;
}

static PyObject *
conn_secretLookupByUUIDString(ScPyConnect *self, FASTARGS)
{
    static const char *const names[] = { "uuidstr", NULL };
    PyObject *a[1], *r;
    const char *uuid;
    scConnectPtr c;
    scSecretPtr sec;

    if (scPyArgs("secretLookupByUUIDString", args, nargs, kw, names, 1, a) < 0 ||
        scPyCStr(a[0], "uuidstr", &uuid) < 0)
        return NULL;
    c = scPyConnBegin((PyObject *) self);
    SC_PY_CALL(sec = scSecretLookupByUUIDString(c, uuid));
    r = secret_result(self, sec, "virSecretLookupByUUIDString() failed");
    scPyConnEnd((PyObject *) self);
    return r;
}

static PyObject *
conn_secretLookupByUUID(ScPyConnect *self, FASTARGS)
{
    static const char *const names[] = { "uuid", NULL };
    PyObject *a[1], *r;
    const unsigned char *uuid;
    scConnectPtr c;
    scSecretPtr sec;

    if (scPyArgs("secretLookupByUUID", args, nargs, kw, names, 1, a) < 0 ||
        uuid_arg(a[0], &uuid) < 0)
        return NULL;
    c = scPyConnBegin((PyObject *) self);
    SC_PY_CALL(sec = scSecretLookupByUUID(c, uuid));
    r = secret_result(self, sec, "virSecretLookupByUUID() failed");
    scPyConnEnd((PyObject *) self);
    return r;
}

static PyObject *
conn_secretLookupByUsage(ScPyConnect *self, FASTARGS)
{
    static const char *const names[] = { "usageType", "usageID", NULL };
    PyObject *a[2], *r;
    const char *id;
    long l;
    int type, overflow;
    scConnectPtr c;
    scSecretPtr sec;

    if (scPyArgs("secretLookupByUsage", args, nargs, kw, names, 2, a) < 0)
        return NULL;
    if (!PyLong_Check(a[0])) {
        PyErr_SetString(PyExc_TypeError, "usageType must be an int");
        return NULL;
    }
    l = PyLong_AsLongAndOverflow(a[0], &overflow);
    if (overflow || l < INT_MIN || l > INT_MAX) {
        PyErr_SetString(PyExc_OverflowError, "usageType is out of range");
        return NULL;
    }
    if ((l == -1 && PyErr_Occurred()) || scPyCStr(a[1], "usageID", &id) < 0)
        return NULL;
    type = (int) l;
    c = scPyConnBegin((PyObject *) self);
    SC_PY_CALL(sec = scSecretLookupByUsage(c, type, id));
    r = secret_result(self, sec, "virSecretLookupByUsage() failed");
    scPyConnEnd((PyObject *) self);
    return r;
}

static PyObject *
conn_numOfSecrets(ScPyConnect *self, PyObject *unused)
{
    return int_of_conn(self, scConnectNumOfSecrets, "virConnectNumOfSecrets() failed");
}

static PyObject *
conn_listSecrets(ScPyConnect *self, PyObject *unused)
{
    return names_of(self, scConnectNumOfSecrets, scConnectListSecrets,
                    "virConnectListSecrets() failed");
}

static PyObject *
conn_listAllSecrets(ScPyConnect *self, FASTARGS)
{
    static const char *const names[] = { "flags", NULL };
    PyObject *a[1] = { NULL }, *r = NULL, *o;
    unsigned int flags;
    scConnectPtr c;
    scSecretPtr *list = NULL;
    int n, i;

    if (scPyArgs("listAllSecrets", args, nargs, kw, names, 0, a) < 0 ||
        scPyFlags(a[0], &flags) < 0)
        return NULL;
    c = scPyConnBegin((PyObject *) self);
    SC_PY_CALL(n = scConnectListAllSecrets(c, &list, flags));
    if (n < 0) {
        r = scPyRaise("virConnectListAllSecrets() failed");
        goto out;
    }
    r = PyList_New(n);
    for (i = 0; i < n && r; i++) {
        /* Taken (and freed if it fails); the rest freed below. */
        o = scPySecretNew((PyObject *) self, list[i]);
        list[i] = NULL;
        if (!o)
            Py_CLEAR(r);
        else
            PyList_SET_ITEM(r, i, o);
    }
out:
    for (i = 0; list && i < n; i++)
        if (list[i])
            SC_PY_CALL(scSecretFree(list[i]));
    free(list);
    scPyConnEnd((PyObject *) self);
    return r;
}

static PyObject *
conn_c_pointer(ScPyConnect *self, PyObject *unused)
{
    return PyLong_FromVoidPtr(self->conn);
}

static PyMethodDef conn_methods[] = {
    METHOD0(close, "($self, /)", DOC_scConnectClose),
    { "__enter__", conn_enter, METH_NOARGS, NULL },
    { "__exit__", (PyCFunction) conn_exit, METH_VARARGS, NULL },
    METHOD0(getURI, "($self, /)", DOC_scConnectGetURI),
    METHOD0(getCapabilities, "($self, /)", DOC_scConnectGetCapabilities),
    METHOD0(getCatalogPath, "($self, /)", DOC_scConnectGetCatalogPath),
    METHOD0(getLibVersion, "($self, /)", DOC_scConnectGetLibVersion),
    METHOD0(getVersion, "($self, /)", DOC_scConnectGetVersion),
    METHOD0(isAlive, "($self, /)", DOC_scConnectIsAlive),
    METHOD0(isSecure, "($self, /)", DOC_scConnectIsSecure),
    METHOD0(isEncrypted, "($self, /)", DOC_scConnectIsEncrypted),
    METHOD0(isReadOnly, "($self, /)", DOC_scConnectIsReadOnly),
    METHOD0(numOfStoragePools, "($self, /)", DOC_scConnectNumOfStoragePools),
    METHOD0(numOfDefinedStoragePools, "($self, /)", DOC_scConnectNumOfDefinedStoragePools),
    METHOD0(listStoragePools, "($self, /)", DOC_scConnectListStoragePools),
    METHOD0(listDefinedStoragePools, "($self, /)", DOC_scConnectListDefinedStoragePools),
    METHOD(listAllStoragePools, "($self, flags=0)", DOC_scConnectListAllStoragePools),
    METHOD(storagePoolLookupByName, "($self, name)", DOC_scStoragePoolLookupByName),
    METHOD(storagePoolLookupByUUID, "($self, uuid)", DOC_scStoragePoolLookupByUUID),
    METHOD(storagePoolLookupByUUIDString, "($self, uuidstr)",
           DOC_scStoragePoolLookupByUUIDString),
    METHOD(storagePoolLookupByTargetPath, "($self, path)", DOC_scStoragePoolLookupByTargetPath),
    METHOD(storagePoolDefineXML, "($self, xml, flags=0)", DOC_scStoragePoolDefineXML),
    METHOD(storagePoolCreateXML, "($self, xmlDesc, flags=0)", DOC_scStoragePoolCreateXML),
    METHOD(storageVolLookupByPath, "($self, path)", DOC_scStorageVolLookupByPath),
    METHOD(storageVolLookupByKey, "($self, key)", DOC_scStorageVolLookupByKey),
    METHOD(storageVolLookupByUUID, "($self, uuid)", DOC_scStorageVolLookupByUUID),
    METHOD(storageVolLookupByUUIDString, "($self, uuidstr)", DOC_scStorageVolLookupByUUIDString),
    METHOD(findStoragePoolSources, "($self, type, srcSpec, flags=0)",
           DOC_scConnectFindStoragePoolSources),
    METHOD(getStoragePoolCapabilities, "($self, flags=0)",
           DOC_scConnectGetStoragePoolCapabilities),
    METHOD(newStream, "($self, flags=0)", DOC_scStreamNew),
    METHOD(secretDefineXML, "($self, xml, flags=0)", DOC_scSecretDefineXML),
    METHOD(secretLookupByUUID, "($self, uuid)", DOC_scSecretLookupByUUID),
    METHOD(secretLookupByUUIDString, "($self, uuidstr)", DOC_scSecretLookupByUUIDString),
    METHOD(secretLookupByUsage, "($self, usageType, usageID)", DOC_scSecretLookupByUsage),
    METHOD0(numOfSecrets, "($self, /)", DOC_scConnectNumOfSecrets),
    METHOD0(listSecrets, "($self, /)", DOC_scConnectListSecrets),
    METHOD(listAllSecrets, "($self, flags=0)", DOC_scConnectListAllSecrets),
    METHOD(secretEventRegisterAny, "($self, secret, eventID, cb, opaque)",
           DOC_scConnectSecretEventRegisterAny),
    METHOD(secretEventDeregisterAny, "($self, callbackID)",
           DOC_scConnectSecretEventDeregisterAny),
    METHOD(numOfStorageVolHistory, "($self, poolUUID=None)",
           DOC_scConnectNumOfStorageVolHistory),
    METHOD(pruneStorageVolHistory, "($self, poolUUID=None, flags=0)",
           DOC_scConnectPruneStorageVolHistory),
    METHOD(storagePoolEventRegisterAny, "($self, pool, eventID, cb, opaque)",
           DOC_scConnectStoragePoolEventRegisterAny),
    METHOD(storagePoolEventDeregisterAny, "($self, callbackID)",
           DOC_scConnectStoragePoolEventDeregisterAny),
    METHOD(storageVolEventRegisterAny, "($self, pool, eventID, cb, opaque)",
           DOC_scConnectStorageVolEventRegisterAny),
    METHOD(storageVolEventDeregisterAny, "($self, callbackID)",
           DOC_scConnectStorageVolEventDeregisterAny),
    METHOD(setProgressCallback, "($self, cb, opaque=None)",
           "cb(conn, operation, done, total, opaque) is called from time to time during\n"
           "long operations on this connection; returning -1 or raising (KeyboardInterrupt:\n"
           "Ctrl-C) stops the operation cleanly, and the exception is raised by the call.\n"
           "None removes it.\n\n" DOC_scConnectSetProgressCallback),
    METHOD(query, "($self, sql, flags=0)",
           "Rows of one read-only SQL statement over the catalog, as an iterator of\n"
           "tuples (None, int, float, str; a blob as bytes), given as the statement\n"
           "yields them: a few rows are held at a time, however many there are. Its\n"
           "columns attribute has the columns' names. An error of the statement\n"
           "(SQL that does not compile, a write refused) raises libvirtError here;\n"
           "one later (the time limit) at the next row. Breaking out of the loop,\n"
           "an exception in it, close() or the end of a with block stops the\n"
           "statement. The time limit (setQueryTimeout) counts the loop's time too.\n\n"
           DOC_scConnectQuery),
    METHOD(report, "($self, name, pool=None, flags=0)",
           "The rows of a named report, as query() gives rows.\n\n" DOC_scConnectReport),
    METHOD(setQueryTimeout, "($self, milliseconds)", DOC_scConnectSetQueryTimeout),
    METHOD(listEvents,
           "($self, pool=None, volume=None, action=None, since=0, until=0, afterID=0, flags=0)",
           "The events of the audit trail that match every filter given, as an\n"
           "iterator of scAuditEvent (a tuple with the C struct's fields by name: id,\n"
           "time, action, poolUUID, poolName, volumeUUID, volumeName, detail, actor,\n"
           "uid, userName, invokerVia, invokerUID, invokerName, pid, program,\n"
           "storcatActor, changes: the JSON text of what changed, old -> new),\n"
           "given as they are read (a few held at a time). Leaving the loop stops\n"
           "the listing; an error of the call raises libvirtError here.\n\n"
           DOC_scConnectListEvents),
    METHOD(listStorageVolumes, "($self, pool=None, format=None, flags=0)",
           "The volumes of @pool (a virStoragePool; None: of every pool) from the\n"
           "catalog, as an iterator of scStorageVolRecord (a tuple with the C struct's\n"
           "fields by name: poolName, poolUUID, name, key, path, uuid, state, type,\n"
           "format, capacity, allocation, physical, backingPath, backingFormat),\n"
           "given as they are read: memory does not grow with the number of volumes.\n"
           "Leaving the loop stops the listing; an error raises libvirtError here.\n\n"
           DOC_scConnectListStorageVolumes),
    METHOD0(c_pointer, "($self, /)", "The address of the scConnect handle."),
    { NULL, NULL, 0, NULL }
};

static void
conn_dealloc(ScPyConnect *self)
{
    scConnectPtr c = self->conn;

    if (self->weakrefs)
        PyObject_ClearWeakRefs((PyObject *) self);
    self->conn = NULL;
    if (c) {
        /* Pools of the C library may outlive this object: no Python
         * callback of it may run after it. */
        SC_PY_CALL(scConnectSetProgressCallback(c, NULL, NULL, NULL); scConnectClose(c));
    }
    Py_TYPE(self)->tp_free((PyObject *) self);
}

PyTypeObject ScPyConnect_Type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "storcat.virConnect",
    .tp_basicsize = sizeof(ScPyConnect),
    .tp_dealloc = (destructor) conn_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A connection to a storcat catalog (storcat.open, openReadOnly, openAuth),\n"
              "with libvirt-python's virConnect storage methods. close() or the garbage\n"
              "collector closes it; pools and volumes of it keep the catalog open.",
    .tp_weaklistoffset = offsetof(ScPyConnect, weakrefs),
    .tp_methods = conn_methods,
};
