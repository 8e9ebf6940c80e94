/*
 * dir.c: the "dir" backend: a pool is a directory, its volumes are the
 * files (and subdirectories) in it. Its runtime state is the target
 * directory with symlinks resolved, where its volumes' paths start; the
 * work on files is backends/common/fileops.c's. The "fs" backend is this
 * one on a file system it mounts (backends/fs.c, dir.h).
 */
#include <config.h>

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "backends/common/fileops.h"
#include "backends/dir.h"
#include "util/util.h"

/* libvirt's default mode for a pool directory it builds. */
#define DEFAULT_POOL_MODE 0711

/* mkdir -p the parents of @path (mode 0755), not @path itself. */
static int
make_parents(const char *path)
{
    _cleanup_free_ char *copy = scStrdup(path);

    if (!copy)
        return -1;
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(copy, 0755) < 0 && errno != EEXIST) {
            scReportSystemError(SC_FROM_STORAGE, errno, "cannot create directory '%s'", copy);
            return -1;
        }
        *p = '/';
    }
    return 0;
}

static int
dir_check(const scPoolDef *def, bool *active)
{
    struct stat st;

    *active = stat(def->target_path, &st) == 0 && S_ISDIR(st.st_mode);
    return 0;
}

/* Build the target directory. As libvirt: an existing directory keeps its
 * mode unless the definition sets one; a new one gets the definition's
 * mode or 0711, and the owner and group the definition asks for. */
int
scDirPoolBuild(const scPoolDef *def, unsigned int flags)
{
    const char *path = def->target_path;
    mode_t mode = def->perms.mode >= 0 ? (mode_t) def->perms.mode : DEFAULT_POOL_MODE;
    struct stat st;
    bool created = true;

    if (flags & (SC_STORAGE_POOL_BUILD_REPAIR | SC_STORAGE_POOL_BUILD_RESIZE)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "pool '%s': a %s pool cannot be repaired or resized", def->name,
                      scPoolTypeToString(def->type));
        return -1;
    }
    if (make_parents(path) < 0)
        return -1;
    if (mkdir(path, mode) < 0) {
        if (errno != EEXIST || (flags & SC_STORAGE_POOL_BUILD_NO_OVERWRITE)) {
            scReportSystemError(SC_FROM_STORAGE, errno, "pool '%s': cannot create directory '%s'",
                                def->name, path);
            return -1;
        }
        if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode)) {
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                          "pool '%s': '%s' exists and is not a directory", def->name, path);
            return -1;
        }
        created = false;
    }
    /* The umask cut the mode of a new directory; owner and group as asked. */
    if (((created || def->perms.mode >= 0) && chmod(path, mode) < 0) ||
        ((def->perms.uid >= 0 || def->perms.gid >= 0) &&
         chown(path, def->perms.uid >= 0 ? (uid_t) def->perms.uid : (uid_t) -1,
               def->perms.gid >= 0 ? (gid_t) def->perms.gid : (gid_t) -1) < 0)) {
        scReportSystemError(SC_FROM_STORAGE, errno,
                            "pool '%s': cannot set the permissions of '%s'", def->name, path);
        if (created)
            rmdir(path);
        return -1;
    }
    return created ? 1 : 0;
}

int
scDirPoolStart(const scPoolDef *def, scPoolRuntime *rt)
{
    char buf[PATH_MAX];
    struct stat st;

    if (!realpath(def->target_path, buf) || stat(buf, &st) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno,
                            "pool '%s': cannot use target directory '%s' (build the pool first?)",
                            def->name, def->target_path);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "pool '%s': target '%s' is not a directory", def->name, def->target_path);
        return -1;
    }
    /* Room for "/" and a volume name of SC_NAME_MAX bytes in a path. */
    if (strlen(buf) > PATH_MAX - SC_NAME_MAX - 2) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "pool '%s': target directory '%s' is too long for its volumes' paths",
                      def->name, buf);
        return -1;
    }
    /* The state is the directory's identity, its path the first of the
     * runtime dirs: writes check that the directory is still this one. */
    if (!(rt->state = scAsprintf("%llu:%llu", (unsigned long long) st.st_dev,
                                 (unsigned long long) st.st_ino)) ||
        scPoolRuntimeAddDir(rt, buf) < 0) {
        scPoolRuntimeClear(rt);
        return -1;
    }
    return 0;
}

static int
dir_delete(const scPoolDef *def, unsigned int flags)
{
    if (flags & SC_STORAGE_POOL_DELETE_ZEROED) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_UNSUPPORTED,
                      "pool '%s': a %s pool cannot be deleted zeroed", def->name,
                      scPoolTypeToString(def->type));
        return -1;
    }
    /* libvirt's code and text (virStorageBackendDeleteLocal), naming the
     * directory: "Directory not empty" while it has volumes. */
    if (rmdir(def->target_path) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "failed to remove pool '%s'",
                            def->target_path);
        return -1;
    }
    return 0;
}

/* The resolved target directory start recorded. */
static const char *
target(const scPoolCtx *pool)
{
    if (pool->rt && pool->rt->dirs && pool->rt->dirs[0])
        return pool->rt->dirs[0];
    return pool->def->target_path;
}

static int
dir_pool_info(const scPoolCtx *pool, scStoragePoolInfo *info)
{
    struct statvfs vfs;

    if (statvfs(target(pool), &vfs) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "pool '%s': cannot statvfs '%s'",
                            pool->def->name, target(pool));
        return -1;
    }
    /* As libvirt computes them: the free blocks (root's reserve counted
     * as free), so that capacity = allocation + available. */
    info->capacity = (unsigned long long) vfs.f_frsize * vfs.f_blocks;
    info->available = (unsigned long long) vfs.f_frsize * vfs.f_bfree;
    info->allocation = info->capacity - info->available;
    return 0;
}

/* As libvirt's refresh reads them (virStorageBackendRefreshLocal): the
 * directory's permission bits, owner and group. */
static int
dir_pool_perms(const scPoolCtx *pool, scPoolPerms *perms)
{
    struct stat st;

    if (stat(target(pool), &st) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "pool '%s': cannot stat '%s'",
                            pool->def->name, target(pool));
        return -1;
    }
    perms->mode = st.st_mode & 0777;
    perms->uid = st.st_uid;
    perms->gid = st.st_gid;
    return 0;
}

/* Open the pool's directory, with the rules its images' chains follow:
 * this directory and the catalog's volumes. */
static int
dir_open(const scPoolCtx *pool, scDir *dir)
{
    unsigned long long dev, ino;
    struct stat st;

    if (scDirOpen(target(pool), dir) < 0)
        return -1;
    /* The directory must be the one the pool started on, not one put in
     * its place (a symlink to elsewhere) since. A state of storcat 0.1
     * (the path itself) holds no identity to check. */
    if (pool->rt && pool->rt->state && sscanf(pool->rt->state, "%llu:%llu", &dev, &ino) == 2 &&
        (fstat(dir->fd, &st) < 0 || st.st_dev != (dev_t) dev || st.st_ino != (ino_t) ino)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      "pool '%s': directory '%s' is no longer the one the pool was started on "
                      "(replaced, or the file system on it unmounted): stop and start the pool",
                      pool->def->name, dir->path);
        scDirClose(dir);
        return -1;
    }
    dir->rules.is_volume = pool->is_volume;
    dir->rules.opaque = pool->is_volume_opaque;
    dir->pool = pool;
    return 0;
}

/* Run @expr with the pool directory open as `dir`: the one attach holds,
 * or one opened and closed around it. */
#define WITH_DIR(pool, expr)                                                 \
    do {                                                                     \
        scDir dir_ = { -1, NULL, { NULL, NULL, NULL }, NULL };               \
        int r_;                                                              \
        if (!(pool)->held && dir_open(pool, &dir_) < 0)                      \
            return -1;                                                       \
        const scDir *dir = (pool)->held ? (pool)->held : &dir_;              \
        r_ = (expr);                                                         \
        scDirClose(&dir_);                                                   \
        return r_;                                                           \
    } while (0)

static int
dir_attach(scPoolCtx *pool)
{
    scDir *dir = scAlloc(sizeof(*dir));

    if (!dir || dir_open(pool, dir) < 0) {
        free(dir);
        return -1;
    }
    pool->held = dir;
    return 0;
}

static void
dir_detach(scPoolCtx *pool)
{
    if (pool->held)
        scDirClose(pool->held);
    free(pool->held);
    pool->held = NULL;
}

static int
dir_discover(const scPoolCtx *pool, scDiscoverSink *sink)
{
    WITH_DIR(pool, scFileDiscover(dir, sink));
}

static int
dir_vol_probe(const scPoolCtx *pool, const char *name, scVolRecord *rec)
{
    WITH_DIR(pool, scFileProbe(dir, name, rec));
}

static int
dir_vol_plan(const scPoolCtx *pool, const scVolDef *vol, scVolRecord *plan)
{
    scDir dir = { -1, target(pool), { target(pool), pool->is_volume, pool->is_volume_opaque },
                  NULL };

    return scFilePlan(&dir, vol, plan);
}

/* The record of the volume just made; if it cannot be probed, the volume
 * is removed again (the build fails as a whole). */
static int
probe_built(const scDir *dir, const scVolDef *vol, scVolRecord *rec)
{
    int r = scFileProbe(dir, vol->name, rec);

    if (r > 0)
        return 0;
    if (r == 0)
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "volume '%s' vanished from '%s' as it was created", vol->name, dir->path);
    unlinkat(dir->fd, vol->name, 0);
    return -1;
}

static int
dir_vol_build(const scPoolCtx *pool, const scVolDef *vol, unsigned int flags,
              const scProgress *progress, scVolRecord *rec)
{
    (void) progress;
    WITH_DIR(pool, scFileCreate(dir, vol, flags) < 0 ? -1 : probe_built(dir, vol, rec));
}

static int
dir_vol_build_from(const scPoolCtx *pool, const scVolDef *vol, const scPoolCtx *src_pool,
                   const scVolRecord *src, unsigned int flags, const scProgress *progress,
                   scVolRecord *rec)
{
    (void) src_pool;
    WITH_DIR(pool, scFileCreateFrom(dir, vol, src, flags, progress) < 0
                       ? -1
                       : probe_built(dir, vol, rec));
}

static int
dir_vol_delete(const scPoolCtx *pool, const scVolRecord *vol, unsigned int flags)
{
    WITH_DIR(pool, scFileDelete(dir, vol, flags));
}

static int
dir_vol_resize(const scPoolCtx *pool, const scVolRecord *vol, unsigned long long capacity,
               unsigned int flags)
{
    WITH_DIR(pool, scFileResize(dir, vol, capacity, flags));
}

static int
dir_vol_wipe(const scPoolCtx *pool, const scVolRecord *vol, unsigned int algorithm,
             const scProgress *progress)
{
    WITH_DIR(pool, scFileWipe(dir, vol, algorithm, progress));
}

static int
dir_vol_upload(const scPoolCtx *pool, const scVolRecord *vol, int fd, unsigned long long offset,
               unsigned long long length, unsigned int flags, const scProgress *progress)
{
    WITH_DIR(pool, scFileUpload(dir, vol, fd, offset, length, flags, progress));
}

static int
dir_vol_download(const scPoolCtx *pool, const scVolRecord *vol, int fd,
                 unsigned long long offset, unsigned long long length, unsigned int flags,
                 const scProgress *progress)
{
    WITH_DIR(pool, scFileDownload(dir, vol, fd, offset, length, flags, progress));
}

static int
dir_vol_upload_stream(const scPoolCtx *pool, const scVolRecord *vol, scStreamIn *in,
                      unsigned long long offset, unsigned long long length, unsigned int flags)
{
    (void) length; /* the core keeps the stream within it */
    (void) flags;  /* holes come as holes or not at all */
    WITH_DIR(pool, scFileUploadStream(dir, vol, in, offset));
}

static int
dir_vol_download_stream(const scPoolCtx *pool, const scVolRecord *vol, scStreamOut *out,
                        unsigned long long offset, unsigned long long length, unsigned int flags)
{
    WITH_DIR(pool, scFileDownloadStream(dir, vol, out, offset, length, flags));
}

/* The slots of the files in the pool's directory, a dir pool's and an fs
 * pool's alike. */
#define DIR_FILE_SLOTS                                                       \
    .pool_info = dir_pool_info, .pool_perms = dir_pool_perms, .attach = dir_attach,           \
    .detach = dir_detach, .discover = dir_discover, .vol_probe = dir_vol_probe,               \
    .vol_plan = dir_vol_plan, .vol_build = dir_vol_build,                                     \
    .vol_build_from = dir_vol_build_from, .vol_delete = dir_vol_delete,                       \
    .vol_resize = dir_vol_resize, .vol_wipe = dir_vol_wipe, .vol_upload = dir_vol_upload,     \
    .vol_download = dir_vol_download, .vol_upload_stream = dir_vol_upload_stream,             \
    .vol_download_stream = dir_vol_download_stream

const scBackend scBackendDir = {
    .version = SC_BACKEND_VERSION,
    .type = SC_POOL_DIR,
    .check = dir_check,
    .build = scDirPoolBuild,
    .start = scDirPoolStart,
    .delete_pool = dir_delete,
    .delete_removes_volumes = true, /* the directory must be empty */
    DIR_FILE_SLOTS,
};

/* A dir pool on the file system fs.c mounts on its target: built with
 * mkfs when asked, started with a mount, stopped with an unmount; deleted
 * as a dir pool (its target directory removed; the device is left as it
 * is, as libvirt leaves it). */
const scBackend scBackendFs = {
    .version = SC_BACKEND_VERSION,
    .type = SC_POOL_FS,
    .check = scFsCheck,
    .build = scFsBuild,
    .start = scFsStart,
    .stop = scFsStop,
    .delete_pool = dir_delete,
    DIR_FILE_SLOTS,
};
