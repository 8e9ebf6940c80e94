/*
 * test_chain.c: an image's chain is walked and checked before qemu-img is
 * handed it (backends/common/chain.c), and the file volume operations use
 * only what was checked: hostile images that name files outside the pool
 * (absolute and relative backing files, json: and protocol names, external
 * data files, vmdk extents), FIFOs, loops and chains too deep are refused,
 * naming the reference, with nothing created or changed; images whose
 * chain stays in the pool (relative backing files included) are cloned,
 * resized and wiped.
 */
#include <config.h>

#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "backends/common/chain.h"
#include "util/internal.h"

typedef struct {
    char *dir;   /* the test's temporary directory */
    char *pool;  /* the pool directory (canonical) */
    char *other; /* a directory outside the pool */
    scConnectPtr conn;
    scStoragePoolPtr p;
} Fixture;

static bool
have_qemu_img(void)
{
    return access(QEMU_IMG, X_OK) == 0;
}

static char *
in(const char *dir, const char *name)
{
    char *s;
    assert_true(asprintf(&s, "%s/%s", dir, name) > 0);
    return s;
}

/* qemu-img create ARGS in directory @dir; fails the test if it fails. */
static void
qemu_img(const char *dir, const char *args)
{
    char *cmd;
    assert_true(asprintf(&cmd, "cd '%s' && %s create -q %s >/dev/null 2>&1", dir, QEMU_IMG,
                         args) > 0);
    if (system(cmd) != 0)
        fail_msg("qemu-img create %s failed", args);
    free(cmd);
}

static void
write_text(const char *dir, const char *name, const char *text)
{
    char *p = in(dir, name);
    FILE *fp = fopen(p, "w");
    assert_non_null(fp);
    fputs(text, fp);
    fclose(fp);
    free(p);
}

static int
setup(void **state)
{
    Fixture *f = calloc(1, sizeof(*f));
    char real[PATH_MAX], *xml, *cat;

    if (!f || !(f->dir = testTmpDirMake("chain")))
        return -1;
    f->other = in(f->dir, "outside");
    char *pool = in(f->dir, "pool");
    if (mkdir(pool, 0755) < 0 || mkdir(f->other, 0755) < 0 || !realpath(pool, real))
        return -1;
    f->pool = strdup(real);
    free(pool);
    cat = in(f->dir, "catalog.db");
    if (!(f->conn = scConnectOpenAuth(cat, NULL, SC_CONNECT_CREATE)))
        return -1;
    free(cat);
    assert_true(asprintf(&xml, "<pool type='dir'><name>p</name><target><path>%s</path>"
                               "</target></pool>", f->pool) > 0);
    f->p = scStoragePoolDefineXML(f->conn, xml, 0);
    free(xml);
    if (!f->p || scStoragePoolCreate(f->p, 0) < 0)
        return -1;
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;

    scStoragePoolFree(f->p);
    scConnectClose(f->conn);
    testTmpDirRemove(f->dir);
    free(f->pool);
    free(f->other);
    free(f);
    return 0;
}

/* Walk @name of the pool directory; on success the chain is cleared and
 * its length returned, else -1 and the error stays. */
static int
walk(Fixture *f, const char *name, const scChainRules *rules, scChain *keep)
{
    scChainRules r = { f->pool, NULL, NULL };
    char *path = in(f->pool, name);
    scChain chain;
    int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

    assert_true(fd >= 0);
    scResetLastError();
    ret = scChainWalk(fd, path, NULL, rules ? rules : &r, &chain);
    close(fd);
    free(path);
    if (ret < 0)
        return -1;
    ret = (int) chain.n;
    if (keep)
        *keep = chain;
    else
        scChainClear(&chain);
    return ret;
}

/* The walk refuses @name with SC_ERR_OPERATION_INVALID, naming @what. */
static void
assert_refused(Fixture *f, const char *name, const char *what)
{
    if (walk(f, name, NULL, NULL) >= 0)
        fail_msg("the chain of '%s' was accepted", name);
    assert_int_equal(scGetLastError()->code, SC_ERR_OPERATION_INVALID);
    if (!strstr(scGetLastErrorMessage(), what))
        fail_msg("'%s': message '%s' does not say '%s'", name, scGetLastErrorMessage(), what);
    assert_non_null(strstr(scGetLastErrorMessage(), "refused"));
}

static int
known_volume(void *opaque, const char *path)
{
    return strcmp(path, (const char *) opaque) == 0;
}

static void
test_walk(void **state)
{
    Fixture *f = *state;
    char *outside = in(f->other, "secret.raw");
    char *args;
    scChain chain;

    if (!have_qemu_img())
        skip();
    write_text(f->other, "secret.raw", "secret\n");
    qemu_img(f->pool, "-f raw base.raw 1M");
    /* Good chains: relative and absolute backing files in the pool. */
    qemu_img(f->pool, "-f qcow2 -b base.raw -F raw rel.qcow2");
    qemu_img(f->pool, "-f qcow2 -b rel.qcow2 -F qcow2 top.qcow2");
    assert_int_equal(walk(f, "top.qcow2", NULL, &chain), 3);
    assert_string_equal(chain.links[1].format, "qcow2");
    assert_int_equal(chain.links[1].role, SC_CHAIN_BACKING);
    assert_int_equal(chain.links[2].parent, 1);
    char *spec = scChainQemuSpec(&chain, 3, false);
    assert_non_null(spec);
    assert_string_equal(spec,
        "json:{\"driver\":\"qcow2\",\"file\":{\"driver\":\"file\",\"filename\":\"/proc/self/fd/3\"},"
        "\"backing\":{\"driver\":\"qcow2\",\"file\":{\"driver\":\"file\",\"filename\":"
        "\"/proc/self/fd/4\"},\"backing\":{\"driver\":\"raw\",\"file\":{\"driver\":\"file\","
        "\"filename\":\"/proc/self/fd/5\"}}}}");
    free(spec);
    assert_non_null(spec = scChainQemuSpec(&chain, 3, true));
    assert_string_equal(spec, "json:{\"driver\":\"qcow2\",\"file\":{\"driver\":\"file\","
                              "\"filename\":\"/proc/self/fd/3\"},\"backing\":null}");
    free(spec);
    scChainClear(&chain);

    /* Outside the pool: absolute, relative, through a symlink. */
    assert_true(asprintf(&args, "-f qcow2 -u -b %s -F raw abs.qcow2 1M", outside) > 0);
    qemu_img(f->pool, args);
    free(args);
    assert_refused(f, "abs.qcow2", "is outside pool directory");
    qemu_img(f->pool, "-f qcow2 -u -b ../outside/secret.raw -F raw up.qcow2 1M");
    assert_refused(f, "up.qcow2", "('");
    char *link = in(f->pool, "innocent.raw");
    assert_int_equal(symlink(outside, link), 0);
    free(link);
    qemu_img(f->pool, "-f qcow2 -u -b innocent.raw -F raw sym.qcow2 1M");
    assert_refused(f, "sym.qcow2", "is outside pool directory");
    /* ... unless it is a volume the catalog knows. */
    scChainRules known = { f->pool, known_volume, outside };
    assert_int_equal(walk(f, "abs.qcow2", &known, NULL), 2);

    /* Names that are not files, files that are not regular. */
    qemu_img(f->pool, "-f qcow2 -u -b 'json:{\"driver\":\"raw\",\"file\":{\"driver\":\"file\","
                      "\"filename\":\"/etc/shadow\"}}' -F raw json.qcow2 1M");
    assert_refused(f, "json.qcow2", "protocol or json: name");
    qemu_img(f->pool, "-f qcow2 -u -b nbd://127.0.0.1:1/x -F raw nbd.qcow2 1M");
    assert_refused(f, "nbd.qcow2", "protocol or json: name");
    char *fifo = in(f->pool, "fifo.raw");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    free(fifo);
    qemu_img(f->pool, "-f qcow2 -u -b fifo.raw -F raw fifo.qcow2 1M");
    assert_refused(f, "fifo.qcow2", "is not a regular file");
    qemu_img(f->pool, "-f qcow2 -u -b /dev/null -F raw dev.qcow2 1M");
    assert_refused(f, "dev.qcow2", "outside pool directory");

    /* Loops, direct and deep; a chain deeper than allowed. */
    qemu_img(f->pool, "-f qcow2 -u -b ./self.qcow2 -F qcow2 self.qcow2 1M");
    assert_refused(f, "self.qcow2", "makes a loop");
    qemu_img(f->pool, "-f qcow2 -u -b loopb.qcow2 -F qcow2 loopa.qcow2 1M");
    qemu_img(f->pool, "-f qcow2 -u -b loopc.qcow2 -F qcow2 loopb.qcow2 1M");
    qemu_img(f->pool, "-f qcow2 -u -b loopa.qcow2 -F qcow2 loopc.qcow2 1M");
    assert_refused(f, "loopa.qcow2", "makes a loop");
    qemu_img(f->pool, "-f qcow2 -u -b base.raw -F raw d0.qcow2 1M");
    for (int i = 1; i <= SC_CHAIN_DEPTH_MAX + 1; i++) {
        assert_true(asprintf(&args, "-f qcow2 -u -b d%d.qcow2 -F qcow2 d%d.qcow2 1M", i - 1,
                             i) > 0);
        qemu_img(f->pool, args);
        free(args);
    }
    assert_true(asprintf(&args, "d%d.qcow2", SC_CHAIN_DEPTH_MAX + 1) > 0);
    assert_refused(f, args, "deeper than");
    free(args);

    /* External data files; vmdk extents. */
    assert_true(asprintf(&args, "-f qcow2 -o data_file=%s/data.raw df.qcow2 1M", f->other) > 0);
    qemu_img(f->pool, args);
    free(args);
    assert_refused(f, "df.qcow2", "external data file");
    qemu_img(f->pool, "-f qcow2 -o data_file=in.data dfin.qcow2 1M");
    assert_int_equal(walk(f, "dfin.qcow2", NULL, NULL), 2);
    write_text(f->pool, "ext.vmdk",
               "# Disk DescriptorFile\nversion=1\nCID=fffffffe\nparentCID=ffffffff\n"
               "createType=\"monolithicFlat\"\nRW 2048 FLAT \"../outside/secret.raw\" 0\n");
    assert_refused(f, "ext.vmdk", "extent file");
    qemu_img(f->pool, "-f vmdk mono.vmdk 1M");
    assert_int_equal(walk(f, "mono.vmdk", NULL, NULL), 1); /* names itself: not a loop */
    qemu_img(f->pool, "-f vmdk -o subformat=monolithicFlat flat.vmdk 1M");
    assert_int_equal(walk(f, "flat.vmdk", NULL, NULL), 2);

    /* A backing file that does not exist cannot be handed to a tool. */
    qemu_img(f->pool, "-f qcow2 -u -b gone.raw -F raw gone.qcow2 1M");
    assert_int_equal(walk(f, "gone.qcow2", NULL, NULL), -1);
    assert_non_null(strstr(scGetLastErrorMessage(), "gone.raw"));
    free(outside);
}

/* Count the entries of directory @dir. */
static int
entries(const char *dir)
{
    char *cmd;
    FILE *p;
    int n = -1;

    assert_true(asprintf(&cmd, "ls -A '%s' | wc -l", dir) > 0);
    p = popen(cmd, "r");
    assert_non_null(p);
    assert_int_equal(fscanf(p, "%d", &n), 1);
    pclose(p);
    free(cmd);
    return n;
}

static scStorageVolPtr
vol(Fixture *f, const char *name)
{
    scStorageVolPtr v = scStorageVolLookupByName(f->p, name);
    assert_sc_ok(v);
    return v;
}

static void
test_operations(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr v, c;
    scStorageVolInfo info;
    char *args, *outside = in(f->other, "secret.raw");
    struct stat st;
    int n;

    if (!have_qemu_img())
        skip();
    write_text(f->other, "secret.raw", "secret\n");
    qemu_img(f->pool, "-f raw base.raw 1M");
    qemu_img(f->pool, "-f qcow2 -b base.raw -F raw rel.qcow2");
    assert_true(asprintf(&args, "-f qcow2 -u -b %s -F raw evil.qcow2 1M", outside) > 0);
    qemu_img(f->pool, args);
    free(args);
    assert_true(asprintf(&args, "-f qcow2 -o data_file=%s/data.raw df.qcow2 1M", f->other) > 0);
    qemu_img(f->pool, args);
    free(args);
    assert_sc_ok(scStoragePoolRefresh(f->p, 0) == 0);

    /* An overlay with a relative backing file is cloned and resized (qemu
     * used to resolve it against /proc/self/fd/). */
    v = vol(f, "rel.qcow2");
    assert_sc_ok(c = scStorageVolCreateXMLFrom(f->p, "<volume><name>rel-flat.raw</name>"
                                                     "<target><format type='raw'/></target>"
                                                     "</volume>", v, 0));
    scStorageVolFree(c);
    assert_sc_ok(scStorageVolResize(v, 2 << 20, 0) == 0);
    assert_sc_ok(scStorageVolGetInfo(v, &info) == 0);
    assert_int_equal(info.capacity, 2 << 20);
    assert_sc_ok(scStorageVolWipe(v, 0) == 0);
    scStorageVolFree(v);

    /* A hostile backing file: no clone, no file made. */
    n = entries(f->pool);
    v = vol(f, "evil.qcow2");
    assert_sc_err(scStorageVolCreateXMLFrom(f->p, "<volume><name>leak.raw</name></volume>", v, 0),
                  SC_ERR_OPERATION_INVALID);
    assert_non_null(strstr(scGetLastErrorMessage(), outside));
    assert_int_equal(entries(f->pool), n);
    assert_sc_err(scStorageVolResize(v, 4 << 20, 0) == 0, SC_ERR_OPERATION_INVALID);
    scStorageVolFree(v);

    /* An external data file outside the pool: neither resized nor "wiped". */
    v = vol(f, "df.qcow2");
    char *data = in(f->other, "data.raw");
    assert_int_equal(stat(data, &st), 0);
    off_t before = st.st_size;
    assert_sc_err(scStorageVolResize(v, 8 << 20, 0) == 0, SC_ERR_OPERATION_INVALID);
    assert_non_null(strstr(scGetLastErrorMessage(), "external data file"));
    assert_sc_err(scStorageVolWipe(v, 0) == 0, SC_ERR_OPERATION_INVALID);
    assert_int_equal(stat(data, &st), 0);
    assert_int_equal(st.st_size, before);
    free(data);
    scStorageVolFree(v);

    /* A backing store given in the XML follows the same rules. */
    assert_true(asprintf(&args, "<volume><name>b.qcow2</name><capacity>1048576</capacity>"
                                "<target><format type='qcow2'/></target><backingStore><path>%s"
                                "</path><format type='raw'/></backingStore></volume>",
                         outside) > 0);
    assert_sc_err(scStorageVolCreateXML(f->p, args, 0), SC_ERR_INVALID_ARG);
    assert_non_null(strstr(scGetLastErrorMessage(), "outside pool directory"));
    free(args);
    assert_sc_ok(c = scStorageVolCreateXML(f->p, "<volume><name>b2.qcow2</name><capacity>1048576"
                                                 "</capacity><target><format type='qcow2'/>"
                                                 "</target><backingStore><path>base.raw</path>"
                                                 "<format type='raw'/></backingStore></volume>",
                                           0));
    char *bpath, *bfmt;
    assert_int_equal(scStorageVolGetBackingStore(c, &bpath, &bfmt), 1);
    char *expect = in(f->pool, "base.raw");
    assert_string_equal(bpath, expect);
    free(expect);
    free(bpath);
    free(bfmt);
    scStorageVolFree(c);
    free(outside);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_walk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_operations, setup, teardown),
    };

    return cmocka_run_group_tests_name("chain", tests, NULL, NULL);
}
