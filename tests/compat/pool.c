/*
 * pool.c: every pool call of libvirt-storage.h, as virt-manager, nova and
 * virsh make them on dir pools: define (and redefine), build, start,
 * refresh, info and XML, autostart, lookups by name, UUID and target
 * path, the list calls (ListAll with each filter, the deprecated name
 * lists, the counts), transient pools (CreateXML), stop, delete,
 * undefine, references, source discovery, and the errors of each misuse.
 * Usage: pool URI SCRATCH-DIR
 */
#include "compat.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#define UUID1        "3f2a6c2e-8a7b-4c1d-9e0f-1a2b3c4d5e6f"
#define UUID1_NODASH "3f2a6c2e8a7b4c1d9e0f1a2b3c4d5e6f"
#define UUID2        "6e1d2c3b-4a59-4877-8695-a4b3c2d1e0f9"

static virConnectPtr conn;
static const char *dir;
static char buf[16384];

/* Pool XML of a dir pool NAME with target DIR/TARGET, and EXTRA in it. */
static const char *
pool_xml(const char *name, const char *target, const char *extra)
{
    snprintf(buf, sizeof(buf),
             "<pool type='dir'><name>%s</name>%s"
             "<target><path>%s/%s</path></target></pool>",
             name, extra, dir, target);
    return buf;
}

/* A path in the scratch directory (a static buffer). */
static const char *
path_of(const char *name)
{
    static char path[4096];

    snprintf(path, sizeof(path), "%s/%s", dir, name);
    return path;
}

/* Whether the scratch directory has NAME, and its mode. */
static void
show_file(const char *tag, const char *name)
{
    struct stat st;

    if (stat(path_of(name), &st) < 0)
        show_line(tag, "absent");
    else
        show_line(tag, "%s mode %04o", S_ISDIR(st.st_mode) ? "directory" : "file",
                  (unsigned) st.st_mode & 07777);
}

/* Info as a caller reads it: the state, and the sizes' shape (their
 * values are the file system's, and change between runs). */
static void
show_info(const char *tag, virStoragePoolPtr pool)
{
    virStoragePoolInfo info;
    char t[256];

    memset(&info, 0, sizeof(info));
    snprintf(t, sizeof(t), "%s.info", tag);
    if (show_rc(t, virStoragePoolGetInfo(pool, &info)) < 0)
        return;
    printf("%s.info.state %d\n", tag, info.state);
    printf("%s.info.sizes %s, capacity %s allocation + available\n", tag,
           info.capacity ? "nonzero" : "zero",
           info.capacity == info.allocation + info.available ? "=" : "!=");
}

/* State, persistence and autostart of a handle. */
static void
show_state(const char *tag, virStoragePoolPtr pool)
{
    char t[256];
    int autostart = -1;

    snprintf(t, sizeof(t), "%s.active", tag);
    show_rc(t, virStoragePoolIsActive(pool));
    snprintf(t, sizeof(t), "%s.persistent", tag);
    show_rc(t, virStoragePoolIsPersistent(pool));
    snprintf(t, sizeof(t), "%s.autostart", tag);
    show_rc(t, virStoragePoolGetAutostart(pool, &autostart));
    snprintf(t, sizeof(t), "%s.autostart.value", tag);
    show_line(t, "%d", autostart);
}

/* Every list call, and each filter of ListAll. */
static void
show_lists(const char *tag)
{
    static const struct {
        const char *name;
        unsigned int flags;
    } filters[] = {
        { "all", 0 },
        { "active", VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE },
        { "inactive", VIR_CONNECT_LIST_STORAGE_POOLS_INACTIVE },
        { "persistent", VIR_CONNECT_LIST_STORAGE_POOLS_PERSISTENT },
        { "transient", VIR_CONNECT_LIST_STORAGE_POOLS_TRANSIENT },
        { "autostart", VIR_CONNECT_LIST_STORAGE_POOLS_AUTOSTART },
        { "no-autostart", VIR_CONNECT_LIST_STORAGE_POOLS_NO_AUTOSTART },
        { "dir", VIR_CONNECT_LIST_STORAGE_POOLS_DIR },
        { "fs+logical",
          VIR_CONNECT_LIST_STORAGE_POOLS_FS | VIR_CONNECT_LIST_STORAGE_POOLS_LOGICAL },
        { "active+persistent+dir", VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE |
                                       VIR_CONNECT_LIST_STORAGE_POOLS_PERSISTENT |
                                       VIR_CONNECT_LIST_STORAGE_POOLS_DIR },
        { "active+inactive",
          VIR_CONNECT_LIST_STORAGE_POOLS_ACTIVE | VIR_CONNECT_LIST_STORAGE_POOLS_INACTIVE },
    };
    char t[256];
    char *names[16];
    int n;

    for (size_t i = 0; i < sizeof(filters) / sizeof(filters[0]); i++) {
        virStoragePoolPtr *pools = NULL;

        snprintf(t, sizeof(t), "%s.listall.%s", tag, filters[i].name);
        n = virConnectListAllStoragePools(conn, &pools, filters[i].flags);
        show_pools(t, pools, n);
    }
    snprintf(t, sizeof(t), "%s.listall.count-only", tag);
    show_rc(t, virConnectListAllStoragePools(conn, NULL, 0));
    snprintf(t, sizeof(t), "%s.numof", tag);
    show_rc(t, virConnectNumOfStoragePools(conn));
    snprintf(t, sizeof(t), "%s.numof-defined", tag);
    show_rc(t, virConnectNumOfDefinedStoragePools(conn));
    snprintf(t, sizeof(t), "%s.list", tag);
    n = virConnectListStoragePools(conn, names, 16);
    show_names(t, names, n, 0);
    snprintf(t, sizeof(t), "%s.list-defined", tag);
    n = virConnectListDefinedStoragePools(conn, names, 16);
    show_names(t, names, n, 0);
}

/* The deprecated name lists' arguments, and a NULL connection. */
static void
show_list_errors(void)
{
    char *names[1];

    show_rc("list.negative", virConnectListStoragePools(conn, names, -1));
    show_rc("list.null-names", virConnectListStoragePools(conn, NULL, 1));
    show_rc("list.zero", virConnectListStoragePools(conn, NULL, 0));
    show_rc("list-defined.negative", virConnectListDefinedStoragePools(conn, names, -1));
    show_rc("list.null-conn", virConnectListStoragePools(NULL, names, 1));
    show_rc("numof.null-conn", virConnectNumOfStoragePools(NULL));
    show_rc("numof-defined.null-conn", virConnectNumOfDefinedStoragePools(NULL));
    show_rc("listall.null-conn", virConnectListAllStoragePools(NULL, NULL, 0));
}

/* A lookup: the name of the pool found, or the error. */
static void
show_found(const char *tag, virStoragePoolPtr pool)
{
    if (show_ptr(tag, pool)) {
        char t[256];

        snprintf(t, sizeof(t), "%s.name", tag);
        show_str(t, virStoragePoolGetName(pool));
        virStoragePoolFree(pool);
    }
}

/* A define or create expected to fail (freed if it does not). */
static void
show_refused(const char *tag, virStoragePoolPtr pool)
{
    show_ptr(tag, pool);
    if (pool) {
        if (virStoragePoolIsActive(pool) == 1)
            virStoragePoolDestroy(pool);
        if (virStoragePoolIsPersistent(pool) == 1)
            virStoragePoolUndefine(pool);
        virStoragePoolFree(pool);
    }
}

/* Definitions, identity, lookups and the definition's errors. */
static void
defining(virStoragePoolPtr *p1, virStoragePoolPtr *p2)
{
    char uuid[VIR_UUID_STRING_BUFLEN];
    unsigned char raw[VIR_UUID_BUFLEN], raw2[VIR_UUID_BUFLEN];

    *p1 = virStoragePoolDefineXML(conn, pool_xml("compat-p1", "p1", ""), 0);
    show_ptr("define", *p1);
    show_str("define.name", virStoragePoolGetName(*p1));
    show_rc("define.uuidstring", virStoragePoolGetUUIDString(*p1, uuid));
    show_line("define.uuidstring.value", "%s", uuid);
    show_rc("define.uuid", virStoragePoolGetUUID(*p1, raw));
    show_line("define.connect", "%s", virStoragePoolGetConnect(*p1) == conn ? "same" : "other");
    show_state("defined", *p1);
    show_info("defined", *p1);
    show_text("defined.xml", virStoragePoolGetXMLDesc(*p1, 0));
    show_text("defined.xml-inactive", virStoragePoolGetXMLDesc(*p1, VIR_STORAGE_XML_INACTIVE));
    show_text("defined.xml-bad-flags", virStoragePoolGetXMLDesc(*p1, 1U << 20));
    show_file("defined.target", "p1");

    *p2 = virStoragePoolDefineXML(conn, pool_xml("compat-p2", "p2", "<uuid>" UUID1 "</uuid>"),
                                  VIR_STORAGE_POOL_DEFINE_VALIDATE);
    show_ptr("define-uuid", *p2);
    show_found("lookup.uuidstring", virStoragePoolLookupByUUIDString(conn, UUID1));
    show_found("lookup.uuidstring-nodash", virStoragePoolLookupByUUIDString(conn, UUID1_NODASH));
    show_found("lookup.uuidstring-bad", virStoragePoolLookupByUUIDString(conn, "not-a-uuid"));
    show_found("lookup.uuidstring-missing", virStoragePoolLookupByUUIDString(conn, UUID2));
    virStoragePoolGetUUID(*p2, raw2);
    show_found("lookup.uuid", virStoragePoolLookupByUUID(conn, raw2));
    show_found("lookup.uuid-p1", virStoragePoolLookupByUUID(conn, raw));
    show_found("lookup.name", virStoragePoolLookupByName(conn, "compat-p1"));
    show_found("lookup.name-missing", virStoragePoolLookupByName(conn, "compat-nosuch"));
    show_found("lookup.targetpath-inactive", virStoragePoolLookupByTargetPath(conn, path_of("p1")));

    /* Redefining: the same name and UUID replace the definition. */
    show_found("redefine",
               virStoragePoolDefineXML(
                   conn, pool_xml("compat-p2", "p2", "<uuid>" UUID1 "</uuid><source/>"), 0));
    show_text("redefine.xml", virStoragePoolGetXMLDesc(*p2, 0));
    show_refused(
        "define.name-taken",
        virStoragePoolDefineXML(conn, pool_xml("compat-p2", "p2x", "<uuid>" UUID2 "</uuid>"), 0));
    show_refused(
        "define.uuid-taken",
        virStoragePoolDefineXML(conn, pool_xml("compat-p2x", "p2x", "<uuid>" UUID1 "</uuid>"), 0));
    show_refused("define.target-taken",
                 virStoragePoolDefineXML(conn, pool_xml("compat-p2y", "p1", ""), 0));
    show_refused("define.malformed", virStoragePoolDefineXML(conn, "<pool type='dir'>", 0));
    show_refused("define.no-name",
                 virStoragePoolDefineXML(
                     conn, "<pool type='dir'><target><path>/tmp</path></target></pool>", 0));
    show_refused(
        "define.no-target",
        virStoragePoolDefineXML(conn, "<pool type='dir'><name>compat-nt</name></pool>", 0));
    show_refused("define.unknown-type",
                 virStoragePoolDefineXML(
                     conn, "<pool type='compat-nosuch'><name>compat-ut</name></pool>", 0));
    show_refused("define.slash-name",
                 virStoragePoolDefineXML(conn, pool_xml("compat/slash", "slash", ""), 0));
    show_refused("define.bad-flags",
                 virStoragePoolDefineXML(conn, pool_xml("compat-bf", "bf", ""), 1U << 20));
    show_refused("define.null", virStoragePoolDefineXML(conn, NULL, 0));
    show_lists("defined");
}

/* Building and starting, and what an active pool answers. */
static void
starting(virStoragePoolPtr p1, virStoragePoolPtr p2)
{
    show_rc("build.exclusive-flags",
            virStoragePoolBuild(p1, VIR_STORAGE_POOL_BUILD_OVERWRITE |
                                        VIR_STORAGE_POOL_BUILD_NO_OVERWRITE));
    show_rc("build", virStoragePoolBuild(p1, 0));
    show_file("build.target", "p1");
    show_rc("build.again", virStoragePoolBuild(p1, 0));
    show_rc("build.no-overwrite", virStoragePoolBuild(p1, VIR_STORAGE_POOL_BUILD_NO_OVERWRITE));
    show_rc("build.bad-flags", virStoragePoolBuild(p1, 1U << 20));
    show_rc("start.bad-flags", virStoragePoolCreate(p1, 1U << 20));
    show_rc("start", virStoragePoolCreate(p1, 0));
    show_rc("start.again", virStoragePoolCreate(p1, 0));
    show_rc("build.active", virStoragePoolBuild(p1, 0));
    show_state("started", p1);
    show_info("started", p1);
    show_text("started.xml", virStoragePoolGetXMLDesc(p1, 0));
    show_text("started.xml-inactive", virStoragePoolGetXMLDesc(p1, VIR_STORAGE_XML_INACTIVE));
    show_found("lookup.targetpath", virStoragePoolLookupByTargetPath(conn, path_of("p1")));
    show_found("lookup.targetpath-slash", virStoragePoolLookupByTargetPath(conn, path_of("p1/")));
    show_found("lookup.targetpath-double", virStoragePoolLookupByTargetPath(conn, path_of("/p1")));
    show_found("lookup.targetpath-missing",
               virStoragePoolLookupByTargetPath(conn, path_of("compat-nosuch")));
    show_found("lookup.targetpath-null", virStoragePoolLookupByTargetPath(conn, NULL));
    show_rc("refresh", virStoragePoolRefresh(p1, 0));
    show_rc("refresh.bad-flags", virStoragePoolRefresh(p1, 1U << 20));
    show_rc("started.numof-volumes", virStoragePoolNumOfVolumes(p1));
    show_rc("started.list-volumes", virStoragePoolListVolumes(p1, NULL, 0));
    show_rc("started.listall-volumes", virStoragePoolListAllVolumes(p1, NULL, 0));
    show_rc("autostart.set", virStoragePoolSetAutostart(p1, 1));
    show_state("autostart", p1);
    show_rc("autostart.set-again", virStoragePoolSetAutostart(p1, 1));

    /* Building on start; a start that cannot find its directory. */
    show_rc("start-build", virStoragePoolCreate(p2, VIR_STORAGE_POOL_CREATE_WITH_BUILD));
    show_file("start-build.target", "p2");
    /* Redefining an active pool: its new definition (another mode for its
     * directory) is for its next start; it shows with
     * VIR_STORAGE_XML_INACTIVE meanwhile, and is the pool's once stopped
     * (ending()). */
    {
        char uuid[VIR_UUID_STRING_BUFLEN], xml[4096];

        virStoragePoolGetUUIDString(p2, uuid);
        snprintf(xml, sizeof(xml),
                 "<pool type='dir'><name>compat-p2</name><uuid>%s</uuid><target><path>%s</path>"
                 "<permissions><mode>0750</mode></permissions></target></pool>",
                 uuid, path_of("p2"));
        show_found("redefine-active", virStoragePoolDefineXML(conn, xml, 0));
        show_text("redefine-active.xml", virStoragePoolGetXMLDesc(p2, 0));
        show_text("redefine-active.xml-inactive",
                  virStoragePoolGetXMLDesc(p2, VIR_STORAGE_XML_INACTIVE));
        show_state("redefine-active", p2);
    }
    show_lists("started");
}

/* Transient pools: CreateXML, gone when stopped; made persistent by a
 * definition. */
static void
transient(void)
{
    virStoragePoolPtr t, t2;
    int autostart = -1;

    t = virStoragePoolCreateXML(conn, pool_xml("compat-t", "t", ""),
                                VIR_STORAGE_POOL_CREATE_WITH_BUILD);
    show_ptr("transient", t);
    show_state("transient", t);
    show_rc("transient.set-autostart", virStoragePoolSetAutostart(t, 1));
    show_rc("transient.get-autostart", virStoragePoolGetAutostart(t, &autostart));
    show_text("transient.xml", virStoragePoolGetXMLDesc(t, 0));
    show_text("transient.xml-inactive", virStoragePoolGetXMLDesc(t, VIR_STORAGE_XML_INACTIVE));
    show_lists("transient");
    show_refused("transient.create-again",
                 virStoragePoolCreateXML(conn, pool_xml("compat-t", "t", ""), 0));
    show_rc("transient.undefine", virStoragePoolUndefine(t));
    show_rc("transient.start", virStoragePoolCreate(t, 0));
    show_rc("transient.destroy", virStoragePoolDestroy(t));
    show_found("transient.lookup-after", virStoragePoolLookupByName(conn, "compat-t"));
    show_rc("transient.active-after", virStoragePoolIsActive(t));
    show_str("transient.name-after", virStoragePoolGetName(t));
    show_file("transient.target-after", "t");
    show_rc("transient.free", virStoragePoolFree(t));

    show_refused("transient.no-dir",
                 virStoragePoolCreateXML(conn, pool_xml("compat-t3", "t3", ""), 0));
    show_refused("transient.null", virStoragePoolCreateXML(conn, NULL, 0));
    show_refused("transient.bad-flags",
                 virStoragePoolCreateXML(conn, pool_xml("compat-t4", "t4", ""), 1U << 20));
    show_found("transient.no-dir-lookup", virStoragePoolLookupByName(conn, "compat-t3"));

    /* A definition makes a running transient pool persistent. */
    t2 = virStoragePoolCreateXML(conn, pool_xml("compat-t2", "t", ""),
                                 VIR_STORAGE_POOL_CREATE_WITH_BUILD);
    show_ptr("transient2", t2);
    show_found("transient2.define",
               virStoragePoolDefineXML(conn, pool_xml("compat-t2", "t", ""), 0));
    show_state("transient2.defined", t2);
    show_rc("transient2.destroy", virStoragePoolDestroy(t2));
    show_state("transient2.stopped", t2);
    show_rc("transient2.delete", virStoragePoolDelete(t2, 0));
    show_rc("transient2.undefine", virStoragePoolUndefine(t2));
    virStoragePoolFree(t2);
}

/* Stopping, deleting and undefining. */
static void
ending(virStoragePoolPtr p1, virStoragePoolPtr p2)
{
    char *names[4];
    virStorageVolPtr *vols = NULL;
    int fd;

    show_rc("delete.active", virStoragePoolDelete(p2, 0));
    show_rc("undefine.active", virStoragePoolUndefine(p1));
    show_rc("destroy", virStoragePoolDestroy(p1));
    show_rc("destroy.again", virStoragePoolDestroy(p1));
    show_state("stopped", p1);
    show_info("stopped", p1);
    show_text("stopped.xml", virStoragePoolGetXMLDesc(p1, 0));
    show_rc("stopped.numof-volumes", virStoragePoolNumOfVolumes(p1));
    show_rc("stopped.list-volumes", virStoragePoolListVolumes(p1, names, 4));
    show_rc("stopped.listall-volumes", virStoragePoolListAllVolumes(p1, &vols, 0));
    show_rc("stopped.refresh", virStoragePoolRefresh(p1, 0));
    show_found("stopped.lookup-targetpath", virStoragePoolLookupByTargetPath(conn, path_of("p1")));
    show_rc("stopped.set-autostart", virStoragePoolSetAutostart(p1, 0));
    show_state("stopped.autostart", p1);

    show_rc("destroy.p2", virStoragePoolDestroy(p2));
    show_text("destroy.p2.xml", virStoragePoolGetXMLDesc(p2, 0));
    show_text("destroy.p2.xml-inactive", virStoragePoolGetXMLDesc(p2, VIR_STORAGE_XML_INACTIVE));
    fd = open(path_of("p2/compat-file"), O_WRONLY | O_CREAT, 0600);
    if (fd >= 0)
        close(fd);
    show_rc("delete.not-empty", virStoragePoolDelete(p2, 0));
    unlink(path_of("p2/compat-file"));
    show_rc("delete.bad-flags", virStoragePoolDelete(p2, 1U << 20));
    show_rc("delete", virStoragePoolDelete(p2, 0));
    show_file("delete.target", "p2");
    show_rc("delete.again", virStoragePoolDelete(p2, 0));
    show_rc("start.no-dir", virStoragePoolCreate(p2, 0));

    show_rc("undefine", virStoragePoolUndefine(p1));
    show_found("undefine.lookup", virStoragePoolLookupByName(conn, "compat-p1"));
    show_str("undefine.name", virStoragePoolGetName(p1));
    show_rc("undefine.active-after", virStoragePoolIsActive(p1));
    show_rc("undefine.again", virStoragePoolUndefine(p1));
    show_rc("undefine.p2", virStoragePoolUndefine(p2));
    show_file("undefine.target", "p1");

    /* References. */
    show_rc("ref", virStoragePoolRef(p1));
    show_rc("ref.free", virStoragePoolFree(p1));
    show_rc("ref.free-last", virStoragePoolFree(p1));
    show_rc("free.null", virStoragePoolFree(NULL));
    show_rc("ref.null", virStoragePoolRef(NULL));
    virStoragePoolFree(p2);
}

int
main(int argc, char **argv)
{
    virStoragePoolPtr p1, p2;

    if (argc != 3) {
        fprintf(stderr, "usage: pool URI SCRATCH-DIR\n");
        return 2;
    }
    dir = argv[2];
    virSetErrorFunc(NULL, quiet_errors);
    conn = open_or_exit(argv[1]);

    show_lists("empty");
    show_list_errors();
    defining(&p1, &p2);
    starting(p1, p2);
    transient();
    ending(p1, p2);

    /* Source discovery. */
    show_text("sources.dir", virConnectFindStoragePoolSources(conn, "dir", NULL, 0));
    show_text("sources.unknown", virConnectFindStoragePoolSources(conn, "compat-nosuch", NULL, 0));
    show_text("sources.bad-flags", virConnectFindStoragePoolSources(conn, "dir", NULL, 1U << 20));
    show_text("sources.null", virConnectFindStoragePoolSources(conn, NULL, NULL, 0));

    show_lists("end");
    show_rc("close", virConnectClose(conn));
    return 0;
}
