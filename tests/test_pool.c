/*
 * test_pool.c: the public pool calls against a fresh catalog per test:
 * define/lookup/list/undefine, duplicates, unsupported types, bad input
 * that must leave the catalog exactly as it was, failure injection, and
 * several processes and threads defining at once.
 */
#include <config.h>

#include <pthread.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

extern int scCatalogFailCountdown;

typedef struct {
    char *dir;
    char *path;
    scConnectPtr conn;
} Fixture;

static int
setup(void **state)
{
    Fixture *f = calloc(1, sizeof(*f));
    f->dir = testTmpDirMake("pool");
    if (!f->dir || asprintf(&f->path, "%s/catalog.db", f->dir) < 0)
        return -1;
    if (!(f->conn = scConnectOpenAuth(f->path, NULL, SC_CONNECT_CREATE)))
        return -1;
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;
    assert_int_equal(scConnectClose(f->conn), 0);
    testTmpDirRemove(f->dir);
    free(f->path);
    free(f);
    return 0;
}

static char *
dir_xml(const char *name, const char *path)
{
    char *xml;
    if (asprintf(&xml, "<pool type='dir'><name>%s</name><target><path>%s</path></target></pool>",
                 name, path) < 0)
        return NULL;
    return xml;
}

static scStoragePoolPtr
define_dir(scConnectPtr conn, const char *name, const char *path)
{
    char *xml = dir_xml(name, path);
    scStoragePoolPtr pool = scStoragePoolDefineXML(conn, xml, 0);
    free(xml);
    return pool;
}

/* Everything in the catalog's pools and events tables, as one string, to
 * assert that a failed call changed nothing. */
static char *
catalog_digest(const char *path)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    char *out = NULL;

    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(
        sqlite3_prepare_v2(db,
                           "SELECT (SELECT group_concat(uuid || name || type || xml || state ||"
                           " autostart || ifnull(target_key, '') || ifnull(source_key, ''), '|')"
                           " FROM pools) || '#' || (SELECT count(*) FROM events)",
                           -1, &st, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    out = strdup(sqlite3_column_text(st, 0) ? (const char *) sqlite3_column_text(st, 0) : "");
    sqlite3_finalize(st);
    sqlite3_close(db);
    return out;
}

static int
count_events(const char *path, const char *action)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    int n;

    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM events WHERE action = ?1", -1,
                                        &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_text(st, 1, action, -1, SQLITE_STATIC);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
}

static void
test_define_lookup(void **state)
{
    Fixture *f = *state;
    scStoragePoolPtr pool, p2;
    unsigned char uuid[SC_UUID_BUFLEN];
    char uuidstr[SC_UUID_STRING_BUFLEN], nodash[33];
    scStoragePoolInfo info;
    char *xml;
    int autostart = -1;

    assert_sc_ok(pool = define_dir(f->conn, "images", "/var//lib/images/"));
    assert_null(scGetLastError());
    assert_string_equal(scStoragePoolGetName(pool), "images");
    assert_ptr_equal(scStoragePoolGetConnect(pool), f->conn);
    assert_sc_ok(scStoragePoolGetUUID(pool, uuid) == 0);
    assert_sc_ok(scStoragePoolGetUUIDString(pool, uuidstr) == 0);
    assert_int_equal(strlen(uuidstr), 36);
    assert_int_equal(scStoragePoolIsActive(pool), 0);
    assert_int_equal(scStoragePoolIsPersistent(pool), 1);
    assert_sc_ok(scStoragePoolGetInfo(pool, &info) == 0);
    assert_int_equal(info.state, SC_STORAGE_POOL_INACTIVE);
    assert_sc_ok(scStoragePoolGetAutostart(pool, &autostart) == 0);
    assert_int_equal(autostart, 0);

    assert_sc_ok(xml = scStoragePoolGetXMLDesc(pool, 0));
    assert_non_null(strstr(xml, "<pool type='dir'>\n  <name>images</name>\n"));
    assert_non_null(strstr(xml, uuidstr));
    assert_non_null(strstr(xml, "<path>/var/lib/images</path>"));
    free(xml);
    assert_sc_ok(xml = scStoragePoolGetType(pool));
    assert_string_equal(xml, "dir");
    free(xml);
    assert_sc_ok(xml = scStoragePoolGetTargetPath(pool));
    assert_string_equal(xml, "/var/lib/images"); /* canonical, as in the XML */
    free(xml);
    assert_null(scGetLastError());

    /* Every way to find it. */
    assert_sc_ok(p2 = scStoragePoolLookupByName(f->conn, "images"));
    assert_string_equal(scStoragePoolGetName(p2), "images");
    scStoragePoolFree(p2);
    assert_sc_ok(p2 = scStoragePoolLookupByUUID(f->conn, uuid));
    scStoragePoolFree(p2);
    assert_sc_ok(p2 = scStoragePoolLookupByUUIDString(f->conn, uuidstr));
    scStoragePoolFree(p2);
    for (int i = 0, j = 0; uuidstr[i]; i++)
        if (uuidstr[i] != '-')
            nodash[j++] = uuidstr[i], nodash[j] = '\0';
    assert_sc_ok(p2 = scStoragePoolLookupByUUIDString(f->conn, nodash));
    scStoragePoolFree(p2);
    /* By target path: active pools only, as libvirt's. */
    assert_sc_err(scStoragePoolLookupByTargetPath(f->conn, "/var//lib//images/"),
                  SC_ERR_NO_STORAGE_POOL);
    assert_non_null(strstr(scGetLastErrorMessage(), "matching target path '/var/lib/images'"));

    assert_sc_err(scStoragePoolLookupByName(f->conn, "nope"), SC_ERR_NO_STORAGE_POOL);
    assert_non_null(strstr(scGetLastErrorMessage(), "'nope'"));
    assert_sc_err(scStoragePoolLookupByUUIDString(f->conn, "not-a-uuid"), SC_ERR_INVALID_ARG);
    assert_sc_err(scStoragePoolLookupByTargetPath(f->conn, "/var/lib"), SC_ERR_NO_STORAGE_POOL);

    /* Ref/Free balance. */
    assert_int_equal(scStoragePoolRef(pool), 0);
    assert_int_equal(scStoragePoolFree(pool), 0);
    assert_int_equal(scStoragePoolFree(pool), 0);
    assert_int_equal(count_events(f->path, "pool-define"), 1);
}

static void
test_redefine(void **state)
{
    Fixture *f = *state;
    scStoragePoolPtr pool, again;
    char uuidstr[SC_UUID_STRING_BUFLEN];
    char *xml, *redefined;

    assert_sc_ok(pool = define_dir(f->conn, "p", "/srv/a"));
    assert_sc_ok(scStoragePoolGetUUIDString(pool, uuidstr) == 0);
    assert_int_equal(asprintf(&redefined, "<pool type='dir'><name>p</name><uuid>%s</uuid>"
                                          "<target><path>/srv/b</path></target></pool>",
                              uuidstr) > 0, 1);
    assert_sc_ok(again = scStoragePoolDefineXML(f->conn, redefined, 0));
    assert_sc_ok(xml = scStoragePoolGetXMLDesc(pool, SC_STORAGE_XML_INACTIVE));
    assert_non_null(strstr(xml, "<path>/srv/b</path>"));
    free(xml);
    assert_int_equal(scConnectListAllStoragePools(f->conn, NULL, 0), 1);
    assert_int_equal(count_events(f->path, "pool-define"), 2);
    /* The old target is free again. */
    scStoragePoolFree(again);
    assert_sc_ok(again = define_dir(f->conn, "q", "/srv/a"));
    scStoragePoolFree(again);
    scStoragePoolFree(pool);
    free(redefined);
}

static void
test_duplicates(void **state)
{
    Fixture *f = *state;
    scStoragePoolPtr pool;
    char uuidstr[SC_UUID_STRING_BUFLEN];
    char *xml, *before;

    assert_sc_ok(pool = define_dir(f->conn, "p", "/srv/a"));
    assert_sc_ok(scStoragePoolGetUUIDString(pool, uuidstr) == 0);
    scStoragePoolFree(pool);
    assert_sc_ok(pool = scStoragePoolDefineXML(
                     f->conn, "<pool type='fs'><name>fs1</name><source><device path='/dev/sdz1'/>"
                              "</source><target><path>/mnt/fs1</path></target></pool>", 0));
    scStoragePoolFree(pool);
    before = catalog_digest(f->path);

    /* Same name, another UUID (a new one is generated). */
    assert_sc_err(define_dir(f->conn, "p", "/srv/other"), SC_ERR_OPERATION_FAILED);
    assert_non_null(strstr(scGetLastErrorMessage(), "pool 'p' already exists"));
    /* Same UUID, another name. */
    assert_int_equal(asprintf(&xml, "<pool type='dir'><name>other</name><uuid>%s</uuid>"
                                    "<target><path>/srv/x</path></target></pool>", uuidstr) > 0,
                     1);
    assert_sc_err(scStoragePoolDefineXML(f->conn, xml, 0), SC_ERR_OPERATION_FAILED);
    assert_non_null(strstr(scGetLastErrorMessage(), "as pool 'p'"));
    free(xml);
    /* Same target directory, any spelling. */
    assert_sc_err(define_dir(f->conn, "p2", "/srv//a/"), SC_ERR_OPERATION_FAILED);
    assert_non_null(strstr(scGetLastErrorMessage(), "target path '/srv/a' is already used by pool 'p'"));
    assert_sc_err(define_dir(f->conn, "p2", "/srv/nosuch/../a"), SC_ERR_OPERATION_FAILED);
    assert_non_null(strstr(scGetLastErrorMessage(), "(directory '/srv/a') is already used"));
    assert_sc_err(define_dir(f->conn, "p2", "/srv/./a"), SC_ERR_OPERATION_FAILED);
    /* Same source device, from a disk pool. */
    assert_sc_err(scStoragePoolDefineXML(f->conn,
                                         "<pool type='disk'><name>d</name><source><device "
                                         "path='/dev/sdz1'/></source><target><path>/dev</path>"
                                         "</target></pool>", 0),
                  SC_ERR_OPERATION_FAILED);
    assert_non_null(strstr(scGetLastErrorMessage(), "used by pool 'fs1'"));

    char *after = catalog_digest(f->path);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

static void
test_types(void **state)
{
    Fixture *f = *state;
    static const char *const managed[] = {
        "<pool type='dir'><name>t-dir</name><target><path>/srv/t</path></target></pool>",
        "<pool type='fs'><name>t-fs</name><source><device path='/dev/sdy1'/></source>"
        "<target><path>/mnt/t</path></target></pool>",
        "<pool type='netfs'><name>t-netfs</name><source><host name='nfs.example.com'/>"
        "<dir path='/export'/></source><target><path>/mnt/n</path></target></pool>",
        "<pool type='logical'><name>vg0</name><source><device path='/dev/sdx1'/></source></pool>",
        "<pool type='disk'><name>t-disk</name><source><device path='/dev/sdw'/></source>"
        "<target><path>/dev</path></target></pool>",
        "<pool type='iscsi'><name>t-iscsi</name><source><host name='127.0.0.1'/>"
        "<device path='iqn.2026-01.test:t'/></source><target><path>/dev/disk/by-path</path>"
        "</target></pool>",
        "<pool type='iscsi-direct'><name>t-iscsi-direct</name><source><host name='127.0.0.1'/>"
        "<device path='iqn.2026-01.test:t'/><initiator><iqn name='iqn.2026-01.test:init'/>"
        "</initiator></source></pool>",
    };
    static const char *const refused[][2] = {
        { "rbd", "<pool type='rbd'><name>c</name><source><name>rbd</name>"
                 "<host name='localhost' port='6789'/></source></pool>" },
        { "gluster", "<pool type='gluster'><name>g</name><source><host name='localhost'/>"
                     "<name>volume</name></source></pool>" },
        { "zfs", "<pool type='zfs'><name>z</name><source><name>tank</name></source></pool>" },
        { "mpath", "<pool type='mpath'><name>m</name><target><path>/dev/mapper</path></target>"
                   "</pool>" },
    };
    scStoragePoolPtr *pools = NULL;
    int n;

    for (size_t i = 0; i < sizeof(managed) / sizeof(managed[0]); i++) {
        scStoragePoolPtr pool = scStoragePoolDefineXML(f->conn, managed[i], 0);
        assert_sc_ok(pool);
        scStoragePoolFree(pool);
    }
    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        char want[64];
        assert_sc_err(scStoragePoolDefineXML(f->conn, refused[i][1], 0),
                      SC_ERR_CONFIG_UNSUPPORTED);
        snprintf(want, sizeof(want), "pool type '%s'", refused[i][0]);
        assert_non_null(strstr(scGetLastErrorMessage(), want));
    }
    assert_int_equal(scConnectListAllStoragePools(f->conn, NULL, 0), 7);

    /* Type filters, and names sorted. */
    n = scConnectListAllStoragePools(f->conn, &pools,
                                     SC_CONNECT_LIST_STORAGE_POOLS_ISCSI |
                                         SC_CONNECT_LIST_STORAGE_POOLS_ISCSI_DIRECT);
    assert_int_equal(n, 2);
    assert_string_equal(scStoragePoolGetName(pools[0]), "t-iscsi");
    assert_string_equal(scStoragePoolGetName(pools[1]), "t-iscsi-direct");
    assert_null(pools[2]);
    for (int i = 0; i < n; i++)
        scStoragePoolFree(pools[i]);
    free(pools);

    /* A managed type whose backend is not there yet says so. */
    scStoragePoolPtr pool = scStoragePoolLookupByName(f->conn, "t-netfs");
    assert_sc_err(scStoragePoolCreate(pool, 0) == 0, SC_ERR_OPERATION_UNSUPPORTED);
    assert_non_null(strstr(scGetLastErrorMessage(), "not supported yet"));
    assert_non_null(strstr(scGetLastErrorMessage(), "'t-netfs'"));
    assert_sc_err(scStoragePoolDestroy(pool) == 0, SC_ERR_OPERATION_INVALID);
    assert_sc_err(scStoragePoolCreate(pool, 1u << 7) == 0, SC_ERR_INVALID_ARG);
    assert_int_equal(scStoragePoolIsActive(pool), 0);
    scStoragePoolFree(pool);
}

/* The secrets' listings: libvirt's three calls agree, sorted by UUID. */
static void
test_secret_lists(void **state)
{
    Fixture *f = *state;
    scSecretPtr s[3], *all = NULL;
    char *uuids[4] = { NULL }, want[3][SC_UUID_STRING_BUFLEN], *xml;

    assert_int_equal(scConnectNumOfSecrets(f->conn), 0);
    assert_int_equal(scConnectListSecrets(f->conn, uuids, 4), 0);
    for (int i = 0; i < 3; i++) {
        assert_true(asprintf(&xml, "<secret><usage type='iscsi'><target>t%d</target>"
                                   "</usage></secret>", i) > 0);
        assert_sc_ok(s[i] = scSecretDefineXML(f->conn, xml, 0));
        free(xml);
        assert_sc_ok(scSecretGetUUIDString(s[i], want[i]) == 0);
    }
    qsort(want, 3, sizeof(want[0]), (int (*)(const void *, const void *)) strcmp);
    assert_int_equal(scConnectNumOfSecrets(f->conn), 3);
    assert_int_equal(scConnectListSecrets(f->conn, uuids, 4), 3);
    assert_int_equal(scConnectListAllSecrets(f->conn, &all, 0), 3);
    for (int i = 0; i < 3; i++) {
        char u[SC_UUID_STRING_BUFLEN];
        assert_string_equal(uuids[i], want[i]);
        assert_sc_ok(scSecretGetUUIDString(all[i], u) == 0);
        assert_string_equal(u, want[i]);
        free(uuids[i]);
        uuids[i] = NULL;
        scSecretFree(all[i]);
    }
    assert_null(all[3]);
    free(all);
    assert_null(uuids[3]);
    /* At most maxuuids, the first ones. */
    assert_int_equal(scConnectListSecrets(f->conn, uuids, 2), 2);
    assert_string_equal(uuids[0], want[0]);
    assert_string_equal(uuids[1], want[1]);
    assert_null(uuids[2]);
    free(uuids[0]);
    free(uuids[1]);
    assert_int_equal(scConnectListSecrets(f->conn, NULL, 0), 0);
    assert_sc_err(scConnectListSecrets(f->conn, uuids, -1) == 0, SC_ERR_INVALID_ARG);
    assert_string_equal(scGetLastErrorMessage(),
                        "maxuuids in scConnectListSecrets must be zero or greater");
    assert_sc_err(scConnectListSecrets(f->conn, NULL, 2) == 0, SC_ERR_INVALID_ARG);
    assert_sc_err(scConnectListSecrets(NULL, uuids, 2) == 0, SC_ERR_INVALID_CONN);
    for (int i = 0; i < 3; i++) {
        assert_sc_ok(scSecretUndefine(s[i]) == 0);
        scSecretFree(s[i]);
    }
    assert_int_equal(scConnectListSecrets(f->conn, uuids, 4), 0);
}

static void
test_list_filters(void **state)
{
    Fixture *f = *state;
    scStoragePoolPtr a, b;
    scStoragePoolPtr *pools = NULL;
    int autostart = 0;

    assert_sc_ok(a = define_dir(f->conn, "a", "/srv/a"));
    assert_sc_ok(b = define_dir(f->conn, "b", "/srv/b"));
    assert_sc_ok(scStoragePoolSetAutostart(b, 1) == 0);
    assert_sc_ok(scStoragePoolGetAutostart(b, &autostart) == 0);
    assert_int_equal(autostart, 1);
    assert_int_equal(count_events(f->path, "pool-autostart"), 1);

    assert_int_equal(scConnectListAllStoragePools(f->conn, &pools,
                                                  SC_CONNECT_LIST_STORAGE_POOLS_AUTOSTART), 1);
    assert_string_equal(scStoragePoolGetName(pools[0]), "b");
    scStoragePoolFree(pools[0]);
    free(pools);
    assert_int_equal(scConnectListAllStoragePools(f->conn, NULL,
                                                  SC_CONNECT_LIST_STORAGE_POOLS_NO_AUTOSTART), 1);
    assert_int_equal(scConnectListAllStoragePools(f->conn, NULL,
                                                  SC_CONNECT_LIST_STORAGE_POOLS_ACTIVE), 0);
    assert_int_equal(scConnectListAllStoragePools(f->conn, NULL,
                                                  SC_CONNECT_LIST_STORAGE_POOLS_INACTIVE |
                                                      SC_CONNECT_LIST_STORAGE_POOLS_DIR), 2);
    assert_int_equal(scConnectListAllStoragePools(f->conn, NULL,
                                                  SC_CONNECT_LIST_STORAGE_POOLS_TRANSIENT), 0);
    assert_int_equal(scConnectListAllStoragePools(f->conn, NULL,
                                                  SC_CONNECT_LIST_STORAGE_POOLS_FS), 0);
    assert_int_equal(scConnectNumOfDefinedStoragePools(f->conn), 2);
    assert_int_equal(scConnectNumOfStoragePools(f->conn), 0);
    assert_sc_err(scConnectListAllStoragePools(f->conn, &pools, 1u << 30) == 0,
                  SC_ERR_INVALID_ARG);

    assert_sc_ok(scStoragePoolSetAutostart(b, 0) == 0);
    assert_int_equal(scConnectListAllStoragePools(f->conn, NULL,
                                                  SC_CONNECT_LIST_STORAGE_POOLS_AUTOSTART), 0);

    /* Undefine: gone from lookups, the handle stays usable for its identity. */
    assert_sc_ok(scStoragePoolUndefine(a) == 0);
    assert_sc_err(scStoragePoolLookupByName(f->conn, "a"), SC_ERR_NO_STORAGE_POOL);
    assert_string_equal(scStoragePoolGetName(a), "a");
    assert_sc_err(scStoragePoolIsActive(a) == 0, SC_ERR_NO_STORAGE_POOL);
    assert_sc_err(scStoragePoolUndefine(a) == 0, SC_ERR_NO_STORAGE_POOL);
    assert_int_equal(count_events(f->path, "pool-undefine"), 1);
    scStoragePoolFree(a);
    scStoragePoolFree(b);
}

/* Hostile and broken definitions: a clear error, the catalog unchanged. */
static void
test_bad_input(void **state)
{
    Fixture *f = *state;
    static const struct {
        const char *xml;
        int code;
        const char *says;
    } cases[] = {
        { "<pool type='dir'><name>x</name>", SC_ERR_XML_DETAIL, "malformed" },
        { "", SC_ERR_XML_DETAIL, "" },
        { "<volume/>", SC_ERR_XML_ERROR, "volume" },
        { "<pool type='nosuch'><name>x</name></pool>", SC_ERR_XML_ERROR, "nosuch" },
        { "<pool type='dir'><target><path>/x</path></target></pool>", SC_ERR_XML_ERROR, "name" },
        { "<pool type='dir'><name></name><target><path>/x</path></target></pool>", -1, "name" },
        { "<pool type='dir'><name>a/b</name><target><path>/x</path></target></pool>", -1, "/" },
        { "<pool type='dir'><name>a\tb</name><target><path>/x</path></target></pool>", -1,
          "control" },
        { "<pool type='dir'><name>..</name><target><path>/x</path></target></pool>", -1, ".." },
        { "<pool type='dir'><name>rel</name><target><path>images</path></target></pool>",
          SC_ERR_XML_ERROR, "not an absolute path" },
        { "<pool type='dir'><name>x</name><uuid>zzz</uuid><target><path>/x</path></target>"
          "</pool>", SC_ERR_XML_ERROR, "uuid" },
        { "<!DOCTYPE pool [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;'>]>"
          "<pool type='dir'><name>&b;</name><target><path>/x</path></target></pool>",
          SC_ERR_XML_ERROR, "" },
        { "<!DOCTYPE pool [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
          "<pool type='dir'><name>&x;</name><target><path>/x</path></target></pool>",
          SC_ERR_XML_ERROR, "" },
    };
    char *before = catalog_digest(f->path);
    scStoragePoolPtr keep;

    assert_sc_ok(keep = define_dir(f->conn, "keep", "/srv/keep"));
    scStoragePoolFree(keep);
    free(before);
    before = catalog_digest(f->path);
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        scStoragePoolPtr pool = scStoragePoolDefineXML(f->conn, cases[i].xml, 0);
        const scError *err = scGetLastError();
        if (pool)
            fail_msg("case %zu was accepted: %s", i, cases[i].xml);
        assert_non_null(err);
        if (cases[i].code >= 0 && err->code != cases[i].code)
            fail_msg("case %zu: code %d, want %d: %s", i, err->code, cases[i].code, err->message);
        if (!strstr(err->message, cases[i].says))
            fail_msg("case %zu: message '%s' does not mention '%s'", i, err->message,
                     cases[i].says);
        assert_null(strchr(err->message, '\n'));
    }
    assert_sc_err(scStoragePoolDefineXML(f->conn, NULL, 0), SC_ERR_INVALID_ARG);
    assert_sc_err(scStoragePoolDefineXML(NULL, "<pool/>", 0), SC_ERR_INVALID_CONN);
    assert_sc_err(scStoragePoolDefineXML(f->conn, "<pool/>", 0x80), SC_ERR_INVALID_ARG);
    assert_sc_err(scStoragePoolGetName(NULL), SC_ERR_INVALID_STORAGE_POOL);
    assert_sc_err(scStoragePoolFree(NULL) == 0, SC_ERR_INVALID_STORAGE_POOL);
    assert_sc_err(scConnectClose(NULL) == 0, SC_ERR_INVALID_CONN);

    /* 10 MB of XML: a 10 MB name. */
    size_t big = 10 * 1024 * 1024;
    char *xml = malloc(big + 200);
    char *p = xml + sprintf(xml, "<pool type='dir'><name>");
    memset(p, 'n', big);
    strcpy(p + big, "</name><target><path>/x</path></target></pool>");
    assert_null(scStoragePoolDefineXML(f->conn, xml, 0));
    assert_non_null(strstr(scGetLastErrorMessage(), "name"));
    free(xml);

    char *after = catalog_digest(f->path);
    assert_string_equal(before, after);
    free(before);
    free(after);
}

/* Make the Nth catalog step fail, for every N that a define takes: the
 * catalog is unchanged after each failure. */
static void
test_failure_injection(void **state)
{
    Fixture *f = *state;
    scStoragePoolPtr pool;
    int failures = 0;

    for (int n = 1; n < 50; n++) {
        char *before = catalog_digest(f->path);
        char name[32];
        snprintf(name, sizeof(name), "inj%d", n);
        scCatalogFailCountdown = n;
        pool = define_dir(f->conn, name, "/srv/inj");
        scCatalogFailCountdown = 0;
        if (pool) {
            /* Past the last step: the define went through; we are done. */
            scStoragePoolFree(pool);
            free(before);
            break;
        }
        failures++;
        assert_int_equal(scGetLastError()->code, SC_ERR_CATALOG);
        char *after = catalog_digest(f->path);
        assert_string_equal(before, after);
        free(before);
        free(after);
    }
    assert_true(failures >= 3);
    assert_int_equal(scConnectListAllStoragePools(f->conn, NULL, 0), 1);
}

#define PER_WORKER 100

/* Two processes, each with its own connection, define pools at once. */
static void
test_two_processes(void **state)
{
    Fixture *f = *state;
    pid_t pids[2];

    for (int w = 0; w < 2; w++) {
        if ((pids[w] = fork()) == 0) {
            scConnectPtr conn = scConnectOpenAuth(f->path, NULL, SC_CONNECT_CREATE);
            int bad = conn ? 0 : 1;
            for (int i = 0; conn && i < PER_WORKER; i++) {
                char name[32], path[64];
                snprintf(name, sizeof(name), "w%d-%d", w, i);
                snprintf(path, sizeof(path), "/srv/w%d/%d", w, i);
                scStoragePoolPtr pool = define_dir(conn, name, path);
                if (!pool) {
                    fprintf(stderr, "# %s: %s\n", name, scGetLastErrorMessage());
                    bad++;
                }
                scStoragePoolFree(pool);
            }
            if (conn)
                scConnectClose(conn);
            _exit(bad ? 1 : 0);
        }
        assert_true(pids[w] > 0);
    }
    for (int w = 0; w < 2; w++) {
        int status;
        assert_int_equal(waitpid(pids[w], &status, 0), pids[w]);
        assert_true(WIFEXITED(status));
        assert_int_equal(WEXITSTATUS(status), 0);
    }
    assert_int_equal(scConnectListAllStoragePools(f->conn, NULL, 0), 2 * PER_WORKER);
    assert_int_equal(count_events(f->path, "pool-define"), 2 * PER_WORKER);
}

typedef struct {
    scConnectPtr conn;
    int id;
    int failed;
} ThreadArg;

static void *
thread_define(void *opaque)
{
    ThreadArg *a = opaque;
    for (int i = 0; i < 50; i++) {
        char name[32], path[64];
        snprintf(name, sizeof(name), "t%d-%d", a->id, i);
        snprintf(path, sizeof(path), "/srv/t%d/%d", a->id, i);
        scStoragePoolPtr pool = define_dir(a->conn, name, path);
        scStoragePoolPtr again = pool ? scStoragePoolLookupByName(a->conn, name) : NULL;
        if (!again)
            a->failed++;
        scStoragePoolFree(again);
        scStoragePoolFree(pool);
    }
    return NULL;
}

/* Threads sharing one connection: calls are serialized inside. */
static void
test_threads(void **state)
{
    Fixture *f = *state;
    pthread_t th[4];
    ThreadArg args[4];

    for (int i = 0; i < 4; i++) {
        args[i] = (ThreadArg){ .conn = f->conn, .id = i };
        assert_int_equal(pthread_create(&th[i], NULL, thread_define, &args[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(args[i].failed, 0);
    }
    assert_int_equal(scConnectListAllStoragePools(f->conn, NULL, 0), 200);
}

/* A transient pool: made and started by CreateXML, gone when stopped, when
 * its start fails, or when a crash left it; a definition makes it
 * persistent. And libvirt's name-list calls. */
static void
test_transient_and_lists(void **state)
{
    Fixture *f = *state;
    char *images, *xml, *names[4] = { NULL };
    scStoragePoolPtr pool, other;
    int status;
    pid_t pid;

    assert_true(asprintf(&images, "%s/t", f->dir) > 0);
    assert_non_null(xml = dir_xml("t", images));
    /* Its directory missing: the start fails and nothing is left. */
    assert_null(scStoragePoolCreateXML(f->conn, xml, 0));
    assert_sc_err(scStoragePoolLookupByName(f->conn, "t"), SC_ERR_NO_STORAGE_POOL);
    assert_int_equal(scConnectNumOfDefinedStoragePools(f->conn), 0);
    /* Built by the start. */
    assert_sc_ok(pool = scStoragePoolCreateXML(f->conn, xml, SC_STORAGE_POOL_CREATE_WITH_BUILD));
    assert_int_equal(scStoragePoolIsActive(pool), 1);
    assert_sc_ok(other = scStoragePoolLookupByTargetPath(f->conn, images));
    assert_string_equal(scStoragePoolGetName(other), "t");
    scStoragePoolFree(other);
    assert_int_equal(scStoragePoolIsPersistent(pool), 0);
    assert_int_equal(scConnectListAllStoragePools(f->conn, NULL,
                                                  SC_CONNECT_LIST_STORAGE_POOLS_TRANSIENT), 1);
    assert_int_equal(scConnectListAllStoragePools(f->conn, NULL,
                                                  SC_CONNECT_LIST_STORAGE_POOLS_PERSISTENT), 0);
    assert_sc_err(scStoragePoolSetAutostart(pool, 1) == 0, SC_ERR_INTERNAL_ERROR);
    assert_string_equal(scGetLastErrorMessage(),
                        "internal error: cannot set autostart for transient pool");
    assert_null(scStoragePoolCreateXML(f->conn, xml, 0)); /* once */
    /* libvirt's name lists. */
    assert_int_equal(scConnectListStoragePools(f->conn, names, 4), 1);
    assert_string_equal(names[0], "t");
    free(names[0]);
    assert_int_equal(scConnectListDefinedStoragePools(f->conn, names, 4), 0);
    assert_int_equal(scConnectListStoragePools(f->conn, names, 0), 0);
    assert_sc_err(scConnectListStoragePools(f->conn, names, -1) == 0, SC_ERR_INVALID_ARG);
    assert_sc_err(scConnectListStoragePools(f->conn, NULL, 2) == 0, SC_ERR_INVALID_ARG);
    assert_int_equal(scStoragePoolListVolumes(pool, names, 4), 0);
    /* Stopped: gone, with the name free again. */
    assert_sc_ok(scStoragePoolDestroy(pool) == 0);
    assert_sc_err(scStoragePoolLookupByName(f->conn, "t"), SC_ERR_NO_STORAGE_POOL);
    assert_sc_err(scStoragePoolIsActive(pool) >= 0, SC_ERR_NO_STORAGE_POOL);
    scStoragePoolFree(pool);
    assert_int_equal(access(images, F_OK), 0);

    /* A process that made one and died mid-start leaves nothing usable:
     * the name can be taken at once. */
    fflush(NULL);
    if ((pid = fork()) == 0) {
        scConnectPtr c = scConnectOpen(f->path);
        extern int scKillCountdown;
        scKillCountdown = 2; /* after the start's journal */
        scStoragePoolCreateXML(c, xml, 0);
        _exit(3);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFSIGNALED(status));
    assert_sc_err(scStoragePoolLookupByName(f->conn, "t"), SC_ERR_NO_STORAGE_POOL);
    assert_int_equal(scConnectNumOfStoragePools(f->conn) + scConnectNumOfDefinedStoragePools(f->conn),
                     0);
    assert_sc_ok(pool = scStoragePoolCreateXML(f->conn, xml, 0));

    /* Defined while it runs (its own XML, so its UUID): persistent, and it
     * survives a stop. */
    char *live = scStoragePoolGetXMLDesc(pool, SC_STORAGE_XML_INACTIVE);
    assert_sc_ok(live);
    assert_sc_err(scStoragePoolDefineXML(f->conn, xml, 0), SC_ERR_OPERATION_FAILED);
    assert_sc_ok(other = scStoragePoolDefineXML(f->conn, live, 0));
    free(live);
    assert_int_equal(scStoragePoolIsPersistent(pool), 1);
    assert_sc_ok(scStoragePoolDestroy(pool) == 0);
    assert_int_equal(scStoragePoolIsActive(other), 0);
    /* Its target directory's permissions, read by its refresh, stay in
     * its XML while it is stopped, as libvirt's. */
    {
        char perms[256];
        char *text = scStoragePoolGetXMLDesc(other, 0);

        snprintf(perms, sizeof(perms),
                 "    <permissions>\n      <mode>0711</mode>\n      <owner>%u</owner>\n"
                 "      <group>%u</group>\n    </permissions>\n  </target>\n",
                 (unsigned) getuid(), (unsigned) getgid());
        assert_sc_ok(text);
        if (!strstr(text, perms))
            fail_msg("no permissions in %s", text);
        free(text);
    }
    /* Stopped: not found by its target path (libvirt's rule). */
    assert_sc_err(scStoragePoolLookupByTargetPath(f->conn, images), SC_ERR_NO_STORAGE_POOL);
    assert_int_equal(scConnectListDefinedStoragePools(f->conn, names, 4), 1);
    assert_string_equal(names[0], "t");
    free(names[0]);
    /* A defined pool's name cannot be taken by a transient one. */
    assert_sc_err(scStoragePoolCreateXML(f->conn, xml, 0), SC_ERR_OPERATION_FAILED);
    assert_non_null(strstr(scGetLastErrorMessage(), "already"));
    scStoragePoolFree(other);
    scStoragePoolFree(pool);
    free(xml);
    free(images);
}

/* A pool that runs is given a new definition: it keeps the one it started
 * with until it stops (libvirt's newDef). XML with SC_STORAGE_XML_INACTIVE
 * shows the new one meanwhile, as parsed; the stop makes it the pool's,
 * with no sizes until the next refresh; its target counts as taken; a
 * reboot under the running pool makes it the definition too. */
static void
test_redefine_active(void **state)
{
    Fixture *f = *state;
    char *a, *b, *xml_a, *xml_b, *other, *text;
    char uuid[SC_UUID_STRING_BUFLEN];
    scStoragePoolPtr pool, p2;
    scStoragePoolInfo info;
    scConnectPtr conn;

    assert_true(asprintf(&a, "%s/a", f->dir) > 0);
    assert_true(asprintf(&b, "%s/b", f->dir) > 0);
    setenv("STORCAT_BOOT_ID", "boot-A", 1);
    assert_sc_ok(conn = scConnectOpen(f->path));
    assert_non_null(xml_a = dir_xml("r", a));
    assert_sc_ok(pool = scStoragePoolDefineXML(conn, xml_a, 0));
    assert_sc_ok(scStoragePoolCreate(pool, SC_STORAGE_POOL_CREATE_WITH_BUILD) == 0);
    assert_sc_ok(scStoragePoolGetUUIDString(pool, uuid) == 0);
    assert_true(asprintf(&xml_b, "<pool type='dir'><name>r</name><uuid>%s</uuid><target>"
                                 "<path>%s</path></target></pool>", uuid, b) > 0);

    assert_sc_ok(p2 = scStoragePoolDefineXML(conn, xml_b, 0));
    scStoragePoolFree(p2);
    assert_null(scGetLastError());
    assert_int_equal(scStoragePoolIsActive(pool), 1);
    assert_sc_ok(text = scStoragePoolGetXMLDesc(pool, 0));
    assert_non_null(strstr(text, a));
    assert_null(strstr(text, "<capacity unit='bytes'>0</capacity>"));
    free(text);
    assert_sc_ok(text = scStoragePoolGetXMLDesc(pool, SC_STORAGE_XML_INACTIVE));
    assert_non_null(strstr(text, b));
    assert_non_null(strstr(text, "<capacity unit='bytes'>0</capacity>"));
    assert_null(strstr(text, "<permissions>"));
    free(text);
    /* The running definition is the one found by target path; the pending
     * one's target is taken all the same. */
    assert_sc_ok(p2 = scStoragePoolLookupByTargetPath(conn, a));
    scStoragePoolFree(p2);
    assert_non_null(other = dir_xml("s", b));
    assert_sc_err(scStoragePoolDefineXML(conn, other, 0), SC_ERR_OPERATION_FAILED);
    assert_non_null(strstr(scGetLastErrorMessage(), "'r'"));

    /* Stopped: the new definition is the pool's, with no sizes. */
    assert_sc_ok(scStoragePoolDestroy(pool) == 0);
    assert_sc_ok(text = scStoragePoolGetXMLDesc(pool, 0));
    assert_non_null(strstr(text, b));
    assert_null(strstr(text, "<permissions>"));
    free(text);
    assert_sc_ok(scStoragePoolGetInfo(pool, &info) == 0);
    assert_int_equal(info.capacity, 0);
    assert_sc_err(scStoragePoolDefineXML(conn, other, 0), SC_ERR_OPERATION_FAILED);
    /* ... and the old target is free. */
    free(other);
    assert_non_null(other = dir_xml("s", a));
    assert_sc_ok(p2 = scStoragePoolDefineXML(conn, other, 0));
    assert_sc_ok(scStoragePoolUndefine(p2) == 0);
    scStoragePoolFree(p2);
    assert_sc_ok(scStoragePoolCreate(pool, SC_STORAGE_POOL_CREATE_WITH_BUILD) == 0);
    assert_int_equal(access(b, F_OK), 0);

    /* Redefined to A while running, then the host reboots: the pool reads
     * inactive, its definition the new one, applied at its next start. */
    free(xml_a);
    assert_true(asprintf(&xml_a, "<pool type='dir'><name>r</name><uuid>%s</uuid><target>"
                                 "<path>%s</path></target></pool>", uuid, a) > 0);
    assert_sc_ok(p2 = scStoragePoolDefineXML(conn, xml_a, 0));
    scStoragePoolFree(p2);
    scStoragePoolFree(pool);
    scConnectClose(conn);
    setenv("STORCAT_BOOT_ID", "boot-B", 1);
    assert_sc_ok(conn = scConnectOpen(f->path));
    assert_sc_ok(pool = scStoragePoolLookupByName(conn, "r"));
    assert_int_equal(scStoragePoolIsActive(pool), 0);
    assert_sc_ok(text = scStoragePoolGetXMLDesc(pool, 0));
    assert_non_null(strstr(text, a));
    free(text);
    assert_sc_ok(scStoragePoolCreate(pool, 0) == 0);
    assert_sc_ok(p2 = scStoragePoolLookupByTargetPath(conn, a));
    scStoragePoolFree(p2);
    assert_sc_ok(scStoragePoolDestroy(pool) == 0);
    scStoragePoolFree(pool);
    scConnectClose(conn);
    unsetenv("STORCAT_BOOT_ID");
    free(other);
    free(xml_a);
    free(xml_b);
    free(a);
    free(b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_define_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_redefine, setup, teardown),
        cmocka_unit_test_setup_teardown(test_duplicates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_types, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_secret_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failure_injection, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_processes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_threads, setup, teardown),
        cmocka_unit_test_setup_teardown(test_transient_and_lists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_redefine_active, setup, teardown),
    };
    return cmocka_run_group_tests_name("pool", tests, NULL, NULL);
}
