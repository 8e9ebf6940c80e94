/*
 * fs.c: the "fs" backend's own slots: a block device with a file system,
 * made by mkfs when a build asks for it, mounted with libmount on the
 * pool's target directory when the pool starts and unmounted when it
 * stops. The rest, the directory and its files, is a dir pool's
 * (backends/dir.c, which holds scBackendFs).
 *
 * As libvirt 9.0's fs backend (storage_backend_fs.c): the pool is active
 * when its device is mounted on its target (the mount table, both paths
 * with symlinks resolved); start mounts with "nodev,nosuid,noexec" and
 * the definition's <fs:mount_opts>, of type <source><format> unless that
 * is "auto" (libmount then asks libblkid); stop unmounts only that mount;
 * build makes the target directory, and runs mkfs only when asked to
 * overwrite, or not to overwrite (then only on a device where libblkid
 * finds no signature). Unlike libvirt, the device must be a block device
 * (a file would be attached to a loop device that the mount table names
 * instead, so that no check or stop found the mount), and the pool's
 * mount must be the top one on its target for a start to use it or a
 * stop to unmount it (not another file system mounted over it).
 */
#include <config.h>

#include <fcntl.h>
#include <libmount.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backends/common/command.h"
#include "backends/common/signature.h"
#include "backends/dir.h"
#include "util/util.h"

/* Options of every mount, libvirt's on Linux (default_mount_opts). */
#define FS_MOUNT_OPTS "nodev,nosuid,noexec"

/* mkfs is given this long (libvirt gives it no limit): a large device
 * takes a while, and one killed half-way leaves a device half made. */
#define MKFS_TIMEOUT_S 3600

/* One <source><device>, as libvirt's virStorageBackendFileSystemIsValid,
 * and an absolute path: it is an argument of mkfs, never an option. */
static const char *
source_device(const scPoolDef *def)
{
    const char *path = def->source.ndevices == 1 ? def->source.devices[0].path : NULL;

    if (!path) {
        scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                      "pool '%s': an fs pool needs exactly one <source><device path=.../>, "
                      "not %zu",
                      def->name, def->source.ndevices);
        return NULL;
    }
    if (path[0] != '/') {
        scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                      "pool '%s': source device '%s' is not an absolute path", def->name, path);
        return NULL;
    }
    return path;
}

/* The format to mount or make, or NULL for "auto". */
static const char *
source_format(const scPoolDef *def)
{
    const char *f = def->source.format;

    return f && strcmp(f, "auto") != 0 ? f : NULL;
}

/* @path with symlinks resolved into @buf, else @path as it is (a device
 * that is not there is compared as spelled). */
static const char *
resolved(const char *path, char buf[PATH_MAX])
{
    return realpath(path, buf) ? buf : path;
}

/* What is mounted on the pool's target, as a mount table has it (both
 * paths with symlinks resolved). */
typedef enum {
    MNT_NONE,    /* not the pool's device */
    MNT_POOL,    /* the pool's device, on top */
    MNT_COVERED, /* the pool's device, under another mount */
} MountState;

/* MountState, or -1 (reported). */
static int
is_mounted(const scPoolDef *def, const char *device)
{
    char dev_buf[PATH_MAX], target_buf[PATH_MAX], src[PATH_MAX];
    const char *dev, *target;
    struct libmnt_table *tb = (errno = 0, mnt_new_table_from_file("/proc/self/mountinfo"));
    struct libmnt_iter *it = mnt_new_iter(MNT_ITER_BACKWARD);
    struct libmnt_fs *fs;
    bool top = true;
    int found = MNT_NONE;

    if (!tb || !it) {
        scReportSystemError(SC_FROM_STORAGE, errno ? errno : ENOMEM,
                            "pool '%s': cannot read the mount table", def->name);
        mnt_unref_table(tb);
        mnt_free_iter(it);
        return -1;
    }
    dev = resolved(device, dev_buf);
    target = resolved(def->target_path, target_buf);
    /* The last mount on the target, in mount order, is the one on top. */
    while (found == MNT_NONE && mnt_table_next_fs(tb, it, &fs) == 0) {
        const char *t = mnt_fs_get_target(fs), *s = mnt_fs_get_srcpath(fs);
        if (!t || strcmp(t, target) != 0)
            continue;
        if (s && strcmp(resolved(s, src), dev) == 0)
            found = top ? MNT_POOL : MNT_COVERED;
        top = false;
    }
    mnt_free_iter(it);
    mnt_unref_table(tb);
    return found;
}

int
scFsCheck(const scPoolDef *def, bool *active)
{
    const char *device = source_device(def);
    int r = device ? is_mounted(def, device) : -1;

    *active = r == MNT_POOL;
    return r < 0 ? -1 : 0;
}

/* Mount (@mount) or unmount with @cxt, then free it: 0, or -1 with the
 * error "pool 'NAME': WHAT: " and libmount's words for what went wrong
 * (mnt_context_get_excode, as mount(8) prints them). */
static int
run_mnt(struct libmnt_context *cxt, bool mount, const scPoolDef *def, const char *what)
{
    char buf[BUFSIZ] = "";
    int rc = mount ? mnt_context_mount(cxt) : mnt_context_umount(cxt);

    /* The mount or unmount itself is what counts: libmount may report a
     * step after it failed (its utab), with the file system mounted or
     * unmounted all the same. */
    if (mnt_context_get_status(cxt) != 1) {
        mnt_context_get_excode(cxt, rc, buf, sizeof(buf));
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED, "pool '%s': %s: %s", def->name,
                      what, buf[0] ? buf : "failed");
        mnt_free_context(cxt);
        return -1;
    }
    mnt_free_context(cxt);
    return 0;
}

/* The pool's target directory, opened (O_PATH) for the mount to land on
 * it and nowhere else: a symlink put in its place (to /etc, say) is
 * refused, not followed. (Links in the directories above it are the
 * host's layout, /var/run to /run, and followed.) The fd, or -1 reported
 * with @what. */
static int
open_target(const scPoolDef *def, const char *what)
{
    int fd = open(def->target_path, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    struct stat st;

    if (fd < 0) {
        if (errno == ENOENT)
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                          "pool '%s': %s: mount point does not exist (pool-build makes it)",
                          def->name, what);
        else
            scReportSystemError(SC_FROM_STORAGE, errno, "pool '%s': %s", def->name, what);
        return -1;
    }
    if (fstat(fd, &st) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "pool '%s': %s", def->name, what);
        close(fd);
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                      S_ISLNK(st.st_mode)
                          ? "pool '%s': %s: the target is a symbolic link; storcat mounts on "
                            "the directory itself, never where a link points"
                          : "pool '%s': %s: the target is not a directory",
                      def->name, what);
        close(fd);
        return -1;
    }
    return fd;
}

/* Record the mount's user-space options (x-*, _netdev, ...) in libmount's
 * utab, as mount(8) does, under the directory's name: the context would
 * record the /proc name it mounted on, which no unmount finds, and the
 * entry would outlive the mount. Best effort, as mount(8)'s (the mount
 * is done). */
static void
record_userspace_options(const char *device, int fd, const char *opts)
{
    char proc[64], dir[PATH_MAX];
    struct libmnt_update *upd;
    struct libmnt_fs *fs;
    ssize_t n;

    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
    if ((n = readlink(proc, dir, sizeof(dir) - 1)) <= 0)
        return;
    dir[n] = '\0';
    upd = mnt_new_update();
    fs = mnt_new_fs();
    if (upd && fs && mnt_fs_set_source(fs, device) == 0 && mnt_fs_set_target(fs, dir) == 0 &&
        mnt_fs_set_options(fs, opts) == 0 && mnt_update_set_fs(upd, 0, NULL, fs) == 0 &&
        mnt_update_is_ready(upd))
        mnt_update_table(upd, NULL);
    mnt_unref_fs(fs);
    mnt_free_update(upd);
}

static int
mount_pool(const scPoolDef *def, const char *device)
{
    _cleanup_free_ char *opts = scStrdup(FS_MOUNT_OPTS), *what = NULL, *at = NULL;
    struct libmnt_context *cxt;
    int fd, r;

    for (size_t i = 0; opts && i < def->nns_options; i++) {
        char *more = scAsprintf("%s,%s", opts, def->ns_options[i].name);
        free(opts);
        opts = more;
    }
    if (!opts || !(what = scAsprintf("cannot mount '%s' on '%s'", device, def->target_path)))
        return -1;
    if ((fd = open_target(def, what)) < 0)
        return -1;
    /* Mounted on the directory the fd holds, by its /proc name as it is
     * (not canonicalized back into a path that could change meanwhile);
     * the mount table names the directory. The name is this process's,
     * not /proc/self's: a mount helper (mount.ntfs, mount.ocfs2) that
     * libmount runs reaches it from its own process. */
    if (!(at = scAsprintf("/proc/%ld/fd/%d", (long) getpid(), fd)) ||
        !(cxt = mnt_new_context())) {
        if (at)
            scReportOOM();
        close(fd);
        return -1;
    }
    if (mnt_context_disable_canonicalize(cxt, true) < 0 ||
        mnt_context_disable_mtab(cxt, true) < 0 || mnt_context_set_source(cxt, device) < 0 ||
        mnt_context_set_target(cxt, at) < 0 ||
        mnt_context_set_options(cxt, opts) < 0 ||
        (source_format(def) && mnt_context_set_fstype(cxt, source_format(def)) < 0)) {
        scReportOOM();
        mnt_free_context(cxt);
        close(fd);
        return -1;
    }
    if ((r = run_mnt(cxt, true, def, what)) == 0)
        record_userspace_options(device, fd, opts);
    close(fd);
    return r;
}

static int
umount_pool(const scPoolDef *def)
{
    _cleanup_free_ char *what = scAsprintf("cannot unmount '%s'", def->target_path);
    struct libmnt_context *cxt;

    if (!what)
        return -1;
    if (!(cxt = mnt_new_context()) || mnt_context_set_target(cxt, def->target_path) < 0) {
        scReportOOM();
        mnt_free_context(cxt);
        return -1;
    }
    return run_mnt(cxt, false, def, what);
}

/* Neither a start nor a stop touches the pool's mount under another. */
static int
refuse_covered(const scPoolDef *def, const char *device)
{
    scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_INVALID,
                  "pool '%s': another file system is mounted over '%s' on '%s': unmount that "
                  "first",
                  def->name, device, def->target_path);
    return -1;
}

/* The source must be a block device: mount(8) would attach a file to a
 * loop device, which the mount table then names instead, and no check or
 * stop would find the pool's mount. 0, or -1 reported. */
static int
check_block_device(const scPoolDef *def, const char *device)
{
    struct stat st;

    if (stat(device, &st) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "pool '%s': source device '%s'", def->name,
                            device);
        return -1;
    }
    if (!S_ISBLK(st.st_mode)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "pool '%s': source device '%s' is not a block device", def->name,
                      device);
        return -1;
    }
    return 0;
}

int
scFsStart(const scPoolDef *def, scPoolRuntime *rt)
{
    const char *device = source_device(def);
    int mounted = device ? is_mounted(def, device) : -1;

    if (mounted < 0)
        return -1;
    if (mounted == MNT_COVERED)
        return refuse_covered(def, device);
    if (mounted == MNT_NONE && check_block_device(def, device) < 0)
        return -1;
    /* Mounted already (a start a crash interrupted, or by hand): as libvirt,
     * used as it is. */
    if (mounted == MNT_NONE && mount_pool(def, device) < 0)
        return -1;
    if (scDirPoolStart(def, rt) < 0) {
        if (mounted == MNT_NONE) {
            scErrorSaved *saved = scErrorSave();
            umount_pool(def);
            scErrorRestore(&saved);
        }
        return -1;
    }
    return 0;
}

int
scFsStop(const scPoolDef *def, const scPoolRuntime *rt)
{
    const char *device = source_device(def);
    int mounted = device ? is_mounted(def, device) : -1;

    (void) rt;
    if (mounted == MNT_COVERED)
        return refuse_covered(def, device);
    /* Not mounted (or something else is mounted there): nothing to undo. */
    if (mounted != MNT_POOL)
        return mounted < 0 ? -1 : 0;
    return umount_pool(def);
}

/* mkfs's option to make a file system over whatever the device holds, as
 * libvirt passes it (virStorageBackendExecuteMKFS), or NULL. */
static const char *
mkfs_force(const char *format)
{
    if (strcmp(format, "xfs") == 0)
        return "-f";
    if (strcmp(format, "ext2") == 0 || strcmp(format, "ext3") == 0 ||
        strcmp(format, "ext4") == 0)
        return "-F";
    if (strcmp(format, "vfat") == 0)
        return "-I";
    return NULL;
}

/* Make a file system of the pool's format on its device; without
 * @overwrite, only where libblkid finds no signature. */
static int
make_fs(const scPoolDef *def, const char *device, bool overwrite)
{
    const char *format = source_format(def), *force;
    char type[SC_SIGNATURE_MAX], found[SC_SIGNATURE_MAX];
    int r;

    if (!format) {
        scReportError(SC_FROM_STORAGE, SC_ERR_CONFIG_UNSUPPORTED,
                      "pool '%s': no file system to make on '%s': its format is 'auto'; "
                      "set <source><format type=.../> (ext4, xfs, ...)",
                      def->name, device);
        return -1;
    }
    if (check_block_device(def, device) < 0)
        return -1;
    if (!overwrite) {
        if ((r = scDeviceSignature(def->name, device, type, found)) < 0)
            return -1;
        if (r > 0 && strcmp(type, format) == 0) {
            scReportError(SC_FROM_STORAGE, SC_ERR_STORAGE_POOL_BUILT,
                          "pool '%s': device '%s' already formatted using '%s'", def->name,
                          device, format);
            return -1;
        }
        if (r > 0) {
            scReportError(SC_FROM_STORAGE, SC_ERR_STORAGE_POOL_BUILT,
                          "pool '%s': device '%s' is not empty: libblkid found %s on it, not "
                          "the expected format '%s'; build with overwrite to destroy it",
                          def->name, device, found, format);
            return -1;
        }
    }
    force = mkfs_force(format);
    {
        const char *argv[] = { MKFS, "-t", format, force ? force : device, force ? device : NULL,
                               NULL };

        if (scCommandRun(argv, NULL, 0, MKFS_TIMEOUT_S, NULL) < 0) {
            /* The runner's error names the command and its stderr. */
            _cleanup_free_ char *why = scStrdup(scGetLastErrorMessage());
            int code = scGetLastError() ? scGetLastError()->code : SC_ERR_OPERATION_FAILED;

            scReportError(SC_FROM_STORAGE, code,
                          "pool '%s': cannot make a '%s' file system on '%s': %s", def->name,
                          format, device, why ? why : "?");
            return -1;
        }
    }
    return 0;
}

int
scFsBuild(const scPoolDef *def, unsigned int flags)
{
    bool overwrite = flags & SC_STORAGE_POOL_BUILD_OVERWRITE;
    bool no_overwrite = flags & SC_STORAGE_POOL_BUILD_NO_OVERWRITE;
    const char *device = source_device(def);
    int made;

    if (!device)
        return -1;
    if (overwrite && no_overwrite) {
        scReportError(SC_FROM_STORAGE, SC_ERR_INVALID_ARG,
                      "pool '%s': build flags overwrite and no-overwrite are mutually exclusive",
                      def->name);
        return -1;
    }
    /* The target directory as a dir pool's, whether or not it exists. */
    made = scDirPoolBuild(def, flags & ~(SC_STORAGE_POOL_BUILD_OVERWRITE |
                                         SC_STORAGE_POOL_BUILD_NO_OVERWRITE));
    if (made < 0 || !(overwrite || no_overwrite))
        return made;
    if (make_fs(def, device, overwrite) < 0) {
        if (made)
            rmdir(def->target_path);
        return -1;
    }
    /* What the core may undo is the directory alone: a file system made
     * cannot be unmade. */
    return made;
}
