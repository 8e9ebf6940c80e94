/*
 * test_trust.c: the catalog protects what it knows (issue 9), through the
 * API, on real dir pools in a fresh temporary directory per test:
 *  - SC_STORAGE_VOL_CHECK_USERS: a base with overlays (in its pool and in
 *    another) is refused for delete, shrink, wipe and upload, naming
 *    them; without the flag each call behaves as libvirt's and goes on;
 *    an upload over an image that is not raw is refused with the flag;
 *  - forgetting: a missing volume deleted (its row goes, with an event; a
 *    file that came back is deleted), a pruning refresh;
 *  - identity across redefinition: a pool undefined and defined again
 *    with the same UUID gives its volumes their old UUIDs; the count is
 *    in the event and the history call; pruning it; transient pools keep
 *    none;
 *  - what an interrupted create leaves: listed with its operation and
 *    process under SC_STORAGE_POOL_LIST_VOLUMES_ALL, incomplete rows
 *    deleted.
 * The crashes themselves are test_crash.c's.
 */
#include <config.h>

#include <fcntl.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

typedef struct {
    char *dir;     /* the test's temporary directory */
    char *images;  /* the pool's directory */
    char *other;   /* a second pool's directory */
    char *catalog;
    char *xml;     /* the pool's definition */
    scConnectPtr conn;
    scStoragePoolPtr pool;
} Fixture;

static int
setup(void **state)
{
    Fixture *f = calloc(1, sizeof(*f));

    if (!f || !(f->dir = testTmpDirMake("trust")))
        return -1;
    f->images = testPath(f->dir, "images");
    f->other = testPath(f->dir, "other");
    f->catalog = testPath(f->dir, "catalog.db");
    if (!(f->conn = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE)))
        return -1;
    if (asprintf(&f->xml, "<pool type='dir'><name>images</name>"
                          "<uuid>5a9e7b0c-3f1d-4c2e-9b8a-0d6f4e2c1a77</uuid>"
                          "<target><path>%s</path></target></pool>", f->images) < 0)
        return -1;
    f->pool = scStoragePoolDefineXML(f->conn, f->xml, 0);
    if (!f->pool || scStoragePoolCreate(f->pool, SC_STORAGE_POOL_CREATE_WITH_BUILD) < 0) {
        fprintf(stderr, "# setup: %s\n", scGetLastErrorMessage());
        return -1;
    }
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;

    if (f->pool)
        scStoragePoolFree(f->pool);
    assert_int_equal(scConnectClose(f->conn), 0);
    testTmpDirRemove(f->dir);
    free(f->images);
    free(f->other);
    free(f->catalog);
    free(f->xml);
    free(f);
    return 0;
}

static void
sql_exec(Fixture *f, const char *sql)
{
    sqlite3 *db;

    assert_int_equal(sqlite3_open_v2(f->catalog, &db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, sql, NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
}

static bool
exists_in(const char *dir, const char *name)
{
    char *p = testPath(dir, name);
    bool r = access(p, F_OK) == 0;
    free(p);
    return r;
}

static off_t
size_in(const char *dir, const char *name)
{
    char *p = testPath(dir, name);
    struct stat st;
    off_t r = stat(p, &st) == 0 ? st.st_size : -1;
    free(p);
    return r;
}

static scStorageVolPtr
create(scStoragePoolPtr pool, const char *name, const char *format, const char *backing)
{
    char *xml;
    scStorageVolPtr vol;

    assert_true(asprintf(&xml, "<volume><name>%s</name><capacity>1048576</capacity>"
                               "<allocation>0</allocation><target><format type='%s'/></target>"
                               "%s%s%s</volume>", name, format,
                         backing ? "<backingStore><path>" : "", backing ? backing : "",
                         backing ? "</path><format type='raw'/></backingStore>" : "") > 0);
    vol = scStorageVolCreateXML(pool, xml, 0);
    free(xml);
    return vol;
}

static bool
have_qemu_img(void)
{
    return access(QEMU_IMG, X_OK) == 0;
}

/* The error's message has @text. */
static void
assert_message_has(const char *text)
{
    const char *msg = scGetLastErrorMessage();
    if (!strstr(msg, text))
        fail_msg("'%s' is not in the message '%s'", text, msg);
}

/* ---- SC_STORAGE_VOL_CHECK_USERS ---------------------------------------- */

static void
test_flag_value(void **state)
{
    (void) state;
    /* One bit, above every flag libvirt gives the calls that take it. */
    assert_int_equal(SC_STORAGE_VOL_CHECK_USERS, 1 << 30);
    assert_int_equal(SC_STORAGE_VOL_CHECK_USERS &
                         (SC_STORAGE_VOL_DELETE_ZEROED | SC_STORAGE_VOL_DELETE_WITH_SNAPSHOTS |
                          SC_STORAGE_VOL_RESIZE_ALLOCATE | SC_STORAGE_VOL_RESIZE_DELTA |
                          SC_STORAGE_VOL_RESIZE_SHRINK | SC_STORAGE_VOL_UPLOAD_SPARSE_STREAM),
                     0);
}

static void
test_base_with_overlays(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr base, vm1, vm2, vm3, plain, grown;
    scStoragePoolPtr other;
    char *xml, *base_path, *p;
    int fd;

    if (!have_qemu_img()) {
        skip();
        return;
    }
    assert_true(asprintf(&xml, "<pool type='dir'><name>other</name><target><path>%s</path>"
                               "</target></pool>", f->other) > 0);
    assert_sc_ok(other = scStoragePoolDefineXML(f->conn, xml, 0));
    free(xml);
    assert_sc_ok(scStoragePoolCreate(other, SC_STORAGE_POOL_CREATE_WITH_BUILD) == 0);

    assert_sc_ok(base = create(f->pool, "base.img", "raw", NULL));
    assert_sc_ok(base_path = scStorageVolGetPath(base));
    assert_sc_ok(vm1 = create(f->pool, "vm1.qcow2", "qcow2", base_path));
    assert_sc_ok(vm2 = create(f->pool, "vm2.qcow2", "qcow2", base_path));
    assert_sc_ok(vm3 = create(other, "vm3.qcow2", "qcow2", base_path));
    assert_sc_ok(plain = create(f->pool, "plain.img", "raw", NULL));

    /* Refused, naming the users by pool; nothing changes. */
    assert_sc_err(scStorageVolDelete(base, SC_STORAGE_VOL_CHECK_USERS) == 0,
                  SC_ERR_OPERATION_INVALID);
    assert_message_has("volume 'base.img' is used as backing file by vm1.qcow2, vm2.qcow2 "
                       "(pool images), vm3.qcow2 (pool other): it cannot be deleted");
    assert_sc_err(scStorageVolResize(base, 4096, SC_STORAGE_VOL_RESIZE_SHRINK |
                                                     SC_STORAGE_VOL_CHECK_USERS) == 0,
                  SC_ERR_OPERATION_INVALID);
    assert_message_has("it cannot be shrunk");
    assert_sc_err(scStorageVolWipe(base, SC_STORAGE_VOL_CHECK_USERS) == 0,
                  SC_ERR_OPERATION_INVALID);
    assert_message_has("it cannot be wiped");
    assert_sc_err(scStorageVolWipePattern(base, SC_STORAGE_VOL_WIPE_ALG_RANDOM,
                                          SC_STORAGE_VOL_CHECK_USERS) == 0,
                  SC_ERR_OPERATION_INVALID);
    fd = open("/dev/zero", O_RDONLY);
    assert_true(fd >= 0);
    assert_sc_err(scStorageVolUploadFD(base, fd, 0, 4096, SC_STORAGE_VOL_CHECK_USERS) == 0,
                  SC_ERR_OPERATION_INVALID);
    assert_message_has("it cannot be uploaded to");
    assert_true(exists_in(f->images, "base.img"));
    assert_int_equal(size_in(f->images, "base.img"), 1048576);
    /* Refused ones leave no journal and no event. */
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE op IS NOT NULL"
                                " OR state != 'present'"), 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE volume_name = 'base.img'"
                                " AND action != 'vol-create'"), 0);

    /* Growing a base is harmless: allowed with the flag. */
    assert_sc_ok(scStorageVolResize(base, 2 << 20, SC_STORAGE_VOL_CHECK_USERS) == 0);
    /* A volume nobody uses: the flag changes nothing. */
    assert_sc_ok(scStorageVolWipe(plain, SC_STORAGE_VOL_CHECK_USERS) == 0);
    assert_sc_ok(scStorageVolResize(plain, 4096, SC_STORAGE_VOL_RESIZE_SHRINK |
                                                     SC_STORAGE_VOL_CHECK_USERS) == 0);
    assert_sc_ok(scStorageVolUploadFD(plain, fd, 0, 4096, SC_STORAGE_VOL_CHECK_USERS) == 0);
    /* An overlay is no raw volume: no upload over it with the flag. */
    assert_sc_err(scStorageVolUploadFD(vm1, fd, 0, 4096, SC_STORAGE_VOL_CHECK_USERS) == 0,
                  SC_ERR_OPERATION_INVALID);
    assert_message_has("volume 'vm1.qcow2' is a qcow2 image, not raw");
    /* A user in state missing is no user; one deleted neither. */
    p = testPath(f->other, "vm3.qcow2");
    assert_int_equal(unlink(p), 0);
    free(p);
    assert_sc_ok(scStoragePoolRefresh(other, 0) == 0);
    assert_sc_err(scStorageVolDelete(base, SC_STORAGE_VOL_CHECK_USERS) == 0,
                  SC_ERR_OPERATION_INVALID);
    assert_message_has("by vm1.qcow2, vm2.qcow2 (pool images): it cannot be deleted");

    /* Without the flag, as libvirt: it is done. */
    assert_sc_ok(scStorageVolResize(base, 1 << 20, SC_STORAGE_VOL_RESIZE_SHRINK) == 0);
    assert_int_equal(size_in(f->images, "base.img"), 1 << 20);
    assert_sc_ok(scStorageVolWipe(base, 0) == 0);
    assert_sc_ok(scStorageVolUploadFD(base, fd, 0, 4096, 0) == 0);
    assert_sc_ok(scStorageVolDelete(base, 0) == 0);
    assert_false(exists_in(f->images, "base.img"));
    close(fd);

    /* Unknown bits are still refused. */
    assert_sc_ok(grown = create(f->pool, "g.img", "raw", NULL));
    assert_sc_err(scStorageVolDelete(grown, 1u << 29) == 0, SC_ERR_INVALID_ARG);
    scStorageVolFree(grown);
    free(base_path);
    scStorageVolFree(base);
    scStorageVolFree(vm1);
    scStorageVolFree(vm2);
    scStorageVolFree(vm3);
    scStorageVolFree(plain);
    scStoragePoolFree(other);
}

/* ---- forgetting ---------------------------------------------------------- */

static void
test_forget_missing(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr a, b, c, d;
    char *p;

    assert_sc_ok(a = create(f->pool, "a.img", "raw", NULL));
    assert_sc_ok(b = create(f->pool, "b.img", "raw", NULL));
    assert_sc_ok(c = create(f->pool, "c.img", "raw", NULL));
    assert_sc_ok(d = create(f->pool, "d.img", "raw", NULL));
    for (const char *const *n = (const char *const[]) { "a.img", "b.img", "c.img", NULL }; *n;
         n++) {
        p = testPath(f->images, *n);
        assert_int_equal(unlink(p), 0);
        free(p);
    }
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(scStorageVolGetState(a), SC_STORAGE_VOL_STATE_MISSING);

    /* Missing: the other calls say how to forget it, not "refresh". */
    assert_sc_err(scStorageVolWipe(a, 0) == 0, SC_ERR_OPERATION_INVALID);
    assert_message_has("delete it to forget it");
    /* A delete forgets it: its row goes, with an event. */
    assert_sc_ok(scStorageVolDelete(a, SC_STORAGE_VOL_CHECK_USERS) == 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE name = 'a.img'"), 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-forget'"
                                " AND volume_name = 'a.img'"), 1);
    assert_sc_err(scStorageVolGetState(a) >= 0, SC_ERR_NO_STORAGE_VOL);

    /* Missing, but its file is back: the delete deletes it. */
    p = testPath(f->images, "b.img");
    assert_int_equal(close(open(p, O_WRONLY | O_CREAT, 0600)), 0);
    free(p);
    assert_sc_ok(scStorageVolDelete(b, 0) == 0);
    assert_false(exists_in(f->images, "b.img"));
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE name = 'b.img'"), 0);

    /* A pruning refresh forgets every missing one, and only those. */
    p = testPath(f->images, "d.img");
    assert_int_equal(unlink(p), 0);
    free(p);
    assert_sc_ok(scStoragePoolRefresh(f->pool, SC_STORAGE_POOL_REFRESH_PRUNE) == 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes"), 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-forget'"), 3);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action IN"
                                " ('pool-refresh', 'pool-start-refresh')"
                                " AND detail LIKE '%, 2 forgotten'"), 1);
    /* ... also when nothing else changed (the pool's change token). */
    scStorageVolFree(b);
    assert_sc_ok(b = create(f->pool, "e.img", "raw", NULL));
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    p = testPath(f->images, "e.img");
    assert_int_equal(unlink(p), 0);
    free(p);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE state = 'missing'"), 1);
    assert_sc_ok(scStoragePoolRefresh(f->pool, SC_STORAGE_POOL_REFRESH_PRUNE) == 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes"), 0);

    /* An inactive pool's missing volume is forgotten too. */
    scStorageVolFree(c);
    assert_sc_ok(c = create(f->pool, "f.img", "raw", NULL));
    p = testPath(f->images, "f.img");
    assert_int_equal(unlink(p), 0);
    free(p);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    assert_sc_ok(scStorageVolDelete(c, 0) == 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes"), 0);
    scStorageVolFree(a);
    scStorageVolFree(b);
    scStorageVolFree(c);
    scStorageVolFree(d);
}

/* ---- identity across redefinition --------------------------------------- */

static void
uuid_of(scStoragePoolPtr pool, const char *name, char *buf)
{
    scStorageVolPtr vol = scStorageVolLookupByName(pool, name);
    assert_sc_ok(vol);
    assert_int_equal(scStorageVolGetUUIDString(vol, buf), 0);
    scStorageVolFree(vol);
}

static void
test_redefine_keeps_uuids(void **state)
{
    Fixture *f = *state;
    char a[SC_UUID_STRING_BUFLEN], b[SC_UUID_STRING_BUFLEN], now[SC_UUID_STRING_BUFLEN];
    char puuid[SC_UUID_STRING_BUFLEN];
    scStorageVolPtr vol;
    char *p;

    assert_sc_ok(vol = create(f->pool, "a.img", "raw", NULL));
    scStorageVolFree(vol);
    assert_sc_ok(vol = create(f->pool, "b.img", "raw", NULL));
    scStorageVolFree(vol);
    assert_sc_ok(vol = create(f->pool, "gone.img", "raw", NULL));
    scStorageVolFree(vol);
    uuid_of(f->pool, "a.img", a);
    uuid_of(f->pool, "b.img", b);
    assert_int_equal(scStoragePoolGetUUIDString(f->pool, puuid), 0);
    p = testPath(f->images, "gone.img");
    assert_int_equal(unlink(p), 0);
    free(p);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);

    assert_int_equal(scConnectNumOfStorageVolHistory(f->conn, NULL), 0);
    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    assert_sc_ok(scStoragePoolUndefine(f->pool) == 0);
    scStoragePoolFree(f->pool);
    f->pool = NULL;
    /* Present and missing volumes: three identities, said in the event. */
    assert_int_equal(scConnectNumOfStorageVolHistory(f->conn, puuid), 3);
    assert_int_equal(scConnectNumOfStorageVolHistory(f->conn, NULL), 3);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'pool-undefine'"
                                " AND detail = '3 volume identities kept'"), 1);
    /* Never seen by lookups. */
    assert_sc_err(scStorageVolLookupByUUIDString(f->conn, a), SC_ERR_NO_STORAGE_VOL);
    assert_int_equal(scConnectNumOfStorageVolHistory(f->conn, "nonsense"), -1);

    /* The same XML again: the same UUIDs. */
    assert_sc_ok(f->pool = scStoragePoolDefineXML(f->conn, f->xml, 0));
    assert_sc_ok(scStoragePoolCreate(f->pool, 0) == 0);
    uuid_of(f->pool, "a.img", now);
    assert_string_equal(now, a);
    uuid_of(f->pool, "b.img", now);
    assert_string_equal(now, b);
    assert_sc_ok(vol = scStorageVolLookupByUUIDString(f->conn, a));
    scStorageVolFree(vol);
    /* Given back: gone from the history, but the missing one's. */
    assert_int_equal(scConnectNumOfStorageVolHistory(f->conn, puuid), 1);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action IN"
                                " ('pool-refresh', 'pool-start-refresh')"
                                " AND detail LIKE '%, 2 with their old UUID'"), 1);

    /* Pruned: a pool defined again gets new UUIDs. */
    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    assert_sc_ok(scStoragePoolUndefine(f->pool) == 0);
    scStoragePoolFree(f->pool);
    f->pool = NULL;
    assert_int_equal(scConnectNumOfStorageVolHistory(f->conn, puuid), 3);
    assert_int_equal(scConnectPruneStorageVolHistory(f->conn, puuid, 0), 3);
    assert_int_equal(scConnectNumOfStorageVolHistory(f->conn, NULL), 0);
    assert_sc_ok(f->pool = scStoragePoolDefineXML(f->conn, f->xml, 0));
    assert_sc_ok(scStoragePoolCreate(f->pool, 0) == 0);
    uuid_of(f->pool, "a.img", now);
    assert_string_not_equal(now, a);

    /* Undefined and defined again once more: the same UUIDs again. */
    uuid_of(f->pool, "b.img", b);
    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    assert_sc_ok(scStoragePoolUndefine(f->pool) == 0);
    scStoragePoolFree(f->pool);
    assert_sc_ok(f->pool = scStoragePoolDefineXML(f->conn, f->xml, 0));
    assert_sc_ok(scStoragePoolCreate(f->pool, 0) == 0);
    uuid_of(f->pool, "b.img", now);
    assert_string_equal(now, b);
    assert_int_equal(scConnectPruneStorageVolHistory(f->conn, NULL, 0), 0);
}

static void
test_transient_keeps_none(void **state)
{
    Fixture *f = *state;
    scStoragePoolPtr t;
    scStorageVolPtr vol;
    char *xml;

    assert_true(asprintf(&xml, "<pool type='dir'><name>t</name><target><path>%s</path></target>"
                               "</pool>", f->other) > 0);
    assert_int_equal(mkdir(f->other, 0755), 0);
    assert_sc_ok(t = scStoragePoolCreateXML(f->conn, xml, 0));
    free(xml);
    assert_sc_ok(vol = create(t, "x.img", "raw", NULL));
    scStorageVolFree(vol);
    assert_sc_ok(scStoragePoolDestroy(t) == 0);
    scStoragePoolFree(t);
    assert_int_equal(scConnectNumOfStorageVolHistory(f->conn, NULL), 0);
}

/* ---- what an interrupted create leaves ------------------------------------ */

static void
test_list_all_states(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr *vols = NULL, vol;
    char *op;
    long long pid;
    int n;
    char *sql;

    assert_sc_ok(vol = create(f->pool, "a.img", "raw", NULL));
    scStorageVolFree(vol);
    /* A create in flight, as its journal shows it. */
    assert_true(asprintf(&sql, "INSERT INTO volumes (pool_id, uuid, name, key, path, type,"
                               " state, first_seen, last_seen, op_pid)"
                               " SELECT id, '8d9e7b0c-3f1d-4c2e-9b8a-0d6f4e2c1a77', 'new.img',"
                               " 'k', 'p', 'file', 'creating', 0, 0, %d FROM pools",
                         (int) getpid()) > 0);
    sql_exec(f, sql);
    free(sql);
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 1);
    assert_int_equal(scStoragePoolListAllVolumes(f->pool, NULL,
                                                 SC_STORAGE_POOL_LIST_VOLUMES_MISSING), 1);
    assert_int_equal(n = scStoragePoolListAllVolumes(f->pool, &vols,
                                                     SC_STORAGE_POOL_LIST_VOLUMES_ALL), 2);
    assert_string_equal(scStorageVolGetName(vols[1]), "new.img");
    assert_int_equal(scStorageVolGetState(vols[1]), SC_STORAGE_VOL_STATE_CREATING);
    assert_int_equal(scStorageVolGetOperation(vols[1], &op, &pid), 1);
    assert_string_equal(op, "creating");
    assert_int_equal(pid, getpid());
    free(op);
    assert_int_equal(scStorageVolGetOperation(vols[0], &op, &pid), 0);
    assert_null(op);
    assert_int_equal(pid, 0);
    /* Not found by a lookup while it is being created. */
    assert_sc_err(scStorageVolLookupByName(f->pool, "new.img"), SC_ERR_NO_STORAGE_VOL);
    for (int i = 0; i < n; i++)
        scStorageVolFree(vols[i]);
    free(vols);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flag_value),
        cmocka_unit_test_setup_teardown(test_base_with_overlays, setup, teardown),
        cmocka_unit_test_setup_teardown(test_forget_missing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_redefine_keeps_uuids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transient_keeps_none, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_all_states, setup, teardown),
    };

    return cmocka_run_group_tests_name("trust", tests, NULL, NULL);
}
