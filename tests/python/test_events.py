"""Pool, volume and secret events through the default event loop, run in a thread
as virt-manager and nova run libvirt's."""

import threading
import time

import pytest

import storcat
from conftest import pool_xml, vol_xml


class Loop:
    """virEventRunDefaultImpl in a thread; a timer keeps it turning."""

    def __init__(self):
        storcat.virEventRegisterDefaultImpl()
        self.stop = False
        self.timer = storcat.virEventAddTimeout(50, lambda timer, opaque: None, None)
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while not self.stop:
            storcat.virEventRunDefaultImpl()

    def close(self):
        self.stop = True
        self.thread.join(5)
        storcat.virEventRemoveTimeout(self.timer)


@pytest.fixture
def loop():
    lp = Loop()
    yield lp
    lp.close()


def wait_for(pred, timeout=10):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.02)
    return False


def test_pool_events(conn, pooldir, loop, catalog):
    got, refreshed = [], []

    def lifecycle(c, pool, event, detail, opaque):
        assert c is conn and opaque == "op"
        got.append((pool.name(), event, detail))

    cid = conn.storagePoolEventRegisterAny(None, storcat.VIR_STORAGE_POOL_EVENT_ID_LIFECYCLE,
                                           lifecycle, "op")
    rid = conn.storagePoolEventRegisterAny(None, storcat.VIR_STORAGE_POOL_EVENT_ID_REFRESH,
                                           lambda c, pool, o: refreshed.append(pool.name()), None)
    assert rid != cid
    p = conn.storagePoolDefineXML(pool_xml("ev", pooldir))
    p.create(0)
    p.refresh(0)
    # A change made by another connection (another process would do too).
    other = storcat.open(catalog)
    other.storagePoolLookupByName("ev").destroy()
    other.close()
    want = [("ev", storcat.VIR_STORAGE_POOL_EVENT_DEFINED, 0),
            ("ev", storcat.VIR_STORAGE_POOL_EVENT_STARTED, 0),
            ("ev", storcat.VIR_STORAGE_POOL_EVENT_STOPPED, 0)]
    assert wait_for(lambda: len(got) >= 3), got
    assert got == want
    assert wait_for(lambda: refreshed == ["ev"]), refreshed
    conn.storagePoolEventDeregisterAny(cid)
    conn.storagePoolEventDeregisterAny(rid)
    with pytest.raises(storcat.libvirtError) as e:
        conn.storagePoolEventDeregisterAny(cid)
    assert e.value.get_error_code() == storcat.VIR_ERR_INVALID_ARG
    p.undefine()
    time.sleep(0.3)
    assert len(got) == 3


def test_secret_events(conn, loop, catalog):
    got, values = [], []

    def lifecycle(c, secret, event, detail, opaque):
        assert c is conn and opaque == "op" and detail == 0
        got.append((secret.usageID(), event))

    sxml = "<secret><usage type='iscsi'><target>ev</target></usage></secret>"
    lid = conn.secretEventRegisterAny(None, storcat.VIR_SECRET_EVENT_ID_LIFECYCLE, lifecycle,
                                      "op")
    s = conn.secretDefineXML(sxml)
    vid = conn.secretEventRegisterAny(s, storcat.VIR_SECRET_EVENT_ID_VALUE_CHANGED,
                                      lambda c, sec, o: values.append(sec.UUIDString()), None)
    assert vid != lid
    s.setValue(b"v1")
    # Changes made by another connection (another process would do too).
    other = storcat.open(catalog)
    o = other.secretLookupByUUIDString(s.UUIDString())
    o.setValue("v2")
    o.undefine()
    other.close()
    assert wait_for(lambda: len(got) >= 2 and len(values) >= 2), (got, values)
    assert got == [("ev", storcat.VIR_SECRET_EVENT_DEFINED),
                   ("ev", storcat.VIR_SECRET_EVENT_UNDEFINED)]
    assert values == [s.UUIDString()] * 2
    conn.secretEventDeregisterAny(lid)
    conn.secretEventDeregisterAny(vid)
    with pytest.raises(storcat.libvirtError) as e:
        conn.secretEventDeregisterAny(lid)
    assert e.value.get_error_code() == storcat.VIR_ERR_INVALID_ARG
    with pytest.raises(TypeError):
        conn.secretEventRegisterAny("secret", 0, lambda *a: None, None)
    conn.secretDefineXML(sxml)
    time.sleep(0.3)
    assert len(got) == 2


def test_volume_events_for_one_pool(conn, pool, loop):
    got = []
    vid = conn.storageVolEventRegisterAny(pool, storcat.SC_STORAGE_VOL_EVENT_ID_LIFECYCLE,
                                          lambda c, v, ev, d, o: got.append((v.name(), ev, d)),
                                          None)
    v = pool.createXML(vol_xml("e.img", 4096))
    v.resize(8192)
    v.delete()
    assert wait_for(lambda: len(got) >= 3), got
    assert got == [("e.img", storcat.SC_STORAGE_VOL_EVENT_CREATED,
                    storcat.SC_STORAGE_VOL_EVENT_CREATED_NEW),
                   ("e.img", storcat.SC_STORAGE_VOL_EVENT_CHANGED,
                    storcat.SC_STORAGE_VOL_EVENT_CHANGED_RESIZED),
                   ("e.img", storcat.SC_STORAGE_VOL_EVENT_DELETED,
                    storcat.SC_STORAGE_VOL_EVENT_DELETED_REMOVED)]
    conn.storageVolEventDeregisterAny(vid)


def test_register_errors(conn, loop):
    with pytest.raises(storcat.libvirtError) as e:
        conn.storagePoolEventRegisterAny(None, 99, lambda *a: None, None)
    assert e.value.get_error_code() == storcat.VIR_ERR_INVALID_ARG
    with pytest.raises(TypeError):
        conn.storagePoolEventRegisterAny(None, 0, "not callable", None)
    with pytest.raises(TypeError):
        conn.storagePoolEventRegisterAny("pool", 0, lambda *a: None, None)


def test_registration_does_not_keep_the_connection(catalog, loop):
    import gc
    import weakref

    c = storcat.openAuth(catalog, None, storcat.SC_CONNECT_CREATE)
    freed = []

    class Opaque:
        def __del__(self):
            freed.append(1)

    c.storagePoolEventRegisterAny(None, 0, lambda *a: None, Opaque())
    w = weakref.ref(c)
    del c
    gc.collect()
    assert w() is None
    assert wait_for(lambda: freed == [1])
