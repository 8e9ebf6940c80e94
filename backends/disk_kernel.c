/*
 * disk_kernel.c: a disk pool's partitions as the kernel sees them.
 *
 * Partition nodes are named as the kernel names them (sdb1, loop0p1,
 * nvme0n1p1), device-mapper ones by libvirt's part_separator rule. After
 * a change to the table the kernel is told about that one partition with
 * BLKPG, as partx does: never a re-read of the whole disk, which fails on
 * a busy disk and which the kernel does not do for loop devices at all.
 * The kernel's partitions are read from sysfs; a partition the kernel has
 * and the table has not is reported, never removed behind the user's
 * back. What is in use (mounted, held by LVM, RAID or device-mapper, open
 * exclusively) is found before anything is changed.
 */
#include <config.h>

#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/blkpg.h>
#include <linux/fs.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "disk_priv.h"
#include "util/util.h"

/* How long a partition node may take to appear or go (devtmpfs, udev). */
#define NODE_WAIT_MS 10000
/* How long a partition the kernel must drop may stay open (EBUSY) by
 * another program before that is an error. */
#define BUSY_WAIT_MS 2000

/* ---- names ------------------------------------------------------------------ */

char *
diskPartPath(const Disk *d, size_t partno)
{
    return scAsprintf("%s%zu", d->prefix, partno);
}

char *
diskPartName(const Disk *d, size_t partno)
{
    const char *base = strrchr(d->prefix, '/') + 1;

    return scAsprintf("%s%zu", base, partno);
}

int
diskPartnoOf(const Disk *d, const char *name, size_t *partno)
{
    const char *base = strrchr(d->prefix, '/') + 1;
    size_t len = strlen(base);
    unsigned long long n = 0;
    const char *p;

    if (strncmp(name, base, len) != 0 || !name[len] || name[len] == '0')
        return 0;
    for (p = name + len; *p; p++) {
        if (!isdigit((unsigned char) *p) || n > 100000)
            return 0;
        n = n * 10 + (unsigned long long) (*p - '0');
    }
    *partno = (size_t) n;
    return 1;
}

/* ---- the kernel's partitions -------------------------------------------------- */

/* One partition the kernel has: sysfs counts in 512-byte units. */
typedef struct {
    size_t partno;
    unsigned long long start, size; /* bytes */
    dev_t devno;
} KPart;

/* Read number @field of sysfs file @path. 0 or -1 (no error reported). */
static int
sysfs_ull(const char *path, unsigned long long *v)
{
    FILE *f = fopen(path, "re");
    int ok;

    if (!f)
        return -1;
    ok = fscanf(f, "%llu", v) == 1;
    fclose(f);
    return ok ? 0 : -1;
}

static int
sysfs_dev(const char *path, dev_t *devno)
{
    FILE *f = fopen(path, "re");
    unsigned int ma, mi;
    int ok;

    if (!f)
        return -1;
    ok = fscanf(f, "%u:%u", &ma, &mi) == 2;
    fclose(f);
    if (ok)
        *devno = makedev(ma, mi);
    return ok ? 0 : -1;
}

/* The partition @name of the disk in sysfs, into @k: its number, start
 * and size, and with @full its device number. 1, 0 (not there). */
static int
kpart_read(const Disk *d, const char *name, KPart *k, bool full)
{
    char path[PATH_MAX];
    unsigned long long partno;

    snprintf(path, sizeof(path), "/sys/block/%s/%s/start", d->kname, name);
    if (sysfs_ull(path, &k->start) < 0)
        return 0;
    snprintf(path, sizeof(path), "/sys/block/%s/%s/size", d->kname, name);
    if (sysfs_ull(path, &k->size) < 0)
        return 0;
    k->start *= 512;
    k->size *= 512;
    k->devno = 0;
    if (!full && diskPartnoOf(d, name, &k->partno))
        return 1;
    snprintf(path, sizeof(path), "/sys/block/%s/%s/partition", d->kname, name);
    if (sysfs_ull(path, &partno) < 0)
        return 0;
    k->partno = (size_t) partno;
    snprintf(path, sizeof(path), "/sys/block/%s/%s/dev", d->kname, name);
    if (full && sysfs_dev(path, &k->devno) < 0)
        return 0;
    return 1;
}

/* The disk's sysfs directory, where its partitions are, in *@dir: 1; 0
 * for device-mapper (its partitions are kpartx's); -1 (reported). */
static int
sys_dir(const Disk *d, DIR **dir)
{
    char path[PATH_MAX];

    *dir = NULL;
    if (d->dm)
        return 0;
    snprintf(path, sizeof(path), "/sys/block/%s", d->kname);
    if (!(*dir = opendir(path))) {
        scReportSystemError(SC_FROM_STORAGE, errno,
                            "pool '%s': cannot read the kernel's partitions of '%s' (%s)", d->pool,
                            d->path, path);
        return -1;
    }
    return 1;
}

/* Every partition the kernel has of the disk (none for device-mapper). */
static int
kparts(const Disk *d, KPart **v, size_t *n)
{
    struct dirent *e;
    DIR *dir;
    int r;

    *v = NULL;
    *n = 0;
    if ((r = sys_dir(d, &dir)) <= 0)
        return r;
    while ((e = readdir(dir))) {
        KPart k, *nv;
        if (strncmp(e->d_name, d->kname, strlen(d->kname)) != 0 ||
            !kpart_read(d, e->d_name, &k, false))
            continue;
        if (!(nv = reallocarray(*v, *n + 1, sizeof(*nv)))) {
            closedir(dir);
            free(*v);
            *v = NULL;
            scReportOOM();
            return -1;
        }
        *v = nv;
        nv[(*n)++] = k;
    }
    closedir(dir);
    return 0;
}

int
diskKernelCount(const Disk *d, size_t *n)
{
    size_t len = strlen(d->kname);
    struct dirent *e;
    DIR *dir;
    int r;

    *n = 0;
    if ((r = sys_dir(d, &dir)) <= 0)
        return r;
    /* A partition's directory is the only entry named after the disk. */
    while ((e = readdir(dir)))
        if (strncmp(e->d_name, d->kname, len) == 0 && e->d_name[len])
            (*n)++;
    closedir(dir);
    return 0;
}

static const KPart *
kpart_find(const KPart *v, size_t n, size_t partno)
{
    for (size_t i = 0; i < n; i++)
        if (v[i].partno == partno)
            return &v[i];
    return NULL;
}

static void
sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    nanosleep(&ts, NULL);
}

/* Wait for partition @partno's node to be device @devno (@present), or
 * to be gone (!@present). 0, or -1 (reported) after NODE_WAIT_MS. */
static int
wait_node(const Disk *d, size_t partno, dev_t devno, bool present)
{
    _cleanup_free_ char *path = diskPartPath(d, partno);
    struct stat st;

    if (!path)
        return -1;
    for (long waited = 0;; waited += 5) {
        int r = stat(path, &st);
        bool is = r == 0 && S_ISBLK(st.st_mode) && (!present || !devno || st.st_rdev == devno);
        if (present ? is : (r < 0 && errno == ENOENT) || (r == 0 && st.st_rdev != devno))
            return 0;
        if (waited >= NODE_WAIT_MS)
            break;
        sleep_ms(5);
    }
    scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                  "pool '%s': partition node '%s' did not %s within %d s%s", d->pool, path,
                  present ? "appear" : "go away", NODE_WAIT_MS / 1000,
                  d->dm ? " (a device-mapper disk's partitions are made by kpartx)" : "");
    return -1;
}

static int
blkpg(const Disk *d, int op, size_t partno, unsigned long long start, unsigned long long len)
{
    struct blkpg_partition p = { .start = (long long) start,
                                 .length = (long long) len,
                                 .pno = (int) partno };
    struct blkpg_ioctl_arg a = { .op = op, .flags = 0, .datalen = sizeof(p), .data = &p };

    return ioctl(d->fd, BLKPG, &a);
}

int
diskKernelAdd(Disk *d, const DiskPart *p)
{
    unsigned long long start = p->start * d->sector, len = p->size * d->sector;
    _cleanup_free_ char *name = diskPartName(d, p->partno);
    KPart k;

    if (!name)
        return -1;
    if (d->dm)
        return wait_node(d, p->partno, 0, true) < 0 ? -1 : 0;
    /* The kernel gives an extended partition 2 sectors (1 KiB), so that
     * nothing makes a file system over the logical ones. */
    if (p->kind == PART_EXTENDED && len > 1024)
        len = 1024;
    if (blkpg(d, BLKPG_ADD_PARTITION, p->partno, start, len) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno,
                            "pool '%s': cannot tell the kernel of partition %zu of '%s' "
                            "(start %llu, length %llu)",
                            d->pool, p->partno, d->path, start, len);
        return -1;
    }
    if (kpart_read(d, name, &k, true) <= 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "pool '%s': the kernel took partition %zu of '%s' but does not show it",
                      d->pool, p->partno, d->path);
        return -1;
    }
    return wait_node(d, p->partno, k.devno, true);
}

/* The programs that have block device @devno open, from /proc/PID/fd:
 * "process 1234 (qemu)", the first few, comma-separated; NULL for none
 * found (or no memory). Only for messages: a program that opened it
 * meanwhile, or one whose /proc entries are not ours to read, is missed. */
static char *
openers(dev_t devno)
{
    char *who = NULL;
    int found = 0;
    struct dirent *e;
    DIR *proc = opendir("/proc");

    if (!proc)
        return NULL;
    while (found < 3 && (e = readdir(proc))) {
        char path[PATH_MAX];
        struct dirent *fe;
        DIR *fds;
        bool has = false;

        if (!isdigit((unsigned char) e->d_name[0]))
            continue;
        snprintf(path, sizeof(path), "/proc/%s/fd", e->d_name);
        if (!(fds = opendir(path)))
            continue;
        while (!has && (fe = readdir(fds))) {
            char target[8];
            struct stat st;
            if (fe->d_name[0] == '.')
                continue;
            snprintf(path, sizeof(path), "/proc/%s/fd/%s", e->d_name, fe->d_name);
            /* Only what lies under /dev is looked at: a stat of a file
             * on a hung NFS or FUSE mount would hang the delete. */
            if (readlink(path, target, sizeof(target)) < 5 || memcmp(target, "/dev/", 5) != 0)
                continue;
            has = stat(path, &st) == 0 && S_ISBLK(st.st_mode) && st.st_rdev == devno;
        }
        closedir(fds);
        if (has) {
            char comm[64] = "?";
            FILE *f;
            char *more;
            snprintf(path, sizeof(path), "/proc/%s/comm", e->d_name);
            if ((f = fopen(path, "re"))) {
                if (fgets(comm, sizeof(comm), f))
                    comm[strcspn(comm, "\n")] = '\0';
                fclose(f);
            }
            more = scAsprintf("%s%sprocess %s (%s)", who ? who : "", who ? ", " : "",
                              e->d_name, comm);
            free(who);
            if (!(who = more))
                break;
            found++;
        }
    }
    closedir(proc);
    return who;
}

int
diskKernelDel(Disk *d, size_t partno)
{
    _cleanup_free_ char *name = diskPartName(d, partno);
    KPart k;

    if (!name)
        return -1;
    if (d->dm || kpart_read(d, name, &k, true) <= 0)
        return 0;
    /* A partition open anywhere is EBUSY: a scanner that opens every
     * block device (udev's blkid, an lvm2 command) holds it for moments,
     * so it is asked again for up to BUSY_WAIT_MS. */
    for (long waited = 0;; waited += 5) {
        if (blkpg(d, BLKPG_DEL_PARTITION, partno, 0, 0) == 0 || errno == ENXIO)
            break;
        if (errno == EBUSY && waited >= BUSY_WAIT_MS) {
            _cleanup_free_ char *node = diskPartPath(d, partno);
            _cleanup_free_ char *who = openers(k.devno);
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                          "pool '%s': partition '%s' is in use: it stayed open%s%s for %d s, "
                          "and the kernel does not let go of an open partition",
                          d->pool, node ? node : name, who ? " by " : "", who ? who : "",
                          BUSY_WAIT_MS / 1000);
            return -1;
        }
        if (errno != EBUSY) {
            scReportSystemError(SC_FROM_STORAGE, errno,
                                "pool '%s': cannot take partition %zu of '%s' from the kernel",
                                d->pool, partno, d->path);
            return -1;
        }
        sleep_ms(5);
    }
    return wait_node(d, partno, k.devno, false);
}

/* Does the kernel's @k show table partition @p? */
static bool
kpart_is(const Disk *d, const KPart *k, const DiskPart *p)
{
    unsigned long long start = p->start * d->sector, len = p->size * d->sector;

    if (p->kind == PART_EXTENDED)
        return k->start == start && k->size <= len;
    return k->start == start && k->size == len;
}

int
diskKernelSync(Disk *d, const DiskTable *t, DiskSync how)
{
    _cleanup_free_ KPart *k = NULL;
    size_t nk;

    if (kparts(d, &k, &nk) < 0)
        return -1;
    for (size_t i = 0; i < nk; i++) {
        const DiskPart *p = t ? diskTableFind(t, k[i].partno) : NULL;
        if ((p && kpart_is(d, &k[i], p)) || how == DISK_SYNC_KEEP)
            continue;
        if (how == DISK_SYNC_CHECK) {
            _cleanup_free_ char *node = diskPartPath(d, k[i].partno);
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                          "pool '%s': the kernel has partition '%s' (start %llu, %llu bytes) "
                          "that the partition table of '%s' %s: the table changed behind the "
                          "kernel's back (partx -d, or reboot)",
                          d->pool, node ? node : "?", k[i].start, k[i].size, d->path,
                          p ? "places elsewhere" : "does not have");
            return -1;
        }
        if (diskKernelDel(d, k[i].partno) < 0)
            return -1;
    }
    for (size_t i = 0; t && i < t->nparts; i++) {
        const KPart *kp = kpart_find(k, nk, t->parts[i].partno);
        if (kp && kpart_is(d, kp, &t->parts[i]))
            continue;
        if (how != DISK_SYNC_KEEP) {
            if (diskKernelAdd(d, &t->parts[i]) < 0)
                return -1;
        } else if (!kp) {
            /* What the kernel lacks, as far as it takes it: a number it
             * has elsewhere, or a place that overlaps one of its, is the
             * start's to report. */
            scErrorSaved *saved = scErrorSave();
            diskKernelAdd(d, &t->parts[i]);
            scErrorRestore(&saved);
        }
    }
    return 0;
}

/* ---- in use ----------------------------------------------------------------- */

/* A mount of device @devno, from /proc/self/mountinfo: its mount point
 * in *@where. 1, 0, -1. */
static int
mounted(dev_t devno, char **where)
{
    FILE *f = fopen("/proc/self/mountinfo", "re");
    char *line = NULL;
    size_t cap = 0;
    int r = 0;

    if (!f) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot read /proc/self/mountinfo");
        return -1;
    }
    while (r == 0 && getline(&line, &cap, f) > 0) {
        unsigned int ma, mi;
        char mnt[PATH_MAX];
        if (sscanf(line, "%*d %*d %u:%u %*s %4095s", &ma, &mi, mnt) == 3 &&
            makedev(ma, mi) == devno) {
            r = (*where = scStrdup(mnt)) ? 1 : -1;
        }
    }
    free(line);
    fclose(f);
    return r;
}

/* The first holder of sysfs block device @sysdir (dm, md), or NULL. */
static char *
holder(const char *sysdir)
{
    char path[PATH_MAX];
    struct dirent *e;
    char *h = NULL;
    DIR *dir;

    snprintf(path, sizeof(path), "%s/holders", sysdir);
    if (!(dir = opendir(path)))
        return NULL;
    while (!h && (e = readdir(dir)))
        if (e->d_name[0] != '.')
            h = scStrdup(e->d_name);
    closedir(dir);
    return h;
}

/* Is block device @devno (sysfs @sysdir, node @node) mounted or held?
 * With @excl, also: open exclusively by someone (what mkfs, mount or a
 * VM's disk do; for a whole disk, also true when a partition is). */
static int
dev_in_use(const char *node, dev_t devno, const char *sysdir, bool excl, char **why)
{
    _cleanup_free_ char *where = NULL;
    _cleanup_free_ char *h = NULL;
    int r, fd;

    if ((r = mounted(devno, &where)) != 0) {
        if (r > 0)
            *why = scAsprintf("'%s' is mounted on '%s'", node, where);
        return r < 0 || !*why ? -1 : 1;
    }
    if ((h = holder(sysdir))) {
        *why = scAsprintf("'%s' is held by '%s' (device-mapper, LVM or RAID)", node, h);
        return *why ? 1 : -1;
    }
    if (!excl)
        return 0;
    fd = open(node, O_RDONLY | O_EXCL | O_CLOEXEC | O_NONBLOCK);
    if (fd >= 0) {
        close(fd);
        return 0;
    }
    if (errno == EBUSY) {
        *why = scAsprintf("'%s' is open exclusively by another program", node);
        return *why ? 1 : -1;
    }
    return 0; /* gone, or not ours to open: nothing holds it */
}

int
diskInUse(const Disk *d, size_t partno, char **why)
{
    _cleanup_free_ KPart *k = NULL;
    char sysdir[PATH_MAX];
    size_t nk;
    int r;

    *why = NULL;
    snprintf(sysdir, sizeof(sysdir), "/sys/block/%s", d->kname);
    if (partno == 0 && (r = dev_in_use(d->node, d->devno, sysdir, false, why)) != 0)
        return r;
    if (kparts(d, &k, &nk) < 0)
        return -1;
    /* The partitions first: a mounted one is named, not just its disk. */
    for (size_t i = 0; i < nk; i++) {
        _cleanup_free_ char *node = NULL;
        _cleanup_free_ char *name = NULL;
        if (partno && k[i].partno != partno)
            continue;
        if (!(node = diskPartPath(d, k[i].partno)) || !(name = diskPartName(d, k[i].partno)))
            return -1;
        snprintf(sysdir, sizeof(sysdir), "/sys/block/%s/%s", d->kname, name);
        if (kpart_read(d, name, &k[i], true) <= 0)
            continue; /* gone meanwhile */
        if ((r = dev_in_use(node, k[i].devno, sysdir, true, why)) != 0)
            return r;
    }
    snprintf(sysdir, sizeof(sysdir), "/sys/block/%s", d->kname);
    if (partno == 0)
        return dev_in_use(d->node, d->devno, sysdir, true, why);
    return 0;
}

int
diskOpenPart(Disk *d, const DiskPart *p, int flags)
{
    _cleanup_free_ char *path = diskPartPath(d, p->partno);
    _cleanup_free_ char *name = diskPartName(d, p->partno);
    struct stat st;
    KPart k;
    int fd;

    if (!path || !name)
        return -1;
    /* A partition the kernel does not know yet (added behind storcat's
     * back on a disk it does not re-read) is told of first. */
    if (!d->dm && kpart_read(d, name, &k, true) <= 0) {
        if (diskKernelAdd(d, p) < 0 || kpart_read(d, name, &k, true) <= 0)
            return -1;
    }
    if (!d->dm && !kpart_is(d, &k, p)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "volume '%s': the kernel's partition %zu of '%s' is not the one in its "
                      "table (start %llu, %llu bytes): restart pool '%s'",
                      name, p->partno, d->path, k.start, k.size, d->pool);
        return -1;
    }
    if ((flags & O_ACCMODE) != O_RDONLY)
        flags |= O_EXCL;
    fd = open(path, flags | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == EBUSY)
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                          "volume '%s' is in use (mounted, held or open exclusively): '%s'", name,
                          path);
        else
            scReportSystemError(SC_FROM_STORAGE, errno, "volume '%s': cannot open '%s'", name,
                                path);
        return -1;
    }
    if (fstat(fd, &st) < 0 || !S_ISBLK(st.st_mode) || (!d->dm && st.st_rdev != k.devno)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "volume '%s': '%s' is not the kernel's partition %zu of '%s'", name, path,
                      p->partno, d->path);
        close(fd);
        return -1;
    }
    return fd;
}

/* ---- aliases ----------------------------------------------------------------- */

void
diskAliasesClear(DiskAliases *a)
{
    for (size_t i = 0; i < a->n; i++) {
        free(a->links[i]);
        free(a->targets[i]);
    }
    free(a->links);
    free(a->targets);
    memset(a, 0, sizeof(*a));
}

static int
alias_add(DiskAliases *a, const char *link, const char *target)
{
    char **l = reallocarray(a->links, a->n + 1, sizeof(*l));
    char **t;

    if (!l)
        goto oom;
    a->links = l;
    if (!(t = reallocarray(a->targets, a->n + 1, sizeof(*t))))
        goto oom;
    a->targets = t;
    if (!(l[a->n] = scStrdup(link)))
        return -1;
    if (!(t[a->n] = scStrdup(target))) {
        free(l[a->n]);
        return -1;
    }
    a->n++;
    return 0;
oom:
    scReportOOM();
    return -1;
}

/* The links in directory @dir that resolve to a node in /dev. */
static int
aliases_in(DiskAliases *a, const char *dir)
{
    DIR *dp = opendir(dir);
    struct dirent *e;

    if (!dp)
        return 0; /* no udev, or no such links: none to add */
    while ((e = readdir(dp))) {
        char link[PATH_MAX], target[PATH_MAX];
        if (e->d_name[0] == '.' || (e->d_type != DT_LNK && e->d_type != DT_UNKNOWN))
            continue;
        snprintf(link, sizeof(link), "%s/%s", dir, e->d_name);
        if (!realpath(link, target) || strncmp(target, "/dev/", 5) != 0)
            continue;
        if (alias_add(a, link, target) < 0) {
            closedir(dp);
            return -1;
        }
    }
    closedir(dp);
    return 0;
}

int
diskAliasesLoad(const Disk *d, const char *target, DiskAliases *a)
{
    static const char *const dirs[] = { "/dev/disk/by-partuuid", "/dev/disk/by-partlabel",
                                        "/dev/disk/by-id", "/dev/disk/by-path",
                                        "/dev/disk/by-uuid" };
    bool standard = !target || strcmp(target, "/dev") == 0;

    (void) d;
    memset(a, 0, sizeof(*a));
    for (size_t i = 0; i < SC_N_ELEMENTS(dirs); i++) {
        if (target && strcmp(target, dirs[i]) == 0)
            standard = true;
        if (aliases_in(a, dirs[i]) < 0)
            goto error;
    }
    /* A pool whose target is a directory of links (libvirt's stable
     * paths, /dev/disk/by-path or one of the host's own) names its
     * volumes by those links. */
    if (!standard && aliases_in(a, target) < 0)
        goto error;
    return 0;
error:
    diskAliasesClear(a);
    return -1;
}

int
diskAliasesAdd(const DiskAliases *a, const char *node, scVolRecord *rec)
{
    char real[PATH_MAX];

    if (!a || !a->n || !realpath(node, real))
        return 0;
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->targets[i], real) == 0 && scVolRecordAddAlias(rec, a->links[i]) < 0)
            return -1;
    return 0;
}
