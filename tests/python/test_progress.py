"""The progress callback: a Python callable; -1 or an exception stops the
operation cleanly, and Ctrl-C (SIGINT, KeyboardInterrupt) does too."""

import os
import signal
import threading

import pytest

import storcat
from conftest import vol_xml

MiB = 1 << 20


def test_progress_reports(conn, pool):
    v = pool.createXML(vol_xml("w.img", 64 * MiB, "<allocation>0</allocation>"))
    calls = []
    assert conn.setProgressCallback(lambda c, op, done, total, o: calls.append((c, op, done, total, o)),
                                    "opaque") == 0
    v.wipe(0)
    assert calls, "no progress reported"
    assert {c[1] for c in calls} == {"wipe"}
    assert all(c[0] is conn and c[4] == "opaque" for c in calls)
    assert calls[-1][2] <= calls[-1][3] == 64 * MiB
    conn.setProgressCallback(None)
    n = len(calls)
    v.wipe(0)
    assert len(calls) == n


def test_minus_one_aborts(conn, pool, pooldir):
    src = pool.createXML(vol_xml("src.img", 64 * MiB))
    conn.setProgressCallback(lambda *a: -1)
    with pytest.raises(storcat.libvirtError) as e:
        pool.createXMLFrom(vol_xml("copy.img", 64 * MiB), src, 0)
    assert e.value.get_error_code() == storcat.VIR_ERR_OPERATION_ABORTED == 78
    assert not (pooldir / "copy.img").exists()
    assert pool.listVolumes() == ["src.img"]


def test_exception_stops_the_clone_cleanly(conn, pool, pooldir):
    src = pool.createXML(vol_xml("src.img", 64 * MiB))

    def cb(c, op, done, total, opaque):
        if done > 0:
            raise KeyboardInterrupt

    conn.setProgressCallback(cb)
    with pytest.raises(KeyboardInterrupt):
        pool.createXMLFrom(vol_xml("copy.img", 64 * MiB), src, 0)
    assert storcat.virGetLastErrorCode() == storcat.VIR_ERR_OPERATION_ABORTED
    assert not (pooldir / "copy.img").exists()
    assert pool.listVolumes() == ["src.img"]
    # The connection goes on.
    conn.setProgressCallback(None)
    assert pool.createXMLFrom(vol_xml("copy.img", 64 * MiB), src, 0).name() == "copy.img"


def test_ctrl_c_stops_a_long_operation(conn, pool, pooldir):
    """SIGINT arrives while the call runs without the GIL: the next progress
    report runs Python's handler, KeyboardInterrupt stops the operation."""
    v = pool.createXML(vol_xml("big.img", 512 * MiB, "<allocation>0</allocation>"))
    seen = []
    conn.setProgressCallback(lambda c, op, done, total, o: seen.append(done))
    started = threading.Event()
    sent = threading.Event()

    def interrupt():
        started.wait(10)
        os.kill(os.getpid(), signal.SIGINT)
        sent.set()

    def progress(c, op, done, total, o):
        seen.append(done)
        # The first report holds the operation until the signal is sent,
        # so that a fast wipe cannot end first (on any machine load).
        if not started.is_set():
            started.set()
            sent.wait(10)

    # Python raises KeyboardInterrupt for SIGINT only with its own handler
    # in place, which it does not install when SIGINT was ignored at its
    # start (a test run in the background): install it for this test.
    old_handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    t = threading.Thread(target=interrupt)
    t.start()
    conn.setProgressCallback(progress)
    with pytest.raises(KeyboardInterrupt):
        # A random pass over 512 MiB takes seconds; the interrupt comes early.
        try:
            v.wipePattern(storcat.VIR_STORAGE_VOL_WIPE_ALG_RANDOM, 0)
        finally:
            t.join()
            signal.signal(signal.SIGINT, old_handler)
    assert seen and seen[-1] < 512 * MiB
    assert v.operation() is None
    conn.setProgressCallback(None)
    assert v.delete(0) == 0
