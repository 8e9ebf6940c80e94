/*
 * vol.c: every volume call of libvirt-storage.h but the stream ones, as
 * virt-install, virt-clone, virt-manager and nova's image backend make
 * them on a dir pool: create (raw sparse and allocated, qcow2, with a
 * backing store), clone (in the pool, to another pool, converting),
 * lookups by name, key and path, the pool of a volume, info, XML, path,
 * key, the volume lists, a file made behind the library's back and found
 * by a refresh, resize, wipe, delete, references, what a stopped pool's
 * volumes answer, and the errors of each misuse.
 * Upload and download take a stream in libvirt: their program is
 * streams.c (see tests/compat.test).
 * Usage: vol URI SCRATCH-DIR
 */
#include "compat.h"

#include <fcntl.h>
#include <unistd.h>

static virConnectPtr conn;
static const char *dir;

/* A path in the scratch directory (a static buffer). */
static const char *
path_of(const char *name)
{
    static char path[4096];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return path;
}

/* Volume XML: NAME, CAPACITY bytes, then EXTRA (allocation, target...). */
static const char *
vol_xml(const char *name, unsigned long long capacity, const char *extra)
{
    static char xml[8192];

    snprintf(xml, sizeof(xml),
             "<volume><name>%s</name><capacity unit='bytes'>%llu</capacity>%s</volume>", name,
             capacity, extra);
    return xml;
}

/* Type, capacity and allocation, with and without GET_PHYSICAL. */
static void
show_info(const char *tag, virStorageVolPtr vol)
{
    virStorageVolInfo info;
    char t[256];

    memset(&info, 0, sizeof(info));
    snprintf(t, sizeof(t), "%s.info", tag);
    if (show_rc(t, virStorageVolGetInfo(vol, &info)) >= 0)
        printf("%s.info.values type %d capacity %llu allocation %llu\n", tag, info.type,
               info.capacity, info.allocation);
    memset(&info, 0, sizeof(info));
    snprintf(t, sizeof(t), "%s.info-physical", tag);
    if (show_rc(t, virStorageVolGetInfoFlags(vol, &info, VIR_STORAGE_VOL_GET_PHYSICAL)) >= 0)
        printf("%s.info-physical.values type %d capacity %llu allocation %llu\n", tag, info.type,
               info.capacity, info.allocation);
}

/* Everything a caller reads of a volume. */
static void
show_vol(const char *tag, virStorageVolPtr vol)
{
    char t[256];
    virStoragePoolPtr pool;

    snprintf(t, sizeof(t), "%s.name", tag);
    show_str(t, virStorageVolGetName(vol));
    snprintf(t, sizeof(t), "%s.key", tag);
    show_str(t, virStorageVolGetKey(vol));
    snprintf(t, sizeof(t), "%s.path", tag);
    show_text(t, virStorageVolGetPath(vol));
    snprintf(t, sizeof(t), "%s.connect", tag);
    show_line(t, "%s", virStorageVolGetConnect(vol) == conn ? "same" : "other");
    snprintf(t, sizeof(t), "%s.pool", tag);
    pool = virStoragePoolLookupByVolume(vol);
    if (show_ptr(t, pool)) {
        snprintf(t, sizeof(t), "%s.pool.name", tag);
        show_str(t, virStoragePoolGetName(pool));
        virStoragePoolFree(pool);
    }
    show_info(tag, vol);
    snprintf(t, sizeof(t), "%s.xml", tag);
    show_text(t, virStorageVolGetXMLDesc(vol, 0));
}

/* A create expected to succeed: shown, and returned. */
static virStorageVolPtr
created(const char *tag, virStorageVolPtr vol)
{
    if (show_ptr(tag, vol))
        show_vol(tag, vol);
    return vol;
}

/* A create or lookup expected to fail. A volume that a create made
 * anyway is deleted again, so that the lists after it still compare. */
static void
show_refused(const char *tag, virStorageVolPtr vol, int created_anyway)
{
    char t[256];

    show_ptr(tag, vol);
    if (vol) {
        snprintf(t, sizeof(t), "%s.name", tag);
        show_str(t, virStorageVolGetName(vol));
        if (created_anyway) {
            snprintf(t, sizeof(t), "%s.undo", tag);
            show_rc(t, virStorageVolDelete(vol, 0));
        }
        virStorageVolFree(vol);
    }
}

/* The volume lists of @pool. */
static void
show_lists(const char *tag, virStoragePoolPtr pool)
{
    char t[256];
    char *names[32];
    virStorageVolPtr *vols = NULL;
    int n;

    snprintf(t, sizeof(t), "%s.numof", tag);
    show_rc(t, virStoragePoolNumOfVolumes(pool));
    snprintf(t, sizeof(t), "%s.list", tag);
    n = virStoragePoolListVolumes(pool, names, 32);
    show_names(t, names, n, 0);
    snprintf(t, sizeof(t), "%s.list-max1", tag);
    n = virStoragePoolListVolumes(pool, names, 1);
    show_rc(t, n);
    for (int i = 0; i < n; i++)
        free(names[i]);
    snprintf(t, sizeof(t), "%s.listall", tag);
    n = virStoragePoolListAllVolumes(pool, &vols, 0);
    show_vols(t, vols, n);
    snprintf(t, sizeof(t), "%s.listall-count", tag);
    show_rc(t, virStoragePoolListAllVolumes(pool, NULL, 0));
}

static virStoragePoolPtr
start_pool(const char *name, const char *target)
{
    char xml[4096];
    virStoragePoolPtr pool;

    snprintf(xml, sizeof(xml),
             "<pool type='dir'><name>%s</name><target><path>%s</path></target></pool>", name,
             path_of(target));
    pool = virStoragePoolDefineXML(conn, xml, 0);
    if (!pool || virStoragePoolCreate(pool, VIR_STORAGE_POOL_CREATE_WITH_BUILD) < 0) {
        virErrorPtr err = virGetLastError();
        fprintf(stderr, "pool %s: %s\n", name, err && err->message ? err->message : "?");
        exit(1);
    }
    return pool;
}

/* Creation, and its errors. */
static void
creating(virStoragePoolPtr pool, virStorageVolPtr *raw, virStorageVolPtr *full,
         virStorageVolPtr *qcow)
{
    char xml[8192];
    virStorageVolPtr vol;

    *raw = created("raw", virStorageVolCreateXML(
                              pool, vol_xml("a.img", 1048576, "<allocation>0</allocation>"), 0));
    *full = created("full", virStorageVolCreateXML(pool, vol_xml("b.img", 1048576, ""), 0));
    *qcow = created(
        "qcow2",
        virStorageVolCreateXML(
            pool, vol_xml("c.qcow2", 10485760, "<target><format type='qcow2'/></target>"), 0));
    snprintf(xml, sizeof(xml),
             "<target><format type='qcow2'/></target>"
             "<backingStore><path>%s</path><format type='qcow2'/></backingStore>",
             path_of("v/c.qcow2"));
    vol = created("backed", virStorageVolCreateXML(pool, vol_xml("d.qcow2", 10485760, xml), 0));
    virStorageVolFree(vol);
    vol = created("prealloc",
                  virStorageVolCreateXML(
                      pool, vol_xml("e.qcow2", 1048576, "<target><format type='qcow2'/></target>"),
                      VIR_STORAGE_VOL_CREATE_PREALLOC_METADATA));
    virStorageVolFree(vol);

    show_refused("create.exists", virStorageVolCreateXML(pool, vol_xml("a.img", 1048576, ""), 0),
                 1);
    show_refused("create.slash", virStorageVolCreateXML(pool, vol_xml("x/y.img", 1048576, ""), 0),
                 1);
    show_refused("create.dotdot", virStorageVolCreateXML(pool, vol_xml("..", 1048576, ""), 0), 1);
    show_refused("create.no-capacity",
                 virStorageVolCreateXML(pool, "<volume><name>f.img</name></volume>", 0), 1);
    show_refused("create.malformed", virStorageVolCreateXML(pool, "<volume><name>", 0), 1);
    show_refused(
        "create.bad-format",
        virStorageVolCreateXML(
            pool, vol_xml("g.img", 1048576, "<target><format type='compat-nosuch'/></target>"), 0),
        1);
    show_refused("create.prealloc-raw",
                 virStorageVolCreateXML(pool, vol_xml("h.img", 1048576, ""),
                                        VIR_STORAGE_VOL_CREATE_PREALLOC_METADATA),
                 1);
    show_refused("create.bad-flags",
                 virStorageVolCreateXML(pool, vol_xml("i.img", 1048576, ""), 1U << 20), 1);
    show_refused("create.null", virStorageVolCreateXML(pool, NULL, 0), 1);
    show_refused(
        "create.missing-backing",
        virStorageVolCreateXML(pool,
                               vol_xml("j.qcow2", 1048576,
                                       "<target><format type='qcow2'/></target>"
                                       "<backingStore><path>/nonexistent/compat.qcow2</path>"
                                       "<format type='qcow2'/></backingStore>"),
                               0),
        1);
}

/* Lookups, and their misses. */
static void
looking_up(virStoragePoolPtr pool)
{
    virStorageVolPtr vol;

    vol = virStorageVolLookupByName(pool, "a.img");
    if (show_ptr("lookup.name", vol))
        show_str("lookup.name.key", virStorageVolGetKey(vol));
    virStorageVolFree(vol);
    vol = virStorageVolLookupByKey(conn, path_of("v/a.img"));
    if (show_ptr("lookup.key", vol))
        show_str("lookup.key.name", virStorageVolGetName(vol));
    virStorageVolFree(vol);
    vol = virStorageVolLookupByPath(conn, path_of("v/a.img"));
    if (show_ptr("lookup.path", vol))
        show_str("lookup.path.name", virStorageVolGetName(vol));
    virStorageVolFree(vol);
    vol = virStorageVolLookupByPath(conn, path_of("v//a.img"));
    if (show_ptr("lookup.path-double-slash", vol))
        show_str("lookup.path-double-slash.name", virStorageVolGetName(vol));
    virStorageVolFree(vol);
    show_refused("lookup.path-dot", virStorageVolLookupByPath(conn, path_of("v/./a.img")), 0);
    show_refused("lookup.name-missing", virStorageVolLookupByName(pool, "compat-nosuch.img"), 0);
    show_refused("lookup.key-missing", virStorageVolLookupByKey(conn, path_of("v/nosuch.img")), 0);
    show_refused("lookup.path-missing", virStorageVolLookupByPath(conn, path_of("v/nosuch.img")),
                 0);
    show_refused("lookup.name-null", virStorageVolLookupByName(pool, NULL), 0);
    show_refused("lookup.key-null", virStorageVolLookupByKey(conn, NULL), 0);
    show_refused("lookup.path-null", virStorageVolLookupByPath(conn, NULL), 0);
    show_refused("lookup.pool-null", virStorageVolLookupByName(NULL, "a.img"), 0);
    show_ptr("lookup.volume-null", virStoragePoolLookupByVolume(NULL));

    /* The deprecated name list's arguments; a NULL pool. */
    {
        char *names[1];

        show_rc("list.negative", virStoragePoolListVolumes(pool, names, -1));
        show_rc("list.null-names", virStoragePoolListVolumes(pool, NULL, 1));
        show_rc("list.null-pool", virStoragePoolListVolumes(NULL, names, 1));
        show_rc("numof.null-pool", virStoragePoolNumOfVolumes(NULL));
        show_rc("listall.null-pool", virStoragePoolListAllVolumes(NULL, NULL, 0));
    }
}

/* A file made behind the library's back: found once the pool is refreshed. */
static void
refreshing(virStoragePoolPtr pool)
{
    static const char data[4096] = "compat";
    int fd = open(path_of("v/outside.img"), O_WRONLY | O_CREAT | O_EXCL, 0644);

    if (fd < 0 || write(fd, data, sizeof(data)) != (ssize_t) sizeof(data))
        show_line("outside.file", "cannot write");
    if (fd >= 0)
        close(fd);
    show_lists("outside.before-refresh", pool);
    show_refused("outside.lookup-name-before-refresh",
                 virStorageVolLookupByName(pool, "outside.img"), 0);
    show_rc("outside.refresh", virStoragePoolRefresh(pool, 0));
    show_lists("outside.after-refresh", pool);
    {
        virStorageVolPtr vol = virStorageVolLookupByName(pool, "outside.img");

        if (show_ptr("outside", vol))
            show_vol("outside", vol);
        virStorageVolFree(vol);
    }
}

/* Clones: in the pool, to another pool, to another format. */
static void
cloning(virStoragePoolPtr pool, virStoragePoolPtr other, virStorageVolPtr raw,
        virStorageVolPtr qcow)
{
    virStorageVolPtr vol;

    vol = created("clone",
                  virStorageVolCreateXMLFrom(
                      pool, vol_xml("a-clone.img", 1048576, "<allocation>0</allocation>"), raw, 0));
    virStorageVolFree(vol);
    vol = created("clone-other-pool",
                  virStorageVolCreateXMLFrom(other, vol_xml("a.img", 1048576, ""), raw, 0));
    virStorageVolFree(vol);
    vol = created(
        "clone-to-qcow2",
        virStorageVolCreateXMLFrom(
            pool, vol_xml("a.qcow2", 1048576, "<target><format type='qcow2'/></target>"), raw, 0));
    virStorageVolFree(vol);
    vol = created("clone-qcow2",
                  virStorageVolCreateXMLFrom(
                      pool,
                      vol_xml("c-clone.qcow2", 10485760, "<target><format type='qcow2'/></target>"),
                      qcow, 0));
    virStorageVolFree(vol);
    vol = created("clone-bigger",
                  virStorageVolCreateXMLFrom(pool, vol_xml("a-big.img", 2097152, ""), raw, 0));
    virStorageVolFree(vol);
    show_refused("clone.exists",
                 virStorageVolCreateXMLFrom(pool, vol_xml("b.img", 1048576, ""), raw, 0), 1);
    show_refused("clone.bad-flags",
                 virStorageVolCreateXMLFrom(pool, vol_xml("k.img", 1048576, ""), raw, 1U << 20), 1);
    show_refused("clone.null-source",
                 virStorageVolCreateXMLFrom(pool, vol_xml("k.img", 1048576, ""), NULL, 0), 1);
    show_refused("clone.null", virStorageVolCreateXMLFrom(pool, NULL, raw, 0), 1);
    show_refused("clone.reflink",
                 virStorageVolCreateXMLFrom(pool, vol_xml("l.img", 1048576, ""), raw,
                                            VIR_STORAGE_VOL_CREATE_REFLINK),
                 1);
}

/* Resize, wipe, delete. */
static void
changing(virStorageVolPtr raw, virStorageVolPtr full, virStorageVolPtr qcow)
{
    show_rc("resize.grow", virStorageVolResize(raw, 2097152, 0));
    show_info("resize.grow", raw);
    show_rc("resize.shrink-no-flag", virStorageVolResize(raw, 1048576, 0));
    show_rc("resize.shrink", virStorageVolResize(raw, 1048576, VIR_STORAGE_VOL_RESIZE_SHRINK));
    show_info("resize.shrink", raw);
    show_rc("resize.delta", virStorageVolResize(raw, 1048576, VIR_STORAGE_VOL_RESIZE_DELTA));
    show_info("resize.delta", raw);
    show_rc("resize.delta-shrink",
            virStorageVolResize(raw, 1048576,
                                VIR_STORAGE_VOL_RESIZE_DELTA | VIR_STORAGE_VOL_RESIZE_SHRINK));
    show_info("resize.delta-shrink", raw);
    show_rc("resize.same", virStorageVolResize(raw, 1048576, 0));
    show_rc("resize.zero", virStorageVolResize(raw, 0, VIR_STORAGE_VOL_RESIZE_SHRINK));
    show_rc("resize.allocate", virStorageVolResize(full, 3145728, VIR_STORAGE_VOL_RESIZE_ALLOCATE));
    show_info("resize.allocate", full);
    show_rc("resize.qcow2", virStorageVolResize(qcow, 20971520, 0));
    show_info("resize.qcow2", qcow);
    show_rc("resize.bad-flags", virStorageVolResize(raw, 1048576, 1U << 20));
    show_rc("resize.null", virStorageVolResize(NULL, 1048576, 0));

    show_rc("wipe", virStorageVolWipe(full, 0));
    show_info("wipe", full);
    show_rc("wipe.pattern-zero", virStorageVolWipePattern(full, VIR_STORAGE_VOL_WIPE_ALG_ZERO, 0));
    show_rc("wipe.pattern-random",
            virStorageVolWipePattern(raw, VIR_STORAGE_VOL_WIPE_ALG_RANDOM, 0));
    show_info("wipe.pattern-random", raw);
    show_rc("wipe.pattern-bad", virStorageVolWipePattern(raw, 1000, 0));
    show_rc("wipe.bad-flags", virStorageVolWipe(raw, 1U << 20));
    show_rc("wipe.qcow2", virStorageVolWipe(qcow, 0));
    show_vol("wipe.qcow2", qcow);
    show_text("xml.bad-flags", virStorageVolGetXMLDesc(raw, 1U << 20));
    show_rc("info-flags.bad", virStorageVolGetInfoFlags(raw, NULL, 0));

    show_rc("delete.bad-flags", virStorageVolDelete(raw, 1U << 20));
    show_rc("delete", virStorageVolDelete(raw, 0));
    show_refused("delete.lookup", virStorageVolLookupByPath(conn, path_of("v/a.img")), 0);
    show_str("delete.name", virStorageVolGetName(raw));
    show_str("delete.key", virStorageVolGetKey(raw));
    show_info("delete", raw);
    show_text("delete.xml", virStorageVolGetXMLDesc(raw, 0));
    show_rc("delete.again", virStorageVolDelete(raw, 0));
    show_rc("delete.wipe", virStorageVolWipe(raw, 0));
    show_rc("delete.resize", virStorageVolResize(raw, 2097152, 0));
}

/* What the volumes of a stopped pool answer. */
static void
stopping(virStoragePoolPtr pool, virStorageVolPtr full)
{
    show_rc("stop", virStoragePoolDestroy(pool));
    show_lists("stopped", pool);
    show_refused("stopped.lookup-name", virStorageVolLookupByName(pool, "b.img"), 0);
    show_refused("stopped.lookup-key", virStorageVolLookupByKey(conn, path_of("v/b.img")), 0);
    show_refused("stopped.lookup-path", virStorageVolLookupByPath(conn, path_of("v/b.img")), 0);
    show_str("stopped.name", virStorageVolGetName(full));
    show_info("stopped", full);
    show_text("stopped.xml", virStorageVolGetXMLDesc(full, 0));
    show_text("stopped.path", virStorageVolGetPath(full));
    show_refused("stopped.create", virStorageVolCreateXML(pool, vol_xml("m.img", 1048576, ""), 0),
                 1);
    show_rc("stopped.resize", virStorageVolResize(full, 4194304, 0));
    show_rc("stopped.wipe", virStorageVolWipe(full, 0));
    show_rc("stopped.delete", virStorageVolDelete(full, 0));
}

int
main(int argc, char **argv)
{
    virStoragePoolPtr pool, other;
    virStorageVolPtr raw, full, qcow;

    if (argc != 3) {
        fprintf(stderr, "usage: vol URI SCRATCH-DIR\n");
        return 2;
    }
    dir = argv[2];
    virSetErrorFunc(NULL, quiet_errors);
    conn = open_or_exit(argv[1]);
    pool = start_pool("compat-v", "v");
    other = start_pool("compat-v2", "v2");

    show_lists("empty", pool);
    creating(pool, &raw, &full, &qcow);
    show_lists("created", pool);
    looking_up(pool);
    refreshing(pool);
    cloning(pool, other, raw, qcow);
    show_lists("cloned", pool);
    show_lists("cloned-other", other);
    changing(raw, full, qcow);
    show_lists("changed", pool);

    /* References. */
    show_rc("ref", virStorageVolRef(full));
    show_rc("ref.free", virStorageVolFree(full));
    show_rc("free.null", virStorageVolFree(NULL));
    show_rc("ref.null", virStorageVolRef(NULL));

    stopping(pool, full);

    virStorageVolFree(raw);
    virStorageVolFree(full);
    virStorageVolFree(qcow);
    virStoragePoolDestroy(other);
    virStoragePoolUndefine(other);
    virStoragePoolUndefine(pool);
    virStoragePoolFree(other);
    virStoragePoolFree(pool);
    show_rc("close", virConnectClose(conn));
    return 0;
}
