"""The GIL is released while storcat works; objects may be shared between
threads as the C library's handles may; no memory grows with lookups."""

import os
import threading
import time

import pytest

import storcat
from conftest import vol_xml

MiB = 1 << 20


def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def test_gil_released_during_a_long_call(conn, pool, catalog):
    v = pool.createXML(vol_xml("big.img", 128 * MiB, "<allocation>0</allocation>"))
    other = storcat.openReadOnly(catalog)
    stamps, found = [], []
    stop = threading.Event()

    def busy():
        # Python code, and storcat reads on another connection, meanwhile.
        while not stop.is_set():
            sum(range(100))
            found.append(other.storagePoolLookupByName("images").name())
            stamps.append(time.monotonic())

    t = threading.Thread(target=busy)
    t.start()
    time.sleep(0.05)
    t0 = time.monotonic()
    v.wipePattern(storcat.VIR_STORAGE_VOL_WIPE_ALG_RANDOM, 0)
    t1 = time.monotonic()
    stop.set()
    t.join()
    other.close()
    # A call that kept the GIL would let nothing run until it returned:
    # the other thread could still run in the moments before and after it
    # (a switch interval is 5 ms), not in the middle.
    span = t1 - t0
    middle = [s for s in stamps if t0 + span / 4 < s < t1 - span / 4]
    assert span > 0.04, span
    assert len(middle) > 10, (span, len(middle))
    assert set(found) == {"images"}


def test_shared_objects_between_threads(conn, pool):
    vols = [pool.createXML(vol_xml(f"v{i}.img", 4096)) for i in range(20)]
    paths = [v.path() for v in vols]
    errors = []

    def work(k):
        try:
            for i in range(500):
                p = paths[(i + k) % len(paths)]
                v = conn.storageVolLookupByPath(p)
                assert v.path() == p
                assert pool.storageVolLookupByName(v.name()).key() == p
                vols[i % len(vols)].info()
                if i % 100 == 0:
                    assert len(pool.listAllVolumes()) == len(paths)
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []


def test_close_while_other_threads_call(catalog, pool):
    """close() while four threads look up on the connection: each call
    either succeeds or fails with VIR_ERR_INVALID_CONN, never anything
    else, and every thread sees the close (each has looked up once before
    it, so the close lands among their calls whatever the load)."""
    v = pool.createXML(vol_xml("c.img", 4096))
    path = v.path()
    c = storcat.open(catalog)
    looked_up = threading.Barrier(5)
    outcomes = []

    def work():
        ok = bad = 0
        deadline = time.monotonic() + 60
        while not bad and time.monotonic() < deadline:
            try:
                c.storageVolLookupByPath(path)
                ok += 1
                if ok == 1:
                    looked_up.wait()
            except storcat.libvirtError as e:
                assert e.get_error_code() == storcat.VIR_ERR_INVALID_CONN
                bad += 1
        outcomes.append((ok, bad))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    looked_up.wait(timeout=60)
    c.close()
    for t in threads:
        t.join()
    assert len(outcomes) == 4
    assert all(ok >= 1 and bad == 1 for ok, bad in outcomes), outcomes


@pytest.mark.skipif("libasan" in os.environ.get("LD_PRELOAD", ""),
                    reason="AddressSanitizer's quarantine holds freed memory: RSS grows")
def test_no_leak_over_100000_lookups(conn, pool):
    """RSS stays flat: each lookup's handle is freed with its object."""
    v = pool.createXML(vol_xml("l.img", 4096))
    path, name, key = v.path(), v.name(), v.key()
    lookup = conn.storageVolLookupByPath
    for _ in range(20000):
        lookup(path)
    before = rss_kib()
    for i in range(100000):
        x = lookup(path)
        if i % 10 == 0:
            x.name()
            x.key()
            pool.storageVolLookupByName(name)
            conn.storageVolLookupByKey(key)
    try:
        lookup("/nonexistent/" + name)
    except storcat.libvirtError:
        pass
    after = rss_kib()
    assert after - before < 2048, (before, after)


# storcat calls the module makes with the GIL held, and why that is right:
# they read the handle or the thread's error, or count references.
GIL_HELD_OK = {
    "scConnectGetCatalogPath": "a string the handle holds",
    "scStoragePoolGetName": "a string the handle holds",
    "scStorageVolGetName": "a string the handle holds",
    "scStorageVolGetKey": "a string the handle holds",
    "scSecretGetUUID": "bytes the handle holds", "scSecretGetUUIDString": "the handle's",
    "scSecretGetUsageType": "the handle's", "scSecretGetUsageID": "a string the handle holds",
    "scGetLastError": "the thread's error", "scGetLastErrorCode": "the thread's error",
    "scGetLastErrorDomain": "the thread's error", "scGetLastErrorMessage": "the thread's error",
    "scResetLastError": "the thread's error", "scSetErrorFunc": "a pointer set",
    "scGetVersion": "constants", "scInitialize": "nothing to do",
    "scStoragePoolRef": "a count", "scStorageVolRef": "a count", "scConnectRef": "a count",
    "scSecretRef": "a count",
    "scResetError": "frees a copied error's strings",
    # Called through SC_PY_CALL by its caller (open_auth).
    "scConnectOpenAuth": "in SC_PY_CALL(fn(name))",
}
# Not in the list: the handles' Free calls and scConnectClose. The last
# reference of a closed connection's catalog can go with any handle, and
# closes SQLite: always without the GIL.


def test_every_other_call_releases_the_gil():
    """The sources: every call of storcat's API not listed above is inside
    SC_PY_CALL (or Py_BEGIN_ALLOW_THREADS ... Py_END_ALLOW_THREADS), or in
    a function whose name ends in _nogil: one that runs in a thread that
    never takes the GIL (query.c's pumps)."""
    import glob
    import re

    src = os.path.join(os.environ.get("abs_top_srcdir", "../.."), "python")
    files = sorted(glob.glob(os.path.join(src, "*.c")))
    assert len(files) >= 8, src
    seen, outside = set(), []
    for f in files:
        with open(f) as fh:
            text = re.sub(r"/\*.*?\*/", "", fh.read(), flags=re.S)
        text = re.sub(r'"(?:\\.|[^"\\])*"', '""', text)
        text = re.sub(r"'(?:\\.|[^'\\])'", "0", text)
        spans = [(m.start(), m.end()) for m in
                 re.finditer(r"Py_BEGIN_ALLOW_THREADS.*?Py_END_ALLOW_THREADS", text, flags=re.S)]
        for m in re.finditer(r"\b\w+_nogil\s*\([^;{)]*\)\s*\{", text):
            depth, j = 1, m.end()
            while depth:
                depth += {"{": 1, "}": -1}.get(text[j], 0)
                j += 1
            spans.append((m.start(), j))
        for m in re.finditer(r"\bSC_PY_CALL\s*\(", text):
            depth, j = 1, m.end()
            while depth:
                depth += {"(": 1, ")": -1}.get(text[j], 0)
                j += 1
            spans.append((m.start(), j))
        for m in re.finditer(r"\b(sc[A-Z]\w*)\s*\(", text):
            name = m.group(1)
            # The module's own helpers; a type: scStoragePoolPtr (*fn)(...).
            if name.startswith("scPy") or name.endswith("Ptr"):
                continue
            seen.add(name)
            if not any(a <= m.start() < b for a, b in spans) and name not in GIL_HELD_OK:
                outside.append((os.path.basename(f), name))
    assert outside == []
    assert len(seen) > 60  # the scan sees the calls
