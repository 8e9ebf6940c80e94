/*
 * test_boundary.c: what the core-backend boundary promises on a real dir
 * pool, beyond the contract tests: a volume's identity is more than an
 * inode number (a reused inode is a new volume, a rename keeps its UUID);
 * a refresh that cannot read an entry fails naming it and changes nothing;
 * an operation on a volume holds it against other processes (busy) and a
 * refresh leaves it alone, while one killed half-way blocks nothing; a
 * catalog of schema 4 with a running pool is migrated to runtime states
 * and change signatures; a discovery that learns the pool's sizes hands
 * them to the refresh (no pool_info call), and one whose token says
 * "unchanged" keeps the recorded ones.
 */
#include <config.h>

#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "backends/backend.h"
#include "testutil.h"

typedef struct {
    char *dir;      /* the test's temporary directory */
    char *images;   /* the pool's directory */
    char *catalog;
    scConnectPtr conn;
    scStoragePoolPtr pool;
} Fixture;

/* A new catalog with a started dir pool "images" (unless @start is false:
 * only the directories). */
static Fixture *
fixture(const char *name, bool start)
{
    Fixture *f = calloc(1, sizeof(*f));
    char *xml;

    assert_non_null(f);
    assert_non_null(f->dir = testTmpDirMake(name));
    f->images = testPath(f->dir, "images");
    f->catalog = testPath(f->dir, "catalog.db");
    assert_int_equal(mkdir(f->images, 0755), 0);
    if (!start)
        return f;
    assert_sc_ok(f->conn = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE));
    assert_true(asprintf(&xml, "<pool type='dir'><name>images</name><target><path>%s</path>"
                               "</target></pool>", f->images) > 0);
    assert_sc_ok(f->pool = scStoragePoolDefineXML(f->conn, xml, 0));
    free(xml);
    assert_sc_ok(scStoragePoolCreate(f->pool, 0) == 0);
    return f;
}

static void
fixture_free(Fixture *f)
{
    if (f->pool)
        scStoragePoolFree(f->pool);
    if (f->conn)
        assert_int_equal(scConnectClose(f->conn), 0);
    testTmpDirRemove(f->dir);
    free(f->images);
    free(f->catalog);
    free(f);
}

/* In a forked child: let go of the parent's handles (closing a copy of a
 * connection releases nothing of the parent's: its locks are per process),
 * so that what the child leaks is its own (make check-valgrind). */
static void
drop_parent_handles(Fixture *f)
{
    if (f->pool)
        scStoragePoolFree(f->pool);
    if (f->conn)
        scConnectClose(f->conn);
    f->pool = NULL;
    f->conn = NULL;
}

/* In a forked child, before _exit: the fixture's memory, not its files. */
static void
fixture_free_quiet(Fixture *f)
{
    free(f->dir);
    free(f->images);
    free(f->catalog);
    free(f);
}

static void
write_file(Fixture *f, const char *name, size_t len)
{
    char *p = testPath(f->images, name);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    char buf[4096];

    assert_true(fd >= 0);
    memset(buf, 'x', sizeof(buf));
    for (size_t done = 0; done < len; done += sizeof(buf))
        assert_true(write(fd, buf, len - done < sizeof(buf) ? len - done : sizeof(buf)) > 0);
    close(fd);
    free(p);
}

static ino_t
inode_of(Fixture *f, const char *name)
{
    char *p = testPath(f->images, name);
    struct stat st;

    assert_int_equal(stat(p, &st), 0);
    free(p);
    return st.st_ino;
}

static void
unlink_in(Fixture *f, const char *name)
{
    char *p = testPath(f->images, name);
    assert_int_equal(unlink(p), 0);
    free(p);
}

static void
uuid_of(Fixture *f, const char *name, char *uuid)
{
    scStorageVolPtr vol = scStorageVolLookupByName(f->pool, name);

    assert_sc_ok(vol);
    assert_sc_ok(scStorageVolGetUUIDString(vol, uuid) == 0);
    scStorageVolFree(vol);
}

static int
state_of(Fixture *f, const char *name)
{
    scStorageVolPtr vol = scStorageVolLookupByName(f->pool, name);
    int state;

    assert_sc_ok(vol);
    state = scStorageVolGetState(vol);
    scStorageVolFree(vol);
    return state;
}

/* A deleted file's inode, reused at once by an unrelated new file (ext4
 * does), is a new volume; the old one is missing. A rename keeps its UUID. */
static void
test_identity(void **state)
{
    Fixture *f = fixture("boundary-identity", true);
    char a[SC_UUID_STRING_BUFLEN], b[SC_UUID_STRING_BUFLEN], c[SC_UUID_STRING_BUFLEN];
    ino_t ino;
    bool reused = false;

    (void) state;
    /* The file system hands a freed inode out again, sooner or later (ext4
     * to the very next file, unless another process takes it first): make
     * vm1-disk.img, record it, delete it, then new files until one has
     * its inode; a few rounds if other processes are quicker. */
    for (int round = 0; round < 5 && !reused; round++) {
        write_file(f, "vm1-disk.img", 8192);
        assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
        uuid_of(f, "vm1-disk.img", a);
        ino = inode_of(f, "vm1-disk.img");
        unlink_in(f, "vm1-disk.img");
        for (int i = 0; i < 200 && !reused; i++) {
            char name[32];
            snprintf(name, sizeof(name), "filler%03d.img", i);
            write_file(f, name, 4096);
            if ((reused = inode_of(f, name) == ino)) {
                char *from = testPath(f->images, name), *to = testPath(f->images, "other.img");
                assert_int_equal(rename(from, to), 0);
                free(from);
                free(to);
            }
        }
        for (int i = 0; i < 200; i++) {
            char name[32], *p;
            snprintf(name, sizeof(name), "filler%03d.img", i);
            p = testPath(f->images, name);
            unlink(p);
            free(p);
        }
    }
    if (!reused) {
        print_message("# the file system did not reuse the inode: nothing to test\n");
        fixture_free(f);
        skip();
    }
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    uuid_of(f, "other.img", b);
    assert_string_not_equal(a, b);
    assert_int_equal(state_of(f, "vm1-disk.img"), SC_STORAGE_VOL_STATE_MISSING);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-renamed'"),
                     0);

    /* A real rename keeps the UUID. */
    char *from = testPath(f->images, "other.img"), *to = testPath(f->images, "renamed.img");
    assert_int_equal(rename(from, to), 0);
    free(from);
    free(to);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    uuid_of(f, "renamed.img", c);
    assert_string_equal(b, c);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-renamed'"
                                         " AND detail = 'renamed from ''other.img'''"), 1);
    fixture_free(f);
}

/* In a child that cannot search the pool's directory (an unprivileged
 * user; root gives up its uid), a refresh fails naming the entry it could
 * not stat, and marks nothing missing. Returns the child's exit status. */
static int
unreadable_child(Fixture *f)
{
    struct passwd *pw = getpwnam("nobody");
    scConnectPtr conn;
    scStoragePoolPtr pool;
    const char *msg;

    if (geteuid() == 0 && (!pw || setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0))
        return 3;
    if (!(conn = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE)) || !(pool = scStoragePoolLookupByName(conn, "images")))
        return 4;
    if (scStoragePoolRefresh(pool, 0) == 0)
        return 5;
    msg = scGetLastErrorMessage();
    fprintf(stderr, "# the refresh failed: %s\n", msg);
    if (!strstr(msg, "cannot stat 'a.img'") && !strstr(msg, "cannot stat 'b.img'"))
        return 6;
    if (!strstr(msg, "Permission denied"))
        return 7;
    scStoragePoolFree(pool);
    scConnectClose(conn);
    return 0;
}

static void
test_unreadable_entry(void **state)
{
    Fixture *f = fixture("boundary-eacces", false);
    struct passwd *pw = getpwnam("nobody");
    int status;
    pid_t pid;
    char *xml;

    (void) state;
    if (geteuid() == 0 && !pw) {
        fixture_free(f);
        skip();
    }
    /* The catalog and the pool belong to the user the child runs as. */
    assert_sc_ok(f->conn = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE));
    assert_true(asprintf(&xml, "<pool type='dir'><name>images</name><target><path>%s</path>"
                               "</target></pool>", f->images) > 0);
    assert_sc_ok(f->pool = scStoragePoolDefineXML(f->conn, xml, 0));
    free(xml);
    write_file(f, "a.img", 4096);
    write_file(f, "b.img", 4096);
    assert_sc_ok(scStoragePoolCreate(f->pool, 0) == 0);
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 2);
    if (geteuid() == 0) {
        char *wal = testPath(f->dir, "catalog.db-wal"), *shm = testPath(f->dir, "catalog.db-shm");
        assert_int_equal(chmod(f->dir, 0777), 0);
        assert_int_equal(chown(f->catalog, pw->pw_uid, pw->pw_gid), 0);
        chown(wal, pw->pw_uid, pw->pw_gid);
        chown(shm, pw->pw_uid, pw->pw_gid);
        free(wal);
        free(shm);
        assert_int_equal(chown(f->images, pw->pw_uid, pw->pw_gid), 0);
    }
    /* Readable (readdir works) but not searchable (fstatat fails). */
    assert_int_equal(chmod(f->images, 0644), 0);
    if ((pid = fork()) == 0) {
        int code;
        drop_parent_handles(f);
        code = unreadable_child(f);
        fixture_free_quiet(f);
        _exit(code);
    }
    assert_true(pid > 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(chmod(f->images, 0755), 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    /* Nothing recorded missing; a refresh that can read sees them again. */
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE state = 'present'"), 2);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-missing'"),
                     0);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 2);
    if (geteuid() == 0)
        assert_int_equal(chmod(f->dir, 0700), 0);
    fixture_free(f);
}

/* ---- a volume held by an operation in another process ------------------ */

typedef struct {
    int to_parent, from_parent;
} Pipes;

/* The progress callback of the child's wipe: tells the parent the wipe is
 * under way, then waits for the word to go on (or dies there). */
static int
hold_progress(scConnectPtr conn, const char *op, unsigned long long done,
              unsigned long long total, void *opaque)
{
    Pipes *p = opaque;
    char c = 'w';

    (void) conn;
    (void) op;
    (void) done;
    (void) total;
    if (p->to_parent >= 0) {
        assert_int_equal(write(p->to_parent, &c, 1), 1);
        close(p->to_parent);
        p->to_parent = -1;
        if (read(p->from_parent, &c, 1) != 1)
            _exit(9);
    }
    return 0;
}

/* Fork a child that wipes @name and holds the wipe until told to go on;
 * returns its pid once the wipe is under way, the write end of its "go on"
 * pipe in *@go. */
static pid_t
start_held_wipe(Fixture *f, const char *name, int *go)
{
    int up[2], down[2];
    char c;
    pid_t pid;

    assert_int_equal(pipe(up), 0);
    assert_int_equal(pipe(down), 0);
    if ((pid = fork()) == 0) {
        Pipes p = { up[1], down[0] };
        scConnectPtr conn;
        scStorageVolPtr vol = NULL;
        int code;
        drop_parent_handles(f);
        conn = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE);
        close(up[0]);
        close(down[1]);
        if (!conn || scConnectSetProgressCallback(conn, hold_progress, &p, NULL) < 0 ||
            !(vol = scStorageVolLookupByPath(conn, name)))
            code = 2;
        else
            code = scStorageVolWipe(vol, 0) == 0 ? 0 : 3;
        if (vol)
            scStorageVolFree(vol);
        if (conn)
            scConnectClose(conn);
        fixture_free_quiet(f);
        free((void *) name);
        _exit(code);
    }
    assert_true(pid > 0);
    close(up[1]);
    close(down[0]);
    assert_int_equal(read(up[0], &c, 1), 1);
    close(up[0]);
    *go = down[1];
    return pid;
}

static void
test_volume_busy(void **state)
{
    Fixture *f = fixture("boundary-busy", true);
    char *path, pidtext[32];
    scStorageVolPtr vol;
    int go, status;
    pid_t pid;

    (void) state;
    write_file(f, "held.img", 4 << 20);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    path = testPath(f->images, "held.img");
    pid = start_held_wipe(f, path, &go);
    snprintf(pidtext, sizeof(pidtext), "process %d", (int) pid);

    /* Another process's operation holds the volume... */
    assert_sc_ok(vol = scStorageVolLookupByPath(f->conn, path));
    assert_sc_err(scStorageVolResize(vol, 8 << 20, 0) == 0, SC_ERR_OPERATION_INVALID);
    assert_non_null(strstr(scGetLastErrorMessage(), "busy"));
    assert_non_null(strstr(scGetLastErrorMessage(), pidtext));
    assert_sc_err(scStorageVolDelete(vol, 0) == 0, SC_ERR_OPERATION_INVALID);
    assert_true(access(path, F_OK) == 0);
    /* ... a refresh leaves it to that operation ... */
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE op = 'wiping'"), 1);
    /* ... and other volumes and pools go on. */
    write_file(f, "free.img", 4096);
    scStorageVolPtr other = scStorageVolLookupByPath(f->conn, path);
    assert_sc_ok(other);
    scStorageVolFree(other);

    /* Let it finish: recorded, journal ended, an event. */
    assert_int_equal(write(go, "g", 1), 1);
    close(go);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE op IS NOT NULL"), 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-wipe'"), 1);
    assert_sc_ok(scStorageVolResize(vol, 8 << 20, 0) == 0);

    /* Killed half-way, its journal blocks nothing; a refresh reads the
     * volume again (the journal left no signature). */
    pid = start_held_wipe(f, path, &go);
    kill(pid, SIGKILL);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    close(go);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE op = 'wiping'"), 1);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE op IS NOT NULL"), 0);
    assert_sc_ok(scStorageVolResize(vol, 12 << 20, 0) == 0);
    scStorageVolFree(vol);
    free(path);
    fixture_free(f);
}

/* ---- swaps behind storcat's back ---------------------------------------- */

static off_t
size_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : -1;
}

/* A volume file replaced by a hard link to a file outside the pool, and
 * the pool directory replaced by a symlink to another: every write checks
 * that it acts on what the catalog recorded, and refuses. */
static void
test_swaps(void **state)
{
    Fixture *f = fixture("boundary-swaps", true);
    char *outside = testPath(f->dir, "outside.img"), *a = testPath(f->images, "a.img");
    char *real = testPath(f->dir, "images.real"), *elsewhere = testPath(f->dir, "elsewhere");
    char *down = testPath(f->dir, "down.img");
    scStorageVolPtr va, vb;
    int fd;

    (void) state;
    write_file(f, "a.img", 8192);
    write_file(f, "b.img", 8192);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_sc_ok(va = scStorageVolLookupByName(f->pool, "a.img"));
    assert_sc_ok(vb = scStorageVolLookupByName(f->pool, "b.img"));

    /* a.img becomes a hard link to a file outside the pool. */
    fd = open(outside, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "precious", 8), 8);
    close(fd);
    assert_int_equal(unlink(a), 0);
    assert_int_equal(link(outside, a), 0);
    assert_sc_err(scStorageVolWipe(va, 0) == 0, SC_ERR_OPERATION_INVALID);
    assert_non_null(strstr(scGetLastErrorMessage(), "no longer the file storcat recorded"));
    assert_sc_err(scStorageVolResize(va, 1 << 20, 0) == 0, SC_ERR_OPERATION_INVALID);
    assert_int_equal((fd = open(down, O_WRONLY | O_CREAT | O_TRUNC, 0644)) >= 0, 1);
    assert_sc_err(scStorageVolUploadFD(va, fd, 0, 0, 0) == 0, SC_ERR_OPERATION_INVALID);
    close(fd);
    assert_sc_err(scStorageVolDelete(va, 0) == 0, SC_ERR_OPERATION_INVALID);
    assert_int_equal(size_of(outside), 8);
    assert_int_equal(access(a, F_OK), 0);

    /* A download into the volume itself is refused (it would empty it). */
    char *b = testPath(f->images, "b.img");
    assert_true((fd = open(b, O_WRONLY)) >= 0);
    assert_sc_err(scStorageVolDownloadFD(vb, fd, 0, 0, 0) == 0, SC_ERR_INVALID_ARG);
    close(fd);
    assert_int_equal(size_of(b), 8192);

    /* The pool directory becomes a symlink to another directory. */
    assert_int_equal(mkdir(elsewhere, 0755), 0);
    char *other = testPath(elsewhere, "b.img");
    fd = open(other, O_WRONLY | O_CREAT, 0644);
    free(other);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "other", 5), 5);
    close(fd);
    assert_int_equal(rename(f->images, real), 0);
    assert_int_equal(symlink(elsewhere, f->images), 0);
    assert_sc_err(scStorageVolWipe(vb, 0) == 0, SC_ERR_OPERATION_INVALID);
    assert_non_null(strstr(scGetLastErrorMessage(), "no longer a directory"));
    /* ... or by another real directory: its identity differs. */
    assert_int_equal(unlink(f->images), 0);
    assert_int_equal(rename(elsewhere, f->images), 0);
    assert_sc_err(scStorageVolWipe(vb, 0) == 0, SC_ERR_OPERATION_INVALID);
    assert_non_null(strstr(scGetLastErrorMessage(), "no longer the one the pool was started on"));
    assert_int_equal(rename(f->images, elsewhere), 0);
    assert_int_equal(symlink(elsewhere, f->images), 0);
    char *eb = testPath(elsewhere, "b.img");
    assert_int_equal(size_of(eb), 5);
    free(eb);
    /* Put back, everything works again. */
    assert_int_equal(unlink(f->images), 0);
    assert_int_equal(rename(real, f->images), 0);
    assert_sc_ok(scStorageVolWipe(vb, 0) == 0);

    scStorageVolFree(va);
    scStorageVolFree(vb);
    free(b);
    free(down);
    free(outside);
    free(a);
    free(real);
    free(elsewhere);
    fixture_free(f);
}

/* ---- pid reuse ------------------------------------------------------------ */

static void
sql_exec(const char *catalog, const char *sql)
{
    sqlite3 *db;
    char *err = NULL;

    assert_int_equal(sqlite3_open(catalog, &db), SQLITE_OK);
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", sql, err);
    sqlite3_close(db);
}

static unsigned long long
start_time(pid_t pid)
{
    char path[64], buf[1024], *p;
    FILE *fp;
    unsigned long long v = 0;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int) pid);
    assert_non_null(fp = fopen(path, "r"));
    assert_non_null(fgets(buf, sizeof(buf), fp));
    fclose(fp);
    p = strrchr(buf, ')');
    for (int i = 0; i < 20 && p; i++)
        p = strchr(p + 1, ' ');
    assert_non_null(p); /* the blank before field 22, the start time */
    assert_int_equal(sscanf(p, " %llu", &v), 1);
    return v;
}

/* A 'creating' journal whose pid now belongs to another process (alive,
 * but started later than the journal says) is stale: a refresh drops it
 * and its name can be created again; the same journal naming that
 * process by its real start time is live and left alone. */
static void
test_pid_reuse(void **state)
{
    Fixture *f = fixture("boundary-pid-reuse", true);
    char boot[64] = "", *sql;
    FILE *fp = fopen("/proc/sys/kernel/random/boot_id", "r");
    pid_t other;
    int status;

    (void) state;
    if (fp) {
        if (fgets(boot, sizeof(boot), fp))
            boot[strcspn(boot, "\n")] = '\0';
        fclose(fp);
    }
    if ((other = fork()) == 0) {
        alarm(60); /* should the test fail before it kills this one */
        pause();
        _exit(0);
    }
    assert_true(other > 0);
    for (int live = 1; live >= 0; live--) {
        assert_true(asprintf(&sql,
            "INSERT INTO volumes (pool_id, uuid, name, key, path, type, state, op_pid, op_boot,"
            " op_start, first_seen, last_seen) VALUES (1, '0190aaaa-0000-7000-8000-00000000000%d',"
            " 'stuck.img', '%s/stuck.img', '%s/stuck.img', 'file', 'creating', %d, '%s', %llu, 0, 0)",
            live, f->images, f->images, (int) other, boot,
            live ? start_time(other) : start_time(other) - 1) > 0);
        sql_exec(f->catalog, sql);
        free(sql);
        assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
        assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE name = 'stuck.img'"),
                         live ? 1 : 0);
        if (live)
            sql_exec(f->catalog, "DELETE FROM volumes WHERE name = 'stuck.img'");
    }
    scStorageVolPtr vol = scStorageVolCreateXML(f->pool, "<volume><name>stuck.img</name>"
                                                         "<capacity>4096</capacity></volume>", 0);
    assert_sc_ok(vol);
    scStorageVolFree(vol);
    kill(other, SIGKILL);
    waitpid(other, &status, 0);
    fixture_free(f);
}

/* ---- the pool's sizes from the discovery ------------------------------ */

static int info_calls;
static int token_serial;
static const scStoragePoolInfo disc_sizes = { .capacity = 1000,
                                              .allocation = 400,
                                              .available = 600 };

static int
counting_pool_info(const scPoolCtx *pool, scStoragePoolInfo *info)
{
    info_calls++;
    return scBackendDir.pool_info(pool, info);
}

/* A backend whose discovery knows the pool's sizes: a constant token (the
 * second refresh is "unchanged", and says the sizes are too), no volumes. */
static int
sized_discover(const scPoolCtx *pool, scDiscoverSink *sink)
{
    int r = scSinkToken(sink, "fixed-token");

    (void) pool;
    if (r < 0)
        return -1;
    return scSinkPoolInfo(sink, r == 0 ? NULL : &disc_sizes);
}

/* One that keeps the sizes although its token changed: a broken backend. */
static int
bad_keep_discover(const scPoolCtx *pool, scDiscoverSink *sink)
{
    char token[32];

    (void) pool;
    snprintf(token, sizeof(token), "token-%d", ++token_serial);
    if (scSinkToken(sink, token) < 0)
        return -1;
    return scSinkPoolInfo(sink, NULL);
}

static void
assert_sizes(scStoragePoolPtr pool, unsigned long long cap, unsigned long long alloc,
             unsigned long long avail)
{
    scStoragePoolInfo info;

    assert_sc_ok(scStoragePoolGetInfo(pool, &info) == 0);
    assert_int_equal(info.capacity, cap);
    assert_int_equal(info.allocation, alloc);
    assert_int_equal(info.available, avail);
}

static void
test_sizes_from_discovery(void **state)
{
    static scBackend sized, plain, bad;
    Fixture *f = fixture("boundary-sizes", false);
    char *xml;

    (void) state;
    sized = scBackendDir;
    sized.discover = sized_discover;
    sized.pool_info = counting_pool_info;
    plain = scBackendDir;
    plain.pool_info = counting_pool_info;
    bad = sized;
    bad.discover = bad_keep_discover;
    scBackendOverride(SC_POOL_DIR, &sized);
    assert_sc_ok(f->conn = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE));
    assert_true(asprintf(&xml,
                         "<pool type='dir'><name>images</name><target><path>%s</path>"
                         "</target></pool>",
                         f->images) > 0);
    assert_sc_ok(f->pool = scStoragePoolDefineXML(f->conn, xml, 0));
    free(xml);

    /* The start's refresh takes the discovery's sizes; pool_info is not asked. */
    info_calls = 0;
    assert_sc_ok(scStoragePoolCreate(f->pool, 0) == 0);
    assert_sizes(f->pool, 1000, 400, 600);
    assert_int_equal(info_calls, 0);
    /* Unchanged: the sizes are kept, still without asking. */
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_sizes(f->pool, 1000, 400, 600);
    assert_int_equal(info_calls, 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM pools WHERE refreshed_at > 0"), 1);

    /* Keeping sizes after a changed token is the backend's bug: an error,
     * nothing recorded. */
    scBackendOverride(SC_POOL_DIR, &bad);
    assert_sc_err(scStoragePoolRefresh(f->pool, 0) == 0, SC_ERR_INTERNAL_ERROR);
    assert_non_null(strstr(scGetLastErrorMessage(), "kept the pool's sizes"));
    assert_sizes(f->pool, 1000, 400, 600);

    /* A backend that says nothing of sizes is asked through pool_info. */
    scBackendOverride(SC_POOL_DIR, &plain);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(info_calls, 1);
    scBackendOverride(SC_POOL_DIR, NULL);
    fixture_free(f);
}

/* ---- migration ---------------------------------------------------------- */

static void
raw_exec_file(sqlite3 *db, const char *file)
{
    char *sql = testReadFile(file);
    char *err = NULL;

    assert_non_null(sql);
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        fail_msg("%s: %s", file, err);
    free(sql);
}

/* A catalog of schema 4 (before the boundary) with a running dir pool and
 * two volumes: the pool stays running (its resolved directory becomes its
 * runtime state), lookups by path that miss still check the directory,
 * and the first refresh reads each volume once (no signature yet),
 * keeping UUIDs. */
static void
test_migrate_running_pool(void **state)
{
    Fixture *f = fixture("boundary-migrate", false);
    char boot[64] = "", *sql, *v;
    FILE *fp = fopen("/proc/sys/kernel/random/boot_id", "r");
    sqlite3 *db;

    (void) state;
    if (fp) {
        if (fgets(boot, sizeof(boot), fp))
            boot[strcspn(boot, "\n")] = '\0';
        fclose(fp);
    }
    write_file(f, "a.img", 4096);
    write_file(f, "b.img", 8192);
    assert_int_equal(sqlite3_open(f->catalog, &db), SQLITE_OK);
    for (int i = 1; i <= 4; i++) {
        static const char *const files[] = { NULL, "001-initial", "002-volumes", "003-scan-digest",
                                             "004-no-dev-ino-index" };
        char *path;
        assert_true(asprintf(&path, "%s/sql/%s.sql", testSrcDir(), files[i]) > 0);
        raw_exec_file(db, path);
        free(path);
    }
    assert_true(asprintf(&sql,
        "PRAGMA user_version = 4; PRAGMA application_id = 1937007409;"
        "INSERT INTO pools (uuid, name, type, target_path, target_key, xml, state, boot_id,"
        " defined_at, updated_at, target_real, scan_digest) VALUES"
        " ('6c1b2a80-0d9e-4f8e-9a51-2f2a3b4c5d6e', 'images', 'dir', '%s', '%s',"
        " '<pool type=''dir''><name>images</name><uuid>6c1b2a80-0d9e-4f8e-9a51-2f2a3b4c5d6e</uuid>"
        "<target><path>%s</path></target></pool>', 'running', '%s', 0, 0, '%s', 'old-digest');"
        "INSERT INTO volumes (pool_id, uuid, name, key, path, type, format, capacity, allocation,"
        " dev, ino, size, mtime_ns, ctime_ns, state, first_seen, last_seen) VALUES"
        " (1, '0190aaaa-0000-7000-8000-000000000001', 'a.img', '%s/a.img', '%s/a.img', 'file',"
        " 'raw', 4096, 4096, 1, 2, 4096, 0, 0, 'present', 0, 0),"
        " (1, '0190aaaa-0000-7000-8000-000000000002', 'b.img', '%s/b.img', '%s/b.img', 'file',"
        " 'raw', 8192, 8192, 1, 3, 8192, 0, 0, 'present', 0, 0);",
        f->images, f->images, f->images, boot, f->images, f->images, f->images, f->images,
        f->images) > 0);
    v = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &v) != SQLITE_OK)
        fail_msg("%s", v);
    free(sql);
    sqlite3_close(db);

    assert_sc_ok(f->conn = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE));
    assert_sc_ok(f->pool = scStoragePoolLookupByName(f->conn, "images"));
    assert_int_equal(scStoragePoolIsActive(f->pool), 1);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM pool_dirs"), 1);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM pools WHERE runtime IS NOT NULL"), 1);
    /* A file added since is found by a lookup by path (the pool's directory). */
    write_file(f, "c.img", 4096);
    char *c = testPath(f->images, "c.img");
    scStorageVolPtr vol = scStorageVolLookupByPath(f->conn, c);
    assert_sc_ok(vol);
    scStorageVolFree(vol);
    free(c);
    /* The first refresh reads the old volumes once, keeping their UUIDs. */
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE sig IS NULL"), 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE uuid IN"
                                         " ('0190aaaa-0000-7000-8000-000000000001',"
                                         " '0190aaaa-0000-7000-8000-000000000002')"), 2);
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 3);
    fixture_free(f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_identity),
        cmocka_unit_test(test_unreadable_entry),
        cmocka_unit_test(test_volume_busy),
        cmocka_unit_test(test_swaps),
        cmocka_unit_test(test_pid_reuse),
        cmocka_unit_test(test_migrate_running_pool),
        cmocka_unit_test(test_sizes_from_discovery),
    };

    return cmocka_run_group_tests_name("boundary", tests, NULL, NULL);
}
