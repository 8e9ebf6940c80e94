"""virConnect: opening, the connection's own calls, pool lookups and definitions."""

import gc
import os
import uuid

import pytest

import storcat
from conftest import pool_xml


def code_of(excinfo):
    return excinfo.value.get_error_code()


def test_open_missing_catalog_is_no_connect(tmp_path):
    with pytest.raises(storcat.libvirtError) as e:
        storcat.open(str(tmp_path / "typo.db"))
    assert code_of(e) == storcat.VIR_ERR_SYSTEM_ERROR == 38
    assert e.value.get_int1() == 2  # ENOENT
    assert "typo.db" in str(e.value)
    assert not (tmp_path / "typo.db").exists()


def test_open_other_scheme_is_no_connect():
    with pytest.raises(storcat.Error) as e:
        storcat.open("qemu:///system")
    assert code_of(e) == storcat.VIR_ERR_NO_CONNECT


def test_open_create_then_open_uri(catalog):
    c = storcat.openAuth(catalog, [[storcat.VIR_CRED_AUTHNAME], None, None],
                         storcat.SC_CONNECT_CREATE)
    uri = c.getURI()
    assert uri == "storcat://" + catalog
    assert c.getCatalogPath() == catalog
    assert c.close() == 0
    c2 = storcat.open(uri)
    assert c2.getURI() == uri
    assert c2.isReadOnly() == 0
    c2.close()


def test_connection_facts(conn):
    assert conn.isAlive() == 1
    assert conn.isSecure() == 1
    assert conn.isEncrypted() == 0
    v = storcat.getVersion()
    assert v == storcat.SC_VERSION_MAJOR * 1000000 + storcat.SC_VERSION_MINOR * 1000 \
        + storcat.SC_VERSION_MICRO
    assert conn.getLibVersion() == v
    assert conn.getVersion() == v
    assert storcat.getVersion("storcat") == (v, v)
    assert "<capabilities>" in conn.getCapabilities()
    caps = conn.getStoragePoolCapabilities()
    assert "<storagepoolCapabilities>" in caps and "'dir'" in caps
    assert isinstance(conn.c_pointer(), int) and conn.c_pointer() != 0


def test_close_twice_and_after(conn):
    assert conn.close() == 0
    with pytest.raises(storcat.libvirtError) as e:
        conn.close()
    assert code_of(e) == storcat.VIR_ERR_INVALID_CONN
    with pytest.raises(storcat.libvirtError) as e:
        conn.listAllStoragePools()
    assert code_of(e) == storcat.VIR_ERR_INVALID_CONN


def test_context_manager(catalog):
    with storcat.openAuth(catalog, None, storcat.SC_CONNECT_CREATE) as c:
        assert c.isAlive() == 1
    with pytest.raises(storcat.libvirtError):
        c.getURI()


def test_pools_keep_the_catalog_open_after_close(conn, pooldir):
    p = conn.storagePoolDefineXML(pool_xml("images", pooldir))
    conn.close()
    assert p.name() == "images"
    assert p.isActive() == 0
    assert p.connect() is conn


def test_define_lookup_list(conn, tmp_path):
    dirs = []
    for name in ("b", "a", "c"):
        d = tmp_path / name
        d.mkdir()
        dirs.append(d)
        p = conn.storagePoolDefineXML(pool_xml(name, d), storcat.VIR_STORAGE_POOL_DEFINE_VALIDATE)
        assert isinstance(p, storcat.virStoragePool)
        assert isinstance(p, storcat.scStoragePool)
    conn.storagePoolLookupByName("a").create(0)
    assert [p.name() for p in conn.listAllStoragePools()] == ["a", "b", "c"]
    assert [p.name() for p in conn.listAllStoragePools(
        storcat.VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE)] == ["a"]
    assert [p.name() for p in conn.listAllStoragePools(
        flags=storcat.VIR_CONNECT_LIST_STORAGE_POOLS_INACTIVE)] == ["b", "c"]
    assert conn.numOfStoragePools() == 1
    assert conn.numOfDefinedStoragePools() == 2
    assert conn.listStoragePools() == ["a"]
    assert sorted(conn.listDefinedStoragePools()) == ["b", "c"]

    b = conn.storagePoolLookupByName("b")
    u = b.UUIDString()
    assert str(uuid.UUID(u)) == u
    assert conn.storagePoolLookupByUUIDString(u).name() == "b"
    assert conn.storagePoolLookupByUUIDString(u.replace("-", "")).name() == "b"
    assert b.UUID() == uuid.UUID(u).bytes
    assert conn.storagePoolLookupByUUID(b.UUID()).name() == "b"
    # As libvirt's: a target path finds running pools only.
    assert conn.storagePoolLookupByTargetPath(str(dirs[1]) + "//").name() == "a"
    with pytest.raises(storcat.libvirtError) as e:
        conn.storagePoolLookupByTargetPath(str(dirs[0]))
    assert code_of(e) == storcat.VIR_ERR_NO_STORAGE_POOL
    assert conn.storagePoolLookupByName(name="c").name() == "c"


def test_lookup_misses(conn):
    for call, arg in ((conn.storagePoolLookupByName, "x"),
                      (conn.storagePoolLookupByUUIDString, str(uuid.uuid4())),
                      (conn.storagePoolLookupByTargetPath, "/nonexistent/dir"),
                      (conn.storagePoolLookupByUUID, uuid.uuid4().bytes)):
        with pytest.raises(storcat.libvirtError) as e:
            call(arg)
        assert code_of(e) == storcat.VIR_ERR_NO_STORAGE_POOL == 49
        assert e.value.get_error_domain() == storcat.VIR_FROM_STORAGE == 18
    with pytest.raises(storcat.libvirtError) as e:
        conn.storagePoolLookupByUUIDString("not-a-uuid")
    assert code_of(e) == storcat.VIR_ERR_INVALID_ARG
    with pytest.raises(ValueError):
        conn.storagePoolLookupByUUID(b"short")
    with pytest.raises(TypeError):
        conn.storagePoolLookupByName(42)
    with pytest.raises(TypeError):
        conn.storagePoolLookupByName()
    with pytest.raises(TypeError):
        conn.storagePoolLookupByName("a", "b")
    with pytest.raises(TypeError):
        conn.storagePoolLookupByName(nom="a")


def test_define_errors(conn, pooldir):
    with pytest.raises(storcat.libvirtError) as e:
        conn.storagePoolDefineXML("<pool")
    # A document libxml2 cannot parse: libvirt's VIR_ERR_XML_DETAIL (35).
    assert code_of(e) == storcat.VIR_ERR_XML_DETAIL == 35
    with pytest.raises(storcat.libvirtError) as e:
        conn.storagePoolDefineXML(pool_xml("x", pooldir), 1 << 20)
    assert code_of(e) == storcat.VIR_ERR_INVALID_ARG
    # Flags are cut to unsigned int as libvirt-python's "I" cuts them: -1
    # is 0xffffffff, refused by the call; 1 << 32 is 0.
    with pytest.raises(storcat.libvirtError) as e:
        conn.storagePoolDefineXML(pool_xml("x", pooldir), -1)
    assert code_of(e) == storcat.VIR_ERR_INVALID_ARG
    assert "unsupported flags (0xfffffffe)" in str(e.value)
    assert conn.storagePoolDefineXML(pool_xml("x", pooldir), 1 << 32).name() == "x"


def test_create_xml_transient(conn, pooldir):
    p = conn.storagePoolCreateXML(pool_xml("tmp", pooldir), 0)
    assert p.isActive() == 1
    assert p.isPersistent() == 0
    p.destroy()
    with pytest.raises(storcat.libvirtError) as e:
        conn.storagePoolLookupByName("tmp")
    assert code_of(e) == storcat.VIR_ERR_NO_STORAGE_POOL


def test_read_only(conn, catalog, pooldir):
    ro = storcat.openReadOnly(catalog)
    assert ro.isReadOnly() == 1
    with pytest.raises(storcat.libvirtError) as e:
        ro.storagePoolDefineXML(pool_xml("x", pooldir))
    assert code_of(e) == storcat.VIR_ERR_OPERATION_DENIED == 29
    assert ro.listAllStoragePools() == []
    ro.close()


def test_find_storage_pool_sources(conn):
    with pytest.raises(storcat.libvirtError) as e:
        conn.findStoragePoolSources("dir", None, 0)
    assert code_of(e) == storcat.VIR_ERR_NO_SUPPORT == 3
    with pytest.raises(storcat.libvirtError) as e:
        conn.findStoragePoolSources("nosuchtype", None)
    assert code_of(e) == storcat.VIR_ERR_INVALID_ARG
    if os.geteuid() == 0 and os.path.exists("/sbin/vgscan"):
        xml = conn.findStoragePoolSources("logical", None)
        assert xml.startswith("<sources")


def test_connection_freed_by_gc(catalog):
    """The garbage collector closes a connection: its catalog file is no longer open."""
    def open_fds():
        n = 0
        for fd in os.listdir("/proc/self/fd"):
            try:
                if os.readlink(f"/proc/self/fd/{fd}") == catalog:
                    n += 1
            except OSError:
                pass
        return n

    c = storcat.openAuth(catalog, None, storcat.SC_CONNECT_CREATE)
    c.listAllStoragePools()
    assert open_fds() >= 1
    import weakref
    w = weakref.ref(c)
    del c
    gc.collect()
    assert w() is None
    assert open_fds() == 0


def test_storage_vol_history(conn, pooldir):
    p = conn.storagePoolDefineXML(pool_xml("images", pooldir))
    (pooldir / "a.img").write_bytes(b"x" * 4096)
    p.create(0)
    p.destroy()
    u = p.UUIDString()
    p.undefine()
    assert conn.numOfStorageVolHistory(u) == 1
    assert conn.numOfStorageVolHistory() == 1
    assert conn.pruneStorageVolHistory(u, 0) == 1
    assert conn.numOfStorageVolHistory(poolUUID=u) == 0
