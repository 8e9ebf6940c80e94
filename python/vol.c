/*
 * vol.c: virStorageVol, as libvirt-python's, and storcat's own getters
 * (UUID, UUIDString, state, format, backingStore, operation) and the
 * file-descriptor transfers (uploadFD, downloadFD).
 */
#include "pystorcat.h"

#define FASTARGS PyObject *const *args, Py_ssize_t nargs, PyObject *kw
#define METHOD(name, sig, doc)                                                                  \
    { #name, (PyCFunction) (void (*)(void)) vol_##name, METH_FASTCALL | METH_KEYWORDS,          \
      #name sig "\n--\n\n" doc }
#define METHOD0(name, sig, doc)                                                                 \
    { #name, (PyCFunction) (void (*)(void)) vol_##name, METH_NOARGS, #name sig "\n--\n\n" doc }

PyObject *
scPyVolNew(PyObject *conn, scStorageVolPtr vol)
{
    ScPyVol *self = PyObject_New(ScPyVol, &ScPyVol_Type);

    if (!self) {
        SC_PY_CALL(scStorageVolFree(vol));
        return NULL;
    }
    self->vol = vol;
    self->conn = Py_NewRef(conn);
    return (PyObject *) self;
}

static void
vol_dealloc(ScPyVol *self)
{
    if (self->vol)
        SC_PY_CALL(scStorageVolFree(self->vol));
    Py_XDECREF(self->conn);
    PyObject_Free(self);
}

static PyObject *
vol_name(ScPyVol *self, PyObject *unused)
{
    const char *s = scStorageVolGetName(self->vol);

    if (!s)
        Py_RETURN_NONE;
    return PyUnicode_DecodeFSDefault(s);
}

static PyObject *
vol_key(ScPyVol *self, PyObject *unused)
{
    const char *s = scStorageVolGetKey(self->vol);

    if (!s)
        return scPyRaise("virStorageVolGetKey() failed");
    return PyUnicode_DecodeFSDefault(s);
}

static PyObject *
vol_path(ScPyVol *self, PyObject *unused)
{
    char *s;
    PyObject *r;

    SC_PY_CALL(s = scStorageVolGetPath(self->vol));
    if (!s)
        return scPyRaise("virStorageVolGetPath() failed");
    r = PyUnicode_DecodeFSDefault(s);
    free(s);
    return r;
}

static PyObject *
info_list(const scStorageVolInfo *info)
{
    return Py_BuildValue("[iKK]", info->type, info->capacity, info->allocation);
}

static PyObject *
vol_info(ScPyVol *self, PyObject *unused)
{
    scStorageVolInfo info;
    int rc;

    SC_PY_CALL(rc = scStorageVolGetInfo(self->vol, &info));
    return rc < 0 ? scPyRaise("virStorageVolGetInfo() failed") : info_list(&info);
}

static PyObject *
vol_infoFlags(ScPyVol *self, FASTARGS)
{
    static const char *const names[] = { "flags", NULL };
    PyObject *a[1] = { NULL };
    scStorageVolInfo info;
    unsigned int flags;
    int rc;

    if (scPyArgs("infoFlags", args, nargs, kw, names, 0, a) < 0 || scPyFlags(a[0], &flags) < 0)
        return NULL;
    SC_PY_CALL(rc = scStorageVolGetInfoFlags(self->vol, &info, flags));
    return rc < 0 ? scPyRaise("virStorageVolGetInfoFlags() failed") : info_list(&info);
}

static PyObject *
vol_XMLDesc(ScPyVol *self, FASTARGS)
{
    static const char *const names[] = { "flags", NULL };
    PyObject *a[1] = { NULL };
    unsigned int flags;
    char *s;

    if (scPyArgs("XMLDesc", args, nargs, kw, names, 0, a) < 0 || scPyFlags(a[0], &flags) < 0)
        return NULL;
    SC_PY_CALL(s = scStorageVolGetXMLDesc(self->vol, flags));
    return scPyStrOwned(s, "virStorageVolGetXMLDesc() failed");
}

typedef int (*IntOfVolFlags)(scStorageVolPtr, unsigned int);

static PyObject *
int_of_flags(ScPyVol *self, FASTARGS, const char *fname, IntOfVolFlags fn, const char *defmsg)
{
    static const char *const names[] = { "flags", NULL };
    PyObject *a[1] = { NULL };
    unsigned int flags;
    int rc;

    if (scPyArgs(fname, args, nargs, kw, names, 0, a) < 0 || scPyFlags(a[0], &flags) < 0)
        return NULL;
    SC_PY_CALL(rc = fn(self->vol, flags));
    return scPyInt(rc, defmsg);
}

static PyObject *
vol_delete(ScPyVol *self, FASTARGS)
{
    return int_of_flags(self, args, nargs, kw, "delete", scStorageVolDelete,
                        "virStorageVolDelete() failed");
}

static PyObject *
vol_wipe(ScPyVol *self, FASTARGS)
{
    return int_of_flags(self, args, nargs, kw, "wipe", scStorageVolWipe,
                        "virStorageVolWipe() failed");
}

static PyObject *
vol_wipePattern(ScPyVol *self, FASTARGS)
{
    static const char *const names[] = { "algorithm", "flags", NULL };
    PyObject *a[2] = { NULL, NULL };
    unsigned int alg, flags;
    int rc;

    if (scPyArgs("wipePattern", args, nargs, kw, names, 1, a) < 0 || scPyFlags(a[0], &alg) < 0 ||
        scPyFlags(a[1], &flags) < 0)
        return NULL;
    SC_PY_CALL(rc = scStorageVolWipePattern(self->vol, alg, flags));
    return scPyInt(rc, "virStorageVolWipePattern() failed");
}

static PyObject *
vol_resize(ScPyVol *self, FASTARGS)
{
    static const char *const names[] = { "capacity", "flags", NULL };
    PyObject *a[2] = { NULL, NULL };
    unsigned long long cap;
    unsigned int flags;
    int rc;

    if (scPyArgs("resize", args, nargs, kw, names, 1, a) < 0 || scPyULL(a[0], &cap) < 0 ||
        scPyFlags(a[1], &flags) < 0)
        return NULL;
    SC_PY_CALL(rc = scStorageVolResize(self->vol, cap, flags));
    return scPyInt(rc, "virStorageVolResize() failed");
}

typedef int (*Transfer)(scStorageVolPtr, scStreamPtr, unsigned long long, unsigned long long,
                        unsigned int);

/* upload(stream, offset, length, flags=0) / download(...) */
static PyObject *
transfer(ScPyVol *self, FASTARGS, const char *fname, Transfer fn, const char *defmsg)
{
    static const char *const names[] = { "stream", "offset", "length", "flags", NULL };
    PyObject *a[4] = { NULL, NULL, NULL, NULL };
    unsigned long long offset, length;
    unsigned int flags;
    scStreamPtr st = NULL;
    int rc;

    if (scPyArgs(fname, args, nargs, kw, names, 3, a) < 0 || scPyULL(a[1], &offset) < 0 ||
        scPyULL(a[2], &length) < 0 || scPyFlags(a[3], &flags) < 0)
        return NULL;
    if (a[0] != Py_None) {
        if (!PyObject_TypeCheck(a[0], &ScPyStream_Type)) {
            PyErr_SetString(PyExc_TypeError, "stream must be a virStream");
            return NULL;
        }
        st = ((ScPyStream *) a[0])->st;
    }
    SC_PY_CALL(rc = fn(self->vol, st, offset, length, flags));
    return rc < 0 ? scPyRaise(defmsg) : PyLong_FromLong(rc);
}

static PyObject *
vol_upload(ScPyVol *self, FASTARGS)
{
    return transfer(self, args, nargs, kw, "upload", scStorageVolUpload,
                    "virStorageVolUpload() failed");
}

static PyObject *
vol_download(ScPyVol *self, FASTARGS)
{
    return transfer(self, args, nargs, kw, "download", scStorageVolDownload,
                    "virStorageVolDownload() failed");
}

typedef int (*TransferFD)(scStorageVolPtr, int, unsigned long long, unsigned long long,
                          unsigned int);

/* uploadFD(fd, offset=0, length=0, flags=0) / downloadFD(...): fd is an
 * int or an object with fileno(). */
static PyObject *
transfer_fd(ScPyVol *self, FASTARGS, const char *fname, TransferFD fn, const char *defmsg)
{
    static const char *const names[] = { "fd", "offset", "length", "flags", NULL };
    PyObject *a[4] = { NULL, NULL, NULL, NULL };
    unsigned long long offset = 0, length = 0;
    unsigned int flags;
    int fd, rc;

    if (scPyArgs(fname, args, nargs, kw, names, 1, a) < 0 ||
        (fd = PyObject_AsFileDescriptor(a[0])) < 0 || (a[1] && scPyULL(a[1], &offset) < 0) ||
        (a[2] && scPyULL(a[2], &length) < 0) || scPyFlags(a[3], &flags) < 0)
        return NULL;
    SC_PY_CALL(rc = fn(self->vol, fd, offset, length, flags));
    return scPyInt(rc, defmsg);
}

static PyObject *
vol_uploadFD(ScPyVol *self, FASTARGS)
{
    return transfer_fd(self, args, nargs, kw, "uploadFD", scStorageVolUploadFD,
                       "scStorageVolUploadFD() failed");
}

static PyObject *
vol_downloadFD(ScPyVol *self, FASTARGS)
{
    return transfer_fd(self, args, nargs, kw, "downloadFD", scStorageVolDownloadFD,
                       "scStorageVolDownloadFD() failed");
}

static PyObject *
vol_storagePoolLookupByVolume(ScPyVol *self, PyObject *unused)
{
    scStoragePoolPtr p;

    SC_PY_CALL(p = scStoragePoolLookupByVolume(self->vol));
    return p ? scPyPoolNew(self->conn, p) : scPyRaise("virStoragePoolLookupByVolume() failed");
}

static PyObject *
vol_UUID(ScPyVol *self, PyObject *unused)
{
    unsigned char buf[SC_UUID_BUFLEN];
    int rc;

    SC_PY_CALL(rc = scStorageVolGetUUID(self->vol, buf));
    if (rc < 0)
        return scPyRaise("scStorageVolGetUUID() failed");
    return PyBytes_FromStringAndSize((const char *) buf, SC_UUID_BUFLEN);
}

static PyObject *
vol_UUIDString(ScPyVol *self, PyObject *unused)
{
    char buf[SC_UUID_STRING_BUFLEN];
    int rc;

    SC_PY_CALL(rc = scStorageVolGetUUIDString(self->vol, buf));
    return rc < 0 ? scPyRaise("scStorageVolGetUUIDString() failed") : PyUnicode_FromString(buf);
}

static PyObject *
vol_state(ScPyVol *self, PyObject *unused)
{
    int rc;

    SC_PY_CALL(rc = scStorageVolGetState(self->vol));
    return rc < 0 ? scPyRaise("scStorageVolGetState() failed") : PyLong_FromLong(rc);
}

static PyObject *
vol_format(ScPyVol *self, PyObject *unused)
{
    char *s;

    SC_PY_CALL(s = scStorageVolGetFormat(self->vol));
    return scPyStrOwned(s, "scStorageVolGetFormat() failed");
}

/* (path, format) of the backing file, format None if unknown; None if
 * there is no backing file. */
static PyObject *
vol_backingStore(ScPyVol *self, PyObject *unused)
{
    char *path = NULL, *format = NULL;
    PyObject *r;
    int rc;

    SC_PY_CALL(rc = scStorageVolGetBackingStore(self->vol, &path, &format));
    if (rc < 0)
        return scPyRaise("scStorageVolGetBackingStore() failed");
    if (rc == 0)
        Py_RETURN_NONE;
    r = Py_BuildValue("(O&z)", PyUnicode_DecodeFSDefault, path, format);
    free(path);
    free(format);
    return r;
}

/* (operation, pid) journaled on the volume now, or None. */
static PyObject *
vol_operation(ScPyVol *self, PyObject *unused)
{
    char *op = NULL;
    long long pid = 0;
    PyObject *r;
    int rc;

    SC_PY_CALL(rc = scStorageVolGetOperation(self->vol, &op, &pid));
    if (rc < 0)
        return scPyRaise("scStorageVolGetOperation() failed");
    if (rc == 0)
        Py_RETURN_NONE;
    r = Py_BuildValue("(sL)", op, pid);
    free(op);
    return r;
}

static PyObject *
vol_connect(ScPyVol *self, PyObject *unused)
{
    return Py_NewRef(self->conn);
}

static PyObject *
vol_c_pointer(ScPyVol *self, PyObject *unused)
{
    return PyLong_FromVoidPtr(self->vol);
}

static PyMethodDef vol_methods[] = {
    METHOD0(name, "($self, /)", DOC_scStorageVolGetName),
    METHOD0(key, "($self, /)", DOC_scStorageVolGetKey),
    METHOD0(path, "($self, /)", DOC_scStorageVolGetPath),
    METHOD0(info, "($self, /)",
            "Returns [type, capacity, allocation].\n\n" DOC_scStorageVolGetInfo),
    METHOD(infoFlags, "($self, flags=0)",
           "Returns [type, capacity, allocation].\n\n" DOC_scStorageVolGetInfoFlags),
    METHOD(XMLDesc, "($self, flags=0)", DOC_scStorageVolGetXMLDesc),
    METHOD(delete, "($self, flags=0)", DOC_scStorageVolDelete),
    METHOD(wipe, "($self, flags=0)", DOC_scStorageVolWipe),
    METHOD(wipePattern, "($self, algorithm, flags=0)", DOC_scStorageVolWipePattern),
    METHOD(resize, "($self, capacity, flags=0)", DOC_scStorageVolResize),
    METHOD(upload, "($self, stream, offset, length, flags=0)", DOC_scStorageVolUpload),
    METHOD(download, "($self, stream, offset, length, flags=0)", DOC_scStorageVolDownload),
    METHOD(uploadFD, "($self, fd, offset=0, length=0, flags=0)", DOC_scStorageVolUploadFD),
    METHOD(downloadFD, "($self, fd, offset=0, length=0, flags=0)", DOC_scStorageVolDownloadFD),
    METHOD0(storagePoolLookupByVolume, "($self, /)", DOC_scStoragePoolLookupByVolume),
    METHOD0(UUID, "($self, /)", DOC_scStorageVolGetUUID),
    METHOD0(UUIDString, "($self, /)", DOC_scStorageVolGetUUIDString),
    METHOD0(state, "($self, /)", DOC_scStorageVolGetState),
    METHOD0(format, "($self, /)", DOC_scStorageVolGetFormat),
    METHOD0(backingStore, "($self, /)",
            "Returns (path, format), or None without a backing file.\n\n"
            DOC_scStorageVolGetBackingStore),
    METHOD0(operation, "($self, /)",
            "Returns (operation, pid), or None.\n\n" DOC_scStorageVolGetOperation),
    METHOD0(connect, "($self, /)", DOC_scStorageVolGetConnect),
    METHOD0(c_pointer, "($self, /)", "The address of the scStorageVol handle."),
    { NULL, NULL, 0, NULL }
};

PyTypeObject ScPyVol_Type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "storcat.virStorageVol",
    .tp_basicsize = sizeof(ScPyVol),
    .tp_dealloc = (destructor) vol_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A storage volume, as libvirt-python's virStorageVol.",
    .tp_methods = vol_methods,
};
