/*
 * secret.c: virSecret, as libvirt-python's: what an iSCSI pool's CHAP
 * <auth> names. value() is bytes; setValue() takes bytes or a str (its
 * UTF-8), as libvirt-python's "z#". No method ever shows the value in an
 * error or a repr.
 */
#include "pystorcat.h"

#define FASTARGS PyObject *const *args, Py_ssize_t nargs, PyObject *kw
#define METHOD(name, sig, doc)                                                                  \
    { #name, (PyCFunction) (void (*)(void)) secret_##name, METH_FASTCALL | METH_KEYWORDS,       \
      #name sig "\n--\n\n" doc }
#define METHOD0(name, sig, doc)                                                                 \
    { #name, (PyCFunction) (void (*)(void)) secret_##name, METH_NOARGS,                         \
      #name sig "\n--\n\n" doc }

PyObject *
scPySecretNew(PyObject *conn, scSecretPtr secret)
{
    ScPySecret *self = PyObject_New(ScPySecret, &ScPySecret_Type);

    if (!self) {
        SC_PY_CALL(scSecretFree(secret));
        return NULL;
    }
    self->secret = secret;
    self->conn = Py_NewRef(conn);
    return (PyObject *) self;
}

static void
secret_dealloc(ScPySecret *self)
{
    if (self->secret)
        SC_PY_CALL(scSecretFree(self->secret));
    Py_XDECREF(self->conn);
    PyObject_Free(self);
}

static PyObject *
secret_UUIDString(ScPySecret *self, PyObject *unused)
{
    char buf[SC_UUID_STRING_BUFLEN];

    if (scSecretGetUUIDString(self->secret, buf) < 0)
        return scPyRaise("virSecretGetUUIDString() failed");
    return PyUnicode_FromString(buf);
}

static PyObject *
secret_UUID(ScPySecret *self, PyObject *unused)
{
    unsigned char buf[SC_UUID_BUFLEN];

    if (scSecretGetUUID(self->secret, buf) < 0)
        return scPyRaise("virSecretGetUUID() failed");
    return PyBytes_FromStringAndSize((const char *) buf, SC_UUID_BUFLEN);
}

static PyObject *
secret_usageType(ScPySecret *self, PyObject *unused)
{
    int t = scSecretGetUsageType(self->secret);

    return t < 0 ? scPyRaise("virSecretGetUsageType() failed") : PyLong_FromLong(t);
}

static PyObject *
secret_usageID(ScPySecret *self, PyObject *unused)
{
    const char *s = scSecretGetUsageID(self->secret);

    return s ? PyUnicode_FromString(s) : scPyRaise("virSecretGetUsageID() failed");
}

static PyObject *
secret_XMLDesc(ScPySecret *self, FASTARGS)
{
    static const char *const names[] = { "flags", NULL };
    PyObject *a[1] = { NULL };
    unsigned int flags;
    char *s;

    if (scPyArgs("XMLDesc", args, nargs, kw, names, 0, a) < 0 || scPyFlags(a[0], &flags) < 0)
        return NULL;
    SC_PY_CALL(s = scSecretGetXMLDesc(self->secret, flags));
    return scPyStrOwned(s, "virSecretGetXMLDesc() failed");
}

static PyObject *
secret_setValue(ScPySecret *self, FASTARGS)
{
    static const char *const names[] = { "value", "flags", NULL };
    PyObject *a[2] = { NULL, NULL };
    unsigned int flags;
    Py_buffer view;
    const char *text;
    Py_ssize_t len;
    int rc;

    if (scPyArgs("setValue", args, nargs, kw, names, 1, a) < 0 || scPyFlags(a[1], &flags) < 0)
        return NULL;
    if (PyUnicode_Check(a[0])) {
        /* The str's UTF-8 lives as long as the str, which the caller holds. */
        if (!(text = PyUnicode_AsUTF8AndSize(a[0], &len)))
            return NULL;
        SC_PY_CALL(rc = scSecretSetValue(self->secret, (const unsigned char *) text,
                                         (size_t) len, flags));
    } else {
        if (PyObject_GetBuffer(a[0], &view, PyBUF_SIMPLE) < 0) {
            PyErr_SetString(PyExc_TypeError, "value must be bytes or str");
            return NULL;
        }
        SC_PY_CALL(rc = scSecretSetValue(self->secret, view.buf, (size_t) view.len, flags));
        PyBuffer_Release(&view);
    }
    return rc < 0 ? scPyRaise("virSecretSetValue() failed") : PyLong_FromLong(rc);
}

static PyObject *
secret_value(ScPySecret *self, FASTARGS)
{
    static const char *const names[] = { "flags", NULL };
    PyObject *a[1] = { NULL }, *r;
    unsigned int flags;
    unsigned char *v;
    size_t len = 0;

    if (scPyArgs("value", args, nargs, kw, names, 0, a) < 0 || scPyFlags(a[0], &flags) < 0)
        return NULL;
    SC_PY_CALL(v = scSecretGetValue(self->secret, &len, flags));
    if (!v)
        return scPyRaise("virSecretGetValue() failed");
    r = PyBytes_FromStringAndSize((const char *) v, (Py_ssize_t) len);
    /* Our copy does not outlive the call. */
    explicit_bzero(v, len);
    free(v);
    return r;
}

static PyObject *
secret_undefine(ScPySecret *self, PyObject *unused)
{
    int rc;

    SC_PY_CALL(rc = scSecretUndefine(self->secret));
    return rc < 0 ? scPyRaise("virSecretUndefine() failed") : PyLong_FromLong(rc);
}

static PyObject *
secret_connect(ScPySecret *self, PyObject *unused)
{
    return Py_NewRef(self->conn);
}

static PyObject *
secret_c_pointer(ScPySecret *self, PyObject *unused)
{
    return PyLong_FromVoidPtr(self->secret);
}

static PyMethodDef secret_methods[] = {
    METHOD0(UUID, "($self, /)", DOC_scSecretGetUUID),
    METHOD0(UUIDString, "($self, /)", DOC_scSecretGetUUIDString),
    METHOD0(usageType, "($self, /)", DOC_scSecretGetUsageType),
    METHOD0(usageID, "($self, /)", DOC_scSecretGetUsageID),
    METHOD(XMLDesc, "($self, flags=0)", DOC_scSecretGetXMLDesc),
    METHOD(setValue, "($self, value, flags=0)", DOC_scSecretSetValue),
    METHOD(value, "($self, flags=0)", DOC_scSecretGetValue),
    METHOD0(undefine, "($self, /)", DOC_scSecretUndefine),
    METHOD0(connect, "($self, /)", DOC_scSecretGetConnect),
    METHOD0(c_pointer, "($self, /)", "The address of the scSecret handle."),
    { NULL, NULL, 0, NULL }
};

PyTypeObject ScPySecret_Type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "storcat.virSecret",
    .tp_basicsize = sizeof(ScPySecret),
    .tp_dealloc = (destructor) secret_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A secret (a CHAP password), as libvirt-python's virSecret.",
    .tp_methods = secret_methods,
};
