/*
 * stream.c: virStream, as libvirt-python's.
 *
 * send/recv and the hole calls wrap storcat's with the GIL released.
 * sendAll, recvAll, sparseSendAll and sparseRecvAll are libvirt-python's
 * Python loops (libvirt-override-virStream.py) written in C, with their
 * callbacks' shapes and errors: data moves in virStorageVol.streamBufSize
 * pieces, a handler that raises aborts the stream and the exception goes
 * on up.
 */
#include "pystorcat.h"

#define FASTARGS PyObject *const *args, Py_ssize_t nargs, PyObject *kw
#define METHOD(name, sig, doc)                                                                  \
    { #name, (PyCFunction) (void (*)(void)) stream_##name, METH_FASTCALL | METH_KEYWORDS,       \
      #name sig "\n--\n\n" doc }
#define METHOD0(name, sig, doc)                                                                 \
    { #name, (PyCFunction) (void (*)(void)) stream_##name, METH_NOARGS, #name sig "\n--\n\n" doc }

/* libvirt-python's virStorageVol.streamBufSize: a stream packet's payload. */
#define STREAM_BUF_SIZE 262120

PyObject *
scPyStreamNew(PyObject *conn, scStreamPtr st)
{
    ScPyStream *self = PyObject_New(ScPyStream, &ScPyStream_Type);

    if (!self) {
        SC_PY_CALL(scStreamFree(st));
        return NULL;
    }
    self->st = st;
    self->conn = Py_NewRef(conn);
    return (PyObject *) self;
}

static void
stream_dealloc(ScPyStream *self)
{
    scStreamPtr st = self->st;

    /* The last reference aborts a transfer still open: a thread to join. */
    if (st)
        SC_PY_CALL(scStreamFree(st));
    Py_XDECREF(self->conn);
    PyObject_Free(self);
}

/* ---- the calls ------------------------------------------------------------ */

/* send(data): scStreamSend takes at most a chunk (256 KiB) a call, where
 * libvirt's remote stream takes the whole buffer: libvirt-python's callers
 * (its own sendAll among them) send once and do not look at the count.
 * So the rest is sent too, until all is taken, the length limit stops it
 * (0), or a non-blocking stream is full (-2): the count so far, or -2 if
 * nothing was taken. */
static PyObject *
send_bytes(ScPyStream *self, PyObject *data)
{
    Py_buffer buf;
    Py_ssize_t sent = 0, len;
    int rc;

    if (PyObject_GetBuffer(data, &buf, PyBUF_SIMPLE) < 0)
        return NULL;
    len = buf.len;
    SC_PY_CALL(do {
        rc = scStreamSend(self->st, (const char *) buf.buf + sent, (size_t) (len - sent));
        if (rc > 0)
            sent += rc;
    } while (rc > 0 && sent < len));
    PyBuffer_Release(&buf);
    if (rc == -1)
        return scPyRaise("virStreamSend() failed");
    return PyLong_FromSsize_t(sent > 0 || len == 0 ? sent : rc);
}

static PyObject *
stream_send(ScPyStream *self, FASTARGS)
{
    static const char *const names[] = { "data", NULL };
    PyObject *a[1];

    if (scPyArgs("send", args, nargs, kw, names, 1, a) < 0)
        return NULL;
    return send_bytes(self, a[0]);
}

/* recv / recvFlags: bytes, or the int -2 (would block) or -3 (a hole). */
static PyObject *
recv_bytes(ScPyStream *self, Py_ssize_t nbytes, unsigned int flags, const char *defmsg)
{
    PyObject *b;
    int rc;

    if (nbytes < 0) {
        PyErr_SetString(PyExc_ValueError, "nbytes must not be negative");
        return NULL;
    }
    if (!(b = PyBytes_FromStringAndSize(NULL, nbytes)))
        return NULL;
    SC_PY_CALL(rc = scStreamRecvFlags(self->st, PyBytes_AS_STRING(b), (size_t) nbytes, flags));
    if (rc == -2 || rc == -3) {
        Py_DECREF(b);
        return PyLong_FromLong(rc);
    }
    if (rc < 0) {
        Py_DECREF(b);
        return scPyRaise(defmsg);
    }
    if (rc != nbytes && _PyBytes_Resize(&b, rc) < 0)
        return NULL;
    return b;
}

static PyObject *
stream_recv(ScPyStream *self, FASTARGS)
{
    static const char *const names[] = { "nbytes", NULL };
    PyObject *a[1];
    Py_ssize_t n;

    if (scPyArgs("recv", args, nargs, kw, names, 1, a) < 0)
        return NULL;
    if ((n = PyLong_AsSsize_t(a[0])) == -1 && PyErr_Occurred())
        return NULL;
    return recv_bytes(self, n, 0, "virStreamRecv() failed");
}

static PyObject *
stream_recvFlags(ScPyStream *self, FASTARGS)
{
    static const char *const names[] = { "nbytes", "flags", NULL };
    PyObject *a[2] = { NULL, NULL };
    unsigned int flags;
    Py_ssize_t n;

    if (scPyArgs("recvFlags", args, nargs, kw, names, 1, a) < 0 || scPyFlags(a[1], &flags) < 0)
        return NULL;
    if ((n = PyLong_AsSsize_t(a[0])) == -1 && PyErr_Occurred())
        return NULL;
    return recv_bytes(self, n, flags, "virStreamRecvFlags() failed");
}

static PyObject *
send_hole(ScPyStream *self, long long length, unsigned int flags)
{
    int rc;

    SC_PY_CALL(rc = scStreamSendHole(self->st, length, flags));
    return rc < 0 ? scPyRaise("virStreamSendHole() failed") : PyLong_FromLong(rc);
}

static PyObject *
stream_sendHole(ScPyStream *self, FASTARGS)
{
    static const char *const names[] = { "length", "flags", NULL };
    PyObject *a[2] = { NULL, NULL };
    unsigned int flags;
    long long length;

    if (scPyArgs("sendHole", args, nargs, kw, names, 1, a) < 0 || scPyFlags(a[1], &flags) < 0)
        return NULL;
    if ((length = PyLong_AsLongLong(a[0])) == -1 && PyErr_Occurred())
        return NULL;
    return send_hole(self, length, flags);
}

static PyObject *
recv_hole(ScPyStream *self, unsigned int flags)
{
    long long length = 0;
    int rc;

    SC_PY_CALL(rc = scStreamRecvHole(self->st, &length, flags));
    return rc < 0 ? scPyRaise("virStreamRecvHole() failed") : PyLong_FromLongLong(length);
}

static PyObject *
stream_recvHole(ScPyStream *self, FASTARGS)
{
    static const char *const names[] = { "flags", NULL };
    PyObject *a[1] = { NULL };
    unsigned int flags;

    if (scPyArgs("recvHole", args, nargs, kw, names, 0, a) < 0 || scPyFlags(a[0], &flags) < 0)
        return NULL;
    return recv_hole(self, flags);
}

static PyObject *
stream_finish(ScPyStream *self, PyObject *unused)
{
    int rc;

    SC_PY_CALL(rc = scStreamFinish(self->st));
    return rc < 0 ? scPyRaise("virStreamFinish() failed") : PyLong_FromLong(rc);
}

static PyObject *
stream_abort(ScPyStream *self, PyObject *unused)
{
    int rc;

    SC_PY_CALL(rc = scStreamAbort(self->st));
    return rc < 0 ? scPyRaise("virStreamAbort() failed") : PyLong_FromLong(rc);
}

/* ---- libvirt-python's loops ------------------------------------------------ */

/* Abort after a handler failed, keeping its exception (abort's own error
 * is dropped, as libvirt-python's "except Exception: pass"). */
static void
abort_keeping(ScPyStream *self)
{
    PyObject *type, *value, *tb;

    PyErr_Fetch(&type, &value, &tb);
    Py_BEGIN_ALLOW_THREADS scStreamAbort(self->st);
    Py_END_ALLOW_THREADS PyErr_Restore(type, value, tb);
}

/* A handler's int result below 0: abort, RuntimeError(fmt % ret). */
static int
negative_result(ScPyStream *self, PyObject *ret, const char *fmt)
{
    long v;

    if (!PyLong_Check(ret))
        return 0;
    v = PyLong_AsLong(ret);
    if (v >= 0 || PyErr_Occurred()) {
        PyErr_Clear();
        return 0;
    }
    Py_BEGIN_ALLOW_THREADS scStreamAbort(self->st);
    Py_END_ALLOW_THREADS PyErr_Format(PyExc_RuntimeError, fmt, v);
    return 1;
}

static PyObject *
stream_sendAll(ScPyStream *self, FASTARGS)
{
    static const char *const names[] = { "handler", "opaque", NULL };
    PyObject *a[2], *got, *r;
    long rc;

    if (scPyArgs("sendAll", args, nargs, kw, names, 2, a) < 0)
        return NULL;
    for (;;) {
        got = PyObject_CallFunction(a[0], "OiO", self, STREAM_BUF_SIZE, a[1]);
        if (!got) {
            abort_keeping(self);
            return NULL;
        }
        if (!PyObject_IsTrue(got)) {
            Py_DECREF(got);
            break;
        }
        r = send_bytes(self, got);
        Py_DECREF(got);
        if (!r)
            return NULL;
        rc = PyLong_AsLong(r);
        Py_DECREF(r);
        if (rc == -2)
            return scPyRaise("cannot use sendAll with nonblocking stream");
    }
    Py_RETURN_NONE;
}

static PyObject *
stream_recvAll(ScPyStream *self, FASTARGS)
{
    static const char *const names[] = { "handler", "opaque", NULL };
    PyObject *a[2], *got, *ret;

    if (scPyArgs("recvAll", args, nargs, kw, names, 2, a) < 0)
        return NULL;
    for (;;) {
        if (!(got = recv_bytes(self, STREAM_BUF_SIZE, 0, "virStreamRecv() failed")))
            return NULL;
        if (PyLong_Check(got)) {
            Py_DECREF(got);
            return scPyRaise("cannot use recvAll with nonblocking stream");
        }
        if (PyBytes_GET_SIZE(got) == 0) {
            Py_DECREF(got);
            break;
        }
        ret = PyObject_CallFunction(a[0], "OOO", self, got, a[1]);
        Py_DECREF(got);
        if (!ret) {
            abort_keeping(self);
            return NULL;
        }
        if (negative_result(self, ret, "recvAll handler returned %ld")) {
            Py_DECREF(ret);
            return NULL;
        }
        Py_DECREF(ret);
    }
    Py_RETURN_NONE;
}

static PyObject *
stream_sparseRecvAll(ScPyStream *self, FASTARGS)
{
    static const char *const names[] = { "handler", "holeHandler", "opaque", NULL };
    PyObject *a[3], *got, *ret, *len;

    if (scPyArgs("sparseRecvAll", args, nargs, kw, names, 3, a) < 0)
        return NULL;
    for (;;) {
        got = recv_bytes(self, STREAM_BUF_SIZE, SC_STREAM_RECV_STOP_AT_HOLE,
                         "virStreamRecvFlags() failed");
        if (!got)
            return NULL;
        if (PyLong_Check(got)) {
            long v = PyLong_AsLong(got);

            Py_DECREF(got);
            if (v == -2)
                return scPyRaise("cannot use sparseRecvAll with nonblocking stream");
            if (!(len = recv_hole(self, 0)))
                return NULL;
            ret = PyObject_CallFunction(a[1], "OOO", self, len, a[2]);
            Py_DECREF(len);
            if (!ret)
                return NULL;
            if (negative_result(self, ret, "holeHandler handler returned %ld")) {
                Py_DECREF(ret);
                return NULL;
            }
            Py_DECREF(ret);
            continue;
        }
        if (PyBytes_GET_SIZE(got) == 0) {
            Py_DECREF(got);
            break;
        }
        ret = PyObject_CallFunction(a[0], "OOO", self, got, a[2]);
        Py_DECREF(got);
        if (!ret)
            return NULL;
        if (negative_result(self, ret, "sparseRecvAll handler returned %ld")) {
            Py_DECREF(ret);
            return NULL;
        }
        Py_DECREF(ret);
    }
    Py_RETURN_NONE;
}

/* holeHandler(stream, opaque) -> [inData, sectionLen] */
static int
section(ScPyStream *self, PyObject *hole, PyObject *opaque, int *in_data, long long *len)
{
    PyObject *r = PyObject_CallFunction(hole, "OO", self, opaque), *seq;

    if (!r)
        return -1;
    seq = PySequence_Fast(r, "holeHandler must return [inData, sectionLen]");
    Py_DECREF(r);
    if (!seq)
        return -1;
    if (PySequence_Fast_GET_SIZE(seq) != 2) {
        Py_DECREF(seq);
        PyErr_SetString(PyExc_ValueError, "holeHandler must return [inData, sectionLen]");
        return -1;
    }
    *in_data = PyObject_IsTrue(PySequence_Fast_GET_ITEM(seq, 0));
    *len = PyLong_AsLongLong(PySequence_Fast_GET_ITEM(seq, 1));
    Py_DECREF(seq);
    return *in_data < 0 || (*len == -1 && PyErr_Occurred()) ? -1 : 0;
}

static PyObject *
stream_sparseSendAll(ScPyStream *self, FASTARGS)
{
    static const char *const names[] = { "handler", "holeHandler", "skipHandler", "opaque",
                                         NULL };
    PyObject *a[4], *got, *r;
    long long len;
    int in_data;
    long rc;

    if (scPyArgs("sparseSendAll", args, nargs, kw, names, 4, a) < 0)
        return NULL;
    for (;;) {
        if (section(self, a[1], a[3], &in_data, &len) < 0)
            return NULL;
        if (!in_data && len > 0) {
            if (!(r = send_hole(self, len, 0)))
                return NULL;
            Py_DECREF(r);
            if (!(r = PyObject_CallFunction(a[2], "OLO", self, len, a[3])))
                return NULL;
            if (negative_result(self, r, "skipHandler returned %ld")) {
                Py_DECREF(r);
                return NULL;
            }
            Py_DECREF(r);
            continue;
        }
        got = PyObject_CallFunction(a[0], "OLO", self,
                                    len < STREAM_BUF_SIZE ? len : (long long) STREAM_BUF_SIZE,
                                    a[3]);
        if (!got)
            return NULL;
        if (negative_result(self, got, "sparseSendAll handler returned %ld")) {
            Py_DECREF(got);
            return NULL;
        }
        if (!PyObject_IsTrue(got)) {
            Py_DECREF(got);
            break;
        }
        r = send_bytes(self, got);
        Py_DECREF(got);
        if (!r)
            return NULL;
        rc = PyLong_AsLong(r);
        Py_DECREF(r);
        if (rc == -2)
            return scPyRaise("cannot use sparseSendAll with nonblocking stream");
    }
    Py_RETURN_NONE;
}

static PyObject *
stream_connect(ScPyStream *self, PyObject *unused)
{
    return Py_NewRef(self->conn);
}

static PyObject *
stream_c_pointer(ScPyStream *self, PyObject *unused)
{
    return PyLong_FromVoidPtr(self->st);
}

static PyMethodDef stream_methods[] = {
    METHOD(send, "($self, data)", DOC_scStreamSend),
    METHOD(recv, "($self, nbytes)",
           "Returns the bytes read (b'' at the end), or -2 (non-blocking, nothing yet).\n\n"
           DOC_scStreamRecv),
    METHOD(recvFlags, "($self, nbytes, flags=0)",
           "Returns bytes, -2 (would block) or -3 (a hole is next).\n\n" DOC_scStreamRecvFlags),
    METHOD(sendHole, "($self, length, flags=0)", DOC_scStreamSendHole),
    METHOD(recvHole, "($self, flags=0)", "Returns the hole's length.\n\n" DOC_scStreamRecvHole),
    METHOD0(finish, "($self, /)", DOC_scStreamFinish),
    METHOD0(abort, "($self, /)", DOC_scStreamAbort),
    METHOD(sendAll, "($self, handler, opaque)",
           "handler(stream, nbytes, opaque) returns the next bytes, b'' at the end.\n\n"
           DOC_scStreamSendAll),
    METHOD(recvAll, "($self, handler, opaque)",
           "handler(stream, data, opaque) takes each piece.\n\n" DOC_scStreamRecvAll),
    METHOD(sparseSendAll, "($self, handler, holeHandler, skipHandler, opaque)",
           "handler(stream, nbytes, opaque) -> bytes; holeHandler(stream, opaque) ->\n"
           "[inData, sectionLen]; skipHandler(stream, length, opaque).\n\n"
           DOC_scStreamSparseSendAll),
    METHOD(sparseRecvAll, "($self, handler, holeHandler, opaque)",
           "handler(stream, data, opaque); holeHandler(stream, length, opaque).\n\n"
           DOC_scStreamSparseRecvAll),
    METHOD0(connect, "($self, /)", "The stream's connection."),
    METHOD0(c_pointer, "($self, /)", "The address of the scStream handle."),
    { NULL, NULL, 0, NULL }
};

PyTypeObject ScPyStream_Type = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "storcat.virStream",
    .tp_basicsize = sizeof(ScPyStream),
    .tp_dealloc = (destructor) stream_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A data stream (virConnect.newStream), as libvirt-python's virStream.",
    .tp_methods = stream_methods,
};
