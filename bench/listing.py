"""bench/listing.py: every volume of a dir pool of N empty files read from
Python three ways, each in a process of its own that has only opened the
catalog: the median time of ROUNDS, and the most RSS it added (sampled
every 1,000 rows). The ways: the streaming listing
conn.listStorageVolumes(pool), the same rows through conn.query() over
the view report_volumes, and libvirt's way, pool.listAllVolumes() and
info() of each volume. Needs a build configured --with-python:

  PYTHONPATH=BUILD/python/.libs LD_LIBRARY_PATH=BUILD/src/.libs \\
      python3 bench/listing.py DIR [N [ROUNDS]]       (default 20000 files, 5 rounds)
"""
import os
import statistics
import subprocess
import sys
import time

import storcat

directory = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
way_name = sys.argv[4] if len(sys.argv) > 4 else None  # a child's


def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


if way_name is None:
    os.makedirs(os.path.join(directory, "pool"), exist_ok=True)
    for i in range(n):
        path = os.path.join(directory, "pool", f"v{i:06d}.img")
        if not os.path.exists(path):
            os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o644))
conn = storcat.openAuth(os.path.join(directory, "catalog.db"), None, storcat.SC_CONNECT_CREATE)
try:
    pool = conn.storagePoolLookupByName("listbench")
except storcat.libvirtError:
    pool = conn.storagePoolDefineXML(
        "<pool type='dir'><name>listbench</name><target><path>"
        f"{os.path.join(directory, 'pool')}</path></target></pool>", 0)
if way_name is None:
    if not pool.isActive():
        pool.create(0)
    pool.refresh(0)
    conn.close()
    print(f"{n} volumes, one dir pool; median of {rounds}; RSS added at most:")
    for name in ("streaming", "query", "libvirt"):
        subprocess.run([sys.executable, sys.argv[0], directory, str(n), str(rounds), name],
                       check=True)
    sys.exit(0)


def streaming():
    for row in conn.listStorageVolumes(pool):
        yield row.capacity


def query():
    for row in conn.query("SELECT volume, capacity FROM report_volumes WHERE pool = 'listbench'"):
        yield row[1]


def libvirt_way():
    for v in pool.listAllVolumes(0):
        yield v.info()[1]


label, way = {"streaming": ("listStorageVolumes(pool)", streaming),
              "query": ("query(report_volumes)", query),
              "libvirt": ("listAllVolumes() + info()", libvirt_way)}[way_name]
list(conn.listStorageVolumes(pool, "vmdk"))  # the module's and the call's first use
times = []
base = rss_kib()
peak = 0
for _ in range(rounds):
    t0 = time.perf_counter()
    count = 0
    for _ in way():
        count += 1
        if count % 1000 == 0:
            peak = max(peak, rss_kib() - base)
    times.append(time.perf_counter() - t0)
    assert count == n, (label, count)
med = statistics.median(times)
print(f"  {label:28s} {med * 1000:8.1f} ms  {med / n * 1e6:6.2f} us/volume  "
      f"RSS +{peak / 1024:.1f} MiB")
conn.close()
