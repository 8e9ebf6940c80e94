/*
 * connect.c: connections: the default catalog path, opening, reference
 * counting, and the checks every public entry makes on its handle.
 */
#include <config.h>

#include <errno.h>
#include <limits.h>
#include <netdb.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "connect.h"
#include "backends/backend.h"
#include "conf/caps.h"

/* Handle reference counts are atomic: handles are shared between threads,
 * and every lookup takes one reference to its connection and every free
 * drops one (a global lock around them cost a lookup three lock pairs). */
void
scHandleRef(int *refs)
{
    __atomic_add_fetch(refs, 1, __ATOMIC_ACQ_REL);
}

bool
scConnectTryRef(scConnect *conn)
{
    int n = __atomic_load_n(&conn->refs, __ATOMIC_ACQUIRE);

    do {
        if (n <= 0)
            return false;
    } while (!__atomic_compare_exchange_n(&conn->refs, &n, n + 1, false, __ATOMIC_ACQ_REL,
                                          __ATOMIC_ACQUIRE));
    return true;
}

bool
scConnectRefsAtMost(scConnect *conn, int n)
{
    return __atomic_load_n(&conn->refs, __ATOMIC_ACQUIRE) <= n;
}

int
scHandleUnref(int *refs)
{
    return __atomic_sub_fetch(refs, 1, __ATOMIC_ACQ_REL);
}

/* The checks of a call's handle and arguments report in the domain of the
 * call, as libvirt's do: its storage calls in VIR_FROM_STORAGE (the
 * default here), its connection calls in another (libvirt.c's and
 * libvirt-host.c's: storcat's connection calls use SC_FROM_NONE). */
static bool
check_conn(scConnect *conn, const char *func, int domain)
{
    if (!conn || conn->magic != SC_CONNECT_MAGIC) {
        scReportError(domain, SC_ERR_INVALID_CONN, "%s", func);
        return false;
    }
    scApiSetConn(conn);
    return true;
}

static bool
check_arg(const void *arg, const char *name, const char *func, int domain)
{
    if (!arg) {
        scReportInvalidArg(domain, func, name, "%s in %s must not be NULL", name, func);
        return false;
    }
    return true;
}

/* The same for the connection calls of this file. */
static bool
host_check(scConnect *conn, const char *func)
{
    return check_conn(conn, func, SC_FROM_NONE);
}

static bool
host_check_arg(const void *arg, const char *name, const char *func)
{
    return check_arg(arg, name, func, SC_FROM_NONE);
}

bool
scConnectCheck(scConnect *conn, const char *func)
{
    return check_conn(conn, func, SC_FROM_STORAGE);
}

/* ---- errors of a connection --------------------------------------------- */

/* A call on @opaque failed with @err: keep a copy, and use the
 * connection's error function if it has one. */
static void
conn_error(void *opaque, const scError *err, scErrorFunc *handler, void **data)
{
    scConnect *conn = opaque;

    pthread_mutex_lock(&conn->err_lock);
    scResetError(&conn->err);
    scErrorCopy(err, &conn->err);
    if (conn->handler) {
        *handler = conn->handler;
        *data = conn->handler_data;
    }
    pthread_mutex_unlock(&conn->err_lock);
}

__attribute__((constructor)) static void
connect_init(void)
{
    scErrorConnHook = conn_error;
}

void
scConnSetErrorFunc(scConnectPtr conn, void *userData, scErrorFunc handler)
{
    if (!conn || conn->magic != SC_CONNECT_MAGIC)
        return;
    pthread_mutex_lock(&conn->err_lock);
    conn->handler = handler;
    conn->handler_data = userData;
    pthread_mutex_unlock(&conn->err_lock);
}

scErrorPtr
scConnGetLastError(scConnectPtr conn)
{
    return conn && conn->magic == SC_CONNECT_MAGIC ? &conn->err : NULL;
}

void
scConnResetLastError(scConnectPtr conn)
{
    if (!conn || conn->magic != SC_CONNECT_MAGIC)
        return;
    pthread_mutex_lock(&conn->err_lock);
    scResetError(&conn->err);
    pthread_mutex_unlock(&conn->err_lock);
}

int
scConnCopyLastError(scConnectPtr conn, scErrorPtr to)
{
    if (!to)
        return -1;
    memset(to, 0, sizeof(*to));
    if (!conn || conn->magic != SC_CONNECT_MAGIC)
        return -1;
    pthread_mutex_lock(&conn->err_lock);
    scErrorCopy(&conn->err, to);
    pthread_mutex_unlock(&conn->err_lock);
    return to->code;
}

bool
scConnectCheckWritable(scConnect *conn, const char *func)
{
    if (!scConnectCheck(conn, func))
        return false;
    if (conn->readonly) {
        if (conn->readonly_why)
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_DENIED,
                          "read only access prevents %s: catalog '%s' is read-only: %s", func,
                          conn->path, conn->readonly_why);
        else
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_DENIED,
                          "read only access prevents %s: catalog '%s' is open read-only", func,
                          conn->path);
        return false;
    }
    return true;
}

bool
scCheckArg(const void *arg, const char *name, const char *func)
{
    return check_arg(arg, name, func, SC_FROM_STORAGE);
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
            scReportSystemError(SC_FROM_NONE, errno, "cannot create catalog directory '%s'",
                                copy);
            return -1;
        }
        if (!(*p = c))
            break;
    }
    return 0;
}

/* The default catalog (DESIGN §2) when $STORCAT_CATALOG is not set; its
 * directory is created. */
static char *
default_catalog_path(bool make_dir)
{
    _cleanup_free_ char *dir = NULL;

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
            scReportError(SC_FROM_URI, SC_ERR_INVALID_ARG,
                          "no default catalog: neither XDG_DATA_HOME nor HOME is set; "
                          "pass a catalog path");
            return NULL;
        }
    }
    /* Made for a connection that may create the catalog only: a
     * read-only one leaves nothing behind. */
    if (!dir || (make_dir && make_dirs(dir) < 0))
        return NULL;
    return scAsprintf("%s/catalog.db", dir);
}

static int
hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Is @name a URI: "storcat:" anything, or another scheme and "://"? */
static bool
is_uri(const char *name)
{
    const char *p = name;

    if (strncmp(name, "storcat:", strlen("storcat:")) == 0)
        return true;

    if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z')))
        return false;
    while ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
           *p == '+' || *p == '-' || *p == '.')
        p++;
    return strncmp(p, "://", 3) == 0;
}

/* The catalog path of URI @uri: storcat:///absolute/path, %XX decoded. */
static char *
uri_to_path(const char *uri)
{
    const char *p = uri + strlen("storcat://");
    _cleanup_free_ char *path = NULL;
    size_t n = 0;

    if (strncmp(uri, "storcat:", strlen("storcat:")) != 0) {
        scReportError(SC_FROM_URI, SC_ERR_NO_CONNECT, "%s", uri);
        return NULL;
    }
    if (strncmp(uri, "storcat://", strlen("storcat://")) != 0 || *p != '/') {
        scReportError(SC_FROM_URI, SC_ERR_INVALID_ARG,
                      "URI '%s' names a host or a relative path: a storcat URI is "
                      "storcat:///absolute/path/to/catalog.db", uri);
        return NULL;
    }
    if (strpbrk(p, "?#")) {
        scReportError(SC_FROM_URI, SC_ERR_INVALID_ARG,
                      "URI '%s' has a query or a fragment: storcat URIs have neither", uri);
        return NULL;
    }
    if (!(path = scAlloc(strlen(p) + 1)))
        return NULL;
    for (; *p; p++) {
        int hi, lo;
        if (*p != '%') {
            path[n++] = *p;
            continue;
        }
        if ((hi = hex_value(p[1])) < 0 || (lo = hex_value(p[2])) < 0 || (hi == 0 && lo == 0)) {
            scReportError(SC_FROM_URI, SC_ERR_INVALID_ARG,
                          "URI '%s' has a malformed escape '%.3s'", uri, p);
            return NULL;
        }
        path[n++] = (char) (hi * 16 + lo);
        p += 2;
    }
    return TAKE_PTR(path);
}

/* The catalog file that connection name @name names (see scConnectOpen);
 * *@is_default if it is the default catalog, whose directory is made if
 * @make_dir. */
static char *
name_to_path(const char *name, bool make_dir, bool *is_default)
{
    *is_default = !name || !*name;
    if (*is_default) {
        const char *env = getenv("STORCAT_CATALOG");
        if (!env || !*env)
            return default_catalog_path(make_dir);
        name = env;
    }
    if (is_uri(name))
        return uri_to_path(name);
    return scStrdup(name);
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
        scReportSystemError(SC_FROM_NONE, errno, "cannot open catalog '%s'", path);
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

/* The name of user @uid (a new string), or NULL if it has none (or
 * memory ran out: the name is what an event can do without). */
static char *
user_name(uid_t uid)
{
    struct passwd pw, *res = NULL;
    char buf[1024];

    if (getpwuid_r(uid, &pw, buf, sizeof(buf), &res) != 0 || !res)
        return NULL;
    return scStrdup(res->pw_name);
}

/* The id of user @name, or -1. */
static long long
user_id(const char *name)
{
    struct passwd pw, *res = NULL;
    char buf[1024];

    if (getpwnam_r(name, &pw, buf, sizeof(buf), &res) != 0 || !res)
        return -1;
    return (long long) res->pw_uid;
}

/* $@var as a user id, or -1 if unset or not one. */
static long long
env_uid(const char *var)
{
    const char *text = getenv(var);
    unsigned long long id;
    char *end;

    if (!text || !*text)
        return -1;
    errno = 0;
    id = strtoull(text, &end, 10);
    if (errno || *end || text[0] == '-' || id >= (unsigned long long) (uid_t) -1)
        return -1;
    return (long long) id;
}

/* A copy of @s, at most @max bytes of it (cut at a character's boundary),
 * or NULL for NULL or "". */
static char *
dup_capped(const char *s, size_t max)
{
    size_t len;

    if (!s || !*s)
        return NULL;
    len = strnlen(s, max + 1);
    if (len > max) {
        len = max;
        while (len > 0 && ((unsigned char) s[len] & 0xc0) == 0x80)
            len--;
    }
    return strndup(s, len);
}

/* The most of $STORCAT_ACTOR an event keeps, and of a user's name. */
#define ACTOR_MAX 1024
#define NAME_MAX_ 256

/*
 * Who this process is, for the audit trail (sql/016-event-who-changes.sql):
 * its real user, pid and program (program_invocation_short_name: argv[0]
 * as started, not /proc/self/comm, which is cut to 15 bytes and which a
 * thread may rename), who stands behind it as its environment claims
 * (sudo(8): SUDO_USER and SUDO_UID; else pkexec(1): PKEXEC_UID) and
 * $STORCAT_ACTOR. The claims are recorded, not trusted: anyone can set
 * the variables. Memory running out loses a name, never the event.
 */
static void
make_who(scCatalogWho *who)
{
    const char *sudo = getenv("SUDO_USER");
    long long sudo_uid = env_uid("SUDO_UID");
    long long pkexec_uid = env_uid("PKEXEC_UID");

    memset(who, 0, sizeof(*who));
    who->uid = (long long) getuid();
    who->user_name = user_name(getuid());
    who->pid = (long long) getpid();
    who->program = scStrdup(program_invocation_short_name);
    who->storcat_actor = dup_capped(getenv("STORCAT_ACTOR"), ACTOR_MAX);
    who->invoker_uid = -1;
    if ((sudo && *sudo) || sudo_uid >= 0) {
        who->invoker_via = scStrdup("sudo");
        who->invoker_name = sudo && *sudo ? dup_capped(sudo, NAME_MAX_) : user_name(sudo_uid);
        who->invoker_uid = sudo_uid >= 0 ? sudo_uid : user_id(sudo);
    } else if (pkexec_uid >= 0) {
        who->invoker_via = scStrdup("pkexec");
        who->invoker_uid = pkexec_uid;
        who->invoker_name = user_name((uid_t) pkexec_uid);
    }
}

/*
 * The actor recorded with every event, one line: "user(uid) pid N
 * program", then who the process runs for behind sudo or pkexec ("[sudo:
 * alice]", "[pkexec: alice(1000)]"), then $STORCAT_ACTOR, cut to 256
 * bytes (storcat(1) ENVIRONMENT). Control characters become '?'. The
 * columns of @who say the same apart and whole.
 */
static char *
make_actor(const scCatalogWho *who)
{
    const char *env = who->storcat_actor;
    char via[320] = "";
    char *actor;

    if (who->invoker_via && strcmp(who->invoker_via, "sudo") == 0)
        snprintf(via, sizeof(via), " [sudo: %.64s]", who->invoker_name ? who->invoker_name : "?");
    else if (who->invoker_via)
        snprintf(via, sizeof(via), " [pkexec: %.64s(%lld)]",
                 who->invoker_name ? who->invoker_name : "?", who->invoker_uid);
    actor = scAsprintf("%s(%lld) pid %lld %s%s%s%.256s", who->user_name ? who->user_name : "?",
                       who->uid, who->pid, who->program ? who->program : "?", via, env ? " " : "",
                       env ? env : "");
    for (char *c = actor; c && *c; c++)
        if ((unsigned char) *c < 0x20 || *c == 0x7f)
            *c = '?';
    return actor;
}

static void
connect_free(scConnect *conn)
{
    if (!conn)
        return;
    if (conn->close_free)
        conn->close_free(conn->close_opaque);
    scEventConnectClose(conn);
    if (conn->progress_free)
        conn->progress_free(conn->progress_opaque);
    scCatalogClose(conn->catalog);
    scApiForgetConn(conn);
    scResetError(&conn->err);
    pthread_mutex_destroy(&conn->err_lock);
    pthread_mutex_destroy(&conn->lock);
    free(conn->path);
    free(conn->actor);
    conn->magic = SC_DEAD_MAGIC;
    free(conn);
}
SC_DEFINE_CLEANUP(scConnect, connect_free)

static scConnect *
open_catalog(const char *name, unsigned int flags)
{
    _cleanup_(connect_freep) scConnect *conn = NULL;
    _cleanup_free_ char *given = NULL;
    _cleanup_free_ char *boot_id = NULL;
    _cleanup_(scCatalogWhoClear) scCatalogWho who = { .uid = -1, .invoker_uid = -1, .pid = -1 };
    bool is_default, create;

    if (scCheckFlags(flags, SC_CONNECT_RO | SC_CONNECT_NO_ALIASES | SC_CONNECT_CREATE) < 0)
        return NULL;
    if ((flags & SC_CONNECT_RO) && (flags & SC_CONNECT_CREATE)) {
        scReportError(SC_FROM_NONE, SC_ERR_INVALID_ARG,
                      "a read-only connection cannot create a catalog");
        return NULL;
    }
    if (!(given = name_to_path(name, !(flags & SC_CONNECT_RO), &is_default)))
        return NULL;
    create = (flags & SC_CONNECT_CREATE) || (is_default && !(flags & SC_CONNECT_RO));
    if (!(conn = scAlloc(sizeof(*conn))))
        return NULL;
    pthread_mutex_init(&conn->lock, NULL);
    pthread_mutex_init(&conn->err_lock, NULL);
    conn->refs = 1;
    conn->readonly = flags & SC_CONNECT_RO;
    make_who(&who);
    if (!(conn->path = absolute_path(given)) || !(conn->actor = make_actor(&who)) ||
        !(boot_id = read_boot_id()))
        return NULL;
    if (!(conn->catalog = scCatalogOpen(conn->path, conn->readonly, create, boot_id)))
        return NULL;
    scCatalogSetWho(conn->catalog, &who);
    /* A catalog that cannot be written is read, and says why on a write. */
    conn->readonly = scCatalogReadOnly(conn->catalog, &conn->readonly_why);
    conn->query_timeout_ms = SC_QUERY_TIMEOUT_MS;
    scSettingsConnect(conn);
    conn->magic = SC_CONNECT_MAGIC;
    return TAKE_PTR(conn);
}

scConnectPtr
scConnectOpen(const char *name)
{
    SC_API_BEGIN();
    return open_catalog(name, 0);
}

scConnectPtr
scConnectOpenReadOnly(const char *name)
{
    SC_API_BEGIN();
    return open_catalog(name, SC_CONNECT_RO);
}

scConnectPtr
scConnectOpenAuth(const char *name, scConnectAuthPtr auth, unsigned int flags)
{
    SC_API_BEGIN();
    (void) auth;
    return open_catalog(name, flags);
}

static scConnectAuth default_auth;
scConnectAuthPtr scConnectAuthPtrDefault = &default_auth;

int
scInitialize(void)
{
    return 0;
}

int
scConnectRef(scConnectPtr conn)
{
    SC_API_BEGIN();
    if (!host_check(conn, __func__))
        return -1;
    scHandleRef(&conn->refs);
    return 0;
}

int
scConnectClose(scConnectPtr conn)
{
    int left;

    SC_API_BEGIN();
    if (!host_check(conn, __func__))
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
    SC_API_BEGIN();
    if (!host_check(conn, __func__))
        return NULL;
    return conn->path;
}

int
scConnectIsReadOnly(scConnectPtr conn)
{
    SC_API_BEGIN();
    if (!host_check(conn, __func__))
        return -1;
    return conn->readonly ? 1 : 0;
}

char *
scConnectGetURI(scConnectPtr conn)
{
    static const char keep[] = "-._~/";
    char *uri, *p;

    SC_API_BEGIN();
    if (!host_check(conn, __func__))
        return NULL;
    if (!(uri = p = scAlloc(strlen("storcat://") + 3 * strlen(conn->path) + 1)))
        return NULL;
    p += sprintf(p, "storcat://");
    for (const unsigned char *c = (const unsigned char *) conn->path; *c; c++) {
        if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
            (*c && strchr(keep, *c)))
            *p++ = (char) *c;
        else
            p += sprintf(p, "%%%02X", *c);
    }
    *p = '\0';
    return uri;
}

static int
get_version(scConnectPtr conn, unsigned long *ver, const char *what, const char *func)
{
    if (!host_check(conn, func) || !host_check_arg(ver, what, func))
        return -1;
    *ver = SC_VERSION_NUMBER;
    return 0;
}

int
scConnectGetLibVersion(scConnectPtr conn, unsigned long *libVer)
{
    SC_API_BEGIN();
    return get_version(conn, libVer, "libVer", __func__);
}

int
scConnectGetVersion(scConnectPtr conn, unsigned long *hvVer)
{
    SC_API_BEGIN();
    return get_version(conn, hvVer, "hvVer", __func__);
}

const char *
scConnectGetType(scConnectPtr conn)
{
    SC_API_BEGIN();
    return host_check(conn, __func__) ? "storcat" : NULL;
}

/* libvirt's virGetHostname: a short name is worth a look-up for its fully
 * qualified one, but a "localhost" answer says less than the short name. */
char *
scConnectGetHostname(scConnectPtr conn)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_flags = AI_CANONNAME };
    struct addrinfo *info = NULL;
    char name[HOST_NAME_MAX + 1];
    char *result;

    SC_API_BEGIN();
    if (!host_check(conn, __func__))
        return NULL;
    if (gethostname(name, sizeof(name)) < 0) {
        scReportSystemError(SC_FROM_NONE, errno, "failed to determine host name");
        return NULL;
    }
    name[sizeof(name) - 1] = '\0';
    if (strncmp(name, "localhost", strlen("localhost")) == 0 || strchr(name, '.'))
        return scStrdup(name);
#ifdef AI_CANONIDN
    hints.ai_flags |= AI_CANONIDN;
#endif
    if (getaddrinfo(name, NULL, &hints, &info) != 0)
        return scStrdup(name);
    if (!info->ai_canonname || strncmp(info->ai_canonname, "localhost", strlen("localhost")) == 0)
        result = scStrdup(name);
    else
        result = scStrdup(info->ai_canonname);
    freeaddrinfo(info);
    return result;
}

int
scConnectSetKeepAlive(scConnectPtr conn, int interval, unsigned int count)
{
    SC_API_BEGIN();
    (void) interval;
    (void) count;
    return host_check(conn, __func__) ? 1 : -1;
}

int
scConnectIsAlive(scConnectPtr conn)
{
    SC_API_BEGIN();
    return host_check(conn, __func__) ? 1 : -1;
}

int
scConnectIsSecure(scConnectPtr conn)
{
    SC_API_BEGIN();
    return host_check(conn, __func__) ? 1 : -1;
}

int
scConnectIsEncrypted(scConnectPtr conn)
{
    SC_API_BEGIN();
    return host_check(conn, __func__) ? 0 : -1;
}

int
scConnectRegisterCloseCallback(scConnectPtr conn, scConnectCloseFunc cb, void *opaque,
                               scFreeCallback freecb)
{
    int r = -1;

    SC_API_BEGIN();
    if (!host_check(conn, __func__) || !host_check_arg((void *) cb, "cb", __func__))
        return -1;
    scConnectLock(conn);
    if (conn->close_cb) {
        scReportError(SC_FROM_NONE, SC_ERR_OPERATION_INVALID,
                      "A close callback is already registered");
    } else {
        conn->close_cb = cb;
        conn->close_opaque = opaque;
        conn->close_free = freecb;
        r = 0;
    }
    scConnectUnlock(conn);
    return r;
}

int
scConnectUnregisterCloseCallback(scConnectPtr conn, scConnectCloseFunc cb)
{
    scFreeCallback freecb = NULL;
    void *opaque = NULL;
    int r = -1;

    SC_API_BEGIN();
    if (!host_check(conn, __func__) || !host_check_arg((void *) cb, "cb", __func__))
        return -1;
    scConnectLock(conn);
    if (conn->close_cb != cb) {
        scReportError(SC_FROM_NONE, SC_ERR_OPERATION_INVALID,
                      "A different callback was requested");
    } else {
        freecb = conn->close_free;
        opaque = conn->close_opaque;
        conn->close_cb = NULL;
        conn->close_free = NULL;
        conn->close_opaque = NULL;
        r = 0;
    }
    scConnectUnlock(conn);
    if (freecb)
        freecb(opaque);
    return r;
}

static bool
type_supported(scPoolType type)
{
    return scBackendForType(type) != NULL;
}

char *
scConnectGetCapabilities(scConnectPtr conn)
{
    SC_API_BEGIN();
    if (!host_check(conn, __func__))
        return NULL;
    return scHostCapsFormat(type_supported, conn->path, conn->readonly);
}

char *
scConnectGetStoragePoolCapabilities(scConnectPtr conn, unsigned int flags)
{
    SC_API_BEGIN();
    if (!scConnectCheck(conn, __func__) || scCheckFlags(flags, 0) < 0)
        return NULL;
    return scPoolCapsFormat(type_supported);
}

int
scConnectSetProgressCallback(scConnectPtr conn, scProgressCallback cb, void *opaque,
                             void (*freecb)(void *opaque))
{
    SC_API_BEGIN();
    if (!host_check(conn, __func__))
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
