/*
 * test_vol_xml.c: volume XML parsing and formatting, and scParseScaledSize.
 *
 * One test per line in each table: libvirt's own volume vectors (run when
 * shared/compat/libvirt is there, skipped otherwise), each parsed against
 * the pool of libvirt's harness; our fixtures in tests/data/vol/; documents
 * that must be refused; and sizes with their units. Every document that
 * parses is also checked for stability:
 * format(parse(format(parse(x)))) == format(parse(x)).
 */
#include <config.h>

#include <limits.h>

#include "testutil.h"
#include "conf/pool_conf.h"
#include "conf/vol_conf.h"

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

static scPoolDef *
parsePool(const char *xml)
{
    scPoolDef *pool;

    assert_sc_ok(pool = scPoolDefParseString(xml));
    return pool;
}

/* Parses @xml in @pool and formats it; asserts success and that no error
 * is left. */
static char *
parseFormat(const scPoolDef *pool, const char *xml, unsigned int flags)
{
    scVolDef *def;
    char *out;

    scResetLastError();
    assert_sc_ok(def = scVolDefParseString(pool, xml, flags));
    assert_sc_ok(out = scVolDefFormat(pool, def));
    assert_null(scGetLastError());
    scVolDefFree(def);
    return out;
}

/* Formats @xml, then checks that the result reads back to itself. */
static char *
formatStable(const scPoolDef *pool, const char *xml, unsigned int flags)
{
    char *first = parseFormat(pool, xml, flags);
    char *second = parseFormat(pool, first, flags);

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

/* ---- libvirt's vectors ------------------------------------------------- */

typedef struct {
    const char *name;   /* storagevolxml2xmlin/ and storagevolxml2xmlout/<name>.xml */
    const char *pool;   /* storagepoolxml2xmlin/<pool>.xml */
    unsigned int flags; /* scVolDefParseString's */
    bool stable_only;   /* no expected output: stability only */
} CompatCase;

static const CompatCase compat_cases[] = {
    { "vol-file", "pool-dir", 0, false },
    { "vol-file-naming", "pool-dir", 0, false },
    { "vol-file-backing", "pool-dir", 0, false },
    { "vol-file-iso", "pool-dir", 0, false },
    { "vol-qcow2", "pool-dir", 0, false },
    { "vol-qcow2-1.1", "pool-dir", 0, false },
    { "vol-qcow2-lazy", "pool-dir", 0, false },
    { "vol-qcow2-0.10-lazy", "pool-dir", 0, false },
    { "vol-qcow2-nobacking", "pool-dir", 0, false },
    { "vol-qcow2-luks", "pool-dir", 0, false },
    { "vol-qcow2-clusterSize", "pool-dir", 0, false },
    { "vol-luks", "pool-dir", 0, false },
    { "vol-luks-cipher", "pool-dir", 0, false },
    { "vol-partition", "pool-disk", 0, false },
    { "vol-logical", "pool-logical", 0, false },
    { "vol-logical-backing", "pool-logical", 0, false },
    { "vol-gluster-dir", "pool-gluster", 0, false },
    { "vol-gluster-dir-neg-uid", "pool-gluster", 0, false },
    { "vol-qcow2-nocapacity", "pool-dir", SC_VOL_XML_PARSE_NO_CAPACITY, false },
    /* historical: run by older harnesses only */
    { "vol-sheepdog", "pool-sheepdog", 0, false },
    /* inputs of libvirt's other volume tests, with no expected output */
    { "vol-file-qcow2", "pool-dir", 0, true },
    { "vol-luks-convert", "pool-dir", 0, true },
    { "vol-qcow2-luks-convert", "pool-dir", 0, true },
    { "vol-qcow2-nocow", "pool-dir", 0, true },
    { "vol-qcow2-zerocapacity", "pool-dir", 0, true },
    { "vol-qcow2-nocapacity-backing", "pool-dir", SC_VOL_XML_PARSE_OPT_CAPACITY, true },
    { "vol-encrypt1", "pool-dir", 0, true },
    { "vol-encrypt2", "pool-dir", 0, true },
};

static void
testCompat(void **state)
{
    const CompatCase *c = *state;
    const char *dir = testCompatDir();
    scPoolDef *pool;
    char *pool_xml;
    char *in;
    char *out;

    if (!dir)
        skip();
    pool_xml = readData(dir, "storagepoolxml2xmlin", c->pool, ".xml");
    pool = parsePool(pool_xml);
    in = readData(dir, "storagevolxml2xmlin", c->name, ".xml");
    out = formatStable(pool, in, c->flags);
    if (!c->stable_only) {
        char *expected = readData(dir, "storagevolxml2xmlout", c->name, ".xml");

        assertSameText(expected, out);
        free(expected);
    }
    free(out);
    free(in);
    scPoolDefFree(pool);
    free(pool_xml);
}

/* ---- our fixtures ---------------------------------------------------------- */

/* A small pool of each type the fixtures use. */
static const char *
poolDoc(const char *type)
{
    static const char *const docs[][2] = {
        { "dir", "<pool type='dir'><name>p</name><target><path>/p</path></target></pool>" },
        { "disk", "<pool type='disk'><name>sda</name><source><device path='/dev/sda'/></source>"
                  "<target><path>/dev</path></target></pool>" },
        { "logical", "<pool type='logical'><name>vg</name></pool>" },
        { "rbd", "<pool type='rbd'><name>rbd</name><source><name>rbd</name>"
                 "<host name='mon'/></source></pool>" },
        { "iscsi", "<pool type='iscsi'><name>i</name><source><host name='h'/>"
                   "<device path='iqn.x'/></source><target><path>/dev/disk/by-path</path>"
                   "</target></pool>" },
        { "gluster", "<pool type='gluster'><name>vol</name><source><name>vol</name>"
                     "<host name='example.com'/></source></pool>" },
    };

    for (size_t i = 0; i < SC_N_ELEMENTS(docs); i++)
        if (strcmp(docs[i][0], type) == 0)
            return docs[i][1];
    fail_msg("no test pool of type '%s'", type);
    return NULL;
}

typedef struct {
    const char *name;   /* tests/data/vol/<name>.xml and <name>.out.xml */
    const char *pool;   /* a pool type of poolDoc() */
    unsigned int flags; /* scVolDefParseString's */
} FixtureCase;

static const FixtureCase fixture_cases[] = {
    { "escape", "dir", 0 },
    { "units", "dir", 0 },
    { "encryption-luks", "dir", 0 },
    { "encryption-luks2", "dir", 0 },
    { "features", "dir", 0 },
    { "empty-features", "dir", 0 },
    { "nocapacity-backing", "dir", SC_VOL_XML_PARSE_OPT_CAPACITY },
    { "disk-swap", "disk", 0 },
    { "disk-default", "disk", 0 },
    { "logical-format", "logical", 0 },
    { "rbd", "rbd", 0 },
    { "iscsi", "iscsi", 0 },
    { "gluster-qcow2", "gluster", 0 },
};

static void
testFixture(void **state)
{
    const FixtureCase *c = *state;
    scPoolDef *pool = parsePool(poolDoc(c->pool));
    char *in = readData(testSrcDir(), "tests/data/vol", c->name, ".xml");
    char *expected = readData(testSrcDir(), "tests/data/vol", c->name, ".out.xml");
    char *out = formatStable(pool, in, c->flags);

    assertSameText(expected, out);
    free(out);
    free(expected);
    free(in);
    scPoolDefFree(pool);
}

/* Parsed values, including the ones libvirt reads but never prints. */
static void
testParsedValues(void **state)
{
    scPoolDef *pool = parsePool(poolDoc("dir"));
    char *in = readData(testSrcDir(), "tests/data/vol", "features", ".xml");
    scVolDef *def;

    (void) state;
    assert_sc_ok(def = scVolDefParseString(pool, in, 0));
    assert_true(def->nocow);
    assert_false(def->times.set);
    assert_true(def->has_capacity);
    assert_true(def->has_allocation);
    assert_int_equal(def->cluster_size, 2 * 1024 * 1024);
    assert_true(def->lazy_refcounts && def->extended_l2 && def->has_features);
    assert_string_equal(def->backing_format, "qcow2");
    assert_int_equal(def->backing_perms.uid, -1);
    assert_int_equal(def->backing_perms.gid, -1);
    assert_int_equal(def->backing_perms.mode, -1);
    assert_int_equal(def->perms.mode, -1);
    assert_null(def->key);
    scVolDefFree(def);
    free(in);
    scPoolDefFree(pool);
}

/* Timestamps are printed only when storcat sets them, libvirt's way:
 * seconds, then nine digits of nanoseconds unless they are 0; a member
 * with tv_nsec < 0 is left out. Read back, they are dropped. */
static void
testTimestamps(void **state)
{
    scPoolDef *pool = parsePool(poolDoc("dir"));
    scVolDef *def;
    char *out;
    char *again;

    (void) state;
    assert_sc_ok(def = scVolDefParseString(
                     pool, "<volume><name>t</name><capacity>1</capacity></volume>", 0));
    def->times.set = true;
    def->times.atime = (struct timespec){ .tv_sec = 1341933637, .tv_nsec = 273190990 };
    def->times.mtime = (struct timespec){ .tv_sec = 1341930622, .tv_nsec = 0 };
    def->times.ctime = (struct timespec){ .tv_sec = 5, .tv_nsec = 47245868 };
    def->times.btime = (struct timespec){ .tv_sec = 0, .tv_nsec = -1 };
    assert_sc_ok(out = scVolDefFormat(pool, def));
    assert_string_equal(out, "<volume type='file'>\n"
                             "  <name>t</name>\n"
                             "  <capacity unit='bytes'>1</capacity>\n"
                             "  <allocation unit='bytes'>1</allocation>\n"
                             "  <target>\n"
                             "    <format type='raw'/>\n"
                             "    <timestamps>\n"
                             "      <atime>1341933637.273190990</atime>\n"
                             "      <mtime>1341930622</mtime>\n"
                             "      <ctime>5.047245868</ctime>\n"
                             "    </timestamps>\n"
                             "  </target>\n"
                             "</volume>\n");
    again = parseFormat(pool, out, 0);
    assert_null(strstr(again, "timestamps"));
    free(again);
    free(out);
    scVolDefFree(def);
    scPoolDefFree(pool);
}

/* What libvirt prints but never reads: <source> extents (from the
 * "extent.N" attributes a backend records, in the order of N, one
 * <device> per run of extents on one device) and <physical> when it is
 * not 0. The first document is libvirt 9.0's vol-dumpxml of a partition
 * of a disk pool (less its timestamps, which storcat does not print). */
static void
testExtentsAndPhysical(void **state)
{
    scPoolDef *pool = parsePool(poolDoc("disk"));
    scVolDef *def;
    char *out;
    char *again;

    (void) state;
    assert_sc_ok(def = scVolDefParseString(
                     pool,
                     "<volume type='block'><name>loop0p1</name><key>/dev/loop0p1</key>"
                     "<source><device path='/dev/x'><extent start='1' end='2'/></device></source>"
                     "<capacity unit='bytes'>10485760</capacity><physical>5</physical>"
                     "<target><path>/dev/loop0p1</path><permissions><mode>0600</mode>"
                     "<owner>0</owner><group>0</group></permissions></target></volume>",
                     0));
    assert_int_equal(def->nextents, 0);
    assert_int_equal(def->physical, 0);
    assert_int_equal(scVolDefAddExtentAttr(def, "compat", "1.1"), 0);
    assert_int_equal(scVolDefAddExtentAttr(def, "extent.0", "1048576 11534336 /dev/loop0"), 1);
    def->physical = 10485760;
    assert_sc_ok(out = scVolDefFormat(pool, def));
    assert_string_equal(out, "<volume type='block'>\n"
                             "  <name>loop0p1</name>\n"
                             "  <key>/dev/loop0p1</key>\n"
                             "  <source>\n"
                             "    <device path='/dev/loop0'>\n"
                             "      <extent start='1048576' end='11534336'/>\n"
                             "    </device>\n"
                             "  </source>\n"
                             "  <capacity unit='bytes'>10485760</capacity>\n"
                             "  <allocation unit='bytes'>10485760</allocation>\n"
                             "  <physical unit='bytes'>10485760</physical>\n"
                             "  <target>\n"
                             "    <path>/dev/loop0p1</path>\n"
                             "    <format type='none'/>\n"
                             "    <permissions>\n"
                             "      <mode>0600</mode>\n"
                             "      <owner>0</owner>\n"
                             "      <group>0</group>\n"
                             "    </permissions>\n"
                             "  </target>\n"
                             "</volume>\n");
    again = parseFormat(pool, out, 0);
    assert_null(strstr(again, "<source>"));
    assert_null(strstr(again, "<physical"));
    free(again);
    free(out);

    /* Numbered, not sorted as text: extent.10 comes after extent.2; runs
     * on one device share a <device>; paths are escaped. */
    scVolDefClearExtents(def);
    def->physical = 0;
    assert_int_equal(scVolDefAddExtentAttr(def, "extent.10", "30 40 /dev/b"), 1);
    assert_int_equal(scVolDefAddExtentAttr(def, "extent.2", "20 30 /dev/a'&"), 1);
    assert_int_equal(scVolDefAddExtentAttr(def, "extent.1", "10 20 /dev/a'&"), 1);
    assert_sc_ok(out = scVolDefFormat(pool, def));
    assert_non_null(strstr(out, "  <source>\n"
                                "    <device path='/dev/a&apos;&amp;'>\n"
                                "      <extent start='10' end='20'/>\n"
                                "      <extent start='20' end='30'/>\n"
                                "    </device>\n"
                                "    <device path='/dev/b'>\n"
                                "      <extent start='30' end='40'/>\n"
                                "    </device>\n"
                                "  </source>\n"
                                "  <capacity unit='bytes'>10485760</capacity>\n"
                                "  <allocation unit='bytes'>10485760</allocation>\n"
                                "  <target>\n"));
    free(out);

    /* A malformed extent is an error, not a guess. */
    assert_int_equal(scVolDefAddExtentAttr(def, "extent.x", "1 2 /dev/a"), -1);
    assert_int_equal(scVolDefAddExtentAttr(def, "extent.3", "1 2"), -1);
    assert_int_equal(scVolDefAddExtentAttr(def, "extent.3", "2 1 /dev/a"), -1);
    assert_int_equal(scVolDefAddExtentAttr(def, "extent.3", "-"), -1);
    assert_int_equal(def->nextents, 3);
    scVolDefFree(def);
    scPoolDefFree(pool);
}

/* The capacity flags, and arguments that are errors, not crashes. */
static void
testFlagsAndArgs(void **state)
{
    scPoolDef *pool = parsePool(poolDoc("dir"));
    const char *nocap = "<volume><name>v</name><allocation>5</allocation></volume>";
    const char *nocap_backing = "<volume><name>v</name><backingStore><path>/b</path>"
                                "</backingStore></volume>";
    scVolDef *def;

    (void) state;
    assert_sc_ok(def = scVolDefParseString(pool, nocap, SC_VOL_XML_PARSE_NO_CAPACITY));
    assert_false(def->has_capacity);
    assert_int_equal(def->capacity, 0);
    assert_int_equal(def->allocation, 5);
    scVolDefFree(def);
    assert_sc_err(scVolDefParseString(pool, nocap, 0), SC_ERR_XML_ERROR);
    assert_non_null(strstr(scGetLastErrorMessage(), "missing <capacity>"));
    assert_sc_err(scVolDefParseString(pool, nocap, SC_VOL_XML_PARSE_OPT_CAPACITY),
                  SC_ERR_XML_ERROR);
    assert_sc_ok(def = scVolDefParseString(pool, nocap_backing, SC_VOL_XML_PARSE_OPT_CAPACITY));
    scVolDefFree(def);

    assert_sc_err(scVolDefParseString(pool, nocap, 1u << 7), SC_ERR_INVALID_ARG);
    assert_sc_err(scVolDefParseString(pool, NULL, 0), SC_ERR_INVALID_ARG);
    assert_sc_err(scVolDefParseString(NULL, nocap, 0), SC_ERR_INVALID_ARG);
    assert_sc_err(scVolDefFormat(NULL, NULL), SC_ERR_INTERNAL_ERROR);
    scPoolDefFree(pool);
}

/* ---- refused documents ----------------------------------------------------- */

typedef struct {
    const char *name;
    const char *pool; /* a pool type of poolDoc() */
    const char *xml;
    const char *needle; /* the message must contain it */
} BadCase;

#define VOL(body)     "<volume><name>v</name>" body "</volume>"
#define CAP(n, unit)  VOL("<capacity unit='" unit "'>" n "</capacity>")
#define TARGET(body)  VOL("<capacity>1</capacity><target>" body "</target>")
#define ENC(body)     TARGET("<encryption format='luks'>" body "</encryption>")
#define SECRET(attrs) TARGET("<encryption format='qcow'><secret " attrs "/></encryption>")

static const BadCase bad_cases[] = {
    { "malformed", "dir", "<volume><name>x</name>", "malformed document" },
    { "not XML", "dir", "hello", "malformed document" },
    { "empty document", "dir", "", "malformed document" },
    { "wrong root", "dir", "<pool type='dir'><name>x</name></pool>", "root element is <pool>" },
    { "missing name", "dir", "<volume><capacity>1</capacity></volume>", "missing <name>" },
    { "empty name", "dir", "<volume><name/><capacity>1</capacity></volume>", "missing <name>" },
    { "name dot-dot", "dir", "<volume><name>..</name><capacity>1</capacity></volume>",
      "<name>: volume name '..' is not allowed" },
    { "name with tab", "dir", "<volume><name>a&#9;b</name><capacity>1</capacity></volume>",
      "<name>: volume name contains the control character 0x09" },
    { "name with DEL", "dir", "<volume><name>a&#x7f;b</name><capacity>1</capacity></volume>",
      "<name>: volume name contains the control character 0x7f" },
    { "name with C0 control char", "dir",
      "<volume><name>a&#x1;b</name><capacity>1</capacity></volume>", "malformed document" },
    { "name only blanks", "dir", "<volume><name>  </name><capacity>1</capacity></volume>",
      "<name>" },
    { "unknown volume type", "dir", "<volume type='disk'><name>v</name></volume>",
      "unknown volume type 'disk'" },
    { "missing capacity", "dir", VOL(""), "missing <capacity>" },
    { "empty capacity", "dir", VOL("<capacity unit='G'/>"), "missing <capacity>" },
    { "capacity -1", "dir", VOL("<capacity>-1</capacity>"),
      "<capacity>: '-1' is not a non-negative integer" },
    { "capacity abc", "dir", VOL("<capacity>abc</capacity>"),
      "<capacity>: 'abc' is not a non-negative integer" },
    { "capacity 1.5", "dir", CAP("1.5", "G"), "<capacity>: '1.5' is not" },
    { "capacity with unit inside", "dir", VOL("<capacity>5G</capacity>"), "'5G' is not" },
    { "capacity overflow", "dir", VOL("<capacity>99999999999999999999</capacity>"),
      "<capacity>: '99999999999999999999' is too large" },
    { "capacity above off_t", "dir", VOL("<capacity>9223372036854775808</capacity>"),
      "'9223372036854775808' is too large" },
    { "capacity 20000000 PiB", "dir", CAP("20000000", "PiB"),
      "<capacity>: '20000000 PiB' is too large" },
    { "capacity 8 EiB", "dir", CAP("8", "EiB"), "'8 EiB' is too large" },
    { "unknown unit", "dir", CAP("1", "XB"), "<capacity>: unknown unit 'XB'" },
    { "unit KiBB", "dir", CAP("1", "KiBB"), "unknown unit 'KiBB'" },
    { "unit kilobytes", "dir", CAP("1", "kilobytes"), "unknown unit 'kilobytes'" },
    { "bad allocation", "dir", VOL("<capacity>1</capacity><allocation>x</allocation>"),
      "<allocation>: 'x'" },
    { "allocation unknown unit", "dir",
      VOL("<capacity>1</capacity><allocation unit='Q'>1</allocation>"),
      "<allocation>: unknown unit 'Q'" },
    { "unknown format", "dir", TARGET("<format type='ntfs'/>"),
      "unknown volume format type ntfs" },
    { "format none in a dir pool", "dir", TARGET("<format type='none'/>"),
      "unknown volume format type none" },
    { "format is case-sensitive", "dir", TARGET("<format type='QCOW2'/>"),
      "unknown volume format type QCOW2" },
    { "file format in a disk pool", "disk", TARGET("<format type='qcow2'/>"),
      "unknown volume format type qcow2" },
    { "unknown backing format", "dir",
      VOL("<capacity>1</capacity><backingStore><path>/b</path><format type='x'/>"
          "</backingStore>"),
      "unknown volume format type x" },
    { "bad mode", "dir", TARGET("<permissions><mode>0888</mode></permissions>"),
      "<target><permissions><mode> '0888' is not an octal mode" },
    { "negative owner", "dir", TARGET("<permissions><owner>-2</owner></permissions>"),
      "<target><permissions><owner> '-2'" },
    { "bad backing group", "dir",
      VOL("<capacity>1</capacity><backingStore><path>/b</path><permissions><group>g</group>"
          "</permissions></backingStore>"),
      "<backingStore><permissions><group> 'g'" },
    { "encryption without format", "dir", TARGET("<encryption/>"),
      "missing format in <encryption format=...>" },
    { "unknown encryption format", "dir", TARGET("<encryption format='aes'/>"),
      "unknown encryption format 'aes'" },
    { "encryption engine default", "dir", TARGET("<encryption format='luks' engine='default'/>"),
      "unknown encryption engine 'default'" },
    { "secret without type", "dir", SECRET("uuid='f52a81b2-424e-490c-823d-6bd4235bc572'"),
      "missing type in <encryption><secret type=...>" },
    { "unknown secret type", "dir", SECRET("type='key' usage='u'"), "unknown secret type 'key'" },
    { "secret without uuid or usage", "dir", SECRET("type='passphrase'"), "needs either uuid" },
    { "secret with uuid and usage", "dir",
      SECRET("type='passphrase' usage='u' uuid='f52a81b2-424e-490c-823d-6bd4235bc572'"),
      "and not both" },
    { "bad secret uuid", "dir", SECRET("type='passphrase' uuid='nope'"),
      "<encryption><secret uuid='nope'> is malformed" },
    { "cipher without name", "dir", ENC("<cipher size='256'/>"), "<cipher> has no name" },
    { "cipher without size", "dir", ENC("<cipher name='aes'/>"),
      "<cipher size=''> is missing or not a number" },
    { "cipher with negative size", "dir", ENC("<cipher name='aes' size='-1'/>"),
      "<cipher size='-1'>" },
    { "ivgen without cipher", "dir", ENC("<ivgen name='plain64'/>"), "<ivgen> needs a <cipher>" },
    { "ivgen without name", "dir", ENC("<cipher name='aes' size='1'/><ivgen/>"),
      "<ivgen> has no name" },
    { "compat 1", "dir", TARGET("<compat>1</compat>"), "<target><compat> '1' is not a version" },
    { "compat 1.x", "dir", TARGET("<compat>1.x</compat>"), "'1.x'" },
    { "compat 1.1.1", "dir", TARGET("<compat>1.1.1</compat>"), "'1.1.1'" },
    { "unknown feature", "dir", TARGET("<features><foo/></features>"),
      "unsupported feature foo" },
    { "bad clusterSize", "dir", TARGET("<clusterSize unit='K'>-4</clusterSize>"),
      "<target><clusterSize>: '-4'" },
    { "undeclared entity", "dir", VOL("<capacity>&nope;</capacity>"), "malformed document" },
    { "doctype", "dir", "<!DOCTYPE volume><volume><name>v</name><capacity>1</capacity></volume>",
      "DTDs and entities are not allowed" },
    { "internal entity", "dir",
      "<!DOCTYPE volume [<!ENTITY n 'x'>]><volume><name>&n;</name><capacity>1</capacity>"
      "</volume>",
      "DTDs and entities are not allowed" },
    { "external entity", "dir",
      "<!DOCTYPE volume [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><volume><name>&x;</name>"
      "<capacity>1</capacity></volume>",
      "DTDs and entities are not allowed" },
};

static void
testBad(void **state)
{
    const BadCase *c = *state;
    scPoolDef *pool = parsePool(poolDoc(c->pool));
    const scError *err;

    scResetLastError();
    /* libvirt's codes: a parser error, a document against the schema, or
     * (in libvirt's words) a format or feature it does not know; all in
     * the storage domain. */
    bool unsupported = strncmp(c->needle, "unknown volume format type ", 27) == 0 ||
                       strncmp(c->needle, "unsupported feature ", 20) == 0;
    assert_sc_err(scVolDefParseString(pool, c->xml, 0), unsupported ? SC_ERR_CONFIG_UNSUPPORTED
                                                        : strcmp(c->needle, "malformed document") == 0
                                                            ? SC_ERR_XML_DETAIL
                                                            : SC_ERR_XML_ERROR);
    err = scGetLastError();
    assert_int_equal(err->domain, SC_FROM_STORAGE);
    assert_null(strchr(err->message, '\n'));
    assert_true(unsupported ? strcmp(err->str2, c->needle) == 0
                            : strncmp(err->str2, "volume XML: ", 12) == 0);
    if (!strstr(err->message, c->needle))
        fail_msg("message '%s' does not mention '%s'", err->message, c->needle);
    scPoolDefFree(pool);
}

/* ---- scParseScaledSize ------------------------------------------------------ */

typedef struct {
    const char *number;
    const char *unit;
    unsigned long long bytes; /* the result */
    const char *error;        /* or, when set, what the message must contain */
} SizeCase;

static const SizeCase size_cases[] = {
    { "5", NULL, 5, NULL },
    { "5", "", 5, NULL },
    { "5", "b", 5, NULL },
    { "5", "B", 5, NULL },
    { "5", "byte", 5, NULL },
    { "5", "bytes", 5, NULL },
    { "5", "BYTES", 5, NULL },
    { "0", "PiB", 0, NULL },
    { "+7", NULL, 7, NULL },
    { "1", "k", 1024ULL, NULL },
    { "1", "K", 1024ULL, NULL },
    { "1", "KiB", 1024ULL, NULL },
    { "1", "kib", 1024ULL, NULL },
    { "1", "KB", 1000ULL, NULL },
    { "1", "kB", 1000ULL, NULL },
    { "1", "kb", 1000ULL, NULL },
    { "3", "M", 3ULL << 20, NULL },
    { "3", "MiB", 3ULL << 20, NULL },
    { "3", "MB", 3000000ULL, NULL },
    { "5", "G", 5ULL << 30, NULL },
    { "5", "GiB", 5ULL << 30, NULL },
    { "10", "GB", 10000000000ULL, NULL },
    { "1", "T", 1ULL << 40, NULL },
    { "1", "TiB", 1ULL << 40, NULL },
    { "1", "TB", 1000000000000ULL, NULL },
    { "1", "P", 1ULL << 50, NULL },
    { "1", "PB", 1000000000000000ULL, NULL },
    { "7", "E", 7ULL << 60, NULL },
    { "7", "EiB", 7ULL << 60, NULL },
    { "9", "EB", 9000000000000000000ULL, NULL },
    { "9223372036854775807", NULL, 9223372036854775807ULL, NULL },
    { "9007199254740991", "KiB", 9007199254740991ULL << 10, NULL },
    { "-1", NULL, 0, "'-1' is not a non-negative integer" },
    { "-0", NULL, 0, "'-0' is not a non-negative integer" },
    { "abc", NULL, 0, "'abc' is not a non-negative integer" },
    { "", NULL, 0, "'' is not a non-negative integer" },
    { NULL, NULL, 0, "'' is not a non-negative integer" },
    { "1.5", "G", 0, "'1.5' is not a non-negative integer" },
    { "1 ", NULL, 0, "'1 ' is not a non-negative integer" },
    { "0x10", NULL, 0, "'0x10' is not a non-negative integer" },
    { "99999999999999999999", NULL, 0, "'99999999999999999999' is too large" },
    { "9223372036854775808", NULL, 0, "'9223372036854775808' is too large" },
    { "20000000", "PiB", 0, "'20000000 PiB' is too large" },
    { "8", "EiB", 0, "'8 EiB' is too large" },
    { "10", "EB", 0, "'10 EB' is too large" },
    { "9007199254740992", "KiB", 0, "'9007199254740992 KiB' is too large" },
    { "1", "XB", 0, "unknown unit 'XB'" },
    { "1", "KiBB", 0, "unknown unit 'KiBB'" },
    { "1", "Ki", 0, "unknown unit 'Ki'" },
    { "1", "iB", 0, "unknown unit 'iB'" },
    { "1", "bb", 0, "unknown unit 'bb'" },
    { "1", "kilo", 0, "unknown unit 'kilo'" },
    { "1", " K", 0, "unknown unit ' K'" },
};

static void
testScaledSize(void **state)
{
    const SizeCase *c = *state;
    unsigned long long bytes = 42;

    scResetLastError();
    if (!c->error) {
        assert_sc_ok(scParseScaledSize("capacity", c->number, c->unit, &bytes) == 0);
        assert_null(scGetLastError());
        assert_int_equal(bytes, c->bytes);
        return;
    }
    assert_sc_err(scParseScaledSize("capacity", c->number, c->unit, &bytes) == 0,
                  SC_ERR_INVALID_ARG);
    assert_int_equal(bytes, 42); /* not clobbered */
    assert_true(strncmp(scGetLastError()->str2, "capacity: ", 10) == 0);
    if (!strstr(scGetLastErrorMessage(), c->error))
        fail_msg("message '%s' does not mention '%s'", scGetLastErrorMessage(), c->error);
}

/* Extents are display only: never parsed, printed from the backend's
 * attributes in index order, a <device> per run on one path (libvirt's
 * virStorageVolDefFormatSourceExtents); malformed attributes are errors. */
static void
testExtents(void **state)
{
    static const char *const expected = "<volume type='block'>\n"
                                        "  <name>lv0</name>\n"
                                        "  <key>r4xkCv-MQhr-WKIT-R66x-Epn2-e8hG-1Z5gY0</key>\n"
                                        "  <source>\n"
                                        "    <device path='/dev/sda2'>\n"
                                        "      <extent start='0' end='4194304'/>\n"
                                        "      <extent start='8388608' end='12582912'/>\n"
                                        "    </device>\n"
                                        "    <device path='/dev/disk with &apos;space&apos;'>\n"
                                        "      <extent start='4194304' end='8388608'/>\n"
                                        "    </device>\n"
                                        "    <device path='/dev/sda2'>\n"
                                        "      <extent start='16777216' end='20971520'/>\n"
                                        "    </device>\n"
                                        "  </source>\n"
                                        "  <capacity unit='bytes'>16777216</capacity>\n"
                                        "  <allocation unit='bytes'>16777216</allocation>\n"
                                        "  <target>\n"
                                        "    <path>/dev/vg/lv0</path>\n"
                                        "  </target>\n"
                                        "</volume>\n";
    static const char *const bad[][2] = {
        { "extent.", "0 1 /dev/a" },
        { "extent.x", "0 1 /dev/a" },
        { "extent.1x", "0 1 /dev/a" },
        { "extent.65536", "0 1 /dev/a" },
        { "extent.0", "1 0 /dev/a" },
        { "extent.0", "0 1" },
        { "extent.0", "0 1 " },
        { "extent.0", "-1 1 /dev/a" },
        { "extent.0", "0 -1 /dev/a" },
        { "extent.0", "0  1 /dev/a" },
        { "extent.0", "99999999999999999999 1 /dev/a" },
        { "extent.-1", "0 1 /dev/a" },
    };
    scPoolDef *pool = parsePool("<pool type='logical'><name>vg</name></pool>");
    scVolDef *def;
    char *out;

    (void) state;
    assert_sc_ok(
        def = scVolDefParseString(
            pool,
            "<volume type='block'><name>lv0</name>"
            "<key>r4xkCv-MQhr-WKIT-R66x-Epn2-e8hG-1Z5gY0</key>"
            "<source><device path='/dev/parsed'><extent start='0' end='1'/></device></source>"
            "<capacity>16777216</capacity><target><path>/dev/vg/lv0</path></target></volume>",
            0));
    assert_int_equal(def->nextents, 0);
    assert_int_equal(scVolDefAddExtentAttr(def, "extent.3", "16777216 20971520 /dev/sda2"), 1);
    assert_int_equal(scVolDefAddExtentAttr(def, "extent.0", "0 4194304 /dev/sda2"), 1);
    assert_int_equal(
        scVolDefAddExtentAttr(def, "extent.2", "4194304 8388608 /dev/disk with 'space'"), 1);
    assert_int_equal(scVolDefAddExtentAttr(def, "extent.1", "8388608 12582912 /dev/sda2"), 1);
    assert_int_equal(scVolDefAddExtentAttr(def, "lv_attr", "-wi-a-----"), 0);
    assert_sc_ok(out = scVolDefFormat(pool, def));
    assert_string_equal(out, expected);
    free(out);
    for (size_t i = 0; i < SC_N_ELEMENTS(bad); i++) {
        assert_sc_err(scVolDefAddExtentAttr(def, bad[i][0], bad[i][1]) == 1, SC_ERR_INTERNAL_ERROR);
        assert_non_null(strstr(scGetLastErrorMessage(), "malformed extent attribute"));
    }
    scVolDefClearExtents(def);
    assert_int_equal(def->nextents, 0);
    assert_sc_ok(out = scVolDefFormat(pool, def));
    assert_null(strstr(out, "<source>"));
    free(out);
    scVolDefFree(def);
    scPoolDefFree(pool);
}

/* ---- the table of tests ------------------------------------------------------ */

#define ADD_CASES(table, fmt, field, func)                                                         \
 for (size_t j = 0; j < SC_N_ELEMENTS(table); j++, i++) {                                          \
  if (asprintf(&names[i], fmt, table[j].field) < 0)                                                \
   return 1;                                                                                       \
  tests[i] = (struct CMUnitTest){ .name = names[i],                                                \
                                  .test_func = func,                                               \
                                  .initial_state = (void *) &table[j] };                           \
 }

int
main(void)
{
    static const struct CMUnitTest fixed[] = {
        cmocka_unit_test(testParsedValues),
        cmocka_unit_test(testTimestamps),
        cmocka_unit_test(testExtentsAndPhysical),
        cmocka_unit_test(testFlagsAndArgs),
        cmocka_unit_test(testExtents),
    };
    size_t n = SC_N_ELEMENTS(compat_cases) + SC_N_ELEMENTS(fixture_cases) +
               SC_N_ELEMENTS(bad_cases) + SC_N_ELEMENTS(size_cases) + SC_N_ELEMENTS(fixed);
    struct CMUnitTest *tests = calloc(n, sizeof(*tests));
    char **names = calloc(n, sizeof(*names));
    size_t i = 0;
    int ret;

    if (!tests || !names)
        return 1;
    ADD_CASES(compat_cases, "compat %s", name, testCompat);
    ADD_CASES(fixture_cases, "fixture %s", name, testFixture);
    ADD_CASES(bad_cases, "refuse %s", name, testBad);
    for (size_t j = 0; j < SC_N_ELEMENTS(size_cases); j++, i++) {
        if (asprintf(&names[i], "size '%s' '%s'",
                     size_cases[j].number ? size_cases[j].number : "(null)",
                     size_cases[j].unit ? size_cases[j].unit : "(null)") < 0)
            return 1;
        tests[i] = (struct CMUnitTest){ .name = names[i],
                                        .test_func = testScaledSize,
                                        .initial_state = (void *) &size_cases[j] };
    }
    for (size_t j = 0; j < SC_N_ELEMENTS(fixed); j++, i++)
        tests[i] = fixed[j];

    ret = _cmocka_run_group_tests("vol_xml", tests, n, NULL, NULL);
    for (i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(tests);
    return ret;
}
