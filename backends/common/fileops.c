/*
 * fileops.c: creating, probing, copying, resizing and deleting file
 * volumes inside a pool directory.
 *
 * The directory is held open and every entry is reached with *at() calls
 * and O_NOFOLLOW; a new volume is created with O_EXCL, so an existing
 * entry (a planted symlink included) is never overwritten. What a failed
 * operation created is removed before it returns.
 */
#include <config.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "command.h"
#include "fileops_priv.h"
#include "probe.h"
#include "util/testpoint.h"
#include "util/util.h"

/* How long qemu-img may take to work through @bytes: a minute, and one
 * second more per 32 MiB (a rate any disk storcat manages can sustain). */
static int
qemu_img_timeout(unsigned long long bytes)
{
    unsigned long long s = 60 + bytes / (32ULL << 20);

    return s > INT_MAX ? INT_MAX : (int) s;
}

int
scDirOpen(const char *path, scDir *dir)
{
    memset(dir, 0, sizeof(*dir));
    dir->path = path;
    dir->rules.pool_dir = path;
    dir->fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (dir->fd < 0 && (errno == ELOOP || errno == ENOTDIR)) {
        /* The resolved directory a pool started on: never a symlink. */
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "pool directory '%s' is no longer a directory (a symlink or a file was "
                      "put in its place): stop and start the pool", path);
        return -1;
    }
    if (dir->fd < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot open pool directory '%s'", path);
        return -1;
    }
    return 0;
}

void
scDirClose(scDir *dir)
{
    if (dir->fd >= 0)
        close(dir->fd);
    dir->fd = -1;
}

static bool
is_candidate(const struct stat *st)
{
    return S_ISREG(st->st_mode) || S_ISDIR(st->st_mode);
}

int
scFileScan(const scDir *dir, scScanCallback cb, void *opaque)
{
    /* A stream of its own on the directory held open (the offset is
     * shared with dir->fd, which nothing else reads entries through). */
    int fd = fcntl(dir->fd, F_DUPFD_CLOEXEC, 3);
    DIR *d;
    struct dirent *ent;
    int ret = 0;

    if (fd < 0 || !(d = fdopendir(fd))) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot read pool directory '%s'",
                            dir->path);
        if (fd >= 0)
            close(fd);
        return -1;
    }
    rewinddir(d);
    while ((errno = 0, ent = readdir(d))) {
        struct stat st;
        if (ent->d_name[0] == '.' &&
            (ent->d_name[1] == '\0' || (ent->d_name[1] == '.' && ent->d_name[2] == '\0')))
            continue;
        /* d_type saves nothing here: the stat signature is needed anyway. */
        if (fstatat(dir->fd, ent->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno == ENOENT)
                continue; /* vanished meanwhile */
            /* Not seeing an entry is not seeing it gone: a refresh that
             * went on would record the volume missing. */
            scReportSystemError(SC_FROM_STORAGE, errno, "cannot stat '%s' in pool directory '%s'",
                                ent->d_name, dir->path);
            ret = -1;
            break;
        }
        if (!is_candidate(&st))
            continue; /* not a volume */
        if ((ret = cb(ent->d_name, &st, opaque)) < 0)
            break;
    }
    if (ret == 0 && errno != 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot read pool directory '%s'",
                            dir->path);
        ret = -1;
    }
    closedir(d);
    return ret;
}

/* "@dir/@name" */
static char *
join(const char *dir, const char *name)
{
    return scAsprintf("%s%s%s", dir, strcmp(dir, "/") == 0 ? "" : "/", name);
}

/* An absolute, lexically clean form of a backing path found in an image
 * header: relative names are relative to the image's directory. Symlinks
 * are resolved when the file exists, as lookups by path do. */
static char *
backing_absolute(const char *dir, const char *backing)
{
    _cleanup_free_ char *joined = NULL;
    char buf[PATH_MAX];

    if (strstr(backing, "://") || strncmp(backing, "json:", 5) == 0)
        return scStrdup(backing); /* a network or JSON backing: keep as written */
    if (!(joined = backing[0] == '/' ? scStrdup(backing) : join(dir, backing)))
        return NULL;
    if (realpath(joined, buf))
        return scStrdup(buf);
    return scPathSanitize(joined);
}

static long long
ts_ns(struct statx_timestamp t)
{
    return (long long) t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Append @v as a little-endian base-128 varint: small numbers (device
 * numbers, inodes, sizes) take few bytes in the catalog's index. */
static size_t
put_varint(unsigned char *out, unsigned long long v)
{
    size_t n = 0;

    do {
        out[n] = (unsigned char) (v & 0x7f);
        v >>= 7;
        if (v)
            out[n] |= 0x80;
        n++;
    } while (v);
    return n;
}

size_t
scFileSigMake(long long dev, long long ino, long long size, long long mtime_ns,
              long long ctime_ns, unsigned char sig[SC_FILE_SIG_MAX])
{
    size_t n = 0;

    n += put_varint(sig + n, (unsigned long long) dev);
    n += put_varint(sig + n, (unsigned long long) ino);
    n += put_varint(sig + n, (unsigned long long) size);
    n += put_varint(sig + n, (unsigned long long) mtime_ns);
    n += put_varint(sig + n, (unsigned long long) ctime_ns);
    return n;
}

size_t
scFileSig(const struct stat *st, unsigned char sig[SC_FILE_SIG_MAX])
{
    return scFileSigMake((long long) st->st_dev, (long long) st->st_ino, (long long) st->st_size,
                         (long long) st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec,
                         (long long) st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec,
                         sig);
}

/* The stat of open @fd, birth time included where the file system keeps
 * one (statx; 0 otherwise). */
static int
stat_fd(int fd, struct stat *st, long long *btime_ns)
{
    struct statx stx;

    *btime_ns = -1;
    if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_SYNC_AS_STAT,
              STATX_BASIC_STATS | STATX_BTIME, &stx) < 0)
        return errno == ENOSYS ? fstat(fd, st) : -1;
    memset(st, 0, sizeof(*st));
    st->st_dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
    st->st_ino = stx.stx_ino;
    st->st_mode = stx.stx_mode;
    st->st_nlink = stx.stx_nlink;
    st->st_uid = stx.stx_uid;
    st->st_gid = stx.stx_gid;
    st->st_size = (off_t) stx.stx_size;
    st->st_blocks = (blkcnt_t) stx.stx_blocks;
    st->st_atim.tv_sec = stx.stx_atime.tv_sec;
    st->st_atim.tv_nsec = stx.stx_atime.tv_nsec;
    st->st_mtim.tv_sec = stx.stx_mtime.tv_sec;
    st->st_mtim.tv_nsec = stx.stx_mtime.tv_nsec;
    st->st_ctim.tv_sec = stx.stx_ctime.tv_sec;
    st->st_ctim.tv_nsec = stx.stx_ctime.tv_nsec;
    if (stx.stx_mask & STATX_BTIME)
        *btime_ns = ts_ns(stx.stx_btime);
    return 0;
}

/* What the stat of a volume's file says: permissions, times, sizes, its
 * change signature and its identity (device, inode and birth time: an
 * inode number reused by a new file is not the old volume). */
static void
record_stat(scVolRecord *rec, const struct stat *st, long long btime_ns)
{
    long long ident[3] = { (long long) st->st_dev, (long long) st->st_ino, btime_ns };
    unsigned char sig[SC_FILE_SIG_MAX];

    rec->mode = st->st_mode & 07777;
    rec->uid = st->st_uid;
    rec->gid = st->st_gid;
    rec->allocation = (unsigned long long) st->st_blocks * 512;
    rec->physical = (unsigned long long) st->st_size;
    rec->atime_ns = (long long) st->st_atim.tv_sec * 1000000000LL + st->st_atim.tv_nsec;
    rec->mtime_ns = (long long) st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
    rec->ctime_ns = (long long) st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec;
    rec->btime_ns = btime_ns;
    scVolRecordSetSig(rec, sig, scFileSig(st, sig));
    scVolRecordSetIdent(rec, ident, sizeof(ident));
}

/* The image details qemu-img would need again (to wipe a qcow2, say) and
 * the XML shows, as attributes. */
static int
record_image(scVolRecord *rec, const scProbeResult *res)
{
    if ((res->compat && scVolRecordSetAttr(rec, SC_ATTR_COMPAT, res->compat) < 0) ||
        (res->lazy_refcounts && scVolRecordSetAttr(rec, SC_ATTR_LAZY_REFCOUNTS, "yes") < 0) ||
        (res->cluster_size &&
         scVolRecordSetAttrNum(rec, SC_ATTR_CLUSTER_SIZE, res->cluster_size) < 0) ||
        (res->encryption && scVolRecordSetAttr(rec, SC_ATTR_ENCRYPTION, res->encryption) < 0))
        return -1;
    return 0;
}

static int
probe_regular(const scDir *dir, int fd, const char *name, const struct stat *st,
              scVolRecord *rec)
{
    scProbeResult res = { 0 };
    int r = -1;

    if (scProbeFile(fd, st, name, &res) < 0)
        return -1;
    rec->type = SC_STORAGE_VOL_FILE;
    rec->format = TAKE_PTR(res.format);
    rec->capacity = res.capacity;
    if (res.backing_path && !(rec->backing_path = backing_absolute(dir->path, res.backing_path)))
        goto out;
    rec->backing_format = TAKE_PTR(res.backing_format);
    r = record_image(rec, &res);
out:
    scProbeResultClear(&res);
    return r;
}

int
scFileProbe(const scDir *dir, const char *name, scVolRecord *rec)
{
    return scFileProbeEntry(dir, name, false, rec);
}

int
scFileProbeEntry(const scDir *dir, const char *name, bool scanned, scVolRecord *rec)
{
    struct stat st;
    long long btime_ns;
    int fd;

    scVolRecordClear(rec);
    /* A device node or a FIFO is not a volume, and is not opened at all
     * (opening a tape device rewinds it): unless a scan has just seen the
     * entry as a file or a directory, it is stat'ed first. */
    if (!scanned && fstatat(dir->fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0;
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot stat '%s' in pool directory '%s'",
                            name, dir->path);
        return -1;
    }
    if (!scanned && !is_candidate(&st))
        return 0;
    /* O_NONBLOCK: should the entry be swapped for a FIFO now, open must not
     * hang; the type is checked again on the descriptor. */
    fd = openat(dir->fd, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        if (errno == ENOENT || errno == ELOOP || errno == ENOTDIR || errno == ENXIO)
            return 0; /* gone, a symlink, or a socket: not a volume */
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot open '%s' in pool directory '%s'",
                            name, dir->path);
        return -1;
    }
    /* A probe reads a header and a footer: no readahead (for a sparse
     * file it zero-fills pages nobody reads). */
    posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
    if (stat_fd(fd, &st, &btime_ns) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot stat '%s' in pool directory '%s'",
                            name, dir->path);
        close(fd);
        return -1;
    }
    if (!is_candidate(&st)) {
        close(fd);
        return 0;
    }
    if (!(rec->name = scStrdup(name)) || !(rec->path = join(dir->path, name)) ||
        !(rec->key = scStrdup(rec->path)))
        goto error;
    record_stat(rec, &st, btime_ns);
    if (S_ISDIR(st.st_mode)) {
        rec->type = SC_STORAGE_VOL_DIR;
        rec->capacity = (unsigned long long) st.st_size;
        if (!(rec->format = scStrdup("dir")))
            goto error;
    } else if (probe_regular(dir, fd, name, &st, rec) < 0) {
        goto error;
    }
    close(fd);
    return 1;

error:
    close(fd);
    scVolRecordClear(rec);
    return -1;
}

/* ---- creating ----------------------------------------------------------- */

/* Create entry @name exclusively; an existing entry of any kind (a planted
 * symlink included) is SC_ERR_STORAGE_VOL_EXIST. */
static int
create_exclusive(const scDir *dir, const char *name, const scPoolPerms *perms)
{
    mode_t mode = perms->mode >= 0 ? (mode_t) perms->mode : 0600;
    int fd = openat(dir->fd, name, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);

    if (fd < 0) {
        if (errno == EEXIST)
            scReportError(SC_FROM_STORAGE, SC_ERR_STORAGE_VOL_EXIST,
                          "'%s' (an entry of that name is in '%s')", name, dir->path);
        else
            scReportSystemError(SC_FROM_STORAGE, errno, "cannot create volume '%s' in '%s'",
                                name, dir->path);
        return -1;
    }
    /* The umask may have cut the mode; owner and group as asked. */
    if ((perms->mode >= 0 && fchmod(fd, mode) < 0) ||
        ((perms->uid >= 0 || perms->gid >= 0) &&
         fchown(fd, perms->uid >= 0 ? (uid_t) perms->uid : (uid_t) -1,
                perms->gid >= 0 ? (gid_t) perms->gid : (gid_t) -1) < 0)) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot set the permissions of volume '%s'",
                            name);
        close(fd);
        unlinkat(dir->fd, name, 0);
        return -1;
    }
    return fd;
}

/* The file a create has just made (open as @fd) exists: its identity goes
 * to the core's journal (scPoolCtxVolMade) before any data is written.
 * 0, or -1 (reported; the caller removes the file). */
static int
file_made(const scDir *dir, int fd, const char *name)
{
    long long btime_ns;
    struct stat st;

    scTestPoint("vol-build:made");
    if (!dir->pool || !dir->pool->vol_made)
        return 0;
    if (stat_fd(fd, &st, &btime_ns) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot stat volume '%s' in '%s'", name,
                            dir->path);
        return -1;
    }
    long long ident[3] = { (long long) st.st_dev, (long long) st.st_ino, btime_ns };
    if (scPoolCtxVolMade(dir->pool, ident, sizeof(ident)) < 0)
        return -1;
    scTestPoint("vol-build:identified");
    return 0;
}

/* Allocate [0, @len) of @fd, by fallocate or, where the filesystem cannot,
 * by writing zeroes. */
static int
allocate(int fd, const char *name, unsigned long long off, unsigned long long len)
{
    static const char zero[64 * 1024];
    int r;

    if (len == 0)
        return 0;
    if ((r = posix_fallocate(fd, (off_t) off, (off_t) len)) == 0)
        return 0;
    if (r != EOPNOTSUPP && r != EINVAL) {
        scReportSystemError(SC_FROM_STORAGE, r, "cannot allocate %llu bytes for volume '%s'",
                            len, name);
        return -1;
    }
    for (unsigned long long done = 0; done < len;) {
        size_t n = len - done < sizeof(zero) ? (size_t) (len - done) : sizeof(zero);
        ssize_t w = pwrite(fd, zero, n, (off_t) (off + done));
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            scReportSystemError(SC_FROM_STORAGE, errno, "cannot allocate volume '%s'", name);
            return -1;
        }
        done += (unsigned long long) w;
    }
    return 0;
}

bool
scFileIsRaw(const char *format)
{
    return !format || strcmp(format, "raw") == 0 || strcmp(format, "iso") == 0;
}

/* A raw volume has no metadata to preallocate: libvirt refuses the flag
 * (storageBackendCreateRaw), for a clone from a raw volume too. */
static int
check_prealloc_raw(const scVolDef *vol, unsigned int flags)
{
    if (!(flags & SC_STORAGE_VOL_CREATE_PREALLOC_METADATA) || !scFileIsRaw(vol->format))
        return 0;
    scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                  "metadata preallocation is not supported for raw volumes");
    return -1;
}

/* The -o options of qemu-img create for @vol: *opts is NULL if there are
 * none. Returns 0 or -1. The values are numbers or fixed words (compat is
 * checked as digits and a dot by the XML parser). With
 * SC_STORAGE_VOL_CREATE_PREALLOC_METADATA, libvirt's choice
 * (storageBackendCreateQemuImgOpts): metadata when the allocation asked
 * for is below the capacity (in KiB, rounded up), else falloc, which
 * allocates the whole image (no <allocation> means the capacity). */
static int
qemu_options(const scVolDef *vol, unsigned int flags, char **opts)
{
    bool qcow2 = vol->format && strcmp(vol->format, "qcow2") == 0;
    char cluster[48] = "";
    const char *prealloc = "";

    *opts = NULL;
    if (!qcow2)
        return 0;
    if (vol->cluster_size)
        snprintf(cluster, sizeof(cluster), ",cluster_size=%llu", vol->cluster_size);
    if (flags & SC_STORAGE_VOL_CREATE_PREALLOC_METADATA)
        prealloc = (vol->capacity + 1023) / 1024 > (vol->allocation + 1023) / 1024
                       ? ",preallocation=metadata"
                       : ",preallocation=falloc";
    *opts = scAsprintf("compat=%s%s%s%s%s", vol->compat ? vol->compat : "1.1",
                       vol->lazy_refcounts ? ",lazy_refcounts=on" : "", cluster, prealloc,
                       vol->nocow ? ",nocow=on" : "");
    return *opts ? 0 : -1;
}

/* qemu-img create -f FMT [-o OPTS] [-u -b BACKING -F BFMT] /proc/self/fd/3 SIZE.
 * A backing store is named by the canonical path its chain walk checked
 * (@backing); -u: qemu-img does not open it again by name. */
int
scFileQemuCreate(int fd, const scVolDef *vol, const scChain *backing, unsigned int flags)
{
    _cleanup_free_ char *opts = NULL;
    char size[32];
    const char *argv[18];
    size_t n = 0;

    if (qemu_options(vol, flags, &opts) < 0)
        return -1;
    snprintf(size, sizeof(size), "%llu", vol->capacity);
    argv[n++] = QEMU_IMG;
    argv[n++] = "create";
    argv[n++] = "-q";
    argv[n++] = "-f";
    argv[n++] = vol->format;
    if (opts) {
        argv[n++] = "-o";
        argv[n++] = opts;
    }
    if (backing && backing->n) {
        argv[n++] = "-u";
        argv[n++] = "-b";
        argv[n++] = backing->links[0].path;
        argv[n++] = "-F";
        argv[n++] = backing->links[0].format;
    }
    argv[n++] = "/proc/self/fd/3";
    argv[n++] = size;
    argv[n] = NULL;
    return scCommandRun(argv, &fd, 1, qemu_img_timeout(0), NULL);
}

int
scFileCheckBacking(const scDir *dir, const scVolDef *vol, scChain *chain)
{
    _cleanup_free_ char *abs = NULL;

    memset(chain, 0, sizeof(*chain));
    if (!vol->backing_path)
        return 0;
    /* A backing file that cannot be read: libvirt's code and words
     * (storageBackendCreateQemuImgSetBacking), naming it; a relative one
     * is relative to the pool's directory. Protocol and json: names are
     * the chain walk's to refuse. */
    if (!strstr(vol->backing_path, "://") && strncmp(vol->backing_path, "json:", 5) != 0) {
        if (!(abs = vol->backing_path[0] == '/' ? scStrdup(vol->backing_path)
                                                : join(dir->path, vol->backing_path)))
            return -1;
        if (access(abs, R_OK) < 0) {
            scReportSystemError(SC_FROM_STORAGE, errno, "inaccessible backing store volume %s",
                                vol->backing_path);
            return -1;
        }
    }
    if (scChainWalkPath(vol->backing_path, vol->backing_format, &dir->rules, chain) < 0) {
        _cleanup_free_ char *why = scStrdup(scGetLastErrorDetail());
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG, "volume '%s': backing store '%s': %s",
                      vol->name, vol->backing_path, why ? why : "refused");
        return -1;
    }
    return 0;
}

/* Can this directory have volume @vol? Its format, and a backing store
 * that its chain walk accepts (into @backing, when not NULL). */
static int
check_format(const scDir *dir, const scVolDef *vol, scChain *backing)
{
    static const char *const formats[] = { "raw", "iso", "qcow2", "qed", "vmdk", "vdi", "vpc",
                                           "qcow", "vhdx" };
    scChain chain;

    if (vol->encryption) {
        scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                      "volume '%s': encrypted volumes need a secret store, which storcat does not have",
                      vol->name);
        return -1;
    }
    for (size_t i = 0; i < SC_N_ELEMENTS(formats); i++) {
        if (strcmp(vol->format ? vol->format : "raw", formats[i]) != 0)
            continue;
        if (vol->backing_path && scFileIsRaw(vol->format)) {
            scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                          "volume '%s': a '%s' volume cannot have a backing store", vol->name,
                          vol->format ? vol->format : "raw");
            return -1;
        }
        /* qemu-img would also take protocol and json: names, and open them:
         * the backing store's chain is checked as an image's would be. */
        if (scFileCheckBacking(dir, vol, backing ? backing : &chain) < 0)
            return -1;
        if (!backing)
            scChainClear(&chain);
        return 0;
    }
    scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                  "volume '%s': storcat cannot create volumes of format '%s' in a directory",
                  vol->name, vol->format);
    return -1;
}

int
scFilePlan(const scDir *dir, const scVolDef *vol, scVolRecord *plan)
{
    scChain backing = { 0 };

    scVolRecordClear(plan);
    if (check_format(dir, vol, &backing) < 0)
        return -1;
    plan->type = SC_STORAGE_VOL_FILE;
    plan->capacity = vol->capacity;
    plan->allocation = vol->allocation < vol->capacity ? vol->allocation : vol->capacity;
    if (!(plan->name = scStrdup(vol->name)) || !(plan->path = join(dir->path, vol->name)) ||
        !(plan->key = scStrdup(plan->path)) ||
        !(plan->format = scStrdup(vol->format ? vol->format : "raw")) ||
        (backing.n && !(plan->backing_path = scStrdup(backing.links[0].path))) ||
        (backing.n && !(plan->backing_format = scStrdup(backing.links[0].format)))) {
        scChainClear(&backing);
        scVolRecordClear(plan);
        return -1;
    }
    scChainClear(&backing);
    return 0;
}

int
scFileCreate(const scDir *dir, const scVolDef *vol, unsigned int flags)
{
    scChain backing;
    int fd, r;

    if (check_prealloc_raw(vol, flags) < 0 || check_format(dir, vol, &backing) < 0)
        return -1;
    if ((fd = create_exclusive(dir, vol->name, &vol->perms)) < 0) {
        scChainClear(&backing);
        return -1;
    }
    if (file_made(dir, fd, vol->name) < 0)
        r = -1;
    else if (scFileIsRaw(vol->format)) {
        unsigned long long alloc = vol->allocation < vol->capacity ? vol->allocation
                                                                   : vol->capacity;
        r = ftruncate(fd, (off_t) vol->capacity);
        if (r < 0)
            scReportSystemError(SC_FROM_STORAGE, errno, "cannot size volume '%s' to %llu bytes",
                                vol->name, vol->capacity);
        else
            r = allocate(fd, vol->name, 0, alloc);
    } else {
        r = scFileQemuCreate(fd, vol, &backing, flags);
    }
    scChainClear(&backing);
    if (r == 0 && fsync(fd) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot sync volume '%s'", vol->name);
        r = -1;
    }
    close(fd);
    if (r < 0)
        unlinkat(dir->fd, vol->name, 0);
    return r;
}

/* Is the file of @st (birth time @btime_ns) the one @vol's record says?
 * Records without an identity (from before storcat kept one) pass. */
static bool
same_file(const scVolRecord *vol, const struct stat *st, long long btime_ns)
{
    long long ident[3] = { (long long) st->st_dev, (long long) st->st_ino, btime_ns };

    return vol->ident_len != sizeof(ident) || memcmp(vol->ident, ident, sizeof(ident)) == 0;
}

static int
check_same(const scDir *dir, const scVolRecord *vol, int fd, bool regular)
{
    struct stat st;
    long long btime_ns;

    if (stat_fd(fd, &st, &btime_ns) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot stat volume '%s' in '%s'", vol->name,
                            dir->path);
        return -1;
    }
    if (regular && !S_ISREG(st.st_mode)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "volume '%s' in '%s' is not a regular file", vol->name, dir->path);
        return -1;
    }
    /* The entry must still be the volume the catalog recorded, not a file
     * (a hard link to one outside the pool, say) put in its place since. */
    if (!same_file(vol, &st, btime_ns)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "volume '%s' in '%s' is no longer the file storcat recorded (it was "
                      "replaced): refresh the pool", vol->name, dir->path);
        return -1;
    }
    return 0;
}

int
scFileOpenVolume(const scDir *dir, const scVolRecord *vol, int flags)
{
    int fd = openat(dir->fd, vol->name, flags | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);

    if (fd < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot open volume '%s' in '%s'", vol->name,
                            dir->path);
        return -1;
    }
    if (check_same(dir, vol, fd, true) < 0) {
        close(fd);
        return -1;
    }
    /* Back to blocking reads and writes on the checked regular file. */
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

int
scFileOpenSource(const scVolRecord *src, unsigned long long *size)
{
    /* A block volume's path is a symlink to its device (/dev/VG/LV to
     * /dev/dm-3): followed, and the result must be a block device. */
    bool block = src->type == SC_STORAGE_VOL_BLOCK;
    int fd = open(src->path, O_RDONLY | (block ? 0 : O_NOFOLLOW) | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    struct stat st;

    if (fd < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot open source volume '%s'", src->path);
        return -1;
    }
    if (fstat(fd, &st) < 0 || (block ? !S_ISBLK(st.st_mode) : !S_ISREG(st.st_mode))) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID, "source volume '%s' is not a %s",
                      src->path, block ? "block device" : "regular file");
        close(fd);
        return -1;
    }
    if (block ? ioctl(fd, BLKGETSIZE64, size) < 0 : (*size = (unsigned long long) st.st_size, 0)) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot get the size of source volume '%s'",
                            src->path);
        close(fd);
        return -1;
    }
    return fd;
}

/* Convert the source's checked chain into @out: qemu-img is handed the
 * chain's descriptors and opens nothing else. */
static int
qemu_convert(const scChain *chain, int out, const char *format, unsigned long long bytes)
{
    int fds[SC_COMMAND_MAX_FDS];
    _cleanup_free_ char *spec = NULL;
    char target[32];
    int n = scChainFds(chain, fds, SC_COMMAND_MAX_FDS - 1);

    if (n < 0 || !(spec = scChainQemuSpec(chain, 3, false)))
        return -1;
    fds[n] = out;
    snprintf(target, sizeof(target), "/proc/self/fd/%d", 3 + n);
    const char *argv[] = { QEMU_IMG, "convert", "-q", "-O", format, spec, target, NULL };
    return scCommandRun(argv, fds, (size_t) n + 1, qemu_img_timeout(bytes), NULL);
}

int
scFileCreateFrom(const scDir *dir, const scVolDef *vol, const scVolRecord *src,
                 unsigned int flags, const scProgress *progress)
{
    unsigned long long capacity = vol->capacity > src->capacity ? vol->capacity : src->capacity;
    const char *format = vol->format ? vol->format : "raw";
    _cleanup_free_ char *src_dir = NULL;
    scChainRules rules = dir->rules;
    unsigned long long src_size = 0;
    const char *base;
    scChain chain = { 0 };
    int in = -1, out = -1, r = -1;

    if ((scFileIsRaw(src->format) && check_prealloc_raw(vol, flags) < 0) ||
        check_format(dir, vol, NULL) < 0 || (in = scFileOpenSource(src, &src_size)) < 0)
        return -1;
    /* The source's chain may reach its own directory and the catalog's
     * volumes. */
    if (!(src_dir = scPathDirname(src->path, &base)))
        goto cleanup;
    rules.pool_dir = src_dir;
    if (scChainWalk(in, src->path, src->format, &rules, &chain) < 0)
        goto cleanup;
    if ((out = create_exclusive(dir, vol->name, &vol->perms)) < 0 ||
        file_made(dir, out, vol->name) < 0)
        goto cleanup;
    if (scFileIsRaw(vol->format) && scFileIsRaw(src->format) && chain.n == 1) {
        /* libvirt's rule (storageVolCreateXMLFrom, createRawFile): no
         * <allocation> means the whole capacity; an allocation at least
         * the source's capacity is allocated (up to the capacity), a
         * smaller one makes a sparse clone, holes kept. */
        unsigned long long alloc = vol->has_allocation ? vol->allocation : capacity;
        bool full = alloc >= src->capacity && alloc > 0;

        if (alloc > capacity)
            alloc = capacity;
        if (ftruncate(out, (off_t) capacity) < 0) {
            scReportSystemError(SC_FROM_STORAGE, errno, "cannot size volume '%s'", vol->name);
            goto cleanup;
        }
        if (full && allocate(out, vol->name, 0, alloc) < 0)
            goto cleanup;
        if (scFdCopy(in, true, 0, out, true, 0, src_size, true, vol->name, progress) < 0)
            goto cleanup;
        /* The sparse copy punched its zero blocks (where the file system
         * can: there fallocate works too): allocated again. */
        if (full && fallocate(out, 0, 0, (off_t) alloc) < 0 && errno != EOPNOTSUPP) {
            scReportSystemError(SC_FROM_STORAGE, errno,
                                "cannot allocate %llu bytes for volume '%s'", alloc, vol->name);
            goto cleanup;
        }
    } else {
        char size[32];
        if (qemu_convert(&chain, out, format, src->capacity) < 0)
            goto cleanup;
        snprintf(size, sizeof(size), "%llu", capacity);
        if (capacity > src->capacity) {
            const char *rs[] = { QEMU_IMG, "resize", "-q", "-f", format, "/proc/self/fd/3", size,
                                 NULL };
            if (scCommandRun(rs, &out, 1, qemu_img_timeout(0), NULL) < 0)
                goto cleanup;
        }
    }
    if (fsync(out) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot sync volume '%s'", vol->name);
        goto cleanup;
    }
    r = 0;

cleanup:
    scChainClear(&chain);
    if (in >= 0)
        close(in);
    if (out >= 0) {
        close(out);
        if (r < 0)
            unlinkat(dir->fd, vol->name, 0);
    }
    return r;
}

int
scFileDelete(const scDir *dir, const scVolRecord *vol, unsigned int flags)
{
    int fd;

    if (flags & SC_STORAGE_VOL_DELETE_ZEROED &&
        scFileWipe(dir, vol, SC_STORAGE_VOL_WIPE_ALG_ZERO, NULL) < 0)
        return -1;
    /* Only the file storcat recorded is deleted (checked just before). */
    fd = openat(dir->fd, vol->name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT)
        return 0;
    if (fd < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot delete volume '%s' in '%s'",
                            vol->name, dir->path);
        return -1;
    }
    if (check_same(dir, vol, fd, false) < 0) {
        close(fd);
        return -1;
    }
    close(fd);
    if (unlinkat(dir->fd, vol->name, vol->type == SC_STORAGE_VOL_DIR ? AT_REMOVEDIR : 0) < 0 &&
        errno != ENOENT) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot delete volume '%s' in '%s'",
                            vol->name, dir->path);
        return -1;
    }
    return 0;
}

/* qemu-img resize of the image open as @fd, its chain checked first:
 * an external data file it would resize lies in the pool. */
static int
resize_image(const scDir *dir, int fd, const scVolRecord *vol, unsigned long long capacity)
{
    int fds[SC_COMMAND_MAX_FDS];
    _cleanup_free_ char *spec = NULL;
    scChain chain;
    char size[32];
    int n, r = -1;

    if (scChainWalk(fd, vol->path, vol->format, &dir->rules, &chain) < 0)
        return -1;
    if ((n = scChainFds(&chain, fds, SC_COMMAND_MAX_FDS)) < 0 ||
        !(spec = scChainQemuSpec(&chain, 3, true)))
        goto out;
    snprintf(size, sizeof(size), "%llu", capacity);
    const char *argv[] = { QEMU_IMG, "resize", "-q", capacity < vol->capacity ? "--shrink" : spec,
                           capacity < vol->capacity ? spec : size,
                           capacity < vol->capacity ? size : NULL, NULL };
    r = scCommandRun(argv, fds, (size_t) n, qemu_img_timeout(0), NULL);
out:
    scChainClear(&chain);
    return r;
}

int
scFileResize(const scDir *dir, const scVolRecord *vol, unsigned long long capacity,
             unsigned int flags)
{
    struct stat st;
    int fd, r = 0;

    if ((fd = scFileOpenVolume(dir, vol, O_RDWR)) < 0)
        return -1;
    if (scFileIsRaw(vol->format)) {
        if (fstat(fd, &st) < 0) {
            scReportSystemError(SC_FROM_STORAGE, errno, "cannot resize volume '%s'", vol->name);
            r = -1;
        } else if (ftruncate(fd, (off_t) capacity) < 0) {
            scReportSystemError(SC_FROM_STORAGE, errno, "cannot resize volume '%s' to %llu bytes",
                                vol->name, capacity);
            r = -1;
        } else if (flags & SC_STORAGE_VOL_RESIZE_ALLOCATE && capacity > vol->capacity &&
                   allocate(fd, vol->name, vol->capacity, capacity - vol->capacity) < 0) {
            /* A full file system: the file goes back to its size. */
            scErrorSaved *saved = scErrorSave();
            if (ftruncate(fd, st.st_size) < 0) { /* the first error is the one to report */ }
            scErrorRestore(&saved);
            r = -1;
        }
    } else {
        r = resize_image(dir, fd, vol, capacity);
    }
    if (r == 0 && fsync(fd) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot sync volume '%s'", vol->name);
        r = -1;
    }
    close(fd);
    return r;
}

/* ---- upload and download ------------------------------------------------ */

int
scFileUpload(const scDir *dir, const scVolRecord *vol, int fd, unsigned long long offset,
             unsigned long long length, unsigned int flags, const scProgress *progress)
{
    bool sparse = flags & SC_STORAGE_VOL_UPLOAD_SPARSE_STREAM;
    struct stat st, in_st;
    long long n;
    int out;

    if ((out = scFileOpenVolume(dir, vol, O_RDWR)) < 0)
        return -1;
    if (fstat(out, &st) == 0 && fstat(fd, &in_st) == 0 && st.st_dev == in_st.st_dev &&
        st.st_ino == in_st.st_ino) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                      "volume '%s': cannot upload it from itself", vol->name);
        close(out);
        return -1;
    }
    n = scFdCopy(fd, false, 0, out, true, offset, length, sparse, vol->name, progress);
    /* Zero blocks skipped at the end must still count in the size. */
    if (n >= 0 && fstat(out, &st) == 0 && (unsigned long long) st.st_size < offset + (unsigned long long) n &&
        ftruncate(out, (off_t) (offset + (unsigned long long) n)) < 0)
        n = -1;
    if (n >= 0 && fsync(out) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot sync volume '%s'", vol->name);
        n = -1;
    }
    close(out);
    return n < 0 ? -1 : 0;
}

int
scFileDownload(const scDir *dir, const scVolRecord *vol, int fd, unsigned long long offset,
               unsigned long long length, unsigned int flags, const scProgress *progress)
{
    bool sparse = flags & SC_STORAGE_VOL_DOWNLOAD_SPARSE_STREAM;
    struct stat st, out_st;
    off_t out_pos = -1;
    long long n;
    int in;

    if ((in = scFileOpenVolume(dir, vol, O_RDONLY)) < 0)
        return -1;
    if (fstat(in, &st) < 0) {
        close(in);
        return -1;
    }
    /* Into the volume itself, it would be truncated on the way. */
    if (fstat(fd, &out_st) == 0 && out_st.st_dev == st.st_dev && out_st.st_ino == st.st_ino) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                      "volume '%s': cannot download it into itself", vol->name);
        close(in);
        return -1;
    }
    if (offset > (unsigned long long) st.st_size)
        offset = (unsigned long long) st.st_size;
    if (length == 0 || length > (unsigned long long) st.st_size - offset)
        length = (unsigned long long) st.st_size - offset;
    /* Holes in the output need a regular file to seek in. */
    if (sparse && fstat(fd, &out_st) == 0 && S_ISREG(out_st.st_mode))
        out_pos = lseek(fd, 0, SEEK_CUR);
    /* Into a pipe, a hole must travel as zeroes: only a file can skip it. */
    n = length == 0 ? 0
                    : scFdCopy(in, true, offset, fd, out_pos >= 0,
                               (unsigned long long) (out_pos >= 0 ? out_pos : 0), length,
                               sparse && out_pos >= 0, vol->name, progress);
    if (n >= 0 && out_pos >= 0) {
        off_t end = out_pos + (off_t) n;
        if (fstat(fd, &out_st) == 0 && out_st.st_size < end && ftruncate(fd, end) < 0)
            n = -1;
        else
            lseek(fd, end, SEEK_SET);
    }
    close(in);
    return n < 0 ? -1 : 0;
}
