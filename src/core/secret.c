/*
 * secret.c: secrets as libvirt's libvirt-secret.h has them, kept beside
 * the catalog.
 *
 * A catalog CATALOG has its secrets in the directory CATALOG.secrets: for
 * each, UUID.xml (the definition, as libvirt formats it) and UUID.value
 * (the value's bytes), both mode 0600 in a directory of mode 0700 owned by
 * the user; a directory others can reach is refused rather than used.
 * Values never enter the catalog: the catalog records only that a secret
 * was defined, given a value or undefined (its UUID and usage), as events.
 * Writes go through a temporary file and rename(2), under an flock(2) of
 * the directory's .lock file, so that readers (any process) see a whole
 * old or a whole new file, and two writers never race a usage check.
 * Secrets are few: a lookup by usage reads the definitions.
 */
#include <config.h>

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf/secret_conf.h"
#include "secret.h"
#include "util/util.h"

#define SC_SECRET_MAGIC 0x53435345u /* "SCSE" */

struct scSecret {
    unsigned int magic;
    int refs;
    scConnect *conn; /* holds a reference */
    unsigned char uuid[SC_UUID_BUFLEN];
    char uuidstr[SC_UUID_STRING_BUFLEN];
    int usage_type;
    char *usage_id; /* "" for usage none */
};

/* ---- the directory ----------------------------------------------------- */

/* The secrets directory of @conn (caller frees). */
static char *
store_path(scConnect *conn)
{
    return scAsprintf("%s.secrets", conn->path);
}

/* Open the store (creating it when @create), checked: a directory, ours,
 * reachable by nobody else. Returns its fd; -2 when it does not exist and
 * !@create (no error); -1 reported. */
static int
store_open(scConnect *conn, bool create)
{
    _cleanup_free_ char *dir = store_path(conn);
    struct stat st;
    int fd;

    if (!dir)
        return -1;
    if (create && mkdir(dir, 0700) < 0 && errno != EEXIST) {
        scReportSystemError(SC_FROM_SECRET, errno, "cannot create secrets directory '%s'", dir);
        return -1;
    }
    if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
        if (errno == ENOENT && !create)
            return -2;
        scReportSystemError(SC_FROM_SECRET, errno, "cannot open secrets directory '%s'", dir);
        return -1;
    }
    if (fstat(fd, &st) < 0 || st.st_uid != geteuid() || (st.st_mode & 077)) {
        scReportError(SC_FROM_SECRET, SC_ERR_OPERATION_FAILED,
                      "secrets directory '%s' is not private (owner %u, mode %04o; it must "
                      "be the user's and 0700): refusing to use it",
                      dir, (unsigned) st.st_uid, (unsigned) (st.st_mode & 07777));
        close(fd);
        return -1;
    }
    return fd;
}

/* Read file @name of the store into a new buffer (NUL-terminated, its
 * length in *@len): 1, 0 if absent, -1 reported. Only regular files of
 * the user's, not reachable by others, are read. */
static int
store_read(int dfd, const char *name, unsigned char **data, size_t *len)
{
    struct stat st;
    unsigned char *buf;
    ssize_t n;
    int fd = openat(dfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);

    *data = NULL;
    *len = 0;
    if (fd < 0) {
        if (errno == ENOENT)
            return 0;
        scReportSystemError(SC_FROM_SECRET, errno, "cannot read secret file '%s'", name);
        return -1;
    }
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() ||
        (st.st_mode & 077) || st.st_size > SC_SECRET_VALUE_MAX + 4096) {
        scReportError(SC_FROM_SECRET, SC_ERR_OPERATION_FAILED,
                      "secret file '%s' is not a private regular file of the user's", name);
        close(fd);
        return -1;
    }
    if (!(buf = scAlloc((size_t) st.st_size + 1))) {
        close(fd);
        return -1;
    }
    n = read(fd, buf, (size_t) st.st_size);
    close(fd);
    if (n != st.st_size) {
        scReportSystemError(SC_FROM_SECRET, n < 0 ? errno : EIO, "cannot read secret file '%s'",
                            name);
        explicit_bzero(buf, (size_t) st.st_size);
        free(buf);
        return -1;
    }
    *data = buf;
    *len = (size_t) n;
    return 1;
}

/* Replace file @name of the store with @len bytes of @data (0600),
 * atomically. 0 or -1 reported. */
static int
store_write(int dfd, const char *name, const void *data, size_t len)
{
    char tmp[128];
    int fd;
    bool ok;

    snprintf(tmp, sizeof(tmp), ".%s.%ld.tmp", name, (long) getpid());
    unlinkat(dfd, tmp, 0);
    if ((fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600)) < 0) {
        scReportSystemError(SC_FROM_SECRET, errno, "cannot write secret file '%s'", name);
        return -1;
    }
    ok = write(fd, data, len) == (ssize_t) len && fsync(fd) == 0;
    if (close(fd) < 0)
        ok = false;
    if (!ok || renameat(dfd, tmp, dfd, name) < 0) {
        scReportSystemError(SC_FROM_SECRET, errno ? errno : EIO, "cannot write secret file '%s'",
                            name);
        unlinkat(dfd, tmp, 0);
        return -1;
    }
    fsync(dfd);
    return 0;
}

/* Take the store's write lock (a new fd, released by closing it). */
static int
store_lock(int dfd)
{
    int fd = openat(dfd, ".lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

    if (fd < 0 || flock(fd, LOCK_EX) < 0) {
        scReportSystemError(SC_FROM_SECRET, errno, "cannot lock the secrets directory");
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return fd;
}

/* The definition of secret @uuid: 1 in *@def, 0 none, -1. */
static int
def_load(int dfd, const char *uuid, scSecretDef **def)
{
    char name[SC_UUID_STRING_BUFLEN + 8];
    _cleanup_free_ unsigned char *xml = NULL;
    size_t len;
    int r;

    *def = NULL;
    snprintf(name, sizeof(name), "%s.xml", uuid);
    if ((r = store_read(dfd, name, &xml, &len)) <= 0)
        return r;
    if (!(*def = scSecretDefParseString((const char *) xml))) {
        _cleanup_free_ char *why = scStrdup(scGetLastErrorMessage());
        scReportError(SC_FROM_SECRET, SC_ERR_INTERNAL_ERROR,
                      "secret '%s': its stored definition does not parse: %s", uuid,
                      why ? why : "?");
        return -1;
    }
    return 1;
}

/* Call @cb with each stored definition, in UUID order; a nonzero return
 * stops the walk and is returned. */
static int
def_each(int dfd, int (*cb)(scSecretDef *def, void *opaque), void *opaque)
{
    char(*uuids)[SC_UUID_STRING_BUFLEN] = NULL;
    size_t n = 0;
    int fd2 = dup(dfd), r = 0;
    DIR *d;

    if (fd2 < 0 || !(d = fdopendir(fd2))) {
        scReportSystemError(SC_FROM_SECRET, errno, "cannot list the secrets directory");
        if (fd2 >= 0)
            close(fd2);
        return -1;
    }
    rewinddir(d);
    for (struct dirent *e; (e = readdir(d));) {
        size_t len = strlen(e->d_name);
        char(*u)[SC_UUID_STRING_BUFLEN];
        if (len != SC_UUID_STRING_BUFLEN - 1 + 4 || strcmp(e->d_name + len - 4, ".xml") != 0)
            continue;
        if (!(u = reallocarray(uuids, n + 1, sizeof(*u)))) {
            scReportOOM();
            r = -1;
            break;
        }
        uuids = u;
        snprintf(u[n++], SC_UUID_STRING_BUFLEN, "%.36s", e->d_name);
    }
    closedir(d);
    if (n)
        qsort(uuids, n, sizeof(*uuids), (int (*)(const void *, const void *)) strcmp);
    for (size_t i = 0; i < n && r == 0; i++) {
        scSecretDef *def;
        if ((r = def_load(dfd, uuids[i], &def)) > 0) {
            r = cb(def, opaque);
            scSecretDefFree(def);
        }
    }
    free(uuids);
    return r;
}

/* ---- handles ------------------------------------------------------------- */

static scSecret *
secret_make(scConnect *conn, const unsigned char *uuid, int usage_type, const char *usage_id)
{
    scSecret *s = scAlloc(sizeof(*s));

    if (!s || !(s->usage_id = scStrdup(usage_id ? usage_id : ""))) {
        free(s);
        return NULL;
    }
    memcpy(s->uuid, uuid, SC_UUID_BUFLEN);
    scUUIDFormat(s->uuid, s->uuidstr);
    s->usage_type = usage_type;
    s->refs = 1;
    s->conn = conn;
    scHandleRef(&conn->refs);
    s->magic = SC_SECRET_MAGIC;
    return s;
}

static scSecret *
secret_new(scConnect *conn, const scSecretDef *def)
{
    return secret_make(conn, def->uuid, def->usage_type, def->usage_id);
}

static bool
secret_check(scSecret *s, const char *func)
{
    if (!s || s->magic != SC_SECRET_MAGIC) {
        scReportError(SC_FROM_SECRET, SC_ERR_INVALID_SECRET, "%s: invalid secret", func);
        return false;
    }
    return true;
}

static bool
secret_enter(scSecret *s, const char *func, bool write)
{
    return secret_check(s, func) && scConnectEnter(s->conn, func, write);
}

int
scSecretRef(scSecretPtr secret)
{
    scResetLastError();
    if (!secret_check(secret, __func__))
        return -1;
    scHandleRef(&secret->refs);
    return 0;
}

int
scSecretFree(scSecretPtr secret)
{
    scConnect *conn;

    scResetLastError();
    if (!secret_check(secret, __func__))
        return -1;
    if (scHandleUnref(&secret->refs) == 0) {
        conn = secret->conn;
        secret->magic = SC_DEAD_MAGIC;
        free(secret->usage_id);
        free(secret);
        scConnectRelease(conn);
    }
    return 0;
}

scConnectPtr
scSecretGetConnect(scSecretPtr secret)
{
    scResetLastError();
    return secret_check(secret, __func__) ? secret->conn : NULL;
}

int
scSecretGetUUID(scSecretPtr secret, unsigned char *uuid)
{
    scResetLastError();
    if (!secret_check(secret, __func__) || !scCheckArg(uuid, "uuid", __func__))
        return -1;
    memcpy(uuid, secret->uuid, SC_UUID_BUFLEN);
    return 0;
}

int
scSecretGetUUIDString(scSecretPtr secret, char *buf)
{
    scResetLastError();
    if (!secret_check(secret, __func__) || !scCheckArg(buf, "buf", __func__))
        return -1;
    memcpy(buf, secret->uuidstr, SC_UUID_STRING_BUFLEN);
    return 0;
}

int
scSecretGetUsageType(scSecretPtr secret)
{
    scResetLastError();
    return secret_check(secret, __func__) ? secret->usage_type : -1;
}

const char *
scSecretGetUsageID(scSecretPtr secret)
{
    scResetLastError();
    return secret_check(secret, __func__) ? secret->usage_id : NULL;
}

/* ---- lookups ------------------------------------------------------------- */

typedef struct {
    int usage_type;
    const char *usage_id;
    const unsigned char *skip; /* a UUID not to match, or NULL */
    scSecretDef *found;        /* a copy of the match */
} UsageFind;

static int
usage_match(scSecretDef *def, void *opaque)
{
    UsageFind *u = opaque;

    if (def->usage_type != u->usage_type || u->usage_type == SC_SECRET_USAGE_TYPE_NONE ||
        !def->usage_id || strcmp(def->usage_id, u->usage_id) != 0 ||
        (u->skip && memcmp(u->skip, def->uuid, SC_UUID_BUFLEN) == 0))
        return 0;
    if (!(u->found = scAlloc(sizeof(*u->found))))
        return -1;
    *u->found = *def;
    def->description = def->usage_id = NULL;
    return 1;
}

/* The definition with usage (@type, @id), other than @skip: 1, 0, -1. */
static int
find_by_usage(int dfd, int type, const char *id, const unsigned char *skip, scSecretDef **def)
{
    UsageFind u = { type, id, skip, NULL };
    int r = def_each(dfd, usage_match, &u);

    *def = u.found;
    return r < 0 ? -1 : r > 0;
}

/* Look up one secret: by UUID string @uuid, or else by usage. */
static scSecret *
lookup(scConnect *conn, const char *uuid, int usage_type, const char *usage_id)
{
    _cleanup_(scSecretDefFreep) scSecretDef *def = NULL;
    scSecret *s = NULL;
    int dfd, r;

    scConnectLock(conn);
    if ((dfd = store_open(conn, false)) == -1)
        goto out;
    r = dfd < 0 ? 0
        : uuid  ? def_load(dfd, uuid, &def)
                : find_by_usage(dfd, usage_type, usage_id, NULL, &def);
    if (r == 0 && uuid)
        scReportError(SC_FROM_SECRET, SC_ERR_NO_SECRET, "no secret with uuid '%s'", uuid);
    else if (r == 0)
        scReportError(SC_FROM_SECRET, SC_ERR_NO_SECRET, "no secret with usage %s '%s'",
                      scSecretUsageTypeToString(usage_type), usage_id);
    else if (r > 0)
        s = secret_new(conn, def);
    if (dfd >= 0)
        close(dfd);
out:
    scConnectUnlock(conn);
    return s;
}

scSecretPtr
scSecretLookupByUUIDString(scConnectPtr conn, const char *uuidstr)
{
    unsigned char raw[SC_UUID_BUFLEN];
    char uuid[SC_UUID_STRING_BUFLEN];

    scResetLastError();
    if (!scConnectCheck(conn, __func__) || !scCheckArg(uuidstr, "uuidstr", __func__))
        return NULL;
    if (scUUIDParse(uuidstr, raw) < 0) {
        scReportError(SC_FROM_SECRET, SC_ERR_INVALID_ARG, "'%s' is not a valid UUID", uuidstr);
        return NULL;
    }
    scUUIDFormat(raw, uuid);
    return lookup(conn, uuid, 0, NULL);
}

scSecretPtr
scSecretLookupByUUID(scConnectPtr conn, const unsigned char *uuid)
{
    char buf[SC_UUID_STRING_BUFLEN];

    scResetLastError();
    if (!scConnectCheck(conn, __func__) || !scCheckArg(uuid, "uuid", __func__))
        return NULL;
    scUUIDFormat(uuid, buf);
    return lookup(conn, buf, 0, NULL);
}

scSecretPtr
scSecretLookupByUsage(scConnectPtr conn, int usageType, const char *usageID)
{
    scResetLastError();
    if (!scConnectCheck(conn, __func__) || !scCheckArg(usageID, "usageID", __func__))
        return NULL;
    if (usageType <= SC_SECRET_USAGE_TYPE_NONE || usageType >= SC_SECRET_USAGE_TYPE_LAST) {
        scReportError(SC_FROM_SECRET, SC_ERR_INVALID_ARG, "%s: unknown usage type %d", __func__,
                      usageType);
        return NULL;
    }
    return lookup(conn, NULL, usageType, usageID);
}

typedef struct {
    scConnect *conn;
    unsigned int flags;
    scSecret **list;
    size_t n;
    bool count_only;
} ListAll;

static int
list_add(scSecretDef *def, void *opaque)
{
    ListAll *l = opaque;
    unsigned int f = l->flags;
    scSecret **v;

    /* Nothing is ephemeral here. */
    if (((f & SC_CONNECT_LIST_SECRETS_EPHEMERAL) && !(f & SC_CONNECT_LIST_SECRETS_NO_EPHEMERAL)) ||
        ((f & SC_CONNECT_LIST_SECRETS_PRIVATE) && !(f & SC_CONNECT_LIST_SECRETS_NO_PRIVATE) &&
         !def->private_) ||
        ((f & SC_CONNECT_LIST_SECRETS_NO_PRIVATE) && !(f & SC_CONNECT_LIST_SECRETS_PRIVATE) &&
         def->private_))
        return 0;
    if (l->count_only) {
        l->n++;
        return 0;
    }
    if (!(v = reallocarray(l->list, l->n + 2, sizeof(*v)))) {
        scReportOOM();
        return -1;
    }
    l->list = v;
    if (!(v[l->n] = secret_new(l->conn, def)))
        return -1;
    v[++l->n] = NULL;
    return 0;
}

int
scConnectListAllSecrets(scConnectPtr conn, scSecretPtr **secrets, unsigned int flags)
{
    ListAll l = { conn, flags, NULL, 0, secrets == NULL };
    int dfd, r = 0;

    scResetLastError();
    if (scCheckFlags(
            flags, SC_CONNECT_LIST_SECRETS_EPHEMERAL | SC_CONNECT_LIST_SECRETS_NO_EPHEMERAL |
                       SC_CONNECT_LIST_SECRETS_PRIVATE | SC_CONNECT_LIST_SECRETS_NO_PRIVATE) < 0 ||
        !scConnectEnter(conn, __func__, false))
        return -1;
    if ((dfd = store_open(conn, false)) == -1)
        r = -1;
    else if (dfd >= 0) {
        r = def_each(dfd, list_add, &l);
        close(dfd);
    }
    scConnectUnlock(conn);
    if (r < 0) {
        for (size_t i = 0; i < l.n && l.list; i++)
            scSecretFree(l.list[i]);
        free(l.list);
        return -1;
    }
    if (secrets) {
        if (!l.list && !(l.list = scAlloc(sizeof(*l.list))))
            return -1;
        *secrets = l.list;
    }
    return (int) l.n;
}

int
scConnectNumOfSecrets(scConnectPtr conn)
{
    return scConnectListAllSecrets(conn, NULL, 0);
}

int
scConnectListSecrets(scConnectPtr conn, char **uuids, int maxuuids)
{
    scSecretPtr *list = NULL;
    int n, i;

    scResetLastError();
    if (!scConnectCheck(conn, __func__))
        return -1;
    if (maxuuids < 0) {
        scReportInvalidArg(SC_FROM_SECRET, __func__, "maxuuids",
                           "maxuuids in %s must be zero or greater", __func__);
        return -1;
    }
    if (maxuuids > 0 && !uuids) {
        scReportInvalidArg(SC_FROM_SECRET, __func__, "uuids", "uuids in %s must not be NULL",
                           __func__);
        return -1;
    }
    if ((n = scConnectListAllSecrets(conn, &list, 0)) < 0)
        return -1;
    for (i = 0; i < n && i < maxuuids; i++)
        if (!(uuids[i] = scStrdup(list[i]->uuidstr)))
            break;
    if (i < n && i < maxuuids) {
        while (i-- > 0) {
            free(uuids[i]);
            uuids[i] = NULL;
        }
        i = -1;
    }
    for (int j = 0; j < n; j++)
        scSecretFree(list[j]);
    free(list);
    return i;
}

/* ---- events --------------------------------------------------------------- */

bool
scSecretCheckOf(scSecret *secret, scConnect *conn, const char *func)
{
    if (!secret_check(secret, func))
        return false;
    if (secret->conn != conn) {
        scReportError(SC_FROM_EVENT, SC_ERR_INVALID_ARG, "secret '%s' in %s must match connection",
                      secret->uuidstr, func);
        return false;
    }
    return true;
}

const char *
scSecretUUIDString(scSecret *secret)
{
    return secret->uuidstr;
}

/* The words secret_event writes, read back: "secret 'UUID'", then, for a
 * usage, " (usage TYPE 'ID')". */
scSecret *
scSecretFromEvent(scConnect *conn, const char *detail)
{
    static const char head[] = "secret '", usage[] = " (usage ";
    char uuidstr[SC_UUID_STRING_BUFLEN];
    unsigned char uuid[SC_UUID_BUFLEN];
    _cleanup_free_ char *type = NULL, *id = NULL;
    const char *p, *q;
    int t = SC_SECRET_USAGE_TYPE_NONE;
    size_t n;

    if (!detail || strncmp(detail, head, sizeof(head) - 1) != 0)
        return NULL;
    p = detail + sizeof(head) - 1;
    if (strlen(p) < SC_UUID_STRING_BUFLEN || p[SC_UUID_STRING_BUFLEN - 1] != '\'')
        return NULL;
    memcpy(uuidstr, p, SC_UUID_STRING_BUFLEN - 1);
    uuidstr[SC_UUID_STRING_BUFLEN - 1] = '\0';
    if (scUUIDParse(uuidstr, uuid) < 0)
        return NULL;
    p += SC_UUID_STRING_BUFLEN;
    if (*p) {
        /* " (usage TYPE 'ID')": the id is all up to the closing "')". */
        if (strncmp(p, usage, sizeof(usage) - 1) != 0)
            return NULL;
        p += sizeof(usage) - 1;
        n = strlen(p);
        if (!(q = strstr(p, " '")) || n < 2 || strcmp(p + n - 2, "')") != 0 || q + 2 > p + n - 2 ||
            !(type = strndup(p, (size_t) (q - p))) ||
            !(id = strndup(q + 2, (size_t) (p + n - 2 - (q + 2)))) ||
            (t = scSecretUsageTypeFromString(type)) < 0)
            return NULL;
    }
    return secret_make(conn, uuid, t, id);
}

/* ---- changes ------------------------------------------------------------- */

/* Record event @action about secret @uuid (no value, ever); the words of
 * its detail are read back by scSecretFromEvent. */
static int
secret_event(scConnect *conn, const char *action, const char *uuid, int usage_type,
             const char *usage_id)
{
    _cleanup_free_ char *detail = usage_type == SC_SECRET_USAGE_TYPE_NONE
                                      ? scAsprintf("secret '%s'", uuid)
                                      : scAsprintf("secret '%s' (usage %s '%s')", uuid,
                                                   scSecretUsageTypeToString(usage_type), usage_id);
    bool ok;

    if (!detail || scCatalogBegin(conn->catalog) < 0)
        return -1;
    ok = scCatalogEventAdd(conn->catalog, conn->actor, NULL, NULL, action, detail) == 0;
    return scCatalogEnd(conn->catalog, ok) < 0 || !ok ? -1 : 0;
}

/* Is @def acceptable in place of @old (NULL: new), with no other secret
 * of its usage? 0 or -1 reported. Under the store's lock. */
static int
check_define(int dfd, const scSecretDef *def, const scSecretDef *old, const char *uuid)
{
    _cleanup_(scSecretDefFreep) scSecretDef *other = NULL;
    char ouuid[SC_UUID_STRING_BUFLEN];
    int r;

    if (def->ephemeral) {
        scReportError(SC_FROM_SECRET, SC_ERR_CONFIG_UNSUPPORTED,
                      "secret '%s': ephemeral secrets are not supported (storcat has no daemon "
                      "to keep one in memory)",
                      uuid);
        return -1;
    }
    if (old && (old->usage_type != def->usage_type ||
                strcmp(old->usage_id ? old->usage_id : "", def->usage_id ? def->usage_id : ""))) {
        scReportError(SC_FROM_SECRET, SC_ERR_OPERATION_INVALID,
                      "a secret with UUID '%s' is already defined for use with %s '%s'", uuid,
                      scSecretUsageTypeToString(old->usage_type),
                      old->usage_id ? old->usage_id : "");
        return -1;
    }
    if (old && old->private_ && !def->private_) {
        scReportError(SC_FROM_SECRET, SC_ERR_OPERATION_INVALID,
                      "secret '%s': cannot change the private flag of an existing secret", uuid);
        return -1;
    }
    if (def->usage_type == SC_SECRET_USAGE_TYPE_NONE)
        return 0;
    if ((r = find_by_usage(dfd, def->usage_type, def->usage_id, def->uuid, &other)) < 0)
        return -1;
    if (r > 0) {
        scUUIDFormat(other->uuid, ouuid);
        scReportError(SC_FROM_SECRET, SC_ERR_OPERATION_INVALID,
                      "a secret with UUID '%s' is already defined for use with %s '%s'", ouuid,
                      scSecretUsageTypeToString(def->usage_type), def->usage_id);
        return -1;
    }
    return 0;
}

scSecretPtr
scSecretDefineXML(scConnectPtr conn, const char *xml, unsigned int flags)
{
    _cleanup_(scSecretDefFreep) scSecretDef *def = NULL;
    _cleanup_(scSecretDefFreep) scSecretDef *old = NULL;
    _cleanup_free_ char *text = NULL;
    char uuid[SC_UUID_STRING_BUFLEN], name[SC_UUID_STRING_BUFLEN + 8];
    scSecret *s = NULL;
    int dfd = -1, lock = -1;

    scResetLastError();
    if (scCheckFlags(flags, SC_SECRET_DEFINE_VALIDATE) < 0 || !scConnectEnter(conn, __func__, true))
        return NULL;
    if (!scCheckArg(xml, "xml", __func__) || !(def = scSecretDefParseString(xml)))
        goto out;
    scUUIDFormat(def->uuid, uuid);
    snprintf(name, sizeof(name), "%s.xml", uuid);
    if ((dfd = store_open(conn, true)) < 0 || (lock = store_lock(dfd)) < 0 ||
        def_load(dfd, uuid, &old) < 0 || check_define(dfd, def, old, uuid) < 0 ||
        !(text = scSecretDefFormat(def)) || store_write(dfd, name, text, strlen(text)) < 0)
        goto out;
    if (secret_event(conn, old ? "secret-redefine" : "secret-define", uuid, def->usage_type,
                     def->usage_id) < 0) {
        /* Not recorded: a new definition goes again, an old one comes back. */
        scErrorSaved *saved = scErrorSave();
        if (old) {
            _cleanup_free_ char *back = scSecretDefFormat(old);
            if (back)
                store_write(dfd, name, back, strlen(back));
        } else {
            unlinkat(dfd, name, 0);
        }
        scErrorRestore(&saved);
        goto out;
    }
    s = secret_new(conn, def);
out:
    if (lock >= 0)
        close(lock);
    if (dfd >= 0)
        close(dfd);
    scConnectUnlock(conn);
    return s;
}

/* Open the store, locked, and check that @secret is still defined. */
static int
open_defined(scSecret *secret, int *dfd, int *lock)
{
    _cleanup_(scSecretDefFreep) scSecretDef *def = NULL;
    int r = 0;

    *dfd = *lock = -1;
    if ((*dfd = store_open(secret->conn, false)) == -1)
        return -1;
    if (*dfd >= 0 &&
        ((*lock = store_lock(*dfd)) < 0 || (r = def_load(*dfd, secret->uuidstr, &def)) < 0))
        return -1;
    if (*dfd < 0 || r == 0) {
        scReportError(SC_FROM_SECRET, SC_ERR_NO_SECRET, "secret '%s' is no longer defined",
                      secret->uuidstr);
        return -1;
    }
    return 0;
}

static void
close_store(int dfd, int lock)
{
    if (lock >= 0)
        close(lock);
    if (dfd >= 0)
        close(dfd);
}

int
scSecretSetValue(scSecretPtr secret, const unsigned char *value, size_t value_size,
                 unsigned int flags)
{
    char name[SC_UUID_STRING_BUFLEN + 8];
    int dfd, lock, r = -1;

    scResetLastError();
    if (scCheckFlags(flags, 0) < 0 || !secret_enter(secret, __func__, true))
        return -1;
    if (!value && value_size) {
        scCheckArg(value, "value", __func__);
    } else if (value_size > SC_SECRET_VALUE_MAX) {
        scReportError(SC_FROM_SECRET, SC_ERR_INVALID_ARG,
                      "secret '%s': a value of %zu bytes is too large (at most %d)",
                      secret->uuidstr, value_size, SC_SECRET_VALUE_MAX);
    } else if (open_defined(secret, &dfd, &lock) == 0) {
        snprintf(name, sizeof(name), "%s.value", secret->uuidstr);
        r = store_write(dfd, name, value ? (const void *) value : "", value_size);
        if (r == 0)
            r = secret_event(secret->conn, "secret-set-value", secret->uuidstr, secret->usage_type,
                             secret->usage_id);
        close_store(dfd, lock);
    } else {
        close_store(dfd, lock);
    }
    scConnectUnlock(secret->conn);
    return r;
}

/* The value of secret @uuid in the store @dfd: 1 into *@value (wipe and
 * free it), 0 none, -1. */
static int
value_load(int dfd, const char *uuid, unsigned char **value, size_t *len)
{
    char name[SC_UUID_STRING_BUFLEN + 8];

    snprintf(name, sizeof(name), "%s.value", uuid);
    return store_read(dfd, name, value, len);
}

unsigned char *
scSecretGetValue(scSecretPtr secret, size_t *value_size, unsigned int flags)
{
    _cleanup_(scSecretDefFreep) scSecretDef *def = NULL;
    unsigned char *value = NULL;
    size_t len = 0;
    int dfd, r;

    scResetLastError();
    if (scCheckFlags(flags, 0) < 0 || !scCheckArg(value_size, "value_size", __func__) ||
        !secret_enter(secret, __func__, true))
        return NULL;
    if ((dfd = store_open(secret->conn, false)) == -1)
        goto out;
    r = dfd < 0 ? 0 : def_load(dfd, secret->uuidstr, &def);
    if (r == 0)
        scReportError(SC_FROM_SECRET, SC_ERR_NO_SECRET, "secret '%s' is no longer defined",
                      secret->uuidstr);
    else if (r > 0 && def->private_)
        scReportError(SC_FROM_SECRET, SC_ERR_INVALID_SECRET, "secret '%s' is private",
                      secret->uuidstr);
    else if (r > 0 && (r = value_load(dfd, secret->uuidstr, &value, &len)) == 0)
        scReportError(SC_FROM_SECRET, SC_ERR_NO_SECRET, "secret '%s' does not have a value",
                      secret->uuidstr);
    if (r > 0 && value)
        *value_size = len;
    if (dfd >= 0)
        close(dfd);
out:
    scConnectUnlock(secret->conn);
    return value;
}

char *
scSecretGetXMLDesc(scSecretPtr secret, unsigned int flags)
{
    _cleanup_(scSecretDefFreep) scSecretDef *def = NULL;
    char *xml = NULL;
    int dfd, r = 0;

    scResetLastError();
    if (scCheckFlags(flags, 0) < 0 || !secret_enter(secret, __func__, false))
        return NULL;
    if ((dfd = store_open(secret->conn, false)) != -1) {
        r = dfd < 0 ? 0 : def_load(dfd, secret->uuidstr, &def);
        if (r == 0)
            scReportError(SC_FROM_SECRET, SC_ERR_NO_SECRET, "secret '%s' is no longer defined",
                          secret->uuidstr);
        else if (r > 0)
            xml = scSecretDefFormat(def);
        if (dfd >= 0)
            close(dfd);
    }
    scConnectUnlock(secret->conn);
    return xml;
}

int
scSecretUndefine(scSecretPtr secret)
{
    char name[SC_UUID_STRING_BUFLEN + 8];
    int dfd, lock, r = -1;

    scResetLastError();
    if (!secret_enter(secret, __func__, true))
        return -1;
    if (open_defined(secret, &dfd, &lock) == 0) {
        /* The value goes first: a definition without a value is harmless. */
        snprintf(name, sizeof(name), "%s.value", secret->uuidstr);
        if (unlinkat(dfd, name, 0) < 0 && errno != ENOENT) {
            scReportSystemError(SC_FROM_SECRET, errno, "secret '%s': cannot remove its value",
                                secret->uuidstr);
        } else {
            snprintf(name, sizeof(name), "%s.xml", secret->uuidstr);
            if (unlinkat(dfd, name, 0) < 0)
                scReportSystemError(SC_FROM_SECRET, errno,
                                    "secret '%s': cannot remove its definition", secret->uuidstr);
            else
                r = secret_event(secret->conn, "secret-undefine", secret->uuidstr,
                                 secret->usage_type, secret->usage_id);
        }
    }
    close_store(dfd, lock);
    scConnectUnlock(secret->conn);
    return r;
}

/* ---- for pools ------------------------------------------------------------ */

int
scSecretLoadForPool(scConnect *conn, scPoolDef *def)
{
    scPoolAuth *auth = &def->source.auth;
    _cleanup_(scSecretDefFreep) scSecretDef *sdef = NULL;
    int usage = auth->type == SC_AUTH_CHAP ? SC_SECRET_USAGE_TYPE_ISCSI : SC_SECRET_USAGE_TYPE_CEPH;
    const char *what = auth->secret_uuid ? "uuid" : "usage";
    const char *which = auth->secret_uuid ? auth->secret_uuid : auth->secret_usage;
    unsigned char *value = NULL;
    size_t len = 0;
    int dfd, r;

    if (auth->type == SC_AUTH_NONE || auth->secret_value)
        return 0;
    if ((dfd = store_open(conn, false)) == -1)
        return -1;
    if (dfd < 0)
        r = 0;
    else if (auth->secret_uuid)
        r = def_load(dfd, auth->secret_uuid, &sdef);
    else
        r = find_by_usage(dfd, usage, auth->secret_usage, NULL, &sdef);
    if (r == 0)
        scReportError(SC_FROM_SECRET, SC_ERR_NO_SECRET,
                      "pool '%s': its %s secret (%s '%s') is not defined", def->name,
                      auth->type == SC_AUTH_CHAP ? "CHAP" : "ceph", what, which);
    if (r > 0) {
        char uuid[SC_UUID_STRING_BUFLEN];
        scUUIDFormat(sdef->uuid, uuid);
        if ((r = value_load(dfd, uuid, &value, &len)) == 0)
            scReportError(SC_FROM_SECRET, SC_ERR_NO_SECRET,
                          "pool '%s': its %s secret '%s' does not have a value", def->name,
                          auth->type == SC_AUTH_CHAP ? "CHAP" : "ceph", uuid);
    }
    if (dfd >= 0)
        close(dfd);
    if (r <= 0)
        return -1;
    auth->secret_value = value;
    auth->secret_len = len;
    return 0;
}
