"""bench/lookups.py: the median time of one storageVolLookupByPath, in
microseconds, from Python (bench/run-python runs it): MODULE is storcat
(WHERE: a catalog, made if missing) or libvirt (WHERE: a URI). The pool
"pybench" over DIR is defined, started and refreshed first, and removed
at the end; LOOKUPS random paths of its files (a fixed seed) are looked
up after 1,000 warm-up lookups, in batches of 100: the median batch, per
call.

  lookups.py MODULE WHERE DIR LOOKUPS
"""
import importlib
import os
import random
import statistics
import sys
import time

mod, where, directory, lookups = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
lv = importlib.import_module(mod)
lv.registerErrorHandler(lambda ctx, err: None, None)
if mod == "storcat":
    conn = lv.openAuth(where, None, lv.SC_CONNECT_CREATE)
else:
    conn = lv.open(where)
try:
    pool = conn.storagePoolLookupByName("pybench")
except lv.libvirtError:
    pool = conn.storagePoolDefineXML(
        f"<pool type='dir'><name>pybench</name><target><path>{directory}</path></target></pool>",
        0)
if not pool.isActive():
    pool.create(0)
pool.refresh(0)
names = sorted(os.listdir(directory))
rnd = random.Random(7)
paths = [os.path.join(directory, rnd.choice(names)) for _ in range(lookups)]
lookup = conn.storageVolLookupByPath
for p in paths[:1000]:
    lookup(p)
per = []
for i in range(0, lookups, 100):
    t0 = time.perf_counter_ns()
    for p in paths[i:i + 100]:
        lookup(p)
    per.append((time.perf_counter_ns() - t0) / len(paths[i:i + 100]))
print(f"{statistics.median(per) / 1000:.2f}")
pool.destroy()
pool.undefine()
