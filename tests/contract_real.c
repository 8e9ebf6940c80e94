/*
 * contract_real.c: the block storage targets of the contract tests
 * (tests/test_contract.c): a logical pool on a VG of the test's own, a
 * disk pool with a GPT and an fs pool on ext4, each on a loop device over
 * a sparse image file in the test's directory, changed and compared
 * behind storcat's back with the real tools (lvm2; libfdisk and BLKPG, as
 * partx, for partitions; the files of the mounted file system as a dir
 * pool's).
 *
 * Other tests on this host use loop devices and lvm2 at the same time:
 * a fixture attaches its image with `losetup --find --show`, names its VG
 * with the pid and a random suffix, and removes only what it made: VG,
 * PV, the kernel's partitions and the loop device, in its teardown (which
 * runs when a test fails too), from atexit, on the termination signals
 * and from a sanitizer's death callback.
 *
 * Where the kernel has no device-mapper (/dev/mapper/control does not
 * open) lvm2 runs with activation disabled, as tests/test_logical.c does:
 * LVs have no device node, so what reads or writes their data cannot run.
 */
#include <config.h>

#include <dirent.h>
#include <fcntl.h>
#include <libfdisk.h>
#include <linux/blkpg.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "contract.h"

#define CT_LVM_IMAGE  (128 * MiB) /* the PV: room for every volume of a test */
#define CT_DISK_IMAGE (64 * MiB)
#define CT_FS_IMAGE   (64 * MiB)

static bool have_dm;         /* the kernel can activate LVs */
static char lvm_config[128]; /* STORCAT_LVM_CONFIG, and the tests' own --config */
static Fixture *live;        /* the fixture to clean up on a way out */
static bool guards;          /* atexit and the signal handlers are in place */

static void lvm_state_forget(void);

/* ---- running tools ----------------------------------------------------------- */

/* An lvm2 tool with the tests' --config. */
#define LVM(out, prog, ...) RUN(out, prog, "--config", lvm_config, __VA_ARGS__)

/* ---- what this host can do ---------------------------------------------------- */

bool
ctHaveDM(void)
{
    return have_dm;
}

const char *
ctRealUnavailable(Target target)
{
    int fd = open("/dev/mapper/control", O_RDWR | O_CLOEXEC);

    have_dm = fd >= 0;
    if (fd >= 0)
        close(fd);
    snprintf(lvm_config, sizeof(lvm_config), "%sdevices{use_devicesfile=0} backup{backup=0 archive=0}",
             have_dm ? "" : "global{activation=0} ");
    if (geteuid() != 0)
        return "not root: loop devices need root";
    if (access("/dev/loop-control", F_OK) != 0)
        return "no loop devices (/dev/loop-control is missing)";
    if (RUN(NULL, "losetup", "--version") != 0)
        return "no losetup (util-linux)";
    if (target == TARGET_LOGICAL &&
        (access(LVS, X_OK) != 0 || access(LVCREATE, X_OK) != 0 || access(VGCREATE, X_OK) != 0))
        return "lvm2 is not installed (apt-get install lvm2)";
    if (target == TARGET_DISK && RUN(NULL, "sfdisk", "--version") != 0)
        return "no sfdisk (util-linux's fdisk package)";
    if (target == TARGET_FS && (access("/sbin/mkfs.ext4", X_OK) != 0 ||
                                access("/sbin/debugfs", X_OK) != 0))
        return "no mkfs.ext4 or debugfs (e2fsprogs)";
    return NULL;
}

/* ---- cleanup on every way out ------------------------------------------------- */

/* The kernel's partitions of @dev go (BLKPG, as partx -d). */
static void
forget_partitions(const char *dev)
{
    const char *kname = strrchr(dev, '/') + 1;
    char sys[128];
    struct dirent *e;
    DIR *d;
    int fd;

    snprintf(sys, sizeof(sys), "/sys/block/%s", kname);
    if ((fd = open(dev, O_RDONLY | O_CLOEXEC)) < 0)
        return;
    if ((d = opendir(sys))) {
        while ((e = readdir(d))) {
            char path[512];
            FILE *in;
            int pno;
            if (strncmp(e->d_name, kname, strlen(kname)) != 0)
                continue;
            snprintf(path, sizeof(path), "%s/%s/partition", sys, e->d_name);
            if (!(in = fopen(path, "r")))
                continue;
            if (fscanf(in, "%d", &pno) == 1) {
                struct blkpg_partition p = { .pno = pno };
                struct blkpg_ioctl_arg a = { .op = BLKPG_DEL_PARTITION,
                                             .datalen = sizeof(p),
                                             .data = &p };
                ioctl(fd, BLKPG, &a);
            }
            fclose(in);
        }
        closedir(d);
    }
    close(fd);
}

void
ctRealCleanup(Fixture *f)
{
    if (!f || !f->loop)
        return;
    lvm_state_forget();
    if (f->target == TARGET_LOGICAL) {
        LVM(NULL, "vgremove", "-ff", "-y", f->vg);
        LVM(NULL, "pvremove", "-ff", "-y", f->loop);
    } else if (f->target == TARGET_FS) {
        /* The pool's mount, unless a stop unmounted it, and the test's. */
        const char *mounts[] = { f->images, f->files };
        for (size_t i = 0; i < SC_N_ELEMENTS(mounts); i++)
            if (mounts[i] && umount2(mounts[i], 0) < 0 && errno != EINVAL && errno != ENOENT)
                umount2(mounts[i], MNT_DETACH);
    } else {
        forget_partitions(f->loop);
    }
    if (RUN(NULL, "losetup", "-d", f->loop) != 0)
        fprintf(stderr, "# could not detach %s\n", f->loop);
    free(f->loop);
    f->loop = NULL;
    if (live == f)
        live = NULL;
}

static void
cleanup_live(void)
{
    ctRealCleanup(live);
}

static void
on_signal(int sig)
{
    cleanup_live();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* A sanitizer's report ends the process without atexit handlers: it
 * calls this one instead, when the test is built with one. */
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static void
guard(Fixture *f)
{
    live = f;
    if (guards)
        return;
    guards = true;
    atexit(cleanup_live);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
    if (__sanitizer_set_death_callback)
        __sanitizer_set_death_callback(cleanup_live);
}

/* Is the fs pool's file system mounted on its target (f->images)? */
bool
ctRealFsIsMounted(Fixture *f)
{
    struct stat dir, dev;

    assert_int_equal(stat(f->loop, &dev), 0);
    return stat(f->images, &dir) == 0 && dir.st_dev == dev.st_rdev;
}

/* An fs pool that is running has its file system mounted on f->images:
 * the pool's files are on the loop device, not under it. */
void
ctRealFsMounted(Fixture *f)
{
    if (f->target != TARGET_FS || !f->pool || scStoragePoolIsActive(f->pool) != 1)
        return;
    if (!ctRealFsIsMounted(f))
        fail_msg("fs pool '" POOL "' runs, but %s is not on %s: not mounted", f->images, f->loop);
}

/* ---- setup ---------------------------------------------------------------------- */

/* The image file under the loop device. */
static char *
image_path(Fixture *f)
{
    return ctPrintf("%s/%s.img", f->dir,
                    f->target == TARGET_LOGICAL ? "pv" : f->target == TARGET_FS ? "fs" : "disk");
}

/* A sparse image of @size in the test's directory on a loop device. */
static void
attach(Fixture *f, unsigned long long size)
{
    char *img = image_path(f), *out;
    int fd = open(img, O_RDWR | O_CREAT | O_TRUNC, 0600);

    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t) size), 0);
    close(fd);
    guard(f);
    if (RUN(&out, "losetup", "--find", "--show", img) != 0 || !out || out[0] != '/') {
        free(out);
        fail_msg("losetup --find --show %s failed", img);
    }
    out[strcspn(out, "\n")] = '\0';
    f->loop = out;
    snprintf(f->kname, sizeof(f->kname), "%s", strrchr(out, '/') + 1);
    free(img);
}

/* The pool's XML; f->images is its target path. */
char *
ctRealSetup(Fixture *f)
{
    unsigned int rnd;

    if (f->target == TARGET_LOGICAL) {
        if (getrandom(&rnd, sizeof(rnd), 0) != sizeof(rnd))
            rnd = (unsigned int) time(NULL);
        snprintf(f->vg, sizeof(f->vg), "sctest_ct_%d_%08x", (int) getpid(), rnd);
        setenv("STORCAT_LVM_CONFIG", lvm_config, 1);
        setenv("LVM_SUPPRESS_FD_WARNINGS", "1", 1);
        attach(f, CT_LVM_IMAGE);
        f->images = ctPrintf("/dev/%s", f->vg);
        return ctPrintf("<pool type='logical'><name>" POOL "</name><source><device path='%s'/>"
                        "<name>%s</name><format type='lvm2'/></source><target><path>%s</path>"
                        "</target></pool>",
                        f->loop, f->vg, f->images);
    }
    if (f->target == TARGET_FS) {
        char *rm;

        attach(f, CT_FS_IMAGE);
        f->images = ctPrintf("%s/images", f->dir);
        assert_int_equal(mkdir(f->images, 0755), 0);
        /* Without lost+found, which would be a volume of the pool. */
        rm = ctPrintf("rmdir lost+found");
        if (RUN(NULL, "/sbin/mkfs.ext4", "-q", "-F", f->loop) != 0 ||
            RUN(NULL, "/sbin/debugfs", "-w", "-R", rm, f->loop) != 0)
            fail_msg("cannot make an ext4 file system on %s", f->loop);
        free(rm);
        /* The test's own view of the files, whether the pool runs or not. */
        f->files = ctPrintf("%s/files", f->dir);
        assert_int_equal(mkdir(f->files, 0755), 0);
        if (mount(f->loop, f->files, "ext4", 0, NULL) < 0)
            fail_msg("cannot mount %s on %s: %s", f->loop, f->files, strerror(errno));
        return ctPrintf("<pool type='fs'><name>" POOL "</name><source><device path='%s'/>"
                        "<format type='ext4'/></source><target><path>%s</path></target></pool>",
                        f->loop, f->images);
    }
    attach(f, CT_DISK_IMAGE);
    f->images = ctPrintf("/dev");
    return ctPrintf("<pool type='disk'><name>" POOL "</name><source><device path='%s'/>"
                    "<format type='gpt'/></source><target><path>/dev</path></target></pool>",
                    f->loop);
}

/* ---- partitions: test names, the table, the kernel -------------------------------- */

/* The partitions of the table as (number, first sector, sectors), in
 * number order; their count, or -1 when the disk has no label. */
static int
disk_parts(Fixture *f, int parts[][3], int max)
{
    struct fdisk_context *cxt = fdisk_new_context();
    struct fdisk_table *tb = NULL;
    int n = 0;

    assert_non_null(cxt);
    assert_int_equal(fdisk_assign_device(cxt, f->loop, 1), 0);
    if (!fdisk_has_label(cxt)) {
        fdisk_unref_context(cxt);
        return -1;
    }
    assert_int_equal(fdisk_get_partitions(cxt, &tb), 0);
    for (size_t i = 0; i < fdisk_table_get_nents(tb); i++) {
        struct fdisk_partition *pa = fdisk_table_get_partition(tb, i);
        if (!fdisk_partition_is_used(pa))
            continue;
        assert_true(n < max);
        parts[n][0] = (int) fdisk_partition_get_partno(pa) + 1;
        parts[n][1] = (int) fdisk_partition_get_start(pa);
        parts[n][2] = (int) fdisk_partition_get_size(pa);
        n++;
    }
    fdisk_unref_table(tb);
    fdisk_unref_context(cxt);
    return n;
}

static bool
disk_has_part(Fixture *f, int partno)
{
    int parts[128][3], n = disk_parts(f, parts, 128);

    for (int i = 0; i < n; i++)
        if (parts[i][0] == partno)
            return true;
    return false;
}

/* The number test name @name stands for, or 0. */
static int
disk_mapped(Fixture *f, const char *name)
{
    for (size_t i = 0; i < SC_N_ELEMENTS(f->parts); i++)
        if (f->parts[i].partno && strcmp(f->parts[i].name, name) == 0)
            return f->parts[i].partno;
    return 0;
}

static void
disk_map(Fixture *f, const char *name, int partno)
{
    size_t i, free_slot = SC_N_ELEMENTS(f->parts);

    for (i = 0; i < SC_N_ELEMENTS(f->parts); i++) {
        if (f->parts[i].partno && (f->parts[i].partno == partno || !strcmp(f->parts[i].name, name)))
            f->parts[i].partno = 0;
        if (!f->parts[i].partno && free_slot == SC_N_ELEMENTS(f->parts))
            free_slot = i;
    }
    assert_true(free_slot < SC_N_ELEMENTS(f->parts) && strlen(name) < sizeof(f->parts[0].name));
    snprintf(f->parts[free_slot].name, sizeof(f->parts[0].name), "%s", name);
    f->parts[free_slot].partno = partno;
}

/*
 * The partition number test name @name stands for. A partition takes the
 * kernel's name after its number, and a new one the lowest free number of
 * the GPT (as storcat's disk backend and sfdisk choose it): a @fresh name,
 * about to be created, is given that number, which no other name keeps; a
 * name never given one stands for a number no partition of the test has.
 */
static int
disk_partno(Fixture *f, const char *name, bool fresh)
{
    int partno = disk_mapped(f, name);

    if (!fresh)
        return partno ? partno : 100 + (int) strlen(name);
    for (partno = 1; disk_has_part(f, partno); partno++)
        ;
    disk_map(f, name, partno);
    return partno;
}

const char *
ctDiskVolName(Fixture *f, const char *name, bool fresh)
{
    static char buf[48];

    snprintf(buf, sizeof(buf), "%sp%d", f->kname, disk_partno(f, name, fresh));
    return buf;
}

/* Tell the kernel of one partition's change, as partx does. */
static void
disk_blkpg(Fixture *f, int op, int partno, unsigned long long start, unsigned long long sectors)
{
    struct blkpg_partition p = { .pno = partno,
                                 .start = (long long) (start * 512),
                                 .length = (long long) (sectors * 512) };
    struct blkpg_ioctl_arg a = { .op = op, .datalen = sizeof(p), .data = &p };
    int fd = open(f->loop, O_RDONLY | O_CLOEXEC);

    assert_true(fd >= 0);
    if (ioctl(fd, BLKPG, &a) < 0 && !(op == BLKPG_DEL_PARTITION && errno == ENXIO))
        fail_msg("BLKPG %d of partition %d of %s: %s", op, partno, f->loop, strerror(errno));
    close(fd);
}

/* Whether the kernel has partition @partno of the disk. */
static bool
disk_kernel_has(Fixture *f, int partno)
{
    char *p = ctPrintf("/sys/block/%s/%sp%d", f->kname, f->kname, partno);
    bool has = access(p, F_OK) == 0;

    free(p);
    return has;
}

/* Partition @partno as libfdisk has it (the caller unrefs). */
static struct fdisk_partition *
disk_get(struct fdisk_context *cxt, int partno)
{
    struct fdisk_partition *pa = NULL;

    assert_int_equal(fdisk_get_partition(cxt, (size_t) partno - 1, &pa), 0);
    return pa;
}

static struct fdisk_context *
disk_open(Fixture *f)
{
    struct fdisk_context *cxt = fdisk_new_context();

    assert_non_null(cxt);
    assert_int_equal(fdisk_assign_device(cxt, f->loop, 0), 0);
    assert_true(fdisk_has_label(cxt));
    return cxt;
}

static void
disk_write(struct fdisk_context *cxt)
{
    assert_int_equal(fdisk_write_disklabel(cxt), 0);
    /* No re-read of the whole table: the kernel is told per partition. */
    assert_int_equal(fdisk_deassign_device(cxt, 1), 0);
    fdisk_unref_context(cxt);
}

/* A partition numbered @partno, at @start (0: the first free place) of
 * @sectors, of PARTUUID @uuid (NULL: a new one); the kernel told. */
static void
disk_add(Fixture *f, int partno, unsigned long long start, unsigned long long sectors,
         const char *uuid)
{
    struct fdisk_context *cxt = disk_open(f);
    struct fdisk_partition *pa = fdisk_new_partition(), *got;

    assert_non_null(pa);
    fdisk_partition_set_partno(pa, (size_t) partno - 1);
    if (start)
        fdisk_partition_set_start(pa, start);
    else
        fdisk_partition_start_follow_default(pa, 1);
    fdisk_partition_set_size(pa, sectors);
    if (uuid)
        fdisk_partition_set_uuid(pa, uuid);
    assert_int_equal(fdisk_add_partition(cxt, pa, NULL), 0);
    fdisk_unref_partition(pa);
    got = disk_get(cxt, partno);
    start = fdisk_partition_get_start(got);
    fdisk_unref_partition(got);
    disk_write(cxt);
    disk_blkpg(f, BLKPG_ADD_PARTITION, partno, start, sectors);
}

static void
disk_remove(Fixture *f, int partno)
{
    struct fdisk_context *cxt = disk_open(f);

    assert_int_equal(fdisk_delete_partition(cxt, (size_t) partno - 1), 0);
    disk_write(cxt);
    if (disk_kernel_has(f, partno))
        disk_blkpg(f, BLKPG_DEL_PARTITION, partno, 0, 0);
}

/* ---- storage behind storcat's back ------------------------------------------------ */

static char *
lv_full(Fixture *f, const char *name)
{
    return ctPrintf("%s/%s", f->vg, name);
}

void
ctRealAdd(Fixture *f, const char *name, unsigned long long size)
{
    if (f->target == TARGET_LOGICAL) {
        char *bytes = ctPrintf("%llub", size);
        assert_int_equal(LVM(NULL, "lvcreate", "-n", (char *) name, "-L", bytes, f->vg, "--yes"),
                         0);
        free(bytes);
        return;
    }
    disk_add(f, disk_partno(f, name, true), 0, size / 512, NULL);
}

void
ctRealRemove(Fixture *f, const char *name)
{
    if (f->target == TARGET_LOGICAL) {
        char *lv = lv_full(f, name);
        assert_int_equal(LVM(NULL, "lvremove", "-f", lv), 0);
        free(lv);
        return;
    }
    assert_true(disk_mapped(f, name) > 0);
    disk_remove(f, disk_mapped(f, name));
}

/* A partition is "renamed" by moving it to another number (its PARTUUID,
 * place and size kept): the kernel names it after its number. */
void
ctRealRename(Fixture *f, const char *from, const char *to)
{
    struct fdisk_context *cxt;
    struct fdisk_partition *pa;
    unsigned long long start, sectors;
    char *uuid;
    int old, partno;

    if (f->target == TARGET_LOGICAL) {
        assert_int_equal(LVM(NULL, "lvrename", f->vg, (char *) from, (char *) to), 0);
        return;
    }
    assert_true((old = disk_mapped(f, from)) > 0);
    cxt = disk_open(f);
    pa = disk_get(cxt, old);
    start = fdisk_partition_get_start(pa);
    sectors = fdisk_partition_get_size(pa);
    uuid = strdup(fdisk_partition_get_uuid(pa));
    fdisk_unref_partition(pa);
    fdisk_unref_context(cxt);
    /* A number free before the old one is: a move, not the same entry. */
    partno = disk_partno(f, to, true);
    disk_remove(f, old);
    disk_add(f, partno, start, sectors, uuid);
    free(uuid);
}

void
ctRealResize(Fixture *f, const char *name, unsigned long long size)
{
    struct fdisk_context *cxt;
    struct fdisk_partition *pa, *got;
    unsigned long long start;
    int partno;

    if (f->target == TARGET_LOGICAL) {
        char *lv = lv_full(f, name), *bytes = ctPrintf("%llub", size);
        assert_int_equal(LVM(NULL, "lvresize", "-f", "-L", bytes, lv), 0);
        free(lv);
        free(bytes);
        return;
    }
    assert_true((partno = disk_mapped(f, name)) > 0);
    cxt = disk_open(f);
    assert_non_null(pa = fdisk_new_partition());
    fdisk_partition_set_size(pa, size / 512);
    assert_int_equal(fdisk_set_partition(cxt, (size_t) partno - 1, pa), 0);
    fdisk_unref_partition(pa);
    got = disk_get(cxt, partno);
    start = fdisk_partition_get_start(got);
    fdisk_unref_partition(got);
    disk_write(cxt);
    if (disk_kernel_has(f, partno))
        disk_blkpg(f, BLKPG_RESIZE_PARTITION, partno, start, size / 512);
}

/*
 * lvm2's view of the test's PV: `pvs --segments` of the loop device, one
 * sorted line per segment, "pv_uuid|vg|vg_uuid|lv|lv_uuid|lv_size|lv_attr|
 * lv_tags|pvseg_start|pvseg_size" (a free segment has no LV), "" when the
 * device is no PV. The VG's metadata sequence number is left out, as a
 * directory's own mtime is for the dir target: a change undone is none.
 *
 * One lvm2 call costs some 50 ms and the checks ask many times between
 * two changes, so the answer is kept while the PV's first MiB (its label
 * and its metadata area, where lvm2 writes every change of the VG before
 * it is done) reads the same past the page cache. Only without
 * device-mapper: with it, activation changes what lvm2 reports too.
 */
static char *lvm_state_text;             /* the kept answer, or NULL */
static unsigned long long lvm_state_key; /* the digest of the first MiB it goes with */
static const Fixture *lvm_state_fixture; /* ... of this fixture's PV */

static unsigned long long
pv_head_digest(Fixture *f)
{
    const size_t len = 1024 * 1024;
    unsigned long long h = 1469598103934665603ull, *words;
    int fd = open(f->loop, O_RDONLY | O_DIRECT | O_CLOEXEC);
    void *buf = NULL;

    if (fd < 0 || posix_memalign(&buf, 4096, len) != 0 || pread(fd, buf, len, 0) != (ssize_t) len)
        h = 0; /* cannot tell: ask lvm2 */
    words = buf;
    for (size_t i = 0; h && i < len / sizeof(*words); i++)
        h = (h ^ words[i]) * 1099511628211ull;
    free(buf);
    if (fd >= 0)
        close(fd);
    return h;
}

static void
lvm_state_forget(void)
{
    free(lvm_state_text);
    lvm_state_text = NULL;
    lvm_state_fixture = NULL;
}

static const char *
lvm_state(Fixture *f)
{
    unsigned long long key = have_dm ? 0 : pv_head_digest(f);
    char *out = NULL, *lines[128], *buf = NULL;
    size_t n = 0, len = 0;
    FILE *mem;

    if (key && lvm_state_text && lvm_state_fixture == f && lvm_state_key == key)
        return lvm_state_text;
    lvm_state_forget();
    if (LVM(&out, "pvs", "--segments", "--noheadings", "--units", "b", "--nosuffix", "--separator",
            "|", "-o",
            "pv_uuid,vg_name,vg_uuid,lv_name,lv_uuid,lv_size,lv_attr,lv_tags,pvseg_start,"
            "pvseg_size",
            f->loop) != 0) {
        free(out);
        out = strdup("");
    }
    assert_non_null(mem = open_memstream(&buf, &len));
    for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
        while (*line == ' ')
            line++;
        assert_true(n < SC_N_ELEMENTS(lines));
        lines[n++] = line;
    }
    qsort(lines, n, sizeof(*lines), ctCmpStr);
    for (size_t i = 0; i < n; i++)
        fprintf(mem, "%s\n", lines[i]);
    fclose(mem);
    free(out);
    lvm_state_text = buf;
    lvm_state_key = key;
    lvm_state_fixture = f;
    return buf;
}

/* Field @i (from 0) of a line of lvm_state, into @buf. */
static const char *
lvm_field(const char *line, int i, char *buf, size_t size)
{
    size_t len;

    for (; i > 0 && line; i--)
        if ((line = strchr(line, '|')))
            line++;
    if (!line)
        line = "";
    len = strcspn(line, "|\n");
    snprintf(buf, size, "%.*s", (int) len, line);
    return buf;
}

/* The LVs of lvm_state, "name size" lines in name order. */
static char *
lv_volumes(Fixture *f)
{
    const char *state = lvm_state(f);
    char *buf = NULL, name[160], size[32], last[160] = "";
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);

    assert_non_null(mem);
    /* Sorted by PV UUID, VG, VG UUID then LV name: one PV, so by name. */
    for (const char *line = state; *line; line = strchr(line, '\n') + 1) {
        if (!*lvm_field(line, 3, name, sizeof(name)) || strcmp(name, last) == 0)
            continue;
        fprintf(mem, "%s %s\n", name, lvm_field(line, 5, size, sizeof(size)));
        snprintf(last, sizeof(last), "%s", name);
    }
    fclose(mem);
    return buf;
}

bool
ctRealHas(Fixture *f, const char *name)
{
    char field[160];

    if (f->target == TARGET_LOGICAL) {
        const char *state = lvm_state(f);
        for (const char *line = state; *line; line = strchr(line, '\n') + 1)
            if (strcmp(lvm_field(line, 3, field, sizeof(field)), name) == 0)
                return true;
        return false;
    }
    return disk_mapped(f, name) > 0 && disk_has_part(f, disk_mapped(f, name));
}

bool
ctRealBuilt(Fixture *f)
{
    int parts[128][3];
    char field[160];

    if (f->target == TARGET_LOGICAL) {
        const char *state = lvm_state(f);
        return *state && strcmp(lvm_field(state, 1, field, sizeof(field)), f->vg) == 0;
    }
    return disk_parts(f, parts, 128) >= 0;
}

/* A digest of partition @partno's bytes, read through its node (which
 * shares its page cache with storcat's writes), or 0 without a node. */
static unsigned long long
part_digest(Fixture *f, int partno)
{
    char *node = ctPrintf("%sp%d", f->loop, partno), buf[65536];
    unsigned long long h = 1469598103934665603ull;
    int fd = open(node, O_RDONLY | O_CLOEXEC);
    ssize_t n;

    free(node);
    if (fd < 0)
        return 0;
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        for (ssize_t i = 0; i < n; i++)
            h = (h ^ (unsigned char) buf[i]) * 1099511628211ull;
    close(fd);
    return h;
}

char *
ctRealSnapshot(Fixture *f)
{
    char *buf = NULL, *out = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&buf, &len);

    assert_non_null(mem);
    if (f->target == TARGET_LOGICAL) {
        /* The PV, its VG, and every LV with its identity and place. */
        const char *state = lvm_state(f);
        fprintf(mem, "pv %s\n%s", *state ? "present" : "absent", state);
    } else {
        /* The table as sfdisk dumps it (label id, every entry with its
         * place, type, PARTUUID and name), the kernel's partitions, and
         * each partition's bytes and its node's mtime: a write of the
         * same bytes is a change too, as a file's mtime says for the dir
         * target (a write through a block device's node stamps it; the
         * table is written through the disk's node, not these). */
        int parts[128][3], n;
        if (RUN(&out, "sfdisk", "--dump", f->loop) == 0)
            fputs(out, mem);
        else
            fputs("no label\n", mem);
        free(out);
        n = disk_parts(f, parts, 128);
        for (int i = 0; i < n; i++) {
            char *node = ctPrintf("%sp%d", f->loop, parts[i][0]);
            struct stat st = { 0 };
            stat(node, &st);
            free(node);
            fprintf(mem, "p%d kernel=%d data=%016llx node=%lld.%09ld\n", parts[i][0],
                    disk_kernel_has(f, parts[i][0]), part_digest(f, parts[i][0]),
                    (long long) st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
        }
    }
    fclose(mem);
    return buf;
}

char *
ctRealVolumes(Fixture *f)
{
    char *buf = NULL, *lines[128];
    size_t len = 0, m = 0;
    FILE *mem;
    int parts[128][3], n;

    if (f->target == TARGET_LOGICAL)
        return lv_volumes(f);
    assert_non_null(mem = open_memstream(&buf, &len));
    n = disk_parts(f, parts, 128);
    for (int i = 0; i < n; i++)
        lines[m++] =
            ctPrintf("%sp%d %llu\n", f->kname, parts[i][0], (unsigned long long) parts[i][2] * 512);
    qsort(lines, m, sizeof(*lines), ctCmpStr);
    for (size_t i = 0; i < m; i++) {
        fputs(lines[i], mem);
        free(lines[i]);
    }
    fclose(mem);
    return buf;
}
