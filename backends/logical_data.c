/*
 * logical_data.c: the data of a logical pool's volumes, read and written
 * through their device nodes: wipe (libvirt's algorithms; trim as a
 * discard), upload, download, and the copy into a cloned LV.
 *
 * An LV's device is reached through its path (/dev/VG/LV, a symlink to
 * /dev/dm-N) and must be a block device whose device-mapper UUID is that
 * LV's ("LVM-" + the VG's UUID + the LV's, dashes left out), so that a
 * name reused behind storcat's back never has storcat write to another
 * LV. Where the kernel has no device-mapper (or activation is disabled),
 * an LV has no device node: these operations say so.
 */
#include <config.h>

#include <fcntl.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "backends/common/command.h"
#include "backends/common/fileops.h"
#include "logical_priv.h"
#include "util/util.h"

#define QEMU_IMG_TIMEOUT 3600 /* seconds; converting a large image takes long */

/* @uuid without its dashes, appended to @out (of @n bytes). */
static void
append_undashed(char *out, size_t n, const char *uuid)
{
    size_t len = strlen(out);

    for (; *uuid && len + 1 < n; uuid++)
        if (*uuid != '-')
            out[len++] = *uuid;
    out[len] = '\0';
}

/* Is @st the device-mapper device of the LV @lv_uuid of VG @vg_uuid? */
static int
check_dm_uuid(const scVolRecord *vol, const struct stat *st, const char *vg_uuid)
{
    char sys[96], want[96] = "LVM-", have[160] = "";
    FILE *f;

    append_undashed(want, sizeof(want), vg_uuid);
    append_undashed(want, sizeof(want), vol->key);
    snprintf(sys, sizeof(sys), "/sys/dev/block/%u:%u/dm/uuid", major(st->st_rdev),
             minor(st->st_rdev));
    if ((f = fopen(sys, "re"))) {
        if (!fgets(have, sizeof(have), f))
            have[0] = '\0';
        fclose(f);
    }
    have[strcspn(have, "\n")] = '\0';
    if (strcmp(have, want) == 0)
        return 0;
    scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                  "volume '%s': '%s' is not the device of logical volume UUID '%s' (device-mapper "
                  "UUID '%s'): refresh the pool",
                  vol->name, vol->path, vol->key, have[0] ? have : "none");
    return -1;
}

int
scLogicalOpenLv(const scPoolCtx *pool, const scVolRecord *vol, int flags, unsigned long long *size)
{
    scLogicalState st;
    struct stat sb;
    const char *why = NULL;
    int fd = -1;

    if (scLogicalStateParse(pool->def->name, pool->rt ? pool->rt->state : NULL, &st) < 0)
        return -1;
    if ((fd = open(vol->path, flags | O_CLOEXEC)) < 0) {
        if (errno == ENOENT && (!st.activation || !scLvmDmAvailable(&why)))
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                          "volume '%s': logical volume '%s/%s' has no device node: %s%s, so its "
                          "data cannot be read or written",
                          vol->name, st.vg, vol->name,
                          why ? "the kernel has no device-mapper: " : "activation is disabled",
                          why ? why : "");
        else if (errno == ENOENT)
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                          "volume '%s': '%s' does not exist (is the logical volume active?)",
                          vol->name, vol->path);
        else
            scReportSystemError(SC_FROM_STORAGE, errno, "volume '%s': cannot open '%s'", vol->name,
                                vol->path);
        goto error;
    }
    if (fstat(fd, &sb) < 0 || !S_ISBLK(sb.st_mode)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "volume '%s': '%s' is not a block device", vol->name, vol->path);
        goto error;
    }
    if (check_dm_uuid(vol, &sb, st.vg_uuid) < 0)
        goto error;
    if (ioctl(fd, BLKGETSIZE64, size) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "volume '%s': cannot get the size of '%s'",
                            vol->name, vol->path);
        goto error;
    }
    scLogicalStateClear(&st);
    return fd;
error:
    if (fd >= 0)
        close(fd);
    scLogicalStateClear(&st);
    return -1;
}

/* Zero [@off, @off + @len) of device @fd: a zero-range request where the
 * device takes it, written zeroes otherwise. */
static int
zero_range(int fd, const char *name, unsigned long long off, unsigned long long len)
{
    static const char zero[64 * 1024];

    if (len == 0 ||
        fallocate(fd, FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE, (off_t) off, (off_t) len) == 0)
        return 0;
    for (unsigned long long done = 0; done < len;) {
        size_t n = len - done < sizeof(zero) ? (size_t) (len - done) : sizeof(zero);
        ssize_t w = pwrite(fd, zero, n, (off_t) (off + done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            scReportSystemError(SC_FROM_STORAGE, w < 0 ? errno : EIO,
                                "cannot zero the end of volume '%s'", name);
            return -1;
        }
        done += (unsigned long long) w;
    }
    return 0;
}

static bool
is_raw(const char *format)
{
    return !format || strcmp(format, "raw") == 0 || strcmp(format, "iso") == 0;
}

int
scLogicalCopyInto(int out, unsigned long long size, const char *name, const scVolRecord *src,
                  const scProgress *progress)
{
    unsigned long long in_size = 0, len;
    int in = scFileOpenSource(src, &in_size), r = -1;

    if (in < 0)
        return -1;
    if (is_raw(src->format)) {
        /* Every byte written: the LV holds older data, holes included. */
        len = in_size < size ? in_size : size;
        if (scFdCopy(in, true, 0, out, true, 0, len, false, name, progress) >= 0)
            r = zero_range(out, name, len, size - len);
    } else {
        int fds[2] = { in, out };
        const char *argv[] = {
            QEMU_IMG,          "convert",         "-q", "-n", "-f", src->format, "-O", "raw",
            "/proc/self/fd/3", "/proc/self/fd/4", NULL
        };
        len = src->capacity < size ? src->capacity : size;
        if (scCommandRun(argv, fds, 2, QEMU_IMG_TIMEOUT, NULL) == 0)
            r = zero_range(out, name, len, size - len);
    }
    if (r == 0 && fsync(out) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot sync volume '%s'", name);
        r = -1;
    }
    close(in);
    return r;
}

int
scLogicalWipe(const scPoolCtx *pool, const scVolRecord *vol, unsigned int algorithm,
              const scProgress *progress)
{
    const char *sparse = scVolRecordAttr(vol, "sparse");
    unsigned long long size;
    int fd, r;

    /* As libvirt: writing a sparse LV fills its copy-on-write store until
     * the LV becomes invalid. */
    if (sparse && strcmp(sparse, "yes") == 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "logical volume '%s' is sparse, volume wipe not supported", vol->path);
        return -1;
    }
    if ((fd = scLogicalOpenLv(pool, vol, O_RDWR, &size)) < 0)
        return -1;
    if (algorithm == SC_STORAGE_VOL_WIPE_ALG_TRIM) {
        uint64_t range[2] = { 0, size };
        if ((r = ioctl(fd, BLKDISCARD, range)) < 0)
            scReportSystemError(SC_FROM_STORAGE, errno, "cannot trim (discard) volume '%s'",
                                vol->name);
    } else {
        r = scFdWipe(fd, vol->name, size, algorithm, progress);
    }
    if (r == 0 && fsync(fd) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot sync volume '%s'", vol->name);
        r = -1;
    }
    close(fd);
    return r;
}

int
scLogicalUpload(const scPoolCtx *pool, const scVolRecord *vol, int fd, unsigned long long offset,
                unsigned long long length, unsigned int flags, const scProgress *progress)
{
    bool sparse = flags & SC_STORAGE_VOL_UPLOAD_SPARSE_STREAM;
    unsigned long long size, room;
    long long n = -1;
    int dev;
    char extra;

    if ((dev = scLogicalOpenLv(pool, vol, O_RDWR, &size)) < 0)
        return -1;
    room = offset <= size ? size - offset : 0;
    if (offset > size || length > room) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                      "volume '%s': %llu bytes at offset %llu do not fit in its %llu bytes",
                      vol->name, length, offset, size);
        goto out;
    }
    /* A stream of unknown length fills what room there is, and no more. */
    n = scFdCopy(fd, false, 0, dev, true, offset, length ? length : room, sparse, vol->name,
                 progress);
    if (n >= 0 && !length && (unsigned long long) n == room && room > 0 &&
        read(fd, &extra, 1) == 1) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                      "volume '%s': the upload holds more than the %llu bytes from offset %llu "
                      "to its end",
                      vol->name, room, offset);
        n = -1;
    }
    if (n >= 0 && fsync(dev) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot sync volume '%s'", vol->name);
        n = -1;
    }
out:
    close(dev);
    return n < 0 ? -1 : 0;
}

int
scLogicalDownload(const scPoolCtx *pool, const scVolRecord *vol, int fd, unsigned long long offset,
                  unsigned long long length, unsigned int flags, const scProgress *progress)
{
    bool sparse = flags & SC_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM;
    unsigned long long size;
    struct stat out_st;
    off_t out_pos = -1;
    long long n;
    int dev;

    if ((dev = scLogicalOpenLv(pool, vol, O_RDONLY, &size)) < 0)
        return -1;
    if (offset > size)
        offset = size;
    if (length == 0 || length > size - offset)
        length = size - offset;
    /* Holes in the output need a regular file to seek in. */
    if (sparse && fstat(fd, &out_st) == 0 && S_ISREG(out_st.st_mode))
        out_pos = lseek(fd, 0, SEEK_CUR);
    n = length == 0 ? 0
                    : scFdCopy(dev, true, offset, fd, out_pos >= 0,
                               (unsigned long long) (out_pos >= 0 ? out_pos : 0), length,
                               out_pos >= 0, vol->name, progress);
    if (n >= 0 && out_pos >= 0) {
        off_t end = out_pos + (off_t) n;
        if (fstat(fd, &out_st) == 0 && out_st.st_size < end && ftruncate(fd, end) < 0)
            n = -1;
        else
            lseek(fd, end, SEEK_SET);
    }
    close(dev);
    return n < 0 ? -1 : 0;
}
