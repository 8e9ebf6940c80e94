/*
 * test_volume.c: dir pools and file volumes end to end, on real files in a
 * fresh temporary directory per test: every volume operation with its
 * result checked on disk, reconcile against changes made behind storcat's
 * back, lookups by any spelling of a path, hostile names and planted
 * symlinks, crashes (SIGKILL) in the middle of a refresh and of a create,
 * and two processes creating volumes at once.
 */
#include <config.h>

#include <sys/statvfs.h>
#include <errno.h>

#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "util/util.h"

extern int scCatalogFailCountdown;
extern size_t scScanRunMax; /* entries a refresh holds before it spills a run */

typedef struct {
    char *dir;      /* the test's temporary directory */
    char *images;   /* the pool's directory */
    char *catalog;
    scConnectPtr conn;
    scStoragePoolPtr pool;
} Fixture;

static int
setup(void **state)
{
    Fixture *f = calloc(1, sizeof(*f));
    char *xml;

    if (!(f->dir = testTmpDirMake("volume")))
        return -1;
    f->images = testPath(f->dir, "images");
    f->catalog = testPath(f->dir, "catalog.db");
    if (!(f->conn = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE)))
        return -1;
    if (asprintf(&xml, "<pool type='dir'><name>images</name><target><path>%s</path></target>"
                       "</pool>", f->images) < 0)
        return -1;
    f->pool = scStoragePoolDefineXML(f->conn, xml, 0);
    free(xml);
    if (!f->pool || scStoragePoolCreate(f->pool, SC_STORAGE_POOL_CREATE_WITH_BUILD) < 0) {
        fprintf(stderr, "# setup: %s\n", scGetLastErrorMessage());
        return -1;
    }
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;
    scStoragePoolFree(f->pool);
    assert_int_equal(scConnectClose(f->conn), 0);
    testTmpDirRemove(f->dir);
    free(f->images);
    free(f->catalog);
    free(f);
    return 0;
}

static scStorageVolPtr
create_raw(Fixture *f, const char *name, unsigned long long capacity, unsigned long long alloc)
{
    char *xml;
    scStorageVolPtr vol;
    assert_true(asprintf(&xml, "<volume><name>%s</name><capacity>%llu</capacity>"
                               "<allocation>%llu</allocation></volume>", name, capacity, alloc) > 0);
    vol = scStorageVolCreateXML(f->pool, xml, 0);
    free(xml);
    return vol;
}

static struct stat
stat_in(Fixture *f, const char *name)
{
    struct stat st;
    char *p = testPath(f->images, name);
    memset(&st, 0, sizeof(st));
    if (lstat(p, &st) < 0)
        st.st_nlink = 0;
    free(p);
    return st;
}

static bool
exists_in(Fixture *f, const char *name)
{
    return stat_in(f, name).st_nlink > 0;
}

/* Write @len bytes of @byte at @off of file @name in the pool. */
static void
write_at(Fixture *f, const char *name, off_t off, int byte, size_t len)
{
    char *p = testPath(f->images, name);
    int fd = open(p, O_WRONLY | O_CREAT, 0644);
    char *buf = malloc(len);
    assert_true(fd >= 0);
    memset(buf, byte, len);
    assert_int_equal(pwrite(fd, buf, len, off), (ssize_t) len);
    close(fd);
    free(buf);
    free(p);
}

/* Does the file hold @byte everywhere in [0, size)? */
static bool
file_is_all(Fixture *f, const char *name, int byte)
{
    char *p = testPath(f->images, name);
    FILE *fp = fopen(p, "rb");
    int c;
    bool all = fp != NULL;
    while (fp && (c = getc(fp)) != EOF)
        if (c != byte) {
            all = false;
            break;
        }
    if (fp)
        fclose(fp);
    free(p);
    return all;
}

static bool
have_qemu_img(void)
{
    return access(QEMU_IMG, X_OK) == 0;
}

static void
test_pool_lifecycle(void **state)
{
    Fixture *f = *state;
    scStoragePoolInfo info;
    scStorageVolPtr vol;
    struct stat st;

    /* Started: real sizes from the filesystem. */
    assert_sc_ok(scStoragePoolGetInfo(f->pool, &info) == 0);
    assert_int_equal(info.state, SC_STORAGE_POOL_RUNNING);
    assert_true(info.capacity > 0 && info.available > 0 && info.available <= info.capacity);
    /* As libvirt counts them: free blocks are available, the rest allocated. */
    struct statvfs vfs;
    assert_int_equal(statvfs(f->images, &vfs), 0);
    assert_int_equal(info.capacity, info.allocation + info.available);
    assert_int_equal(info.capacity, (unsigned long long) vfs.f_frsize * vfs.f_blocks);
    assert_int_equal(stat(f->images, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0711);

    /* Delete is refused while active, and while not empty. */
    assert_sc_err(scStoragePoolDelete(f->pool, 0) == 0, SC_ERR_OPERATION_INVALID);
    assert_sc_ok(vol = create_raw(f, "a.img", 1 << 20, 0));
    scStorageVolFree(vol);
    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    /* Stopped, it keeps the sizes of its last refresh (libvirt does). */
    scStoragePoolInfo stopped;
    assert_sc_ok(scStoragePoolGetInfo(f->pool, &stopped) == 0);
    assert_int_equal(stopped.state, SC_STORAGE_POOL_INACTIVE);
    assert_int_equal(stopped.capacity, info.capacity);
    assert_sc_err(scStoragePoolCreate(f->pool, SC_STORAGE_POOL_CREATE_WITH_BUILD_NO_OVERWRITE) == 0,
                  SC_ERR_SYSTEM_ERROR);
    assert_sc_err(scStoragePoolDelete(f->pool, 0) == 0, SC_ERR_SYSTEM_ERROR);
    assert_non_null(strstr(scGetLastErrorMessage(), "': Directory not empty"));
    assert_int_equal(scGetLastError()->int1, ENOTEMPTY);
    assert_true(exists_in(f, "a.img"));
    /* The inventory survives a stop; the volume is still known, though,
     * as in libvirt, an inactive pool's volumes are not listed unless the
     * catalog's last inventory is asked for. */
    assert_sc_err(scStoragePoolNumOfVolumes(f->pool) >= 0, SC_ERR_OPERATION_INVALID);
    assert_string_equal(scGetLastErrorMessage(),
                        "Requested operation is not valid: storage pool 'images' is not active");
    assert_int_equal(scStoragePoolListAllVolumes(f->pool, NULL,
                                                 SC_STORAGE_POOL_LIST_VOLUMES_INACTIVE), 1);
    char *p = testPath(f->images, "a.img");
    unlink(p);
    free(p);
    assert_sc_ok(scStoragePoolDelete(f->pool, 0) == 0);
    assert_int_equal(access(f->images, F_OK), -1);
    assert_sc_err(scStoragePoolCreate(f->pool, 0) == 0, SC_ERR_SYSTEM_ERROR);
    assert_int_equal(scStoragePoolIsActive(f->pool), 0);
    assert_sc_ok(scStoragePoolBuild(f->pool, SC_STORAGE_POOL_BUILD_NO_OVERWRITE) == 0);
    assert_sc_err(scStoragePoolBuild(f->pool, SC_STORAGE_POOL_BUILD_NO_OVERWRITE) == 0,
                  SC_ERR_SYSTEM_ERROR);
    assert_sc_ok(scStoragePoolCreate(f->pool, 0) == 0);
    /* The start refreshed: the vanished volume is missing. */
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 0);
    assert_int_equal(scStoragePoolListAllVolumes(f->pool, NULL,
                                                 SC_STORAGE_POOL_LIST_VOLUMES_MISSING), 1);
}

static void
test_create_raw(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr sparse, full, again;
    scStorageVolInfo info;
    char *path, *xml;
    struct stat st;
    char uuid[SC_UUID_STRING_BUFLEN];

    assert_sc_ok(sparse = create_raw(f, "sparse.img", 64 << 20, 0));
    assert_null(scGetLastError());
    st = stat_in(f, "sparse.img");
    assert_int_equal(st.st_size, 64 << 20);
    assert_true(st.st_blocks * 512 < 1 << 20);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_sc_ok(scStorageVolGetInfo(sparse, &info) == 0);
    assert_int_equal(info.type, SC_STORAGE_VOL_FILE);
    assert_int_equal(info.capacity, 64 << 20);
    assert_true(info.allocation < 1 << 20);
    /* libvirt's GET_PHYSICAL: the file's size in allocation. */
    assert_sc_ok(scStorageVolGetInfoFlags(sparse, &info, SC_STORAGE_VOL_GET_PHYSICAL) == 0);
    assert_int_equal(info.allocation, 64 << 20);
    assert_sc_ok(scStorageVolGetInfoFlags(sparse, &info, SC_STORAGE_VOL_USE_ALLOCATION) == 0);
    assert_true(info.allocation < 1 << 20);
    assert_sc_err(scStorageVolGetInfoFlags(sparse, &info, 2) == 0, SC_ERR_INVALID_ARG);

    assert_sc_ok(full = create_raw(f, "full.img", 8 << 20, 8 << 20));
    st = stat_in(f, "full.img");
    assert_true(st.st_blocks * 512 >= 8 << 20);

    /* Path, key, name, UUID, XML. */
    assert_sc_ok(path = scStorageVolGetPath(sparse));
    char *want = testPath(f->images, "sparse.img");
    assert_string_equal(path, want);
    assert_string_equal(scStorageVolGetKey(sparse), want);
    assert_string_equal(scStorageVolGetName(sparse), "sparse.img");
    free(path);
    assert_sc_ok(scStorageVolGetUUIDString(sparse, uuid) == 0);
    assert_sc_ok(again = scStorageVolLookupByUUIDString(f->conn, uuid));
    assert_string_equal(scStorageVolGetName(again), "sparse.img");
    scStorageVolFree(again);
    assert_sc_ok(again = scStorageVolLookupByKey(f->conn, want));
    scStorageVolFree(again);
    assert_sc_ok(again = scStorageVolLookupByName(f->pool, "full.img"));
    scStorageVolFree(again);
    assert_sc_ok(xml = scStorageVolGetXMLDesc(sparse, 0));
    assert_non_null(strstr(xml, "<name>sparse.img</name>"));
    assert_non_null(strstr(xml, "<capacity unit='bytes'>67108864</capacity>"));
    assert_non_null(strstr(xml, "<format type='raw'/>"));
    free(xml);
    free(want);

    /* An existing name is refused, and the file is not touched. */
    assert_sc_err(create_raw(f, "full.img", 1, 0), SC_ERR_STORAGE_VOL_EXIST);
    assert_int_equal(stat_in(f, "full.img").st_size, 8 << 20);
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 2);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-create'"), 2);
    scStorageVolFree(sparse);
    scStorageVolFree(full);
}

static void
test_create_formats(void **state)
{
    Fixture *f = *state;
    static const char *const formats[] = { "qcow2", "qed", "vmdk", "vdi", "vpc" };
    scStorageVolPtr base, top, vol;
    char *xml, *bpath = NULL, *bformat = NULL, *fmt;
    scStorageVolInfo info;

    if (!have_qemu_img())
        skip();
    for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
        char name[32];
        snprintf(name, sizeof(name), "v.%s", formats[i]);
        assert_true(asprintf(&xml, "<volume><name>%s</name><capacity unit='M'>64</capacity>"
                                   "<target><format type='%s'/></target></volume>",
                             name, formats[i]) > 0);
        vol = scStorageVolCreateXML(f->pool, xml, 0);
        free(xml);
        assert_sc_ok(vol);
        assert_sc_ok(fmt = scStorageVolGetFormat(vol));
        assert_string_equal(fmt, formats[i]);
        free(fmt);
        assert_sc_ok(scStorageVolGetInfo(vol, &info) == 0);
        /* vpc rounds the size to its disk geometry. */
        assert_true(info.capacity >= 64 << 20 && info.capacity < (64 << 20) + (1 << 20));
        scStorageVolFree(vol);
    }

    /* A backing chain: raw base, qcow2 on top. */
    assert_sc_ok(base = create_raw(f, "base.img", 32 << 20, 0));
    char *basepath = scStorageVolGetPath(base);
    assert_true(asprintf(&xml, "<volume><name>top.qcow2</name><capacity unit='M'>32</capacity>"
                               "<target><format type='qcow2'/><compat>1.1</compat>"
                               "<features><lazy_refcounts/></features></target>"
                               "<backingStore><path>%s</path></backingStore></volume>",
                         basepath) > 0);
    assert_sc_ok(top = scStorageVolCreateXML(f->pool, xml, 0));
    free(xml);
    assert_int_equal(scStorageVolGetBackingStore(top, &bpath, &bformat), 1);
    assert_string_equal(bpath, basepath);
    assert_string_equal(bformat, "raw");
    free(bpath);
    free(bformat);
    assert_sc_ok(xml = scStorageVolGetXMLDesc(top, 0));
    assert_non_null(strstr(xml, "<backingStore>"));
    assert_non_null(strstr(xml, "<lazy_refcounts/>"));
    /* As libvirt: the file's size, its times, and the backing file's
     * permissions and times. */
    char want_physical[64];
    snprintf(want_physical, sizeof(want_physical), "<physical unit='bytes'>%lld</physical>",
             (long long) stat_in(f, "top.qcow2").st_size);
    assert_non_null(strstr(xml, want_physical));
    char *bs = strstr(xml, "<backingStore>");
    char *ts = strstr(xml, "<timestamps>");
    assert_true(ts && ts < bs && strstr(ts, "<mtime>") && strstr(ts, "<btime>"));
    assert_non_null(strstr(bs, "<permissions>\n      <mode>0"));
    assert_non_null(strstr(bs, "<timestamps>\n      <atime>"));
    free(xml);
    assert_int_equal(scStorageVolGetBackingStore(base, &bpath, &bformat), 0);
    assert_null(bpath);
    free(basepath);
    scStorageVolFree(base);
    scStorageVolFree(top);

    /* A backing store must be an existing absolute path (qemu-img would
     * also open "json:" and network names). */
    assert_sc_err(scStorageVolCreateXML(f->pool,
                                        "<volume><name>j.qcow2</name><capacity>1048576</capacity>"
                                        "<target><format type='qcow2'/></target><backingStore>"
                                        "<path>json:{\"file.filename\":\"/etc/shadow\"}</path>"
                                        "<format type='raw'/></backingStore></volume>", 0),
                  SC_ERR_INVALID_ARG);
    assert_false(exists_in(f, "j.qcow2"));
    /* One that does not exist: libvirt's code and words, naming it. */
    assert_sc_err(scStorageVolCreateXML(f->pool,
                                        "<volume><name>j.qcow2</name><capacity>1048576</capacity>"
                                        "<target><format type='qcow2'/></target><backingStore>"
                                        "<path>/nonexistent/b.qcow2</path><format type='qcow2'/>"
                                        "</backingStore></volume>", 0),
                  SC_ERR_SYSTEM_ERROR);
    assert_string_equal(scGetLastErrorMessage(), "inaccessible backing store volume "
                                                 "/nonexistent/b.qcow2: No such file or directory");
    assert_false(exists_in(f, "j.qcow2"));

    /* A raw volume cannot have a backing store; an unknown format is refused. */
    assert_sc_err(scStorageVolCreateXML(f->pool,
                                        "<volume><name>x</name><capacity>1</capacity>"
                                        "<backingStore><path>/etc/hostname</path>"
                                        "</backingStore></volume>", 0),
                  SC_ERR_CONFIG_UNSUPPORTED);
    assert_false(exists_in(f, "x"));
    assert_sc_err(scStorageVolCreateXML(f->pool,
                                        "<volume><name>x</name><capacity>1</capacity><target>"
                                        "<format type='nosuch'/></target></volume>", 0),
                  SC_ERR_CONFIG_UNSUPPORTED);
    assert_int_equal(scGetLastErrorDomain(), SC_FROM_STORAGE);
    assert_string_equal(scGetLastErrorMessage(),
                        "unsupported configuration: unknown volume format type nosuch");
    assert_false(exists_in(f, "x"));
}

/* SC_STORAGE_VOL_CREATE_PREALLOC_METADATA as libvirt's: refused for raw
 * volumes (a clone from one too); for qcow2, qemu-img's metadata mode when
 * <allocation> is below the capacity, else falloc (the whole image). */
static void
test_prealloc_metadata(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr vol, src;
    scStorageVolInfo info;

    assert_sc_err(scStorageVolCreateXML(f->pool, "<volume><name>r.img</name><capacity>1048576"
                                                 "</capacity></volume>",
                                        SC_STORAGE_VOL_CREATE_PREALLOC_METADATA),
                  SC_ERR_CONFIG_UNSUPPORTED);
    assert_string_equal(scGetLastErrorMessage(), "unsupported configuration: metadata "
                                                 "preallocation is not supported for raw volumes");
    assert_false(exists_in(f, "r.img"));
    assert_sc_ok(src = create_raw(f, "src.img", 1 << 20, 0));
    assert_sc_err(scStorageVolCreateXMLFrom(f->pool, "<volume><name>r.img</name><capacity>1048576"
                                                     "</capacity></volume>", src,
                                            SC_STORAGE_VOL_CREATE_PREALLOC_METADATA),
                  SC_ERR_CONFIG_UNSUPPORTED);
    assert_false(exists_in(f, "r.img"));
    scStorageVolFree(src);

    if (!have_qemu_img())
        skip();
    assert_sc_ok(vol = scStorageVolCreateXML(f->pool, "<volume><name>m.qcow2</name><capacity unit="
                                                      "'M'>8</capacity><allocation>0</allocation>"
                                                      "<target><format type='qcow2'/></target>"
                                                      "</volume>",
                                             SC_STORAGE_VOL_CREATE_PREALLOC_METADATA));
    assert_sc_ok(scStorageVolGetInfo(vol, &info) == 0);
    assert_true(info.allocation < 8 << 20);
    scStorageVolFree(vol);
    assert_sc_ok(vol = scStorageVolCreateXML(f->pool, "<volume><name>f.qcow2</name><capacity unit="
                                                      "'M'>8</capacity><target><format type="
                                                      "'qcow2'/></target></volume>",
                                             SC_STORAGE_VOL_CREATE_PREALLOC_METADATA));
    assert_sc_ok(scStorageVolGetInfo(vol, &info) == 0);
    assert_true(info.allocation >= 8 << 20);
    scStorageVolFree(vol);
}

/* A raw clone's allocation as libvirt's: no <allocation> allocates the
 * whole capacity; an allocation below the source's capacity keeps its
 * holes. */
static void
test_clone_allocation(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr src, vol;
    scStorageVolInfo info;

    assert_sc_ok(src = create_raw(f, "sparse-src.img", 4 << 20, 0));
    assert_sc_ok(vol = scStorageVolCreateXMLFrom(f->pool,
                                                 "<volume><name>full.img</name><capacity>"
                                                 "1</capacity></volume>",
                                                 src, 0));
    assert_sc_ok(scStorageVolGetInfo(vol, &info) == 0);
    assert_int_equal(info.capacity, 4 << 20);
    assert_true(info.allocation >= 4 << 20);
    assert_true(stat_in(f, "full.img").st_blocks * 512 >= 4 << 20);
    scStorageVolFree(vol);
    assert_sc_ok(vol = scStorageVolCreateXMLFrom(f->pool,
                                                 "<volume><name>big.img</name><capacity>"
                                                 "8388608</capacity></volume>",
                                                 src, 0));
    assert_true(stat_in(f, "big.img").st_blocks * 512 >= 8 << 20);
    scStorageVolFree(vol);
    assert_sc_ok(vol = scStorageVolCreateXMLFrom(f->pool,
                                                 "<volume><name>thin.img</name><capacity>"
                                                 "1</capacity><allocation>0</allocation>"
                                                 "</volume>",
                                                 src, 0));
    assert_true(stat_in(f, "thin.img").st_blocks * 512 < 1 << 20);
    scStorageVolFree(vol);
    scStorageVolFree(src);
}

static void
test_clone_resize_wipe(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr src, clone, q;
    scStorageVolInfo info;
    struct stat st;

    /* A sparse source with data at 0 and at 40 MiB. */
    assert_sc_ok(src = create_raw(f, "src.img", 64 << 20, 0));
    write_at(f, "src.img", 0, 0xab, 4096);
    write_at(f, "src.img", 40 << 20, 0xcd, 4096);
    assert_sc_ok(clone = scStorageVolCreateXMLFrom(f->pool,
                                                   "<volume><name>clone.img</name>"
                                                   "<allocation>0</allocation>"
                                                   "</volume>",
                                                   src, 0));
    st = stat_in(f, "clone.img");
    assert_int_equal(st.st_size, 64 << 20);
    assert_true(st.st_blocks * 512 <= 1 << 20); /* holes kept */
    char *a = testPath(f->images, "src.img"), *b = testPath(f->images, "clone.img");
    char *cmd;
    assert_true(asprintf(&cmd, "cmp -s '%s' '%s'", a, b) > 0);
    assert_int_equal(system(cmd), 0);
    free(cmd);

    /* Resize: grow, refuse a shrink without the flag, shrink, delta. */
    assert_sc_ok(scStorageVolResize(clone, 128 << 20, 0) == 0);
    assert_int_equal(stat_in(f, "clone.img").st_size, 128 << 20);
    assert_sc_err(scStorageVolResize(clone, 1 << 20, 0) == 0, SC_ERR_INVALID_ARG);
    assert_non_null(strstr(scGetLastErrorMessage(), "shrink"));
    assert_int_equal(stat_in(f, "clone.img").st_size, 128 << 20);
    assert_sc_ok(scStorageVolResize(clone, 1 << 20, SC_STORAGE_VOL_RESIZE_DELTA) == 0);
    assert_int_equal(stat_in(f, "clone.img").st_size, 129 << 20);
    assert_sc_ok(scStorageVolResize(clone, 65 << 20, SC_STORAGE_VOL_RESIZE_DELTA |
                                                        SC_STORAGE_VOL_RESIZE_SHRINK) == 0);
    assert_int_equal(stat_in(f, "clone.img").st_size, 64 << 20);
    assert_sc_err(scStorageVolResize(clone, 1ULL << 62, SC_STORAGE_VOL_RESIZE_DELTA |
                                                         SC_STORAGE_VOL_RESIZE_SHRINK) == 0,
                  SC_ERR_INVALID_ARG);
    assert_sc_err(scStorageVolResize(clone, ~0ULL, 0) == 0, SC_ERR_INVALID_ARG);
    assert_sc_ok(scStorageVolResize(clone, 80 << 20, SC_STORAGE_VOL_RESIZE_ALLOCATE) == 0);
    st = stat_in(f, "clone.img");
    assert_true(st.st_blocks * 512 >= 16 << 20);
    assert_sc_ok(scStorageVolGetInfo(clone, &info) == 0);
    assert_int_equal(info.capacity, 80 << 20);

    /* Wipe: zero, then each algorithm really writes its pattern. */
    assert_sc_ok(scStorageVolResize(src, 1 << 20, SC_STORAGE_VOL_RESIZE_SHRINK) == 0);
    write_at(f, "src.img", 0, 0x5a, 1 << 20);
    assert_sc_ok(scStorageVolWipe(src, 0) == 0);
    assert_true(file_is_all(f, "src.img", 0x00));
    assert_sc_ok(scStorageVolWipePattern(src, SC_STORAGE_VOL_WIPE_ALG_BSI, 0) == 0);
    assert_true(file_is_all(f, "src.img", 0x7f)); /* BSI's last pass */
    assert_sc_ok(scStorageVolWipePattern(src, SC_STORAGE_VOL_WIPE_ALG_NNSA, 0) == 0);
    assert_true(file_is_all(f, "src.img", 0x00));
    assert_sc_ok(scStorageVolWipePattern(src, SC_STORAGE_VOL_WIPE_ALG_RANDOM, 0) == 0);
    assert_false(file_is_all(f, "src.img", 0x00));
    assert_sc_ok(scStorageVolWipePattern(src, SC_STORAGE_VOL_WIPE_ALG_DOD, 0) == 0);
    assert_sc_ok(scStorageVolWipePattern(src, SC_STORAGE_VOL_WIPE_ALG_SCHNEIER, 0) == 0);
    assert_sc_ok(scStorageVolWipePattern(src, SC_STORAGE_VOL_WIPE_ALG_TRIM, 0) == 0);
    assert_true(file_is_all(f, "src.img", 0x00));
    assert_true(stat_in(f, "src.img").st_blocks == 0);
    assert_sc_err(scStorageVolWipePattern(src, 99, 0) == 0, SC_ERR_INVALID_ARG);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-wipe'"), 7);

    /* qcow2: resized through qemu-img, wiped into an empty image again. */
    if (have_qemu_img()) {
        assert_sc_ok(q = scStorageVolCreateXML(f->pool, "<volume><name>q.qcow2</name><capacity"
                                                        " unit='M'>16</capacity><target><format"
                                                        " type='qcow2'/></target></volume>", 0));
        assert_sc_ok(scStorageVolResize(q, 32 << 20, 0) == 0);
        assert_sc_ok(scStorageVolGetInfo(q, &info) == 0);
        assert_int_equal(info.capacity, 32 << 20);
        assert_sc_ok(scStorageVolWipe(q, 0) == 0);
        char *fmt = scStorageVolGetFormat(q);
        assert_string_equal(fmt, "qcow2");
        free(fmt);
        assert_sc_ok(scStorageVolGetInfo(q, &info) == 0);
        assert_int_equal(info.capacity, 32 << 20);
        /* Clone converting qcow2 to raw. */
        scStorageVolFree(clone);
        clone = NULL;
        assert_sc_ok(clone = scStorageVolCreateXMLFrom(f->pool, "<volume><name>q.raw</name>"
                                                                "<target><format type='raw'/>"
                                                                "</target></volume>", q, 0));
        assert_int_equal(stat_in(f, "q.raw").st_size, 32 << 20);
        scStorageVolFree(q);
    }
    free(a);
    free(b);
    scStorageVolFree(clone);
    scStorageVolFree(src);
}

static void
test_upload_download(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr vol;
    char *in = testPath(f->dir, "in.bin"), *out = testPath(f->dir, "out.bin");
    int fd;

    assert_sc_ok(vol = create_raw(f, "u.img", 8 << 20, 0));
    /* in.bin: 4 MiB: data, 2 MiB of zeroes, data. */
    fd = open(in, O_RDWR | O_CREAT | O_TRUNC, 0644);
    char *buf = malloc(4 << 20);
    memset(buf, 0x11, 1 << 20);
    memset(buf + (1 << 20), 0, 2 << 20);
    memset(buf + (3 << 20), 0x22, 1 << 20);
    assert_int_equal(write(fd, buf, 4 << 20), 4 << 20);
    lseek(fd, 0, SEEK_SET);
    assert_sc_ok(scStorageVolUploadFD(vol, fd, 1 << 20, 0, SC_STORAGE_VOL_UPLOAD_SPARSE_STREAM) == 0);
    close(fd);
    /* The zeroes were not written: the volume has holes there. */
    assert_true(stat_in(f, "u.img").st_blocks * 512 <= 2 << 20);
    fd = open(out, O_RDWR | O_CREAT | O_TRUNC, 0644);
    assert_sc_ok(scStorageVolDownloadFD(vol, fd, 1 << 20, 4 << 20,
                                      SC_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM) == 0);
    close(fd);
    struct stat st;
    assert_int_equal(stat(out, &st), 0);
    assert_int_equal(st.st_size, 4 << 20);
    assert_true(st.st_blocks * 512 <= 2 << 20);
    char *cmd;
    assert_true(asprintf(&cmd, "cmp -s '%s' '%s'", in, out) > 0);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    /* Out of range. */
    assert_sc_err(scStorageVolUploadFD(vol, 0, 9 << 20, 0, 0) == 0, SC_ERR_INVALID_ARG);
    assert_sc_err(scStorageVolUploadFD(vol, -1, 0, 0, 0) == 0, SC_ERR_INVALID_ARG);
    assert_sc_err(scStorageVolDownloadFD(vol, 1, ~0ULL, 1, 0) == 0, SC_ERR_INVALID_ARG);
    free(buf);
    free(in);
    free(out);
    scStorageVolFree(vol);
}

static char *
vol_uuid(scStorageVolPtr vol)
{
    char *u = malloc(SC_UUID_STRING_BUFLEN);
    assert_int_equal(scStorageVolGetUUIDString(vol, u), 0);
    return u;
}

/* Files added, changed, renamed and removed behind storcat's back. */
static void
test_reconcile(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr a, b, vol;
    scStorageVolInfo info;
    char *ua, *ub, *u;

    assert_sc_ok(a = create_raw(f, "a.img", 1 << 20, 0));
    assert_sc_ok(b = create_raw(f, "b.img", 1 << 20, 0));
    ua = vol_uuid(a);
    ub = vol_uuid(b);
    write_at(f, "new.img", 0, 1, 4096);                 /* added */
    write_at(f, "b.img", 3 << 20, 2, 4096);             /* changed: grows to 3 MiB + 4 KiB */
    char *from = testPath(f->images, "a.img"), *to = testPath(f->images, "renamed.img");
    assert_int_equal(rename(from, to), 0);              /* renamed */
    free(from);
    free(to);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);

    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 3);
    assert_sc_ok(vol = scStorageVolLookupByName(f->pool, "renamed.img"));
    u = vol_uuid(vol);
    assert_string_equal(u, ua);                         /* kept its UUID */
    free(u);
    scStorageVolFree(vol);
    assert_sc_ok(scStorageVolGetInfo(b, &info) == 0);
    assert_int_equal(info.capacity, (3 << 20) + 4096);
    assert_sc_ok(vol = scStorageVolLookupByName(f->pool, "new.img"));
    scStorageVolFree(vol);

    /* Removed: missing, not deleted; back again: reappeared, same UUID. */
    char *pb = testPath(f->images, "b.img"), *saved = testPath(f->dir, "b.saved");
    assert_int_equal(rename(pb, saved), 0);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 2);
    assert_int_equal(scStorageVolGetState(b), SC_STORAGE_VOL_STATE_MISSING);
    assert_int_equal(scStoragePoolListAllVolumes(f->pool, NULL,
                                                 SC_STORAGE_POOL_LIST_VOLUMES_MISSING), 3);
    assert_sc_err(scStorageVolWipe(b, 0) == 0, SC_ERR_OPERATION_INVALID);
    assert_int_equal(rename(saved, pb), 0);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(scStorageVolGetState(b), SC_STORAGE_VOL_STATE_PRESENT);
    assert_sc_ok(vol = scStorageVolLookupByName(f->pool, "b.img"));
    u = vol_uuid(vol);
    assert_string_equal(u, ub);
    free(u);
    scStorageVolFree(vol);

    /* The audit trail says all of it. */
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-renamed'"), 1);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-discovered'"), 1);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-changed'"), 1);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-missing'"), 1);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-reappeared'"), 1);

    /* Nothing changed: only the refresh itself is recorded (libvirt's
     * REFRESH event), saying so. */
    int before = testSqlInt(f->catalog, "SELECT count(*) FROM events");
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events"), before + 1);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE id = (SELECT max(id) FROM"
                                " events) AND action = 'pool-refresh' AND detail = 'unchanged'"),
                     1);
    free(pb);
    free(saved);
    free(ua);
    free(ub);
    scStorageVolFree(a);
    scStorageVolFree(b);
}

/* Any spelling of a path finds the volume; a miss checks that one file. */
static void
test_lookup_by_path(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr vol, found;
    char *spellings[4], *link = testPath(f->dir, "link");

    assert_sc_ok(vol = create_raw(f, "disk.img", 1 << 20, 0));
    assert_int_equal(symlink(f->images, link), 0);
    assert_true(asprintf(&spellings[0], "%s/../images//disk.img", f->images) > 0);
    assert_true(asprintf(&spellings[1], "%s/./disk.img", f->images) > 0);
    assert_true(asprintf(&spellings[2], "%s/disk.img", link) > 0);        /* symlinked dir */
    assert_true(asprintf(&spellings[3], "%s//images/disk.img", f->dir) > 0);
    for (int i = 0; i < 4; i++) {
        assert_sc_ok(found = scStorageVolLookupByPath(f->conn, spellings[i]));
        assert_string_equal(scStorageVolGetName(found), "disk.img");
        scStorageVolFree(found);
        free(spellings[i]);
    }
    assert_sc_err(scStorageVolLookupByPath(f->conn, "relative/disk.img"), SC_ERR_INVALID_ARG);

    /* A file storcat has never seen, in an active pool's directory. */
    write_at(f, "fresh.img", 0, 7, 512);
    char *p;
    assert_true(asprintf(&p, "%s/fresh.img", link) > 0);
    assert_sc_ok(found = scStorageVolLookupByPath(f->conn, p));
    assert_string_equal(scStorageVolGetName(found), "fresh.img");
    assert_int_equal(scStorageVolGetState(found), SC_STORAGE_VOL_STATE_PRESENT);
    scStorageVolFree(found);
    free(p);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes"), 2);
    /* A path nowhere near a pool is a clean miss. */
    assert_sc_err(scStorageVolLookupByPath(f->conn, "/nonexistent/x.img"), SC_ERR_NO_STORAGE_VOL);
    p = testPath(f->images, "nothing-here.img");
    assert_sc_err(scStorageVolLookupByPath(f->conn, p), SC_ERR_NO_STORAGE_VOL);
    free(p);
    free(link);
    scStorageVolFree(vol);
}

/* A read-only connection's lookup by path finds what a read-write one
 * finds (the check against storage on a miss), and records nothing. */
static void
test_lookup_by_path_readonly(void **state)
{
    Fixture *f = *state;
    scConnectPtr ro;
    scStorageVolPtr vol, found;
    scStoragePoolPtr pool;
    scStorageVolInfo info;
    char uuid[SC_UUID_STRING_BUFLEN], *p, *xml, *path;

    assert_sc_ok(vol = create_raw(f, "known.img", 1 << 20, 0));
    assert_sc_ok(ro = scConnectOpenReadOnly(f->catalog));
    write_at(f, "fresh.img", 0, 7, 3 * 512);
    p = testPath(f->images, "./fresh.img");
    assert_sc_ok(found = scStorageVolLookupByPath(ro, p));
    assert_string_equal(scStorageVolGetName(found), "fresh.img");
    assert_sc_ok(path = scStorageVolGetPath(found));
    assert_non_null(strstr(path, "/images/fresh.img"));
    assert_null(strstr(path, "/./"));
    assert_int_equal(scStorageVolGetInfo(found, &info), 0);
    assert_int_equal(info.type, SC_STORAGE_VOL_FILE);
    assert_int_equal(info.capacity, 3 * 512);
    assert_int_equal(scStorageVolGetState(found), SC_STORAGE_VOL_STATE_PRESENT);
    assert_sc_ok(xml = scStorageVolGetXMLDesc(found, 0));
    assert_non_null(strstr(xml, "<name>fresh.img</name>"));
    assert_non_null(strstr(xml, "<capacity unit='bytes'>1536</capacity>"));
    /* Not recorded: the nil UUID, its pool, and no row. */
    assert_int_equal(scStorageVolGetUUIDString(found, uuid), 0);
    assert_string_equal(uuid, "00000000-0000-0000-0000-000000000000");
    assert_sc_ok(pool = scStoragePoolLookupByVolume(found));
    assert_string_equal(scStoragePoolGetName(pool), "images");
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes"), 1);
    /* It can be read; nothing can be written through a read-only handle. */
    assert_sc_err(scStorageVolWipe(found, 0) == 0, SC_ERR_OPERATION_DENIED);
    /* The same path read-write: recorded, with a real UUID. */
    scStorageVolFree(found);
    assert_sc_ok(found = scStorageVolLookupByPath(f->conn, p));
    assert_int_equal(scStorageVolGetUUIDString(found, uuid), 0);
    assert_string_not_equal(uuid, "00000000-0000-0000-0000-000000000000");
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes"), 2);
    scStorageVolFree(found);
    /* Nothing there is still a miss; a recorded volume is the catalog's. */
    free(p);
    p = testPath(f->images, "nothing-here.img");
    assert_sc_err(scStorageVolLookupByPath(ro, p), SC_ERR_NO_STORAGE_VOL);
    assert_sc_ok(found = scStorageVolLookupByPath(ro, path));
    assert_int_equal(scStorageVolGetUUIDString(found, uuid), 0);
    assert_string_not_equal(uuid, "00000000-0000-0000-0000-000000000000");
    scStorageVolFree(found);
    free(p);
    free(path);
    free(xml);
    scStoragePoolFree(pool);
    scStorageVolFree(vol);
    assert_int_equal(scConnectClose(ro), 0);
}

/* Count the entries of the pool directory (to see that nothing appeared). */
static int
count_entries(Fixture *f)
{
    char *cmd;
    int n;
    FILE *p;
    assert_true(asprintf(&cmd, "ls -A '%s' | wc -l", f->images) > 0);
    p = popen(cmd, "r");
    assert_int_equal(fscanf(p, "%d", &n), 1);
    pclose(p);
    free(cmd);
    return n;
}

static void
test_hostile_names(void **state)
{
    Fixture *f = *state;
    static const char *const names[] = { "../x", "a/b", "..", ".", "/", "a&#10;b", "a&#9;b",
                                         "" };
    char *xml, *longname = malloc(10001);
    int before = count_entries(f);
    int events = testSqlInt(f->catalog, "SELECT count(*) FROM events");

    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
        assert_true(asprintf(&xml, "<volume><name>%s</name><capacity>1024</capacity></volume>",
                             names[i]) > 0);
        scStorageVolPtr vol = scStorageVolCreateXML(f->pool, xml, 0);
        if (vol)
            fail_msg("name '%s' was accepted", names[i]);
        assert_non_null(strstr(scGetLastErrorMessage(), "name"));
        free(xml);
    }
    /* A '/' in libvirt's code and words. */
    assert_sc_err(scStorageVolCreateXML(f->pool, "<volume><name>x/y.img</name><capacity>1024"
                                                 "</capacity></volume>", 0),
                  SC_ERR_OPERATION_INVALID);
    assert_int_equal(scGetLastErrorDomain(), SC_FROM_STORAGE);
    assert_string_equal(scGetLastErrorMessage(), "Requested operation is not valid: volume name "
                                                 "'x/y.img' cannot contain '/'");
    /* NUL cannot be written in XML at all. */
    assert_null(scStorageVolCreateXML(f->pool, "<volume><name>a&#0;b</name><capacity>1</capacity>"
                                               "</volume>", 0));
    memset(longname, 'n', 10000);
    longname[10000] = '\0';
    assert_null(create_raw(f, longname, 1024, 0));
    assert_non_null(strstr(scGetLastErrorMessage(), "10000 bytes"));
    /* Sizes that overflow. */
    assert_null(scStorageVolCreateXML(f->pool, "<volume><name>big</name><capacity unit='EiB'>"
                                               "100</capacity></volume>", 0));
    assert_null(scStorageVolCreateXML(f->pool, "<volume><name>neg</name><capacity>-1"
                                               "</capacity></volume>", 0));
    free(longname);
    assert_int_equal(count_entries(f), before);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes"), 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events"), events);
}

/* A symlink planted in the pool, pointing outside, is never followed. */
static void
test_planted_symlink(void **state)
{
    Fixture *f = *state;
    char *outside = testPath(f->dir, "outside.bin"), *link = testPath(f->images, "evil.img");
    scStorageVolPtr vol;
    struct stat st;
    int fd;

    write_at(f, "../outside.bin", 0, 0x42, 4096);
    assert_int_equal(symlink(outside, link), 0);

    /* Create over it: refused, the target untouched. */
    assert_sc_err(create_raw(f, "evil.img", 1 << 20, 0), SC_ERR_STORAGE_VOL_EXIST);
    assert_int_equal(stat(outside, &st), 0);
    assert_int_equal(st.st_size, 4096);
    /* A refresh does not take it for a volume; a lookup neither. */
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 0);
    assert_sc_err(scStorageVolLookupByPath(f->conn, link), SC_ERR_NO_STORAGE_VOL);

    /* A real volume swapped for a symlink behind storcat's back: wipe,
     * upload and delete do not follow it. */
    assert_sc_ok(vol = create_raw(f, "victim.img", 4096, 0));
    char *victim = testPath(f->images, "victim.img");
    assert_int_equal(unlink(victim), 0);
    assert_int_equal(symlink(outside, victim), 0);
    assert_sc_err(scStorageVolWipe(vol, 0) == 0, SC_ERR_SYSTEM_ERROR);
    fd = open("/dev/zero", O_RDONLY);
    assert_int_equal(scStorageVolUploadFD(vol, fd, 0, 4096, 0), -1);
    close(fd);
    assert_int_equal(stat(outside, &st), 0);
    assert_int_equal(st.st_size, 4096);
    assert_true(file_is_all(f, "../outside.bin", 0x42));
    /* Delete removes the link itself, never its target. */
    scStorageVolFree(vol);
    assert_sc_ok(vol = scStorageVolLookupByName(f->pool, "victim.img"));
    assert_int_equal(scStorageVolGetState(vol), SC_STORAGE_VOL_STATE_MISSING);
    assert_int_equal(access(outside, F_OK), 0);
    scStorageVolFree(vol);
    free(victim);
    free(outside);
    free(link);
}

static int
integrity_ok(Fixture *f)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int ok;
    assert_int_equal(sqlite3_open_v2(f->catalog, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    ok = sqlite3_step(st) == SQLITE_ROW &&
         strcmp((const char *) sqlite3_column_text(st, 0), "ok") == 0;
    sqlite3_finalize(st);
    /* And no row refers to one that is not there. */
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA foreign_key_check", -1, &st, NULL), SQLITE_OK);
    ok = ok && sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return ok;
}

static void
sql_exec(Fixture *f, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open_v2(f->catalog, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_busy_timeout(db, 30000);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

/* Lookups by path ask a volume's own path before the aliases: a path that
 * is both one volume's own path and another's alias is the first's, one
 * that is only an alias the second's. A handle's UUID is the catalog's
 * text, parsed when asked for; one that is not UUID-shaped fails the
 * lookup, one with other characters fails scStorageVolGetUUID, both
 * naming the volume. */
static void
test_lookup_identity(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr a, b, found;
    unsigned char raw[SC_UUID_BUFLEN], parsed[SC_UUID_BUFLEN];
    char uuid[SC_UUID_STRING_BUFLEN], *sql, *alias = testPath(f->dir, "alias-of-b");
    const char *a_path;

    assert_sc_ok(a = create_raw(f, "a.img", 1 << 20, 0));
    assert_sc_ok(b = create_raw(f, "b.img", 1 << 20, 0));
    a_path = scStorageVolGetKey(a); /* a dir volume's key is its path */
    assert_true(asprintf(&sql, "INSERT INTO volume_paths (path, volume_id) SELECT '%s', id FROM"
                               " volumes WHERE name = 'b.img'; INSERT INTO volume_paths (path,"
                               " volume_id) SELECT '%s', id FROM volumes WHERE name = 'b.img'",
                         a_path, alias) > 0);
    sql_exec(f, sql);
    free(sql);
    for (int i = 0; i < 2; i++) { /* the second time from the statement cache */
        assert_sc_ok(found = scStorageVolLookupByPath(f->conn, a_path));
        assert_string_equal(scStorageVolGetName(found), "a.img");
        scStorageVolFree(found);
        assert_sc_ok(found = scStorageVolLookupByPath(f->conn, alias));
        assert_string_equal(scStorageVolGetName(found), "b.img");
        scStorageVolFree(found);
    }

    /* The UUID as bytes and as text agree, and the text is the catalog's. */
    assert_sc_ok(found = scStorageVolLookupByKey(f->conn, scStorageVolGetKey(b)));
    assert_sc_ok(scStorageVolGetUUID(found, raw) == 0);
    assert_sc_ok(scStorageVolGetUUIDString(found, uuid) == 0);
    assert_int_equal(scUUIDParse(uuid, parsed), 0);
    assert_memory_equal(raw, parsed, SC_UUID_BUFLEN);
    assert_true(asprintf(&sql, "SELECT count(*) FROM volumes WHERE name = 'b.img' AND uuid = '%s'",
                         uuid) > 0);
    assert_int_equal(testSqlInt(f->catalog, sql), 1);
    free(sql);
    scStorageVolFree(found);

    /* A catalog edited by hand. */
    sql_exec(f, "UPDATE volumes SET uuid = 'not-a-uuid' WHERE name = 'b.img'");
    assert_sc_err(scStorageVolLookupByPath(f->conn, alias), SC_ERR_INTERNAL_ERROR);
    assert_non_null(strstr(scGetLastErrorMessage(), "volume 'b.img' has a malformed UUID"));
    sql_exec(f, "UPDATE volumes SET uuid = '0000000g-0000-0000-0000-000000000000'"
                " WHERE name = 'b.img'");
    assert_sc_ok(found = scStorageVolLookupByPath(f->conn, alias));
    assert_sc_err(scStorageVolGetUUID(found, raw) == 0, SC_ERR_INTERNAL_ERROR);
    assert_non_null(strstr(scGetLastErrorMessage(), "volume 'b.img' has a malformed UUID"));
    scStorageVolFree(found);
    free(alias);
    scStorageVolFree(a);
    scStorageVolFree(b);
}

static void
make_empty_files(Fixture *f, const char *prefix, int from, int to)
{
    for (int i = from; i < to; i++) {
        char name[32];
        snprintf(name, sizeof(name), "%s%05d.img", prefix, i);
        char *p = testPath(f->images, name);
        int fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);
        assert_true(fd >= 0);
        close(fd);
        free(p);
    }
}

#define MANY 50000

/* SIGKILL in the middle of refreshes of 50,000 files: the catalog stays
 * sound and the next refresh gives the whole inventory. */
static void
test_kill_during_refresh(void **state)
{
    Fixture *f = *state;
    static const int delays_ms[] = { 30, 150, 400 };

    make_empty_files(f, "f", 0, MANY);
    for (size_t k = 0; k < sizeof(delays_ms) / sizeof(delays_ms[0]); k++) {
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            scConnectPtr c = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE);
            scStoragePoolPtr p = c ? scStoragePoolLookupByName(c, "images") : NULL;
            int ok = p && scStoragePoolRefresh(p, 0) == 0;
            if (p)
                scStoragePoolFree(p);
            if (c)
                scConnectClose(c);
            _exit(ok ? 0 : 1);
        }
        usleep((useconds_t) delays_ms[k] * 1000);
        kill(pid, SIGKILL);
        int status;
        waitpid(pid, &status, 0);
        assert_true(integrity_ok(f));
        /* Each refresh is all or nothing. */
        int n = testSqlInt(f->catalog, "SELECT count(*) FROM volumes");
        assert_true(n == 0 || n == MANY);
    }
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), MANY);
    assert_true(integrity_ok(f));
}

static int
abort_in_apply(scConnectPtr conn, const char *op, unsigned long long done,
               unsigned long long total, void *opaque)
{
    (void) conn, (void) op, (void) done;
    if (total == 0)
        return 0; /* still scanning */
    (*(int *) opaque)++;
    return -1;
}

/* Enough new files for the probes to run on a second thread: an abort in
 * the middle of applying them leaves the catalog as it was; a pool's first
 * inventory is one event, later discoveries one event each; every UUID is
 * new. */
static void
test_refresh_many(void **state)
{
    Fixture *f = *state;
    int calls = 0;

    make_empty_files(f, "m", 0, 6000);
    assert_sc_ok(scConnectSetProgressCallback(f->conn, abort_in_apply, &calls, NULL) == 0);
    assert_sc_err(scStoragePoolRefresh(f->pool, 0) == 0, SC_ERR_OPERATION_ABORTED);
    assert_int_equal(calls, 1);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes"), 0);
    assert_true(integrity_ok(f));

    assert_sc_ok(scConnectSetProgressCallback(f->conn, NULL, NULL, NULL) == 0);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 6000);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-discovered'"), 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'pool-refresh'"
                                " AND detail LIKE '6000 scanned, 6000 new,%'"), 1);

    make_empty_files(f, "n", 0, 1500);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 7500);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-discovered'"),
                     1500);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(DISTINCT uuid) FROM volumes"), 7500);
    assert_true(integrity_ok(f));
}

/* A refresh records without foreign key checks (scCatalogBeginBulk): the
 * stale journal it drops takes its attributes and paths along, and the
 * checks are back on afterwards (undefining the pool removes its volumes). */
static void
test_refresh_keeps_references(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr vol;

    if (!have_qemu_img())
        skip();
    assert_sc_ok(vol = scStorageVolCreateXML(f->pool, "<volume><name>j.qcow2</name>"
                                                "<capacity unit='M'>8</capacity><target>"
                                                "<format type='qcow2'/></target></volume>", 0));
    scStorageVolFree(vol);
    assert_true(testSqlInt(f->catalog, "SELECT count(*) FROM volume_attrs") > 0);
    /* A create that crashed: its journal, an alias, and its file gone. */
    sql_exec(f, "UPDATE volumes SET state = 'creating', op_pid = 2147483646, op_boot = NULL"
                " WHERE name = 'j.qcow2';"
                "INSERT INTO volume_paths (path, volume_id)"
                " SELECT '/dev/disk/by-id/storcat-test-j', id FROM volumes WHERE name = 'j.qcow2'");
    char *p = testPath(f->images, "j.qcow2");
    assert_int_equal(unlink(p), 0);
    free(p);
    make_empty_files(f, "k", 0, 10);

    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE name = 'j.qcow2'"), 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volume_attrs"), 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volume_paths"), 0);
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 10);
    assert_true(integrity_ok(f));

    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    assert_sc_ok(scStoragePoolUndefine(f->pool) == 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes"), 0);
    assert_true(integrity_ok(f));
}

typedef struct {
    Fixture *f;
    bool done;
} GhostCtx;

/* From inside a refresh's scan, another process journals a create and
 * dies before it makes anything. */
static int
journal_during_scan(scConnectPtr conn, const char *op, unsigned long long done,
                    unsigned long long total, void *opaque)
{
    GhostCtx *g = opaque;

    (void) conn, (void) op, (void) done;
    if (g->done || total != 0)
        return 0;
    g->done = true;
    sql_exec(g->f, "INSERT INTO volumes (pool_id, uuid, name, key, path, type, state, op_pid,"
                   " first_seen, last_seen) SELECT id, '01890000-0000-7000-8000-000000000001',"
                   " 'ghost.img', '/nonexistent/ghost.img', '/nonexistent/ghost.img', 'file',"
                   " 'creating', 2147483646, 0, 0 FROM pools WHERE name = 'images'");
    return 0;
}

/* A refresh that another connection wrote under (between its snapshot and
 * its write) stores no digest: the next refresh compares, and finishes the
 * journal that was written meanwhile, though no file changed. */
static void
test_refresh_digest_after_concurrent_write(void **state)
{
    Fixture *f = *state;
    GhostCtx g = { f, false };

    make_empty_files(f, "g", 0, 5000);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_sc_ok(scConnectSetProgressCallback(f->conn, journal_during_scan, &g, NULL) == 0);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_sc_ok(scConnectSetProgressCallback(f->conn, NULL, NULL, NULL) == 0);
    assert_true(g.done);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE name = 'ghost.img'"), 1);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM pools WHERE change_token IS NULL"), 1);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE name = 'ghost.img'"), 0);
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 5000);
    assert_true(integrity_ok(f));
}

/* The same refreshes when the scan does not fit in memory: it is spilled
 * in sorted runs and merged back (tiny runs, so that a few files do it). */
static void
test_reconcile_spilled(void **state)
{
    scScanRunMax = 2;
    test_reconcile(state);
    scScanRunMax = 16384;
}

static void
test_refresh_many_spilled(void **state)
{
    scScanRunMax = 1000;
    test_refresh_many(state);
    scScanRunMax = 16384;
}

static int
kill_me(scConnectPtr conn, const char *op, unsigned long long done, unsigned long long total,
        void *opaque)
{
    if (done >= 4 << 20)
        raise(SIGKILL);
    return 0;
}

static int
abort_op(scConnectPtr conn, const char *op, unsigned long long done, unsigned long long total,
         void *opaque)
{
    (*(int *) opaque)++;
    return done >= 2 << 20 ? -1 : 0;
}

/* SIGKILL in the middle of a create (a clone, killed from its progress
 * callback): the catalog is sound, the journal says 'creating', and the
 * next refresh settles it: the partial file, which the create journaled
 * as its own, is removed; it never becomes a volume. An abort through the
 * callback undoes all. */
static void
test_kill_during_create(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr src, vol;
    int calls = 0, status;
    pid_t pid;

    assert_sc_ok(src = create_raw(f, "src.img", 64 << 20, 64 << 20));
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        scConnectPtr c = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE);
        scStoragePoolPtr p = scStoragePoolLookupByName(c, "images");
        scStorageVolPtr s = scStorageVolLookupByName(p, "src.img");
        scConnectSetProgressCallback(c, kill_me, NULL, NULL);
        scStorageVolCreateXMLFrom(p, "<volume><name>half.img</name></volume>", s, 0);
        _exit(3); /* not reached */
    }
    waitpid(pid, &status, 0);
    assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
    assert_true(integrity_ok(f));
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE state = 'creating'"), 1);
    assert_sc_err(scStorageVolLookupByName(f->pool, "half.img"), SC_ERR_NO_STORAGE_VOL);
    assert_true(exists_in(f, "half.img"));
    /* The journal's process is dead: the refresh removes what it made. */
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE state != 'present'"), 0);
    assert_sc_err(vol = scStorageVolLookupByName(f->pool, "half.img"), SC_ERR_NO_STORAGE_VOL);
    assert_false(exists_in(f, "half.img"));
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-create-abandoned'"
                                " AND volume_name = 'half.img'"), 1);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-create-recovered'"), 0);

    /* The same crash, and the partial file removed before the refresh. */
    pid = fork();
    if (pid == 0) {
        scConnectPtr c = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE);
        scStoragePoolPtr p = scStoragePoolLookupByName(c, "images");
        scStorageVolPtr s = scStorageVolLookupByName(p, "src.img");
        scConnectSetProgressCallback(c, kill_me, NULL, NULL);
        scStorageVolCreateXMLFrom(p, "<volume><name>gone.img</name></volume>", s, 0);
        _exit(3);
    }
    waitpid(pid, &status, 0);
    char *p = testPath(f->images, "gone.img");
    unlink(p);
    free(p);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE name = 'gone.img'"), 0);

    /* Abort through the callback: an error, and nothing left. */
    assert_sc_ok(scConnectSetProgressCallback(f->conn, abort_op, &calls, NULL) == 0);
    assert_sc_err(scStorageVolCreateXMLFrom(f->pool, "<volume><name>aborted.img</name></volume>",
                                            src, 0),
                  SC_ERR_OPERATION_ABORTED);
    assert_true(calls > 0);
    assert_false(exists_in(f, "aborted.img"));
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE name = 'aborted.img'"), 0);
    assert_sc_ok(scConnectSetProgressCallback(f->conn, NULL, NULL, NULL) == 0);
    scStorageVolFree(src);
}

#define PER_PROC 500

static void
test_two_processes_create(void **state)
{
    Fixture *f = *state;
    pid_t pids[2];

    for (int w = 0; w < 2; w++) {
        if ((pids[w] = fork()) == 0) {
            scConnectPtr c = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE);
            scStoragePoolPtr p = c ? scStoragePoolLookupByName(c, "images") : NULL;
            int bad = p ? 0 : 1;
            for (int i = 0; p && i < PER_PROC; i++) {
                char xml[160];
                snprintf(xml, sizeof(xml), "<volume><name>w%d-%03d.img</name><capacity>1048576"
                                           "</capacity><allocation>0</allocation></volume>", w, i);
                scStorageVolPtr v = scStorageVolCreateXML(p, xml, 0);
                if (!v && bad++ < 3)
                    fprintf(stderr, "# %s\n", scGetLastErrorMessage());
                scStorageVolFree(v);
            }
            if (p)
                scStoragePoolFree(p);
            if (c)
                scConnectClose(c);
            _exit(bad ? 1 : 0);
        }
    }
    for (int w = 0; w < 2; w++) {
        int status;
        assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE state = 'present'"),
                     2 * PER_PROC);
    assert_int_equal(count_entries(f), 2 * PER_PROC);
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 2 * PER_PROC);
}

/* Make the Nth catalog step fail, for every N a create takes: each failed
 * create leaves no file and the catalog as it was. */
static void
test_create_failure_injection(void **state)
{
    Fixture *f = *state;
    int failures = 0;

    for (int n = 1; n < 60; n++) {
        int rows = testSqlInt(f->catalog, "SELECT count(*) FROM volumes");
        int events = testSqlInt(f->catalog, "SELECT count(*) FROM events");
        scCatalogFailCountdown = n;
        scStorageVolPtr vol = create_raw(f, "inj.img", 1 << 20, 0);
        scCatalogFailCountdown = 0;
        if (vol) {
            scStorageVolFree(vol);
            break;
        }
        failures++;
        assert_int_equal(scGetLastError()->code, SC_ERR_CATALOG);
        assert_false(exists_in(f, "inj.img"));
        assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes"), rows);
        assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events"), events);
    }
    assert_true(failures >= 3);
    assert_true(exists_in(f, "inj.img"));
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 1);
}

/* Regressions found in review: each was a real defect. */

/* A huge <compat> used to overflow qemu-img's option buffer. */
static void
test_review_compat_overflow(void **state)
{
    Fixture *f = *state;
    char *xml, *digits = malloc(2001);

    memset(digits, '1', 2000);
    digits[2000] = '\0';
    assert_true(asprintf(&xml, "<volume><name>c.qcow2</name><capacity>1048576</capacity><target>"
                               "<format type='qcow2'/><compat>1.%s</compat></target></volume>",
                         digits) > 0);
    assert_sc_err(scStorageVolCreateXML(f->pool, xml, 0), SC_ERR_XML_ERROR);
    assert_false(exists_in(f, "c.qcow2"));
    free(xml);
    free(digits);
}

/* A failed create over a missing volume's name leaves that volume as it
 * was (its UUID, its state). */
static void
test_review_failed_create_keeps_missing(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr a, again;
    char *ua, *p = testPath(f->images, "a.img");

    assert_sc_ok(a = create_raw(f, "a.img", 1 << 20, 0));
    ua = vol_uuid(a);
    assert_int_equal(unlink(p), 0);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(scStorageVolGetState(a), SC_STORAGE_VOL_STATE_MISSING);
    /* raw with a backing store: refused by the backend, after the journal. */
    assert_null(scStorageVolCreateXML(f->pool, "<volume><name>a.img</name><capacity>1</capacity>"
                                               "<backingStore><path>/etc/hostname</path>"
                                               "</backingStore></volume>", 0));
    assert_sc_ok(again = scStorageVolLookupByUUIDString(f->conn, ua));
    assert_int_equal(scStorageVolGetState(again), SC_STORAGE_VOL_STATE_MISSING);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes"), 1);
    scStorageVolFree(again);
    scStorageVolFree(a);
    free(ua);
    free(p);
}

/* A delete whose catalog writes fail never leaves a 'deleting' journal
 * that looks live: a refresh settles every case. */
static void
test_review_delete_failure_injection(void **state)
{
    Fixture *f = *state;

    for (int n = 1; n < 40; n++) {
        scStorageVolPtr v;
        assert_sc_ok(v = create_raw(f, "d.img", 4096, 0));
        scCatalogFailCountdown = n;
        int r = scStorageVolDelete(v, 0);
        scCatalogFailCountdown = 0;
        scStorageVolFree(v);
        assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
        assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE state IN"
                                    " ('creating', 'deleting')"), 0);
        /* The catalog follows storage, whatever step failed. */
        int rows = testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE name = 'd.img'"
                              " AND state = 'present'");
        assert_int_equal(rows, exists_in(f, "d.img") ? 1 : 0);
        if (exists_in(f, "d.img")) {
            assert_sc_ok(v = scStorageVolLookupByName(f->pool, "d.img"));
            assert_sc_ok(scStorageVolDelete(v, 0) == 0);
            scStorageVolFree(v);
        }
        if (r == 0)
            break;
    }
    assert_false(exists_in(f, "d.img"));
}

/* Zeroes uploaded with SPARSE_STREAM replace older data (as holes). */
static void
test_review_sparse_upload_overwrites(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr v;
    int fd;

    assert_sc_ok(v = create_raw(f, "s.img", 1 << 20, 0));
    write_at(f, "s.img", 0, 0xff, 1 << 20);
    fd = open("/dev/zero", O_RDONLY);
    assert_sc_ok(scStorageVolUploadFD(v, fd, 0, 1 << 20, SC_STORAGE_VOL_UPLOAD_SPARSE_STREAM) == 0);
    close(fd);
    assert_true(file_is_all(f, "s.img", 0x00));
    assert_int_equal(stat_in(f, "s.img").st_size, 1 << 20);
    scStorageVolFree(v);
}

typedef struct {
    const char *catalog;
    bool done;
} RaceCtx;

/* From inside a refresh's scan, another connection creates a volume. */
static int
create_during_scan(scConnectPtr conn, const char *op, unsigned long long done,
                   unsigned long long total, void *opaque)
{
    RaceCtx *r = opaque;
    scConnectPtr other;
    scStoragePoolPtr p;
    scStorageVolPtr v;

    if (r->done || total != 0)
        return 0;
    r->done = true;
    other = scConnectOpenAuth(r->catalog, NULL, SC_CONNECT_CREATE);
    p = scStoragePoolLookupByName(other, "images");
    v = scStorageVolCreateXML(p, "<volume><name>newvol.img</name><capacity>4096</capacity>"
                                 "</volume>", 0);
    scStorageVolFree(v);
    scStoragePoolFree(p);
    scConnectClose(other);
    return 0;
}

/* A volume created while a refresh scans is not taken for gone. */
static void
test_review_create_during_refresh(void **state)
{
    Fixture *f = *state;
    RaceCtx race = { f->catalog, false };
    scStorageVolPtr v;

    for (int i = 0; i < 5000; i++) {
        char name[32];
        snprintf(name, sizeof(name), "r%04d.img", i);
        write_at(f, name, 0, 1, 1);
    }
    assert_sc_ok(scConnectSetProgressCallback(f->conn, create_during_scan, &race, NULL) == 0);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_sc_ok(scConnectSetProgressCallback(f->conn, NULL, NULL, NULL) == 0);
    assert_true(race.done);
    assert_sc_ok(v = scStorageVolLookupByName(f->pool, "newvol.img"));
    assert_int_equal(scStorageVolGetState(v), SC_STORAGE_VOL_STATE_PRESENT);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-missing'"), 0);
    scStorageVolFree(v);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 5001);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_pool_lifecycle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_raw, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_formats, setup, teardown),
        cmocka_unit_test_setup_teardown(test_prealloc_metadata, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clone_allocation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clone_resize_wipe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upload_download, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reconcile, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookup_by_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookup_by_path_readonly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookup_identity, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_planted_symlink, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kill_during_refresh, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refresh_many, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reconcile_spilled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refresh_keeps_references, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refresh_digest_after_concurrent_write, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_refresh_many_spilled, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kill_during_create, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_processes_create, setup, teardown),
        cmocka_unit_test_setup_teardown(test_create_failure_injection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_review_compat_overflow, setup, teardown),
        cmocka_unit_test_setup_teardown(test_review_failed_create_keeps_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_review_delete_failure_injection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_review_sparse_upload_overwrites, setup, teardown),
        cmocka_unit_test_setup_teardown(test_review_create_during_refresh, setup, teardown),
    };
    return cmocka_run_group_tests_name("volume", tests, NULL, NULL);
}
