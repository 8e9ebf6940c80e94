/*
 * connect.c: connections: the default catalog path, opening, reference
 * counting, and the checks every public entry makes on its handle.
 */
#include <config.h>

#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "connect.h"

/* Handle reference counts are changed under one lock: handles are shared
 * between threads and the counts are tiny critical sections. */
static pthread_mutex_t handle_lock = PTHREAD_MUTEX_INITIALIZER;

void
scHandleRef(int *refs)
{
    pthread_mutex_lock(&handle_lock);
    (*refs)++;
    pthread_mutex_unlock(&handle_lock);
}

bool
scConnectTryRef(scConnect *conn)
{
    bool taken;

    pthread_mutex_lock(&handle_lock);
    if ((taken = conn->refs > 0))
        conn->refs++;
    pthread_mutex_unlock(&handle_lock);
    return taken;
}

bool
scConnectRefsAtMost(scConnect *conn, int n)
{
    bool few;

    pthread_mutex_lock(&handle_lock);
    few = conn->refs <= n;
    pthread_mutex_unlock(&handle_lock);
    return few;
}

int
scHandleUnref(int *refs)
{
    int left;

    pthread_mutex_lock(&handle_lock);
    left = --(*refs);
    pthread_mutex_unlock(&handle_lock);
    return left;
}

bool
scConnectCheck(scConnect *conn, const char *func)
{
    if (!conn || conn->magic != SC_CONNECT_MAGIC) {
        scReportError(SC_FROM_CONNECT, SC_ERR_INVALID_CONN, "%s: invalid connection", func);
        return false;
    }
    return true;
}

bool
scConnectCheckWritable(scConnect *conn, const char *func)
{
    if (!scConnectCheck(conn, func))
        return false;
    if (conn->readonly) {
        if (conn->readonly_why)
            scReportError(SC_FROM_CONNECT, SC_ERR_OPERATION_DENIED,
                          "%s: catalog '%s' is read-only: %s", func, conn->path,
                          conn->readonly_why);
        else
            scReportError(SC_FROM_CONNECT, SC_ERR_OPERATION_DENIED,
                          "%s: catalog '%s' is open read-only", func, conn->path);
        return false;
    }
    return true;
}

bool
scCheckArg(const void *arg, const char *name, const char *func)
{
    if (!arg) {
        scReportError(SC_FROM_CONNECT, SC_ERR_INVALID_ARG, "%s: %s must not be NULL", func, name);
        return false;
    }
    return true;
}

bool
scConnectEnter(scConnect *conn, const char *func, bool write)
{
    if (!(write ? scConnectCheckWritable(conn, func) : scConnectCheck(conn, func)))
        return false;
    scConnectLock(conn);
    return true;
}

void
scConnectLock(scConnect *conn)
{
    pthread_mutex_lock(&conn->lock);
}

void
scConnectUnlock(scConnect *conn)
{
    pthread_mutex_unlock(&conn->lock);
}

/* mkdir -p @dir with mode 0700 for what it creates. */
static int
make_dirs(const char *dir)
{
    _cleanup_free_ char *copy = scStrdup(dir);

    if (!copy)
        return -1;
    for (char *p = copy + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char c = *p;
        *p = '\0';
        if (mkdir(copy, 0700) < 0 && errno != EEXIST) {
            scReportSystemError(SC_FROM_CONNECT, errno, "cannot create catalog directory '%s'",
                                copy);
            return -1;
        }
        if (!(*p = c))
            break;
    }
    return 0;
}

/* The default catalog (DESIGN §2); its directory is created. */
static char *
default_catalog_path(void)
{
    const char *env = getenv("STORCAT_CATALOG");
    _cleanup_free_ char *dir = NULL;

    if (env && *env)
        return scStrdup(env);
    if (geteuid() == 0) {
        dir = scStrdup("/var/lib/storcat");
    } else {
        const char *data = getenv("XDG_DATA_HOME");
        const char *home = getenv("HOME");
        if (data && *data == '/')
            dir = scAsprintf("%s/storcat", data);
        else if (home && *home == '/')
            dir = scAsprintf("%s/.local/share/storcat", home);
        else {
            scReportError(SC_FROM_CONNECT, SC_ERR_INVALID_ARG,
                          "no default catalog: neither XDG_DATA_HOME nor HOME is set; "
                          "pass a catalog path");
            return NULL;
        }
    }
    if (!dir || make_dirs(dir) < 0)
        return NULL;
    return scAsprintf("%s/catalog.db", dir);
}

/* An absolute spelling of @path (its directory must exist). */
static char *
absolute_path(const char *path)
{
    _cleanup_free_ char *copy = scStrdup(path);
    _cleanup_free_ char *dir = NULL;
    const char *slash;
    char buf[PATH_MAX];

    if (!copy)
        return NULL;
    slash = strrchr(copy, '/');
    if (slash == copy)
        return TAKE_PTR(copy);
    if (slash) {
        if (!(dir = strndup(copy, (size_t) (slash - copy)))) {
            scReportOOM();
            return NULL;
        }
    }
    if (!realpath(dir ? dir : ".", buf)) {
        scReportSystemError(SC_FROM_CONNECT, errno, "cannot open catalog '%s'", path);
        return NULL;
    }
    return scAsprintf("%s/%s", strcmp(buf, "/") == 0 ? "" : buf, slash ? slash + 1 : copy);
}

/* The kernel's id of this boot; pool activity belongs to one boot.
 * STORCAT_BOOT_ID overrides it (tests simulate a reboot with it). */
static char *
read_boot_id(void)
{
    const char *env = getenv("STORCAT_BOOT_ID");
    char buf[64] = "";
    FILE *f;

    if (env && *env)
        return scStrdup(env);
    if ((f = fopen("/proc/sys/kernel/random/boot_id", "re"))) {
        if (!fgets(buf, sizeof(buf), f))
            buf[0] = '\0';
        fclose(f);
    }
    buf[strcspn(buf, "\n")] = '\0';
    return scStrdup(buf[0] ? buf : "unknown-boot");
}

/* "user(uid) pid N", recorded as the actor of every event. */
static char *
make_actor(void)
{
    const char *env = getenv("STORCAT_ACTOR");
    struct passwd pw, *res = NULL;
    char buf[1024];
    uid_t uid = getuid();

    if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0)
        res = NULL;
    return scAsprintf("%s(%u) pid %ld%s%s", res ? res->pw_name : "?", (unsigned) uid,
                      (long) getpid(), env && *env ? " " : "", env && *env ? env : "");
}

static void
connect_free(scConnect *conn)
{
    if (!conn)
        return;
    scEventConnectClose(conn);
    if (conn->progress_free)
        conn->progress_free(conn->progress_opaque);
    scCatalogClose(conn->catalog);
    pthread_mutex_destroy(&conn->lock);
    free(conn->path);
    free(conn->actor);
    conn->magic = SC_DEAD_MAGIC;
    free(conn);
}
SC_DEFINE_CLEANUP(scConnect, connect_free)

scConnectPtr
scConnectOpen(const char *catalog, unsigned int flags)
{
    _cleanup_(connect_freep) scConnect *conn = NULL;
    _cleanup_free_ char *given = NULL;
    _cleanup_free_ char *boot_id = NULL;

    scResetLastError();
    if (scCheckFlags(flags, SC_CONNECT_RO) < 0)
        return NULL;
    if (catalog && !*catalog) {
        scReportError(SC_FROM_CONNECT, SC_ERR_INVALID_ARG, "catalog path is empty");
        return NULL;
    }
    if (!(given = catalog ? scStrdup(catalog) : default_catalog_path()))
        return NULL;
    if (!(conn = scAlloc(sizeof(*conn))))
        return NULL;
    pthread_mutex_init(&conn->lock, NULL);
    conn->refs = 1;
    conn->readonly = flags & SC_CONNECT_RO;
    if (!(conn->path = absolute_path(given)) || !(conn->actor = make_actor()) ||
        !(boot_id = read_boot_id()))
        return NULL;
    if (!(conn->catalog = scCatalogOpen(conn->path, conn->readonly, boot_id)))
        return NULL;
    /* A catalog that cannot be written is read, and says why on a write. */
    conn->readonly = scCatalogReadOnly(conn->catalog, &conn->readonly_why);
    conn->magic = SC_CONNECT_MAGIC;
    return TAKE_PTR(conn);
}

int
scConnectRef(scConnectPtr conn)
{
    scResetLastError();
    if (!scConnectCheck(conn, __func__))
        return -1;
    scHandleRef(&conn->refs);
    return 0;
}

int
scConnectClose(scConnectPtr conn)
{
    int left;

    scResetLastError();
    if (!scConnectCheck(conn, __func__))
        return -1;
    if ((left = scHandleUnref(&conn->refs)) == 0)
        connect_free(conn);
    return left;
}

void
scConnectRelease(scConnect *conn)
{
    if (scHandleUnref(&conn->refs) == 0)
        connect_free(conn);
}

const char *
scConnectGetCatalogPath(scConnectPtr conn)
{
    scResetLastError();
    if (!scConnectCheck(conn, __func__))
        return NULL;
    return conn->path;
}

int
scConnectIsReadOnly(scConnectPtr conn)
{
    scResetLastError();
    if (!scConnectCheck(conn, __func__))
        return -1;
    return conn->readonly ? 1 : 0;
}

int
scConnectSetProgressCallback(scConnectPtr conn, scProgressCallback cb, void *opaque,
                             void (*freecb)(void *opaque))
{
    scResetLastError();
    if (!scConnectCheck(conn, __func__))
        return -1;
    scConnectLock(conn);
    if (conn->progress_free)
        conn->progress_free(conn->progress_opaque);
    conn->progress = cb;
    conn->progress_opaque = cb ? opaque : NULL;
    conn->progress_free = cb ? freecb : NULL;
    scConnectUnlock(conn);
    return 0;
}

int
scConnectProgressReport(void *opaque, unsigned long long done, unsigned long long total)
{
    scConnectProgress *p = opaque;

    if (!p->conn->progress)
        return 0;
    if (p->conn->progress(p->conn, p->op, done, total, p->conn->progress_opaque) != 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_ABORTED, "%s aborted by the caller",
                      p->op);
        return -1;
    }
    return 0;
}
