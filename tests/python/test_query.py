"""storcat's own listings: virConnect.query(), report(), listEvents() and
listStorageVolumes(), iterators over scConnectQuery, scConnectReport,
scConnectListEvents and scConnectListStorageVolumes, against real dir
pools. Each C call runs in a thread of the module's own (query.c): these
tests also check that the thread ends when the loop is left, and that
memory does not grow with the number of rows."""

import json
import os
import pwd
import signal
import sqlite3
import threading
import time

import pytest

import storcat
from conftest import pool_xml, vol_xml


def code_of(excinfo):
    return excinfo.value.get_error_code()


def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


# Valgrind (make check-valgrind) runs everything some 20 times slower, and
# its RSS is not the program's: fewer rows, longer waits, no RSS figures.
VALGRIND = any("vgpreload" in line for line in open("/proc/self/maps"))
# AddressSanitizer's quarantine holds freed memory: RSS grows with every row.
ASAN = "libasan" in os.environ.get("LD_PRELOAD", "")
SLOWER = 20 if VALGRIND else 3 if ASAN else 1


def pumps():
    """The module's threads that run a listing's C call (query.c)."""
    n = 0
    for tid in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{tid}/comm") as f:
                n += f.read().strip() == "storcat-rows"
        except (FileNotFoundError, ProcessLookupError):
            pass  # the thread ended between the listing and the read
    return n


def no_pump_left(timeout=5.0):
    """Wait until no listing's thread runs; whether none does."""
    end = time.monotonic() + timeout * SLOWER
    while pumps() and time.monotonic() < end:
        time.sleep(0.01)
    return pumps() == 0


# A statement with as many rows as one cares to read, and one that takes
# seconds before its one row.
ENDLESS = ("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n) "
           "SELECT x, 'row ' || x FROM n")
SLOW = ("WITH RECURSIVE n(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM n WHERE x < 1000000000) "
        "SELECT count(*) FROM n")


@pytest.fixture
def vols(pool):
    """Three raw volumes of 1, 2 and 3 MiB in the pool."""
    return [pool.createXML(vol_xml(f"v{i}.img", (i + 1) << 20), 0) for i in range(3)]


# ---- query ------------------------------------------------------------------

def test_query_rows(conn, pool, vols, catalog):
    rows = conn.query("SELECT pool, volume, format, capacity, backing_path, state "
                      "FROM report_volumes ORDER BY volume")
    assert rows.columns == ("pool", "volume", "format", "capacity", "backing_path", "state")
    assert list(rows) == [("images", f"v{i}.img", "raw", (i + 1) << 20, None, "present")
                          for i in range(3)]
    assert list(rows) == []  # an iterator, once
    # Each of SQLite's storage classes as Python's value.
    r = list(conn.query("SELECT 1, -9223372036854775808, 0.5, 1e300, 'é', x'00ff10', NULL"))
    assert r == [(1, -9223372036854775808, 0.5, 1e300, "é", b"\x00\xff\x10", None)]
    assert [type(v) for v in r[0]] == [int, int, float, float, str, bytes, type(None)]
    # No rows: the header still.
    rows = conn.query("SELECT pool AS n, uuid FROM report_pools WHERE 0")
    assert rows.columns == ("n", "uuid") and list(rows) == []
    # A read-only connection may query.
    ro = storcat.openReadOnly(catalog)
    try:
        assert list(ro.query("SELECT count(*) FROM report_volumes WHERE pool = 'images'")) == [(3,)]
    finally:
        ro.close()


def test_query_keywords_and_report(conn, pool, vols):
    rows = conn.query(sql="SELECT volume FROM report_volumes ORDER BY 1 DESC", flags=0)
    assert [r[0] for r in rows] == ["v2.img", "v1.img", "v0.img"]
    rep = conn.report("volumes", pool="images")
    assert rep.columns[:2] == ("pool", "volume")
    assert sorted(r[1] for r in rep) == ["v0.img", "v1.img", "v2.img"]
    assert list(conn.report("volumes", "other")) == []
    with pytest.raises(storcat.libvirtError) as e:
        conn.report("nonesuch")
    assert code_of(e) == storcat.VIR_ERR_INVALID_ARG
    assert "unused" in e.value.get_error_message()  # names the reports there are


def test_report_drift_growth(conn, pool, vols, tmp_path):
    """What a refresh found, as report('drift') gives it, and the pool's
    sizes in report('growth')."""
    target = pool.XMLDesc().split("<path>")[1].split("</path>")[0]
    with open(os.path.join(target, "behind.img"), "wb") as f:
        f.write(b"x" * 8192)
    pool.refresh()
    rep = conn.report("drift", pool="images")
    assert rep.columns[:4] == ("pool", "time", "action", "volume")
    rows = list(rep)
    assert [(r[2], r[3]) for r in rows] == [("vol-discovered", "behind.img"),
                                           ("pool-refresh", None)]
    assert json.loads(rows[0][6])["path"] == [None, os.path.join(target, "behind.img")]
    growth = list(conn.report("growth", "images"))
    assert growth and growth[-1][0] == "images"
    assert growth[-1][3] == pool.info()[2]  # today's last allocation is the pool's


def catalog_dump(catalog):
    db = sqlite3.connect(f"file:{catalog}?mode=ro", uri=True)
    try:
        return (list(db.iterdump()), db.execute("PRAGMA user_version").fetchone())
    finally:
        db.close()


@pytest.mark.parametrize("sql,what", [
    ("DELETE FROM volumes", "DELETE"),
    ("UPDATE pools SET name = 'x'", "UPDATE"),
    ("INSERT INTO settings(name, value) VALUES ('a', 'b')", "INSERT"),
    ("DROP VIEW report_pools", "DROP"),
    ("CREATE TABLE t(x)", "CREATE"),
    ("CREATE TEMP TABLE t(x)", "CREATE"),
    ("PRAGMA user_version = 99", "PRAGMA"),
    ("ATTACH DATABASE ':memory:' AS m", "ATTACH"),
    ("BEGIN IMMEDIATE", "BEGIN"),
])
def test_query_write_refused_catalog_unchanged(conn, pool, vols, catalog, sql, what):
    before = catalog_dump(catalog)
    handler = []
    storcat.registerErrorHandler(lambda ctx, err: handler.append((ctx, err)), "ctx")
    try:
        with pytest.raises(storcat.libvirtError) as e:
            conn.query(sql)
    finally:
        storcat.registerErrorHandler(None, None)
    assert code_of(e) == storcat.VIR_ERR_OPERATION_DENIED, e.value.err
    msg = e.value.get_error_message()
    assert "refused" in msg and str(e.value) == msg, msg
    assert e.value.get_error_domain() == e.value.err[1] and e.value.err[2] == msg
    # The handler saw the error once, in this thread.
    assert handler == [("ctx", e.value.err)]
    assert catalog_dump(catalog) == before
    assert sorted(v.name() for v in pool.listAllVolumes()) == ["v0.img", "v1.img", "v2.img"]
    assert list(conn.query("SELECT count(*) FROM report_volumes")) == [(3,)]


def test_query_bad_sql(conn):
    for sql in ("SELEC 1", "SELECT * FROM nonesuch", "SELECT 1; SELECT 2"):
        with pytest.raises(storcat.libvirtError) as e:
            conn.query(sql)
        assert code_of(e) == storcat.VIR_ERR_INVALID_ARG, (sql, e.value.err)
    with pytest.raises(storcat.libvirtError) as e:
        conn.query("SELECT 1", 1 << 20)
    assert code_of(e) == storcat.VIR_ERR_INVALID_ARG
    with pytest.raises(TypeError):
        conn.query(b"SELECT 1")


def test_query_stops_when_the_loop_is_left(conn):
    """The rows are given as they come: an endless statement can be read
    from, and leaving the loop (break, an exception, close) ends the
    statement and its thread; the connection goes on."""
    assert no_pump_left()
    got = []
    for row in conn.query(ENDLESS):
        got.append(row)
        if len(got) == 5:
            break
    assert got == [(i, f"row {i}") for i in range(1, 6)]
    assert no_pump_left()

    class Stop(Exception):
        pass

    with pytest.raises(Stop):
        for row in conn.query(ENDLESS):
            if row[0] == 1000:
                raise Stop()
    assert no_pump_left()
    # KeyboardInterrupt raised in the loop, as Ctrl-C between two rows.
    with pytest.raises(KeyboardInterrupt):
        for row in conn.query(ENDLESS):
            if row[0] == 3:
                raise KeyboardInterrupt()
    assert no_pump_left()

    rows = conn.query(ENDLESS)
    assert next(rows) == (1, "row 1")
    rows.close()
    assert list(rows) == []
    with conn.query(ENDLESS) as rows:
        assert next(rows)[0] == 1
    assert list(rows) == []
    assert no_pump_left()
    assert list(conn.query("SELECT 42")) == [(42,)]
    assert conn.isAlive() == 1


def test_query_ctrl_c_before_the_first_row(conn):
    """SIGINT while the statement has not given its first row: next()
    raises KeyboardInterrupt at once; the statement runs on to the time
    limit in its thread, which then ends."""
    assert no_pump_left()
    conn.setQueryTimeout(1500 * SLOWER)
    old = signal.signal(signal.SIGINT, signal.default_int_handler)
    timer = threading.Timer(0.3, os.kill, (os.getpid(), signal.SIGINT))
    t0 = time.monotonic()
    try:
        rows = conn.query(SLOW)
        assert rows.columns == ("count(*)",)
        timer.start()
        with pytest.raises(KeyboardInterrupt):
            next(rows)
    finally:
        timer.cancel()
        signal.signal(signal.SIGINT, old)
    assert time.monotonic() - t0 < 1.2 * SLOWER
    assert no_pump_left(10)
    assert list(conn.query("SELECT 1")) == [(1,)]


def test_close_from_another_thread(conn):
    """close() while another thread's next() waits for a row ends that
    next() (StopIteration) at once; a second next() at the same time is
    refused, as a generator's."""
    assert no_pump_left()
    conn.setQueryTimeout(1500 * SLOWER)  # for the statement left running
    rows = conn.query(SLOW)
    got = []

    def reader():
        t0 = time.monotonic()
        got.append(next(rows, "end"))
        got.append(time.monotonic() - t0)

    t = threading.Thread(target=reader)
    t.start()
    time.sleep(0.3 * SLOWER)
    assert t.is_alive()
    with pytest.raises(ValueError, match="already executing"):
        next(rows)
    t0 = time.monotonic()
    rows.close()
    t.join(10)
    assert not t.is_alive() and got[0] == "end"
    assert time.monotonic() - t0 < 0.5 * SLOWER
    assert list(rows) == []
    assert no_pump_left(10)


def test_query_time_limit(conn):
    assert conn.setQueryTimeout(200) == 0
    t0 = time.monotonic()
    with pytest.raises(storcat.libvirtError) as e:
        list(conn.query(SLOW))
    assert code_of(e) == storcat.VIR_ERR_OPERATION_TIMEOUT
    assert "200 ms" in e.value.get_error_message()
    assert time.monotonic() - t0 < 5 * SLOWER
    # The limit counts the time of the loop too: rows read slowly stop.
    with pytest.raises(storcat.libvirtError) as e:
        for _ in conn.query(ENDLESS):
            time.sleep(0.001)
    assert code_of(e) == storcat.VIR_ERR_OPERATION_TIMEOUT
    conn.setQueryTimeout(0)
    assert list(conn.query("SELECT 7")) == [(7,)]
    # A time out of range is refused, not cut to 32 bits (1 << 32 would be
    # 0, no limit).
    for bad in (-1, 1 << 32):
        with pytest.raises(OverflowError):
            conn.setQueryTimeout(bad)


def test_closed_connection(conn, pool):
    conn.close()
    for call in (lambda: conn.query("SELECT 1"), lambda: conn.listEvents(),
                 lambda: conn.listStorageVolumes(), lambda: conn.report("pools")):
        with pytest.raises(storcat.libvirtError) as e:
            call()
        assert code_of(e) == storcat.VIR_ERR_INVALID_CONN


def test_close_while_a_listing_runs(catalog, pooldir):
    """The listing holds the catalog: close() in the middle of a loop
    lets the loop finish, and the catalog closes after it."""
    c = storcat.openAuth(catalog, None, storcat.SC_CONNECT_CREATE)
    pool = c.storagePoolDefineXML(pool_xml("images", pooldir), 0)
    pool.create(0)
    for i in range(200):
        pool.createXML(vol_xml(f"v{i:03d}", 4096), 0)
    del pool
    assert no_pump_left()
    rows = c.listStorageVolumes()
    first = next(rows)
    assert c.close() == 1  # the listing's reference is left
    assert [first.name] + [r.name for r in rows] == [f"v{i:03d}" for i in range(200)]
    assert no_pump_left()
    with pytest.raises(storcat.libvirtError):
        c.query("SELECT 1")


# ---- listEvents ------------------------------------------------------------------

def test_list_events_filters(conn, catalog, pooldir):
    t0 = int(time.time())
    pool = conn.storagePoolDefineXML(pool_xml("images", pooldir), 0)
    pool.create(0)
    a = pool.createXML(vol_xml("a.img", 1 << 20), 0)
    b = pool.createXML(vol_xml("b.img", 1 << 20), 0)
    a.resize(2 << 20, 0)
    b_uuid = b.UUIDString()
    b.delete(0)
    t1 = int(time.time())
    puuid, auuid = pool.UUIDString(), a.UUIDString()

    evs = list(conn.listEvents())
    assert [e.action for e in evs] == ["pool-define", "pool-start", "vol-create", "vol-create",
                                       "vol-resize", "vol-delete"]
    ids = [e.id for e in evs]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert all(e.poolName == "images" and e.poolUUID == puuid for e in evs)
    assert all(t0 <= e.time <= t1 for e in evs)
    assert all(f"pid {os.getpid()}" in e.actor for e in evs)
    assert [(e.volumeName, e.volumeUUID) for e in evs[2:]] == [
        ("a.img", auuid), ("b.img", b_uuid), ("a.img", auuid), ("b.img", b_uuid)]
    assert evs[0].volumeName is None and evs[0].volumeUUID is None
    # A tuple with named fields, in the C struct's order.
    e = evs[4]
    fields = ("id", "time", "action", "poolUUID", "poolName", "volumeUUID", "volumeName",
              "detail", "actor", "uid", "userName", "invokerVia", "invokerUID", "invokerName",
              "pid", "program", "storcatActor", "changes")
    assert isinstance(e, tuple) and len(e) == len(fields)
    assert e == tuple(getattr(e, f) for f in fields)
    assert type(e).__match_args__ == fields
    # Who, field by field, and what the resize changed, old -> new.
    assert (e.uid, e.pid) == (os.getuid(), os.getpid())
    assert e.userName == pwd.getpwuid(os.getuid()).pw_name
    assert e.program and e.storcatActor is None
    assert json.loads(e.changes)["capacity"] == [1 << 20, 2 << 20]
    assert json.loads(evs[2].changes)["capacity"] == [None, 1 << 20]
    assert evs[1].changes is None or isinstance(json.loads(evs[1].changes), dict)

    def actions(**kw):
        return [(e.action, e.volumeName) for e in conn.listEvents(**kw)]

    assert actions(pool="images") == actions(pool=puuid) == actions()
    assert actions(pool="other") == []
    assert actions(volume="a.img") == [("vol-create", "a.img"), ("vol-resize", "a.img")]
    assert actions(volume=auuid) == actions(volume=a.path()) == actions(volume="a.img")
    assert actions(volume=b_uuid) == [("vol-create", "b.img"), ("vol-delete", "b.img")]
    assert actions(action="vol-") == [(e.action, e.volumeName) for e in evs[2:]]
    assert actions(action="vol-create") == [("vol-create", "a.img"), ("vol-create", "b.img")]
    assert actions(action="pool-start") == [("pool-start", None)]
    assert actions(action="vol-create", volume="b.img") == [("vol-create", "b.img")]
    assert actions(afterID=ids[3]) == [("vol-resize", "a.img"), ("vol-delete", "b.img")]
    assert actions(afterID=ids[-1]) == []
    assert actions(since=t0, until=t1) == actions()
    assert actions(since=t1 + 3600) == []
    assert actions(until=t0 - 3600) == []
    # Positional, in the C call's order.
    assert [e.id for e in conn.listEvents("images", "a.img", "vol-", 0, 0, 0, 0)] == \
        [evs[2].id, evs[4].id]
    # A read-only connection may list.
    ro = storcat.openReadOnly(catalog)
    try:
        assert [e.id for e in ro.listEvents()] == ids
    finally:
        ro.close()
    with pytest.raises(storcat.libvirtError) as exc:
        conn.listEvents(flags=1 << 20)
    assert code_of(exc) == storcat.VIR_ERR_INVALID_ARG
    with pytest.raises(TypeError):
        conn.listEvents(since="yesterday")


# ---- listStorageVolumes ---------------------------------------------------------------

def expected_row(pool, v):
    info = v.info()
    backing = v.backingStore()
    return (pool.name(), pool.UUIDString(), v.name(), v.key(), v.path(), v.UUIDString(),
            v.state(), info[0], v.format(), info[1], info[2],
            os.stat(v.path()).st_size if v.format() == "raw" else None,
            backing[0] if backing else None, backing[1] if backing else None)


def test_list_storage_volumes_match_list_all_volumes(conn, pool, pooldir, tmp_path):
    pool.createXML(vol_xml("a.img", 1 << 20), 0)
    pool.createXML(vol_xml("b.qcow2", 8 << 20, "<target><format type='qcow2'/></target>"), 0)
    pool.createXML(vol_xml("c.qcow2", 8 << 20,
                           "<target><format type='qcow2'/></target>"
                           f"<backingStore><path>{pooldir}/b.qcow2</path>"
                           "<format type='qcow2'/></backingStore>"), 0)
    other_dir = tmp_path / "other"
    other_dir.mkdir()
    other = conn.storagePoolDefineXML(pool_xml("aaa-other", other_dir), 0)
    other.create(0)
    other.createXML(vol_xml("z.img", 4096), 0)

    def check(rows, pools):
        rows = list(rows)
        want = []
        for p in pools:
            want += sorted((expected_row(p, v) for v in p.listAllVolumes(0)), key=lambda r: r[2])
        assert len(rows) == len(want) > 0
        for r, w in zip(rows, want):
            assert isinstance(r, storcat.scStorageVolRecord)
            got = tuple(r)
            if w[11] is None:  # qcow2: physical is the file's size on disk
                got = got[:11] + (None,) + got[12:]
            assert got == w, (r, w)

    check(conn.listStorageVolumes(pool), [pool])
    check(conn.listStorageVolumes(), [other, pool])  # every pool, by pool name
    check(conn.listStorageVolumes(pool=other, flags=0), [other])
    rows = list(conn.listStorageVolumes(pool, "qcow2"))
    assert [(r.name, r.format, r.backingPath, r.backingFormat) for r in rows] == [
        ("b.qcow2", "qcow2", None, None), ("c.qcow2", "qcow2", f"{pooldir}/b.qcow2", "qcow2")]
    assert rows[1].physical == os.stat(f"{pooldir}/c.qcow2").st_size
    assert [r.name for r in conn.listStorageVolumes(format="raw")] == ["z.img", "a.img"]
    assert list(conn.listStorageVolumes(format="vmdk")) == []

    # A volume gone from storage: missing after a refresh, listed with
    # its flag only.
    os.unlink(pooldir / "a.img")
    pool.refresh(0)
    assert [r.name for r in conn.listStorageVolumes(pool)] == ["b.qcow2", "c.qcow2"]
    missing = list(conn.listStorageVolumes(pool, None, storcat.SC_CONNECT_LIST_STORAGE_VOLUMES_MISSING))
    assert [(r.name, r.state) for r in missing] == [("a.img", storcat.SC_STORAGE_VOL_STATE_MISSING)]
    both = storcat.SC_CONNECT_LIST_STORAGE_VOLUMES_MISSING | \
        storcat.SC_CONNECT_LIST_STORAGE_VOLUMES_PRESENT
    assert [r.name for r in conn.listStorageVolumes(pool, flags=both)] == \
        ["a.img", "b.qcow2", "c.qcow2"]

    with pytest.raises(storcat.libvirtError) as e:
        conn.listStorageVolumes(pool, flags=1 << 20)
    assert code_of(e) == storcat.VIR_ERR_INVALID_ARG
    with pytest.raises(TypeError):
        conn.listStorageVolumes("images")


def test_list_storage_volumes_memory_flat(conn, pool, pooldir):
    """20,000 volumes: a listing holds a few rows at a time (a list of
    them is some 14 MB here), and listing again and again leaks nothing."""
    n = 2000 if VALGRIND else 20000
    for i in range(n):
        os.close(os.open(pooldir / f"v{i:05d}.img", os.O_CREAT | os.O_WRONLY, 0o644))
    pool.refresh(0)
    list(conn.listStorageVolumes(pool, "vmdk"))  # the call's own first-use costs
    assert no_pump_left()
    rss = [rss_kib()]
    peak = rss[0]
    for _ in range(5):
        count = 0
        for row in conn.listStorageVolumes(pool):
            count += 1
            if count % 1000 == 0:
                peak = max(peak, rss_kib())
        assert count == n and row.name == f"v{n - 1:05d}.img"
        rss.append(rss_kib())
    if not VALGRIND and not ASAN:
        # The first listing: SQLite's page cache of its read-only handle
        # (up to 2 MiB, kept by malloc after), and a few rows.
        assert peak - rss[0] < 4096, (peak, rss)
        # The next ones: nothing more (malloc's own ups and downs are some
        # 100s of KiB here; a row kept or leaked per volume, 300 bytes or
        # more, would be 24 MiB).
        assert rss[-1] - rss[1] < 1024, (peak, rss)
    assert no_pump_left()
