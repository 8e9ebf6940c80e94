/*
 * disk.c: the "disk" backend: a pool is a whole disk with a GPT or dos
 * partition table (libfdisk), its volumes are the partitions. This file
 * has the pool's slots: build (a new label, never over something libblkid
 * finds unless overwrite is asked), repair (a GPT from its good copy),
 * start (the label checked, the kernel told of the partitions it lacks,
 * a partition it has that the table has not reported), delete (the label
 * wiped, as libvirt: the first and last MiB zeroed), check, the sizes and
 * free extents from the table, and discovery with its change token.
 * The volumes' slots are in disk_vol.c.
 *
 * The runtime state of a started pool is where its partitions' nodes are
 * ("/dev/loop0p"), so that a lookup by path tells its partitions from
 * other paths in /dev without opening the disk.
 */
#include <config.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "disk_priv.h"
#include "util/util.h"

/* What libvirt zeroes at each end of a disk to wipe its label. */
#define LABEL_WIPE_BYTES (1024 * 1024)

/* Zero [@off, @off + @len) of the disk. 0 or -1. */
static int
zero_range(Disk *d, unsigned long long off, unsigned long long len)
{
    static const char zero[64 * 1024];

    for (unsigned long long done = 0; done < len;) {
        size_t n = len - done < sizeof(zero) ? (size_t) (len - done) : sizeof(zero);
        ssize_t w = pwrite(d->fd, zero, n, (off_t) (off + done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            scReportSystemError(SC_FROM_STORAGE, errno, "pool '%s': cannot write to '%s'", d->pool,
                                d->path);
            return -1;
        }
        done += (unsigned long long) w;
    }
    return 0;
}

/* libvirt's virStorageBackendZeroPartitionTable: the first and the last
 * MiB of the disk (GPT keeps a backup at the end), then the kernel's
 * partitions go. */
static int
wipe_label(Disk *d)
{
    unsigned long long len = d->bytes < LABEL_WIPE_BYTES ? d->bytes : LABEL_WIPE_BYTES;

    if (zero_range(d, 0, len) < 0 || zero_range(d, d->bytes - len, len) < 0)
        return -1;
    if (fsync(d->fd) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "pool '%s': cannot sync '%s'", d->pool,
                            d->path);
        return -1;
    }
    return diskKernelSync(d, NULL, DISK_SYNC_FIX);
}

/* Refuse to change a disk that is in use (for @verb). 0 or -1. */
static int
check_free(const Disk *d, const char *verb)
{
    _cleanup_free_ char *why = NULL;
    int r = diskInUse(d, 0, &why);

    if (r > 0)
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID, "pool '%s': cannot %s '%s': %s",
                      d->pool, verb, d->path, why);
    return r == 0 ? 0 : -1;
}

/* ---- check, build, repair, delete ----------------------------------------- */

static int
disk_check(const scPoolDef *def, bool *active)
{
    _cleanup_free_ char *token = NULL;
    DiskLabel want;
    DiskRaw raw;
    Disk d;
    int r;

    *active = false;
    if (diskWantedLabel(def, &want) < 0)
        return -1;
    if (diskOpen(def, DISK_READ, &d) < 0) {
        scResetLastError(); /* no disk: the pool is not active */
        return 0;
    }
    r = diskReadToken(&d, &token, &raw) < 0 || diskRawCheck(&d, &raw, want) < 0 ? -1 : 0;
    *active = r == 0;
    diskClose(&d);
    return r;
}

/* REPAIR: a GPT whose primary (or backup) header is corrupt is written
 * again from the good one, as libfdisk does when it writes such a table. */
static int
disk_repair(const scPoolDef *def)
{
    struct fdisk_context *cxt = NULL;
    _cleanup_free_ char *token = NULL;
    DiskTable t = { 0 };
    DiskRaw raw;
    Disk d;
    int r = -1;

    if (diskOpen(def, DISK_WRITE, &d) < 0)
        return -1;
    if (diskReadToken(&d, &token, &raw) < 0)
        goto out;
    if (raw.label != DISK_LABEL_GPT || (!raw.primary_ok && !raw.backup_ok)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "pool '%s': '%s' has %s: only a GPT with one good header can be repaired",
                      def->name, d.path,
                      raw.label == DISK_LABEL_GPT   ? "a GPT with no good header"
                      : raw.label == DISK_LABEL_DOS ? "a dos partition table"
                                                    : "no partition table");
        goto out;
    }
    if (diskOpenTable(&d, true, &cxt, &t) < 0)
        goto out;
    /* libfdisk took the good header and marked the table changed when
     * the other one was bad (or the backup is not at the end). */
    if (fdisk_label_is_changed(fdisk_get_label(cxt, NULL))) {
        if (fdisk_write_disklabel(cxt) < 0 || fsync(d.fd) < 0) {
            scReportSystemError(SC_FROM_STORAGE, errno,
                                "pool '%s': cannot write the repaired GPT of '%s'", def->name,
                                d.path);
            goto out;
        }
    }
    r = 0; /* nothing made that a failed record should undo */
out:
    if (cxt)
        fdisk_unref_context(cxt);
    diskTableClear(&t);
    diskClose(&d);
    return r;
}

static int
disk_build(const scPoolDef *def, unsigned int flags)
{
    struct fdisk_context *cxt = NULL;
    _cleanup_free_ char *what = NULL;
    DiskLabel want;
    Disk d;
    int r = -1, rc;

    if (flags & SC_STORAGE_POOL_BUILD_RESIZE) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "pool '%s': a disk pool cannot be resized", def->name);
        return -1;
    }
    if (flags & SC_STORAGE_POOL_BUILD_REPAIR)
        return disk_repair(def);
    if (diskWantedLabel(def, &want) < 0 || diskOpen(def, DISK_WRITE, &d) < 0)
        return -1;
    if (check_free(&d, "build a label on") < 0 || diskProbeWhole(&d, &what) < 0)
        goto out;
    /* As libvirt: only an empty disk, unless overwrite is asked. */
    if (what && !(flags & SC_STORAGE_POOL_BUILD_OVERWRITE)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "pool '%s': '%s' already has %s: build with overwrite to replace it with "
                      "a new %s label",
                      def->name, d.path, what, diskLabelName(want));
        goto out;
    }
    if (wipe_label(&d) < 0)
        goto out;
    if (!(cxt = fdisk_new_context())) {
        scReportOOM();
        goto out;
    }
    if ((rc = fdisk_assign_device_by_fd(cxt, d.fd, d.node, 0)) < 0 ||
        (rc = fdisk_create_disklabel(cxt, diskLabelName(want))) < 0 ||
        (rc = fdisk_write_disklabel(cxt)) < 0 || (fsync(d.fd) < 0 && (rc = -errno))) {
        scReportSystemError(SC_FROM_STORAGE, -rc, "pool '%s': cannot write a %s label on '%s'",
                            def->name, diskLabelName(want), d.path);
        goto out;
    }
    r = 1;
out:
    if (cxt)
        fdisk_unref_context(cxt);
    diskClose(&d);
    return r;
}

static int
disk_delete(const scPoolDef *def, unsigned int flags)
{
    Disk d;
    int r = -1;

    /* libvirt's disk pools take no delete flag either. */
    if (flags & SC_STORAGE_POOL_DELETE_ZEROED) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "pool '%s': a disk pool is deleted by wiping its label; it cannot be "
                      "deleted zeroed",
                      def->name);
        return -1;
    }
    if (diskOpen(def, DISK_WRITE, &d) < 0)
        return -1;
    if (check_free(&d, "wipe the label of") == 0 && wipe_label(&d) == 0)
        r = 0;
    diskClose(&d);
    return r;
}

/* ---- start -------------------------------------------------------------------- */

static int
disk_start(const scPoolDef *def, scPoolRuntime *rt)
{
    _cleanup_free_ char *token = NULL;
    _cleanup_free_ char *dir = NULL;
    DiskTable t = { 0 };
    DiskLabel want;
    DiskRaw raw;
    Disk d;
    int r = -1;

    if (diskWantedLabel(def, &want) < 0 || diskOpen(def, DISK_READ, &d) < 0)
        return -1;
    if (diskReadToken(&d, &token, &raw) < 0 || diskRawCheck(&d, &raw, want) < 0 ||
        diskReadTable(&d, &t) < 0 || diskKernelSync(&d, &t, DISK_SYNC_CHECK) < 0)
        goto out;
    if (!(rt->state = scStrdup(d.prefix)) || !(dir = scStrdup(d.prefix)))
        goto out;
    *strrchr(dir, '/') = '\0';
    if (scPoolRuntimeAddDir(rt, dir) < 0)
        goto out;
    r = 0;
out:
    if (r < 0)
        scPoolRuntimeClear(rt);
    diskTableClear(&t);
    diskClose(&d);
    return r;
}

/* ---- sizes ---------------------------------------------------------------------- */

/* The table of a started pool: the one discover read in this attach, or
 * one read now into @own (on @d). */
static const DiskTable *
pool_table(const scPoolCtx *pool, Disk *d, DiskTable *own)
{
    const DiskHeld *h = pool->held;
    _cleanup_free_ char *token = NULL;
    DiskLabel want;
    DiskRaw raw;

    memset(own, 0, sizeof(*own));
    memset(d, 0, sizeof(*d));
    d->fd = -1;
    if (h && h->have_table)
        return &h->table;
    if (diskWantedLabel(pool->def, &want) < 0 || diskOpen(pool->def, DISK_READ, d) < 0)
        return NULL;
    if (diskReadToken(d, &token, &raw) < 0 || diskRawCheck(d, &raw, want) < 0 ||
        diskReadTable(d, own) < 0) {
        diskClose(d);
        return NULL;
    }
    return own;
}

static int
disk_pool_info(const scPoolCtx *pool, scStoragePoolInfo *info)
{
    _cleanup_free_ DiskRegion *v = NULL;
    const DiskTable *t;
    DiskTable own;
    Disk d;
    size_t n = 0;
    int r = -1;

    if (!(t = pool_table(pool, &d, &own)))
        return -1;
    if (diskFreeRegions(t, &v, &n) == 0) {
        /* As libvirt: the capacity ends where the table's usable space
         * does; the allocation is the partitions', not the extended one's
         * container; every free region is available. */
        info->capacity = (t->last + 1) * t->sector;
        info->allocation = info->available = 0;
        for (size_t i = 0; i < t->nparts; i++)
            if (t->parts[i].kind != PART_EXTENDED)
                info->allocation += t->parts[i].size * t->sector;
        for (size_t i = 0; i < n; i++)
            info->available += (v[i].end - v[i].start + 1) * t->sector;
        r = 0;
    }
    diskTableClear(&own);
    diskClose(&d);
    return r;
}

static int
disk_pool_free_extents(const scPoolCtx *pool, scFreeExtents *free_extents)
{
    _cleanup_free_ DiskRegion *v = NULL;
    const DiskTable *t;
    DiskTable own;
    Disk d;
    size_t n = 0;
    int r = -1;

    if (!(t = pool_table(pool, &d, &own)))
        return -1;
    if (diskFreeRegions(t, &v, &n) == 0) {
        r = 0;
        for (size_t i = 0; i < n && r == 0; i++)
            r = scFreeExtentsAdd(free_extents, 0, v[i].start * t->sector,
                                 (v[i].end + 1) * t->sector);
    }
    diskTableClear(&own);
    diskClose(&d);
    return r;
}

/* ---- discovery ------------------------------------------------------------------- */

static int
disk_attach(scPoolCtx *pool)
{
    DiskHeld *h = scAlloc(sizeof(*h));

    if (!h)
        return -1;
    h->disk.fd = -1;
    pool->held = h;
    return 0;
}

static void
disk_detach(scPoolCtx *pool)
{
    DiskHeld *h = pool->held;

    if (!h)
        return;
    diskTableClear(&h->table);
    diskClose(&h->disk);
    free(h);
    pool->held = NULL;
}

/* The token from one read of the table's sectors and the number of
 * partitions the kernel has (one read of a sysfs directory); an unchanged
 * one ends the discovery there. Then the table with libfdisk, read-only,
 * and the kernel told of the partitions it lacks, as a start does: what a
 * process killed between writing a table and telling the kernel (or the
 * other way round) left, and a table changed by a tool that could not
 * tell it (sfdisk on a loop device). */
static int
disk_discover(const scPoolCtx *pool, scDiscoverSink *sink)
{
    DiskHeld *h = pool->held;
    _cleanup_free_ char *token = NULL;
    _cleanup_free_ char *full = NULL;
    DiskTable own = { 0 };
    DiskTable *t = h ? &h->table : &own;
    Disk local, *d = h ? &h->disk : &local;
    DiskLabel want;
    DiskRaw raw;
    size_t nk;
    int r = -1;

    if (diskWantedLabel(pool->def, &want) < 0 || diskOpen(pool->def, DISK_READ, d) < 0)
        return -1;
    if (diskReadToken(d, &token, &raw) < 0 || diskRawCheck(d, &raw, want) < 0 ||
        diskKernelCount(d, &nk) < 0 || !(full = scAsprintf("%s kernel:%zu", token, nk)))
        goto out;
    if ((r = scSinkToken(sink, full)) <= 0)
        goto out;
    r = -1;
    if (diskReadTable(d, t) < 0)
        goto out;
    /* The kernel told what it lacks: the token to record is the kernel's
     * after that (else the next refresh could take a kernel that lost as
     * many partitions as this one gained for one unchanged). */
    if (nk != t->nparts) {
        size_t now;
        if (diskKernelSync(d, t, DISK_SYNC_KEEP) < 0 || diskKernelCount(d, &now) < 0)
            goto out;
        if (now != nk) {
            free(full);
            if (!(full = scAsprintf("%s kernel:%zu", token, now)) || scSinkToken(sink, full) < 0)
                goto out;
        }
    }
    if (h)
        h->have_table = true;
    r = diskDiscoverTable(pool, d, t, sink);
out:
    if (!h) {
        diskTableClear(&own);
        diskClose(&local);
    }
    return r < 0 ? -1 : 0;
}

const scBackend scBackendDisk = {
    .version = SC_BACKEND_VERSION,
    .type = SC_POOL_DISK,
    .check = disk_check,
    .build = disk_build,
    .start = disk_start,
    .delete_pool = disk_delete,
    .delete_removes_volumes = true,
    .pool_info = disk_pool_info,
    .pool_free_extents = disk_pool_free_extents,
    .sizes_follow_token = true,
    .attach = disk_attach,
    .detach = disk_detach,
    .discover = disk_discover,
    .vol_probe = diskVolProbe,
    .vol_lookup_path = diskVolLookupPath,
    .vol_plan = diskVolPlan,
    .vol_build = diskVolBuild,
    .vol_build_from = diskVolBuildFrom,
    .vol_delete = diskVolDelete,
    .vol_wipe = diskVolWipe,
    .vol_upload = diskVolUpload,
    .vol_download = diskVolDownload,
};
