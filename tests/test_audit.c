/*
 * test_audit.c: who wrote each event of the audit trail and what it
 * changed (sql/016-event-who-changes.sql), through scConnectListEvents,
 * on a real directory pool:
 *  - a scripted history (define, start, create, an overlay, resize, a
 *    file grown and renamed behind storcat's back then refreshed, delete,
 *    stop, undefine) compared row by row: action, objects, detail, the
 *    changes object exactly, and who (uid, user, pid, program);
 *  - who behind sudo and pkexec (SUDO_USER, SUDO_UID, PKEXEC_UID, each
 *    alone, together, malformed) and $STORCAT_ACTOR;
 *  - hostile values: a $STORCAT_ACTOR of 10 KB with quotes, a newline and
 *    an escape sequence, kept as given (1024 bytes, cut at a character),
 *    the one-line actor without control characters; a file whose name
 *    has quotes, a backslash, a newline, an escape and a byte that is not
 *    UTF-8, recorded as valid JSON that reads back as the name;
 *  - report_events gives the same;
 *  - an event's time is never before a time its caller read, with
 *    clock_gettime, before the call, even just after a second turns.
 */
#include <config.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"

#define MiB 1048576ULL

typedef struct {
    char *dir;
    char *pool_dir;
    char *catalog;
    scConnectPtr conn;
} Fixture;

static const char *const who_vars[] = { "SUDO_USER", "SUDO_UID", "PKEXEC_UID", "STORCAT_ACTOR" };

static void
clear_who(void)
{
    for (size_t i = 0; i < sizeof(who_vars) / sizeof(who_vars[0]); i++)
        unsetenv(who_vars[i]);
}

static int
setup(void **state)
{
    Fixture *f = calloc(1, sizeof(*f));

    if (!f || !(f->dir = testTmpDirMake("audit")) || asprintf(&f->pool_dir, "%s/p", f->dir) < 0 ||
        asprintf(&f->catalog, "%s/catalog.db", f->dir) < 0)
        return -1;
    clear_who();
    if (!(f->conn = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE)))
        return -1;
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;

    clear_who();
    assert_int_equal(scConnectClose(f->conn), 0);
    testTmpDirRemove(f->dir);
    free(f->pool_dir);
    free(f->catalog);
    free(f);
    return 0;
}

/* ---- the events, copied out of the callback -------------------------------- */

typedef struct {
    long long id, time;
    char *line; /* "ACTION POOL/VOLUME (DETAIL) CHANGES" */
    long long uid, invoker_uid, pid;
    char *user, *via, *invoker, *program, *storcat_actor, *actor, *changes;
} Event;

typedef struct {
    Event e[64];
    int n;
} Trail;

static char *
dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int
trail_cb(const scAuditEvent *ev, void *opaque)
{
    Trail *t = opaque;
    Event *e = &t->e[t->n];

    assert_true(t->n < 64);
    t->n++;
    e->id = ev->id;
    e->time = ev->time;
    assert_true(asprintf(&e->line, "%s %s/%s (%s) %s", ev->action,
                         ev->poolName ? ev->poolName : "-", ev->volumeName ? ev->volumeName : "-",
                         ev->detail ? ev->detail : "-", ev->changes ? ev->changes : "-") > 0);
    e->uid = ev->uid;
    e->invoker_uid = ev->invokerUID;
    e->pid = ev->pid;
    e->user = dup_or_null(ev->userName);
    e->via = dup_or_null(ev->invokerVia);
    e->invoker = dup_or_null(ev->invokerName);
    e->program = dup_or_null(ev->program);
    e->storcat_actor = dup_or_null(ev->storcatActor);
    e->actor = dup_or_null(ev->actor);
    e->changes = dup_or_null(ev->changes);
    return 0;
}

static void
trail_clear(Trail *t)
{
    for (int i = 0; i < t->n; i++) {
        Event *e = &t->e[i];
        free(e->line);
        free(e->user);
        free(e->via);
        free(e->invoker);
        free(e->program);
        free(e->storcat_actor);
        free(e->actor);
        free(e->changes);
    }
    t->n = 0;
}

/* The events after id @after into @t. */
static void
read_trail(scConnectPtr conn, long long after, Trail *t)
{
    trail_clear(t);
    assert_sc_ok(scConnectListEvents(conn, NULL, NULL, NULL, 0, 0, after, trail_cb, t, 0) >= 0);
}

static unsigned long long
allocation_of(scStorageVolPtr vol)
{
    scStorageVolInfo info;

    assert_sc_ok(scStorageVolGetInfo(vol, &info) == 0);
    return info.allocation;
}

/* ", \"allocation\": [OLD, NEW]" when they differ, else "". */
static char *
alloc_change(unsigned long long old, unsigned long long now)
{
    char *s;

    if (old == now)
        return strdup("");
    assert_true(asprintf(&s, ", \"allocation\": [%llu, %llu]", old, now) > 0);
    return s;
}

/* The first column of the first row of a query. */
static int
first_cb(int ncols, const char *const *names, const char *const *values, const int *types,
         void *opaque)
{
    char **out = opaque;

    if (values && !*out)
        *out = strdup(values[0] ? values[0] : "(null)");
    return 0;
}

static void
check_query(scConnectPtr conn, const char *sql, const char *want)
{
    char *got = NULL;

    assert_sc_ok(scConnectQuery(conn, sql, first_cb, &got, 0) >= 1);
    if (strcmp(got, want) != 0)
        fail_msg("%s: '%s', expected '%s'", sql, got, want);
    free(got);
}

/* ---- the scripted history ----------------------------------------------- */

static void
test_history(void **state)
{
    Fixture *f = *state;
    const char *P = f->pool_dir;
    bool qemu = access(QEMU_IMG, X_OK) == 0;
    scStoragePoolPtr p;
    scStorageVolPtr a, o = NULL;
    unsigned long long a1, a2, a3, o1 = 0;
    char *xml, *path, *renamed, *want[16], *grow;
    struct passwd *pw = getpwuid(getuid());
    Trail t = { .n = 0 };
    char count[16];
    int n = 0;

    assert_true(asprintf(&xml,
                         "<pool type='dir'><name>p</name><target><path>%s</path></target>"
                         "</pool>",
                         P) > 0);
    assert_sc_ok(p = scStoragePoolDefineXML(f->conn, xml, 0));
    free(xml);
    assert_sc_ok(scStoragePoolCreate(p, SC_STORAGE_POOL_CREATE_WITH_BUILD) == 0);
    assert_sc_ok(a = scStorageVolCreateXML(p,
                                           "<volume><name>a.img</name><capacity>1048576"
                                           "</capacity><allocation>0</allocation></volume>",
                                           0));
    a1 = allocation_of(a);
    if (qemu) {
        assert_true(asprintf(&xml,
                             "<volume><name>o.qcow2</name><capacity>1048576</capacity>"
                             "<target><format type='qcow2'/></target><backingStore>"
                             "<path>%s/a.img</path><format type='raw'/></backingStore>"
                             "</volume>",
                             P) > 0);
        assert_sc_ok(o = scStorageVolCreateXML(p, xml, 0));
        free(xml);
        o1 = allocation_of(o);
    }
    assert_sc_ok(scStorageVolResize(a, 2 * MiB, 0) == 0);
    a2 = allocation_of(a);
    /* Behind storcat's back: the file grows, then is renamed; each found
     * by a refresh. */
    assert_true(asprintf(&path, "%s/a.img", P) > 0);
    assert_true(asprintf(&renamed, "%s/r.img", P) > 0);
    assert_int_equal(truncate(path, 3 * MiB), 0);
    assert_sc_ok(scStoragePoolRefresh(p, 0) == 0);
    assert_int_equal(rename(path, renamed), 0);
    assert_sc_ok(scStoragePoolRefresh(p, 0) == 0);
    scStorageVolFree(a);
    assert_sc_ok(a = scStorageVolLookupByName(p, "r.img"));
    a3 = allocation_of(a);
    if (o)
        assert_sc_ok(scStorageVolDelete(o, 0) == 0);
    assert_sc_ok(scStorageVolDelete(a, 0) == 0);
    assert_sc_ok(scStoragePoolDestroy(p) == 0);
    assert_sc_ok(scStoragePoolUndefine(p) == 0);

    assert_true(asprintf(&want[n++],
                         "pool-define p/- (defined) {\"type\": [null, \"dir\"], "
                         "\"target\": [null, \"%s\"]}",
                         P) > 0);
    want[n++] = strdup("pool-start p/- (-) {\"state\": [\"inactive\", \"running\"]}");
    assert_true(asprintf(&want[n++],
                         "vol-create p/a.img (-) {\"capacity\": [null, 1048576], "
                         "\"allocation\": [null, %llu], \"format\": [null, \"raw\"], "
                         "\"path\": [null, \"%s\"]}",
                         a1, path) > 0);
    if (qemu)
        assert_true(asprintf(&want[n++],
                             "vol-create p/o.qcow2 (-) {\"capacity\": [null, 1048576], "
                             "\"allocation\": [null, %llu], \"format\": [null, \"qcow2\"], "
                             "\"backing\": [null, \"%s\"], \"path\": [null, \"%s/o.qcow2\"]}",
                             o1, path, P) > 0);
    grow = alloc_change(a1, a2);
    assert_true(asprintf(&want[n++],
                         "vol-resize p/a.img (capacity 1048576 -> 2097152) "
                         "{\"capacity\": [1048576, 2097152]%s}",
                         grow) > 0);
    free(grow);
    grow = alloc_change(a2, a3);
    assert_true(asprintf(&want[n++], "vol-changed p/a.img (-) {\"capacity\": [2097152, 3145728]%s}",
                         grow) > 0);
    free(grow);
    want[n++] = strdup("pool-refresh p/- ("
                       "%ANY%"
                       ") -");
    assert_true(asprintf(&want[n++],
                         "vol-renamed p/r.img (renamed from 'a.img') {\"path\": [\"%s\", \"%s\"], "
                         "\"name\": [\"a.img\", \"r.img\"]}",
                         path, renamed) > 0);
    want[n++] = strdup("pool-refresh p/- ("
                       "%ANY%"
                       ") -");
    if (qemu)
        assert_true(asprintf(&want[n++],
                             "vol-delete p/o.qcow2 (-) {\"capacity\": [1048576, null], "
                             "\"allocation\": [%llu, null], \"format\": [\"qcow2\", null], "
                             "\"backing\": [\"%s\", null], \"path\": [\"%s/o.qcow2\", null]}",
                             o1, path, P) > 0);
    assert_true(asprintf(&want[n++],
                         "vol-delete p/r.img (-) {\"capacity\": [3145728, null], "
                         "\"allocation\": [%llu, null], \"format\": [\"raw\", null], "
                         "\"path\": [\"%s\", null]}",
                         a3, renamed) > 0);
    want[n++] = strdup("pool-destroy p/- (-) {\"state\": [\"running\", \"inactive\"]}");
    assert_true(asprintf(&want[n++],
                         "pool-undefine p/- (0 volume identities kept) {\"type\": [\"dir\", "
                         "null], \"target\": [\"%s\", null]}",
                         P) > 0);

    /* Row by row, with who. */
    read_trail(f->conn, 0, &t);
    for (int i = 0; i < t.n && i < n; i++) {
        const Event *e = &t.e[i];
        char *any = strstr(want[i], "%ANY%");

        if (any ? strncmp(e->line, want[i], (size_t) (any - want[i])) != 0
                : strcmp(e->line, want[i]) != 0)
            fail_msg("event %d:\n  '%s'\nexpected\n  '%s'", i, e->line, want[i]);
        assert_int_equal(e->uid, (long long) getuid());
        if (pw)
            assert_string_equal(e->user, pw->pw_name);
        assert_int_equal(e->pid, (long long) getpid());
        assert_string_equal(e->program, program_invocation_short_name);
        assert_null(e->via);
        assert_int_equal(e->invoker_uid, -1);
        assert_null(e->invoker);
        assert_null(e->storcat_actor);
        assert_non_null(e->actor);
        assert_true(i == 0 || e->id > t.e[i - 1].id);
    }
    assert_int_equal(t.n, n);

    /* The view says the same; SQLite's json functions read the changes. */
    check_query(f->conn,
                "SELECT count(*) FROM report_events WHERE json_valid(changes)"
                " AND json_extract(changes, '$.capacity[1]') = 3145728"
                " AND action = 'vol-changed' AND program IS NOT NULL AND pid IS NOT NULL",
                "1");
    snprintf(count, sizeof(count), "%d", n);
    check_query(f->conn, "SELECT count(*) FROM report_events", count);
    for (int i = 0; i < n; i++)
        free(want[i]);
    trail_clear(&t);
    if (o)
        scStorageVolFree(o);
    scStorageVolFree(a);
    scStoragePoolFree(p);
    free(path);
    free(renamed);
}

/* ---- who ----------------------------------------------------------------- */

/* Opens a connection with the environment @env ("NAME=VALUE", NULL
 * ends; nothing else of who_vars set), records one event with it (a
 * setting changed) and returns that event, read back into @t. */
static const Event *
event_with(Fixture *f, const char *const *env, Trail *t)
{
    static int count;
    char value[16];
    long long last;
    scConnectPtr c;

    clear_who();
    for (; env && *env; env++) {
        const char *eq = strchr(*env, '=');
        char *name = strndup(*env, (size_t) (eq - *env));

        assert_int_equal(setenv(name, eq + 1, 1), 0);
        free(name);
    }
    c = scConnectOpenAuth(f->catalog, NULL, 0);
    clear_who();
    assert_sc_ok(c);
    read_trail(c, 0, t);
    last = t->n ? t->e[t->n - 1].id : 0;
    snprintf(value, sizeof(value), "%dd", ++count);
    assert_sc_ok(scConnectSetCatalogOption(c, "events.retention", value, 0) == 0);
    read_trail(c, last, t);
    assert_int_equal(t->n, 1);
    assert_int_equal(scConnectClose(c), 0);
    return &t->e[0];
}

#define ENV(...) ((const char *const[]){ __VA_ARGS__, NULL })

static void
assert_invoker(const Event *e, const char *via, long long uid, const char *name)
{
    if (!via) {
        assert_null(e->via);
        assert_null(e->invoker);
        assert_int_equal(e->invoker_uid, -1);
        assert_null(strchr(e->actor, '['));
        return;
    }
    assert_non_null(e->via);
    assert_string_equal(e->via, via);
    assert_int_equal(e->invoker_uid, uid);
    assert_non_null(e->invoker);
    assert_string_equal(e->invoker, name);
}

static void
test_who(void **state)
{
    Fixture *f = *state;
    Trail t = { .n = 0 };
    const Event *e;

    e = event_with(f, NULL, &t);
    assert_string_equal(e->line, "config-set -/- (events.retention: (default) -> 1d) "
                                 "{\"events.retention\": [null, \"1d\"]}");
    assert_invoker(e, NULL, -1, NULL);
    assert_null(e->storcat_actor);
    assert_int_equal(e->uid, (long long) getuid());
    /* sudo sets both; either is enough, the other is looked up. */
    e = event_with(f, ENV("SUDO_USER=root", "SUDO_UID=0"), &t);
    assert_invoker(e, "sudo", 0, "root");
    assert_non_null(strstr(e->actor, " [sudo: root]"));
    e = event_with(f, ENV("SUDO_UID=0"), &t);
    assert_invoker(e, "sudo", 0, "root");
    e = event_with(f, ENV("SUDO_USER=storcat-nobody-here"), &t);
    assert_invoker(e, "sudo", -1, "storcat-nobody-here");
    /* pkexec says a uid; sudo's claim wins over it. */
    e = event_with(f, ENV("PKEXEC_UID=0"), &t);
    assert_invoker(e, "pkexec", 0, "root");
    assert_non_null(strstr(e->actor, " [pkexec: root(0)]"));
    e = event_with(f, ENV("SUDO_USER=root", "PKEXEC_UID=1"), &t);
    assert_invoker(e, "sudo", 0, "root");
    /* Not numbers, empty: no claim. */
    e = event_with(f, ENV("PKEXEC_UID=abc", "SUDO_UID=-5", "SUDO_USER="), &t);
    assert_invoker(e, NULL, -1, NULL);
    e = event_with(f, ENV("PKEXEC_UID=4294967295"), &t);
    assert_invoker(e, NULL, -1, NULL);
    /* $STORCAT_ACTOR: its field, and the end of the actor. */
    e = event_with(f, ENV("STORCAT_ACTOR=ticket 42"), &t);
    assert_string_equal(e->storcat_actor, "ticket 42");
    assert_int_equal(strcmp(e->actor + strlen(e->actor) - strlen(" ticket 42"), " ticket 42"), 0);
    e = event_with(f, ENV("STORCAT_ACTOR="), &t);
    assert_null(e->storcat_actor);
    trail_clear(&t);
}

/* ---- hostile values -------------------------------------------------------- */

static void
test_hostile_actor(void **state)
{
    Fixture *f = *state;
    Trail t = { .n = 0 };
    const char *head = "\"quoted\" it's\nnew line\x1b[31mred\\ ";
    size_t len = strlen(head) + 10240;
    char *actor = malloc(len + 1), *env;
    const Event *e;

    memcpy(actor, head, strlen(head));
    memset(actor + strlen(head), 'x', len - strlen(head));
    actor[len] = '\0';
    assert_true(asprintf(&env, "STORCAT_ACTOR=%s", actor) > 0);
    e = event_with(f, ENV(env), &t);
    /* Kept as given, its first 1024 bytes. */
    assert_int_equal(strlen(e->storcat_actor), 1024);
    assert_int_equal(memcmp(e->storcat_actor, actor, 1024), 0);
    /* The one-line actor: no control character, bounded. */
    for (const unsigned char *p = (const unsigned char *) e->actor; *p; p++)
        assert_true(*p >= 0x20 && *p != 0x7f);
    assert_true(strlen(e->actor) < 700);
    assert_non_null(strstr(e->actor, " \"quoted\" it's?new line?[31mred\\ xxx"));
    check_query(f->conn,
                "SELECT length(CAST(storcat_actor AS BLOB)) FROM report_events"
                " ORDER BY id DESC LIMIT 1",
                "1024");
    free(env);
    /* Cut at a character, not inside one. */
    memset(actor, 'x', 1023);
    strcpy(actor + 1023, "\xc3\xa9 and more");
    assert_true(asprintf(&env, "STORCAT_ACTOR=%s", actor) > 0);
    e = event_with(f, ENV(env), &t);
    assert_int_equal(strlen(e->storcat_actor), 1023);
    free(env);
    free(actor);
    trail_clear(&t);
}

/* A file named with quotes, a backslash, a newline and an escape (and
 * one with a byte that is not UTF-8 too), found by a refresh: its event's
 * changes are valid JSON, and the path reads back as the name. */
static void
test_hostile_names(void **state)
{
    Fixture *f = *state;
    const char *odd = "q\"uo\\te\nline\x1b.img", *bad = "b\xff\"d.img";
    scStoragePoolPtr p;
    scStorageVolPtr v;
    Trail t = { .n = 0 };
    char *xml, *path, *sql;
    long long last;
    int fd;

    assert_true(asprintf(&xml,
                         "<pool type='dir'><name>h</name><target><path>%s</path></target>"
                         "</pool>",
                         f->pool_dir) > 0);
    assert_sc_ok(p = scStoragePoolDefineXML(f->conn, xml, 0));
    free(xml);
    assert_sc_ok(scStoragePoolCreate(p, SC_STORAGE_POOL_CREATE_WITH_BUILD) == 0);
    /* A pool with a volume: a refresh records each new one. */
    assert_sc_ok(v = scStorageVolCreateXML(p,
                                           "<volume><name>first.img</name><capacity>4096"
                                           "</capacity></volume>",
                                           0));
    scStorageVolFree(v);
    read_trail(f->conn, 0, &t);
    last = t.e[t.n - 1].id;
    assert_true(asprintf(&path, "%s/%s", f->pool_dir, odd) > 0);
    assert_true((fd = open(path, O_CREAT | O_WRONLY, 0600)) >= 0);
    close(fd);
    free(path);
    assert_true(asprintf(&path, "%s/%s", f->pool_dir, bad) > 0);
    assert_true((fd = open(path, O_CREAT | O_WRONLY, 0600)) >= 0);
    close(fd);
    free(path);
    assert_sc_ok(scStoragePoolRefresh(p, 0) == 0);
    read_trail(f->conn, last, &t);
    assert_int_equal(t.n, 3); /* two discovered, the refresh */
    for (int i = 0; i < 2; i++) {
        const Event *e = &t.e[i];

        assert_true(
            asprintf(&sql, "SELECT json_valid(changes) FROM events WHERE id = %lld", e->id) > 0);
        check_query(f->conn, sql, "1");
        free(sql);
        /* The byte that is not UTF-8 as \udcff, the others escaped. */
        if (strstr(e->line, "vol-discovered h/b"))
            assert_non_null(strstr(e->changes, "/b\\udcff\\\"d.img\"]"));
        else
            assert_non_null(strstr(e->changes, "/q\\\"uo\\\\te\\nline\\u001b.img\"]"));
    }
    /* And reads back as the name. */
    assert_true(asprintf(&sql,
                         "SELECT json_extract(changes, '$.path[1]') FROM events"
                         " WHERE id IN (%lld, %lld) AND instr(changes, 'udcff') = 0",
                         t.e[0].id, t.e[1].id) > 0);
    assert_true(asprintf(&path, "%s/%s", f->pool_dir, odd) > 0);
    check_query(f->conn, sql, path);
    free(sql);
    free(path);
    trail_clear(&t);
    scStoragePoolFree(p);
}

/* ---- the time of an event ---------------------------------------------------- */

/* An event's time is not before what its caller's clock read before the
 * call. Each round starts as the second turns, where time(), the kernel's
 * coarse seconds, still reads the second before for a few milliseconds. */
static void
test_time_as_the_second_turns(void **state)
{
    Fixture *f = *state;
    Trail t = { .n = 0 };
    long long after = 0;

    for (int round = 0; round < 3; round++) {
        struct timespec now, wait;
        scStoragePoolPtr p;
        char *xml;

        assert_true(asprintf(&xml,
                             "<pool type='dir'><name>t%d</name><target><path>%s/t%d</path>"
                             "</target></pool>",
                             round, f->dir, round) > 0);
        clock_gettime(CLOCK_REALTIME, &now);
        wait = (struct timespec) { .tv_sec = 0, .tv_nsec = 1000000000L - now.tv_nsec };
        while (nanosleep(&wait, &wait) < 0 && errno == EINTR)
            ;
        clock_gettime(CLOCK_REALTIME, &now);
        assert_sc_ok(p = scStoragePoolDefineXML(f->conn, xml, 0));
        read_trail(f->conn, after, &t);
        assert_int_equal(t.n, 1);
        if (t.e[0].time < (long long) now.tv_sec)
            fail_msg("round %d: the event's time %lld is before %lld, read before the define",
                     round, t.e[0].time, (long long) now.tv_sec);
        after = t.e[0].id;
        scStoragePoolFree(p);
        free(xml);
    }
    trail_clear(&t);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_history, setup, teardown),
        cmocka_unit_test_setup_teardown(test_who, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_actor, setup, teardown),
        cmocka_unit_test_setup_teardown(test_hostile_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_time_as_the_second_turns, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
