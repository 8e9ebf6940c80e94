/*
 * test_logical.c: logical pools on real lvm2, on loop devices of image
 * files in a fresh directory: build on two PVs, start, sizes, the sources
 * of this host; create, resize, delete, clone and list volumes; LVs
 * created, removed and renamed behind storcat's back found by a refresh
 * or by a lookup of either path spelling; a refresh whose VG metadata did
 * not change runs no lvm2 command (shown with the VG's lock held); bad
 * input: names lvm2 refuses (refused before lvm2 runs), a device with a
 * file system, a full VG, a missing PV, a VG renamed behind storcat's
 * back, a concurrent lvm2 command holding the VG's lock, an LV creation
 * failing after lvcreate. Each leaves the catalog as it was.
 *
 * Where the kernel has no device-mapper (/dev/mapper/control does not
 * open), lvm2 is run with activation disabled (STORCAT_LVM_CONFIG=
 * 'global{activation=0}'), LVs have no device node, and the tests of the
 * data path (wipe, upload, download, the data of a clone) and of sparse
 * and thin LVs SKIP saying so. lvm2 is always told devices{use_devicesfile
 * =0}, so that a host with a devices file does not ignore the loop
 * devices, and backup{backup=0 archive=0}, so that the tests leave no
 * metadata copies in /etc/lvm. Not root, or no loop devices: every test
 * SKIPs with the reason.
 *
 * Other tests on this host use loop devices and lvm2 at the same time:
 * each fixture makes its own image files, attaches them with `losetup
 * --find --show` and detaches only the devices it was given, names its VG
 * with a random suffix, and removes VG, PVs and loop devices in its
 * teardown, which runs when a test fails too (and, for a killed run, from
 * atexit and a signal handler).
 */
#include <config.h>

#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "backends/common/lvmmeta.h"
#include "backends/logical_priv.h"

#define MAX_LOOPS 4
#define MIB       (1024ULL * 1024)

static const char *skip_reason; /* why nothing can run here, or NULL */
static bool have_dm;            /* the kernel can activate LVs */
static char lvm_config[128];    /* STORCAT_LVM_CONFIG, and the tests' own --config */

typedef struct {
    char *dir; /* the test's directory: images, catalog */
    char *images[MAX_LOOPS];
    char *loops[MAX_LOOPS]; /* the devices losetup gave us (NULL: detached) */
    size_t nloops;
    char vg[48];     /* unique */
    char vg_alt[64]; /* the name a test renames it to */
    char *catalog;
    char *devdir; /* a /dev/VG this test made, or NULL */
    int lockfd;   /* the VG's lvm2 lock this test holds, or -1 */
    scConnectPtr conn;
    scStoragePoolPtr pool;
} Fx;

static Fx *live[8]; /* for atexit and signals */

/* ---- running tools ------------------------------------------------------- */

/* An lvm2 tool with the tests' --config. */
#define LVM(out, prog, ...) RUN(out, prog, "--config", lvm_config, __VA_ARGS__)

/* The value of lvs/vgs/pvs field of one row, blanks trimmed, in @buf. */
static const char *
lvm_value(char *buf, size_t n, const char *prog, const char *field, const char *what)
{
    char *out = NULL;
    const char *p;
    size_t len;

    buf[0] = '\0';
    if (LVM(&out, (char *) prog, "--noheadings", "--units", "b", "--nosuffix", "-o", (char *) field,
            (char *) what) == 0 &&
        out) {
        for (p = out; *p == ' '; p++)
            ;
        len = strcspn(p, " \n");
        snprintf(buf, n, "%.*s", (int) len, p);
    }
    free(out);
    return buf;
}

static bool
lv_exists(const Fx *f, const char *lv)
{
    char full[128], buf[64];

    snprintf(full, sizeof(full), "%s/%s", f->vg, lv);
    return *lvm_value(buf, sizeof(buf), "lvs", "lv_name", full) != '\0';
}

/* ---- fixtures --------------------------------------------------------------- */

static void
cleanup(Fx *f)
{
    char *out = NULL;

    /* A lock a failed test still holds would stop lvm2 below for good. */
    if (f->lockfd >= 0) {
        close(f->lockfd);
        f->lockfd = -1;
    }
    if (f->devdir) {
        char link[600];
        snprintf(link, sizeof(link), "%s/ghost", f->devdir);
        unlink(link);
        rmdir(f->devdir);
        free(f->devdir);
        f->devdir = NULL;
    }

    for (int i = 0; i < 2; i++) {
        const char *vg = i ? f->vg_alt : f->vg;
        if (!*vg)
            continue;
        /* A VG that lost a PV goes only once the missing PV is dropped. */
        LVM(NULL, "vgreduce", "--removemissing", "--force", (char *) vg);
        LVM(NULL, "vgremove", "-ff", "-y", (char *) vg);
        /* The lock file a test made for its own VG. */
        char lock[128];
        snprintf(lock, sizeof(lock), "/run/lock/lvm/V_%s", vg);
        unlink(lock);
    }
    for (size_t i = 0; i < f->nloops; i++) {
        if (!f->loops[i])
            continue;
        LVM(NULL, "pvremove", "-ff", "-y", f->loops[i]);
        RUN(NULL, "losetup", "-d", f->loops[i]);
        free(f->loops[i]);
        f->loops[i] = NULL;
    }
    free(out);
}

static void
cleanup_all(void)
{
    for (size_t i = 0; i < SC_N_ELEMENTS(live); i++)
        if (live[i])
            cleanup(live[i]);
}

static void
on_signal(int sig)
{
    cleanup_all();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Attach image @i (of @size bytes, created if needed) to a loop device. */
static void
attach(Fx *f, size_t i, unsigned long long size)
{
    char *out = NULL;
    int fd;

    if (!f->images[i]) {
        assert_true(asprintf(&f->images[i], "%s/pv%zu.img", f->dir, i) > 0);
        assert_true((fd = open(f->images[i], O_RDWR | O_CREAT | O_TRUNC, 0600)) >= 0);
        assert_int_equal(ftruncate(fd, (off_t) size), 0);
        close(fd);
    }
    if (RUN(&out, "losetup", "--find", "--show", f->images[i]) != 0 || !out || out[0] != '/') {
        free(out);
        fail_msg("losetup --find --show %s failed", f->images[i]);
    }
    out[strcspn(out, "\n")] = '\0';
    f->loops[i] = out;
    if (i >= f->nloops)
        f->nloops = i + 1;
}

static void
detach(Fx *f, size_t i)
{
    char sys[PATH_MAX];

    assert_int_equal(RUN(NULL, "losetup", "-d", f->loops[i]), 0);
    /* A device another process has open (another test's lvm2 scanning
     * every loop device) is only marked to go at its last close, and
     * reads as before until then: wait until it is gone. */
    snprintf(sys, sizeof(sys), "/sys/block/%s/loop/backing_file", strrchr(f->loops[i], '/') + 1);
    for (int n = 0; n < 1000 && access(sys, F_OK) == 0; n++)
        usleep(10000);
    if (access(sys, F_OK) == 0)
        fail_msg("%s still attached 10 s after losetup -d", f->loops[i]);
    free(f->loops[i]);
    f->loops[i] = NULL;
}

/* A fixture with @nloops loop devices of @mib MiB, a catalog, and (when
 * @define) a logical pool of those devices defined on it. */
static Fx *
fx_new(const char *name, size_t nloops, unsigned int mib, bool define)
{
    Fx *f = calloc(1, sizeof(*f));
    unsigned int rnd;
    char *xml = NULL;
    size_t len = 0;
    FILE *x;

    assert_non_null(f);
    f->lockfd = -1;
    if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
        rnd = (unsigned int) time(NULL);
    snprintf(f->vg, sizeof(f->vg), "sctest_%d_%08x", (int) getpid(), rnd);
    assert_non_null(f->dir = testTmpDirMake(name));
    assert_true(asprintf(&f->catalog, "%s/catalog.db", f->dir) > 0);
    for (size_t i = 0; i < SC_N_ELEMENTS(live); i++)
        if (!live[i]) {
            live[i] = f;
            break;
        }
    for (size_t i = 0; i < nloops; i++)
        attach(f, i, mib * MIB);
    assert_sc_ok(f->conn = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE));
    if (!define)
        return f;
    assert_non_null(x = open_memstream(&xml, &len));
    fprintf(x, "<pool type='logical'><name>%s</name><source>", f->vg);
    for (size_t i = 0; i < nloops; i++)
        fprintf(x, "<device path='%s'/>", f->loops[i]);
    fprintf(x,
            "<name>%s</name><format type='lvm2'/></source><target><path>/dev/%s</path>"
            "</target></pool>",
            f->vg, f->vg);
    fclose(x);
    assert_sc_ok(f->pool = scStoragePoolDefineXML(f->conn, xml, 0));
    free(xml);
    return f;
}

/* Build and start the fixture's pool. */
static Fx *
fx_started(const char *name, size_t nloops, unsigned int mib)
{
    Fx *f = fx_new(name, nloops, mib, true);

    assert_sc_ok(scStoragePoolBuild(f->pool, 0) == 0);
    assert_sc_ok(scStoragePoolCreate(f->pool, 0) == 0);
    return f;
}

static int
fx_teardown(void **state)
{
    Fx *f = *state;

    /* What a failed test may have left in the environment. */
    unsetenv("STORCAT_LVM_TIMEOUT");
    setenv("STORCAT_LVM_CONFIG", lvm_config, 1);
    scLogicalFailAfterCreate = false;
    if (!f)
        return 0;
    if (f->pool)
        scStoragePoolFree(f->pool);
    if (f->conn)
        scConnectClose(f->conn);
    cleanup(f);
    for (size_t i = 0; i < SC_N_ELEMENTS(live); i++)
        if (live[i] == f)
            live[i] = NULL;
    for (size_t i = 0; i < MAX_LOOPS; i++)
        free(f->images[i]);
    testTmpDirRemove(f->dir);
    free(f->catalog);
    free(f);
    *state = NULL;
    return 0;
}

/* Each test starts here: SKIP with the reason when this host cannot. */
#define NEEDS_LVM()                                                                                \
 do {                                                                                              \
  if (skip_reason) {                                                                               \
   print_message("# SKIP: %s\n", skip_reason);                                                     \
   skip();                                                                                         \
  }                                                                                                \
 } while (0)

#define NEEDS_DM(what)                                                                             \
 do {                                                                                              \
  if (!have_dm) {                                                                                  \
   print_message("# SKIP: %s needs device-mapper, which this kernel does not have "                \
                 "('/dev/mapper/control' does not open): LVs have no device node "                 \
                 "and lvm2 refuses snapshot and thin LVs\n",                                       \
                 what);                                                                            \
   skip();                                                                                         \
  }                                                                                                \
 } while (0)

/* The catalog's volumes and events, to show one unchanged. */
static void
snapshot(const Fx *f, int *vols, int *events)
{
    *vols = testSqlInt(f->catalog, "SELECT count(*) FROM volumes");
    *events = testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action != 'pool-refresh'");
}

static void
assert_unchanged(const Fx *f, int vols, int events)
{
    /* A refresh's own event aside (libvirt's REFRESH: every refresh). */
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes"), vols);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action != 'pool-refresh'"),
                     events);
}

/* Hold the VG's lvm2 lock (/run/lock/lvm/V_VG), as another lvm2 command
 * would; the fixture releases it whatever happens. */
static void
lock_vg(Fx *f)
{
    char lock[256];

    snprintf(lock, sizeof(lock), "/run/lock/lvm/V_%s", f->vg);
    assert_true((f->lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) >= 0);
    assert_int_equal(flock(f->lockfd, LOCK_EX), 0);
}

static void
unlock_vg(Fx *f)
{
    close(f->lockfd);
    f->lockfd = -1;
}

static scStorageVolPtr
create(Fx *f, const char *name, unsigned long long bytes)
{
    char xml[256];
    scStorageVolPtr vol;

    snprintf(xml, sizeof(xml),
             "<volume><name>%s</name><capacity unit='B'>%llu</capacity>"
             "</volume>",
             name, bytes);
    assert_sc_ok(vol = scStorageVolCreateXML(f->pool, xml, 0));
    return vol;
}

static void
uuid_of(scStorageVolPtr vol, char *uuid)
{
    assert_sc_ok(scStorageVolGetUUIDString(vol, uuid) == 0);
}

static void
assert_has(const char *text, const char *part)
{
    if (!text || !strstr(text, part))
        fail_msg("'%s' not in:\n%s", part, text ? text : "(null)");
}

/* ---- the pool ---------------------------------------------------------------- */

static void
test_build_two_pvs(void **state)
{
    Fx *f;
    char buf[64], path[256], *xml;
    scStoragePoolInfo info;
    int active;

    NEEDS_LVM();
    *state = f = fx_new("logical-build", 2, 64, true);
    assert_sc_ok(scStoragePoolBuild(f->pool, 0) == 0);
    assert_string_equal(lvm_value(buf, sizeof(buf), "pvs", "vg_name", f->loops[0]), f->vg);
    assert_string_equal(lvm_value(buf, sizeof(buf), "pvs", "vg_name", f->loops[1]), f->vg);
    assert_sc_ok(scStoragePoolCreate(f->pool, 0) == 0);
    assert_sc_ok((active = scStoragePoolIsActive(f->pool)) == 1);

    /* The sizes are the VG's. */
    assert_sc_ok(scStoragePoolGetInfo(f->pool, &info) == 0);
    assert_int_equal(info.state, SC_STORAGE_POOL_RUNNING);
    assert_int_equal(info.capacity,
                     strtoull(lvm_value(buf, sizeof(buf), "vgs", "vg_size", f->vg), NULL, 10));
    assert_int_equal(info.available, info.capacity);
    assert_true(info.capacity > 100 * MIB);

    /* The XML is libvirt's for a logical pool. */
    assert_sc_ok(xml = scStoragePoolGetXMLDesc(f->pool, 0));
    snprintf(path, sizeof(path), "<device path='%s'/>", f->loops[1]);
    assert_has(xml, path);
    snprintf(path, sizeof(path), "<name>%s</name>\n    <format type='lvm2'/>", f->vg);
    assert_has(xml, path);
    snprintf(path, sizeof(path), "<path>/dev/%s</path>", f->vg);
    assert_has(xml, path);
    free(xml);

    /* This host's sources list the VG with both PVs (in pvs's order, by
     * name: /dev/loop10 before /dev/loop9), and nothing else in its
     * <source>; other tests' VGs may be listed too. */
    assert_sc_ok(xml = scConnectFindStoragePoolSources(f->conn, "logical", NULL, 0));
    assert_true(strncmp(xml, "<sources>\n", 10) == 0);
    snprintf(path, sizeof(path), "<name>%s</name>\n    <format type='lvm2'/>\n  </source>", f->vg);
    assert_has(xml, path);
    {
        char *end = strstr(xml, path), *start = end, want[160];
        while (start > xml && strncmp(start, "<source>", 8) != 0)
            start--;
        *end = '\0';
        for (int i = 0; i < 2; i++) {
            snprintf(want, sizeof(want), "\n    <device path='%s'/>\n", f->loops[i]);
            assert_has(start, want);
        }
        assert_int_equal(strlen(start), strlen("<source>\n    ") + strlen(f->loops[0]) +
                                             strlen(f->loops[1]) + 2 * strlen("<device path=''/>\n    "));
    }
    free(xml);

    /* Built already: the devices carry PVs, refused without overwrite. */
    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    assert_sc_err(scStoragePoolBuild(f->pool, 0) == 0, SC_ERR_OPERATION_INVALID);
    assert_has(scGetLastErrorMessage(), "'LVM2_member' signature (an LVM physical volume)");
    assert_has(scGetLastErrorMessage(), f->loops[0]);

    /* Delete: the VG and the PVs go. */
    assert_sc_ok(scStoragePoolDelete(f->pool, 0) == 0);
    assert_string_equal(lvm_value(buf, sizeof(buf), "vgs", "vg_name", f->vg), "");
    assert_int_not_equal(LVM(NULL, "pvs", f->loops[0]), 0);
    /* Start without a VG: clear, and the pool stays inactive. */
    assert_sc_err(scStoragePoolCreate(f->pool, 0) == 0, SC_ERR_OPERATION_FAILED);
    assert_has(scGetLastErrorMessage(), "not found (build the pool first?)");
    assert_int_equal(scStoragePoolIsActive(f->pool), 0);
    /* Build with a start, then delete again. */
    assert_sc_ok(scStoragePoolCreate(f->pool, SC_STORAGE_POOL_CREATE_WITH_BUILD) == 0);
    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    assert_sc_ok(scStoragePoolDelete(f->pool, 0) == 0);
}

/* Without device-mapper and without STORCAT_LVM_CONFIG, start and stop
 * say so and how to go on. */
static void
test_no_device_mapper(void **state)
{
    Fx *f;

    NEEDS_LVM();
    if (have_dm) {
        print_message("# SKIP: this kernel has device-mapper: nothing to refuse\n");
        skip();
    }
    *state = f = fx_started("logical-nodm", 1, 32);
    unsetenv("STORCAT_LVM_CONFIG");
    assert_sc_err(scStoragePoolDestroy(f->pool) == 0, SC_ERR_OPERATION_UNSUPPORTED);
    assert_has(scGetLastErrorMessage(), "the kernel has no device-mapper");
    assert_has(scGetLastErrorMessage(), "STORCAT_LVM_CONFIG='global{activation=0}'");
    assert_int_equal(scStoragePoolIsActive(f->pool), 1);
    setenv("STORCAT_LVM_CONFIG", lvm_config, 1);
    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    unsetenv("STORCAT_LVM_CONFIG");
    assert_sc_err(scStoragePoolCreate(f->pool, 0) == 0, SC_ERR_OPERATION_UNSUPPORTED);
    assert_has(scGetLastErrorMessage(), "cannot start volume group");
    assert_int_equal(scStoragePoolIsActive(f->pool), 0);
    setenv("STORCAT_LVM_CONFIG", lvm_config, 1);
}

/* ---- volumes ------------------------------------------------------------------ */

static void
test_volumes(void **state)
{
    Fx *f;
    scStorageVolPtr vol, *vols = NULL;
    scStorageVolInfo info;
    char buf[64], uuid[SC_UUID_STRING_BUFLEN], part[256], *xml, *path;
    unsigned long long extent;
    int n;

    NEEDS_LVM();
    *state = f = fx_started("logical-volumes", 2, 64);
    extent = strtoull(lvm_value(buf, sizeof(buf), "vgs", "vg_extent_size", f->vg), NULL, 10);
    assert_true(extent > 0);

    vol = create(f, "disk-1", 10 * MIB);
    /* lvm2 rounds the size up to whole extents. */
    assert_sc_ok(scStorageVolGetInfo(vol, &info) == 0);
    assert_int_equal(info.type, SC_STORAGE_VOL_BLOCK);
    assert_int_equal(info.capacity, (10 * MIB + extent - 1) / extent * extent);
    assert_int_equal(info.allocation, info.capacity);
    snprintf(part, sizeof(part), "%s/disk-1", f->vg);
    assert_string_equal(scStorageVolGetKey(vol),
                        lvm_value(buf, sizeof(buf), "lvs", "lv_uuid", part));
    assert_sc_ok(path = scStorageVolGetPath(vol));
    snprintf(part, sizeof(part), "/dev/%s/disk-1", f->vg);
    assert_string_equal(path, part);
    free(path);

    /* The XML: block, the LV UUID as key, the extents, no <format>. */
    assert_sc_ok(xml = scStorageVolGetXMLDesc(vol, 0));
    assert_true(strncmp(xml, "<volume type='block'>\n  <name>disk-1</name>\n  <key>", 51) == 0);
    snprintf(part, sizeof(part),
             "<key>%s</key>\n  <source>\n    <device path='%s'>\n"
             "      <extent start='0' end='%llu'/>\n    </device>\n  </source>",
             scStorageVolGetKey(vol), f->loops[0], info.capacity);
    assert_has(xml, part);
    assert_null(strstr(xml, "<format"));
    free(xml);

    /* Resize: grow; shrink only when asked. */
    assert_sc_ok(scStorageVolResize(vol, 20 * MIB, 0) == 0);
    assert_sc_ok(scStorageVolGetInfo(vol, &info) == 0);
    assert_int_equal(info.capacity, 20 * MIB);
    snprintf(part, sizeof(part), "%s/disk-1", f->vg);
    assert_int_equal(strtoull(lvm_value(buf, sizeof(buf), "lvs", "lv_size", part), NULL, 10),
                     20 * MIB);
    assert_sc_err(scStorageVolResize(vol, 8 * MIB, 0) == 0, SC_ERR_INVALID_ARG);
    assert_has(scGetLastErrorMessage(), "pass the shrink flag");
    assert_sc_ok(scStorageVolResize(vol, 8 * MIB, SC_STORAGE_VOL_RESIZE_SHRINK) == 0);
    assert_int_equal(strtoull(lvm_value(buf, sizeof(buf), "lvs", "lv_size", part), NULL, 10),
                     8 * MIB);

    /* List. */
    scStorageVolFree(create(f, "disk-2", 4 * MIB));
    assert_int_equal(n = scStoragePoolListAllVolumes(f->pool, &vols, 0), 2);
    assert_string_equal(scStorageVolGetName(vols[0]), "disk-1");
    assert_string_equal(scStorageVolGetName(vols[1]), "disk-2");
    for (int i = 0; i < n; i++)
        scStorageVolFree(vols[i]);
    free(vols);
    /* The pool's sizes follow at the next refresh. */
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_sc_ok(scStoragePoolGetInfo(f->pool, &(scStoragePoolInfo){ 0 }) == 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT allocation FROM pools"), 12 * MIB);

    /* Delete. */
    uuid_of(vol, uuid);
    assert_sc_ok(scStorageVolDelete(vol, 0) == 0);
    assert_false(lv_exists(f, "disk-1"));
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 1);
    scStorageVolFree(vol);
    /* The same name again is a new volume. */
    vol = create(f, "disk-1", 4 * MIB);
    assert_true(lv_exists(f, "disk-1"));
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-create'"), 3);
    scStorageVolFree(vol);
}

/* lvcreate, lvremove and lvrename behind storcat's back: found by a
 * refresh; a rename keeps the volume's UUID. */
static void
test_behind_back(void **state)
{
    Fx *f;
    scStorageVolPtr vol;
    char a[SC_UUID_STRING_BUFLEN], b[SC_UUID_STRING_BUFLEN];

    NEEDS_LVM();
    *state = f = fx_started("logical-behind", 1, 64);
    assert_int_equal(LVM(NULL, "lvcreate", "-n", "outside", "-L", "4M", f->vg, "--yes"), 0);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_sc_ok(vol = scStorageVolLookupByName(f->pool, "outside"));
    uuid_of(vol, a);
    scStorageVolFree(vol);

    assert_int_equal(LVM(NULL, "lvrename", f->vg, "outside", "renamed"), 0);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_sc_err(scStorageVolLookupByName(f->pool, "outside"), SC_ERR_NO_STORAGE_VOL);
    assert_sc_ok(vol = scStorageVolLookupByName(f->pool, "renamed"));
    uuid_of(vol, b);
    assert_string_equal(a, b);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-renamed' AND"
                                " detail = 'renamed from ''outside'''"),
                     1);

    assert_int_equal(LVM(NULL, "lvremove", "-f", f->vg), 0);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(scStorageVolGetState(vol), SC_STORAGE_VOL_STATE_MISSING);
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 0);
    scStorageVolFree(vol);
}

/* /dev/VG/LV and /dev/mapper/VG-LV (dashes doubled) find one volume; an
 * LV made or renamed behind storcat's back is checked on the spot. */
static void
test_lookups(void **state)
{
    Fx *f;
    scStorageVolPtr vol, other;
    char a[SC_UUID_STRING_BUFLEN], b[SC_UUID_STRING_BUFLEN], path[256], *dm;

    NEEDS_LVM();
    *state = f = fx_started("logical-lookup", 1, 64);
    vol = create(f, "my-disk", 4 * MIB);
    uuid_of(vol, a);
    snprintf(path, sizeof(path), "/dev/%s/my-disk", f->vg);
    assert_sc_ok(other = scStorageVolLookupByPath(f->conn, path));
    uuid_of(other, b);
    assert_string_equal(a, b);
    scStorageVolFree(other);
    assert_non_null(dm = scLvmDmName(f->vg, "my-disk"));
    snprintf(path, sizeof(path), "/dev/mapper/%s", dm);
    free(dm);
    assert_sc_ok(other = scStorageVolLookupByPath(f->conn, path));
    uuid_of(other, b);
    assert_string_equal(a, b);
    scStorageVolFree(other);
    snprintf(path, sizeof(path), "/dev//mapper/./%s-my--disk", f->vg);
    assert_sc_ok(other = scStorageVolLookupByPath(f->conn, path));
    scStorageVolFree(other);
    assert_sc_ok(other = scStorageVolLookupByKey(f->conn, scStorageVolGetKey(vol)));
    scStorageVolFree(other);

    /* Made behind storcat's back: a lookup of either path checks that
     * one LV and records it. */
    assert_int_equal(LVM(NULL, "lvcreate", "-n", "late-lv", "-L", "4M", f->vg, "--yes"), 0);
    snprintf(path, sizeof(path), "/dev/mapper/%s-late--lv", f->vg);
    assert_sc_ok(other = scStorageVolLookupByPath(f->conn, path));
    assert_string_equal(scStorageVolGetName(other), "late-lv");
    scStorageVolFree(other);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-discovered'"), 1);
    /* Renamed behind its back: found by its new path, same UUID. */
    assert_int_equal(LVM(NULL, "lvrename", f->vg, "my-disk", "your-disk"), 0);
    snprintf(path, sizeof(path), "/dev/%s/your-disk", f->vg);
    assert_sc_ok(other = scStorageVolLookupByPath(f->conn, path));
    uuid_of(other, b);
    assert_string_equal(a, b);
    assert_string_equal(scStorageVolGetName(other), "your-disk");
    scStorageVolFree(other);
    /* No such LV, and a /dev/mapper name of another VG or a layer. */
    snprintf(path, sizeof(path), "/dev/%s/nothere", f->vg);
    assert_sc_err(scStorageVolLookupByPath(f->conn, path), SC_ERR_NO_STORAGE_VOL);
    snprintf(path, sizeof(path), "/dev/mapper/%s-your--disk-real", f->vg);
    assert_sc_err(scStorageVolLookupByPath(f->conn, path), SC_ERR_NO_STORAGE_VOL);
    scStorageVolFree(vol);
}

/* A volume path that is a symlink (as /dev/VG/LV is, to /dev/dm-N) whose
 * target lies in no pool's directory: a lookup that misses checks the
 * spelling given. With device-mapper, test_lookups shows it on real nodes;
 * without, lvm2 makes no /dev/VG, so the test makes the one lvm2 would
 * (named after its own VG, removed in its teardown), its LV's node a
 * symlink to a file of its directory. */
static void
test_lookup_symlink(void **state)
{
    Fx *f = NULL;
    char link[600], dest[600];
    scStorageVolPtr vol;

    NEEDS_LVM();
    if (have_dm) {
        print_message("# SKIP: with device-mapper, test_lookups looks up real device nodes\n");
        skip();
    }
    *state = f = fx_started("logical-symlink", 1, 32);
    assert_true(asprintf(&f->devdir, "/dev/%s", f->vg) > 0);
    assert_int_equal(mkdir(f->devdir, 0755), 0);
    assert_int_equal(LVM(NULL, "lvcreate", "-n", "ghost", "-L", "4M", f->vg, "--yes"), 0);
    snprintf(link, sizeof(link), "%s/ghost", f->devdir);
    snprintf(dest, sizeof(dest), "%s/dm-ghost", f->dir);
    assert_int_equal(close(open(dest, O_CREAT | O_WRONLY, 0600)), 0);
    assert_int_equal(symlink(dest, link), 0);
    assert_sc_ok(vol = scStorageVolLookupByPath(f->conn, link));
    assert_string_equal(scStorageVolGetName(vol), "ghost");
    scStorageVolFree(vol);
}

/* ---- bad input and faults ------------------------------------------------------ */

/* lvm2's name rules, before lvm2 runs: with the VG's lock held by another
 * "command", a name lvm2 would refuse is refused at once. */
static void
test_bad_names(void **state)
{
    static const char *const names[] = { "a b", "-lead", "snapshot1", "x_tmeta", "a:b" };
    Fx *f;
    char xml[512], name[160];
    int vols, events;

    NEEDS_LVM();
    *state = f = fx_started("logical-names", 1, 32);
    snapshot(f, &vols, &events);
    lock_vg(f);
    for (size_t i = 0; i < SC_N_ELEMENTS(names) + 1; i++) {
        time_t t0 = time(NULL);
        if (i < SC_N_ELEMENTS(names)) {
            snprintf(name, sizeof(name), "%s", names[i]);
        } else {
            memset(name, 'n', 125);
            name[125] = '\0';
        }
        snprintf(xml, sizeof(xml), "<volume><name>%s</name><capacity>4194304</capacity></volume>",
                 name);
        assert_sc_err(scStorageVolCreateXML(f->pool, xml, 0), SC_ERR_INVALID_ARG);
        assert_has(scGetLastErrorMessage(), "lvm2 refuses this name");
        assert_has(scGetLastErrorMessage(), "lvm2's names hold only letters, digits");
        assert_true(time(NULL) - t0 < 2);
    }
    unlock_vg(f);
    assert_unchanged(f, vols, events);
    /* ".." is refused by storcat itself, as every volume name. */
    assert_sc_err(scStorageVolCreateXML(f->pool,
                                        "<volume><name>..</name><capacity>1</capacity>"
                                        "</volume>",
                                        0),
                  SC_ERR_XML_ERROR);
    /* A VG name lvm2 refuses: build says why. */
    scStoragePoolPtr bad = scStoragePoolDefineXML(
        f->conn,
        "<pool type='logical'><name>badvg</name>"
        "<source><device path='/dev/null'/><name>bad vg</name></source></pool>",
        0);
    assert_sc_ok(bad);
    assert_sc_err(scStoragePoolBuild(bad, 0) == 0, SC_ERR_INVALID_ARG);
    assert_has(scGetLastErrorMessage(), "volume group 'bad vg': lvm2 refuses this name");
    assert_sc_ok(scStoragePoolUndefine(bad) == 0);
    scStoragePoolFree(bad);
    /* A device that is not there (any more): build says which. */
    assert_sc_ok(bad = scStoragePoolDefineXML(
                     f->conn,
                     "<pool type='logical'><name>gonevg</name>"
                     "<source><device path='/dev/storcat-test-vanished'/></source></pool>",
                     0));
    assert_sc_err(scStoragePoolBuild(bad, 0) == 0, SC_ERR_SYSTEM_ERROR);
    assert_has(scGetLastErrorMessage(), "device '/dev/storcat-test-vanished'");
    assert_has(scGetLastErrorMessage(), "No such file or directory");
    assert_sc_ok(scStoragePoolUndefine(bad) == 0);
    scStoragePoolFree(bad);
}

/* A device with a file system is refused, naming it and what libblkid
 * found, unless asked to overwrite. */
static void
test_signature(void **state)
{
    Fx *f;
    char buf[64];

    NEEDS_LVM();
    if (access("/sbin/mkfs.ext4", X_OK) != 0 && access("/usr/sbin/mkfs.ext4", X_OK) != 0) {
        print_message("# SKIP: no mkfs.ext4 (e2fsprogs) to make a file system\n");
        skip();
    }
    *state = f = fx_new("logical-signature", 2, 32, true);
    assert_int_equal(RUN(NULL, "mkfs.ext4", "-q", "-F", f->loops[1]), 0);
    assert_sc_err(scStoragePoolBuild(f->pool, 0) == 0, SC_ERR_OPERATION_INVALID);
    assert_has(scGetLastErrorMessage(), f->loops[1]);
    assert_has(scGetLastErrorMessage(), "a 'ext4' file system");
    assert_has(scGetLastErrorMessage(), "overwrite");
    /* Nothing was touched: neither device is a PV. */
    assert_string_equal(lvm_value(buf, sizeof(buf), "pvs", "pv_name", f->loops[0]), "");
    assert_int_equal(RUN(NULL, "blkid", "-p", "-s", "TYPE", f->loops[1]), 0);
    assert_sc_err(scStoragePoolBuild(f->pool, SC_STORAGE_POOL_BUILD_NO_OVERWRITE) == 0,
                  SC_ERR_OPERATION_INVALID);
    assert_sc_ok(scStoragePoolBuild(f->pool, SC_STORAGE_POOL_BUILD_OVERWRITE) == 0);
    assert_string_equal(lvm_value(buf, sizeof(buf), "pvs", "vg_name", f->loops[1]), f->vg);
}

static void
test_vg_full(void **state)
{
    Fx *f;
    int vols, events;

    NEEDS_LVM();
    *state = f = fx_started("logical-full", 1, 32);
    snapshot(f, &vols, &events);
    assert_sc_err(scStorageVolCreateXML(f->pool,
                                        "<volume><name>huge</name>"
                                        "<capacity unit='M'>64</capacity></volume>",
                                        0),
                  SC_ERR_OPERATION_FAILED);
    assert_has(scGetLastErrorMessage(), "cannot create volume 'huge'");
    assert_has(scGetLastErrorMessage(), "insufficient free space");
    assert_false(lv_exists(f, "huge"));
    assert_unchanged(f, vols, events);
    scStorageVolFree(create(f, "fits", 8 * MIB));
}

/* A PV that vanishes: a refresh fails saying so, and records nothing. */
static void
test_pv_missing(void **state)
{
    Fx *f;
    scStorageVolPtr vol;
    int vols, events;

    NEEDS_LVM();
    *state = f = fx_started("logical-missing", 2, 32);
    /* An LV on each PV. */
    scStorageVolFree(create(f, "first", 24 * MIB));
    vol = create(f, "second", 24 * MIB);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    snapshot(f, &vols, &events);
    detach(f, 1);
    assert_sc_err(scStoragePoolRefresh(f->pool, 0) == 0, SC_ERR_OPERATION_FAILED);
    assert_has(scGetLastErrorMessage(), "is missing 1 physical volume(s)");
    assert_has(scGetLastErrorMessage(), "vgreduce --removemissing");
    assert_unchanged(f, vols, events);
    assert_int_equal(scStorageVolGetState(vol), SC_STORAGE_VOL_STATE_PRESENT);
    /* Creating in a VG that misses a PV: lvm2 refuses, nothing recorded. */
    assert_sc_err(scStorageVolCreateXML(f->pool,
                                        "<volume><name>more</name><capacity>4194304"
                                        "</capacity></volume>",
                                        0),
                  SC_ERR_OPERATION_FAILED);
    assert_unchanged(f, vols, events);
    /* Back (perhaps on another loop device): all is well again. */
    attach(f, 1, 32 * MIB);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 2);
    scStorageVolFree(vol);
}

/* A VG renamed behind storcat's back: a refresh says to what. */
static void
test_vg_renamed(void **state)
{
    Fx *f;
    int vols, events;

    NEEDS_LVM();
    *state = f = fx_started("logical-renamed", 1, 32);
    scStorageVolFree(create(f, "lv", 4 * MIB));
    snapshot(f, &vols, &events);
    snprintf(f->vg_alt, sizeof(f->vg_alt), "%.40s_new", f->vg);
    assert_int_equal(LVM(NULL, "vgrename", f->vg, f->vg_alt), 0);
    assert_sc_err(scStoragePoolRefresh(f->pool, 0) == 0, SC_ERR_OPERATION_FAILED);
    assert_has(scGetLastErrorMessage(), "was renamed to");
    assert_has(scGetLastErrorMessage(), f->vg_alt);
    assert_unchanged(f, vols, events);
    assert_int_equal(LVM(NULL, "vgrename", f->vg_alt, f->vg), 0);
    f->vg_alt[0] = '\0';
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 1);
}

/* Another lvm2 command holds the VG's lock: storcat waits within its
 * timeout, then fails saying so; nothing is made or recorded. A refresh
 * of unchanged metadata runs no lvm2 command: the lock does not stop it. */
static void
test_lock_held(void **state)
{
    Fx *f;
    int vols, events;
    time_t t0;

    NEEDS_LVM();
    *state = f = fx_started("logical-lock", 1, 32);
    scStorageVolFree(create(f, "before", 4 * MIB));
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    snapshot(f, &vols, &events);
    lock_vg(f);
    setenv("STORCAT_LVM_TIMEOUT", "2", 1);

    t0 = time(NULL);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_true(time(NULL) - t0 < 2);
    assert_sc_err(scStorageVolCreateXML(f->pool,
                                        "<volume><name>blocked</name><capacity>4194304"
                                        "</capacity></volume>",
                                        0),
                  SC_ERR_OPERATION_FAILED);
    assert_has(scGetLastErrorMessage(), "did not finish within 2 s");
    assert_has(scGetLastErrorMessage(), "lock");
    assert_true(time(NULL) - t0 >= 2 && time(NULL) - t0 < 30);

    unsetenv("STORCAT_LVM_TIMEOUT");
    unlock_vg(f);
    assert_false(lv_exists(f, "blocked"));
    assert_unchanged(f, vols, events);
}

/* lvcreate succeeded, the rest of the creation failed: no LV is left. */
static void
test_create_halfway(void **state)
{
    Fx *f;
    int vols, events;

    NEEDS_LVM();
    *state = f = fx_started("logical-halfway", 1, 32);
    snapshot(f, &vols, &events);
    scLogicalFailAfterCreate = true;
    assert_sc_err(scStorageVolCreateXML(f->pool,
                                        "<volume><name>half</name><capacity>4194304"
                                        "</capacity></volume>",
                                        0),
                  SC_ERR_OPERATION_FAILED);
    scLogicalFailAfterCreate = false;
    assert_has(scGetLastErrorMessage(), "failure injected after lvcreate");
    assert_false(lv_exists(f, "half"));
    assert_unchanged(f, vols, events);
    scStorageVolFree(create(f, "half", 4 * MIB));
}

/* The change token is the metadata read from a PV: lvm2's own seqno. */
static void
test_disk_seqno(void **state)
{
    Fx *f;
    scLvmPvMeta meta;
    const char *why = NULL;
    char buf[64];

    NEEDS_LVM();
    *state = f = fx_started("logical-seqno", 2, 32);
    for (int i = 0; i < 3; i++) {
        char name[16];
        snprintf(name, sizeof(name), "lv%d", i);
        assert_int_equal(LVM(NULL, "lvcreate", "-n", name, "-L", "4M", f->vg, "--yes"), 0);
        for (size_t d = 0; d < 2; d++) {
            assert_int_equal(scLvmMetaReadDevice(f->loops[d], &meta, &why), 1);
            assert_string_equal(meta.vg_name, f->vg);
            assert_int_equal(
                meta.seqno,
                strtoull(lvm_value(buf, sizeof(buf), "vgs", "vg_seqno", f->vg), NULL, 10));
            assert_string_equal(meta.vg_id, lvm_value(buf, sizeof(buf), "vgs", "vg_uuid", f->vg));
            assert_true(scLvmUuidEqual(lvm_value(buf, sizeof(buf), "pvs", "pv_uuid", f->loops[d]),
                                       meta.pv_uuid));
        }
    }
    /* A refresh sees them; the next, unchanged, keeps the sizes. */
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 3);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT allocation FROM pools"), 12 * MIB);
}

/* Without device nodes there is no data to clone: refused before any LV
 * is made. */
static void
test_clone_without_dm(void **state)
{
    Fx *f;
    scStorageVolPtr src;
    int vols, events;

    NEEDS_LVM();
    if (have_dm) {
        print_message("# SKIP: this kernel has device-mapper: test_data_path clones\n");
        skip();
    }
    *state = f = fx_started("logical-clone", 1, 32);
    src = create(f, "src", 4 * MIB);
    snapshot(f, &vols, &events);
    assert_sc_err(scStorageVolCreateXMLFrom(f->pool, "<volume><name>copy</name></volume>", src, 0),
                  SC_ERR_OPERATION_UNSUPPORTED);
    assert_has(scGetLastErrorMessage(), "no device nodes");
    assert_false(lv_exists(f, "copy"));
    assert_unchanged(f, vols, events);
    scStorageVolFree(src);
}

/* ---- where device-mapper exists ---------------------------------------------- */

static void
fill_file(const char *path, size_t len, unsigned char seed)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    unsigned char buf[4096];

    assert_true(fd >= 0);
    for (size_t done = 0; done < len; done += sizeof(buf)) {
        for (size_t i = 0; i < sizeof(buf); i++)
            buf[i] = (unsigned char) (seed + done / 4096 + i * 7);
        assert_int_equal(write(fd, buf, sizeof(buf)), sizeof(buf));
    }
    close(fd);
}

static bool
same_prefix(const char *a, const char *b, size_t len)
{
    FILE *fa = fopen(a, "rb"), *fb = fopen(b, "rb");
    bool same = fa && fb;

    for (size_t i = 0; same && i < len; i++)
        same = fgetc(fa) == fgetc(fb);
    if (fa)
        fclose(fa);
    if (fb)
        fclose(fb);
    return same;
}

static void
test_data_path(void **state)
{
    Fx *f;
    scStorageVolPtr vol, copy;
    char in[512], out[512];
    int fd;

    NEEDS_LVM();
    NEEDS_DM("the data path (wipe, upload, download, clone data)");
    *state = f = fx_started("logical-data", 1, 64);
    vol = create(f, "data", 8 * MIB);
    snprintf(in, sizeof(in), "%s/in.bin", f->dir);
    snprintf(out, sizeof(out), "%s/out.bin", f->dir);
    fill_file(in, 8 * MIB, 3);
    assert_true((fd = open(in, O_RDONLY)) >= 0);
    assert_sc_ok(scStorageVolUploadFD(vol, fd, 0, 0, 0) == 0);
    close(fd);
    assert_true((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600)) >= 0);
    assert_sc_ok(scStorageVolDownloadFD(vol, fd, 0, 0, 0) == 0);
    close(fd);
    assert_true(same_prefix(in, out, 8 * MIB));

    /* A clone into a new LV has the data. */
    assert_sc_ok(
        copy = scStorageVolCreateXMLFrom(f->pool, "<volume><name>copy</name></volume>", vol, 0));
    assert_true((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600)) >= 0);
    assert_sc_ok(scStorageVolDownloadFD(copy, fd, 0, 0, 0) == 0);
    close(fd);
    assert_true(same_prefix(in, out, 8 * MIB));

    /* From and to a dir pool: a qcow2 image converted into an LV, an LV
     * into a qcow2 image, the data kept both ways. */
    char images[512], *xml;
    scStoragePoolPtr dirpool;
    scStorageVolPtr img, back;
    snprintf(images, sizeof(images), "%s/images", f->dir);
    assert_true(asprintf(&xml,
                         "<pool type='dir'><name>images</name><target><path>%s</path>"
                         "</target></pool>",
                         images) > 0);
    assert_sc_ok(dirpool = scStoragePoolDefineXML(f->conn, xml, 0));
    free(xml);
    assert_sc_ok(scStoragePoolCreate(dirpool, SC_STORAGE_POOL_CREATE_WITH_BUILD) == 0);
    assert_sc_ok(img = scStorageVolCreateXMLFrom(dirpool,
                                                 "<volume><name>img.qcow2</name>"
                                                 "<target><format type='qcow2'/></target></volume>",
                                                 vol, 0));
    assert_sc_ok(
        back = scStorageVolCreateXMLFrom(f->pool, "<volume><name>back</name></volume>", img, 0));
    assert_true((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600)) >= 0);
    assert_sc_ok(scStorageVolDownloadFD(back, fd, 0, 0, 0) == 0);
    close(fd);
    assert_true(same_prefix(in, out, 8 * MIB));
    scStorageVolFree(back);
    scStorageVolFree(img);
    scStoragePoolFree(dirpool);

    /* Wipes, each algorithm. */
    for (unsigned int alg = 0; alg < SC_STORAGE_VOL_WIPE_ALG_LAST; alg++) {
        if (alg == SC_STORAGE_VOL_WIPE_ALG_GUTMANN || alg == SC_STORAGE_VOL_WIPE_ALG_PFITZNER33)
            continue; /* the same passes, many more of them */
        if (scStorageVolWipePattern(copy, alg, 0) < 0 && alg == SC_STORAGE_VOL_WIPE_ALG_TRIM)
            continue; /* a device may not discard */
        assert_sc_ok(scStorageVolGetState(copy) == SC_STORAGE_VOL_STATE_PRESENT);
    }
    assert_sc_ok(scStorageVolWipe(copy, 0) == 0);
    assert_true((fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600)) >= 0);
    assert_sc_ok(scStorageVolDownloadFD(copy, fd, 0, 0, 0) == 0);
    close(fd);
    assert_sc_ok(scStorageVolDelete(copy, SC_STORAGE_VOL_DELETE_ZEROED) == 0);
    scStorageVolFree(copy);
    scStorageVolFree(vol);
}

static void
test_sparse_thin(void **state)
{
    Fx *f;
    scStorageVolPtr vol;
    scStorageVolInfo info;
    char *xml;

    NEEDS_LVM();
    NEEDS_DM("a sparse (snapshot) or thin LV");
    *state = f = fx_started("logical-sparse", 1, 64);
    assert_sc_ok(vol = scStorageVolCreateXML(
                     f->pool,
                     "<volume><name>sparse</name>"
                     "<capacity unit='G'>1</capacity><allocation unit='M'>4</allocation></volume>",
                     0));
    assert_sc_ok(scStorageVolGetInfo(vol, &info) == 0);
    assert_int_equal(info.capacity, 1024 * MIB);
    assert_true(info.allocation < info.capacity);
    assert_sc_err(scStorageVolWipe(vol, 0) == 0, SC_ERR_OPERATION_UNSUPPORTED);
    assert_sc_ok(xml = scStorageVolGetXMLDesc(vol, 0));
    assert_null(strstr(xml, "<backingStore>"));
    free(xml);
    scStorageVolFree(vol);
    /* Thin pools and thin volumes are no volumes (as in libvirt). */
    assert_int_equal(
        LVM(NULL, "lvcreate", "--type", "thin-pool", "-n", "tp", "-L", "8M", f->vg, "--yes"), 0);
    assert_int_equal(LVM(NULL, "lvcreate", "--type", "thin", "-n", "thinvol", "-V", "64M",
                         "--thinpool", "tp", f->vg, "--yes"),
                     0);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 1);
}

/* ---- the group ------------------------------------------------------------------- */

static bool
program_exists(const char *name)
{
    return access(name, X_OK) == 0;
}

static int
group_setup(void **state)
{
    int fd = open("/dev/mapper/control", O_RDWR | O_CLOEXEC);

    (void) state;
    have_dm = fd >= 0;
    if (fd >= 0)
        close(fd);
    snprintf(lvm_config, sizeof(lvm_config), "%sdevices{use_devicesfile=0} backup{backup=0 archive=0}",
             have_dm ? "" : "global{activation=0} ");
    setenv("STORCAT_LVM_CONFIG", lvm_config, 1);
    setenv("LVM_SUPPRESS_FD_WARNINGS", "1", 1);
    if (geteuid() != 0)
        skip_reason = "not root: lvm2 and loop devices need root";
    else if (access("/dev/loop-control", F_OK) != 0)
        skip_reason = "no loop devices (/dev/loop-control is missing)";
    else if (!program_exists(LVS) || !program_exists(LVCREATE) || !program_exists(VGCREATE))
        skip_reason = "lvm2 is not installed (apt-get install lvm2)";
    else if (RUN(NULL, "losetup", "--version") != 0)
        skip_reason = "no losetup (util-linux)";
    if (!skip_reason) {
        atexit(cleanup_all);
        signal(SIGINT, on_signal);
        signal(SIGTERM, on_signal);
        signal(SIGHUP, on_signal);
    }
    if (!have_dm)
        print_message("# no device-mapper here: lvm2 runs with '%s'\n", lvm_config);
    return 0;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, NULL, fx_teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_build_two_pvs),  T(test_no_device_mapper), T(test_volumes),
        T(test_behind_back),    T(test_lookups),          T(test_lookup_symlink),
        T(test_bad_names),      T(test_signature),        T(test_vg_full),
        T(test_pv_missing),     T(test_vg_renamed),       T(test_lock_held),
        T(test_create_halfway), T(test_disk_seqno),       T(test_clone_without_dm),
        T(test_data_path),      T(test_sparse_thin),
    };

    return cmocka_run_group_tests_name("logical", tests, group_setup, NULL);
}
