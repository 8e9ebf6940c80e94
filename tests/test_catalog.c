/*
 * test_catalog.c: opening, creating, migrating and refusing catalogs; the
 * schema's CHECK lists against the C enums; read-only connections; the
 * active state belonging to one boot.
 */
#include <config.h>

#include <sqlite3.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "catalog/catalog.h"
#include "conf/pool_conf.h"
#include "conf/vol_conf.h"

extern int scCatalogFailCountdown;

typedef struct {
    char *dir;
    char *path;
} Fixture;

static int
setup(void **state)
{
    Fixture *f = calloc(1, sizeof(*f));
    f->dir = testTmpDirMake("catalog");
    if (!f->dir || asprintf(&f->path, "%s/catalog.db", f->dir) < 0)
        return -1;
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;
    testTmpDirRemove(f->dir);
    free(f->path);
    free(f);
    return 0;
}

/* Run one SQL statement on the file directly; returns SQLite's code. */
static int
raw_exec(const char *path, const char *sql)
{
    sqlite3 *db;
    int rc = sqlite3_open(path, &db);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, sql, NULL, NULL, NULL);
    sqlite3_close(db);
    return rc;
}

static void
test_create(void **state)
{
    Fixture *f = *state;
    struct stat st;
    scConnectPtr conn;
    mode_t old = umask(022);

    assert_sc_ok(conn = scConnectOpenAuth(f->path, NULL, SC_CONNECT_CREATE));
    umask(old);
    assert_null(scGetLastError());
    assert_string_equal(scConnectGetCatalogPath(conn), f->path);
    assert_int_equal(scConnectIsReadOnly(conn), 0);
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(scConnectClose(conn), 0);

    assert_int_equal(testSqlInt(f->path, "PRAGMA user_version"), scCatalogSchemaVersion());
    assert_int_equal(testSqlInt(f->path, "PRAGMA application_id"), SC_CATALOG_APPLICATION_ID);
    assert_int_equal(testSqlInt(f->path, "SELECT journal_mode = 'wal' FROM pragma_journal_mode"), 1);
    /* Reopening a current catalog changes nothing. */
    assert_sc_ok(conn = scConnectOpenAuth(f->path, NULL, SC_CONNECT_CREATE));
    assert_int_equal(scConnectClose(conn), 0);
    assert_int_equal(testSqlInt(f->path, "PRAGMA user_version"), scCatalogSchemaVersion());
}

static void
test_relative_and_default_path(void **state)
{
    Fixture *f = *state;
    char cwd[4096];
    scConnectPtr conn;

    assert_non_null(getcwd(cwd, sizeof(cwd)));
    assert_int_equal(chdir(f->dir), 0);
    assert_sc_ok(conn = scConnectOpenAuth("rel.db", NULL, SC_CONNECT_CREATE));
    assert_int_equal(chdir(cwd), 0);
    assert_non_null(strstr(scConnectGetCatalogPath(conn), "/rel.db"));
    assert_true(scConnectGetCatalogPath(conn)[0] == '/');
    scConnectClose(conn);

    /* NULL means $STORCAT_CATALOG. */
    setenv("STORCAT_CATALOG", f->path, 1);
    assert_sc_ok(conn = scConnectOpenAuth(NULL, NULL, SC_CONNECT_CREATE));
    assert_string_equal(scConnectGetCatalogPath(conn), f->path);
    scConnectClose(conn);
    unsetenv("STORCAT_CATALOG");

    assert_sc_err(scConnectOpenAuth(f->path, NULL, 0x100), SC_ERR_INVALID_ARG);
}

/* Connection names as libvirt's: NULL or "" the default, a path, a
 * storcat:/// URI; only the default or SC_CONNECT_CREATE make a catalog. */
static void
test_connection_names(void **state)
{
    Fixture *f = *state;
    char *missing, *spaced, *uri, *got;
    scConnectPtr conn;
    struct stat st;

    assert_true(asprintf(&missing, "%s/typo.db", f->dir) > 0);
    assert_true(asprintf(&spaced, "%s/with space%%.db", f->dir) > 0);

    /* A name that does not exist: an error naming it, and no file. */
    assert_sc_err(scConnectOpen(missing), SC_ERR_SYSTEM_ERROR);
    assert_non_null(strstr(scGetLastErrorMessage(), missing));
    assert_non_null(strstr(scGetLastErrorMessage(), "does not exist"));
    assert_sc_err(scConnectOpenReadOnly(missing), SC_ERR_SYSTEM_ERROR);
    assert_sc_err(scConnectOpenAuth(missing, NULL, SC_CONNECT_RO | SC_CONNECT_CREATE),
                  SC_ERR_INVALID_ARG);
    assert_int_equal(stat(missing, &st), -1);

    /* The default catalog is made by a read-write connection ("" is NULL),
     * never by a read-only one. */
    setenv("STORCAT_CATALOG", missing, 1);
    assert_sc_err(scConnectOpenReadOnly(NULL), SC_ERR_SYSTEM_ERROR);
    assert_int_equal(stat(missing, &st), -1);
    assert_sc_ok(conn = scConnectOpen(""));
    assert_string_equal(scConnectGetCatalogPath(conn), missing);
    assert_int_equal(stat(missing, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    scConnectClose(conn);
    assert_sc_ok(conn = scConnectOpenReadOnly(NULL));
    assert_int_equal(scConnectIsReadOnly(conn), 1);
    scConnectClose(conn);
    unsetenv("STORCAT_CATALOG");

    /* A URI, escapes decoded; its URI back, escaped again. */
    assert_sc_ok(conn = scConnectOpenAuth(spaced, NULL, SC_CONNECT_CREATE | SC_CONNECT_NO_ALIASES));
    assert_sc_ok(uri = scConnectGetURI(conn));
    assert_true(strncmp(uri, "storcat:///", 11) == 0);
    assert_non_null(strstr(uri, "/with%20space%25.db"));
    scConnectClose(conn);
    assert_sc_ok(conn = scConnectOpen(uri));
    assert_string_equal(scConnectGetCatalogPath(conn), spaced);
    assert_sc_ok(got = scConnectGetURI(conn));
    assert_string_equal(got, uri);
    free(got);
    scConnectClose(conn);
    setenv("STORCAT_CATALOG", uri, 1);
    assert_sc_ok(conn = scConnectOpenReadOnly(NULL));
    assert_string_equal(scConnectGetCatalogPath(conn), spaced);
    scConnectClose(conn);
    unsetenv("STORCAT_CATALOG");
    free(uri);

    /* Bad URIs, each a clear error that makes nothing. */
    static const struct {
        const char *name;
        int code;
        const char *says;
    } bad[] = {
        { "qemu:///system", SC_ERR_NO_CONNECT, "no connection driver available for qemu:///system" },
        { "storcat://host/tmp/x.db", SC_ERR_INVALID_ARG, "names a host or a relative path" },
        { "storcat:relative.db", SC_ERR_INVALID_ARG, "names a host or a relative path" },
        { "storcat://relative.db", SC_ERR_INVALID_ARG, "names a host or a relative path" },
        { "storcat:///tmp/x.db?mode=ro", SC_ERR_INVALID_ARG, "query or a fragment" },
        { "storcat:///tmp/x%zz.db", SC_ERR_INVALID_ARG, "malformed escape '%zz'" },
        { "storcat:///tmp/x%00.db", SC_ERR_INVALID_ARG, "malformed escape" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_null(scConnectOpenAuth(bad[i].name, NULL, SC_CONNECT_CREATE));
        if (scGetLastErrorCode() != bad[i].code || !strstr(scGetLastErrorMessage(), bad[i].says))
            fail_msg("'%s': %d %s", bad[i].name, scGetLastErrorCode(), scGetLastErrorMessage());
        assert_int_equal(scGetLastErrorDomain(), SC_FROM_URI);
    }
    assert_int_equal(access("/tmp/x.db", F_OK), -1);
    free(missing);
    free(spaced);
}

static int
count_close(scConnectPtr conn, int reason, void *opaque)
{
    (void) conn;
    (void) reason;
    (void) opaque;
    return 0;
}

static void
on_close(scConnectPtr conn, int reason, void *opaque)
{
    count_close(conn, reason, opaque);
}

static void
other_close(scConnectPtr conn, int reason, void *opaque)
{
    count_close(conn, reason, opaque);
}

static void
count_free(void *opaque)
{
    (*(int *) opaque)++;
}

/* The rest of a connection's calls, as libvirt's. */
static void
test_connection_calls(void **state)
{
    Fixture *f = *state;
    unsigned long lib = 0, hv = 0, type = 0;
    scConnectPtr conn;
    char *caps, *host;
    char name[256];
    int freed = 0;

    assert_sc_ok(conn = scConnectOpenAuth(f->path, scConnectAuthPtrDefault, SC_CONNECT_CREATE));
    assert_int_equal(scInitialize(), 0);
    assert_int_equal(scGetVersion(&lib, "storcat", &type), 0);
    assert_int_equal(lib, SC_VERSION_NUMBER);
    assert_int_equal(type, SC_VERSION_NUMBER);
    lib = 0;
    assert_int_equal(scConnectGetLibVersion(conn, &lib), 0);
    assert_int_equal(scConnectGetVersion(conn, &hv), 0);
    assert_int_equal(lib, SC_VERSION_NUMBER);
    assert_int_equal(hv, SC_VERSION_NUMBER);
    assert_sc_err(scConnectGetLibVersion(conn, NULL) == 0, SC_ERR_INVALID_ARG);
    assert_int_equal(scConnectIsAlive(conn), 1);
    assert_int_equal(scConnectIsSecure(conn), 1);
    assert_int_equal(scConnectIsEncrypted(conn), 0);
    assert_int_equal(scConnectIsAlive(NULL), -1);
    assert_int_equal(scGetLastErrorCode(), SC_ERR_INVALID_CONN);

    /* The driver's name, the host's, keepalive: as libvirt's calls. */
    assert_string_equal(scConnectGetType(conn), "storcat");
    assert_null(scGetLastError());
    assert_sc_ok(host = scConnectGetHostname(conn));
    assert_int_equal(gethostname(name, sizeof(name)), 0);
    name[sizeof(name) - 1] = '\0';
    if (strchr(name, '.') || strncmp(name, "localhost", 9) == 0)
        assert_string_equal(host, name); /* as it is: no look-up */
    else
        assert_true(host[0] != '\0');
    free(host);
    assert_int_equal(scConnectSetKeepAlive(conn, 5, 3), 1);
    assert_null(scGetLastError());
    assert_int_equal(scConnectSetKeepAlive(conn, 0, 0), 1);
    assert_null(scConnectGetType(NULL));
    assert_int_equal(scGetLastErrorCode(), SC_ERR_INVALID_CONN);
    assert_null(scConnectGetHostname(NULL));
    assert_int_equal(scGetLastErrorCode(), SC_ERR_INVALID_CONN);
    assert_int_equal(scConnectSetKeepAlive(NULL, 5, 3), -1);
    assert_int_equal(scGetLastErrorCode(), SC_ERR_INVALID_CONN);

    /* One close callback; its data freed when it goes. */
    assert_int_equal(scConnectRegisterCloseCallback(conn, on_close, &freed, count_free), 0);
    assert_sc_err(scConnectRegisterCloseCallback(conn, other_close, NULL, NULL) == 0,
                  SC_ERR_OPERATION_INVALID);
    assert_sc_err(scConnectUnregisterCloseCallback(conn, other_close) == 0,
                  SC_ERR_OPERATION_INVALID);
    assert_int_equal(freed, 0);
    assert_int_equal(scConnectUnregisterCloseCallback(conn, on_close), 0);
    assert_int_equal(freed, 1);
    assert_sc_err(scConnectUnregisterCloseCallback(conn, on_close) == 0,
                  SC_ERR_OPERATION_INVALID);
    assert_int_equal(scConnectRegisterCloseCallback(conn, on_close, &freed, count_free), 0);

    /* The capability documents. */
    assert_sc_ok(caps = scConnectGetStoragePoolCapabilities(conn, 0));
    const char *head = "<storagepoolCapabilities>\n  <pool type='dir' supported='yes'>\n";
    assert_true(strncmp(caps, head, strlen(head)) == 0);
    assert_non_null(strstr(caps, "<pool type='sheepdog' supported='no'>"));
    assert_non_null(strstr(caps, "<enum name='sourceFormatType'>\n        <value>auto</value>"));
    free(caps);
    assert_sc_err(scConnectGetStoragePoolCapabilities(conn, 1), SC_ERR_INVALID_ARG);
    assert_sc_ok(caps = scConnectGetCapabilities(conn));
    assert_non_null(strstr(caps, "<driver name='storcat' version='" PACKAGE_VERSION "'/>"));
    assert_non_null(strstr(caps, "<pool type='dir'/>"));
    assert_null(strstr(caps, "<pool type='sheepdog'/>"));
    free(caps);

    /* Freeing the connection frees the callback's data. */
    scConnectClose(conn);
    assert_int_equal(freed, 2);
}

static void
test_empty_file_refused(void **state)
{
    Fixture *f = *state;
    FILE *fp = fopen(f->path, "w");
    struct stat st;

    /* A zero-length file is no catalog: never silently made a new one. */
    assert_non_null(fp);
    fclose(fp);
    assert_sc_err(scConnectOpenAuth(f->path, NULL, SC_CONNECT_CREATE), SC_ERR_CATALOG);
    assert_non_null(strstr(scGetLastErrorMessage(), "is empty"));
    assert_sc_err(scConnectOpenReadOnly(f->path), SC_ERR_CATALOG);
    assert_int_equal(stat(f->path, &st), 0);
    assert_int_equal(st.st_size, 0);
}

static bool
exists(const char *path, const char *suffix)
{
    char *p;
    bool r;
    assert_true(asprintf(&p, "%s%s", path, suffix) > 0);
    r = access(p, F_OK) == 0;
    free(p);
    return r;
}

/* A read-only connection leaves no -wal or -shm behind where there were
 * none; with a read-write one open meanwhile, it leaves them to it. */
static void
test_readonly_leaves_no_files(void **state)
{
    Fixture *f = *state;
    scConnectPtr rw, ro;

    assert_sc_ok(rw = scConnectOpenAuth(f->path, NULL, SC_CONNECT_CREATE));
    assert_int_equal(scConnectClose(rw), 0);
    assert_false(exists(f->path, "-wal"));
    assert_sc_ok(ro = scConnectOpenReadOnly(f->path));
    assert_sc_ok(scConnectNumOfStoragePools(ro) >= 0);
    assert_int_equal(scConnectClose(ro), 0);
    assert_false(exists(f->path, "-wal"));
    assert_false(exists(f->path, "-shm"));
    assert_sc_ok(rw = scConnectOpenAuth(f->path, NULL, SC_CONNECT_CREATE));
    assert_sc_ok(ro = scConnectOpenReadOnly(f->path));
    assert_sc_ok(scConnectNumOfStoragePools(ro) >= 0);
    assert_int_equal(scConnectClose(ro), 0);
    assert_true(exists(f->path, "-wal")); /* rw's, still open */
    assert_int_equal(scConnectClose(rw), 0);
}

/* A catalog on a read-only file system (a read-only bind mount, as root)
 * is read, with or without SC_CONNECT_RO; a write says why it cannot. */
static void
test_readonly_filesystem(void **state)
{
    Fixture *f = *state;
    char *ro_dir, *ro_path, *cmd;
    scConnectPtr conn;

    if (geteuid() != 0) {
        print_message("# not root: cannot make a read-only bind mount\n");
        skip();
    }
    assert_sc_ok(conn = scConnectOpenAuth(f->path, NULL, SC_CONNECT_CREATE));
    scStoragePoolPtr pool = scStoragePoolDefineXML(conn, "<pool type='dir'><name>p</name>"
                                                         "<target><path>/srv/p</path></target>"
                                                         "</pool>", 0);
    assert_sc_ok(pool);
    scStoragePoolFree(pool);
    assert_int_equal(scConnectClose(conn), 0);
    assert_true(asprintf(&ro_dir, "%s/ro", f->dir) > 0);
    assert_true(asprintf(&ro_path, "%s/catalog.db", ro_dir) > 0);
    assert_int_equal(mkdir(ro_dir, 0700), 0);
    assert_true(asprintf(&cmd, "mount --bind '%s' '%s' && mount -o remount,bind,ro '%s'", f->dir,
                         ro_dir, ro_dir) > 0);
    if (system(cmd) != 0) {
        free(cmd);
        print_message("# cannot make a read-only bind mount here\n");
        free(ro_dir);
        free(ro_path);
        skip();
    }
    free(cmd);
    /* Tried first, asserted after the umount: a failure leaves no mount. */
    int pools[2] = { -2, -2 }, ro[2] = { -2, -2 }, denied[2] = { 0, 0 };
    char why[2][512] = { "", "" };
    for (int i = 0; i < 2; i++) {
        if (!(conn = scConnectOpenAuth(ro_path, NULL, i ? SC_CONNECT_RO : 0))) {
            snprintf(why[i], sizeof(why[i]), "%s", scGetLastErrorMessage());
            continue;
        }
        pools[i] = scConnectNumOfDefinedStoragePools(conn);
        ro[i] = scConnectIsReadOnly(conn);
        if (!scStoragePoolDefineXML(conn, "<pool type='dir'><name>q</name><target>"
                                          "<path>/srv/q</path></target></pool>", 0)) {
            denied[i] = scGetLastError()->code == SC_ERR_OPERATION_DENIED;
            snprintf(why[i], sizeof(why[i]), "%s", scGetLastErrorMessage());
        }
        scConnectClose(conn);
    }
    assert_true(asprintf(&cmd, "umount '%s'", ro_dir) > 0);
    assert_int_equal(system(cmd), 0);
    free(cmd);
    for (int i = 0; i < 2; i++) {
        if (pools[i] != 1)
            fail_msg("open %d: %s", i, why[i]);
        assert_int_equal(ro[i], 1);
        assert_true(denied[i]);
    }
    assert_non_null(strstr(why[0], "read-only file system"));
    free(ro_dir);
    free(ro_path);
}

/* Another user's catalog (root's, 0600): the message says whose it is and
 * its mode, not "cannot create". */
static void
test_other_users_catalog(void **state)
{
    Fixture *f = *state;
    scConnectPtr conn;
    int status;
    pid_t pid;

    if (geteuid() != 0) {
        print_message("# not root: no other user's catalog to try\n");
        skip();
    }
    assert_sc_ok(conn = scConnectOpenAuth(f->path, NULL, SC_CONNECT_CREATE));
    assert_int_equal(scConnectClose(conn), 0);
    assert_int_equal(chmod(f->dir, 0755), 0);
    if ((pid = fork()) == 0) {
        const char *msg;
        if (setgid(65534) < 0 || setuid(65534) < 0)
            _exit(2);
        if (scConnectOpenAuth(f->path, NULL, SC_CONNECT_CREATE) || scConnectOpenReadOnly(f->path))
            _exit(3);
        msg = scGetLastErrorMessage();
        _exit(strstr(msg, "belongs to uid 0, mode 0600") && !strstr(msg, "cannot create") ? 0
                                                                                           : 4);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(chmod(f->dir, 0700), 0);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
}

/* A catalog of schema version 1 (as storcat 0.1's first commit made it),
 * with a pool in it, is migrated to the current version; the pool stays. */
static void
test_migrate_from_v1(void **state)
{
    Fixture *f = *state;
    scConnectPtr conn;
    scStoragePoolPtr pool;
    char *sql;

    assert_int_equal(raw_exec(f->path, scCatalogMigrations[0].sql), SQLITE_OK);
    assert_true(asprintf(&sql, "PRAGMA user_version = 1; PRAGMA application_id = %d;"
                               " INSERT INTO pools (uuid, name, type, target_path, xml,"
                               " defined_at, updated_at) VALUES"
                               " ('70a7eb15-6c34-ee9c-bf57-69e8e5ff3fb2', 'old', 'dir', '/srv/old',"
                               " '<pool type=''dir''><name>old</name><uuid>70a7eb15-6c34-ee9c-"
                               "bf57-69e8e5ff3fb2</uuid><target><path>/srv/old</path></target>"
                               "</pool>', 0, 0)", SC_CATALOG_APPLICATION_ID) > 0);
    assert_int_equal(raw_exec(f->path, sql), SQLITE_OK);
    free(sql);
    assert_true(scCatalogSchemaVersion() > 1);

    assert_sc_ok(conn = scConnectOpenAuth(f->path, NULL, SC_CONNECT_CREATE));
    assert_int_equal(testSqlInt(f->path, "PRAGMA user_version"), scCatalogSchemaVersion());
    assert_int_equal(testSqlInt(f->path, "SELECT count(*) FROM pragma_table_info('pools')"
                                      " WHERE name IN ('runtime', 'change_token', 'op')"), 3);
    assert_int_equal(testSqlInt(f->path, "SELECT count(*) FROM pragma_table_info('pools')"
                                      " WHERE name IN ('target_real', 'scan_digest')"), 0);
    assert_int_equal(testSqlInt(f->path, "SELECT count(*) FROM pragma_table_info('volumes')"
                                      " WHERE name IN ('sig', 'ident', 'op', 'physical')"), 4);
    assert_int_equal(testSqlInt(f->path, "SELECT count(*) FROM pragma_table_info('volumes')"
                                      " WHERE name IN ('dev', 'ino', 'size')"), 0);
    assert_sc_ok(pool = scStoragePoolLookupByName(conn, "old"));
    char *xml = scStoragePoolGetXMLDesc(pool, 0);
    assert_non_null(strstr(xml, "<path>/srv/old</path>"));
    free(xml);
    scStoragePoolFree(pool);
    scConnectClose(conn);
}

/* Migration 15: a key is unique in its pool, no longer in the catalog.
 * A catalog of version 14 with a volume, its alias and its attribute is
 * rebuilt with the same rows and ids; the report views still read it. */
static void
test_migrate_keys_per_pool(void **state)
{
    Fixture *f = *state;
    scConnectPtr conn;
    char *sql;

    for (size_t i = 0; i < 14; i++)
        assert_int_equal(raw_exec(f->path, scCatalogMigrations[i].sql), SQLITE_OK);
    assert_true(asprintf(&sql, "PRAGMA user_version = 14; PRAGMA application_id = %d;"
                               " INSERT INTO pools (id, uuid, name, type, xml, defined_at,"
                               " updated_at) VALUES (7, '70a7eb15-6c34-ee9c-bf57-69e8e5ff3fb2',"
                               " 'a', 'iscsi-direct', '<pool/>', 0, 0),"
                               " (8, '80a7eb15-6c34-ee9c-bf57-69e8e5ff3fb2', 'b', 'iscsi-direct',"
                               " '<pool/>', 0, 0);"
                               " INSERT INTO volumes (id, pool_id, uuid, name, key, path, type,"
                               " first_seen, last_seen) VALUES (42, 7,"
                               " '00000000-0000-0000-0000-000000000042', 'unit:0:0:1', '3600a',"
                               " 'ip-a-lun-1', 'network', 0, 0);"
                               " INSERT INTO volume_paths VALUES ('/dev/disk/by-id/wwn-0x600a', 42);"
                               " INSERT INTO volume_attrs VALUES (42, 'designator', 'naa.600a')",
                         SC_CATALOG_APPLICATION_ID) > 0);
    assert_int_equal(raw_exec(f->path, sql), SQLITE_OK);
    free(sql);

    assert_sc_ok(conn = scConnectOpenAuth(f->path, NULL, SC_CONNECT_CREATE));
    scConnectClose(conn);
    assert_int_equal(testSqlInt(f->path, "PRAGMA user_version"), scCatalogSchemaVersion());
    assert_int_equal(testSqlInt(f->path, "SELECT count(*) FROM volumes v JOIN volume_paths a"
                                      " ON a.volume_id = v.id JOIN volume_attrs t ON"
                                      " t.volume_id = v.id WHERE v.id = 42 AND v.key = '3600a'"),
                     1);
    assert_int_equal(testSqlInt(f->path, "SELECT count(*) FROM report_volumes"), 1);
    /* The same key in another pool: taken; twice in one pool: refused. */
    assert_int_equal(raw_exec(f->path, "INSERT INTO volumes (pool_id, uuid, name, key, path, type,"
                                       " first_seen, last_seen) VALUES (8, 'u2', 'unit:0:0:1',"
                                       " '3600a', 'ip-b-lun-1', 'network', 0, 0)"),
                     SQLITE_OK);
    assert_int_equal(raw_exec(f->path, "INSERT INTO volumes (pool_id, uuid, name, key, path, type,"
                                       " first_seen, last_seen) VALUES (8, 'u3', 'unit:0:0:2',"
                                       " '3600a', 'ip-b-lun-2', 'network', 0, 0)"),
                     SQLITE_CONSTRAINT);
    /* Lookups by key use the index. */
    assert_int_equal(testSqlInt(f->path, "SELECT count(*) FROM pragma_index_list('volumes') l"
                                      " JOIN pragma_index_info(l.name) i WHERE l.\"unique\""
                                      " AND i.seqno = 0 AND i.name = 'key'"),
                     1);
    assert_int_equal(testSqlInt(f->path, "SELECT count(*) FROM pragma_foreign_key_check"), 0);
    assert_int_equal(testSqlInt(f->path, "SELECT count(*) FROM sqlite_schema WHERE type = 'trigger'"
                                      " AND tbl_name = 'volumes'"),
                     3);
}

/* Migration 18: the events already there get ts_max, the largest time up
 * to each (the clock set back at id 3); an event written afterwards
 * carries it on. */
static void
test_migrate_event_time_max(void **state)
{
    Fixture *f = *state;
    scConnectPtr conn;
    char *sql;

    for (size_t i = 0; i < 17; i++)
        assert_int_equal(raw_exec(f->path, scCatalogMigrations[i].sql), SQLITE_OK);
    assert_true(asprintf(&sql, "PRAGMA user_version = 17; PRAGMA application_id = %d;"
                               " INSERT INTO events (id, ts, actor, action) VALUES"
                               " (1, 100, 'a', 'x'), (2, 300, 'a', 'x'), (3, 200, 'a', 'x'),"
                               " (5, 250, 'a', 'x'), (6, 400, 'a', 'x')",
                         SC_CATALOG_APPLICATION_ID) > 0);
    assert_int_equal(raw_exec(f->path, sql), SQLITE_OK);
    free(sql);

    assert_sc_ok(conn = scConnectOpenAuth(f->path, NULL, SC_CONNECT_CREATE));
    assert_int_equal(testSqlInt(f->path, "PRAGMA user_version"), scCatalogSchemaVersion());
    {
        sqlite3 *db;
        sqlite3_stmt *st;
        assert_int_equal(sqlite3_open_v2(f->path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
        assert_int_equal(sqlite3_prepare_v2(db, "SELECT group_concat(ts_max, ',') FROM (SELECT"
                                                " ts_max FROM events WHERE id <= 6 ORDER BY id)",
                                            -1, &st, NULL),
                         SQLITE_OK);
        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_string_equal((const char *) sqlite3_column_text(st, 0), "100,300,300,300,400");
        sqlite3_finalize(st);
        sqlite3_close(db);
    }
    /* A new event (a pool defined now): its own time, larger. */
    scStoragePoolFree(scStoragePoolDefineXML(conn, "<pool type='dir'><name>t</name><target>"
                                                   "<path>/nonexistent/t</path></target></pool>",
                                             0));
    assert_int_equal(testSqlInt(f->path, "SELECT count(*) FROM events WHERE id > 6 AND ts_max = ts"
                                      " AND ts > 400"),
                     testSqlInt(f->path, "SELECT count(*) FROM events WHERE id > 6"));
    assert_true(testSqlInt(f->path, "SELECT count(*) FROM events WHERE id > 6") > 0);
    scConnectClose(conn);
}

static void
test_migration_is_atomic(void **state)
{
    Fixture *f = *state;

    /* Fail each step of opening in turn: the file is either untouched
     * (version 0, no table) or fully migrated, never half. */
    for (int n = 1; n <= 8; n++) {
        scConnectPtr conn;
        unlink(f->path);
        scCatalogFailCountdown = n;
        conn = scConnectOpenAuth(f->path, NULL, SC_CONNECT_CREATE);
        scCatalogFailCountdown = 0;
        int version = testSqlInt(f->path, "PRAGMA user_version");
        int tables = testSqlInt(f->path, "SELECT count(*) FROM sqlite_schema WHERE type = 'table'");
        if (conn) {
            assert_int_equal(version, scCatalogSchemaVersion());
            scConnectClose(conn);
        } else {
            assert_int_equal(scGetLastError()->code, SC_ERR_CATALOG);
            assert_non_null(strstr(scGetLastErrorMessage(), "injected"));
            assert_int_equal(version, 0);
            assert_int_equal(tables, 0);
        }
    }
}

static void
test_refuse_newer(void **state)
{
    Fixture *f = *state;
    scConnectPtr conn;

    assert_sc_ok(conn = scConnectOpenAuth(f->path, NULL, SC_CONNECT_CREATE));
    scConnectClose(conn);
    assert_int_equal(raw_exec(f->path, "PRAGMA user_version = 99"), SQLITE_OK);
    assert_sc_err(scConnectOpenAuth(f->path, NULL, SC_CONNECT_CREATE), SC_ERR_CATALOG_VERSION);
    assert_non_null(strstr(scGetLastErrorMessage(), "schema version 99"));
    assert_non_null(strstr(scGetLastErrorMessage(), f->path));
    assert_sc_err(scConnectOpenReadOnly(f->path), SC_ERR_CATALOG_VERSION);
    /* Refusing did not touch it. */
    assert_int_equal(testSqlInt(f->path, "PRAGMA user_version"), 99);
}

static void
test_refuse_foreign(void **state)
{
    Fixture *f = *state;
    FILE *fp;

    assert_int_equal(raw_exec(f->path, "CREATE TABLE t (x)"), SQLITE_OK);
    assert_sc_err(scConnectOpenAuth(f->path, NULL, SC_CONNECT_CREATE), SC_ERR_CATALOG);
    assert_non_null(strstr(scGetLastErrorMessage(), "not a storcat catalog"));
    assert_int_equal(testSqlInt(f->path, "SELECT count(*) FROM sqlite_schema"), 1);

    unlink(f->path);
    fp = fopen(f->path, "w");
    fputs("this is not a database, it is text, long enough to hold a header of 100 bytes......"
          "...............................................................................",
          fp);
    fclose(fp);
    assert_sc_err(scConnectOpenAuth(f->path, NULL, SC_CONNECT_CREATE), SC_ERR_CATALOG);
    assert_non_null(strstr(scGetLastErrorMessage(), "not an SQLite database"));

    assert_sc_err(scConnectOpenAuth(f->dir, NULL, SC_CONNECT_CREATE), SC_ERR_SYSTEM_ERROR);
}

static void
test_readonly(void **state)
{
    Fixture *f = *state;
    scConnectPtr conn;
    char *missing;

    assert_int_equal(asprintf(&missing, "%s/missing.db", f->dir) > 0, 1);
    assert_sc_err(scConnectOpenReadOnly(missing), SC_ERR_SYSTEM_ERROR);
    assert_int_equal(access(missing, F_OK), -1);
    free(missing);

    assert_sc_ok(conn = scConnectOpenAuth(f->path, NULL, SC_CONNECT_CREATE));
    scConnectClose(conn);
    assert_sc_ok(conn = scConnectOpenReadOnly(f->path));
    assert_int_equal(scConnectIsReadOnly(conn), 1);
    assert_int_equal(scConnectListAllStoragePools(conn, NULL, 0), 0);
    assert_sc_err(scStoragePoolDefineXML(conn, "<pool type='dir'><name>p</name><target>"
                                               "<path>/tmp/p</path></target></pool>", 0),
                  SC_ERR_OPERATION_DENIED);
    scConnectClose(conn);
    assert_int_equal(testSqlInt(f->path, "SELECT count(*) FROM pools"), 0);
}

/* The CHECK lists of the schema and the C enum tables must agree. */
static void
test_enums_agree(void **state)
{
    Fixture *f = *state;
    scConnectPtr conn;
    char sql[512];

    assert_sc_ok(conn = scConnectOpenAuth(f->path, NULL, SC_CONNECT_CREATE));
    scConnectClose(conn);
    for (int t = 0; t < SC_POOL_TYPE_LAST; t++) {
        snprintf(sql, sizeof(sql),
                 "INSERT INTO pools (uuid, name, type, xml, defined_at, updated_at)"
                 " VALUES ('u%d', 'n%d', '%s', '', 0, 0)", t, t, scPoolTypeToString(t));
        assert_int_equal(raw_exec(f->path, sql), SQLITE_OK);
    }
    for (int s = 0; s < SC_STORAGE_POOL_STATE_LAST; s++) {
        snprintf(sql, sizeof(sql), "UPDATE pools SET state = '%s'", scPoolStateToString(s));
        assert_int_equal(raw_exec(f->path, sql), SQLITE_OK);
    }
    assert_int_equal(raw_exec(f->path, "INSERT INTO pools (uuid, name, type, xml, defined_at,"
                                       " updated_at) VALUES ('x', 'x', 'bogus', '', 0, 0)"),
                     SQLITE_CONSTRAINT);
    assert_int_equal(raw_exec(f->path, "UPDATE pools SET state = 'bogus'"), SQLITE_CONSTRAINT);
    assert_int_equal(testSqlInt(f->path, "SELECT count(*) FROM pools"), SC_POOL_TYPE_LAST);

    for (int t = 0; t < SC_STORAGE_VOL_LAST; t++) {
        snprintf(sql, sizeof(sql),
                 "INSERT INTO volumes (pool_id, uuid, name, key, path, type, first_seen, last_seen)"
                 " VALUES (1, 'v%d', 'n%d', 'k%d', 'p%d', '%s', 0, 0)", t, t, t, t,
                 scStorageVolTypeToString(t));
        assert_int_equal(raw_exec(f->path, sql), SQLITE_OK);
    }
    for (int s = 0; s < SC_STORAGE_VOL_STATE_LAST; s++) {
        snprintf(sql, sizeof(sql), "UPDATE volumes SET state = '%s'", scVolStateToString(s));
        assert_int_equal(raw_exec(f->path, sql), SQLITE_OK);
    }
    assert_int_equal(raw_exec(f->path, "UPDATE volumes SET type = 'bogus'"), SQLITE_CONSTRAINT);
    assert_int_equal(raw_exec(f->path, "UPDATE volumes SET state = 'bogus'"), SQLITE_CONSTRAINT);
}

/* A pool's active state belongs to the boot that started it. */
static void
test_state_per_boot(void **state)
{
    Fixture *f = *state;
    scConnectPtr conn;
    scStoragePoolPtr pool;
    scStoragePoolInfo info;

    setenv("STORCAT_BOOT_ID", "boot-A", 1);
    assert_sc_ok(conn = scConnectOpenAuth(f->path, NULL, SC_CONNECT_CREATE));
    assert_sc_ok(pool = scStoragePoolDefineXML(conn, "<pool type='dir'><name>p</name><target>"
                                                     "<path>/tmp/p</path></target></pool>", 0));
    scStoragePoolFree(pool);
    scConnectClose(conn);
    assert_int_equal(raw_exec(f->path, "UPDATE pools SET state = 'running', boot_id = 'boot-A',"
                                       " capacity = 100, allocation = 40, available = 60"),
                     SQLITE_OK);

    assert_sc_ok(conn = scConnectOpenAuth(f->path, NULL, SC_CONNECT_CREATE));
    assert_sc_ok(pool = scStoragePoolLookupByName(conn, "p"));
    assert_int_equal(scStoragePoolIsActive(pool), 1);
    assert_sc_ok(scStoragePoolGetInfo(pool, &info) == 0);
    assert_int_equal(info.state, SC_STORAGE_POOL_RUNNING);
    assert_int_equal(info.capacity, 100);
    assert_int_equal(info.available, 60);
    assert_int_equal(scConnectNumOfStoragePools(conn), 1);
    /* An active pool cannot be undefined. */
    assert_sc_err(scStoragePoolUndefine(pool) == 0, SC_ERR_OPERATION_INVALID);
    scStoragePoolFree(pool);
    scConnectClose(conn);

    /* After a reboot it reads inactive, with no sizes. */
    setenv("STORCAT_BOOT_ID", "boot-B", 1);
    assert_sc_ok(conn = scConnectOpenAuth(f->path, NULL, SC_CONNECT_CREATE));
    assert_sc_ok(pool = scStoragePoolLookupByName(conn, "p"));
    assert_int_equal(scStoragePoolIsActive(pool), 0);
    assert_sc_ok(scStoragePoolGetInfo(pool, &info) == 0);
    assert_int_equal(info.state, SC_STORAGE_POOL_INACTIVE);
    assert_int_equal(info.capacity, 0);
    assert_int_equal(scConnectNumOfStoragePools(conn), 0);
    assert_int_equal(scConnectNumOfDefinedStoragePools(conn), 1);
    scStoragePoolFree(pool);
    scConnectClose(conn);
    unsetenv("STORCAT_BOOT_ID");
}

/* Column 0 of the first row of @sql on the file, as text (NULL: no row or
 * NULL). */
static char *
raw_text(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    char *v = NULL;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        v = strdup((const char *) sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

/* Does @sql on the file give @want (NULL: nothing)? */
static void
assert_raw_text(const char *path, const char *sql, const char *want)
{
    char *got = raw_text(path, sql);
    if (want)
        assert_string_equal(got, want);
    else
        assert_null(got);
    free(got);
}

#define VOL_ALIASES                                                                                \
    "SELECT group_concat(path, ' ') FROM (SELECT a.path FROM volume_paths a"                      \
    " JOIN volumes v ON v.id = a.volume_id WHERE v.uuid = 'uuid-v' ORDER BY a.path)"
#define VOL_ATTRS                                                                                  \
    "SELECT group_concat(name || '=' || coalesce(value, '-'), ' ') FROM (SELECT a.name, a.value" \
    " FROM volume_attrs a JOIN volumes v ON v.id = a.volume_id WHERE v.uuid = 'uuid-v'"           \
    " ORDER BY a.name)"
#define VOL_NAMES "SELECT name || ' ' || key || ' ' || path || ' ' || capacity FROM volumes" \
                  " WHERE uuid = 'uuid-v'"

/* Update @uuid with @d in a transaction: 0 or -1. */
static int
vol_update(scCatalog *cat, const char *uuid, const scCatalogVolData *d)
{
    int r;
    assert_int_equal(scCatalogBegin(cat), 0);
    r = scCatalogVolUpdate(cat, uuid, d);
    assert_int_equal(scCatalogEnd(cat, r == 0), 0);
    return r;
}

/* An update writes what storage says of a volume: its aliases and
 * attributes are left as they are when they hold and replaced when they
 * do not (one more, one fewer, one changed, a name twice); its name, key
 * and path, kept or changed, and a change that clashes with another
 * volume refused. */
static void
test_vol_update_details(void **state)
{
    Fixture *f = *state;
    scCatalog *cat;
    scCatalogPool pool;
    scCatalogVol row;
    const scCatalogPoolDef def = { .uuid = "6f1d2c1e-7a51-4d0a-9d47-0c8a3b4e5f60",
                                   .name = "p", .type = "dir", .target_path = "/p",
                                   .xml = "<pool type='dir'><name>p</name></pool>" };
    char *al2[] = { "/dev/a1", "/dev/a2" }, *al2b[] = { "/dev/a2", "/dev/a3" };
    char *al3[] = { "/dev/a3", "/dev/a1", "/dev/a2" }, *al2dup[] = { "/dev/a1", "/dev/a1" };
    scNameValue at2[] = { { "serial", "1" }, { "vendor", "V" } };
    scNameValue at2b[] = { { "vendor", "V" }, { "serial", "2" } };
    scNameValue at3[] = { { "vendor", "V" }, { "thin", NULL }, { "serial", "2" } };
    scNameValue atdup[] = { { "vendor", "V" }, { "vendor", "W" } };
    scCatalogVolData d = { .name = "v", .key = "k", .path = "/p/v", .type = SC_STORAGE_VOL_FILE,
                           .capacity = 1, .mode = -1, .uid = -1, .gid = -1, .atime_ns = -1,
                           .mtime_ns = -1, .ctime_ns = -1, .btime_ns = -1, .aliases = al2,
                           .naliases = 2, .attrs = at2, .nattrs = 2 };
    scCatalogVolData other = d;

    assert_non_null(cat = scCatalogOpen(f->path, false, true, "boot"));
    assert_int_equal(scCatalogBegin(cat), 0);
    assert_int_equal(scCatalogPoolPut(cat, &def), 0);
    assert_int_equal(scCatalogPoolGet(cat, SC_POOL_BY_UUID, def.uuid, &pool), 1);
    assert_int_equal(scCatalogVolInsert(cat, pool.id, "uuid-v", SC_STORAGE_VOL_STATE_PRESENT, &d),
                     0);
    other.name = "w", other.key = "kw", other.path = "/p/w";
    other.naliases = other.nattrs = 0;
    assert_int_equal(scCatalogVolInsert(cat, pool.id, "uuid-w", SC_STORAGE_VOL_STATE_PRESENT,
                                        &other),
                     0);
    assert_int_equal(scCatalogEnd(cat, true), 0);
    assert_raw_text(f->path, VOL_ALIASES, "/dev/a1 /dev/a2");
    assert_raw_text(f->path, VOL_ATTRS, "serial=1 vendor=V");

    /* The same again, in another order; then each change. */
    d.capacity = 2;
    d.attrs = at2b;
    assert_int_equal(vol_update(cat, "uuid-v", &d), 0);
    assert_raw_text(f->path, VOL_NAMES, "v k /p/v 2");
    assert_raw_text(f->path, VOL_ALIASES, "/dev/a1 /dev/a2");
    assert_raw_text(f->path, VOL_ATTRS, "serial=2 vendor=V");
    d.aliases = al2b;
    assert_int_equal(vol_update(cat, "uuid-v", &d), 0);
    assert_raw_text(f->path, VOL_ALIASES, "/dev/a2 /dev/a3");
    d.aliases = al3, d.naliases = 3;
    d.attrs = at3, d.nattrs = 3;
    assert_int_equal(vol_update(cat, "uuid-v", &d), 0);
    assert_raw_text(f->path, VOL_ALIASES, "/dev/a1 /dev/a2 /dev/a3");
    assert_raw_text(f->path, VOL_ATTRS, "serial=2 thin=- vendor=V");
    d.naliases = 1;
    d.nattrs = 2;
    assert_int_equal(vol_update(cat, "uuid-v", &d), 0);
    assert_raw_text(f->path, VOL_ALIASES, "/dev/a3");
    assert_raw_text(f->path, VOL_ATTRS, "thin=- vendor=V");
    d.aliases = al2dup, d.naliases = 2;
    d.attrs = atdup;
    assert_int_equal(vol_update(cat, "uuid-v", &d), 0);
    assert_raw_text(f->path, VOL_ALIASES, "/dev/a1");
    assert_raw_text(f->path, VOL_ATTRS, "vendor=W");
    assert_int_equal(vol_update(cat, "uuid-v", &d), 0);
    assert_raw_text(f->path, VOL_ATTRS, "vendor=W");
    d.naliases = d.nattrs = 0;
    assert_int_equal(vol_update(cat, "uuid-v", &d), 0);
    assert_raw_text(f->path, VOL_ALIASES, NULL);
    assert_raw_text(f->path, VOL_ATTRS, NULL);

    /* Names: each changed alone is written; a clash is refused, the
     * volume left as it was. */
    d.name = "v2";
    assert_int_equal(vol_update(cat, "uuid-v", &d), 0);
    assert_raw_text(f->path, VOL_NAMES, "v2 k /p/v 2");
    d.key = "k2";
    assert_int_equal(vol_update(cat, "uuid-v", &d), 0);
    assert_raw_text(f->path, VOL_NAMES, "v2 k2 /p/v 2");
    d.path = "/p/v2", d.capacity = 3;
    assert_int_equal(vol_update(cat, "uuid-v", &d), 0);
    assert_raw_text(f->path, VOL_NAMES, "v2 k2 /p/v2 3");
    d.path = "/p/w", d.capacity = 4;
    assert_sc_err(vol_update(cat, "uuid-v", &d) == 0, SC_ERR_STORAGE_VOL_EXIST);
    assert_raw_text(f->path, VOL_NAMES, "v2 k2 /p/v2 3");
    /* The same of a row read in the transaction: kept names, then not. */
    assert_int_equal(scCatalogBegin(cat), 0);
    assert_int_equal(scCatalogVolGetByName(cat, def.uuid, "v2", &row), 1);
    d.path = "/p/v2", d.capacity = 5;
    d.attrs = at2, d.nattrs = 2;
    assert_int_equal(scCatalogVolUpdateRow(cat, &row, &d), 0);
    d.path = "/p/v3";
    assert_int_equal(scCatalogVolUpdateRow(cat, &row, &d), 0);
    scCatalogVolClear(&row);
    assert_int_equal(scCatalogEnd(cat, true), 0);
    assert_raw_text(f->path, VOL_NAMES, "v2 k2 /p/v3 5");
    assert_raw_text(f->path, VOL_ATTRS, "serial=1 vendor=V");
    /* A volume that is not there: nothing to update. */
    assert_int_equal(vol_update(cat, "uuid-none", &d), 0);

    scCatalogPoolClear(&pool);
    scCatalogClose(cat);
}

static int
cmp_pair(const void *a, const void *b)
{
    return strcmp(((const scNameValue *) a)->name, ((const scNameValue *) b)->name);
}

/* What VOL_ATTRS should read after @d was written: of a name given twice
 * the last value, in name order. */
static void
want_attrs(const scCatalogVolData *d, char *buf, size_t size)
{
    scNameValue v[32];
    size_t n = 0, len = 0;

    for (size_t i = 0; i < d->nattrs; i++) {
        size_t k = 0;
        while (k < n && strcmp(v[k].name, d->attrs[i].name) != 0)
            k++;
        v[k] = d->attrs[i];
        n += k == n;
    }
    qsort(v, n, sizeof(*v), cmp_pair);
    buf[0] = '\0';
    for (size_t i = 0; i < n; i++)
        len += (size_t) snprintf(buf + len, size - len, "%s%s=%s", i ? " " : "", v[i].name,
                                 v[i].value ? v[i].value : "-");
}

/* What VOL_ALIASES should read after @d was written (its aliases are
 * distinct and in order). */
static void
want_aliases(const scCatalogVolData *d, char *buf, size_t size)
{
    size_t len = 0;

    buf[0] = '\0';
    for (size_t i = 0; i < d->naliases; i++)
        len += (size_t) snprintf(buf + len, size - len, "%s%s", i ? " " : "", d->aliases[i]);
}

/* Aliases and attributes of every count from 0 to 20 (inserted 8, 4, 2
 * and 1 to a statement): each recorded once, with its value, on insert
 * and on update; of a name given twice the last value holds. */
static void
test_vol_details_counts(void **state)
{
    Fixture *f = *state;
    scCatalog *cat;
    scCatalogPool pool;
    const scCatalogPoolDef def = { .uuid = "6f1d2c1e-7a51-4d0a-9d47-0c8a3b4e5f61",
                                   .name = "p", .type = "dir", .target_path = "/p",
                                   .xml = "<pool type='dir'><name>p</name></pool>" };
    char names[22][16], values[22][16], paths[22][16], *aliases[22];
    scNameValue attrs[22];
    scCatalogVolData d = { .name = "v", .key = "k", .path = "/p/v", .type = SC_STORAGE_VOL_FILE,
                           .mode = -1, .uid = -1, .gid = -1, .atime_ns = -1, .mtime_ns = -1,
                           .ctime_ns = -1, .btime_ns = -1, .aliases = aliases, .attrs = attrs };
    char want[1024];

    for (int i = 0; i < 22; i++) {
        snprintf(names[i], sizeof(names[i]), "a%02d", i);
        snprintf(values[i], sizeof(values[i]), "%d", i * 7);
        snprintf(paths[i], sizeof(paths[i]), "/dev/x%02d", i);
        aliases[i] = paths[i];
        attrs[i] = (scNameValue) { names[i], i % 5 == 3 ? NULL : values[i] };
    }
    assert_non_null(cat = scCatalogOpen(f->path, false, true, "boot"));
    assert_int_equal(scCatalogBegin(cat), 0);
    assert_int_equal(scCatalogPoolPut(cat, &def), 0);
    assert_int_equal(scCatalogPoolGet(cat, SC_POOL_BY_UUID, def.uuid, &pool), 1);
    assert_int_equal(scCatalogEnd(cat, true), 0);
    for (int n = 0; n <= 20; n++) {
        /* Inserted with n of each. */
        d.naliases = d.nattrs = (size_t) n;
        assert_int_equal(scCatalogBegin(cat), 0);
        assert_int_equal(
            scCatalogVolInsert(cat, pool.id, "uuid-v", SC_STORAGE_VOL_STATE_PRESENT, &d), 0);
        assert_int_equal(scCatalogEnd(cat, true), 0);
        want_attrs(&d, want, sizeof(want));
        assert_raw_text(f->path, VOL_ATTRS, *want ? want : NULL);
        want_aliases(&d, want, sizeof(want));
        assert_raw_text(f->path, VOL_ALIASES, *want ? want : NULL);
        /* Updated with one more alias, and the first attribute's name
         * again last, with another value. */
        d.naliases = d.nattrs = (size_t) n + 1;
        attrs[n] = (scNameValue) { names[0], values[21] };
        assert_int_equal(scCatalogBegin(cat), 0);
        assert_int_equal(scCatalogVolUpdate(cat, "uuid-v", &d), 0);
        assert_int_equal(scCatalogEnd(cat, true), 0);
        want_attrs(&d, want, sizeof(want));
        assert_raw_text(f->path, VOL_ATTRS, want);
        want_aliases(&d, want, sizeof(want));
        assert_raw_text(f->path, VOL_ALIASES, want);
        attrs[n] = (scNameValue) { names[n], n % 5 == 3 ? NULL : values[n] };
        assert_int_equal(scCatalogBegin(cat), 0);
        assert_int_equal(scCatalogVolDelete(cat, "uuid-v"), 0);
        assert_int_equal(scCatalogEnd(cat, true), 0);
    }
    scCatalogPoolClear(&pool);
    scCatalogClose(cat);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_create, setup, teardown),
        cmocka_unit_test_setup_teardown(test_relative_and_default_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connection_names, setup, teardown),
        cmocka_unit_test_setup_teardown(test_connection_calls, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_file_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(test_readonly_leaves_no_files, setup, teardown),
        cmocka_unit_test_setup_teardown(test_readonly_filesystem, setup, teardown),
        cmocka_unit_test_setup_teardown(test_other_users_catalog, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_from_v1, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_keys_per_pool, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migrate_event_time_max, setup, teardown),
        cmocka_unit_test_setup_teardown(test_migration_is_atomic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuse_newer, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuse_foreign, setup, teardown),
        cmocka_unit_test_setup_teardown(test_readonly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_enums_agree, setup, teardown),
        cmocka_unit_test_setup_teardown(test_state_per_boot, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vol_update_details, setup, teardown),
        cmocka_unit_test_setup_teardown(test_vol_details_counts, setup, teardown),
    };
    return cmocka_run_group_tests_name("catalog", tests, NULL, NULL);
}
