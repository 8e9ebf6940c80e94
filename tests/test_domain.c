/*
 * test_domain.c: the guest-disk map (issue 14), through the API, on a real
 * dir pool in a fresh temporary directory per test:
 *  - scConnectDomainImportXML resolving every spelling of a disk's path
 *    ("..", "//", "/./", a symlinked directory, a volume's alias, a pool's
 *    volume by name) to its volume, and keeping what resolves to none
 *    (a block device in no pool, a network disk, an empty cdrom);
 *  - a volume catalogued after the import is found by its path;
 *  - scConnectLookupDiskOwner and scStorageVolListUsers, its callback's
 *    stop and abort;
 *  - re-import replaces a domain's disks, scConnectDomainForget, events;
 *  - hostile XML refused with SC_ERR_XML_ERROR naming the cause, the
 *    catalog unchanged (an earlier import of that domain kept whole);
 *  - SC_STORAGE_VOL_CHECK_USERS refusing delete, shrink, wipe and upload
 *    of a volume a domain uses, naming the domain.
 */
#include <config.h>

#include <fcntl.h>
#include <stdbool.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

typedef struct {
    char *dir;    /* the test's temporary directory */
    char *images; /* the pool's directory */
    char *link;   /* a symlink to it */
    char *catalog;
    scConnectPtr conn;
    scStoragePoolPtr pool;
} Fixture;

static scStorageVolPtr
create(scStoragePoolPtr pool, const char *name)
{
    char *xml;
    scStorageVolPtr vol;

    assert_true(asprintf(&xml,
                         "<volume><name>%s</name><capacity>1048576</capacity>"
                         "<target><format type='raw'/></target></volume>",
                         name) > 0);
    vol = scStorageVolCreateXML(pool, xml, 0);
    free(xml);
    return vol;
}

static int
setup(void **state)
{
    Fixture *f = calloc(1, sizeof(*f));
    char *xml;

    if (!f || !(f->dir = testTmpDirMake("domain")))
        return -1;
    f->images = testPath(f->dir, "images");
    f->link = testPath(f->dir, "link");
    f->catalog = testPath(f->dir, "catalog.db");
    if (!(f->conn = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE)))
        return -1;
    if (asprintf(&xml,
                 "<pool type='dir'><name>images</name>"
                 "<target><path>%s</path></target></pool>",
                 f->images) < 0)
        return -1;
    f->pool = scStoragePoolDefineXML(f->conn, xml, 0);
    free(xml);
    if (!f->pool || scStoragePoolCreate(f->pool, SC_STORAGE_POOL_CREATE_WITH_BUILD) < 0 ||
        symlink(f->images, f->link) < 0) {
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

    scStoragePoolFree(f->pool);
    assert_int_equal(scConnectClose(f->conn), 0);
    testTmpDirRemove(f->dir);
    free(f->images);
    free(f->link);
    free(f->catalog);
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

static void
assert_message_has(const char *text)
{
    const char *msg = scGetLastErrorMessage();
    if (!strstr(msg, text))
        fail_msg("'%s' is not in the message '%s'", text, msg);
}

/* The users of @vol as "kind:name:detail;..." (a new string). */
typedef struct {
    char buf[1024];
    int stop_after; /* 0: never */
    int ret;        /* what the callback returns then */
    int calls;
} Users;

static int
user_cb(const char *kind, const char *name, const char *detail, void *opaque)
{
    Users *u = opaque;
    size_t len = strlen(u->buf);

    snprintf(u->buf + len, sizeof(u->buf) - len, "%s:%s:%s;", kind, name, detail);
    u->calls++;
    return u->stop_after && u->calls >= u->stop_after ? u->ret : 0;
}

static void
assert_users(scStorageVolPtr vol, const char *want)
{
    Users u = { .buf = "" };
    int n;

    assert_sc_ok((n = scStorageVolListUsers(vol, user_cb, &u, 0)) >= 0);
    assert_null(scGetLastError());
    assert_int_equal(n, u.calls);
    assert_string_equal(u.buf, want);
}

/* The domains with a disk at @path, "a,b" ("" for none). */
static void
assert_owners(Fixture *f, const char *path, const char *want)
{
    char **names = NULL, buf[512] = "";
    int n;

    assert_sc_ok((n = scConnectLookupDiskOwner(f->conn, path, &names, 0)) >= 0);
    assert_non_null(names);
    for (int i = 0; i < n; i++) {
        snprintf(buf + strlen(buf), sizeof(buf) - strlen(buf), "%s%s", i ? "," : "", names[i]);
        free(names[i]);
    }
    assert_null(names[n]);
    free(names);
    if (strcmp(buf, want) != 0)
        fail_msg("owners of '%s': '%s', expected '%s'", path, buf, want);
}

static int import(Fixture *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int
import(Fixture *f, const char *fmt, ...)
{
    va_list ap;
    char *xml;
    int r;

    va_start(ap, fmt);
    assert_true(vasprintf(&xml, fmt, ap) > 0);
    va_end(ap);
    r = scConnectDomainImportXML(f->conn, xml, "test.xml", 0);
    free(xml);
    return r;
}

/* ---- importing, every spelling --------------------------------------------- */

static void
test_import_spellings(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr a, b, c, d, late;
    char *alias, *sql, *p;

    assert_sc_ok(a = create(f->pool, "a.img"));
    assert_sc_ok(b = create(f->pool, "b.img"));
    assert_sc_ok(c = create(f->pool, "c.img"));
    assert_sc_ok(d = create(f->pool, "d.img"));
    /* An alias of d.img, as a backend records /dev/mapper names. */
    alias = testPath(f->dir, "by-id-disk-d");
    assert_true(asprintf(&sql,
                         "INSERT INTO volume_paths (path, volume_id) SELECT '%s', id"
                         " FROM volumes WHERE name = 'd.img'",
                         alias) > 0);
    sql_exec(f, sql);
    free(sql);

    assert_sc_ok(
        import(f,
               "<domain type='kvm'><name>vm1</name>"
               "<uuid>6f1c2c7a-1b7e-4c55-9f3e-2a4d1b9e0c11</uuid><devices>"
               "<disk type='file' device='disk'><source file='%s/../images//a.img'/>"
               "<target dev='vda' bus='virtio'/></disk>"
               "<disk type='file'><source file='%s/./b.img'/><target dev='vdb'/><readonly/></disk>"
               "<disk type='volume' device='disk'><source pool='images' volume='c.img'/>"
               "<target dev='vdc'/></disk>"
               "<disk type='block' device='disk'><source dev='%s'/><target dev='vdd'/></disk>"
               "<disk type='block' device='lun'><source dev='/dev/storcat-test-nowhere'/>"
               "<target dev='sda'/></disk>"
               "<disk type='network'><source protocol='rbd' name='rbdpool/img'>"
               "<host name='mon1'/></source><target dev='vde'/></disk>"
               "<disk type='file' device='cdrom'><target dev='hdc'/><readonly/></disk>"
               "<interface type='network'><source network='default'/></interface>"
               "</devices></domain>",
               f->images, f->link, alias) == 7);
    assert_null(scGetLastError());
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM attachments"), 7);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM attachments WHERE volume_uuid IS NOT NULL"),
                     4);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM attachments WHERE readonly"), 2);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM domains WHERE name = 'vm1' AND uuid ="
                                " '6f1c2c7a-1b7e-4c55-9f3e-2a4d1b9e0c11' AND source = 'test.xml'"),
                     1);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM attachments WHERE source_type = 'network'"
                                " AND source = 'rbd:rbdpool/img' AND path IS NULL"),
                     1);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM attachments WHERE device = 'cdrom'"
                                " AND source IS NULL AND path IS NULL"),
                     1);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'domain-import'"
                                " AND detail = 'domain ''vm1'': 7 disks, 4 catalogued volumes"
                                " (from ''test.xml'')'"),
                     1);

    assert_users(a, "domain:vm1:vda;");
    assert_users(b, "domain:vm1:vdb;");
    assert_users(c, "domain:vm1:vdc;");
    assert_users(d, "domain:vm1:vdd;");

    /* Every spelling of a.img's path finds its owner; so does the
     * volume's alias for d.img, and d.img's own path. */
    p = testPath(f->images, "a.img");
    assert_owners(f, p, "vm1");
    free(p);
    p = testPath(f->link, "a.img");
    assert_owners(f, p, "vm1");
    free(p);
    assert_true(asprintf(&p, "%s//./a.img", f->images) > 0);
    assert_owners(f, p, "vm1");
    free(p);
    p = testPath(f->images, "d.img");
    assert_owners(f, p, "vm1");
    free(p);
    assert_owners(f, alias, "vm1");
    assert_owners(f, "/dev/storcat-test-nowhere", "vm1");
    assert_owners(f, "/dev/storcat-test-elsewhere", "");
    {
        char **names = NULL;
        assert_sc_err(scConnectLookupDiskOwner(f->conn, "images/a.img", &names, 0) == 0,
                      SC_ERR_INVALID_ARG);
        assert_null(names);
    }

    /* A second domain shares a.img (read-only) and names a file that is
     * no volume yet: created later, it is found by its path. */
    assert_sc_ok(import(f,
                        "<domain><name>vm2</name><devices>"
                        "<disk type='file'><source file='%s/a.img'/><target dev='vdb'/></disk>"
                        "<disk type='file'><source file='%s/late.img'/><target dev='vda'/></disk>"
                        "</devices></domain>",
                        f->images, f->link) == 2);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM attachments WHERE volume_uuid IS NULL"
                                " AND source LIKE '%/late.img'"),
                     1);
    assert_users(a, "domain:vm1:vda;domain:vm2:vdb;");
    assert_sc_ok(late = create(f->pool, "late.img"));
    assert_users(late, "domain:vm2:vda;");
    p = testPath(f->images, "a.img");
    assert_owners(f, p, "vm1,vm2");
    free(p);

    scStorageVolFree(a);
    scStorageVolFree(b);
    scStorageVolFree(c);
    scStorageVolFree(d);
    scStorageVolFree(late);
    free(alias);
}

static void
test_list_users_callback(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr a;
    Users u = { .buf = "", .stop_after = 1, .ret = 1 };

    assert_sc_ok(a = create(f->pool, "a.img"));
    assert_users(a, "");
    for (int i = 1; i <= 3; i++)
        assert_sc_ok(import(f,
                            "<domain><name>vm%d</name><devices><disk type='file'>"
                            "<source file='%s/a.img'/><target dev='vda'/></disk>"
                            "</devices></domain>",
                            i, f->images) == 1);
    /* 1 stops, as a success; -1 fails. */
    assert_int_equal(scStorageVolListUsers(a, user_cb, &u, 0), 1);
    assert_string_equal(u.buf, "domain:vm1:vda;");
    u = (Users){ .buf = "", .stop_after = 2, .ret = -1 };
    assert_sc_err(scStorageVolListUsers(a, user_cb, &u, 0) == 0, SC_ERR_OPERATION_ABORTED);
    assert_int_equal(u.calls, 2);
    assert_sc_err(scStorageVolListUsers(a, NULL, NULL, 0) == 0, SC_ERR_INVALID_ARG);
    assert_sc_err(scStorageVolListUsers(a, user_cb, &u, 1) == 0, SC_ERR_INVALID_ARG);
    scStorageVolFree(a);
}

/* ---- re-import and forget ------------------------------------------------------ */

static void
test_reimport_forget(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr a, b;

    assert_sc_ok(a = create(f->pool, "a.img"));
    assert_sc_ok(b = create(f->pool, "b.img"));
    assert_sc_ok(import(f,
                        "<domain><name>vm1</name><devices>"
                        "<disk type='file'><source file='%s/a.img'/><target dev='vda'/></disk>"
                        "<disk type='file'><source file='%s/b.img'/><target dev='vdb'/></disk>"
                        "</devices></domain>",
                        f->images, f->images) == 2);
    /* Again, with b.img gone from its definition: replaced whole. */
    assert_sc_ok(import(f,
                        "<domain><name>vm1</name><devices>"
                        "<disk type='file'><source file='%s/a.img'/><target dev='vdz'/></disk>"
                        "</devices></domain>",
                        f->images) == 1);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM domains"), 1);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM attachments"), 1);
    assert_users(a, "domain:vm1:vdz;");
    assert_users(b, "");
    /* A domain with no disk is recorded too. */
    assert_int_equal(import(f, "<domain><name>empty</name></domain>"), 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM domains"), 2);

    assert_sc_ok(scConnectDomainForget(f->conn, "vm1", 0) == 0);
    assert_users(a, "");
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM attachments"), 0);
    assert_sc_err(scConnectDomainForget(f->conn, "vm1", 0) == 0, SC_ERR_NO_DOMAIN);
    assert_message_has("no domain 'vm1' was imported");
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'domain-import'"), 3);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'domain-forget'"
                                " AND detail = 'domain ''vm1'''"),
                     1);
    assert_sc_err(scConnectDomainForget(f->conn, NULL, 0) == 0, SC_ERR_INVALID_ARG);
    assert_sc_err(scConnectDomainForget(f->conn, "empty", 1) == 0, SC_ERR_INVALID_ARG);
    scStorageVolFree(a);
    scStorageVolFree(b);
}

/* ---- hostile input -------------------------------------------------------- */

static const struct {
    const char *xml;
    const char *message;
} bad_docs[] = {
    { "<domain><name>vm1</name><devices>", "domain XML: malformed document" },
    { "<pool><name>vm1</name></pool>", "the root element is <pool>, not <domain>" },
    { "<domain><uuid>6f1c2c7a-1b7e-4c55-9f3e-2a4d1b9e0c11</uuid></domain>", "missing domain name" },
    { "<domain><name>a/b</name></domain>", "domain name 'a/b' is not a valid name" },
    { "<domain><name>a&#10;b</name></domain>", "domain name '?' is not a valid name" },
    { "<domain><name>vm1</name><uuid>not-a-uuid</uuid></domain>", "malformed uuid element" },
    { "<domain><name>vm1</name><devices><disk type='floppy-ish'><target dev='vda'/></disk>"
      "</devices></domain>",
      "disk 'vda': unknown disk type 'floppy-ish'" },
    { "<domain><name>vm1</name><devices><disk type='file' device='tape'>"
      "<target dev='vda'/></disk></devices></domain>",
      "unknown disk device 'tape'" },
    { "<domain><name>vm1</name><devices><disk type='file'><source file='images/a.img'/>"
      "<target dev='vda'/></disk></devices></domain>",
      "disk 'vda': source 'images/a.img' is not an absolute path" },
    { "<domain><name>vm1</name><devices><disk type='file'><source file='/x&#10;y'/>"
      "</disk></devices></domain>",
      "disk '#1': its source path has control characters" },
    { "<domain><name>vm1</name><devices><disk type='volume'><source pool='images'/>"
      "<target dev='vda'/></disk></devices></domain>",
      "a volume source needs both a pool and a volume" },
    { "<!DOCTYPE domain [<!ENTITY x SYSTEM 'file:///etc/passwd'>]>"
      "<domain><name>&x;</name></domain>",
      "DTDs and entities are not allowed" },
};

static void
test_bad_xml(void **state)
{
    Fixture *f = *state;
    scConnectPtr ro;
    scStorageVolPtr a;
    int events;

    assert_sc_ok(a = create(f->pool, "a.img"));
    assert_sc_ok(import(f,
                        "<domain><name>vm1</name><devices><disk type='file'>"
                        "<source file='%s/a.img'/><target dev='vda'/></disk></devices>"
                        "</domain>",
                        f->images) == 1);
    events = testSqlInt(f->catalog, "SELECT count(*) FROM events");
    for (size_t i = 0; i < sizeof(bad_docs) / sizeof(bad_docs[0]); i++) {
        /* A parser error is libvirt's SC_ERR_XML_DETAIL, the rest
         * SC_ERR_XML_ERROR. */
        assert_sc_err(scConnectDomainImportXML(f->conn, bad_docs[i].xml, NULL, 0) == 0,
                      i == 0 ? SC_ERR_XML_DETAIL : SC_ERR_XML_ERROR);
        assert_message_has(bad_docs[i].message);
    }
    /* Nothing changed: vm1 as it was, no event. */
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events"), events);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM domains"), 1);
    assert_users(a, "domain:vm1:vda;");

    assert_sc_err(scConnectDomainImportXML(f->conn, NULL, NULL, 0) == 0, SC_ERR_INVALID_ARG);
    assert_sc_err(scConnectDomainImportXML(f->conn, "<domain><name>x</name></domain>", NULL, 4) ==
                      0,
                  SC_ERR_INVALID_ARG);
    assert_sc_err(scConnectDomainImportXML(NULL, "<domain/>", NULL, 0) == 0, SC_ERR_INVALID_CONN);
    /* A read-only connection reads, never writes. */
    assert_sc_ok(ro = scConnectOpenReadOnly(f->catalog));
    assert_sc_err(scConnectDomainImportXML(ro, "<domain><name>x</name></domain>", NULL, 0) == 0,
                  SC_ERR_OPERATION_DENIED);
    assert_sc_err(scConnectDomainForget(ro, "vm1", 0) == 0, SC_ERR_OPERATION_DENIED);
    {
        char **names = NULL;
        char *p = testPath(f->images, "a.img");
        assert_int_equal(scConnectLookupDiskOwner(ro, p, &names, 0), 1);
        assert_string_equal(names[0], "vm1");
        free(names[0]);
        free(names);
        free(p);
    }
    assert_int_equal(scConnectClose(ro), 0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM domains"), 1);
    scStorageVolFree(a);
}

/* ---- SC_STORAGE_VOL_CHECK_USERS ------------------------------------------ */

static void
test_check_users(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr a, plain;
    int fd = open("/dev/zero", O_RDONLY);

    assert_true(fd >= 0);
    assert_sc_ok(a = create(f->pool, "a.img"));
    assert_sc_ok(plain = create(f->pool, "plain.img"));
    assert_sc_ok(import(f,
                        "<domain><name>web</name><devices><disk type='file'>"
                        "<source file='%s/a.img'/><target dev='vda'/></disk>"
                        "<disk type='file'><source file='%s/a.img'/><target dev='vdb'/>"
                        "</disk></devices></domain>",
                        f->link, f->images) == 2);
    assert_sc_ok(import(f,
                        "<domain><name>db</name><devices><disk type='file'>"
                        "<source file='%s/a.img'/><target dev='vda'/></disk></devices>"
                        "</domain>",
                        f->images) == 1);

    assert_sc_err(scStorageVolDelete(a, SC_STORAGE_VOL_CHECK_USERS) == 0, SC_ERR_OPERATION_INVALID);
    assert_message_has("volume 'a.img' is used by domain db (disk vda), web (disk vda, vdb): "
                       "it cannot be deleted");
    assert_sc_err(
        scStorageVolResize(a, 4096, SC_STORAGE_VOL_RESIZE_SHRINK | SC_STORAGE_VOL_CHECK_USERS) == 0,
        SC_ERR_OPERATION_INVALID);
    assert_message_has("it cannot be shrunk");
    assert_sc_err(scStorageVolWipe(a, SC_STORAGE_VOL_CHECK_USERS) == 0, SC_ERR_OPERATION_INVALID);
    assert_message_has("it cannot be wiped");
    assert_sc_err(scStorageVolUploadFD(a, fd, 0, 4096, SC_STORAGE_VOL_CHECK_USERS) == 0,
                  SC_ERR_OPERATION_INVALID);
    assert_message_has("used by domain db");
    assert_message_has("it cannot be uploaded to");
    /* Nothing happened: no journal, no event, the file whole. */
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM volumes WHERE op IS NOT NULL"
                                " OR state != 'present'"),
                     0);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE volume_name = 'a.img'"
                                " AND action != 'vol-create'"),
                     0);
    /* Growing is harmless; a volume no domain uses is free. */
    assert_sc_ok(scStorageVolResize(a, 2 << 20, SC_STORAGE_VOL_CHECK_USERS) == 0);
    assert_sc_ok(scStorageVolDelete(plain, SC_STORAGE_VOL_CHECK_USERS) == 0);

    /* Forgotten domains protect nothing. */
    assert_sc_ok(scConnectDomainForget(f->conn, "db", 0) == 0);
    assert_sc_err(scStorageVolWipe(a, SC_STORAGE_VOL_CHECK_USERS) == 0, SC_ERR_OPERATION_INVALID);
    assert_message_has("volume 'a.img' is used by domain web (disk vda, vdb): it cannot be wiped");
    assert_sc_ok(scConnectDomainForget(f->conn, "web", 0) == 0);
    assert_sc_ok(scStorageVolWipe(a, SC_STORAGE_VOL_CHECK_USERS) == 0);
    /* Without the flag, as libvirt: done whoever uses it. */
    assert_sc_ok(import(f,
                        "<domain><name>db</name><devices><disk type='file'>"
                        "<source file='%s/a.img'/><target dev='vda'/></disk></devices>"
                        "</domain>",
                        f->images) == 1);
    assert_sc_ok(scStorageVolDelete(a, 0) == 0);
    close(fd);
    scStorageVolFree(a);
    scStorageVolFree(plain);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_import_spellings, setup, teardown),
        cmocka_unit_test_setup_teardown(test_list_users_callback, setup, teardown),
        cmocka_unit_test_setup_teardown(test_reimport_forget, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_xml, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check_users, setup, teardown),
    };

    return cmocka_run_group_tests_name("domain", tests, NULL, NULL);
}
