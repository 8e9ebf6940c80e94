/*
 * contract.c: the fixture of the contract tests (tests/test_contract.c):
 * a fresh catalog per test with pool "p" defined on the fake backend or
 * on the dir backend behind it, storage changed and compared the same way
 * for either, and the catalog read and compared with SQLite.
 */
#include <config.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "contract.h"

extern int scCatalogFailCountdown;

/* Note the last error (of the call that returned @r) in @f before other
 * calls reset it; returns @r. */
int
ctNoted(Fixture *f, int r)
{
    const scError *e = scGetLastError();

    f->err_code = r < 0 && e ? e->code : 0;
    snprintf(f->err_msg, sizeof(f->err_msg), "%s", r < 0 && e && e->str2 ? e->str2 : "");
    return r;
}

char *
ctPrintf(const char *fmt, ...)
{
    va_list ap;
    char *s;
    int r;

    va_start(ap, fmt);
    r = vasprintf(&s, fmt, ap);
    va_end(ap);
    assert_true(r >= 0);
    return s;
}

char *
ctPoolXML(const char *name, const char *path)
{
    return ctPrintf("<pool type='dir'><name>%s</name><target><path>%s</path></target></pool>", name,
                    path);
}

/* The iSCSI target's IQN and the LUN each test name stands for. */
#define CT_IQN "iqn.2024-01.org.storcat.test:contract"

static int
lun_of(const char *name)
{
    static const char *const names[] = { "", "v", "a", "b", "new", "copy", "gone", "unseen" };

    for (size_t i = 1; i < SC_N_ELEMENTS(names); i++)
        if (strcmp(names[i], name) == 0)
            return (int) i;
    fail_msg("no LUN stands for volume '%s'", name);
    return -1;
}

const char *
ctVolName(Fixture *f, const char *name)
{
    static char buf[32];

    if (f->target == TARGET_DISK)
        return ctDiskVolName(f, name, false);
    if (f->target != TARGET_ISCSI)
        return name;
    snprintf(buf, sizeof(buf), "unit:0:0:%d", lun_of(name));
    return buf;
}

static int
iscsi_setup(Fixture *f, void **state)
{
    char *xml;

    if (tgtStart(&f->tgt, f->dir) < 0 || tgtTarget(&f->tgt, 1, CT_IQN) < 0 ||
        tgtLunAdd(&f->tgt, 1, 1, MiB, 0) < 0)
        return -1;
    f->luns[1] = MiB;
    f->images = ctPrintf("%s", f->dir);
    fakeReset(&scBackendIscsiDirect, f->catalog);
    scBackendOverride(SC_POOL_ISCSI_DIRECT, fakeBackend());
    if (!(f->conn = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE)))
        return -1;
    xml = ctPrintf("<pool type='iscsi-direct'><name>" POOL "</name><source><host name='127.0.0.1'"
                   " port='%d'/><device path='" CT_IQN "'/><initiator><iqn name='"
                   "iqn.2024-01.org.storcat.test:contract-initiator'/></initiator></source></pool>",
                   f->tgt.port);
    f->pool = scStoragePoolDefineXML(f->conn, xml, 0);
    free(xml);
    if (!f->pool) {
        fprintf(stderr, "# ctSetup: %s\n", scGetLastErrorMessage());
        return -1;
    }
    *state = f;
    return 0;
}

const char *
ctNewVolName(Fixture *f, const char *name)
{
    return f->target == TARGET_DISK ? ctDiskVolName(f, name, true) : ctVolName(f, name);
}

/* A logical, disk or fs pool on a loop device, the real backend behind
 * the fake. */
static int
real_setup(Fixture *f, void **state)
{
    scPoolType type = f->target == TARGET_LOGICAL ? SC_POOL_LOGICAL
                      : f->target == TARGET_DISK  ? SC_POOL_DISK
                                                  : SC_POOL_FS;
    const scBackend *real = type == SC_POOL_LOGICAL ? &scBackendLogical
                            : type == SC_POOL_DISK  ? &scBackendDisk
                                                    : &scBackendFs;
    char *xml;

    /* Cleaned up by the teardown from here on, whatever fails. */
    *state = f;
    xml = ctRealSetup(f);
    fakeReset(real, f->catalog);
    scBackendOverride(type, fakeBackend());
    if (!(f->conn = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE)))
        return -1;
    f->pool = scStoragePoolDefineXML(f->conn, xml, 0);
    free(xml);
    if (!f->pool) {
        fprintf(stderr, "# ctSetup: %s\n", scGetLastErrorMessage());
        return -1;
    }
    return 0;
}

int
ctSetup(void **state)
{
    Fixture *f = calloc(1, sizeof(*f));
    const char *why = NULL;
    char *xml;

    f->target = *(const Target *) *state;
    if (f->target == TARGET_ISCSI)
        why = tgtUnavailable();
    else if (f->target == TARGET_LOGICAL || f->target == TARGET_DISK || f->target == TARGET_FS)
        why = ctRealUnavailable(f->target);
    if (why) {
        fprintf(stderr, "# SKIP: %s\n", why);
        free(f);
        skip();
    }
    if (!(f->dir = testTmpDirMake("contract")))
        return -1;
    f->catalog = ctPrintf("%s/catalog.db", f->dir);
    if (f->target == TARGET_ISCSI)
        return iscsi_setup(f, state);
    if (f->target == TARGET_LOGICAL || f->target == TARGET_DISK || f->target == TARGET_FS)
        return real_setup(f, state);
    f->images = f->target == TARGET_DIR ? ctPrintf("%s/images", f->dir)
                                        : ctPrintf("/nonexistent/storcat-fake%s", f->dir);
    fakeReset(f->target == TARGET_DIR ? &scBackendDir : NULL, f->catalog);
    scBackendOverride(SC_POOL_DIR, fakeBackend());
    if (!(f->conn = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE)))
        return -1;
    xml = ctPoolXML(POOL, f->images);
    f->pool = scStoragePoolDefineXML(f->conn, xml, 0);
    free(xml);
    if (!f->pool) {
        fprintf(stderr, "# ctSetup: %s\n", scGetLastErrorMessage());
        return -1;
    }
    *state = f;
    return 0;
}

int
ctTeardown(void **state)
{
    Fixture *f = *state;
    int ret = 0;

    if (f->child > 0) {
        kill(f->child, SIGKILL);
        waitpid(f->child, NULL, 0);
    }
    scCatalogFailCountdown = 0;
    /* (f) No slot ran while the catalog was write-locked. */
    if (fake.locked_calls) {
        fprintf(stderr, "# %u backend calls ran while the catalog was write-locked: %s\n",
                fake.locked_calls, fake.locked_slots);
        ret = -1;
    }
    scBackendOverride(SC_POOL_DIR, NULL);
    scBackendOverride(SC_POOL_ISCSI_DIRECT, NULL);
    scBackendOverride(SC_POOL_LOGICAL, NULL);
    scBackendOverride(SC_POOL_DISK, NULL);
    scBackendOverride(SC_POOL_FS, NULL);
    tgtStop(&f->tgt);
    if (f->pool)
        scStoragePoolFree(f->pool);
    if (f->conn)
        scConnectClose(f->conn);
    fakeClose();
    /* The pool's storage, on a pass or a failure alike. */
    ctRealCleanup(f);
    if (ret == 0)
        testTmpDirRemove(f->dir);
    else
        free(f->dir);
    free(f->catalog);
    free(f->images);
    free(f->files);
    free(f);
    return ret;
}

/* ---- storage, either target ---------------------------------------------- */

char *
ctFileIn(Fixture *f, const char *name)
{
    return ctPrintf("%s/%s", f->files ? f->files : f->images, name);
}

/* The path a volume of the pool has. */
char *
ctVolPath(Fixture *f, const char *name)
{
    if (f->target == TARGET_LOGICAL)
        return ctPrintf("/dev/%s/%s", f->vg, name);
    if (f->target == TARGET_DISK)
        return ctPrintf("/dev/%s", ctVolName(f, name));
    if (f->target == TARGET_ISCSI)
        return ctPrintf("ip-127.0.0.1:%d-iscsi-" CT_IQN "-lun-%d", f->tgt.port, lun_of(name));
    return ctFiles(f) ? ctPrintf("%s/%s", f->images, name) : ctPrintf("/fake/" POOL "/%s", name);
}

void
ctStorageAdd(Fixture *f, const char *name, unsigned long long size)
{
    if (f->target == TARGET_LOGICAL || f->target == TARGET_DISK) {
        ctRealAdd(f, name, size);
        return;
    }
    if (f->target == TARGET_ISCSI) {
        int lun = lun_of(name);
        assert_int_equal(f->luns[lun], 0);
        assert_int_equal(tgtLunAdd(&f->tgt, 1, lun, size, 0), 0);
        f->luns[lun] = size;
    } else if (f->target == TARGET_FAKE) {
        assert_true(fakeVolAdd(POOL, name, size) > 0);
    } else {
        char *p = ctFileIn(f, name);
        int fd;

        ctRealFsMounted(f);
        fd = open(p, O_WRONLY | O_CREAT | O_EXCL, 0644);
        assert_true(fd >= 0);
        assert_int_equal(ftruncate(fd, (off_t) size), 0);
        close(fd);
        free(p);
    }
}

void
ctStorageRemove(Fixture *f, const char *name)
{
    if (f->target == TARGET_LOGICAL || f->target == TARGET_DISK) {
        ctRealRemove(f, name);
        return;
    }
    if (f->target == TARGET_ISCSI) {
        int lun = lun_of(name);
        assert_int_equal(tgtLunRemove(&f->tgt, 1, lun), 0);
        f->luns[lun] = 0;
    } else if (f->target == TARGET_FAKE) {
        assert_int_equal(fakeVolRemove(POOL, name), 0);
    } else {
        char *p = ctFileIn(f, name);
        assert_int_equal(unlink(p), 0);
        free(p);
    }
}

void
ctStorageRename(Fixture *f, const char *from, const char *to)
{
    if (f->target == TARGET_LOGICAL || f->target == TARGET_DISK) {
        ctRealRename(f, from, to);
        return;
    }
    if (f->target == TARGET_FAKE) {
        assert_int_equal(fakeVolRename(POOL, from, to), 0);
    } else {
        char *a = ctFileIn(f, from), *b = ctFileIn(f, to);
        assert_int_equal(rename(a, b), 0);
        free(a);
        free(b);
    }
}

void
ctStorageResize(Fixture *f, const char *name, unsigned long long size)
{
    if (f->target == TARGET_LOGICAL || f->target == TARGET_DISK) {
        ctRealResize(f, name, size);
        return;
    }
    if (f->target == TARGET_FAKE) {
        assert_int_equal(fakeVolResize(POOL, name, size), 0);
    } else {
        char *p = ctFileIn(f, name);
        assert_int_equal(truncate(p, (off_t) size), 0);
        free(p);
    }
}

bool
ctStorageHas(Fixture *f, const char *name)
{
    struct stat st;
    char *p;
    bool has;

    if (f->target == TARGET_LOGICAL || f->target == TARGET_DISK)
        return ctRealHas(f, name);
    if (f->target == TARGET_FAKE)
        return fakeVolHas(POOL, name);
    if (f->target == TARGET_ISCSI)
        return f->luns[lun_of(name)] > 0;
    p = ctFileIn(f, name);
    has = lstat(p, &st) == 0;
    free(p);
    return has;
}

bool
ctStorageBuilt(Fixture *f)
{
    struct stat st;

    if (f->target == TARGET_LOGICAL || f->target == TARGET_DISK)
        return ctRealBuilt(f);
    if (f->target == TARGET_FAKE)
        return fakePoolBuilt(POOL);
    if (f->target == TARGET_ISCSI)
        return true;
    return stat(f->images, &st) == 0 && S_ISDIR(st.st_mode);
}

int
ctCmpStr(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* The pool directory's entries, "name size mtime" in name order, with
 * @times; without, "name size". */
static char *
dir_listing(Fixture *f, bool times)
{
    char *buf = NULL, *lines[256];
    size_t len = 0, n = 0;
    FILE *out = open_memstream(&buf, &len);
    struct stat top;
    bool present = stat(f->images, &top) == 0 && S_ISDIR(top.st_mode);
    DIR *d = present ? opendir(f->files ? f->files : f->images) : NULL;
    struct dirent *e;

    assert_non_null(out);
    fprintf(out, "directory %s\n", present ? "present" : "absent");
    /* An fs pool's storage is started or stopped too. */
    if (f->target == TARGET_FS)
        fprintf(out, "file system %s\n", ctRealFsIsMounted(f) ? "mounted" : "not mounted");
    while (d && (e = readdir(d))) {
        struct stat st;
        char *p;
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        p = ctFileIn(f, e->d_name);
        assert_int_equal(lstat(p, &st), 0);
        free(p);
        assert_true(n < SC_N_ELEMENTS(lines));
        lines[n++] = times ? ctPrintf("%s %lld %lld.%09ld\n", e->d_name, (long long) st.st_size,
                                      (long long) st.st_mtim.tv_sec, st.st_mtim.tv_nsec)
                           : ctPrintf("%s %lld\n", e->d_name, (long long) st.st_size);
    }
    if (d)
        closedir(d);
    qsort(lines, n, sizeof(*lines), ctCmpStr);
    for (size_t i = 0; i < n; i++) {
        fputs(lines[i], out);
        free(lines[i]);
    }
    fclose(out);
    return buf;
}

/* The target's LUNs as text: "unit:0:0:N capacity" in name order, with
 * a digest of each LUN's bytes when @data. */
static char *
lun_listing(Fixture *f, bool data)
{
    char *buf = NULL, *lines[17];
    size_t len = 0, n = 0;
    FILE *out = open_memstream(&buf, &len);

    /* The controller, LUN 0, as the pool lists it. */
    lines[n++] = ctPrintf("unit:0:0:0 0\n");
    for (int l = 1; l < (int) SC_N_ELEMENTS(f->luns); l++) {
        unsigned long long h = 1469598103934665603ull;
        if (!f->luns[l])
            continue;
        if (data) {
            FILE *in = fopen(tgtLunFile(&f->tgt, 1, l), "rb");
            int c;
            assert_non_null(in);
            while ((c = getc(in)) != EOF)
                h = (h ^ (unsigned) c) * 1099511628211ull;
            fclose(in);
            /* A write of the same bytes is a change too (as a file's
             * mtime says for the dir target). */
            struct stat st;
            assert_int_equal(stat(tgtLunFile(&f->tgt, 1, l), &st), 0);
            lines[n++] = ctPrintf("unit:0:0:%d %llu %016llx %lld.%09ld\n", l, f->luns[l], h,
                                  (long long) st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
        } else {
            lines[n++] = ctPrintf("unit:0:0:%d %llu\n", l, f->luns[l]);
        }
    }
    qsort(lines, n, sizeof(*lines), ctCmpStr);
    for (size_t i = 0; i < n; i++) {
        fputs(lines[i], out);
        free(lines[i]);
    }
    fclose(out);
    return buf;
}

/* Storage as text, to compare before and after an operation. */
char *
ctStorageSnapshot(Fixture *f)
{
    if (f->target == TARGET_LOGICAL || f->target == TARGET_DISK)
        return ctRealSnapshot(f);
    if (f->target == TARGET_ISCSI)
        return lun_listing(f, true);
    return f->target == TARGET_FAKE ? fakeStorageSnapshot() : dir_listing(f, true);
}

/* The present volumes of storage, "name capacity" in name order. */
char *
ctStorageVolumes(Fixture *f)
{
    char *buf = NULL, *snap;
    size_t len = 0;
    FILE *out;

    if (f->target == TARGET_LOGICAL || f->target == TARGET_DISK)
        return ctRealVolumes(f);
    if (f->target == TARGET_ISCSI)
        return lun_listing(f, false);
    if (ctFiles(f)) {
        ctRealFsMounted(f);
        snap = dir_listing(f, false);
        /* The volumes, after the lines on the directory and its mount. */
        buf = strchr(snap, '\n') + 1;
        if (f->target == TARGET_FS)
            buf = strchr(buf, '\n') + 1;
        buf = strdup(buf);
        free(snap);
        return buf;
    }
    out = open_memstream(&buf, &len);
    snap = fakeStorageSnapshot();
    for (char *line = strtok(snap, "\n"); line; line = strtok(NULL, "\n")) {
        char name[256];
        unsigned long long cap;
        if (sscanf(line, "  vol %255s id=%*u capacity=%llu", name, &cap) == 2)
            fprintf(out, "%s %llu\n", name, cap);
        else if (strncmp(line, "pool ", 5) == 0 && strncmp(line + 5, POOL " ", 2) != 0)
            break;
    }
    free(snap);
    fclose(out);
    return buf;
}

/* ---- the catalog, read with SQLite --------------------------------------- */

/* Every row of @sql as "a|b|c\n" lines into @out. */
static void
dump_query(sqlite3 *db, const char *sql, FILE *out)
{
    sqlite3_stmt *st;
    int rc;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        for (int i = 0; i < sqlite3_column_count(st); i++) {
            const unsigned char *v = sqlite3_column_text(st, i);
            fprintf(out, "%s%s", i ? "|" : "", v ? (const char *) v : "NULL");
        }
        fputc('\n', out);
    }
    assert_int_equal(rc, SQLITE_DONE);
    sqlite3_finalize(st);
}

/*
 * The catalog's tables as text, leaving out only caches and clocks
 * (pools.change_token, updated_at, refreshed_at and the pool sizes;
 * volumes.last_seen), the boot of an inactive pool's state (it reads as
 * inactive in any boot), and row ids (rows are named by UUID; the order of
 * a pool's directories is kept).
 */
char *
ctCatalogDump(Fixture *f)
{
    static const char *const queries[] = {
        "SELECT 'pool', uuid, name, type, target_path, target_key, source_key, xml, state,"
        " CASE WHEN state != 'inactive' THEN boot_id END, autostart, defined_at, runtime, op,"
        " op_pid, op_boot FROM pools ORDER BY uuid",
        "SELECT 'vol', v.uuid, p.uuid, v.name, v.key, v.path, v.type, v.format, v.capacity,"
        " v.allocation, v.physical, v.backing_path, v.backing_format, v.mode, v.uid, v.gid,"
        " v.atime_ns, v.mtime_ns, v.ctime_ns, v.btime_ns, hex(v.sig), hex(v.ident), v.state,"
        " v.op, v.op_pid, v.op_boot, v.first_seen"
        " FROM volumes v JOIN pools p ON p.id = v.pool_id ORDER BY v.uuid",
        "SELECT 'path', a.path, v.uuid FROM volume_paths a JOIN volumes v ON v.id = a.volume_id"
        " ORDER BY a.path",
        "SELECT 'attr', v.uuid, a.name, a.value FROM volume_attrs a"
        " JOIN volumes v ON v.id = a.volume_id ORDER BY v.uuid, a.name",
        "SELECT 'dir', p.uuid, d.dir FROM pool_dirs d JOIN pools p ON p.id = d.pool_id"
        " ORDER BY p.uuid, d.id",
        "SELECT 'event', id, ts, actor, pool_uuid, pool_name, volume_uuid, volume_name, action,"
        " detail FROM events ORDER BY id",
    };
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    sqlite3 *db;

    assert_int_equal(sqlite3_open_v2(f->catalog, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    for (size_t i = 0; i < SC_N_ELEMENTS(queries); i++)
        dump_query(db, queries[i], out);
    sqlite3_close(db);
    fclose(out);
    return buf;
}

/* The first line where @a and @b differ, printed; fails the test. */
void
ctAssertSameText(const char *what, const char *context, const char *a, const char *b)
{
    const char *la = a, *lb = b;

    if (strcmp(a, b) == 0)
        return;
    while (*la && *lb) {
        size_t na = strcspn(la, "\n"), nb = strcspn(lb, "\n");
        if (na != nb || memcmp(la, lb, na) != 0)
            break;
        la += na + (la[na] == '\n');
        lb += nb + (lb[nb] == '\n');
    }
    fail_msg("%s: %s changed\n# before: %.*s\n# after:  %.*s", context, what,
             (int) strcspn(la, "\n"), la, (int) strcspn(lb, "\n"), lb);
}

/* A one-value query's result as a string (malloc'ed; "" for none). */
char *
ctSqlText(Fixture *f, const char *fmt, ...)
{
    va_list ap;
    char *sql, *res = NULL;
    sqlite3 *db;
    sqlite3_stmt *st;

    va_start(ap, fmt);
    sql = sqlite3_vmprintf(fmt, ap);
    va_end(ap);
    assert_int_equal(sqlite3_open_v2(f->catalog, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        res = strdup((const char *) sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    sqlite3_free(sql);
    return res ? res : strdup("");
}

long long
ctSqlInt(Fixture *f, const char *sql)
{
    char *s = ctSqlText(f, "%s", sql);
    long long v = strtoll(s, NULL, 10);

    free(s);
    return v;
}

/* The present volumes the catalog has of the pool, as ctStorageVolumes. */
char *
ctCatalogVolumes(Fixture *f)
{
    char *s = ctSqlText(f, "SELECT group_concat(name || ' ' || capacity || char(10), '') FROM"
                           " (SELECT v.name, v.capacity FROM volumes v JOIN pools p"
                           " ON p.id = v.pool_id WHERE p.name = '" POOL "'"
                           " AND v.state = 'present' ORDER BY v.name)");
    return s;
}

/* ---- volumes and pools through the API ------------------------------------ */

scStorageVolPtr
ctCreateVol(Fixture *f, const char *name, unsigned long long capacity)
{
    /* For an LV an allocation below the capacity asks for a sparse
     * (snapshot) LV, which is not the plain volume meant here (and needs
     * device-mapper): the LV is allocated in full, as libvirt's is. */
    char *xml = ctPrintf("<volume><name>%s</name><capacity unit='bytes'>%llu</capacity>"
                         "%s</volume>",
                         ctNewVolName(f, name), capacity,
                         f->target == TARGET_LOGICAL ? "" : "<allocation>0</allocation>");
    scStorageVolPtr vol = scStorageVolCreateXML(f->pool, xml, 0);

    free(xml);
    return vol;
}

/* Drop a handle that may be NULL (the Free calls report a NULL handle). */
void
ctVolFree(scStorageVolPtr vol)
{
    if (vol) {
        scStorageVolFree(vol);
    }
}

void
ctPoolFree(scStoragePoolPtr pool)
{
    if (pool)
        scStoragePoolFree(pool);
}

char *
ctVolUUID(scStorageVolPtr vol)
{
    char buf[SC_UUID_STRING_BUFLEN];

    assert_sc_ok(scStorageVolGetUUIDString(vol, buf) == 0);
    return strdup(buf);
}

unsigned long long
ctVolCapacity(scStorageVolPtr vol)
{
    scStorageVolInfo info;

    assert_sc_ok(scStorageVolGetInfo(vol, &info) == 0);
    return info.capacity;
}

/* The volume @name of the pool if the catalog has it present, or NULL. */
scStorageVolPtr
ctPresentVol(Fixture *f, const char *name)
{
    scStorageVolPtr vol = NULL, *vols;
    int n;

    /* A stopped pool's volumes are the catalog's view (libvirt's lookups
     * answer none): its listing with the INACTIVE flag. */
    if (scStoragePoolIsActive(f->pool) == 1) {
        vol = scStorageVolLookupByName(f->pool, ctVolName(f, name));
    } else if ((n = scStoragePoolListAllVolumes(f->pool, &vols,
                                                SC_STORAGE_POOL_LIST_VOLUMES_INACTIVE)) >= 0) {
        for (int i = 0; i < n; i++) {
            if (!vol && strcmp(scStorageVolGetName(vols[i]), ctVolName(f, name)) == 0)
                vol = vols[i];
            else
                scStorageVolFree(vols[i]);
        }
        free(vols);
    }
    if (vol && scStorageVolGetState(vol) != SC_STORAGE_VOL_STATE_PRESENT) {
        scStorageVolFree(vol);
        vol = NULL;
    }
    scResetLastError();
    return vol;
}

double
ctNow(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* A file in the test directory holding @len bytes of @byte, opened for
 * reading (the caller closes it). */
int
ctSourceFd(Fixture *f, int byte, size_t len)
{
    char *p = ctPrintf("%s/upload.bin", f->dir), *buf = malloc(len);
    int fd = open(p, O_RDWR | O_CREAT | O_TRUNC, 0600);

    assert_true(fd >= 0 && buf);
    memset(buf, byte, len);
    assert_int_equal(write(fd, buf, len), (ssize_t) len);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    free(buf);
    free(p);
    return fd;
}


/* Assert the slot calls since the last fakeCountsClear(): each listed
 * slot's count, and no other slot called (detach pairs with attach). */
void
ctAssertCalls(const char *context, ...)
{
    unsigned int want[FAKE_SLOT_LAST] = { 0 };
    va_list ap;
    int slot;

    va_start(ap, context);
    while ((slot = va_arg(ap, int)) != CT_END)
        want[slot] = va_arg(ap, unsigned int);
    va_end(ap);
    want[FAKE_DETACH] = fake.calls[FAKE_ATTACH];
    /* Sizes a discovery handed over (scSinkPoolInfo, as a logical pool's
     * does) spare the pool_info slot the refresh would call after it. */
    if (want[FAKE_POOL_INFO] >= fake.sink_pool_infos)
        want[FAKE_POOL_INFO] -= fake.sink_pool_infos;
    for (int i = 0; i < FAKE_SLOT_LAST; i++) {
        /* The dir backend holds its directory open through a refresh. */
        if (i == FAKE_ATTACH && !want[i] && fakeHasSlot(FAKE_ATTACH))
            want[i] = fake.calls[FAKE_DISCOVER];
        /* A proxy of a backend with free extents asks them with the sizes. */
        if (i == FAKE_POOL_FREE_EXTENTS && !want[i] && fakeHasSlot(FAKE_POOL_FREE_EXTENTS))
            want[i] = want[FAKE_POOL_INFO];
        if (fake.calls[i] != want[i])
            fail_msg("%s: %s called %u times, expected %u", context, fakeSlotName(i), fake.calls[i],
                     want[i]);
    }
    fakeCountsClear();
}

bool
ctIsFake(Fixture *f)
{
    return f->target == TARGET_FAKE;
}

bool
ctIsIscsi(Fixture *f)
{
    return f->target == TARGET_ISCSI;
}

bool
ctIsLogical(Fixture *f)
{
    return f->target == TARGET_LOGICAL;
}

bool
ctIsDisk(Fixture *f)
{
    return f->target == TARGET_DISK;
}

bool
ctHasData(Fixture *f)
{
    return f->target != TARGET_LOGICAL || ctHaveDM();
}

unsigned long long
ctUnit(Fixture *f)
{
    return f->target == TARGET_LOGICAL ? 4 * MiB : MiB;
}
