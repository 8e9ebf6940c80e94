/*
 * test_import.c: scConnectImportLibvirt (issue 14) on libvirt's own pool
 * XML files, laid out as libvirt keeps them in /etc/libvirt/storage:
 *  - every pool case of compat/libvirt/storagepoolxml2xmlout copied into
 *    a directory, two of them with autostart/ links (one link pointing
 *    elsewhere); each file told to the callback once, in name order: the
 *    pools storcat defines imported with their names, UUIDs and
 *    autostart, the others refused with the reason (a type storcat does
 *    not define, a UUID or target another file's pool has);
 *  - imported again: everything skipped, no event;
 *  - a pool defined differently is not overwritten;
 *  - each pool whole or not at all: its autostart step failed by the
 *    catalog leaves no pool and no event;
 *  - hostile files (broken XML, a DOCTYPE, a huge file, a directory named
 *    *.xml), a directory that does not exist, a read-only connection.
 */
#include <config.h>

#include <dirent.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"

extern int scCatalogFailCountdown;

typedef struct {
    char *dir;
    char *storage; /* the libvirt-like configuration directory */
    char *catalog;
    scConnectPtr conn;
} Fixture;

static int
setup(void **state)
{
    Fixture *f = calloc(1, sizeof(*f));
    char *autostart;

    if (!f || !(f->dir = testTmpDirMake("import")))
        return -1;
    f->storage = testPath(f->dir, "storage");
    f->catalog = testPath(f->dir, "catalog.db");
    autostart = testPath(f->storage, "autostart");
    if (mkdir(f->storage, 0700) < 0 || mkdir(autostart, 0700) < 0)
        return -1;
    free(autostart);
    if (!(f->conn = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE)))
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
    free(f->storage);
    free(f->catalog);
    free(f);
    return 0;
}

static void
write_file(const char *dir, const char *name, const char *text)
{
    char *p = testPath(dir, name);
    FILE *fp = fopen(p, "w");

    assert_non_null(fp);
    assert_int_equal(fputs(text, fp) >= 0, 1);
    assert_int_equal(fclose(fp), 0);
    free(p);
}

/* What the callback was told, one line per file: "NAME STATUS[: MESSAGE]". */
typedef struct {
    char *text;
    size_t len;
    FILE *out;
    int counts[3]; /* -1, 0, 1 */
} Told;

static void
told_cb(const char *name, int status, const char *message, void *opaque)
{
    Told *t = opaque;

    assert_true(status >= -1 && status <= 1);
    assert_true((status < 0) == (message != NULL));
    t->counts[status + 1]++;
    fprintf(t->out, "%s %d%s%s\n", name, status, message ? ": " : "", message ? message : "");
}

static int
run_import(Fixture *f, Told *t)
{
    int n;

    memset(t, 0, sizeof(*t));
    assert_non_null(t->out = open_memstream(&t->text, &t->len));
    n = scConnectImportLibvirt(f->conn, f->storage, told_cb, t, 0);
    fclose(t->out);
    return n;
}

static void
assert_told(const Told *t, const char *line)
{
    if (!strstr(t->text, line))
        fail_msg("'%s' not told; told:\n%s", line, t->text);
}

/* ---- libvirt's own files ------------------------------------------------- */

static void
test_libvirt_cases(void **state)
{
    Fixture *f = *state;
    const char *compat = testCompatDir();
    char *in, *link, *target;
    Told t;
    int n, files = 0, events, skipped;
    DIR *d;
    struct dirent *e;

    if (!compat) {
        skip();
        return;
    }
    in = testPath(compat, "storagepoolxml2xmlout");
    assert_non_null(d = opendir(in));
    while ((e = readdir(d))) {
        char *src, *text;
        if (e->d_name[0] == '.' || !strstr(e->d_name, ".xml"))
            continue;
        src = testPath(in, e->d_name);
        assert_non_null(text = testReadFile(src));
        write_file(f->storage, e->d_name, text);
        free(text);
        free(src);
        files++;
    }
    closedir(d);
    free(in);
    /* As libvirt marks autostart: autostart/NAME.xml -> ../NAME.xml. */
    link = testPath(f->storage, "autostart/pool-dir-cow.xml");
    assert_int_equal(symlink("../pool-dir-cow.xml", link), 0);
    free(link);
    link = testPath(f->storage, "autostart/pool-disk.xml");
    target = testPath(f->storage, "pool-disk.xml");
    assert_int_equal(symlink(target, link), 0);
    free(link);
    free(target);
    /* A link to another file is no autostart of this one. */
    link = testPath(f->storage, "autostart/pool-fs.xml");
    assert_int_equal(symlink("../pool-dir-cow.xml", link), 0);
    free(link);

    assert_sc_ok((n = run_import(f, &t)) > 0);
    assert_null(scGetLastError());
    assert_int_equal(t.counts[0] + t.counts[1] + t.counts[2], files);
    assert_int_equal(t.counts[1], n);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM pools"), n);
    /* Defined with their names, UUIDs and autostart. */
    assert_told(&t, "vms 0\n");
    assert_told(&t, "sda 0\n");
    assert_told(&t, "images 0\n");
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM pools WHERE name = 'vms' AND uuid ="
                                " '751f8e7e-d2e9-463d-8ffe-d38f5e13a19b' AND autostart"),
                     1);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM pools WHERE name = 'sda' AND autostart"), 1);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM pools WHERE autostart"), 2);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM pools WHERE name = 'images' AND type = 'fs'"
                                " AND NOT autostart"),
                     1);
    /* What storcat does not define, said so. */
    assert_told(&t, "pool-gluster.xml -1: unsupported configuration: pool 'mygluster': pool "
                    "type 'gluster' is not supported by storcat");
    assert_told(&t, "pool-rbd.xml -1: unsupported configuration: pool 'ceph': pool type 'rbd'");
    /* A second file with the UUID of an imported pool is not imported
     * over it. */
    assert_told(&t, "virtimages 0\nvirtimages -1: operation failed: pool 'virtimages' with uuid "
                    "'70a7eb15-6c34-ee9c-bf57-69e8e5ff3fb2' is defined already, differently: "
                    "not imported over it\n");
    assert_told(&t, "multipath -1: operation failed: pool 'multipath': its uuid "
                    "'70a7eb15-6c34-ee9c-bf57-69e8e5ff3fb2' is pool 'virtimages''s");
    /* ... nor with a name or a source another pool has. */
    assert_told(&t, "iscsi-direct -1: operation failed: pool 'iscsi-direct': source (iSCSI "
                    "target");
    assert_told(&t, "is already used by pool 'iscsi-direct-auth'\n");
    /* The same definition in two files (libvirt's logical pool without
     * a path formats as one with it): the second is skipped. */
    assert_told(&t, "HostVG 0\n");
    assert_told(&t, "HostVG 1\n");
    assert_int_equal(t.counts[2], 1);
    skipped = t.counts[2];
    free(t.text);

    /* Again: all skipped, nothing recorded. */
    events = testSqlInt(f->catalog, "SELECT count(*) FROM events");
    assert_int_equal(run_import(f, &t), 0);
    assert_int_equal(t.counts[2], n + skipped);
    assert_int_equal(t.counts[1], 0);
    assert_told(&t, "vms 1\n");
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events"), events);
    free(t.text);

    /* Defined differently since (autostart off): not overwritten. */
    {
        scStoragePoolPtr p = scStoragePoolLookupByName(f->conn, "vms");
        assert_non_null(p);
        assert_sc_ok(scStoragePoolSetAutostart(p, 0) == 0);
        scStoragePoolFree(p);
    }
    assert_int_equal(run_import(f, &t), 0);
    assert_told(&t, "vms -1: operation failed: pool 'vms' with uuid "
                    "'751f8e7e-d2e9-463d-8ffe-d38f5e13a19b' is defined already, differently");
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM pools WHERE name = 'vms' AND autostart"), 0);
    free(t.text);
}

/* ---- whole or nothing ------------------------------------------------------ */

static const char dir_pool[] = "<pool type='dir'><name>p1</name>"
                               "<uuid>3c2b5e1a-9d7f-4b8e-a1c3-5f6e7d8c9b0a</uuid>"
                               "<target><path>/var/lib/storcat-test-p1</path></target></pool>";

static void
test_whole_or_nothing(void **state)
{
    Fixture *f = *state;
    char *link = testPath(f->storage, "autostart/p1.xml");
    Told t;
    int n = 0;

    write_file(f->storage, "p1.xml", dir_pool);
    assert_int_equal(symlink("../p1.xml", link), 0);
    free(link);
    /* Fail each catalog step in turn: the pool comes whole or not at all. */
    for (int step = 1; step < 40; step++) {
        scCatalogFailCountdown = step;
        n = run_import(f, &t);
        scCatalogFailCountdown = 0;
        assert_int_equal(n, t.counts[1]);
        if (n == 1) {
            free(t.text);
            break;
        }
        assert_int_equal(t.counts[0], 1);
        assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM pools"), 0);
        assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events"), 0);
        free(t.text);
    }
    assert_int_equal(n, 1);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM pools WHERE name = 'p1' AND autostart"), 1);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'pool-define'"), 1);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM events WHERE action = 'pool-autostart'"), 1);
}

/* ---- hostile input ------------------------------------------------------------ */

static void
test_bad_files(void **state)
{
    Fixture *f = *state;
    scConnectPtr ro;
    char *big, *sub, *missing;
    Told t;

    write_file(f->storage, "broken.xml", "<pool type='dir'><name>x</name>");
    write_file(f->storage, "entity.xml",
               "<!DOCTYPE pool [<!ENTITY e SYSTEM 'file:///etc/passwd'>]>"
               "<pool type='dir'><name>&e;</name><target><path>/x</path></target></pool>");
    write_file(f->storage, "relative.xml",
               "<pool type='dir'><name>rel</name><target><path>images</path></target></pool>");
    write_file(f->storage, "p1.xml", dir_pool);
    write_file(f->storage, "notes.txt", "not a pool");
    assert_non_null(big = malloc((1 << 20) + 2));
    memset(big, ' ', (1 << 20) + 1);
    big[(1 << 20) + 1] = '\0';
    write_file(f->storage, "huge.xml", big);
    free(big);
    sub = testPath(f->storage, "dir.xml");
    assert_int_equal(mkdir(sub, 0700), 0);
    free(sub);

    assert_int_equal(run_import(f, &t), 1);
    assert_null(scGetLastError());
    assert_int_equal(t.counts[0], 4);
    assert_told(&t, "broken.xml -1: pool XML: malformed document"); /* SC_ERR_XML_DETAIL */
    assert_told(&t, "entity.xml -1: XML error: pool XML: DTDs and entities are not allowed");
    assert_told(&t, "huge.xml -1: XML error: '");
    assert_told(&t, "too large for a pool definition");
    assert_told(&t, "relative.xml -1: XML error: pool 'rel': <target><path> 'images' is not an "
                    "absolute path");
    assert_told(&t, "p1 0\n");
    assert_null(strstr(t.text, "notes"));
    assert_null(strstr(t.text, "dir.xml"));
    free(t.text);
    assert_int_equal(testSqlInt(f->catalog, "SELECT count(*) FROM pools"), 1);

    missing = testPath(f->dir, "nowhere");
    assert_sc_err(scConnectImportLibvirt(f->conn, missing, NULL, NULL, 0) == 0,
                  SC_ERR_SYSTEM_ERROR);
    free(missing);
    assert_sc_err(scConnectImportLibvirt(f->conn, f->storage, NULL, NULL, 2) == 0,
                  SC_ERR_INVALID_ARG);
    assert_sc_ok(ro = scConnectOpenReadOnly(f->catalog));
    assert_sc_err(scConnectImportLibvirt(ro, f->storage, NULL, NULL, 0) == 0,
                  SC_ERR_OPERATION_DENIED);
    assert_int_equal(scConnectClose(ro), 0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_libvirt_cases, setup, teardown),
        cmocka_unit_test_setup_teardown(test_whole_or_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bad_files, setup, teardown),
    };

    return cmocka_run_group_tests_name("import", tests, NULL, NULL);
}
