"""libvirtError, the last error and registerErrorHandler, as libvirt-python's."""

import threading

import pytest

import storcat


def test_error_shape(conn):
    with pytest.raises(storcat.libvirtError) as e:
        conn.storageVolLookupByPath("/nonexistent/a.img")
    err = e.value
    assert storcat.Error is storcat.libvirtError
    assert issubclass(storcat.libvirtError, Exception)
    assert err.get_error_code() == storcat.VIR_ERR_NO_STORAGE_VOL == 50
    assert err.get_error_domain() == storcat.VIR_FROM_STORAGE == 18
    assert err.get_error_level() == storcat.VIR_ERR_ERROR == 2
    assert err.get_error_message() == str(err)
    assert str(err).startswith("Storage volume not found: ")
    assert err.get_str1() == "Storage volume not found: %s"
    assert err.get_str2() in str(err)
    assert err.get_str3() is None
    assert err.get_int1() == -1 and err.get_int2() == -1
    assert len(err.err) == 9 and err.err[0] == 50
    # The thread's last error is that one until the next call.
    assert storcat.virGetLastError() == err.err
    assert storcat.virGetLastErrorCode() == 50
    assert storcat.virGetLastErrorDomain() == 18
    assert storcat.virGetLastErrorMessage() == str(err)
    conn.isAlive()
    assert storcat.virGetLastError() is None
    assert storcat.virGetLastErrorCode() == 0


def test_error_without_a_storcat_error():
    storcat.virResetLastError()
    e = storcat.libvirtError("my own failure")
    assert str(e) == "my own failure"
    assert e.err is None
    assert e.get_error_code() is None and e.get_error_message() is None

    class Sub(storcat.libvirtError):
        pass

    assert Sub("x").get_int2() is None


def test_system_error_errno(tmp_path):
    with pytest.raises(storcat.libvirtError) as e:
        storcat.open(str(tmp_path / "nope.db"))
    assert e.value.get_error_code() == storcat.VIR_ERR_SYSTEM_ERROR
    assert e.value.get_int1() == 2


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_register_error_handler(conn):
    seen = []
    assert storcat.registerErrorHandler(lambda ctx, err: seen.append((ctx, err)), "ctx") == 1
    try:
        with pytest.raises(storcat.libvirtError) as e:
            conn.storagePoolLookupByName("nope")
        assert seen == [("ctx", e.value.err)]
        conn.isAlive()
        assert len(seen) == 1

        # A handler that raises is reported as unraisable; the call's
        # own error is still raised.
        def broken(ctx, err):
            raise RuntimeError("handler broke")

        storcat.registerErrorHandler(broken, None)
        with pytest.raises(storcat.libvirtError):
            conn.storagePoolLookupByName("nope")

        # Errors of other threads come to the handler in their thread.
        storcat.registerErrorHandler(lambda ctx, err: seen.append(threading.get_ident()), None)
        idents = []

        def other():
            idents.append(threading.get_ident())
            try:
                conn.storagePoolLookupByName("nope")
            except storcat.libvirtError:
                pass

        t = threading.Thread(target=other)
        t.start()
        t.join()
        assert seen[-1] == idents[0]
    finally:
        assert storcat.registerErrorHandler(None, None) == 1
    n = len(seen)
    with pytest.raises(storcat.libvirtError):
        conn.storagePoolLookupByName("nope")
    assert len(seen) == n
    with pytest.raises(TypeError):
        storcat.registerErrorHandler(42, None)


def test_constants_have_both_names():
    names = [n for n in dir(storcat) if n.startswith("SC_")]
    assert len(names) > 150
    for n in names:
        assert getattr(storcat, "VIR_" + n[3:]) == getattr(storcat, n)
    assert not [n for n in names if n.endswith("_LAST")]
    assert storcat.VIR_STORAGE_POOL_CREATE_WITH_BUILD == 1
    assert storcat.VIR_UUID_STRING_BUFLEN == 37


def test_embedded_nul_refused(conn, pool, pooldir):
    """A NUL in a string argument is refused (ValueError, as libvirt-python's
    parsing refuses it), never cut there: "a.img\\0x" must not name a.img."""
    from conftest import pool_xml, vol_xml
    pool.createXML(vol_xml("a.img", 1024), 0)
    path = str(pooldir / "a.img")
    calls = [
        lambda: conn.storagePoolLookupByName("images\0x"),
        lambda: pool.storageVolLookupByName("a.img\0x"),
        lambda: conn.storageVolLookupByPath(path + "\0x"),
        lambda: conn.storageVolLookupByKey(path + "\0x"),
        lambda: pool.createXML(vol_xml("b.img", 1024) + "\0<junk/>", 0),
        lambda: conn.storagePoolDefineXML(pool_xml("q", pooldir) + "\0", 0),
    ]
    for call in calls:
        with pytest.raises(ValueError, match="embedded null character"):
            call()
    assert pool.listVolumes() == ["a.img"]
    assert conn.listDefinedStoragePools() == []


def test_none_is_null(conn, pool):
    """None for a C string argument is NULL, as libvirt-python's "z": the
    call refuses it with libvirt's error (VIR_ERR_INVALID_ARG), which an
    `except libvirtError` catches, not a TypeError."""
    calls = {
        "scStoragePoolLookupByName": lambda: conn.storagePoolLookupByName(None),
        "scStoragePoolLookupByUUIDString": lambda: conn.storagePoolLookupByUUIDString(None),
        "scStorageVolLookupByPath": lambda: conn.storageVolLookupByPath(None),
        "scStorageVolLookupByKey": lambda: conn.storageVolLookupByKey(None),
        "scStoragePoolDefineXML": lambda: conn.storagePoolDefineXML(None, 0),
        "scStoragePoolCreateXML": lambda: conn.storagePoolCreateXML(None, 0),
        "scConnectFindStoragePoolSources": lambda: conn.findStoragePoolSources(None, None, 0),
        "scSecretDefineXML": lambda: conn.secretDefineXML(None, 0),
        "scSecretLookupByUUIDString": lambda: conn.secretLookupByUUIDString(None),
        "scSecretLookupByUsage": lambda: conn.secretLookupByUsage(1, None),
        "scStorageVolLookupByName": lambda: pool.storageVolLookupByName(None),
        "scStorageVolCreateXML": lambda: pool.createXML(None, 0),
        "scStorageVolCreateXMLFrom": lambda: pool.createXMLFrom(None, None, 0),
    }
    for func, call in calls.items():
        with pytest.raises(storcat.libvirtError) as e:
            call()
        assert e.value.get_error_code() == storcat.VIR_ERR_INVALID_ARG, func
        assert f"in {func} must not be NULL" in str(e.value), func
    # Not a str at all is still a TypeError, as libvirt-python's.
    with pytest.raises(TypeError):
        conn.storagePoolLookupByName(1)
