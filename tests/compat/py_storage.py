"""py_storage.py: storage calls of libvirt-python's callers, as virt-manager,
virt-install and nova make them on a dir pool, written against
libvirt-python. tests/compat.test runs it as it is, against libvirt 9.0's
storage driver (python3-libvirt, a private libvirtd), and after the one
change a port makes, its import line turned into
"import storcat as libvirt", against storcat's module; the two outputs are
compared by compare.py as the C programs' are (one "TAG VALUE" line per
observable result, XML on one line; errors as "TAG.error CODE DOMAIN" and
"TAG.message ..."). So nothing below may spell the module's name but
the import.

virt-manager: the pool list with info, autostart and XML; define, build,
start, autostart a pool; create, clone, upload (sendAll, as its
addstorage does), resize, wipe, delete volumes; listAllVolumes. virt-install:
storageVolLookupByPath of a disk path, and the error of a path no pool
holds. nova: pool info for its disk stats, the volumes' info and paths,
storagePoolLookupByName of a missing pool.

Usage: py_storage.py URI SCRATCH-DIR
"""

import os
import sys

import libvirt

uri, scratch = sys.argv[1], sys.argv[2]


def show(tag, value):
    if isinstance(value, str):
        value = value.replace("\n", "\\n")
    print(f"{tag} {value}")


def show_error(tag, e):
    print(f"{tag}.error {e.get_error_code()} {e.get_error_domain()}")
    show(f"{tag}.message", e.get_error_message())


def call(tag, fn, *args):
    """The result of fn(*args), or the libvirtError's code and message."""
    try:
        r = fn(*args)
    except libvirt.libvirtError as e:
        show(tag, "raised")
        show_error(tag, e)
        return None
    if isinstance(r, (libvirt.virStoragePool, libvirt.virStorageVol)):
        show(tag, "ok")
    else:
        show(tag, r)
    return r


def pool_xml(name, path):
    return (f"<pool type='dir'><name>{name}</name>"
            f"<target><path>{path}</path></target></pool>")


def vol_xml(name, capacity, extra=""):
    return (f"<volume><name>{name}</name>"
            f"<capacity unit='bytes'>{capacity}</capacity>{extra}</volume>")


# Tools silence libvirt's printing of errors and report them themselves.
libvirt.registerErrorHandler(lambda ctx, err: None, None)
conn = libvirt.open(uri)

# ---- pools -------------------------------------------------------------------
target = os.path.join(scratch, "images")
pool = call("define", conn.storagePoolDefineXML, pool_xml("pyimages", target), 0)
call("build", pool.build, 0)
call("create", pool.create, 0)
call("create.again", pool.create, 0)
call("set-autostart", pool.setAutostart, 1)
call("autostart", pool.autostart)
call("is-active", pool.isActive)
call("is-persistent", pool.isPersistent)
call("name", pool.name)
show("info.state", pool.info()[0])
show("info.len", len(pool.info()))
call("xml", pool.XMLDesc, 0)
call("lookup.name", lambda: conn.storagePoolLookupByName("pyimages").name())
call("lookup.uuid", lambda: conn.storagePoolLookupByUUIDString(pool.UUIDString()).name())
call("lookup.uuid-bytes", lambda: conn.storagePoolLookupByUUID(pool.UUID()).name())
call("lookup.missing", conn.storagePoolLookupByName, "no-such-pool")
show("list.active", sorted(p.name() for p in conn.listAllStoragePools(
    libvirt.VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE)))
show("list.names", sorted(conn.listStoragePools()))
call("define.malformed", conn.storagePoolDefineXML, "<pool", 0)
call("define.duplicate", conn.storagePoolDefineXML, pool_xml("pyimages", target), 0)

# ---- volumes -----------------------------------------------------------------
MiB = 1 << 20
a = call("vol.create", pool.createXML, vol_xml("a.img", 4 * MiB), 0)
b = call("vol.create-sparse", pool.createXML,
         vol_xml("b.img", 8 * MiB, "<allocation>0</allocation>"), 0)
call("vol.create.exists", pool.createXML, vol_xml("a.img", MiB), 0)
call("vol.name", a.name)
call("vol.key", a.key)
call("vol.path", a.path)
show("vol.info", a.info()[:2])
show("vol-sparse.info", b.info()[:2])
call("vol.xml", a.XMLDesc, 0)
call("vol.lookup.name", lambda: pool.storageVolLookupByName("a.img").path())
call("vol.lookup.path", lambda: conn.storageVolLookupByPath(a.path()).name())
call("vol.lookup.key", lambda: conn.storageVolLookupByKey(a.key()).name())
call("vol.lookup.pool", lambda: a.storagePoolLookupByVolume().name())
call("vol.lookup.missing-name", pool.storageVolLookupByName, "nope.img")
call("vol.lookup.missing-path", conn.storageVolLookupByPath,
     os.path.join(scratch, "elsewhere.img"))
clone = call("vol.clone", pool.createXMLFrom, vol_xml("clone.img", 4 * MiB), a, 0)
show("vol.clone.info", clone.info()[:2])
show("vol.list", sorted(v.name() for v in pool.listAllVolumes(0)))
show("vol.names", sorted(pool.listVolumes()))
call("vol.count", pool.numOfVolumes)

# virt-manager's upload: a stream and sendAll.
payload = bytes(range(256)) * 4096
st = conn.newStream(0)
call("upload", b.upload, st, 0, len(payload), 0)
call("upload.send-all", st.sendAll, lambda s, n, o: o.pop(0) if o else b"", [payload])
call("upload.finish", st.finish)
got = []
st = conn.newStream(0)
call("download", b.download, st, 0, len(payload), 0)
call("download.recv-all", st.recvAll, lambda s, buf, o: o.append(buf), got)
call("download.finish", st.finish)
show("download.same", b"".join(got) == payload)

call("vol.resize", b.resize, 16 * MiB, 0)
show("vol.resize.info", b.info()[1])
call("vol.resize.shrink-no-flag", b.resize, MiB, 0)
call("vol.wipe", clone.wipe, 0)
call("vol.delete", clone.delete, 0)
call("vol.delete.again", clone.delete, 0)
show("vol.list.after", sorted(v.name() for v in pool.listAllVolumes(0)))

# ---- the end -----------------------------------------------------------------
call("vol.delete.all", lambda: [v.delete(0) for v in (a, b)])
call("destroy", pool.destroy)
call("destroy.again", pool.destroy)
call("vol.list.inactive", lambda: [v.name() for v in pool.listAllVolumes(0)])
call("pool.delete", pool.delete, 0)
show("pool.delete.gone", not os.path.exists(target))
call("undefine", pool.undefine)
call("lookup.after", conn.storagePoolLookupByName, "pyimages")
call("close", conn.close)
