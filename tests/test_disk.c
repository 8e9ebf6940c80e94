/*
 * test_disk.c: the disk backend on real partition tables: image files on
 * loop devices, GPT and dos labels, read back with sfdisk.
 *
 * Each test makes its own sparse image in a fresh directory, attaches it
 * with `losetup --find --show` and detaches that device, and only that
 * one, on every way out: its teardown, an atexit handler and a handler
 * of the termination signals take the kernel's partitions of it away
 * (BLKPG) and then `losetup -d` it. Other programs' loop devices are
 * never touched. Without root, loop devices, losetup or sfdisk, every
 * test says SKIP and why.
 */
#include <config.h>

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <linux/blkpg.h>
#include <signal.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "util/testpoint.h"

#define MiB (1024ULL * 1024)

/* ---- loop devices, cleaned up on every way out ---------------------------- */

#define MAX_LOOPS 8
static char loops[MAX_LOOPS][64];
static volatile sig_atomic_t nloops;

/* Run a shell command line of the test's own making; its status. */
static int
sh(const char *fmt, ...)
{
    char *cmd;
    va_list ap;
    int r;

    va_start(ap, fmt);
    assert_true(vasprintf(&cmd, fmt, ap) > 0);
    va_end(ap);
    r = system(cmd);
    free(cmd);
    return WIFEXITED(r) ? WEXITSTATUS(r) : -1;
}

/* The first line a command prints, or NULL. */
static char *
sh_line(const char *fmt, ...)
{
    char *cmd, *line = NULL;
    size_t cap = 0;
    va_list ap;
    FILE *p;

    va_start(ap, fmt);
    assert_true(vasprintf(&cmd, fmt, ap) > 0);
    va_end(ap);
    p = popen(cmd, "r");
    free(cmd);
    if (!p)
        return NULL;
    if (getline(&line, &cap, p) < 0) {
        free(line);
        line = NULL;
    } else {
        line[strcspn(line, "\n")] = '\0';
    }
    pclose(p);
    return line;
}

/* The kernel's partitions of @dev go (as partx -d). */
static void
drop_partitions(const char *dev)
{
    const char *kname = strrchr(dev, '/') + 1;
    char sys[128];
    struct dirent *e;
    DIR *d;
    int fd;

    snprintf(sys, sizeof(sys), "/sys/block/%s", kname);
    if ((fd = open(dev, O_RDONLY | O_CLOEXEC)) >= 0 && (d = opendir(sys))) {
        while ((e = readdir(d))) {
            char path[512];
            FILE *f;
            int pno;
            if (strncmp(e->d_name, kname, strlen(kname)) != 0)
                continue;
            snprintf(path, sizeof(path), "%s/%s/partition", sys, e->d_name);
            if (!(f = fopen(path, "r")))
                continue;
            if (fscanf(f, "%d", &pno) == 1) {
                struct blkpg_partition p = { .pno = pno };
                struct blkpg_ioctl_arg a = { .op = BLKPG_DEL_PARTITION, .datalen = sizeof(p),
                                             .data = &p };
                ioctl(fd, BLKPG, &a);
            }
            fclose(f);
        }
        closedir(d);
    }
    if (fd >= 0)
        close(fd);
}

/* The kernel's partitions of @dev go, then the device. */
static void
loop_detach(const char *dev)
{
    char sys[128];

    drop_partitions(dev);
    snprintf(sys, sizeof(sys), "losetup -d %s 2>/dev/null", dev);
    if (system(sys) != 0)
        fprintf(stderr, "# could not detach %s\n", dev);
}

static void
loops_cleanup(void)
{
    while (nloops > 0) {
        nloops--;
        if (loops[nloops][0])
            loop_detach(loops[nloops]);
        loops[nloops][0] = '\0';
    }
}

/* A sanitizer's report ends the process without atexit handlers: it
 * calls this one instead, when the test is built with one. */
extern void __sanitizer_set_death_callback(void (*callback)(void)) __attribute__((weak));

static void
on_signal(int sig)
{
    loops_cleanup();
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Attach @img; the device's name (static storage), registered for
 * cleanup. */
static const char *
loop_attach(const char *img)
{
    char *dev = sh_line("losetup --find --show '%s'", img);

    assert_non_null(dev);
    if (nloops >= MAX_LOOPS) {
        loop_detach(dev);
        free(dev);
        fail_msg("more than %d loop devices at once", MAX_LOOPS);
    }
    snprintf(loops[nloops], sizeof(loops[0]), "%s", dev);
    free(dev);
    /* Partitions added with BLKPG outlive a detach (only a partition scan
     * drops them): a device just attached may show another program's
     * leftovers, which storcat would rightly report as a table the kernel
     * disagrees with. The device is this test's now: clear them. */
    drop_partitions(loops[nloops]);
    return loops[nloops++];
}

/* Has loop device @dev an image again (a test running beside this one
 * took the device this one freed)? */
static bool
loop_taken(const char *dev)
{
    char sys[128];

    snprintf(sys, sizeof(sys), "/sys/block/%s/loop/backing_file", strrchr(dev, '/') + 1);
    return access(sys, F_OK) == 0;
}

/* @dev is the caller's to detach from now on. */
static void
loop_forget(const char *dev)
{
    for (int i = 0; i < nloops; i++) {
        if (strcmp(loops[i], dev) == 0) {
            memmove(loops[i], loops[i + 1], (size_t) (nloops - i - 1) * sizeof(loops[0]));
            nloops--;
            return;
        }
    }
}

/* Why these tests cannot run here, or NULL. */
static const char *
cannot_run(void)
{
    if (geteuid() != 0)
        return "loop devices need root";
    if (access("/dev/loop-control", F_OK) < 0)
        return "no loop devices (/dev/loop-control)";
    if (sh("command -v losetup >/dev/null && command -v sfdisk >/dev/null") != 0)
        return "losetup or sfdisk (fdisk package) missing";
    return NULL;
}

/* ---- fixtures ----------------------------------------------------------------- */

typedef struct {
    char *dir;
    char *img;
    char *dev;           /* /dev/loopN */
    char kname[32];      /* loopN */
    char *catalog;
    scConnectPtr conn;
    scStoragePoolPtr pool;
} Fixture;

static int
setup(void **state)
{
    const char *why = cannot_run();
    Fixture *f = calloc(1, sizeof(*f));

    assert_non_null(f);
    *state = f;
    if (why)
        return 0;
    assert_non_null(f->dir = testTmpDirMake("disk"));
    assert_true(asprintf(&f->img, "%s/disk.img", f->dir) > 0);
    assert_true(asprintf(&f->catalog, "%s/catalog.db", f->dir) > 0);
    assert_sc_ok(f->conn = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE));
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;

    if (f->pool)
        scStoragePoolFree(f->pool);
    if (f->conn)
        scConnectClose(f->conn);
    if (f->dev) {
        loop_forget(f->dev);
        loop_detach(f->dev);
        free(f->dev);
    }
    if (f->dir)
        testTmpDirRemove(f->dir);
    free(f->img);
    free(f->catalog);
    free(f);
    return 0;
}

#define SKIP_UNLESS_RUNNABLE()                                               \
    do {                                                                     \
        const char *why_ = cannot_run();                                     \
        if (why_) {                                                          \
            print_message("# SKIP %s\n", why_);                              \
            skip();                                                          \
        }                                                                    \
    } while (0)

/* A sparse image of @mib MiB on a loop device and a pool "dp" of label
 * @format on it (built and started unless @start is false). */
static void
make_pool(Fixture *f, unsigned mib, const char *format, bool start)
{
    char *xml;
    int fd = open(f->img, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    assert_true(fd >= 0);
    assert_int_equal(ftruncate(fd, (off_t) (mib * MiB)), 0);
    close(fd);
    assert_non_null(f->dev = strdup(loop_attach(f->img)));
    snprintf(f->kname, sizeof(f->kname), "%s", strrchr(f->dev, '/') + 1);
    assert_true(asprintf(&xml,
                         "<pool type='disk'><name>dp</name><source><device path='%s'/>"
                         "<format type='%s'/></source><target><path>/dev</path></target></pool>",
                         f->dev, format) > 0);
    assert_sc_ok(f->pool = scStoragePoolDefineXML(f->conn, xml, 0));
    free(xml);
    if (start)
        assert_sc_ok(scStoragePoolCreate(f->pool, SC_STORAGE_POOL_CREATE_WITH_BUILD) == 0);
}

/* The name of partition @n of the fixture's disk. */
static char *
part(const Fixture *f, int n)
{
    char *s;
    assert_true(asprintf(&s, "%sp%d", f->kname, n) > 0);
    return s;
}

static scStorageVolPtr
create(Fixture *f, int n, unsigned long long bytes, const char *format)
{
    char *name = part(f, n), *xml;
    scStorageVolPtr vol;

    assert_true(asprintf(&xml,
                         "<volume><name>%s</name><capacity>%llu</capacity>"
                         "<target><format type='%s'/></target></volume>",
                         name, bytes, format ? format : "none") > 0);
    vol = scStorageVolCreateXML(f->pool, xml, 0);
    free(xml);
    free(name);
    return vol;
}

static scStorageVolPtr
lookup(Fixture *f, int n)
{
    char *name = part(f, n);
    scStorageVolPtr vol = scStorageVolLookupByName(f->pool, name);

    free(name);
    return vol;
}

/* Partition @n is the volume of UUID @want. */
static void
uuid_is(Fixture *f, int n, const char *want)
{
    char got[SC_UUID_STRING_BUFLEN];
    scStorageVolPtr vol;

    assert_sc_ok(vol = lookup(f, n));
    assert_sc_ok(scStorageVolGetUUIDString(vol, got) == 0);
    assert_string_equal(got, want);
    scStorageVolFree(vol);
}

/* sfdisk's dump of the disk: what is really on it. */
static char *
dump(const Fixture *f)
{
    char *cmd, *text;

    assert_true(asprintf(&cmd, "sfdisk --dump %s > %s/dump 2>/dev/null", f->dev, f->dir) > 0);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    assert_true(asprintf(&cmd, "%s/dump", f->dir) > 0);
    text = testReadFile(cmd);
    free(cmd);
    assert_non_null(text);
    return text;
}

static bool
node_exists(const Fixture *f, int n)
{
    char path[64];
    struct stat st;

    snprintf(path, sizeof(path), "%sp%d", f->dev, n);
    return stat(path, &st) == 0 && S_ISBLK(st.st_mode);
}

static void
has(const char *text, const char *want)
{
    if (!text || !strstr(text, want))
        fail_msg("expected '%s' in:\n%s", want, text ? text : "(null)");
}

/* The last error's message contains @want. */
static void
err_has(const char *want)
{
    has(scGetLastErrorMessage(), want);
}

/* ---- tests ------------------------------------------------------------------------- */

/* A GPT pool: sizes, free extents, partitions with their PARTUUID as key,
 * extents, the kernel told; lookups; data in and out; wipe; resize
 * refused; delete. */
static void
test_gpt(void **state)
{
    Fixture *f = *state;
    scStoragePoolInfo info;
    scStorageVolPtr v1, v2, v;
    char *xml, *text, *key, path[64], *p1;
    char uuid[SC_UUID_STRING_BUFLEN], uuid2[SC_UUID_STRING_BUFLEN];

    SKIP_UNLESS_RUNNABLE();
    make_pool(f, 64, "gpt", true);
    assert_sc_ok(scStoragePoolGetInfo(f->pool, &info) == 0);
    assert_int_equal(info.capacity, 67091968);   /* (last usable LBA + 1) * 512 */
    assert_int_equal(info.available, 66043392);  /* 1 MiB to the last usable LBA */
    assert_int_equal(info.allocation, 0);
    assert_sc_ok(xml = scStoragePoolGetXMLDesc(f->pool, 0));
    has(xml, "<freeExtent start='1048576' end='67091968'/>");
    free(xml);

    assert_sc_ok(v1 = create(f, 1, 10 * MiB, "linux"));
    assert_sc_ok(v2 = create(f, 2, 5 * MiB, "linux-swap"));
    assert_true(node_exists(f, 1) && node_exists(f, 2));
    text = dump(f);
    /* The key is the partition's UUID, the one on disk. */
    assert_non_null(key = strdup(scStorageVolGetKey(v1)));
    for (char *c = key; *c; c++)
        *c = (char) toupper((unsigned char) *c);
    has(text, key);
    has(text, "start=        2048, size=       20480, type=0FC63DAF-8483-4772-8E79-3D69D8477DE4");
    has(text, "start=       22528, size=       10240, type=0657FD6D-A4AB-43C4-84E5-0933C84B4F4F");
    free(key);
    free(text);
    assert_sc_ok(xml = scStorageVolGetXMLDesc(v1, 0));
    snprintf(path, sizeof(path), "<device path='%s'>", f->dev);
    has(xml, path);
    has(xml, "<extent start='1048576' end='11534336'/>");
    has(xml, "<capacity unit='bytes'>10485760</capacity>");
    has(xml, "<physical unit='bytes'>10485760</physical>");
    has(xml, "<format type='linux'/>");
    free(xml);
    assert_sc_ok(xml = scStorageVolGetXMLDesc(v2, 0));
    has(xml, "<format type='linux-swap'/>");
    free(xml);
    /* The pool's sizes follow at once. */
    assert_sc_ok(scStoragePoolGetInfo(f->pool, &info) == 0);
    assert_int_equal(info.allocation, 15 * MiB);
    assert_sc_ok(xml = scStoragePoolGetXMLDesc(f->pool, 0));
    has(xml, "<freeExtent start='16777216' end='67091968'/>");
    free(xml);
    /* A size that is no multiple of the alignment: whole sectors, and the
     * next partition starts at the next MiB, as libfdisk aligns. */
    assert_sc_ok(v = create(f, 3, 1000000, NULL));
    assert_sc_ok(xml = scStorageVolGetXMLDesc(v, 0));
    has(xml, "<capacity unit='bytes'>1000448</capacity>"); /* 1954 sectors */
    free(xml);
    scStorageVolFree(v);
    assert_sc_ok(v = create(f, 4, MiB, NULL));
    assert_sc_ok(xml = scStorageVolGetXMLDesc(v, 0));
    has(xml, "<extent start='17825792' end='18874368'/>");
    free(xml);
    assert_sc_ok(scStorageVolDelete(v, 0) == 0);
    scStorageVolFree(v);
    assert_sc_ok(v = lookup(f, 3));
    assert_sc_ok(scStorageVolDelete(v, 0) == 0);
    scStorageVolFree(v);

    /* Lookups: by node path, key and UUID find the same volume. */
    assert_sc_ok(scStorageVolGetUUIDString(v1, uuid) == 0);
    snprintf(path, sizeof(path), "%sp1", f->dev);
    assert_sc_ok(v = scStorageVolLookupByPath(f->conn, path));
    assert_sc_ok(scStorageVolGetUUIDString(v, uuid2) == 0);
    assert_string_equal(uuid, uuid2);
    scStorageVolFree(v);
    assert_sc_ok(v = scStorageVolLookupByKey(f->conn, scStorageVolGetKey(v1)));
    scStorageVolFree(v);
    assert_sc_ok(v = scStorageVolLookupByUUIDString(f->conn, uuid));
    scStorageVolFree(v);

    /* Data in and out, then wiped. */
    {
        char in[64], out[64];
        unsigned char buf[4096], got[64];
        int fd;
        snprintf(in, sizeof(in), "%s", "/dev/urandom");
        fd = open(in, O_RDONLY);
        assert_true(fd >= 0);
        assert_int_equal(read(fd, buf, sizeof(buf)), sizeof(buf));
        close(fd);
        snprintf(in, sizeof(in), "%s/in", f->dir);
        fd = open(in, O_RDWR | O_CREAT | O_TRUNC, 0600);
        assert_int_equal(write(fd, buf, sizeof(buf)), sizeof(buf));
        assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
        assert_sc_ok(scStorageVolUploadFD(v1, fd, 512, 0, 0) == 0);
        close(fd);
        snprintf(out, sizeof(out), "%s/out", f->dir);
        fd = open(out, O_RDWR | O_CREAT | O_TRUNC, 0600);
        assert_sc_ok(scStorageVolDownloadFD(v1, fd, 512, sizeof(buf), 0) == 0);
        assert_int_equal(lseek(fd, 0, SEEK_END), sizeof(buf));
        assert_int_equal(pread(fd, got, sizeof(got), 0), sizeof(got));
        assert_memory_equal(got, buf, sizeof(got));
        close(fd);
        /* An upload longer than the partition is refused. */
        fd = open(in, O_RDONLY);
        assert_sc_err(scStorageVolUploadFD(v1, fd, 10 * MiB - 100, 4096, 0) == 0,
                      SC_ERR_INVALID_ARG);
        close(fd);
        assert_sc_ok(scStorageVolWipePattern(v1, SC_STORAGE_VOL_WIPE_ALG_DOD, 0) == 0);
        assert_sc_ok(scStorageVolWipe(v1, 0) == 0);
        fd = open(out, O_RDWR | O_TRUNC);
        assert_sc_ok(scStorageVolDownloadFD(v1, fd, 0, 4096, 0) == 0);
        assert_int_equal(pread(fd, buf, 4096, 0), 4096);
        close(fd);
        for (int i = 0; i < 4096; i++)
            if (buf[i])
                fail_msg("byte %d is not wiped: %d", i, buf[i]);
        assert_sc_ok(scStorageVolWipePattern(v2, SC_STORAGE_VOL_WIPE_ALG_TRIM, 0) == 0);
    }

    /* libvirt does not resize partitions, nor does storcat. */
    assert_sc_err(scStorageVolResize(v1, 20 * MiB, 0) == 0, SC_ERR_OPERATION_UNSUPPORTED);
    err_has("cannot resize");

    /* Deleted: off the table, the kernel and the catalog. */
    assert_sc_ok(scStorageVolDelete(v2, 0) == 0);
    assert_false(node_exists(f, 2));
    text = dump(f);
    assert_null(strstr(text, "p2 :"));
    free(text);
    assert_null(v = lookup(f, 2));
    p1 = part(f, 1);
    assert_sc_ok(v = scStorageVolLookupByName(f->pool, p1));
    scStorageVolFree(v);
    free(p1);
    scStorageVolFree(v1);
    scStorageVolFree(v2);
}

/* Partitions until the disk is full; the one that does not fit names the
 * largest free extent and changes nothing; one deleted in the middle is
 * made again in its place (the first free extent that fits). */
static void
test_until_full(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr v;
    char *before, *after, *xml;
    int n = 0;

    SKIP_UNLESS_RUNNABLE();
    make_pool(f, 16, "gpt", true);
    while ((v = create(f, n + 1, 2 * MiB, NULL))) {
        scStorageVolFree(v);
        n++;
    }
    /* 16 MiB less the first MiB and the backup GPT at the end: 7 fit. */
    assert_int_equal(n, 7);
    err_has("do not fit in pool 'dp': the largest free extent of");
    err_has("holds 1031680 bytes");
    before = dump(f);
    assert_null(create(f, 8, 3 * MiB, NULL));
    after = dump(f);
    assert_string_equal(before, after);
    free(after);
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 7);

    /* Delete the third, make it again: same place. */
    assert_sc_ok(v = lookup(f, 3));
    assert_sc_ok(scStorageVolDelete(v, 0) == 0);
    scStorageVolFree(v);
    assert_sc_ok(v = create(f, 3, 2 * MiB, NULL));
    assert_sc_ok(xml = scStorageVolGetXMLDesc(v, 0));
    has(xml, "<extent start='5242880' end='7340032'/>");
    free(xml);
    scStorageVolFree(v);
    /* A wrong name is refused with the right one. */
    assert_null(create(f, 9, 512 * 1024, NULL));
    err_has("is number 8");
    free(before);
}

/* 128 entries of a GPT made by sfdisk are found by one refresh; the 129th
 * is refused. */
static void
test_gpt_full_table(void **state)
{
    Fixture *f = *state;
    char *before, *after;

    SKIP_UNLESS_RUNNABLE();
    make_pool(f, 140, "gpt", false);
    assert_int_equal(sh("(echo 'label: gpt'; for i in $(seq 128); do echo 'size=1MiB'; done) | "
                        "sfdisk -q %s >/dev/null 2>&1",
                        f->dev),
                     0);
    assert_sc_ok(scStoragePoolCreate(f->pool, 0) == 0);
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 128);
    before = dump(f);
    assert_null(create(f, 129, MiB, NULL));
    err_has("has no free entry: all 128 are used");
    after = dump(f);
    assert_string_equal(before, after);
    free(before);
    free(after);
    /* A refresh of an unchanged table changes nothing: its only event is
     * its own ("unchanged", libvirt's REFRESH). */
    {
        int events = testSqlInt(f->catalog, "SELECT count(*) FROM events");
        assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
        assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events"), events + 1);
        assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE id = (SELECT max(id)"
                                    " FROM events) AND action = 'pool-refresh'"
                                    " AND detail = 'unchanged'"), 1);
    }
}

/* dos: primaries while a slot is free, logical ones in the extended
 * partition after; deleting a logical partition renumbers the ones after
 * it, which keep their UUIDs; a fifth primary is refused. */
static void
test_dos_logical(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr v;
    char *text, *xml, uuid6[SC_UUID_STRING_BUFLEN], uuid7[SC_UUID_STRING_BUFLEN];

    SKIP_UNLESS_RUNNABLE();
    make_pool(f, 64, "dos", true);
    assert_sc_ok(v = create(f, 1, 8 * MiB, "linux"));
    scStorageVolFree(v);
    assert_sc_ok(v = create(f, 2, 30 * MiB, "extended"));
    assert_sc_ok(xml = scStorageVolGetXMLDesc(v, 0));
    has(xml, "<format type='extended'/>");
    has(xml, "<physical unit='bytes'>1024</physical>"); /* the kernel's 2 sectors */
    free(xml);
    scStorageVolFree(v);
    assert_null(create(f, 3, MiB, "extended"));
    err_has("has an extended partition already");
    assert_sc_ok(v = create(f, 3, 4 * MiB, "linux-swap"));
    scStorageVolFree(v);
    assert_sc_ok(v = create(f, 4, 4 * MiB, "linux-lvm"));
    scStorageVolFree(v);
    assert_sc_ok(v = create(f, 5, 6 * MiB, "linux"));
    scStorageVolFree(v);
    assert_sc_ok(v = create(f, 6, 6 * MiB, "linux-raid"));
    assert_sc_ok(scStorageVolGetUUIDString(v, uuid6) == 0);
    scStorageVolFree(v);
    text = dump(f);
    has(text, "p2 : start=       18432, size=       61440, type=5");
    has(text, "p5 : start=       20480, size=       12288, type=83");
    has(text, "p6 : start=       34816, size=       12288, type=fd");
    has(text, "type=82");
    has(text, "type=8e");
    free(text);
    assert_true(node_exists(f, 5) && node_exists(f, 6));
    /* Too big for the extended partition: the logical room is named. */
    assert_null(create(f, 7, 20 * MiB, NULL));
    err_has("the largest logical free extent");
    /* An extended partition cannot be wiped, nor deleted while it holds
     * logical ones. */
    assert_sc_ok(v = lookup(f, 2));
    assert_sc_err(scStorageVolWipe(v, 0) == 0, SC_ERR_OPERATION_UNSUPPORTED);
    assert_sc_err(scStorageVolDelete(v, 0) == 0, SC_ERR_OPERATION_INVALID);
    err_has("still holds logical partitions");
    scStorageVolFree(v);
    assert_sc_ok(v = create(f, 7, 4 * MiB, NULL));
    assert_sc_ok(scStorageVolGetUUIDString(v, uuid7) == 0);
    scStorageVolFree(v);

    /* Delete p5: p6 becomes p5 and p7 p6, in the table and the kernel,
     * and each keeps its UUID (a rename by its identity, whatever the
     * order the refresh meets them in), in the catalog as soon as the
     * delete returns (the pool refreshed with it). */
    assert_sc_ok(v = lookup(f, 5));
    assert_sc_ok(scStorageVolDelete(v, 0) == 0);
    scStorageVolFree(v);
    assert_true(node_exists(f, 5) && node_exists(f, 6));
    assert_false(node_exists(f, 7));
    uuid_is(f, 5, uuid6);
    uuid_is(f, 6, uuid7);
    assert_null(lookup(f, 7));
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-renamed'"
                                " AND changes NOT LIKE '%' || char(1) || '%'"),
                     2);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE state != 'present'"
                                " OR name LIKE char(1) || '%'"),
                     0);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    uuid_is(f, 5, uuid6);
    assert_sc_ok(v = lookup(f, 5));
    assert_sc_ok(xml = scStorageVolGetXMLDesc(v, 0));
    has(xml, "<format type='linux-raid'/>");
    free(xml);
    scStorageVolFree(v);
    assert_sc_ok(v = lookup(f, 6));
    scStorageVolFree(v);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-renamed'"), 2);
}

/* At "disk-delete:written", the kernel is given partition 8 over where
 * the renumbered p5 goes: it will not take p5 back. */
static const char *block_dev;
static unsigned long long block_start;

static void
block_hook(const char *where)
{
    struct blkpg_partition p = { .pno = 8, .start = (long long) block_start, .length = MiB };
    struct blkpg_ioctl_arg a = { .op = BLKPG_ADD_PARTITION, .datalen = sizeof(p), .data = &p };
    int fd;

    if (strcmp(where, "disk-delete:written") != 0)
        return;
    assert_true((fd = open(block_dev, O_RDONLY | O_CLOEXEC)) >= 0);
    assert_int_equal(ioctl(fd, BLKPG, &a), 0);
    close(fd);
}

/* The table written, the kernel will not take a renumbered logical
 * partition back: the delete is done all the same (the catalog follows
 * the table, UUIDs kept), the kernel's view is mended by the refresh
 * once it takes it. */
static void
test_dos_delete_kernel_refuses(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr v;
    char *sys, *text, uuid6[SC_UUID_STRING_BUFLEN], uuid7[SC_UUID_STRING_BUFLEN];
    struct blkpg_partition bp = { .pno = 8 };
    struct blkpg_ioctl_arg a = { .op = BLKPG_DEL_PARTITION, .datalen = sizeof(bp), .data = &bp };
    int fd;

    SKIP_UNLESS_RUNNABLE();
    make_pool(f, 64, "dos", true);
    assert_sc_ok(v = create(f, 1, 8 * MiB, "linux"));
    scStorageVolFree(v);
    assert_sc_ok(v = create(f, 2, 30 * MiB, "extended"));
    scStorageVolFree(v);
    for (int n = 3; n <= 7; n++) {
        assert_sc_ok(v = create(f, n, (n == 5 ? 6 : 4) * MiB, "linux"));
        if (n == 6)
            assert_sc_ok(scStorageVolGetUUIDString(v, uuid6) == 0);
        if (n == 7)
            assert_sc_ok(scStorageVolGetUUIDString(v, uuid7) == 0);
        scStorageVolFree(v);
    }
    /* Where p6 starts (in the kernel's 512-byte sectors): p5 after. */
    assert_true(asprintf(&sys, "/sys/block/%s/%sp6/start", f->kname, f->kname) > 0);
    assert_non_null(text = testReadFile(sys));
    block_start = strtoull(text, NULL, 10) * 512;
    block_dev = f->dev;
    free(text);
    free(sys);

    assert_sc_ok(v = lookup(f, 5));
    scTestPointHook = block_hook;
    assert_sc_ok(scStorageVolDelete(v, 0) == 0);
    scTestPointHook = NULL;
    scStorageVolFree(v);
    assert_false(node_exists(f, 5)); /* the kernel's partition 8 is there */
    assert_true(node_exists(f, 6) && node_exists(f, 8));
    assert_false(node_exists(f, 7));
    uuid_is(f, 5, uuid6);
    uuid_is(f, 6, uuid7);
    assert_null(lookup(f, 7));
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE state != 'present'"
                                            " OR op IS NOT NULL"),
                     0);

    /* Partition 8 gone, the next refresh gives the kernel p5. */
    assert_true((fd = open(f->dev, O_RDONLY | O_CLOEXEC)) >= 0);
    assert_int_equal(ioctl(fd, BLKPG, &a), 0);
    close(fd);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_true(node_exists(f, 5) && node_exists(f, 6));
    uuid_is(f, 5, uuid6);
}

/* Four primary partitions and no extended one: no fifth. */
static void
test_dos_fifth_primary(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr v;
    char *before, *after;

    SKIP_UNLESS_RUNNABLE();
    make_pool(f, 32, "dos", true);
    for (int i = 1; i <= 4; i++) {
        assert_sc_ok(v = create(f, i, 4 * MiB, NULL));
        scStorageVolFree(v);
    }
    before = dump(f);
    assert_null(create(f, 5, MiB, NULL));
    err_has("has 4 primary partitions and no extended one");
    after = dump(f);
    assert_string_equal(before, after);
    free(before);
    free(after);
    /* The dos token follows the table: a partition deleted behind
     * storcat's back after a refresh is seen gone by the next one. */
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM pools WHERE change_token LIKE 'dos:%'"), 1);
    assert_int_equal(sh("sfdisk -q --delete %s 4 >/dev/null 2>&1", f->dev), 0);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_sc_ok(v = lookup(f, 4));
    assert_int_equal(scStorageVolGetState(v), SC_STORAGE_VOL_STATE_MISSING);
    scStorageVolFree(v);
}

/* sfdisk changes the table behind storcat's back: a refresh finds the new
 * partition; a create that counted on the old table fails and changes
 * nothing; a restart tells the kernel of the partition. */
static void
test_behind_back(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr v;
    char *before, *after, *xml;

    SKIP_UNLESS_RUNNABLE();
    make_pool(f, 64, "gpt", true);
    assert_sc_ok(v = create(f, 1, 4 * MiB, NULL));
    scStorageVolFree(v);
    /* A refresh that leaves the table's token recorded: the change below
     * must be seen through it. */
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM pools WHERE change_token LIKE 'gpt:%'"), 1);
    assert_int_equal(sh("echo 'size=3MiB, type=swap, name=\"behind back\"' | "
                        "sfdisk -q --append %s >/dev/null 2>&1",
                        f->dev),
                     0);
    /* The catalog still believes p2 is next: the table says otherwise. */
    before = dump(f);
    assert_null(create(f, 2, MiB, NULL));
    err_has("is number 3");
    after = dump(f);
    assert_string_equal(before, after);
    free(before);
    free(after);
    assert_null(lookup(f, 2));

    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_sc_ok(v = lookup(f, 2));
    assert_sc_ok(xml = scStorageVolGetXMLDesc(v, 0));
    has(xml, "<format type='linux-swap'/>");
    has(xml, "<extent start='5242880' end='8388608'/>");
    free(xml);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volume_attrs WHERE name = 'part.name'"
                                " AND value = 'behind back'"),
                     1);
    /* The kernel does not read loop devices' tables: the refresh that
     * found the partition told it, as a start does. */
    assert_true(node_exists(f, 2));
    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    assert_sc_ok(scStoragePoolCreate(f->pool, 0) == 0);
    assert_true(node_exists(f, 2));
    /* And the partition can be used now. */
    assert_sc_ok(scStorageVolWipe(v, 0) == 0);
    scStorageVolFree(v);

    /* A partition the kernel has and the table has not is reported. */
    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    assert_int_equal(sh("sfdisk -q --delete %s 2 >/dev/null 2>&1", f->dev), 0);
    assert_sc_err(scStoragePoolCreate(f->pool, 0) == 0, SC_ERR_OPERATION_INVALID);
    err_has("that the partition table of");
    assert_int_equal(scStoragePoolIsActive(f->pool), 0);
}

/* How many attributes @name (an SQL LIKE pattern) of value @value (any
 * when NULL) the catalog has of partition @n. */
static int
attrs_of(const Fixture *f, int n, const char *name, const char *value)
{
    char *sql;
    int v;

    assert_true(asprintf(&sql,
                         "SELECT count(*) FROM volume_attrs a JOIN volumes v ON v.id = "
                         "a.volume_id WHERE v.name = '%sp%d' AND a.name LIKE '%s'%s%s%s",
                         f->kname, n, name, value ? " AND a.value = '" : "",
                         value ? value : "", value ? "'" : "") > 0);
    v = testSqlInt(f->catalog, sql);
    free(sql);
    return v;
}

/* The first discovery of a table records what libblkid finds inside each
 * partition, and only there: partitions of several sizes (one small
 * enough to be "tiny" to libblkid), signatures on the first and the
 * last, nothing on the one between, which must not inherit the results
 * of the prober that looked at its neighbour before it. */
static void
test_signatures(void **state)
{
    Fixture *f = *state;

    SKIP_UNLESS_RUNNABLE();
    if (sh("command -v mkswap >/dev/null && command -v partx >/dev/null") != 0) {
        print_message("# SKIP mkswap or partx (util-linux) missing\n");
        skip();
    }
    make_pool(f, 32, "gpt", false);
    assert_int_equal(sh("printf 'label: gpt\\nsize=1MiB\\nsize=4MiB\\nsize=4MiB\\n' | "
                        "sfdisk -q %s >/dev/null 2>&1 && partx -a %s",
                        f->dev, f->dev),
                     0);
    assert_int_equal(sh("mkswap -q -L one %sp1 >/dev/null && mkswap -q -L three %sp3 >/dev/null",
                        f->dev, f->dev),
                     0);
    assert_sc_ok(scStoragePoolCreate(f->pool, 0) == 0);
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 3);
    assert_int_equal(attrs_of(f, 1, "content.type", "swap"), 1);
    assert_int_equal(attrs_of(f, 1, "content.label", "one"), 1);
    assert_int_equal(attrs_of(f, 1, "content.uuid", NULL), 1);
    assert_int_equal(attrs_of(f, 2, "content.%", NULL), 0);
    assert_int_equal(attrs_of(f, 3, "content.type", "swap"), 1);
    assert_int_equal(attrs_of(f, 3, "content.label", "three"), 1);
}

/* Open partition @n of the fixture's disk read-only, not exclusively (as
 * a backup tool or `dd` holds it): a descriptor. */
static int
open_part(const Fixture *f, int n)
{
    char node[64];
    int fd;

    snprintf(node, sizeof(node), "%sp%d", f->dev, n);
    assert_true((fd = open(node, O_RDONLY)) >= 0);
    return fd;
}

/* A partition held open by another program without O_EXCL is invisible
 * to the checks of mounts, holders and exclusive openers, and the kernel
 * will not let it go: its delete is refused before the table is written,
 * naming the partition and who holds it; the table, the kernel's
 * partitions and the catalog as they were. On a dos table, a logical
 * partition renumbered by the delete of the one before it counts too:
 * the one already taken from the kernel is given back. */
static void
test_delete_open(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr v;
    char *before, *after, *want;
    int fd;

    SKIP_UNLESS_RUNNABLE();
    make_pool(f, 32, "gpt", true);
    assert_sc_ok(v = create(f, 1, 2 * MiB, NULL));
    scStorageVolFree(v);
    assert_sc_ok(v = create(f, 2, 2 * MiB, NULL));
    fd = open_part(f, 1);
    before = dump(f);
    scStorageVolFree(v);
    assert_sc_ok(v = lookup(f, 1));
    assert_sc_err(scStorageVolDelete(v, 0) == 0, SC_ERR_OPERATION_INVALID);
    assert_true(asprintf(&want, "partition '%sp1' is in use", f->dev) > 0);
    err_has(want);
    free(want);
    assert_true(asprintf(&want, "process %d (", (int) getpid()) > 0);
    err_has(want);
    free(want);
    after = dump(f);
    assert_string_equal(before, after);
    free(after);
    free(before);
    assert_true(node_exists(f, 1) && node_exists(f, 2));
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 2);
    close(fd);
    assert_sc_ok(scStorageVolDelete(v, 0) == 0);
    scStorageVolFree(v);
    assert_false(node_exists(f, 1));
    assert_true(node_exists(f, 2));

    /* dos: p6 open, p5 deleted (p6 would become p5). */
    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    assert_sc_ok(scStoragePoolDelete(f->pool, 0) == 0);
    assert_sc_ok(scStoragePoolUndefine(f->pool) == 0);
    scStoragePoolFree(f->pool);
    f->pool = NULL;
    loop_forget(f->dev);
    loop_detach(f->dev);
    free(f->dev);
    f->dev = NULL;
    make_pool(f, 32, "dos", true);
    assert_sc_ok(v = create(f, 1, 2 * MiB, "linux"));
    scStorageVolFree(v);
    assert_sc_ok(v = create(f, 2, 16 * MiB, "extended"));
    scStorageVolFree(v);
    assert_sc_ok(v = create(f, 3, 2 * MiB, "linux"));
    scStorageVolFree(v);
    assert_sc_ok(v = create(f, 4, 2 * MiB, "linux"));
    scStorageVolFree(v);
    assert_sc_ok(v = create(f, 5, 4 * MiB, "linux"));
    scStorageVolFree(v);
    assert_sc_ok(v = create(f, 6, 4 * MiB, "linux"));
    scStorageVolFree(v);
    fd = open_part(f, 6);
    before = dump(f);
    assert_sc_ok(v = lookup(f, 5));
    assert_sc_err(scStorageVolDelete(v, 0) == 0, SC_ERR_OPERATION_INVALID);
    assert_true(asprintf(&want, "partition '%sp6' is in use", f->dev) > 0);
    err_has(want);
    free(want);
    after = dump(f);
    assert_string_equal(before, after);
    free(after);
    free(before);
    assert_true(node_exists(f, 5) && node_exists(f, 6));
    close(fd);
    assert_sc_ok(scStorageVolDelete(v, 0) == 0);
    scStorageVolFree(v);
    assert_true(node_exists(f, 5));
    assert_false(node_exists(f, 6));
}

/* A partition moved to another number by a rewrite of the table keeps
 * its UUID (its PARTUUID is its identity), also onto the number of a
 * partition that went missing before, which is purged, not revived. */
static void
test_reorder(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr v;
    char uuid3[SC_UUID_STRING_BUFLEN], uuid[SC_UUID_STRING_BUFLEN];

    SKIP_UNLESS_RUNNABLE();
    make_pool(f, 32, "gpt", true);
    for (int i = 1; i <= 3; i++) {
        assert_sc_ok(v = create(f, i, 2 * MiB, NULL));
        if (i == 3)
            assert_sc_ok(scStorageVolGetUUIDString(v, uuid3) == 0);
        scStorageVolFree(v);
    }
    assert_int_equal(sh("sfdisk -q --delete %s 2 >/dev/null 2>&1", f->dev), 0);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_sc_ok(v = lookup(f, 2));
    assert_int_equal(scStorageVolGetState(v), SC_STORAGE_VOL_STATE_MISSING);
    scStorageVolFree(v);
    /* sfdisk --reorder: the third partition becomes the second. */
    assert_int_equal(sh("sfdisk -q --reorder %s >/dev/null 2>&1", f->dev), 0);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_sc_ok(v = lookup(f, 2));
    assert_int_equal(scStorageVolGetState(v), SC_STORAGE_VOL_STATE_PRESENT);
    assert_sc_ok(scStorageVolGetUUIDString(v, uuid) == 0);
    assert_string_equal(uuid, uuid3);
    scStorageVolFree(v);
    assert_null(lookup(f, 3));
    assert_int_equal(scStoragePoolListAllVolumes(f->pool, NULL,
                                                 SC_STORAGE_POOL_LIST_VOLUMES_MISSING), 2);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-purged'"), 1);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-renamed'"), 1);
}

/* Every alias that exists finds the volume: the node, the key, the UUID
 * and, with a target directory of links (libvirt's stable paths), the
 * link, which is then the volume's path. */
static void
test_aliases(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr v, w;
    char *links, *link, *node, *xml;
    char uuid[SC_UUID_STRING_BUFLEN], uuid2[SC_UUID_STRING_BUFLEN];

    SKIP_UNLESS_RUNNABLE();
    make_pool(f, 32, "gpt", true);
    assert_sc_ok(v = create(f, 1, 4 * MiB, NULL));
    assert_sc_ok(scStorageVolGetUUIDString(v, uuid) == 0);
    assert_true(asprintf(&links, "%s/by-test", f->dir) > 0);
    assert_true(asprintf(&link, "%s/vm-disk", links) > 0);
    assert_true(asprintf(&node, "%sp1", f->dev) > 0);
    assert_int_equal(mkdir(links, 0755), 0);
    assert_int_equal(symlink(node, link), 0);
    scStorageVolFree(v);

    /* The pool's target is that directory. */
    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    assert_sc_ok(scStoragePoolUndefine(f->pool) == 0);
    scStoragePoolFree(f->pool);
    assert_true(asprintf(&xml,
                         "<pool type='disk'><name>dp</name><source><device path='%s'/>"
                         "<format type='gpt'/></source><target><path>%s</path></target></pool>",
                         f->dev, links) > 0);
    assert_sc_ok(f->pool = scStoragePoolDefineXML(f->conn, xml, 0));
    free(xml);
    assert_sc_ok(scStoragePoolCreate(f->pool, 0) == 0);
    assert_sc_ok(v = lookup(f, 1));
    assert_sc_ok(xml = scStorageVolGetPath(v));
    assert_string_equal(xml, link);
    free(xml);
    assert_sc_ok(scStorageVolGetUUIDString(v, uuid) == 0);
    {
        const char *paths[] = { link, node };
        for (size_t i = 0; i < 2; i++) {
            assert_sc_ok(w = scStorageVolLookupByPath(f->conn, paths[i]));
            assert_sc_ok(scStorageVolGetUUIDString(w, uuid2) == 0);
            assert_string_equal(uuid, uuid2);
            scStorageVolFree(w);
        }
    }
    assert_sc_ok(w = scStorageVolLookupByKey(f->conn, scStorageVolGetKey(v)));
    scStorageVolFree(w);
    /* And the /dev/disk/by-partuuid link, where udev made one. */
    {
        char *byuuid;
        struct stat st;
        assert_true(asprintf(&byuuid, "/dev/disk/by-partuuid/%s", scStorageVolGetKey(v)) > 0);
        if (stat(byuuid, &st) == 0) {
            assert_sc_ok(w = scStorageVolLookupByPath(f->conn, byuuid));
            scStorageVolFree(w);
        } else {
            print_message("# no udev links here: /dev/disk/by-partuuid not checked\n");
        }
        free(byuuid);
    }
    scStorageVolFree(v);
    free(links);
    free(link);
    free(node);
}

/* A disk with a file system is not labelled unless overwrite is asked;
 * the message names what libblkid found. */
static void
test_refuse_ext4(void **state)
{
    Fixture *f = *state;
    char *text;

    SKIP_UNLESS_RUNNABLE();
    if (sh("command -v mkfs.ext4 >/dev/null") != 0) {
        print_message("# SKIP mkfs.ext4 (e2fsprogs) missing\n");
        skip();
    }
    make_pool(f, 32, "gpt", false);
    assert_int_equal(sh("mkfs.ext4 -q -F %s >/dev/null 2>&1", f->dev), 0);
    assert_sc_err(scStoragePoolBuild(f->pool, 0) == 0, SC_ERR_OPERATION_INVALID);
    err_has("already has an ext4 file system");
    assert_sc_err(scStoragePoolBuild(f->pool, SC_STORAGE_POOL_BUILD_NO_OVERWRITE) == 0,
                  SC_ERR_OPERATION_INVALID);
    assert_int_equal(sh("blkid -p -o value -s TYPE %s | grep -q ext4", f->dev), 0);
    assert_sc_err(scStoragePoolCreate(f->pool, 0) == 0, SC_ERR_OPERATION_INVALID);
    err_has("has no partition table");
    assert_sc_ok(scStoragePoolBuild(f->pool, SC_STORAGE_POOL_BUILD_OVERWRITE) == 0);
    text = dump(f);
    has(text, "label: gpt");
    free(text);
    assert_sc_ok(scStoragePoolCreate(f->pool, 0) == 0);
    /* A label there already: the same refusal. */
    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    assert_sc_err(scStoragePoolBuild(f->pool, 0) == 0, SC_ERR_OPERATION_INVALID);
    err_has("already has a gpt partition table");
    /* And the other label than the pool's is refused at start. */
    assert_int_equal(sh("echo 'label: dos' | sfdisk -q %s >/dev/null 2>&1", f->dev), 0);
    assert_sc_err(scStoragePoolCreate(f->pool, 0) == 0, SC_ERR_OPERATION_INVALID);
    err_has("has a dos partition table, not the gpt");
}

/* A corrupt primary GPT: said so (the backup is good), nothing changed,
 * repaired from the backup; both copies corrupt: refused. */
static void
test_corrupt_gpt(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr v;
    char *text;

    SKIP_UNLESS_RUNNABLE();
    make_pool(f, 32, "gpt", true);
    assert_sc_ok(v = create(f, 1, 4 * MiB, NULL));
    scStorageVolFree(v);
    assert_int_equal(sh("dd if=/dev/zero of=%s bs=512 seek=1 count=1 conv=notrunc status=none",
                        f->dev),
                     0);
    assert_sc_err(scStoragePoolRefresh(f->pool, 0) == 0, SC_ERR_OPERATION_INVALID);
    err_has("primary GPT header of");
    err_has("is corrupt but its backup is good");
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 1); /* nothing marked gone */
    assert_null(create(f, 2, MiB, NULL));
    err_has("backup is good");
    assert_int_equal(sh("dd if=%s bs=512 skip=1 count=1 status=none | tr -d '\\0' | "
                        "grep -q .",
                        f->dev),
                     1); /* still zero: nothing was written */
    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    assert_sc_ok(scStoragePoolBuild(f->pool, SC_STORAGE_POOL_BUILD_REPAIR) == 0);
    assert_sc_ok(scStoragePoolCreate(f->pool, 0) == 0);
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 1);
    text = dump(f);
    has(text, "p1 : start=        2048, size=        8192");
    free(text);

    /* Both headers gone. */
    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    assert_int_equal(sh("dd if=/dev/zero of=%s bs=512 seek=1 count=1 conv=notrunc status=none && "
                        "dd if=/dev/zero of=%s bs=512 seek=$(($(blockdev --getsz %s) - 1)) "
                        "count=1 conv=notrunc status=none",
                        f->dev, f->dev, f->dev),
                     0);
    assert_sc_err(scStoragePoolCreate(f->pool, 0) == 0, SC_ERR_OPERATION_INVALID);
    err_has("its primary and its backup headers are both corrupt");
    assert_sc_err(scStoragePoolBuild(f->pool, SC_STORAGE_POOL_BUILD_REPAIR) == 0,
                  SC_ERR_OPERATION_INVALID);
}

/* A partition given as the pool's disk; a disk in use; a disk that
 * vanished. */
static void
test_faults(void **state)
{
    Fixture *f = *state;
    scStoragePoolPtr p;
    scStorageVolPtr v;
    char *xml, node[64];
    int fd, r;

    SKIP_UNLESS_RUNNABLE();
    make_pool(f, 32, "gpt", true);
    assert_sc_ok(v = create(f, 1, 4 * MiB, NULL));
    snprintf(node, sizeof(node), "%sp1", f->dev);
    assert_true(asprintf(&xml,
                         "<pool type='disk'><name>part</name><source><device path='%s'/>"
                         "<format type='gpt'/></source><target><path>/dev</path></target></pool>",
                         node) > 0);
    assert_sc_ok(p = scStoragePoolDefineXML(f->conn, xml, 0));
    free(xml);
    assert_sc_err(scStoragePoolCreate(p, 0) == 0, SC_ERR_OPERATION_INVALID);
    err_has("is a partition, not a whole disk");
    assert_sc_err(scStoragePoolBuild(p, SC_STORAGE_POOL_BUILD_OVERWRITE) == 0,
                  SC_ERR_OPERATION_INVALID);
    assert_sc_ok(scStoragePoolUndefine(p) == 0);
    scStoragePoolFree(p);

    /* In use: held open exclusively, as a mount or a VM holds it. */
    assert_true((fd = open(node, O_RDONLY | O_EXCL)) >= 0);
    assert_sc_err(scStorageVolDelete(v, 0) == 0, SC_ERR_OPERATION_INVALID);
    err_has("is open exclusively by another program");
    assert_sc_err(scStorageVolWipe(v, 0) == 0, SC_ERR_OPERATION_INVALID);
    err_has("is in use");
    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    assert_sc_err(scStoragePoolDelete(f->pool, 0) == 0, SC_ERR_OPERATION_INVALID);
    err_has("is open exclusively");
    assert_sc_err(scStoragePoolBuild(f->pool, SC_STORAGE_POOL_BUILD_OVERWRITE) == 0,
                  SC_ERR_OPERATION_INVALID);
    close(fd);
    assert_sc_ok(scStoragePoolCreate(f->pool, 0) == 0);
    assert_true(node_exists(f, 1));

    /* The disk goes: the refresh fails and nothing is marked missing. A
     * test running beside this one may attach its image to the device
     * number freed here: what follows would then act on its disk, and is
     * left out. */
    snprintf(node, sizeof(node), "%s", f->dev);
    loop_forget(f->dev);
    loop_detach(f->dev);
    free(f->dev);
    f->dev = NULL;
    r = scStoragePoolRefresh(f->pool, 0);
    if (loop_taken(node)) {
        print_message("# %s was taken by another test: the vanished disk is not checked\n", node);
        scStorageVolFree(v);
        return;
    }
    assert_sc_err(r == 0, SC_ERR_OPERATION_INVALID);
    err_has("has no medium");
    assert_int_equal(scStorageVolGetState(v), SC_STORAGE_VOL_STATE_PRESENT);
    if (!loop_taken(node)) {
        assert_null(create(f, 2, MiB, NULL));
        err_has("has no medium");
    }
    scStorageVolFree(v);
}

/* Build, delete: the label goes (first and last MiB zeroed, as libvirt),
 * with the kernel's partitions; a zeroed delete is refused, as libvirt's. */
static void
test_delete_pool(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr v;

    SKIP_UNLESS_RUNNABLE();
    make_pool(f, 32, "dos", true);
    assert_sc_ok(v = create(f, 1, 4 * MiB, NULL));
    scStorageVolFree(v);
    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    assert_sc_err(scStoragePoolDelete(f->pool, SC_STORAGE_POOL_DELETE_ZEROED) == 0,
                  SC_ERR_OPERATION_UNSUPPORTED);
    assert_sc_ok(scStoragePoolDelete(f->pool, 0) == 0);
    assert_false(node_exists(f, 1));
    assert_int_equal(sh("blkid -p %s >/dev/null 2>&1", f->dev), 2); /* nothing found */
    assert_sc_err(scStoragePoolCreate(f->pool, 0) == 0, SC_ERR_OPERATION_INVALID);
    err_has("has no partition table: build the pool first");
}

/* A clone of a partition into a new one of another pool's disk. */
static void
test_clone(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr v, c;
    unsigned char buf[4096], got[4096];
    char path[64];
    int fd;

    SKIP_UNLESS_RUNNABLE();
    make_pool(f, 32, "gpt", true);
    assert_sc_ok(v = create(f, 1, 2 * MiB, NULL));
    memset(buf, 0xa5, sizeof(buf));
    snprintf(path, sizeof(path), "%s/data", f->dir);
    fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    assert_int_equal(write(fd, buf, sizeof(buf)), sizeof(buf));
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    assert_sc_ok(scStorageVolUploadFD(v, fd, 0, 0, 0) == 0);
    close(fd);
    {
        char *xml, *name = part(f, 2);
        assert_true(asprintf(&xml, "<volume><name>%s</name><capacity>1</capacity></volume>",
                             name) > 0);
        assert_sc_ok(c = scStorageVolCreateXMLFrom(f->pool, xml, v, 0));
        free(xml);
        free(name);
    }
    snprintf(path, sizeof(path), "%sp2", f->dev);
    fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    assert_int_equal(read(fd, got, sizeof(got)), sizeof(got));
    close(fd);
    assert_memory_equal(buf, got, sizeof(got));
    /* Planned as large as its source, as built: not the 1 byte asked. */
    assert_int_equal(testSqlInt(f->catalog, "SELECT capacity FROM volumes WHERE name LIKE '%p2'"), 2 * MiB);
    scStorageVolFree(c);
    /* A clone whose XML gives no capacity has its source's (as libvirt's). */
    {
        char *xml, *name = part(f, 3);
        assert_true(asprintf(&xml, "<volume><name>%s</name></volume>", name) > 0);
        assert_sc_ok(c = scStorageVolCreateXMLFrom(f->pool, xml, v, 0));
        free(xml);
        free(name);
    }
    assert_int_equal(testSqlInt(f->catalog, "SELECT capacity FROM volumes WHERE name LIKE '%p3'"), 2 * MiB);
    scStorageVolFree(c);
    scStorageVolFree(v);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_gpt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_until_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gpt_full_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dos_logical, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dos_delete_kernel_refuses, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dos_fifth_primary, setup, teardown),
        cmocka_unit_test_setup_teardown(test_behind_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_signatures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_open, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reorder, setup, teardown),
        cmocka_unit_test_setup_teardown(test_aliases, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuse_ext4, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupt_gpt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_faults, setup, teardown),
        cmocka_unit_test_setup_teardown(test_delete_pool, setup, teardown),
        cmocka_unit_test_setup_teardown(test_clone, setup, teardown),
    };
    int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGABRT };

    atexit(loops_cleanup);
    if (__sanitizer_set_death_callback)
        __sanitizer_set_death_callback(loops_cleanup);
    for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
        signal(sigs[i], on_signal);
    return cmocka_run_group_tests(tests, NULL, NULL);
}
