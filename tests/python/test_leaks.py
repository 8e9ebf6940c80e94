"""No reference leaks: each call, on success and on failure, leaves no
Python object behind and gives back the references it took (to the
connection, to callbacks and their opaque). The RSS test of
test_threads.py sees storcat's handles; this one sees Python's objects
(tracemalloc, gc's list), which a missed Py_DECREF leaks."""

import gc
import os
import sys
import tracemalloc

import pytest

import storcat
from conftest import vol_xml

ROUNDS = 2000


def leaked(fn, rounds=ROUNDS):
    """Bytes and gc-tracked objects that @rounds calls of @fn leave behind,
    after a warm-up (caches, interned strings, first-use statements)."""
    for _ in range(100):
        fn()
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        gc.collect()
        mem0, objs0 = tracemalloc.get_traced_memory()[0], len(gc.get_objects())
        for _ in range(rounds):
            fn()
        gc.collect()
        mem1, objs1 = tracemalloc.get_traced_memory()[0], len(gc.get_objects())
    finally:
        tracemalloc.stop()
    return mem1 - mem0, objs1 - objs0


# Under valgrind (tests/python.test sets PYTHONMALLOC=malloc) CPython's own
# caches show in tracemalloc's count, growing some tens of KiB and then
# levelling off (measured: 21 KiB after 500 rounds of failed calls, 47 KiB
# after 2,000, 52 KiB after 8,000): only the objects are counted there,
# and valgrind itself reports what is lost.
MALLOC = os.environ.get("PYTHONMALLOC") == "malloc"


def assert_no_leak(fn, rounds=ROUNDS):
    mem, objs = leaked(fn, rounds)
    if objs >= rounds // 10 or (not MALLOC and mem >= 8 * rounds):
        # A cache that grew once in the window (seen once in a full make
        # check -j3: 5.7 KiB over 600 rounds, no object) is not there the
        # next time; a leak grows in every window.
        mem, objs = leaked(fn, rounds)
    # One object kept per call is >= 16 bytes each: 32 KiB over 2000 calls.
    assert objs < rounds // 10, (fn.__name__, mem, objs)
    assert MALLOC or mem < 8 * rounds, (fn.__name__, mem, objs)


def fails(call, *args, exc=storcat.libvirtError):
    try:
        call(*args)
    except exc:
        return
    raise AssertionError(f"{call} did not raise")


@pytest.fixture
def vol(pool):
    return pool.createXML(vol_xml("leak.img", 1 << 20), 0)


def test_the_leak_check_sees_a_leak():
    kept = []
    mem, objs = leaked(lambda: kept.append([1]))
    assert mem >= 8 * ROUNDS and objs >= ROUNDS
    with pytest.raises(AssertionError):
        assert_no_leak(lambda: kept.append([1]))


def test_connection_calls(conn, pool, catalog):
    def calls():
        conn.getURI()
        conn.getCapabilities()
        conn.getLibVersion()
        conn.isAlive()
        conn.listAllStoragePools(0)
        conn.listStoragePools()
        conn.storagePoolLookupByName("images").UUIDString()
        conn.storagePoolLookupByUUID(pool.UUID())
        conn.getCatalogPath()
        storcat.getVersion("storcat")
        storcat.virGetLastError()

    assert_no_leak(calls, 500)


def test_pool_and_volume_calls(conn, pool, vol):
    path, key, uuid = vol.path(), vol.key(), vol.UUIDString()

    def calls():
        v = conn.storageVolLookupByPath(path)
        v.name(), v.key(), v.path(), v.info(), v.XMLDesc(0), v.UUID(), v.state()
        v.format(), v.backingStore(), v.operation()
        conn.storageVolLookupByKey(key)
        conn.storageVolLookupByUUIDString(uuid)
        pool.info(), pool.XMLDesc(0), pool.name(), pool.isActive(), pool.autostart()
        pool.listAllVolumes(0), pool.listVolumes(), pool.storageVolLookupByName("leak.img")
        v.storagePoolLookupByVolume()

    before = sys.getrefcount(conn), sys.getrefcount(pool)
    assert_no_leak(calls, 500)
    assert (sys.getrefcount(conn), sys.getrefcount(pool)) == before


def test_failures(conn, pool, vol):
    def calls():
        fails(conn.storageVolLookupByPath, "/nonexistent/x.img")
        fails(conn.storagePoolLookupByName, "nope")
        fails(conn.storagePoolLookupByUUIDString, "not-a-uuid")
        fails(pool.storageVolLookupByName, "nope")
        fails(pool.create, 0)
        fails(vol.resize, 1, 0)
        fails(conn.storagePoolLookupByName, 42, exc=TypeError)
        fails(conn.storageVolLookupByPath, exc=TypeError)
        fails(pool.listAllVolumes, -1)
        fails(vol.upload, "not a stream", 0, 0, exc=TypeError)

    before = sys.getrefcount(conn)
    assert_no_leak(calls, 500)
    assert sys.getrefcount(conn) == before


def test_streams(conn, pool, vol):
    data = os.urandom(10000)

    def calls():
        st = conn.newStream(0)
        vol.upload(st, 0, len(data), 0)
        st.sendAll(lambda s, n, o: o.pop() if o else b"", [data])
        st.finish()
        st = conn.newStream(0)
        vol.download(st, 0, len(data), 0)
        got = []
        st.recvAll(lambda s, buf, o: o.append(buf), got)
        st.finish()
        assert b"".join(got) == data
        st = conn.newStream(0)
        vol.download(st, 0, 4096, 0)
        st.recv(1000)
        st.abort()

    assert_no_leak(calls, 200)


def test_callbacks_and_their_opaque_are_given_back(conn, pool, vol):
    storcat.virEventRegisterDefaultImpl()  # events need a loop; none needs to run
    opaque, cb = object(), (lambda *a: 0)
    refs = sys.getrefcount(opaque), sys.getrefcount(cb)

    def calls():
        cid = conn.storagePoolEventRegisterAny(None, storcat.VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
                                               cb, opaque)
        conn.storagePoolEventDeregisterAny(cid)
        vid = conn.storageVolEventRegisterAny(pool, storcat.SC_STORAGE_VOL_EVENT_ID_LIFECYCLE,
                                              cb, opaque)
        conn.storageVolEventDeregisterAny(vid)
        conn.setProgressCallback(cb, opaque)
        conn.setProgressCallback(None)
        storcat.registerErrorHandler(cb, opaque)
        storcat.registerErrorHandler(None, None)

    assert_no_leak(calls, 500)
    gc.collect()
    assert (sys.getrefcount(opaque), sys.getrefcount(cb)) == refs

    # The progress callback called for real, many times.
    conn.setProgressCallback(cb, opaque)
    vol.wipe(0)
    conn.setProgressCallback(None)
    assert (sys.getrefcount(opaque), sys.getrefcount(cb)) == refs


def test_objects_freed_with_their_connection(catalog, pooldir):
    import weakref

    def calls():
        c = storcat.open(catalog)
        p = c.storagePoolLookupByName("images")
        vols = p.listAllVolumes()
        w = weakref.ref(c)
        del c, p, vols
        assert w() is None

    c = storcat.openAuth(catalog, None, storcat.SC_CONNECT_CREATE)
    p = c.storagePoolDefineXML(
        f"<pool type='dir'><name>images</name><target><path>{pooldir}</path></target></pool>")
    p.create(0)
    p.createXML(vol_xml("a.img", 4096))
    del p
    c.close()
    assert_no_leak(calls, 300)


def test_listings(conn, pool, vol):
    """query, report, listEvents, listStorageVolumes: read to the end, left
    early, and failing. (The pumps' C rows are malloc's, not Python's:
    valgrind checks those.)"""
    def calls():
        assert len(list(conn.query("SELECT pool, volume, capacity FROM report_volumes"))) == 1
        list(conn.report("pools"))
        assert len(list(conn.listEvents())) == 3
        assert [r.name for r in conn.listStorageVolumes(pool)] == ["leak.img"]
        for _ in conn.query("SELECT 1 UNION ALL SELECT 2"):
            break
        with conn.listEvents(action="vol-") as rows:
            next(rows)
        fails(conn.query, "DELETE FROM volumes")
        fails(conn.query, "SELEC")
        fails(conn.listStorageVolumes, pool, None, 1 << 20)
        fails(conn.listEvents, None, None, None, "x", exc=TypeError)

    before = sys.getrefcount(conn), sys.getrefcount(pool)
    # What tracemalloc sees does not grow with the rounds (3.4, 1.8, 1.2 KiB
    # after 300, 300 more, 1,000 more): the first round's caches.
    assert_no_leak(calls, 600)
    assert (sys.getrefcount(conn), sys.getrefcount(pool)) == before
