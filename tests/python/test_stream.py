"""virStream: uploads and downloads through streams, with and without holes,
in the shapes libvirt-python's callers use (virt-manager's upload, the
sparsestream example of libvirt-python)."""

import os

import pytest

import storcat
from conftest import vol_xml

MiB = 1 << 20


def code_of(excinfo):
    return excinfo.value.get_error_code()


def sparse_source(path):
    """A file of 8 MiB: data at 0 and 5 MiB, holes elsewhere."""
    with open(path, "wb") as f:
        f.truncate(8 * MiB)
        f.seek(0)
        f.write(b"A" * 300000)
        f.seek(5 * MiB)
        f.write(b"B" * MiB)
    return open(path, "rb").read()


def allocated(path):
    return os.stat(path).st_blocks * 512


# The callbacks of libvirt-python's examples/sparsestream.py.
def bytesWriteHandler(stream, buf, opaque):
    return os.write(opaque, buf)


def recvSkipHandler(stream, length, opaque):
    cur = os.lseek(opaque, length, os.SEEK_CUR)
    return os.ftruncate(opaque, cur)


def bytesReadHandler(stream, nbytes, opaque):
    return os.read(opaque, nbytes)


def sendSkipHandler(stream, length, opaque):
    return os.lseek(opaque, length, os.SEEK_CUR)


def holeHandler(stream, opaque):
    fd = opaque
    cur = os.lseek(fd, 0, os.SEEK_CUR)
    try:
        data = os.lseek(fd, cur, os.SEEK_DATA)
    except OSError:
        data = -1
    if data < 0:
        inData = False
        end = os.lseek(fd, 0, os.SEEK_END)
        sectionLen = end - cur
    elif data > cur:
        inData = False
        sectionLen = data - cur
    else:
        inData = True
        hole = os.lseek(fd, data, os.SEEK_HOLE)
        sectionLen = hole - data
    os.lseek(fd, cur, os.SEEK_SET)
    return [inData, sectionLen]


def test_sparse_upload_download(conn, pool, pooldir, tmp_path):
    data = sparse_source(tmp_path / "src.img")
    vol = pool.createXML(vol_xml("s.img", 8 * MiB, "<allocation>0</allocation>"))
    st = conn.newStream(0)
    assert isinstance(st, storcat.virStream) and st.connect() is conn
    assert vol.upload(st, 0, 0, storcat.VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM) == 0
    fd = os.open(tmp_path / "src.img", os.O_RDONLY)
    try:
        st.sparseSendAll(bytesReadHandler, holeHandler, sendSkipHandler, fd)
    finally:
        os.close(fd)
    assert st.finish() == 0
    dest = pooldir / "s.img"
    assert dest.read_bytes() == data
    # Holes travelled as holes: about 1.3 MiB allocated of 8.
    assert allocated(dest) < 3 * MiB
    assert vol.info()[2] < 3 * MiB

    st = conn.newStream()
    vol.download(st, 0, 0, storcat.VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM)
    out = tmp_path / "out.img"
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        st.sparseRecvAll(bytesWriteHandler, recvSkipHandler, fd)
    finally:
        os.close(fd)
    st.finish()
    assert out.read_bytes() == data
    assert allocated(out) < 3 * MiB


def test_send_recv_all(conn, pool, tmp_path):
    payload = os.urandom(700000)
    vol = pool.createXML(vol_xml("d.img", MiB))
    st = conn.newStream()
    vol.upload(st, 4096, len(payload))
    pieces = [payload[i:i + 262120] for i in range(0, len(payload), 262120)]
    sizes = []

    def source(stream, nbytes, opaque):
        sizes.append(nbytes)
        return opaque.pop(0) if opaque else b""

    st.sendAll(source, pieces)
    st.finish()
    assert sizes[0] == storcat.virStorageVol.streamBufSize

    got = []
    st = conn.newStream()
    vol.download(st, 4096, len(payload), 0)
    st.recvAll(lambda s, buf, acc: acc.append(buf), got)
    st.finish()
    assert b"".join(got) == payload


def test_send_takes_the_whole_buffer(conn, pool, pooldir):
    """libvirt's remote stream takes a whole buffer in one send, and
    libvirt-python's callers rely on it: one send of 3 MiB + 5 (storcat's
    chunk is 256 KiB), and sendAll with a handler that returns more than
    asked (libvirt-python's sendAll ignores send's count)."""
    data = os.urandom(3 * MiB + 5)
    vol = pool.createXML(vol_xml("big.img", 8 * MiB))
    st = conn.newStream()
    vol.upload(st, 0, len(data))
    assert st.send(data) == len(data)
    st.finish()
    assert (pooldir / "big.img").read_bytes()[:len(data)] == data

    st = conn.newStream()
    vol.upload(st, MiB, 0)
    st.sendAll(lambda s, n, o: o.pop() if o else b"", [data])
    st.finish()
    assert (pooldir / "big.img").read_bytes()[MiB:MiB + len(data)] == data


def test_send_recv_by_hand(conn, pool):
    vol = pool.createXML(vol_xml("h.img", MiB, "<allocation>0</allocation>"))
    st = conn.newStream()
    vol.upload(st, 0, 0, storcat.VIR_STORAGE_VOL_UPLOAD_SPARSE_STREAM)
    # Whole blocks, so that the file system keeps the hole as sent.
    assert st.send(b"x" * 4096) == 4096
    assert st.sendHole(98304, 0) == 0
    assert st.send(bytearray(b"y" * 10)) == 10
    st.finish()

    st = conn.newStream()
    vol.download(st, 0, 4096 + 98304 + 10, storcat.VIR_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM)
    assert st.recvFlags(65536, storcat.VIR_STREAM_RECV_STOP_AT_HOLE) == b"x" * 4096
    assert st.recvFlags(65536, storcat.VIR_STREAM_RECV_STOP_AT_HOLE) == -3
    assert st.recvHole(0) == 98304
    assert st.recv(65536) == b"y" * 10
    assert st.recv(65536) == b""
    assert st.finish() == 0


def test_stream_errors(conn, pool):
    vol = pool.createXML(vol_xml("e.img", MiB))
    st = conn.newStream()
    with pytest.raises(storcat.libvirtError) as e:
        st.send(b"x")
    assert code_of(e) == storcat.VIR_ERR_OPERATION_INVALID
    vol.download(st, 0, 0)
    with pytest.raises(storcat.libvirtError) as e:
        st.send(b"x")
    assert code_of(e) == storcat.VIR_ERR_OPERATION_INVALID
    with pytest.raises(storcat.libvirtError) as e:
        st.recvHole()
    assert code_of(e) == storcat.VIR_ERR_OPERATION_INVALID
    assert st.abort() == 0
    with pytest.raises(storcat.libvirtError) as e:
        st.finish()
    assert "stream is closed" in str(e.value)
    with pytest.raises(TypeError):
        vol.upload("not a stream", 0, 0)


def test_handler_exception_aborts(conn, pool, pooldir):
    vol = pool.createXML(vol_xml("x.img", MiB))
    st = conn.newStream()
    vol.upload(st, 0, 0)
    calls = []

    def source(stream, nbytes, opaque):
        calls.append(1)
        if len(calls) == 2:
            raise ValueError("source broke")
        return b"z" * 1000

    with pytest.raises(ValueError, match="source broke"):
        st.sendAll(source, None)
    # Aborted: the stream is closed and the volume free again.
    with pytest.raises(storcat.libvirtError) as e:
        st.send(b"more")
    assert "stream is closed" in str(e.value)
    assert vol.operation() is None
    assert vol.wipe() == 0

    st = conn.newStream()
    vol.download(st, 0, 0)
    with pytest.raises(RuntimeError, match="recvAll handler returned -1"):
        st.recvAll(lambda s, buf, o: -1, None)


def test_nonblocking_stream(conn, pool):
    vol = pool.createXML(vol_xml("n.img", 4 * MiB))
    st = conn.newStream(storcat.VIR_STREAM_NONBLOCK)
    vol.download(st, 0, 0)
    got = 0
    while True:
        r = st.recv(262144)
        if r == -2:
            continue
        if not r:
            break
        got += len(r)
    st.finish()
    assert got == 4 * MiB
    st = conn.newStream(storcat.VIR_STREAM_NONBLOCK)
    vol.download(st, 0, 0)
    with pytest.raises(storcat.libvirtError):
        st.recvAll(lambda s, b, o: 0, None)
    st.abort()


def test_unfinished_stream_freed(conn, pool, pooldir):
    vol = pool.createXML(vol_xml("u.img", MiB))
    st = conn.newStream()
    vol.upload(st, 0, 0)
    st.send(b"q" * 100)
    assert vol.operation()[0] == "uploading"
    del st
    assert vol.operation() is None
