/*
 * test_stopped.c: what the volumes of a stopped pool answer. As libvirt's
 * storage driver: a lookup by name in an inactive pool is an
 * OPERATION_INVALID error, lookups by key and path skip inactive pools,
 * and the getters libvirt has refuse a volume whose pool is not active;
 * storcat's own calls (lookups by UUID, the state) keep the catalog's
 * view. Also: the connection's cache of inactive pools sees another
 * process stop and start the pool, a read-only connection answers the
 * same, and a lookup by path never probes a stopped pool's directory.
 */
#include <config.h>

#include <fcntl.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

typedef struct {
    char *dir;    /* the test's temporary directory */
    char *images; /* the pool's directory */
    char *catalog;
    scConnectPtr conn;
    scStoragePoolPtr pool;
    scStorageVolPtr vol; /* b.img, looked up while the pool ran */
    char *path;          /* its path */
    char *key;           /* its key */
} Fixture;

static int
setup(void **state)
{
    Fixture *f = calloc(1, sizeof(*f));
    char *xml;

    if (!(f->dir = testTmpDirMake("stopped")))
        return -1;
    f->images = testPath(f->dir, "images");
    f->catalog = testPath(f->dir, "catalog.db");
    if (!(f->conn = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE)))
        return -1;
    if (asprintf(&xml,
                 "<pool type='dir'><name>images</name><target><path>%s</path></target>"
                 "</pool>",
                 f->images) < 0)
        return -1;
    f->pool = scStoragePoolDefineXML(f->conn, xml, 0);
    free(xml);
    if (!f->pool || scStoragePoolCreate(f->pool, SC_STORAGE_POOL_CREATE_WITH_BUILD) < 0 ||
        !(f->vol = scStorageVolCreateXML(f->pool,
                                         "<volume><name>b.img</name><capacity>1048576"
                                         "</capacity></volume>",
                                         0)) ||
        !(f->path = scStorageVolGetPath(f->vol)) ||
        !(f->key = strdup(scStorageVolGetKey(f->vol)))) {
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
    scStorageVolFree(f->vol);
    scStoragePoolFree(f->pool);
    assert_int_equal(scConnectClose(f->conn), 0);
    testTmpDirRemove(f->dir);
    free(f->images);
    free(f->catalog);
    free(f->path);
    free(f->key);
    free(f);
    return 0;
}

/* The last error is libvirt's for a stopped pool's volume. */
static void
assert_not_active_message(void)
{
    const scError *e = scGetLastError();
    assert_non_null(e);
    assert_int_equal(e->domain, SC_FROM_STORAGE);
    assert_string_equal(e->message,
                        "Requested operation is not valid: storage pool 'images' is not active");
}

/* The lookups libvirt has by key and by path, on @conn, while pool
 * "images" is stopped: no volume. */
static void
assert_key_path_refused(Fixture *f, scConnectPtr conn)
{
    char *spelled = testPath(f->images, "./b.img");

    assert_sc_err(scStorageVolLookupByKey(conn, f->key), SC_ERR_NO_STORAGE_VOL);
    assert_sc_err(scStorageVolLookupByPath(conn, f->path), SC_ERR_NO_STORAGE_VOL);
    assert_sc_err(scStorageVolLookupByPath(conn, spelled), SC_ERR_NO_STORAGE_VOL);
    free(spelled);
}

/* The lookup by name, on @conn, while pool "images" is stopped. */
static void
assert_name_refused(scConnectPtr conn)
{
    scStoragePoolPtr pool;

    assert_sc_ok(pool = scStoragePoolLookupByName(conn, "images"));
    assert_sc_err(scStorageVolLookupByName(pool, "b.img"), SC_ERR_OPERATION_INVALID);
    assert_not_active_message();
    /* libvirt checks the pool before it looks for the name. */
    assert_sc_err(scStorageVolLookupByName(pool, "none.img"), SC_ERR_OPERATION_INVALID);
    scStoragePoolFree(pool);
}

static void
assert_lookups_refused(Fixture *f, scConnectPtr conn)
{
    assert_name_refused(conn);
    assert_key_path_refused(f, conn);
}

/* The getters libvirt has, on handle @vol of a stopped pool's volume. */
static void
assert_getters_refused(scStorageVolPtr vol)
{
    scStorageVolInfo info;

    assert_sc_err(scStorageVolGetInfo(vol, &info) == 0, SC_ERR_OPERATION_INVALID);
    assert_not_active_message();
    assert_sc_err(scStorageVolGetInfoFlags(vol, &info, SC_STORAGE_VOL_GET_PHYSICAL) == 0,
                  SC_ERR_OPERATION_INVALID);
    assert_sc_err(scStorageVolGetXMLDesc(vol, 0), SC_ERR_OPERATION_INVALID);
    assert_not_active_message();
    assert_sc_err(scStorageVolGetPath(vol), SC_ERR_OPERATION_INVALID);
    assert_not_active_message();
}

/* Every lookup finds b.img and every getter answers. */
static void
assert_found(Fixture *f, scConnectPtr conn)
{
    scStoragePoolPtr pool;
    scStorageVolPtr vol;
    scStorageVolInfo info;
    char *s;

    assert_sc_ok(pool = scStoragePoolLookupByName(conn, "images"));
    assert_sc_ok(vol = scStorageVolLookupByName(pool, "b.img"));
    scStorageVolFree(vol);
    assert_sc_ok(vol = scStorageVolLookupByKey(conn, f->key));
    scStorageVolFree(vol);
    assert_sc_ok(vol = scStorageVolLookupByPath(conn, f->path));
    assert_sc_ok(scStorageVolGetInfo(vol, &info) == 0);
    assert_int_equal(info.capacity, 1048576);
    assert_sc_ok(scStorageVolGetInfoFlags(vol, &info, SC_STORAGE_VOL_GET_PHYSICAL) == 0);
    assert_sc_ok(s = scStorageVolGetXMLDesc(vol, 0));
    free(s);
    assert_sc_ok(s = scStorageVolGetPath(vol));
    assert_string_equal(s, f->path);
    free(s);
    scStorageVolFree(vol);
    scStoragePoolFree(pool);
}

/* By name in a stopped pool: OPERATION_INVALID, even for a name it has
 * not got. */
static void
test_stopped_lookup_by_name(void **state)
{
    Fixture *f = *state;

    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    assert_name_refused(f->conn);
}

/* By key or path: the stopped pool's volume is skipped (NO_STORAGE_VOL). */
static void
test_stopped_lookup_by_key_path(void **state)
{
    Fixture *f = *state;

    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    assert_key_path_refused(f, f->conn);
}

/* A handle taken while the pool ran: libvirt's getters refuse it. */
static void
test_stopped_old_handle(void **state)
{
    Fixture *f = *state;

    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    assert_getters_refused(f->vol);
    /* What the handle holds, and storcat's own state, still answer. */
    assert_string_equal(scStorageVolGetName(f->vol), "b.img");
    assert_string_equal(scStorageVolGetKey(f->vol), f->key);
    assert_int_equal(scStorageVolGetState(f->vol), SC_STORAGE_VOL_STATE_PRESENT);
}

/* Started again, every lookup and getter answers (the old handle too). */
static void
test_stopped_started_again(void **state)
{
    Fixture *f = *state;

    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    assert_lookups_refused(f, f->conn);
    assert_getters_refused(f->vol);
    assert_sc_ok(scStoragePoolCreate(f->pool, 0) == 0);
    assert_found(f, f->conn);
    assert_sc_ok(scStorageVolGetInfo(f->vol, &(scStorageVolInfo){ 0 }) == 0);
}

/* The lookups by UUID are storcat's own: they keep the catalog's view
 * (the handle they give answers libvirt's getters as any other). */
static void
test_stopped_uuid_lookups(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr vol;
    unsigned char uuid[SC_UUID_BUFLEN];
    char uuidstr[SC_UUID_STRING_BUFLEN];

    assert_sc_ok(scStorageVolGetUUID(f->vol, uuid) == 0);
    assert_sc_ok(scStorageVolGetUUIDString(f->vol, uuidstr) == 0);
    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    assert_sc_ok(vol = scStorageVolLookupByUUID(f->conn, uuid));
    assert_string_equal(scStorageVolGetName(vol), "b.img");
    assert_int_equal(scStorageVolGetState(vol), SC_STORAGE_VOL_STATE_PRESENT);
    assert_getters_refused(vol);
    scStorageVolFree(vol);
    assert_sc_ok(vol = scStorageVolLookupByUUIDString(f->conn, uuidstr));
    assert_string_equal(scStorageVolGetName(vol), "b.img");
    scStorageVolFree(vol);
}

/* storcat's own: the getters' *_INACTIVE flags, and the getters libvirt
 * has not got, answer the catalog's last record of a stopped pool's
 * volume. */
static void
test_stopped_catalog_view(void **state)
{
    Fixture *f = *state;
    scStorageVolInfo info;
    scStorageVolPtr vol;
    long long pid;
    char *s, *t, *op;

    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    assert_sc_ok(scStorageVolGetInfoFlags(f->vol, &info, SC_STORAGE_VOL_GET_INACTIVE) == 0);
    assert_int_equal(info.capacity, 1048576);
    assert_sc_ok(
        scStorageVolGetInfoFlags(f->vol, &info,
                                 SC_STORAGE_VOL_GET_INACTIVE | SC_STORAGE_VOL_GET_PHYSICAL) == 0);
    assert_sc_ok(s = scStorageVolGetPathFlags(f->vol, SC_STORAGE_VOL_GET_INACTIVE));
    assert_string_equal(s, f->path);
    free(s);
    assert_sc_err(scStorageVolGetPathFlags(f->vol, 0), SC_ERR_OPERATION_INVALID);
    assert_sc_err(scStorageVolGetPathFlags(f->vol, SC_STORAGE_VOL_GET_PHYSICAL),
                  SC_ERR_INVALID_ARG);
    assert_sc_ok(s = scStorageVolGetXMLDesc(f->vol, SC_STORAGE_VOL_XML_INACTIVE));
    assert_non_null(strstr(s, "<name>b.img</name>"));
    free(s);
    assert_sc_ok(s = scStorageVolGetFormat(f->vol));
    assert_string_equal(s, "raw");
    free(s);
    assert_int_equal(scStorageVolGetBackingStore(f->vol, &s, &t), 0);
    assert_int_equal(scStorageVolGetOperation(f->vol, &op, &pid), 0);
    /* By path, with the lookup's own flag. */
    assert_sc_ok(
        vol = scStorageVolLookupByPathFlags(f->conn, f->path, SC_STORAGE_VOL_LOOKUP_INACTIVE));
    assert_string_equal(scStorageVolGetName(vol), "b.img");
    scStorageVolFree(vol);
    assert_sc_err(scStorageVolLookupByPathFlags(f->conn, f->path, 0), SC_ERR_NO_STORAGE_VOL);
    assert_sc_err(scStorageVolLookupByPathFlags(f->conn, f->path, SC_STORAGE_VOL_GET_PHYSICAL),
                  SC_ERR_INVALID_ARG);
}

/* A lookup by path that resolves to a stopped pool's volume, or that
 * misses in its directory, probes nothing and records nothing. */
static void
test_stopped_no_probe(void **state)
{
    Fixture *f = *state;
    char *fresh = testPath(f->images, "fresh.img");
    scStorageVolPtr vol;
    int fd;

    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    assert_int_equal(unlink(f->path), 0);
    assert_true((fd = open(fresh, O_CREAT | O_WRONLY, 0644)) >= 0);
    close(fd);
    assert_sc_err(scStorageVolLookupByPath(f->conn, f->path), SC_ERR_NO_STORAGE_VOL);
    assert_sc_err(scStorageVolLookupByPath(f->conn, fresh), SC_ERR_NO_STORAGE_VOL);
    /* The catalog's view finds the volume as recorded, its file unchecked. */
    assert_sc_ok(
        vol = scStorageVolLookupByPathFlags(f->conn, f->path, SC_STORAGE_VOL_LOOKUP_INACTIVE));
    assert_int_equal(scStorageVolGetState(vol), SC_STORAGE_VOL_STATE_PRESENT);
    scStorageVolFree(vol);
    assert_sc_err(scStorageVolLookupByPathFlags(f->conn, fresh, SC_STORAGE_VOL_LOOKUP_INACTIVE),
                  SC_ERR_NO_STORAGE_VOL);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes"), 1);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE state = 'present'"), 1);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'vol-discovered'"), 0);
    free(fresh);
}

/* Run @action ("stop" or "start") on pool "images" in another process. */
static void
other_process(Fixture *f, const char *action)
{
    pid_t pid = fork();
    int status;

    assert_true(pid >= 0);
    if (pid == 0) {
        scConnectPtr c = scConnectOpenAuth(f->catalog, NULL, 0);
        scStoragePoolPtr p = c ? scStoragePoolLookupByName(c, "images") : NULL;
        int r = -1;

        if (p && strcmp(action, "stop") == 0)
            r = scStoragePoolDestroy(p);
        else if (p)
            r = scStoragePoolCreate(p, 0);
        if (r < 0)
            fprintf(stderr, "# %s: %s\n", action, scGetLastErrorMessage());
        _exit(r < 0 ? 1 : 0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* Another process stops the pool between two lookups of this connection
 * (whose cache of inactive pools was read while it ran): the second
 * lookup sees it stopped; started again, found again. */
static void
test_stopped_by_another_process(void **state)
{
    Fixture *f = *state;
    scConnectPtr ro;

    assert_sc_ok(ro = scConnectOpenReadOnly(f->catalog));
    assert_found(f, f->conn);
    assert_found(f, ro);
    other_process(f, "stop");
    assert_lookups_refused(f, f->conn);
    assert_lookups_refused(f, ro);
    assert_getters_refused(f->vol);
    other_process(f, "start");
    assert_found(f, f->conn);
    assert_found(f, ro);
    assert_int_equal(scConnectClose(ro), 0);
}

/* A read-only connection's handle of a volume it saw on storage but did
 * not record answers as any other once its pool stopped. */
static void
test_stopped_readonly_seen(void **state)
{
    Fixture *f = *state;
    char *fresh = testPath(f->images, "fresh.img");
    scConnectPtr ro;
    scStorageVolPtr seen;
    int fd;

    assert_true((fd = open(fresh, O_CREAT | O_WRONLY, 0644)) >= 0);
    close(fd);
    assert_sc_ok(ro = scConnectOpenReadOnly(f->catalog));
    assert_sc_ok(seen = scStorageVolLookupByPath(ro, fresh));
    assert_sc_ok(scStorageVolGetInfo(seen, &(scStorageVolInfo){ 0 }) == 0);
    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    assert_getters_refused(seen);
    assert_sc_err(scStorageVolLookupByPath(ro, fresh), SC_ERR_NO_STORAGE_VOL);
    scStorageVolFree(seen);
    assert_int_equal(scConnectClose(ro), 0);
    free(fresh);
}

/* A transient pool's volumes are found while it runs; stopped, it and
 * they are gone. */
static void
test_stopped_transient(void **state)
{
    Fixture *f = *state;
    char *dir = testPath(f->dir, "transient"), *xml, *path;
    scStoragePoolPtr pool;
    scStorageVolPtr vol;

    assert_int_equal(mkdir(dir, 0755), 0);
    assert_true(asprintf(&xml,
                         "<pool type='dir'><name>t</name><target><path>%s</path>"
                         "</target></pool>",
                         dir) > 0);
    assert_sc_ok(pool = scStoragePoolCreateXML(f->conn, xml, 0));
    assert_sc_ok(vol = scStorageVolCreateXML(pool,
                                             "<volume><name>t.img</name><capacity>4096"
                                             "</capacity></volume>",
                                             0));
    assert_sc_ok(path = scStorageVolGetPath(vol));
    scStorageVolFree(vol);
    assert_sc_ok(vol = scStorageVolLookupByPath(f->conn, path));
    scStorageVolFree(vol);
    assert_sc_ok(vol = scStorageVolLookupByName(pool, "t.img"));
    assert_sc_ok(scStoragePoolDestroy(pool) == 0);
    assert_sc_err(scStorageVolLookupByPath(f->conn, path), SC_ERR_NO_STORAGE_VOL);
    assert_sc_err(scStorageVolGetPath(vol), SC_ERR_NO_STORAGE_VOL);
    scStorageVolFree(vol);
    scStoragePoolFree(pool);
    free(path);
    free(xml);
    free(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_stopped_lookup_by_name, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stopped_lookup_by_key_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stopped_old_handle, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stopped_started_again, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stopped_uuid_lookups, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stopped_catalog_view, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stopped_no_probe, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stopped_by_another_process, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stopped_readonly_seen, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stopped_transient, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
