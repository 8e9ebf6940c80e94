/*
 * test_crash.c: crashes and races, driven by the library's test points
 * (util/testpoint.h) rather than by sleeps.
 *
 * Kill loops: an operation runs in a child that SIGKILLs itself at its
 * Nth test point, for N = 1, 2, ... until one run finishes. After each
 * kill: the catalog is sound, nothing the child started still holds a
 * file of the pool, the source of a clone is untouched, and the next call
 * (a start finishes or undoes the interrupted one; a refresh settles an
 * interrupted create) leaves catalog and storage agreeing. An interrupted
 * create or clone never becomes a volume: the refresh removes its partial
 * file, or keeps it as 'incomplete' where it was made but not yet
 * journaled. The same loops with SIGINT, handled as the CLI handles it
 * (the progress callback then asks to stop): the operation undoes itself
 * at once, nothing is left for a refresh.
 *
 * Races: an operation in a child holds at a named point while the parent
 * deletes, recreates or replaces its volume; the child's operation must
 * then act on nothing but the volume it started on.
 */
#include <config.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <stdio.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "util/testpoint.h"

typedef struct {
    char *dir;      /* the test's temporary directory */
    char *images;   /* the pool's directory */
    char *catalog;
    scConnectPtr conn;
    scStoragePoolPtr pool;
} Fixture;

/* A new catalog with a dir pool "images", started. */
static Fixture *
fixture(const char *name)
{
    Fixture *f = calloc(1, sizeof(*f));
    char *xml;

    assert_non_null(f);
    assert_non_null(f->dir = testTmpDirMake(name));
    f->images = testPath(f->dir, "images");
    f->catalog = testPath(f->dir, "catalog.db");
    assert_int_equal(mkdir(f->images, 0755), 0);
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
    scStoragePoolFree(f->pool);
    assert_int_equal(scConnectClose(f->conn), 0);
    testTmpDirRemove(f->dir);
    free(f->images);
    free(f->catalog);
    free(f);
}

/* @len bytes of data, each byte a function of its offset and @seed. */
static void
write_file(Fixture *f, const char *name, size_t len, unsigned seed)
{
    char *p = testPath(f->images, name);
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    unsigned char buf[4096];

    assert_true(fd >= 0);
    for (size_t done = 0; done < len; done += sizeof(buf)) {
        size_t n = len - done < sizeof(buf) ? len - done : sizeof(buf);
        for (size_t i = 0; i < n; i++)
            buf[i] = (unsigned char) ((done + i) * 31 + seed + 1);
        assert_int_equal(write(fd, buf, n), (ssize_t) n);
    }
    close(fd);
    free(p);
}

/* FNV-1a of a file's bytes (0 if it cannot be read). */
static unsigned long long
file_sum(Fixture *f, const char *name)
{
    char *p = testPath(f->images, name);
    unsigned long long h = 1469598103934665603ull;
    unsigned char buf[65536];
    int fd = open(p, O_RDONLY);
    ssize_t n;

    free(p);
    if (fd < 0)
        return 0;
    while ((n = read(fd, buf, sizeof(buf))) > 0)
        for (ssize_t i = 0; i < n; i++)
            h = (h ^ buf[i]) * 1099511628211ull;
    close(fd);
    return h;
}

static bool
exists_in(Fixture *f, const char *name)
{
    char *p = testPath(f->images, name);
    bool r = access(p, F_OK) == 0;
    free(p);
    return r;
}

static bool
integrity_ok(Fixture *f)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    bool ok;

    assert_int_equal(sqlite3_open_v2(f->catalog, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL), SQLITE_OK);
    ok = sqlite3_step(st) == SQLITE_ROW &&
         strcmp((const char *) sqlite3_column_text(st, 0), "ok") == 0;
    sqlite3_finalize(st);
    sqlite3_close(db);
    return ok;
}

/* Open files under @dir held by processes other than this one. */
static int
fds_under(const char *dir)
{
    size_t len = strlen(dir);
    DIR *proc = opendir("/proc");
    struct dirent *p;
    int n = 0;

    assert_non_null(proc);
    while ((p = readdir(proc))) {
        char path[300], link[4096];
        struct dirent *e;
        DIR *fds;
        if (p->d_name[0] < '1' || p->d_name[0] > '9' || atoi(p->d_name) == getpid())
            continue;
        snprintf(path, sizeof(path), "/proc/%s/fd", p->d_name);
        if (!(fds = opendir(path)))
            continue;
        while ((e = readdir(fds))) {
            char fd_path[600];
            ssize_t l;
            snprintf(fd_path, sizeof(fd_path), "%s/%s", path, e->d_name);
            if ((l = readlink(fd_path, link, sizeof(link) - 1)) > 0 && (size_t) l > len &&
                strncmp(link, dir, len) == 0 && link[len] == '/')
                n++;
        }
        closedir(fds);
    }
    closedir(proc);
    return n;
}

/* Nothing still holds a file of the pool: what the killed process
 * started (qemu-img) died with it. Waits up to 5 s for the kernel. */
static void
assert_nothing_left(Fixture *f)
{
    struct timespec ten_ms = { 0, 10 * 1000 * 1000 };

    for (int i = 0; i < 500 && fds_under(f->images) > 0; i++)
        nanosleep(&ten_ms, NULL);
    assert_int_equal(fds_under(f->images), 0);
}

/* Catalog and storage agree: no journal is left, and the files of the
 * pool are its present volumes (a volume recorded missing has none) and
 * the incomplete rows an interrupted create left. */
static void
assert_agree(Fixture *f)
{
    DIR *d = opendir(f->images);
    struct dirent *e;
    int files = 0;

    assert_non_null(d);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE op IS NOT NULL"
                                " OR state NOT IN ('present', 'missing', 'incomplete')"), 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM pools WHERE op IS NOT NULL"), 0);
    while ((e = readdir(d))) {
        char *sql;
        if (e->d_name[0] == '.')
            continue;
        files++;
        assert_true(asprintf(&sql, "SELECT count(*) FROM volumes WHERE name = '%s'"
                                   " AND state IN ('present', 'incomplete')", e->d_name) > 0);
        if (testSqlInt(f->catalog, sql) != 1)
            fail_msg("'%s' is in the pool's directory but not in the catalog", e->d_name);
        free(sql);
    }
    closedir(d);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE state IN"
                                " ('present', 'incomplete')"), files);
}

/* ---- kill loops ----------------------------------------------------------- */

/* An operation run in the child, on its own connection. 0 or -1. */
typedef int (*CrashOp)(scConnectPtr conn, const void *arg);

/* The error of an operation that failed in the child (its message goes
 * to stderr), kept past the calls that free its handles. */
static scError op_error;

/* A child interrupted by SIGINT, as the CLI handles it: the handler
 * notes it, the progress callback asks the library to stop. */
static volatile sig_atomic_t child_interrupted;

static void
child_on_int(int sig)
{
    child_interrupted = sig;
}

static int
child_progress(scConnectPtr conn, const char *op, unsigned long long done,
               unsigned long long total, void *opaque)
{
    (void) conn, (void) op, (void) done, (void) total, (void) opaque;
    return child_interrupted ? -1 : 0;
}

/* Run @op in a child that sends itself @sig at its @n-th test point. With
 * SIGKILL: true if it was killed. With SIGINT (handled): true if the
 * operation stopped for it (failed with SC_ERR_OPERATION_ABORTED). False
 * if it finished first (its exit status checked 0). */
static bool
signalled_at(Fixture *f, int n, int sig, CrashOp op, const void *arg)
{
    int status;
    pid_t pid = fork();

    assert_true(pid >= 0);
    if (pid == 0) {
        scConnectPtr conn = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE);
        struct sigaction sa = { .sa_handler = child_on_int, .sa_flags = SA_RESTART };
        int r;
        if (!conn)
            _exit(2);
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, NULL);
        scConnectSetProgressCallback(conn, child_progress, NULL, NULL);
        scKillSignal = sig;
        scKillCountdown = n;
        r = op(conn, arg);
        scKillCountdown = 0;
        if (r < 0 && !op_error.code)
            scCopyLastError(&op_error);
        if (r < 0 && sig == SIGINT && child_interrupted &&
            op_error.code == SC_ERR_OPERATION_ABORTED)
            _exit(3);
        if (r < 0)
            fprintf(stderr, "child: %s\n", op_error.message ? op_error.message : "?");
        scConnectClose(conn);
        _exit(r == 0 ? 0 : 1);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    if (WIFSIGNALED(status)) {
        assert_int_equal(sig, SIGKILL);
        assert_int_equal(WTERMSIG(status), SIGKILL);
        return true;
    }
    assert_true(WIFEXITED(status));
    if (sig == SIGINT && WEXITSTATUS(status) == 3)
        return true;
    assert_int_equal(WEXITSTATUS(status), 0);
    return false;
}

static bool
killed_at(Fixture *f, int n, CrashOp op, const void *arg)
{
    return signalled_at(f, n, SIGKILL, op, arg);
}

typedef struct {
    unsigned int flags;
} StartArg;

static int
op_start(scConnectPtr conn, const void *opaque)
{
    const StartArg *a = opaque;
    scStoragePoolPtr pool = scStoragePoolLookupByName(conn, "images");
    int r = pool ? scStoragePoolCreate(pool, a->flags) : -1;

    if (pool)
        scStoragePoolFree(pool);
    return r;
}

/* pool-start killed at each point, then the next call: the same start
 * (which finishes or undoes the interrupted one) or a stop first. Returns
 * the number of points. */
static int
start_kill_loop(Fixture *f, unsigned int flags, bool remove_dir)
{
    const StartArg arg = { flags };
    int n;

    for (n = 1;; n++) {
        int starts = testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'pool-start'");
        bool killed;

        assert_int_equal(scStoragePoolIsActive(f->pool), 1);
        assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
        if (remove_dir) {
            char *cmd;
            assert_true(asprintf(&cmd, "rm -rf '%s'", f->images) > 0);
            assert_int_equal(system(cmd), 0);
            free(cmd);
        }
        /* Something for the start's refresh to record. */
        if (!remove_dir) {
            char name[32];
            snprintf(name, sizeof(name), "new%d.img", n);
            write_file(f, name, 512, (unsigned) n);
            write_file(f, "c.img", 512 * (size_t) (n + 1), 3);
        }
        killed = killed_at(f, n, op_start, &arg);
        assert_true(integrity_ok(f));
        assert_nothing_left(f);
        if (!killed) {
            assert_int_equal(scStoragePoolIsActive(f->pool), 1);
            assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'pool-start'"),
                             starts + 1);
            break;
        }
        /* A stop after the crash is also a way on: it leaves the pool
         * inactive, whatever the start had recorded. */
        if (n % 2 == 0) {
            bool active = scStoragePoolIsActive(f->pool) == 1;
            if (active)
                assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
            else
                assert_sc_err(scStoragePoolDestroy(f->pool) == 0, SC_ERR_OPERATION_INVALID);
            assert_int_equal(scStoragePoolIsActive(f->pool), 0);
        }
        /* The next start is never "already active" with nothing behind
         * it: it finishes the interrupted start or starts afresh. */
        if (scStoragePoolCreate(f->pool, flags) < 0)
            fail_msg("start %d after a kill at point %d: %s", n, n, scGetLastErrorMessage());
        assert_int_equal(scStoragePoolIsActive(f->pool), 1);
        assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'pool-start'"),
                         starts + 1);
        assert_agree(f);
    }
    assert_agree(f);
    return n - 1;
}

static void
test_kill_pool_start(void **state)
{
    Fixture *f = fixture("crash-start");
    int points;

    (void) state;
    write_file(f, "a.img", 4096, 1);
    write_file(f, "b.img", 8192, 2);
    write_file(f, "c.img", 512, 3);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    points = start_kill_loop(f, 0, false);
    print_message("pool-start: killed at each of %d points\n", points);
    /* journaled, built, started, recorded, discovered, 2 records, applied */
    assert_true(points >= 8);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE state = 'present'"),
                     3 + points + 1);

    /* The start that builds the pool's directory. */
    points = start_kill_loop(f, SC_STORAGE_POOL_CREATE_WITH_BUILD, true);
    print_message("pool-start --build: killed at each of %d points\n", points);
    assert_true(points >= 5);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE state = 'present'"), 0);
    fixture_free(f);
}

typedef struct {
    const char *src;
    const char *xml;
} CloneArg;

static int
op_clone(scConnectPtr conn, const void *opaque)
{
    const CloneArg *a = opaque;
    scStoragePoolPtr pool = scStoragePoolLookupByName(conn, "images");
    scStorageVolPtr src = pool ? scStorageVolLookupByName(pool, a->src) : NULL;
    scStorageVolPtr vol = src ? scStorageVolCreateXMLFrom(pool, a->xml, src, 0) : NULL;
    /* Its error outlives the frees (each public call resets it). */
    if (!vol && scCopyLastError(&op_error) < 0)
        op_error.code = scGetLastErrorCode();
    if (vol)
        scStorageVolFree(vol);
    if (src)
        scStorageVolFree(src);
    if (pool)
        scStoragePoolFree(pool);
    return vol ? 0 : -1;
}

/* The state of volume @name's row, or -1 if there is none. */
static int
row_state(Fixture *f, const char *name)
{
    static const char *const states[] = { "present", "missing", "creating", "deleting",
                                          "incomplete" };
    char *sql;
    int r = -1;

    for (size_t i = 0; r < 0 && i < sizeof(states) / sizeof(states[0]); i++) {
        assert_true(asprintf(&sql, "SELECT count(*) FROM volumes WHERE name = '%s'"
                                   " AND state = '%s'", name, states[i]) > 0);
        if (testSqlInt(f->catalog, sql) > 0)
            r = (int) i;
        free(sql);
    }
    return r;
}

/* How the runs of a kill loop ended. */
typedef struct {
    int points;     /* runs stopped before the end */
    int removed;    /* ... whose partial file a refresh removed */
    int incomplete; /* ... whose file a refresh kept as incomplete */
    int nothing;    /* ... that left no file */
    int finished;   /* ... killed once the clone was recorded: a volume */
} LoopResult;

/* A clone or create-from of @src into @dst, signalled with @sig at each
 * point. After each run the source is untouched. A SIGKILL leaves a
 * 'creating' journal; the refresh after it never makes it a volume: the
 * partial file goes (the create journaled its identity), or stays as an
 * incomplete row (made but not yet journaled), which a delete removes. A
 * SIGINT leaves nothing at all, before any refresh. The name is then free
 * to be made again. */
static LoopResult
clone_signal_loop(Fixture *f, const char *src, const char *dst, const char *format, int sig)
{
    LoopResult res = { 0 };
    char *xml;
    int n;
    unsigned long long sum = file_sum(f, src);

    assert_true(asprintf(&xml, "<volume><name>%s</name><target><format type='%s'/></target>"
                               "</volume>", dst, format) > 0);
    const CloneArg arg = { src, xml };
    for (n = 1;; n++) {
        int abandoned = testSqlInt(f->catalog, "SELECT count(*) FROM events"
                                   " WHERE action = 'vol-create-abandoned'");
        bool killed = signalled_at(f, n, sig, op_clone, &arg);
        bool had_file = exists_in(f, dst);
        scStorageVolPtr vol;

        assert_true(integrity_ok(f));
        assert_nothing_left(f);
        assert_true(file_sum(f, src) == sum);
        if (!killed)
            break;
        if (sig == SIGINT) {
            /* Stopped cleanly: the same undo as a failure. */
            assert_int_equal(row_state(f, dst), -1);
            assert_false(had_file);
            assert_agree(f);
            res.nothing++;
            continue;
        }
        assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE op IS NOT NULL"
                                    " OR state NOT IN ('present', 'creating')"), 0);
        if (row_state(f, dst) == SC_STORAGE_VOL_STATE_PRESENT) {
            /* Killed once the clone was recorded: it finished. */
            res.finished++;
            assert_sc_ok(vol = scStorageVolLookupByName(f->pool, dst));
            assert_sc_ok(scStorageVolDelete(vol, 0) == 0);
            scStorageVolFree(vol);
            continue;
        }
        assert_int_equal(row_state(f, dst), SC_STORAGE_VOL_STATE_CREATING);
        /* The next refresh: never a volume. */
        assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
        assert_agree(f);
        assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events"
                                    " WHERE action = 'vol-create-recovered'"), 0);
        switch (row_state(f, dst)) {
        case -1:
            assert_false(exists_in(f, dst));
            if (had_file) {
                res.removed++;
                assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events"
                                            " WHERE action = 'vol-create-abandoned'"),
                                 abandoned + 1);
            } else {
                res.nothing++;
            }
            break;
        case SC_STORAGE_VOL_STATE_INCOMPLETE:
            res.incomplete++;
            assert_true(had_file && exists_in(f, dst));
            assert_sc_ok(vol = scStorageVolLookupByName(f->pool, dst));
            assert_int_equal(scStorageVolGetState(vol), SC_STORAGE_VOL_STATE_INCOMPLETE);
            /* Not a volume: not listed, not a clone source. */
            assert_int_equal(scStoragePoolNumOfVolumes(f->pool),
                             testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE state = 'present'"));
            assert_sc_err(scStorageVolCreateXMLFrom(f->pool, "<volume><name>x</name></volume>",
                                                    vol, 0),
                          SC_ERR_OPERATION_INVALID);
            assert_sc_ok(scStorageVolDelete(vol, 0) == 0);
            scStorageVolFree(vol);
            break;
        default:
            fail_msg("kill at point %d: '%s' is a volume after the refresh", n, dst);
        }
        assert_false(exists_in(f, dst));
    }
    /* The run that finished made a whole copy. */
    scStorageVolPtr vol = scStorageVolLookupByName(f->pool, dst);
    scStorageVolPtr s = scStorageVolLookupByName(f->pool, src);
    scStorageVolInfo vi, si;
    assert_sc_ok(vol);
    assert_sc_ok(s);
    assert_int_equal(scStorageVolGetInfo(vol, &vi), 0);
    assert_int_equal(scStorageVolGetInfo(s, &si), 0);
    assert_int_equal(vi.capacity, si.capacity);
    if (strcmp(format, "raw") == 0 && strcmp(src, "src.img") == 0)
        assert_true(file_sum(f, dst) == sum);
    assert_sc_ok(scStorageVolDelete(vol, 0) == 0);
    scStorageVolFree(vol);
    scStorageVolFree(s);
    assert_agree(f);
    free(xml);
    res.points = n - 1;
    print_message("%s %s -> %s (%s): stopped at %d points: %d partial files removed, "
                  "%d incomplete, %d left nothing, %d had finished\n",
                  sig == SIGKILL ? "SIGKILL" : "SIGINT", src, dst, format, res.points, res.removed,
                  res.incomplete, res.nothing, res.finished);
    return res;
}

/* Both signals; the SIGKILL runs: some partial files removed by the
 * refresh, and exactly one point (the file made, its identity not yet
 * journaled) where it can only be kept as incomplete. */
static int
clone_kill_loop(Fixture *f, const char *src, const char *dst, const char *format)
{
    LoopResult k = clone_signal_loop(f, src, dst, format, SIGKILL);
    LoopResult i = clone_signal_loop(f, src, dst, format, SIGINT);

    assert_true(k.removed >= 2);
    assert_int_equal(k.incomplete, 1);
    assert_true(i.points >= 3);
    assert_int_equal(i.nothing, i.points);
    assert_true(k.finished <= 1);
    return k.points;
}

static void
test_kill_clone(void **state)
{
    Fixture *f = fixture("crash-clone");
    int points;

    (void) state;
    write_file(f, "src.img", 3 << 20, 7);
    write_file(f, "other.img", 4096, 8);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    points = clone_kill_loop(f, "src.img", "copy.img", "raw");
    print_message("vol-clone raw: killed at each of %d points\n", points);
    /* journaled, 3 chunks, built, recorded */
    assert_true(points >= 5);
    if (access(QEMU_IMG, X_OK) != 0) {
        print_message("SKIP: qcow2 clone and create-from: no %s\n", QEMU_IMG);
        fixture_free(f);
        return;
    }
    /* create-from into another format, and a qcow2 clone: qemu-img runs,
     * and dies with the process that started it. */
    points = clone_kill_loop(f, "src.img", "conv.qcow2", "qcow2");
    print_message("vol-create-from raw to qcow2: killed at each of %d points\n", points);
    assert_true(points >= 3);
    char *cmd, *q = testPath(f->images, "base.qcow2");
    assert_true(asprintf(&cmd, "%s convert -q -O qcow2 '%s/src.img' '%s'", QEMU_IMG, f->images,
                         q) > 0);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    free(q);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    points = clone_kill_loop(f, "base.qcow2", "clone.qcow2", "qcow2");
    print_message("vol-clone qcow2: killed at each of %d points\n", points);
    assert_true(points >= 3);
    fixture_free(f);
}

/* ---- races ---------------------------------------------------------------- */

/* The child's side of a barrier: at point @hold_at it tells the parent
 * and waits for the word to go on. */
static const char *hold_at;
static int hold_up = -1, hold_down = -1;

static void
hold_hook(const char *where)
{
    char c = 'h';

    if (hold_up < 0 || strcmp(where, hold_at) != 0)
        return;
    assert_int_equal(write(hold_up, &c, 1), 1);
    close(hold_up);
    hold_up = -1;
    if (read(hold_down, &c, 1) != 1)
        _exit(9);
}

typedef enum { HELD_DELETE, HELD_WIPE, HELD_RESIZE } HeldVerb;

typedef struct {
    pid_t pid;
    int go;       /* write a byte to let it go on */
} Held;

/* Fork a child that looks @name up, then runs @verb on it and holds at
 * @at until told to go on. Its exit status: 0, or 1 + the error code (its
 * message in the file "child.err" of the test's directory). */
static Held
start_held(Fixture *f, const char *name, HeldVerb verb, const char *at)
{
    int up[2], down[2];
    Held h;
    char c;

    assert_int_equal(pipe(up), 0);
    assert_int_equal(pipe(down), 0);
    if ((h.pid = fork()) == 0) {
        scConnectPtr conn = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE);
        scStoragePoolPtr pool = conn ? scStoragePoolLookupByName(conn, "images") : NULL;
        scStorageVolPtr vol = pool ? scStorageVolLookupByName(pool, name) : NULL;
        int r;
        close(up[0]);
        close(down[1]);
        if (!vol)
            _exit(100);
        hold_at = at;
        hold_up = up[1];
        hold_down = down[0];
        scTestPointHook = hold_hook;
        r = verb == HELD_DELETE ? scStorageVolDelete(vol, 0)
          : verb == HELD_WIPE   ? scStorageVolWipe(vol, 0)
                                : scStorageVolResize(vol, 8 << 20, 0);
        if (hold_up >= 0) /* never held: let the parent on all the same */
            assert_int_equal(write(hold_up, "x", 1), 1);
        if (r < 0) {
            char *p = testPath(f->dir, "child.err");
            FILE *out = fopen(p, "w");
            if (out) {
                fputs(scGetLastErrorMessage(), out);
                fclose(out);
            }
            free(p);
            r = 1 + scGetLastError()->code;
        }
        scStorageVolFree(vol);
        scStoragePoolFree(pool);
        scConnectClose(conn);
        _exit(r);
    }
    assert_true(h.pid > 0);
    close(up[1]);
    close(down[0]);
    assert_int_equal(read(up[0], &c, 1), 1);
    assert_int_equal(c, 'h');
    close(up[0]);
    h.go = down[1];
    return h;
}

/* Let the held child go on; its exit status. */
static int
finish_held(Held h)
{
    int status;

    assert_int_equal(write(h.go, "g", 1), 1);
    close(h.go);
    assert_int_equal(waitpid(h.pid, &status, 0), h.pid);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static char *
child_err(Fixture *f)
{
    char *p = testPath(f->dir, "child.err");
    char *s = testReadFile(p);

    assert_non_null(s);
    unlink(p);
    free(p);
    return s;
}

/* Two deletes of one volume at once: one deletes it, the other is told
 * it is gone, both while the first is under way and after. */
static void
test_race_two_deletes(void **state)
{
    Fixture *f = fixture("race-deletes");
    scStorageVolPtr mine;
    Held h;

    (void) state;
    write_file(f, "z.img", 1 << 20, 1);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_sc_ok(mine = scStorageVolLookupByName(f->pool, "z.img"));
    h = start_held(f, "z.img", HELD_DELETE, "vol-op:journaled");
    /* The other delete is under way: for this one the volume is gone. */
    assert_sc_err(scStorageVolDelete(mine, 0) == 0, SC_ERR_NO_STORAGE_VOL);
    assert_non_null(strstr(scGetLastErrorMessage(), "is being deleted by process"));
    assert_true(exists_in(f, "z.img"));
    assert_int_equal(finish_held(h), 0);
    assert_false(exists_in(f, "z.img"));
    /* And once it is done. */
    assert_sc_err(scStorageVolDelete(mine, 0) == 0, SC_ERR_NO_STORAGE_VOL);
    assert_non_null(strstr(scGetLastErrorMessage(), "no longer exists"));
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes"), 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-delete'"), 1);
    scStorageVolFree(mine);
    fixture_free(f);
}

/* An operation that started on volume z holds before its journal while
 * another process deletes z and creates a new z: the operation must not
 * touch the new one (it is bound to the volume, not the name). */
static void
test_race_same_name(void **state)
{
    static const HeldVerb verbs[] = { HELD_DELETE, HELD_WIPE, HELD_RESIZE };
    static const char *const names[] = { "delete", "wipe", "resize" };
    Fixture *f = fixture("race-same-name");
    char xml[] = "<volume><name>z.img</name><capacity>2097152</capacity>"
                 "<allocation>2097152</allocation></volume>";

    (void) state;
    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
        scStorageVolPtr old, new;
        scStorageVolInfo info;
        unsigned long long sum;
        char *err;
        int code;
        Held h;

        write_file(f, "z.img", 1 << 20, 1);
        assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
        h = start_held(f, "z.img", verbs[i], "vol-op:loaded");
        assert_sc_ok(old = scStorageVolLookupByName(f->pool, "z.img"));
        assert_sc_ok(scStorageVolDelete(old, 0) == 0);
        assert_sc_ok(new = scStorageVolCreateXML(f->pool, xml, 0));
        write_file(f, "z.img", 2 << 20, 9); /* the new z's data, in place */
        sum = file_sum(f, "z.img");
        assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);

        code = finish_held(h);
        if (code != 1 + SC_ERR_NO_STORAGE_VOL)
            fail_msg("%s on the old z: exit %d, expected 'no longer exists'", names[i], code);
        err = child_err(f);
        assert_non_null(strstr(err, "no longer exists"));
        free(err);
        /* The new z is as it was made, and the catalog says so. */
        assert_true(file_sum(f, "z.img") == sum);
        assert_int_equal(scStorageVolGetInfo(new, &info), 0);
        assert_int_equal(info.capacity, 2 << 20);
        assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE name = 'z.img'"
                                    " AND state = 'present' AND op IS NULL"), 1);
        assert_sc_ok(scStorageVolDelete(new, 0) == 0);
        scStorageVolFree(old);
        scStorageVolFree(new);
    }
    fixture_free(f);
}

/* The file of volume z is replaced (by another file of the same name)
 * while an operation on z holds after its journal: the operation refuses
 * to act on a file that is not the one the catalog recorded. */
static void
test_race_file_swap(void **state)
{
    static const HeldVerb verbs[] = { HELD_DELETE, HELD_WIPE, HELD_RESIZE };
    Fixture *f = fixture("race-file-swap");

    (void) state;
    for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
        unsigned long long sum;
        char *err, *p = testPath(f->images, "z.img");
        Held h;

        write_file(f, "z.img", 1 << 20, 1);
        assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
        h = start_held(f, "z.img", verbs[i], "vol-op:journaled");
        assert_int_equal(unlink(p), 0);
        write_file(f, "z.img", 3 << 20, 5);
        sum = file_sum(f, "z.img");
        assert_int_equal(finish_held(h), 1 + SC_ERR_OPERATION_INVALID);
        err = child_err(f);
        assert_non_null(strstr(err, "no longer the file storcat recorded"));
        free(err);
        assert_true(file_sum(f, "z.img") == sum);
        /* The journal ended; the refresh records the new file. */
        assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE op IS NOT NULL"), 0);
        assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
        assert_agree(f);
        assert_int_equal(testSqlInt(f->catalog, "SELECT capacity FROM volumes WHERE name = 'z.img'"),
                         3 << 20);
        assert_int_equal(unlink(p), 0);
        assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
        free(p);
    }
    fixture_free(f);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill_pool_start),
        cmocka_unit_test(test_kill_clone),
        cmocka_unit_test(test_race_two_deletes),
        cmocka_unit_test(test_race_same_name),
        cmocka_unit_test(test_race_file_swap),
    };

    return cmocka_run_group_tests_name("crash", tests, NULL, NULL);
}
