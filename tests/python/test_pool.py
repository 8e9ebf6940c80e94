"""virStoragePool: every method, against a real dir pool."""

import os
import re
import time

import pytest

import storcat
from conftest import pool_xml, vol_xml


def code_of(excinfo):
    return excinfo.value.get_error_code()


def test_lifecycle(conn, tmp_path):
    target = tmp_path / "made-by-build"
    p = conn.storagePoolDefineXML(pool_xml("p", target), 0)
    assert p.name() == "p"
    assert p.isActive() == 0
    assert p.isPersistent() == 1
    assert p.info()[0] == storcat.VIR_STORAGE_POOL_INACTIVE
    assert p.build(0) == 0
    assert target.is_dir()
    with pytest.raises(storcat.libvirtError) as e:
        p.build(storcat.VIR_STORAGE_POOL_BUILD_NO_OVERWRITE)
    assert code_of(e) in (storcat.VIR_ERR_OPERATION_FAILED, storcat.VIR_ERR_STORAGE_POOL_BUILT,
                          storcat.VIR_ERR_OPERATION_INVALID, storcat.VIR_ERR_SYSTEM_ERROR)
    assert p.create(0) == 0
    assert p.isActive() == 1
    with pytest.raises(storcat.libvirtError) as e:
        p.create(0)
    assert code_of(e) == storcat.VIR_ERR_OPERATION_INVALID == 55
    assert "is already active" in str(e.value)
    state, capacity, allocation, available = p.info()
    assert state == storcat.VIR_STORAGE_POOL_RUNNING
    assert capacity > 0 and available > 0 and isinstance(allocation, int)
    assert p.refresh(0) == 0
    assert abs(p.refreshTime() - time.time()) < 60
    with pytest.raises(storcat.libvirtError) as e:
        p.undefine()
    assert code_of(e) == storcat.VIR_ERR_OPERATION_INVALID
    assert p.destroy() == 0
    assert p.isActive() == 0
    with pytest.raises(storcat.libvirtError) as e:
        p.destroy()
    assert code_of(e) == storcat.VIR_ERR_OPERATION_INVALID
    assert "is not active" in str(e.value)
    assert p.delete(0) == 0
    assert not target.exists()
    assert p.undefine() == 0
    with pytest.raises(storcat.libvirtError) as e:
        conn.storagePoolLookupByName("p")
    assert code_of(e) == storcat.VIR_ERR_NO_STORAGE_POOL


def test_create_with_build(conn, tmp_path):
    p = conn.storagePoolDefineXML(pool_xml("p", tmp_path / "new"))
    p.create(storcat.VIR_STORAGE_POOL_CREATE_WITH_BUILD)
    assert p.isActive() == 1 and (tmp_path / "new").is_dir()


def test_autostart(pool):
    assert pool.autostart() == 0
    assert pool.setAutostart(1) == 0
    assert pool.autostart() == 1
    assert pool.setAutostart(False) == 0
    assert pool.autostart() == 0


def test_xml_desc(pool, pooldir):
    xml = pool.XMLDesc(0)
    assert xml.startswith("<pool type='dir'>")
    assert f"<path>{pooldir}</path>" in xml
    assert pool.UUIDString() in xml
    # VIR_STORAGE_XML_INACTIVE keeps the sizes, as libvirt's.
    capacity = re.search(r"<capacity unit='bytes'>\d+</capacity>", xml).group(0)
    assert capacity in pool.XMLDesc(storcat.VIR_STORAGE_XML_INACTIVE)


def test_volumes(pool, pooldir):
    assert pool.numOfVolumes() == 0
    assert pool.listAllVolumes() == []
    a = pool.createXML(vol_xml("a.img", 1 << 20), 0)
    assert isinstance(a, storcat.virStorageVol)
    assert a.connect() is pool.connect()
    b = pool.createXML(xmlDesc=vol_xml("b.img", 1 << 20, "<allocation>0</allocation>"))
    (pooldir / "c.img").write_bytes(b"c" * 100)
    assert pool.listVolumes() == ["a.img", "b.img"]
    pool.refresh()
    assert [v.name() for v in pool.listAllVolumes()] == ["a.img", "b.img", "c.img"]
    assert pool.numOfVolumes() == 3
    assert sorted(pool.listVolumes()) == ["a.img", "b.img", "c.img"]
    assert pool.storageVolLookupByName("c.img").path() == str(pooldir / "c.img")
    with pytest.raises(storcat.libvirtError) as e:
        pool.storageVolLookupByName("nope.img")
    assert code_of(e) == storcat.VIR_ERR_NO_STORAGE_VOL == 50
    with pytest.raises(storcat.libvirtError) as e:
        pool.createXML(vol_xml("a.img", 1 << 20))
    assert code_of(e) == storcat.VIR_ERR_STORAGE_VOL_EXIST == 90

    clone = pool.createXMLFrom(vol_xml("clone.img", 1 << 20), a, 0)
    assert clone.info()[1] == 1 << 20
    assert (pooldir / "clone.img").exists()
    with pytest.raises(TypeError):
        pool.createXMLFrom(vol_xml("x.img", 1), "a.img", 0)
    os.unlink(pooldir / "c.img")
    pool.refresh()
    assert "c.img" not in pool.listVolumes()
    missing = [v.name() for v in pool.listAllVolumes(storcat.SC_STORAGE_POOL_LIST_VOLUMES_MISSING)]
    assert "c.img" in missing
    assert b.storagePoolLookupByVolume().name() == pool.name()


def test_inactive_pool_volumes(pool):
    pool.createXML(vol_xml("a.img", 4096))
    pool.destroy()
    with pytest.raises(storcat.libvirtError) as e:
        pool.listAllVolumes()
    assert code_of(e) == storcat.VIR_ERR_OPERATION_INVALID
    assert [v.name() for v in pool.listAllVolumes(
        storcat.SC_STORAGE_POOL_LIST_VOLUMES_INACTIVE)] == ["a.img"]
    with pytest.raises(storcat.libvirtError):
        pool.numOfVolumes()


def test_undefined_handle(conn, pooldir):
    p = conn.storagePoolDefineXML(pool_xml("gone", pooldir))
    p.undefine()
    assert p.name() == "gone"
    with pytest.raises(storcat.libvirtError) as e:
        p.info()
    assert code_of(e) == storcat.VIR_ERR_NO_STORAGE_POOL
