"""virStorageVol: every method, against a real dir pool, and storcat's own."""

import os
import shutil
import subprocess
import uuid

import pytest

import storcat
from conftest import vol_xml


def code_of(excinfo):
    return excinfo.value.get_error_code()


def test_getters(conn, pool, pooldir):
    v = pool.createXML(vol_xml("a.img", 3 << 20), 0)
    path = str(pooldir / "a.img")
    assert v.name() == "a.img"
    assert v.key() == path
    assert v.path() == path
    t, cap, alloc = v.info()
    assert (t, cap) == (storcat.VIR_STORAGE_VOL_FILE, 3 << 20) and alloc >= 3 << 20
    assert v.infoFlags(storcat.VIR_STORAGE_VOL_GET_PHYSICAL)[2] == 3 << 20
    xml = v.XMLDesc(0)
    assert "<name>a.img</name>" in xml and f"<path>{path}</path>" in xml
    assert v.format() == "raw"
    assert v.backingStore() is None
    assert v.operation() is None
    assert v.state() == storcat.SC_STORAGE_VOL_STATE_PRESENT
    u = v.UUIDString()
    assert str(uuid.UUID(u)) == u and v.UUID() == uuid.UUID(u).bytes
    assert conn.storageVolLookupByUUIDString(u).name() == "a.img"
    assert conn.storageVolLookupByUUID(v.UUID()).name() == "a.img"
    assert conn.storageVolLookupByKey(v.key()).name() == "a.img"
    assert conn.storageVolLookupByPath(str(pooldir) + "//../images/./a.img").name() == "a.img"
    assert conn.storageVolLookupByPath(path=path).name() == "a.img"
    assert isinstance(v.c_pointer(), int)
    assert storcat.virStorageVol.streamBufSize == 262120


def test_lookup_misses(conn, pooldir):
    for call, arg in ((conn.storageVolLookupByPath, "/nonexistent/x.img"),
                      (conn.storageVolLookupByKey, "/nonexistent/x.img"),
                      (conn.storageVolLookupByUUIDString, str(uuid.uuid4()))):
        with pytest.raises(storcat.libvirtError) as e:
            call(arg)
        assert code_of(e) == storcat.VIR_ERR_NO_STORAGE_VOL
    with pytest.raises(storcat.libvirtError) as e:
        conn.storageVolLookupByPath("relative/x.img")
    assert code_of(e) == storcat.VIR_ERR_INVALID_ARG


def test_path_lookup_finds_new_file(conn, pool, pooldir):
    (pooldir / "new.img").write_bytes(b"n" * 512)
    v = conn.storageVolLookupByPath(str(pooldir / "new.img"))
    assert v.info()[1] == 512


@pytest.mark.skipif(not shutil.which("qemu-img"), reason="no qemu-img (Debian: qemu-utils)")
def test_qcow2_with_backing(pool, pooldir):
    base = pool.createXML(vol_xml("base.img", 1 << 20))
    ov = pool.createXML(vol_xml(
        "ov.qcow2", 1 << 20,
        "<target><format type='qcow2'/></target>"
        f"<backingStore><path>{base.path()}</path><format type='raw'/></backingStore>"))
    assert ov.format() == "qcow2"
    assert ov.backingStore() == (base.path(), "raw")
    with pytest.raises(storcat.libvirtError) as e:
        base.delete(storcat.SC_STORAGE_VOL_CHECK_USERS)
    assert code_of(e) == storcat.VIR_ERR_OPERATION_INVALID
    assert "ov.qcow2" in str(e.value)


def test_wipe_resize_delete(pool, pooldir):
    v = pool.createXML(vol_xml("w.img", 1 << 20))
    with open(pooldir / "w.img", "r+b") as f:
        f.write(b"\xff" * 4096)
    assert v.wipe(0) == 0
    assert (pooldir / "w.img").read_bytes()[:4096] == b"\0" * 4096
    assert v.wipePattern(storcat.VIR_STORAGE_VOL_WIPE_ALG_RANDOM, 0) == 0
    assert (pooldir / "w.img").read_bytes()[:4096] != b"\0" * 4096
    assert v.wipePattern(algorithm=storcat.VIR_STORAGE_VOL_WIPE_ALG_ZERO) == 0
    assert v.resize(2 << 20, 0) == 0
    assert v.info()[1] == 2 << 20
    with pytest.raises(storcat.libvirtError) as e:
        v.resize(1 << 20)
    assert code_of(e) in (storcat.VIR_ERR_INVALID_ARG, storcat.VIR_ERR_OPERATION_INVALID,
                          storcat.VIR_ERR_OPERATION_UNSUPPORTED)
    assert v.resize(1 << 20, storcat.VIR_STORAGE_VOL_RESIZE_SHRINK) == 0
    assert os.path.getsize(pooldir / "w.img") == 1 << 20
    assert v.resize(4096, storcat.VIR_STORAGE_VOL_RESIZE_DELTA) == 0
    assert v.info()[1] == (1 << 20) + 4096
    assert v.delete(0) == 0
    assert not (pooldir / "w.img").exists()
    with pytest.raises(storcat.libvirtError) as e:
        v.info()
    assert code_of(e) == storcat.VIR_ERR_NO_STORAGE_VOL


def test_missing_state(conn, pool, pooldir):
    v = pool.createXML(vol_xml("m.img", 4096))
    os.unlink(pooldir / "m.img")
    pool.refresh(0)
    assert v.state() == storcat.SC_STORAGE_VOL_STATE_MISSING
    with pytest.raises(storcat.libvirtError) as e:
        v.wipe()
    assert code_of(e) == storcat.VIR_ERR_OPERATION_INVALID
    assert v.delete() == 0
    with pytest.raises(storcat.libvirtError):
        conn.storageVolLookupByUUIDString(v.UUIDString())


def test_upload_download_fd(pool, pooldir, tmp_path):
    v = pool.createXML(vol_xml("f.img", 1 << 20, "<allocation>0</allocation>"))
    src = tmp_path / "src.bin"
    data = os.urandom(70000)
    src.write_bytes(data)
    with open(src, "rb") as f:
        assert v.uploadFD(f, 4096) == 0
    out = tmp_path / "out.bin"
    with open(out, "wb") as f:
        assert v.downloadFD(f.fileno(), 4096, len(data)) == 0
    assert out.read_bytes() == data
    with pytest.raises(storcat.libvirtError) as e:
        v.uploadFD(os.open(src, os.O_RDONLY), 2 << 20)
    assert code_of(e) == storcat.VIR_ERR_INVALID_ARG
    with pytest.raises(TypeError):
        v.uploadFD("not a file")
