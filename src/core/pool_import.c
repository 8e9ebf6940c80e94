/*
 * pool_import.c: scConnectImportLibvirt, the pools of libvirt's storage
 * configuration directory (/etc/libvirt/storage) defined in the catalog.
 *
 * libvirt keeps each persistent pool as NAME.xml in that directory and
 * marks it autostarted with autostart/NAME.xml, a link to it. Each file is
 * imported on its own, whole or not at all (pool.c: scPoolImport, the
 * definition and its autostart in one transaction); a pool defined already
 * identically is skipped, so an import can be run again. What cannot be
 * imported is told to the caller with the reason and does not stop the
 * others. The files are read through the directory's descriptor, regular
 * files of a bounded size only.
 */
#include <config.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pool.h"
#include "util/util.h"

#define LIBVIRT_STORAGE_DIR "/etc/libvirt/storage"
/* A pool definition is a few KiB; anything this large is not one. */
#define POOL_XML_MAX (1 << 20)

static bool
is_xml_name(const char *name)
{
    size_t len = strlen(name);

    return name[0] != '.' && len > 4 && strcmp(name + len - 4, ".xml") == 0;
}

static int
compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The *.xml names of directory @dfd, sorted, in a new NULL-terminated
 * array; their number in *@n. NULL reported. */
static char **
list_names(int dfd, const char *dir, size_t *n)
{
    int fd = dup(dfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    char **names = NULL;
    size_t count = 0;
    struct dirent *e;

    if (!d) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot read directory '%s'", dir);
        if (fd >= 0)
            close(fd);
        return NULL;
    }
    if (!(names = calloc(1, sizeof(*names))))
        goto oom;
    while ((e = readdir(d))) {
        char **more;
        if (!is_xml_name(e->d_name))
            continue;
        if (!(more = reallocarray(names, count + 2, sizeof(*names))))
            goto oom;
        names = more;
        if (!(names[count] = strdup(e->d_name)))
            goto oom;
        names[++count] = NULL;
    }
    closedir(d);
    qsort(names, count, sizeof(*names), compare_names);
    *n = count;
    return names;
oom:
    closedir(d);
    for (size_t i = 0; names && i < count; i++)
        free(names[i]);
    free(names);
    scReportOOM();
    return NULL;
}

/* Read file @name of @dfd, a regular file, into *@xml; its identity into
 * @st. 0, 1 when it is not a regular file (skipped), -1 reported. */
static int
read_config(int dfd, const char *dir, const char *name, char **xml, struct stat *st)
{
    int fd = openat(dfd, name, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    char *buf;
    ssize_t n;

    if (fd < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot open '%s/%s'", dir, name);
        return -1;
    }
    if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode)) {
        close(fd);
        return 1;
    }
    if (st->st_size > POOL_XML_MAX) {
        scReportError(SC_FROM_STORAGE, SC_ERR_XML_ERROR,
                      "'%s/%s' is %lld bytes: too large for a pool definition", dir, name,
                      (long long) st->st_size);
        close(fd);
        return -1;
    }
    if (!(buf = scAlloc((size_t) st->st_size + 1))) {
        close(fd);
        return -1;
    }
    n = read(fd, buf, (size_t) st->st_size);
    close(fd);
    if (n != st->st_size) {
        scReportSystemError(SC_FROM_STORAGE, n < 0 ? errno : EIO, "cannot read '%s/%s'", dir, name);
        free(buf);
        return -1;
    }
    buf[n] = '\0';
    *xml = buf;
    return 0;
}

/* Is autostart/@name of @dfd a link to (or the same file as) @st? */
static bool
autostarted(int dfd, const char *name, const struct stat *st)
{
    _cleanup_free_ char *link = scAsprintf("autostart/%s", name);
    struct stat ls;

    return link && fstatat(dfd, link, &ls, 0) == 0 && ls.st_dev == st->st_dev &&
           ls.st_ino == st->st_ino;
}

/* Import file @name; tells @cb. 0 imported, 1 skipped, -1 not imported. */
static int
import_one(scConnect *conn, int dfd, const char *dir, const char *name,
           scConnectImportLibvirtFunc cb, void *opaque)
{
    _cleanup_free_ char *xml = NULL;
    _cleanup_free_ char *pool = NULL;
    _cleanup_free_ char *message = NULL;
    struct stat st;
    int r = read_config(dfd, dir, name, &xml, &st);

    if (r > 0)
        return 1; /* a directory or a device named *.xml: not libvirt's */
    if (r == 0) {
        scConnectLock(conn);
        r = scPoolImport(conn, xml, autostarted(dfd, name, &st), &pool);
        scConnectUnlock(conn);
    }
    if (r < 0) {
        message = scStrdup(scGetLastErrorMessage());
        scResetLastError();
    }
    if (cb)
        cb(pool ? pool : name, r, message, opaque);
    return r;
}

int
scConnectImportLibvirt(scConnectPtr conn, const char *dir, scConnectImportLibvirtFunc cb,
                       void *opaque, unsigned int flags)
{
    char **names;
    size_t n = 0;
    int dfd, imported = 0;

    SC_API_BEGIN();
    if (!scConnectCheckWritable(conn, __func__) || scCheckFlags(flags, 0) < 0)
        return -1;
    if (!dir)
        dir = LIBVIRT_STORAGE_DIR;
    if ((dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot open libvirt's storage directory '%s'",
                            dir);
        return -1;
    }
    if (!(names = list_names(dfd, dir, &n))) {
        close(dfd);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (import_one(conn, dfd, dir, names[i], cb, opaque) == 0 && imported < INT_MAX)
            imported++;
        free(names[i]);
    }
    free(names);
    close(dfd);
    return imported;
}
