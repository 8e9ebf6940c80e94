/*
 * test_pool_xml.c: pool XML parsing and formatting.
 *
 * Three tables, one test per line: libvirt's own pool vectors (run when
 * shared/compat/libvirt is there, skipped otherwise), our fixtures in
 * tests/data/pool/, and documents that must be refused. A few hostile
 * documents (entity bombs, external entities, huge values) have tests of
 * their own. Every document that parses is also checked for stability:
 * format(parse(format(parse(x)))) == format(parse(x)).
 */
#include <config.h>

#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "conf/pool_conf.h"
#include "util/util.h"

/* ---- helpers ----------------------------------------------------------- */

static char *
readData(const char *dir, const char *sub, const char *name, const char *suffix)
{
    char *path = NULL;
    char *text;

    assert_true(asprintf(&path, "%s/%s/%s%s", dir, sub, name, suffix) > 0);
    text = testReadFile(path);
    if (!text)
        fail_msg("cannot read %s", path);
    free(path);
    return text;
}

/* Parses @xml and formats it; asserts success and that no error is left. */
static char *
parseFormat(const char *xml)
{
    scPoolDef *def;
    char *out;

    scResetLastError();
    assert_sc_ok(def = scPoolDefParseString(xml));
    assert_sc_ok(out = scPoolDefFormat(def, NULL));
    assert_null(scGetLastError());
    scPoolDefFree(def);
    return out;
}

/* Formats @xml, then checks that the result reads back to itself. */
static char *
formatStable(const char *xml)
{
    char *first = parseFormat(xml);
    char *second = parseFormat(first);

    if (strcmp(first, second) != 0)
        fail_msg("second format differs:\n--- first\n%s--- second\n%s", first, second);
    free(second);
    return first;
}

/* libvirt's comparison: exact, except that a missing final newline in the
 * formatted text is forgiven when the expected text has one. */
static void
assertSameText(const char *expected, const char *actual)
{
    size_t elen = strlen(expected);
    size_t alen = strlen(actual);

    if (strcmp(expected, actual) == 0)
        return;
    if (elen == alen + 1 && expected[alen] == '\n' && strncmp(expected, actual, alen) == 0)
        return;
    fail_msg("output differs:\n--- expected\n%s--- actual\n%s", expected, actual);
}

/* Removes the "<owner>-1</owner>" and "<group>-1</group>" lines that only
 * an older libvirt printed. */
static void
dropUnsetIdLines(char *text)
{
    char *w = text;

    for (char *line = text; *line;) {
        char *nl = strchr(line, '\n');
        size_t len = nl ? (size_t) (nl - line + 1) : strlen(line);
        const char *p = line + strspn(line, " ");

        if (strncmp(p, "<owner>-1</owner>\n", 18) != 0 &&
            strncmp(p, "<group>-1</group>\n", 18) != 0) {
            memmove(w, line, len);
            w += len;
        }
        line += len;
    }
    *w = '\0';
}

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- libvirt's vectors ------------------------------------------------- */

typedef enum {
    CASE_EXACT,      /* format(parse(in)) must equal out */
    CASE_OLD_FORMAT, /* out comes from an older formatter (prints -1 owner/group) */
    CASE_STABLE,     /* no expected output: stability only */
    CASE_FAIL,       /* parsing must fail */
} CaseKind;

typedef struct {
    const char *name;
    CaseKind kind;
} CompatCase;

static const CompatCase compat_cases[] = {
    { "pool-dir", CASE_OLD_FORMAT },
    { "pool-dir-naming", CASE_OLD_FORMAT },
    { "pool-dir-cow", CASE_EXACT },
    { "pool-fs", CASE_EXACT },
    { "pool-logical", CASE_EXACT },
    { "pool-logical-nopath", CASE_EXACT },
    { "pool-logical-create", CASE_EXACT },
    { "pool-logical-noname", CASE_EXACT },
    { "pool-disk", CASE_EXACT },
    { "pool-disk-device-nopartsep", CASE_EXACT },
    { "pool-iscsi", CASE_EXACT },
    { "pool-iscsi-auth", CASE_EXACT },
    { "pool-netfs", CASE_EXACT },
    { "pool-netfs-slash", CASE_EXACT },
    { "pool-netfs-auto", CASE_EXACT },
    { "pool-netfs-protocol-ver", CASE_EXACT },
    { "pool-netfs-gluster", CASE_EXACT },
    { "pool-netfs-cifs", CASE_EXACT },
    { "pool-netfs-ns-mountopts", CASE_EXACT },
    { "pool-scsi", CASE_EXACT },
    { "pool-scsi-type-scsi-host", CASE_EXACT },
    { "pool-scsi-type-fc-host", CASE_EXACT },
    { "pool-scsi-type-fc-host-managed", CASE_EXACT },
    { "pool-mpath", CASE_EXACT },
    { "pool-iscsi-multiiqn", CASE_EXACT },
    { "pool-iscsi-vendor-product", CASE_EXACT },
    { "pool-gluster", CASE_EXACT },
    { "pool-gluster-sub", CASE_EXACT },
    { "pool-scsi-type-scsi-host-stable", CASE_EXACT },
    { "pool-zfs", CASE_EXACT },
    { "pool-zfs-sourcedev", CASE_EXACT },
    { "pool-rbd", CASE_EXACT },
    { "pool-rbd-ipv6", CASE_EXACT },
    { "pool-rbd-refresh-volume-allocation", CASE_EXACT },
    { "pool-rbd-ns-configopts", CASE_EXACT },
    { "pool-vstorage", CASE_EXACT },
    { "pool-iscsi-direct-auth", CASE_EXACT },
    { "pool-iscsi-direct", CASE_EXACT },
    /* historical: run by older harnesses only */
    { "pool-sheepdog", CASE_EXACT },
    { "pool-dir-whitespace-name", CASE_FAIL },
    /* an input with no expected output */
    { "pool-netfs-gluster-without-slash", CASE_STABLE },
};

static void
testCompat(void **state)
{
    const CompatCase *c = *state;
    const char *dir = testCompatDir();
    char *in;
    char *out;
    char *expected;

    if (!dir)
        skip();
    in = readData(dir, "storagepoolxml2xmlin", c->name, ".xml");
    if (c->kind == CASE_FAIL) {
        assert_sc_err(scPoolDefParseString(in), SC_ERR_XML_ERROR);
        free(in);
        return;
    }
    out = formatStable(in);
    if (c->kind != CASE_STABLE) {
        expected = readData(dir, "storagepoolxml2xmlout", c->name, ".xml");
        if (c->kind == CASE_OLD_FORMAT)
            dropUnsetIdLines(expected);
        assertSameText(expected, out);
        free(expected);
    }
    free(out);
    free(in);
}

/* ---- our fixtures --------------------------------------------------------- */

static const char *const fixture_cases[] = {
    "escape",      "min-dir",  "min-fs",    "min-netfs",
    "min-logical", "min-disk", "min-iscsi", "min-iscsi-direct",
};

static void
testFixture(void **state)
{
    const char *name = *state;
    char *in = readData(testSrcDir(), "tests/data/pool", name, ".xml");
    char *expected = readData(testSrcDir(), "tests/data/pool", name, ".out.xml");
    char *out = formatStable(in);

    assertSameText(expected, out);
    free(out);
    free(expected);
    free(in);
}

/* A missing UUID is generated: valid, different each time, kept on reparse. */
static void
testGeneratedUUID(void **state)
{
    char *in = readData(testSrcDir(), "tests/data/pool", "dir-nouuid", ".xml");
    static const unsigned char zero[SC_UUID_BUFLEN];
    scPoolDef *a, *b, *c;
    char *out;

    (void) state;
    assert_sc_ok(a = scPoolDefParseString(in));
    assert_sc_ok(b = scPoolDefParseString(in));
    assert_memory_not_equal(a->uuid, zero, SC_UUID_BUFLEN);
    assert_memory_not_equal(a->uuid, b->uuid, SC_UUID_BUFLEN);
    assert_sc_ok(out = scPoolDefFormat(a, NULL));
    assert_sc_ok(c = scPoolDefParseString(out));
    assert_memory_equal(a->uuid, c->uuid, SC_UUID_BUFLEN);
    scPoolDefFree(a);
    scPoolDefFree(b);
    scPoolDefFree(c);
    free(out);
    free(in);
}

/* Escaped input reads to the plain value and is escaped again on output. */
static void
testEscapeValues(void **state)
{
    char *in = readData(testSrcDir(), "tests/data/pool", "escape", ".xml");
    scPoolDef *def;

    (void) state;
    assert_sc_ok(def = scPoolDefParseString(in));
    assert_string_equal(def->name, "it's & \"quoted\"");
    assert_string_equal(def->target_path, "/var/lib/libvirt/<images>");
    assert_int_equal(def->perms.mode, 0755);
    assert_int_equal(def->perms.uid, -1);
    scPoolDefFree(def);
    free(in);
}

/* Sizes come from the info argument; whitespace in values survives. */
static void
testInfoAndWhitespace(void **state)
{
    const char *xml = "<pool type='netfs'><name>n</name>"
                      "<source><host name='a&#9;b&#10;c'/><dir path='/x'/></source>"
                      "<target><path>/t</path><permissions><owner>4294967295</owner>"
                      "<group>0744</group><label>l1\r\nl2\n</label></permissions></target></pool>";
    scStoragePoolInfo info = { .capacity = 3, .allocation = 2, .available = 1 };
    scPoolDef *def;
    char *out;

    (void) state;
    assert_sc_ok(def = scPoolDefParseString(xml));
    assert_string_equal(def->source.hosts[0].name, "a\tb\nc");
    assert_string_equal(def->perms.label, "l1\nl2\n");
    assert_int_equal(def->perms.uid, -1);
    assert_int_equal(def->perms.gid, 744);
    assert_sc_ok(out = scPoolDefFormat(def, &info));
    assert_non_null(strstr(out, "<capacity unit='bytes'>3</capacity>\n"));
    assert_non_null(strstr(out, "<available unit='bytes'>1</available>\n"));
    assert_non_null(strstr(out, "<host name='a&#9;b&#10;c'/>"));
    assert_non_null(strstr(out, "<group>744</group>\n"));
    assert_null(strstr(out, "<owner>"));
    scPoolDefFree(def);
    free(formatStable(out));
    free(out);
}

/* A started disk pool shows its free extents, as libvirt 9.0's
 * pool-dumpxml of a GPT disk on a loop device does (this is its output,
 * byte for byte); they come from the catalog's text, are never read from
 * a document, and a line for a device the definition no longer has is
 * dropped. */
static void
testFreeExtents(void **state)
{
    const char *xml = "<pool type='disk'><name>ref</name>"
                      "<uuid>3ca4d1c6-a179-4237-92fe-d7221c58ff98</uuid>"
                      "<source><device path='/dev/loop0'><freeExtent start='1' end='2'/></device>"
                      "<format type='gpt'/></source><target><path>/dev</path></target></pool>";
    scStoragePoolInfo info = { .capacity = 67091968, .allocation = 24117248,
                               .available = 42957312 };
    scPoolDef *def;
    char *out;

    (void) state;
    assert_sc_ok(def = scPoolDefParseString(xml));
    assert_int_equal(def->source.devices[0].nfree_extents, 0);
    assert_sc_ok(scPoolDefSetFreeExtents(def, "0 17408 1048576\n0 16777216 31457280\n"
                                              "0 39845888 67091968\n3 1 2\n") == 0);
    assert_sc_ok(out = scPoolDefFormat(def, &info));
    assert_string_equal(out, "<pool type='disk'>\n"
                             "  <name>ref</name>\n"
                             "  <uuid>3ca4d1c6-a179-4237-92fe-d7221c58ff98</uuid>\n"
                             "  <capacity unit='bytes'>67091968</capacity>\n"
                             "  <allocation unit='bytes'>24117248</allocation>\n"
                             "  <available unit='bytes'>42957312</available>\n"
                             "  <source>\n"
                             "    <device path='/dev/loop0'>\n"
                             "      <freeExtent start='17408' end='1048576'/>\n"
                             "      <freeExtent start='16777216' end='31457280'/>\n"
                             "      <freeExtent start='39845888' end='67091968'/>\n"
                             "    </device>\n"
                             "    <format type='gpt'/>\n"
                             "  </source>\n"
                             "  <target>\n"
                             "    <path>/dev</path>\n"
                             "  </target>\n"
                             "</pool>\n");
    free(out);
    /* With part_separator, and none at all again. */
    def->source.devices[0].part_separator = SC_TRISTATE_YES;
    assert_sc_ok(scPoolDefSetFreeExtents(def, "0 512 1024") == 0);
    assert_sc_ok(out = scPoolDefFormat(def, NULL));
    assert_non_null(strstr(out, "    <device path='/dev/loop0' part_separator='yes'>\n"
                                "      <freeExtent start='512' end='1024'/>\n"
                                "    </device>\n"));
    free(out);
    assert_sc_ok(scPoolDefSetFreeExtents(def, NULL) == 0);
    assert_sc_ok(out = scPoolDefFormat(def, NULL));
    assert_non_null(strstr(out, "    <device path='/dev/loop0' part_separator='yes'/>\n"));
    free(out);
    /* Malformed text is an error. */
    assert_int_equal(scPoolDefSetFreeExtents(def, "0 2 1\n"), -1);
    assert_int_equal(scPoolDefSetFreeExtents(def, "0 1 2 3\n"), -1);
    assert_int_equal(scPoolDefSetFreeExtents(def, "x"), -1);
    scPoolDefFree(def);
}

/* Lookups follow libvirt's XPath: the first match in document order, so
 * a second <target> is searched when the first has no <path>. */
static void
testDocumentOrder(void **state)
{
    const char *xml = "<pool type='fs'><name>n</name>"
                      "<source><format/><format type='xfs'/><device path='/dev/a'/></source>"
                      "<target/><target><path>/t</path></target>"
                      "<target><permissions><mode>0711</mode></permissions></target></pool>";
    scPoolDef *def;

    (void) state;
    assert_sc_ok(def = scPoolDefParseString(xml));
    assert_string_equal(def->source.format, "xfs");
    assert_string_equal(def->target_path, "/t");
    assert_int_equal(def->perms.mode, 0711);
    scPoolDefFree(def);
}

/* ---- refused documents ----------------------------------------------------- */

typedef struct {
    const char *name;
    const char *xml;
    const char *needle; /* the message must contain it */
} BadCase;

#define POOL(type, body) "<pool type='" type "'><name>p</name>" body "</pool>"
#define TARGET           "<target><path>/p</path></target>"
#define SRC(body)        "<source>" body "</source>"

static const BadCase bad_cases[] = {
    { "malformed", "<pool type='dir'><name>x</name>", "malformed document" },
    { "not XML", "hello", "malformed document" },
    { "empty document", "", "malformed document" },
    { "wrong root", "<volume type='dir'><name>x</name></volume>", "<volume>" },
    { "no type", "<pool><name>x</name>" TARGET "</pool>", "<pool type=...>" },
    { "unknown type", "<pool type='foo'><name>x</name></pool>", "unknown pool type 'foo'" },
    { "missing name", "<pool type='dir'>" TARGET "</pool>", "missing <name>" },
    { "empty name", "<pool type='dir'><name></name>" TARGET "</pool>", "missing <name>" },
    { "name with slash", "<pool type='dir'><name>a/b</name>" TARGET "</pool>", "<name>" },
    { "name with tab", "<pool type='dir'><name>a\tb</name>" TARGET "</pool>", "<name>" },
    { "name with control char", "<pool type='dir'><name>a&#x1;b</name>" TARGET "</pool>",
      "malformed document" },
    { "name only blanks", "<pool type='dir'><name> </name>" TARGET "</pool>", "<name>" },
    { "name dot-dot", "<pool type='dir'><name>..</name>" TARGET "</pool>", "<name>" },
    { "bad uuid", POOL("dir", "<uuid>zz</uuid>" TARGET), "<uuid> 'zz' is malformed" },
    { "bad mode",
      POOL("dir", "<target><path>/p</path><permissions><mode>9x</mode>"
                  "</permissions></target>"),
      "<mode> '9x' is not an octal mode" },
    { "mode with sticky bit",
      POOL("dir", "<target><path>/p</path><permissions>"
                  "<mode>01777</mode></permissions></target>"),
      "<mode>" },
    { "negative owner",
      POOL("dir", "<target><path>/p</path><permissions><owner>-2</owner>"
                  "</permissions></target>"),
      "<owner>" },
    { "empty group",
      POOL("dir", "<target><path>/p</path><permissions><group/>"
                  "</permissions></target>"),
      "<group>" },
    { "dir without target", POOL("dir", ""), "missing <target><path>" },
    { "cow on logical", POOL("logical", "<features><cow state='yes'/></features>"), "<cow>" },
    { "bad cow state", POOL("dir", "<features><cow state='maybe'/></features>" TARGET), "state" },
    { "fs without device", POOL("fs", TARGET), "<device" },
    { "fs unknown format", POOL("fs", SRC("<device path='/dev/x'/><format type='ntfs'/>") TARGET),
      "'ntfs'" },
    { "device without path", POOL("fs", SRC("<device/>") TARGET), "<device>" },
    { "bad part_separator", POOL("disk", SRC("<device path='/dev/x' part_separator='1'/>") TARGET),
      "part_separator" },
    { "netfs without host", POOL("netfs", SRC("<dir path='/x'/>") TARGET), "<host" },
    { "netfs without dir", POOL("netfs", SRC("<host name='h'/>") TARGET), "<dir" },
    { "host without name", POOL("netfs", SRC("<host/><dir path='/x'/>") TARGET), "<host>" },
    { "bad port", POOL("netfs", SRC("<host name='h' port='x'/><dir path='/x'/>") TARGET), "port" },
    { "protocol with cifs",
      POOL("netfs", SRC("<host name='h'/><dir path='/x'/><format type='cifs'/>"
                        "<protocol ver='3'/>") TARGET),
      "<protocol" },
    { "protocol with comma",
      POOL("netfs", SRC("<host name='h'/><dir path='/x'/><protocol ver='3,x'/>") TARGET),
      "<protocol" },
    { "iscsi without device", POOL("iscsi", SRC("<host name='h'/>") TARGET), "<device" },
    { "iscsi-direct without iqn",
      POOL("iscsi-direct", SRC("<host name='h'/><device path='iqn.x'/>")), "<iqn" },
    { "scsi without adapter", POOL("scsi", TARGET), "<adapter>" },
    { "adapter of unknown type", POOL("scsi", SRC("<adapter type='x'/>") TARGET), "'x'" },
    { "legacy adapter with wwnn", POOL("scsi", SRC("<adapter name='h' wwnn='1'/>") TARGET),
      "fc_host" },
    { "fc_host with bad wwnn",
      POOL("scsi", SRC("<adapter type='fc_host' wwnn='xyz' wwpn='10000000c9831b4b'/>") TARGET),
      "wwnn" },
    { "scsi_host with name and parentaddr",
      POOL("scsi", SRC("<adapter type='scsi_host' name='host0'><parentaddr unique_id='1'>"
                       "<address domain='0' bus='0' slot='1' function='0'/></parentaddr>"
                       "</adapter>") TARGET),
      "not both" },
    { "bad PCI address",
      POOL("scsi", SRC("<adapter type='scsi_host'><parentaddr unique_id='1'>"
                       "<address domain='0' bus='0' slot='0x20' function='0'/></parentaddr>"
                       "</adapter>") TARGET),
      "PCI address" },
    { "rbd without source name", POOL("rbd", SRC("<host name='h'/>")), "<source><name>" },
    { "auth without type",
      POOL("iscsi", SRC("<host name='h'/><device path='t'/><auth username='u'>"
                        "<secret usage='x'/></auth>") TARGET),
      "<auth>" },
    { "auth with bad secret uuid",
      POOL("iscsi", SRC("<host name='h'/><device path='t'/><auth type='chap' username='u'>"
                        "<secret uuid='nope'/></auth>") TARGET),
      "<secret uuid='nope'>" },
    { "bad refresh",
      POOL("rbd",
           SRC("<name>r</name><host name='h'/>") "<refresh><volume allocation='all'/></refresh>"),
      "<refresh>" },
    { "rbd option without value",
      "<pool type='rbd' xmlns:rbd='http://libvirt.org/schemas/storagepool/rbd/1.0'>"
      "<name>p</name>" SRC(
          "<name>r</name><host name='h'/>") "<rbd:config_opts><rbd:option name='a'/></rbd:config_opts></pool>",
      "<rbd:option" },
    { "undeclared entity", POOL("dir", "<uuid>&nope;</uuid>" TARGET), "malformed document" },
    { "undeclared namespace prefix", POOL("fs", "<fs:mount_opts/>"), "malformed document" },
    { "doctype", "<!DOCTYPE pool><pool type='dir'><name>x</name>" TARGET "</pool>",
      "DTDs and entities are not allowed" },
    { "internal entity",
      "<!DOCTYPE pool [<!ENTITY n 'x'>]><pool type='dir'><name>&n;</name>" TARGET "</pool>",
      "DTDs and entities are not allowed" },
};

static void
testBad(void **state)
{
    const BadCase *c = *state;
    const scError *err;

    scResetLastError();
    /* libvirt's codes: a parser error, or a document against the schema;
     * both in the storage domain. */
    assert_sc_err(scPoolDefParseString(c->xml), strcmp(c->needle, "malformed document") == 0
                                                    ? SC_ERR_XML_DETAIL
                                                    : SC_ERR_XML_ERROR);
    err = scGetLastError();
    /* The pool's type is read by libvirt's XML utilities (SC_FROM_XML). */
    assert_int_equal(err->domain, strstr(c->needle, "pool type")
                                      ? SC_FROM_XML
                                      : SC_FROM_STORAGE);
    assert_null(strchr(err->message, '\n'));
    assert_true(strncmp(err->str2, "pool XML: ", 10) == 0);
    if (!strstr(err->message, c->needle))
        fail_msg("message '%s' does not mention '%s'", err->message, c->needle);
}

/* ---- hostile documents ----------------------------------------------------- */

static void
testBillionLaughs(void **state)
{
    char *xml = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&xml, &len);
    double start;

    (void) state;
    assert_non_null(f);
    fputs("<?xml version='1.0'?>\n<!DOCTYPE pool [\n<!ENTITY l0 'lol'>\n", f);
    for (int i = 1; i < 30; i++) {
        fprintf(f, "<!ENTITY l%d '", i);
        for (int j = 0; j < 10; j++)
            fprintf(f, "&l%d;", i - 1);
        fputs("'>\n", f);
    }
    fputs("]>\n<pool type='dir'><name>&l29;</name><target><path>/p</path></target></pool>\n", f);
    fclose(f);

    start = now();
    assert_sc_err(scPoolDefParseString(xml), SC_ERR_XML_ERROR);
    assert_true(now() - start < 2.0);
    assert_non_null(strstr(scGetLastErrorMessage(), "DTDs and entities are not allowed"));
    free(xml);
}

static void
onAlarm(int sig)
{
    (void) sig;
    static const char msg[] = "the parser opened an external entity (it blocked on a FIFO)\n";
    if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
        /* nothing more to do */
    }
    _exit(99);
}

/* External entities and DTDs point at a FIFO: opening it would block, so
 * the alarm proves the parser never touched it. Each case is the text
 * before and after the FIFO's path. */
static void
testExternalEntity(void **state)
{
    static const char *const cases[][2] = {
        { "<!DOCTYPE pool [<!ENTITY x SYSTEM 'file://",
          "'>]><pool type='dir'><name>&x;</name><target><path>/p</path></target></pool>" },
        { "<!DOCTYPE pool SYSTEM 'file://",
          "'><pool type='dir'><name>x</name><target><path>/p</path></target></pool>" },
        { "<!DOCTYPE pool [<!ENTITY % x SYSTEM 'file://",
          "'> %x;]><pool type='dir'><name>x</name><target><path>/p</path></target></pool>" },
    };
    char *dir = testTmpDirMake("pool-xxe");
    char *fifo = NULL;

    (void) state;
    assert_non_null(dir);
    assert_true(asprintf(&fifo, "%s/secret", dir) > 0);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    signal(SIGALRM, onAlarm);
    for (size_t i = 0; i < SC_N_ELEMENTS(cases); i++) {
        char *xml = NULL;

        assert_true(asprintf(&xml, "%s%s%s", cases[i][0], fifo, cases[i][1]) > 0);
        alarm(10);
        assert_sc_err(scPoolDefParseString(xml), SC_ERR_XML_ERROR);
        alarm(0);
        assert_non_null(strstr(scGetLastErrorMessage(), "DTDs and entities are not allowed"));
        free(xml);
    }
    signal(SIGALRM, SIG_DFL);
    free(fifo);
    testTmpDirRemove(dir);
}

/* A document with a @size-byte pool name. */
static char *
hugeNameDoc(size_t size)
{
    static const char head[] = "<pool type='dir'><name>";
    static const char tail[] = "</name><target><path>/p</path></target></pool>";
    char *xml = malloc(sizeof(head) + size + sizeof(tail));

    assert_non_null(xml);
    memcpy(xml, head, sizeof(head) - 1);
    memset(xml + sizeof(head) - 1, 'a', size);
    memcpy(xml + sizeof(head) - 1 + size, tail, sizeof(tail));
    return xml;
}

/* 10 MiB: scCheckName refuses the name (or, with a libxml2 that limits
 * text nodes, the parser does); either way an XML error, quickly, with a
 * short message. 1 MiB: scCheckName's "too long" under <name>. */
static void
testHugeName(void **state)
{
    char *xml = hugeNameDoc(10 * 1024 * 1024);
    double start = now();

    (void) state;
    assert_sc_err(scPoolDefParseString(xml), SC_ERR_XML_ERROR);
    assert_true(now() - start < 10.0);
    assert_true(strlen(scGetLastErrorMessage()) < 512);
    free(xml);

    xml = hugeNameDoc(1024 * 1024);
    assert_sc_err(scPoolDefParseString(xml), SC_ERR_XML_ERROR);
    assert_non_null(strstr(scGetLastErrorMessage(), "<name>"));
    assert_non_null(strstr(scGetLastErrorMessage(), "bytes long"));
    free(xml);
}

/* find-storage-pool-sources' answer: libvirt's <sources>, each source as a
 * pool's <source> of that type (logical: devices, name, format lvm2). */
static void
testSourceList(void **state)
{
    scPoolSourceDevice dev1[] = { { .path = (char *) "/dev/sda2" },
                                  { .path = (char *) "/dev/sd'b" } };
    scPoolSourceDevice dev2[] = { { .path = (char *) "/dev/sdc" } };
    scPoolSource src[2] = {
        { .devices = dev1, .ndevices = 2, .name = (char *) "HostVG" },
        { .devices = dev2, .ndevices = 1, .name = (char *) "other", .format = (char *) "lvm2" }
    };
    char *xml;

    (void) state;
    assert_sc_ok(xml = scPoolSourceListFormat(SC_POOL_LOGICAL, src, 2));
    assert_string_equal(xml, "<sources>\n"
                             "  <source>\n"
                             "    <device path='/dev/sda2'/>\n"
                             "    <device path='/dev/sd&apos;b'/>\n"
                             "    <name>HostVG</name>\n"
                             "    <format type='lvm2'/>\n"
                             "  </source>\n"
                             "  <source>\n"
                             "    <device path='/dev/sdc'/>\n"
                             "    <name>other</name>\n"
                             "    <format type='lvm2'/>\n"
                             "  </source>\n"
                             "</sources>\n");
    free(xml);
    assert_sc_ok(xml = scPoolSourceListFormat(SC_POOL_LOGICAL, NULL, 0));
    assert_string_equal(xml, "<sources>\n</sources>\n");
    free(xml);
    assert_sc_err(scPoolSourceListFormat(SC_POOL_TYPE_LAST, NULL, 0), SC_ERR_INTERNAL_ERROR);
}

/* ---- the table of tests ------------------------------------------------------ */

int
main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(testGeneratedUUID),     cmocka_unit_test(testEscapeValues),
        cmocka_unit_test(testInfoAndWhitespace), cmocka_unit_test(testDocumentOrder),
        cmocka_unit_test(testFreeExtents),
        cmocka_unit_test(testBillionLaughs),     cmocka_unit_test(testExternalEntity),
        cmocka_unit_test(testHugeName),          cmocka_unit_test(testSourceList),
    };
    size_t n = SC_N_ELEMENTS(compat_cases) + SC_N_ELEMENTS(fixture_cases) +
               SC_N_ELEMENTS(bad_cases) + SC_N_ELEMENTS(fixed);
    struct CMUnitTest *tests = calloc(n, sizeof(*tests));
    char **names = calloc(n, sizeof(*names));
    size_t i = 0;
    int ret;

    if (!tests || !names)
        return 1;
    for (size_t j = 0; j < SC_N_ELEMENTS(compat_cases); j++, i++) {
        if (asprintf(&names[i], "compat %s", compat_cases[j].name) < 0)
            return 1;
        tests[i] = (struct CMUnitTest){ .name = names[i],
                                        .test_func = testCompat,
                                        .initial_state = (void *) &compat_cases[j] };
    }
    for (size_t j = 0; j < SC_N_ELEMENTS(fixture_cases); j++, i++) {
        if (asprintf(&names[i], "fixture %s", fixture_cases[j]) < 0)
            return 1;
        tests[i] = (struct CMUnitTest){ .name = names[i],
                                        .test_func = testFixture,
                                        .initial_state = (void *) fixture_cases[j] };
    }
    for (size_t j = 0; j < SC_N_ELEMENTS(bad_cases); j++, i++) {
        if (asprintf(&names[i], "refuse %s", bad_cases[j].name) < 0)
            return 1;
        tests[i] = (struct CMUnitTest){ .name = names[i],
                                        .test_func = testBad,
                                        .initial_state = (void *) &bad_cases[j] };
    }
    for (size_t j = 0; j < SC_N_ELEMENTS(fixed); j++, i++)
        tests[i] = fixed[j];

    ret = _cmocka_run_group_tests("pool_xml", tests, n, NULL, NULL);
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(tests);
    return ret;
}
