/*
 * test_lvm.c: the parts of the logical backend that need no LVM: the JSON
 * reader of lvm2's reports, the PV metadata reader (on images built here,
 * byte by byte, as lvm2 lays them out), lvm2's name rules and dm names,
 * the cleaning of lvm2's messages, and which LVs of an lvs report are
 * volumes and what their records hold (libvirt's choices: thin pools,
 * thin volumes and inactive LVs are not volumes; snapshots are sparse and
 * backed by their origin; extents per stripe). tests/test_logical.c does
 * the same against real lvm2 on loop devices.
 */
#include <config.h>

#include <stdint.h>
#include <sys/stat.h>

#include "testutil.h"
#include "backends/common/json.h"
#include "backends/common/lvm.h"
#include "backends/common/lvmmeta.h"
#include "backends/logical_priv.h"
#include "conf/pool_conf.h"

/* ---- JSON ---------------------------------------------------------------- */

static char *
dup(const char *s)
{
    char *d = strdup(s);
    assert_non_null(d);
    return d;
}

static void
test_json_values(void **state)
{
    char *text = dup(" {\"a\": [1, -2.5e3, true, false, null, \"x\\\"y\\\\z\\/\\n\"],"
                     " \"b\": {\"\\u00e9\\ud83d\\ude00\": \"\"}, \"a\": 7 } ");
    scJsonDoc doc = { 0 };
    const char *why = NULL;
    size_t where = 0;
    int a, b, e;

    (void) state;
    assert_int_equal(scJsonParse(&doc, text, &why, &where), 0);
    a = scJsonMember(&doc, 0, "a");
    assert_int_equal(doc.nodes[a].type, SC_JSON_ARRAY);
    e = doc.nodes[a].child;
    assert_int_equal(doc.nodes[e].type, SC_JSON_NUMBER);
    assert_string_equal(doc.nodes[e].str, "1");
    e = doc.nodes[e].next;
    assert_string_equal(doc.nodes[e].str, "-2.5e3");
    e = doc.nodes[e].next;
    assert_int_equal(doc.nodes[e].type, SC_JSON_TRUE);
    e = doc.nodes[e].next;
    assert_int_equal(doc.nodes[e].type, SC_JSON_FALSE);
    e = doc.nodes[e].next;
    assert_int_equal(doc.nodes[e].type, SC_JSON_NULL);
    e = doc.nodes[e].next;
    assert_string_equal(scJsonString(&doc, e), "x\"y\\z/\n");
    assert_int_equal(doc.nodes[e].next, -1);
    b = scJsonMember(&doc, 0, "b");
    assert_string_equal(doc.nodes[doc.nodes[b].child].key, "\xc3\xa9\xf0\x9f\x98\x80");
    assert_string_equal(scJsonString(&doc, doc.nodes[b].child), "");
    assert_int_equal(scJsonMember(&doc, 0, "missing"), -1);
    assert_int_equal(scJsonMember(&doc, a, "x"), -1);
    assert_null(scJsonString(&doc, a));
    assert_null(scJsonString(&doc, -1));
    scJsonClear(&doc);
    free(text);
}

static void
test_json_refused(void **state)
{
    static const char *const bad[] = {
        "",
        " ",
        "{",
        "[1,]",
        "[1 2]",
        "{\"a\" 1}",
        "{\"a\":}",
        "{1:2}",
        "\"abc",
        "\"a\\x\"",
        "\"a\\u12\"",
        "\"\\u0000\"",
        "\"\\ud800\"",
        "\"\\udc00x\"",
        "\"a\tb\"",
        "01",
        "1.",
        "-",
        "1e",
        "tru",
        "nul",
        "[] []",
        "{\"a\":1}x",
        "[\"\\ud800\\u0041\"]",
    };
    scJsonDoc doc = { 0 };
    const char *why;
    size_t where;

    (void) state;
    for (size_t i = 0; i < SC_N_ELEMENTS(bad); i++) {
        char *text = dup(bad[i]);
        why = NULL;
        if (scJsonParse(&doc, text, &why, &where) == 0)
            fail_msg("'%s' parsed", bad[i]);
        assert_non_null(why);
        assert_null(doc.nodes);
        free(text);
    }
    /* Nesting is bounded. */
    char deep[2 * SC_JSON_MAX_DEPTH + 8];
    memset(deep, '[', SC_JSON_MAX_DEPTH + 1);
    memset(deep + SC_JSON_MAX_DEPTH + 1, ']', SC_JSON_MAX_DEPTH + 1);
    deep[2 * SC_JSON_MAX_DEPTH + 2] = '\0';
    assert_int_equal(scJsonParse(&doc, deep, &why, &where), -1);
    assert_string_equal(why, "nested too deeply");
    memset(deep, '[', SC_JSON_MAX_DEPTH);
    memset(deep + SC_JSON_MAX_DEPTH, ']', SC_JSON_MAX_DEPTH);
    deep[2 * SC_JSON_MAX_DEPTH] = '\0';
    assert_int_equal(scJsonParse(&doc, deep, &why, &where), 0);
    scJsonClear(&doc);
}

/* ---- a PV image, as lvm2 lays one out -------------------------------- */

#define IMG_SIZE (256 * 1024)
#define MDA_OFF  4096

static void
put32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char) (v >> (8 * i));
}

static void
put64(unsigned char *p, uint64_t v)
{
    put32(p, (uint32_t) v);
    put32(p + 4, (uint32_t) (v >> 32));
}

typedef struct {
    unsigned int label_sector; /* 0..3 */
    uint64_t mda_size;         /* of the one metadata area at MDA_OFF */
    uint64_t text_offset;      /* in the area */
    const char *text;
    uint32_t flags; /* of the raw_locn */
    bool two_mdas;  /* a second area, at the device's end */
} Layout;

/* The metadata area at @off of @size holding @text at @text_off (wrapping
 * past the area's end to just after its header). */
static void
put_mda(unsigned char *img, uint64_t off, uint64_t size, uint64_t text_off, const char *text,
        uint32_t flags)
{
    unsigned char *h = img + off;
    size_t len = strlen(text);

    memset(h, 0, 512);
    memcpy(h + 4, " LVM2 x[5A%r0N*>", 16);
    put32(h + 20, 1);
    put64(h + 24, off);
    put64(h + 32, size);
    put64(h + 40, text_off);
    put64(h + 48, len);
    put32(h + 56, scLvmCrc(SC_LVM_CRC_INITIAL, text, len));
    put32(h + 60, flags);
    for (size_t i = 0; i < len; i++) {
        uint64_t at = text_off + i;
        if (at >= size)
            at = at - size + 512;
        img[off + at] = (unsigned char) text[i];
    }
    put32(h, scLvmCrc(SC_LVM_CRC_INITIAL, h + 4, 512 - 4));
}

static unsigned char *
make_pv(const Layout *l)
{
    unsigned char *img = calloc(1, IMG_SIZE), *s, *ph, *dl;

    assert_non_null(img);
    s = img + 512 * l->label_sector;
    memcpy(s, "LABELONE", 8);
    put64(s + 8, l->label_sector);
    put32(s + 20, 32);
    memcpy(s + 24, "LVM2 001", 8);
    ph = s + 32;
    memcpy(ph, "ahIygR2HjCNE1A4WyaRZ5Zkf25cXDb2w", 32);
    put64(ph + 32, IMG_SIZE);
    dl = ph + 40;
    put64(dl, 128 * 1024); /* the data area, to the end */
    dl += 32;              /* ... and the end of its list */
    put64(dl, MDA_OFF);
    put64(dl + 8, l->mda_size);
    dl += 16;
    if (l->two_mdas) {
        put64(dl, IMG_SIZE - 8192);
        put64(dl + 8, 8192);
        put_mda(img, IMG_SIZE - 8192, 8192, 512, l->text, 0);
    }
    put32(s + 16, scLvmCrc(SC_LVM_CRC_INITIAL, s + 20, 512 - 20));
    put_mda(img, MDA_OFF, l->mda_size, l->text_offset, l->text, l->flags);
    return img;
}

typedef struct {
    const unsigned char *img;
    size_t size;
} Mem;

static int
mem_read(void *opaque, uint64_t offset, void *buf, size_t len)
{
    const Mem *m = opaque;

    if (offset > m->size || len > m->size - offset)
        return -1;
    memcpy(buf, m->img + offset, len);
    return 0;
}

#define TEXT                                                                                       \
 "vg-test {\nid = \"vcEA0d-EVaH-eHlM-njHY-2wMK-dmTD-5Eq0cF\"\nseqno = 42\n"                        \
 "format = \"lvm2\"\nstatus = [\"RESIZEABLE\", \"READ\", \"WRITE\"]\n"                             \
 "physical_volumes {\npv0 {\nid = \"x\"\n}\n}\n}\n"

static int
read_layout(const Layout *l, scLvmPvMeta *meta, const char **why)
{
    unsigned char *img = make_pv(l);
    Mem m = { img, IMG_SIZE };
    int r = scLvmMetaRead(mem_read, &m, IMG_SIZE, meta, why);

    free(img);
    return r;
}

static void
test_meta_read(void **state)
{
    Layout l = { 0, 65536, 1536, TEXT, 0, false };
    scLvmPvMeta meta;
    const char *why = NULL;

    (void) state;
    assert_int_equal(read_layout(&l, &meta, &why), 1);
    assert_string_equal(meta.pv_uuid, "ahIygR2HjCNE1A4WyaRZ5Zkf25cXDb2w");
    assert_true(scLvmUuidEqual("ahIygR-2HjC-NE1A-4Wya-RZ5Z-kf25-cXDb2w", meta.pv_uuid));
    assert_false(scLvmUuidEqual("ahIygR-2HjC-NE1A-4Wya-RZ5Z-kf25-cXDb2x", meta.pv_uuid));
    assert_false(scLvmUuidEqual("ahIygR-2HjC-NE1A-4Wya-RZ5Z-kf25-cXDb2", meta.pv_uuid));
    assert_int_equal(meta.dev_size, IMG_SIZE);
    assert_true(meta.has_meta);
    assert_string_equal(meta.vg_name, "vg-test");
    assert_string_equal(meta.vg_id, "vcEA0d-EVaH-eHlM-njHY-2wMK-dmTD-5Eq0cF");
    assert_int_equal(meta.seqno, 42);
    assert_int_equal(meta.text_offset, 1536);
    assert_int_equal(meta.text_crc, scLvmCrc(SC_LVM_CRC_INITIAL, TEXT, strlen(TEXT)));

    /* The label in another of the first four sectors. */
    l.label_sector = 3;
    assert_int_equal(read_layout(&l, &meta, &why), 1);
    /* Text that runs past the area's end goes on after its header. */
    l.mda_size = 4096;
    l.text_offset = 4096 - 20;
    assert_int_equal(read_layout(&l, &meta, &why), 1);
    assert_int_equal(meta.seqno, 42);
    assert_string_equal(meta.vg_name, "vg-test");
    /* An ignored area: the second one is read. */
    l = (Layout){ 0, 65536, 512, TEXT, 1, true };
    assert_int_equal(read_layout(&l, &meta, &why), 1);
    /* ... and without a second one, the PV says nothing of its VG. */
    l.two_mdas = false;
    assert_int_equal(read_layout(&l, &meta, &why), 0);
    assert_string_equal(meta.pv_uuid, "ahIygR2HjCNE1A4WyaRZ5Zkf25cXDb2w");
    assert_false(meta.has_meta);
    assert_non_null(strstr(why, "ignored"));
}

/* Every damage found is "cannot tell", never a wrong seqno. */
static void
test_meta_damaged(void **state)
{
    static const struct {
        const char *what;
        size_t at;  /* byte to change (from the image's start) */
        int expect; /* 0: label sound, no metadata; -1: no PV */
    } cases[] = {
        { "label magic", 0, -1 },
        { "label crc", 16, -1 },
        { "label covered byte", 100, -1 },
        { "pv header offset", 20, -1 },
        { "mda header magic", MDA_OFF + 4, 0 },
        { "mda header crc", MDA_OFF, 0 },
        { "mda header covered byte", MDA_OFF + 300, 0 },
    };
    Layout l = { 0, 65536, 512, TEXT, 0, false };
    scLvmPvMeta meta;
    const char *why;

    (void) state;
    for (size_t i = 0; i < SC_N_ELEMENTS(cases); i++) {
        unsigned char *img = make_pv(&l);
        Mem m = { img, IMG_SIZE };
        img[cases[i].at] ^= 0x5a;
        why = NULL;
        if (scLvmMetaRead(mem_read, &m, IMG_SIZE, &meta, &why) != cases[i].expect)
            fail_msg("%s: not refused as expected", cases[i].what);
        assert_non_null(why);
        assert_false(meta.has_meta);
        free(img);
    }
    /* Texts that are not what lvm2 writes. */
    static const char *const texts[] = {
        "no brace here\nid = \"x\"\nseqno = 1\n",
        "vg {\nseqno = 1\n",
        "vg {\nid = \"x\"\n",
        "vg {\nid = \"x\"\nseqno = 12a\n",
        "vg {\nid = \"x\nseqno = 1\n",
        "v g {\nid = \"x\"\nseqno = 1\n",
        "vg {\nsub {\nid = \"x\"\nseqno = 1\n}\n",
        "vg {\nid = \"x\"\nseqno = 99999999999999999999\n",
    };
    for (size_t i = 0; i < SC_N_ELEMENTS(texts); i++) {
        l.text = texts[i];
        why = NULL;
        if (read_layout(&l, &meta, &why) != 0)
            fail_msg("text %zu: not refused", i);
        assert_false(meta.has_meta);
    }
    /* Areas and texts outside the device or the area. */
    l.text = TEXT;
    l.mda_size = IMG_SIZE; /* runs past the device */
    assert_int_equal(read_layout(&l, &meta, &why), 0);
    l.mda_size = 65536;
    l.text_offset = 100; /* inside the header */
    assert_int_equal(read_layout(&l, &meta, &why), 0);
    /* A device too small, and one whose reads fail. */
    unsigned char small[1024] = { 0 };
    Mem m = { small, sizeof(small) };
    assert_int_equal(scLvmMetaRead(mem_read, &m, sizeof(small), &meta, &why), -1);
    assert_int_equal(scLvmMetaReadDevice("/nonexistent/pv", &meta, &why), -1);
    assert_non_null(strstr(why, "No such file"));
}

/* A PV image in a file, read through scLvmMetaReadDevice. */
static void
test_meta_file(void **state)
{
    char *dir = testTmpDirMake("lvmmeta"), *path;
    Layout l = { 1, 65536, 2048, TEXT, 0, false };
    unsigned char *img = make_pv(&l);
    scLvmPvMeta meta;
    const char *why = NULL;
    FILE *f;

    (void) state;
    assert_true(asprintf(&path, "%s/pv.img", dir) > 0);
    assert_non_null(f = fopen(path, "wb"));
    assert_int_equal(fwrite(img, 1, IMG_SIZE, f), IMG_SIZE);
    fclose(f);
    assert_int_equal(scLvmMetaReadDevice(path, &meta, &why), 1);
    assert_int_equal(meta.seqno, 42);
    free(img);
    free(path);
    testTmpDirRemove(dir);
}

/* The seed corpus of the fuzz target: what each image must give, the
 * head of a PV that lvm2 itself wrote included (its CRCs are lvm2's). */
static void
test_meta_corpus(void **state)
{
    static const struct {
        const char *file;
        int expect;
        unsigned long long seqno;
    } cases[] = {
        { "valid", 1, 7 },         { "label-sector-2", 1, 7 },
        { "wrapped", 1, 7 },       { "ignored-then-second", 1, 7 },
        { "ignored-only", 0, 0 },  { "label-crc", -1, 0 },
        { "mda-crc", 0, 0 },       { "text-offset-outside", 0, 0 },
        { "area-past-end", 1, 7 }, { "no-seqno", 0, 0 },
        { "nested", 0, 0 },        { "truncated", 0, 0 },
        { "real-pv-head", 1, 0 },
    };
    scLvmPvMeta meta;
    const char *why;

    (void) state;
    for (size_t i = 0; i < SC_N_ELEMENTS(cases); i++) {
        char *path;
        assert_true(
            asprintf(&path, "%s/tests/fuzz/corpus/lvmmeta/%s", testSrcDir(), cases[i].file) > 0);
        why = NULL;
        /* lvm2's areas are larger than a seed: the rest of the device reads
         * as zeroes. */
        char *img = testReadFile(path);
        struct stat st;
        assert_non_null(img);
        assert_int_equal(stat(path, &st), 0);
        unsigned char *dev = calloc(1, 16 << 20);
        assert_non_null(dev);
        memcpy(dev, img, (size_t) st.st_size);
        Mem m = { dev, 16 << 20 };
        if (scLvmMetaRead(mem_read, &m, 16 << 20, &meta, &why) != cases[i].expect)
            fail_msg("%s: expected %d (%s)", cases[i].file, cases[i].expect, why ? why : "");
        free(dev);
        free(img);
        if (cases[i].seqno)
            assert_int_equal(meta.seqno, cases[i].seqno);
        if (strcmp(cases[i].file, "real-pv-head") == 0) {
            assert_true(meta.seqno >= 2);
            assert_non_null(strstr(meta.vg_name, "corpus_seed_"));
        }
        free(path);
    }
}

/* ---- lvm2's rules ---------------------------------------------------------- */

static void
test_names(void **state)
{
    static const char *const good_lv[] = { "a", "disk-1", "A.b+c_d", "snap", "x_tdat", "a_idata" };
    static const struct {
        const char *name, *why;
    } bad_lv[] = {
        { "", "empty" },
        { "a b", "contains ' '" },
        { "-x", "begins with '-'" },
        { ".", "'.' or '..'" },
        { "..", "'.' or '..'" },
        { "a/b", "contains '/'" },
        { "\xc3\xa9", "0xc3" },
        { "snapshot1", "'snapshot'" },
        { "pvmove0", "'pvmove'" },
        { "x_tmeta", "'_tmeta'" },
        { "a_vorigin", "'_vorigin'" },
        { "lv_rimage_0", "'_rimage'" },
        { "a_wcorig", "'_wcorig'" },
    };
    char name[200];

    (void) state;
    for (size_t i = 0; i < SC_N_ELEMENTS(good_lv); i++)
        assert_sc_ok(scLvmCheckName("volume", "vg", good_lv[i]) == 0);
    for (size_t i = 0; i < SC_N_ELEMENTS(bad_lv); i++) {
        assert_sc_err(scLvmCheckName("volume", "vg", bad_lv[i].name) == 0, SC_ERR_INVALID_ARG);
        assert_non_null(strstr(scGetLastErrorMessage(), "lvm2 refuses this name"));
        assert_non_null(strstr(scGetLastErrorMessage(), "lvm2's names hold only letters"));
        if (!strstr(scGetLastErrorMessage(), bad_lv[i].why))
            fail_msg("'%s': '%s' does not say '%s'", bad_lv[i].name, scGetLastErrorMessage(),
                     bad_lv[i].why);
    }
    /* 127 characters at most; with the VG's, 124. */
    memset(name, 'v', 127);
    name[127] = '\0';
    assert_sc_ok(scLvmCheckName("volume group", name, NULL) == 0);
    name[127] = 'v';
    name[128] = '\0';
    assert_sc_err(scLvmCheckName("volume group", name, NULL) == 0, SC_ERR_INVALID_ARG);
    assert_non_null(strstr(scGetLastErrorMessage(), "128 characters"));
    memset(name, 'l', 122);
    name[122] = '\0';
    assert_sc_ok(scLvmCheckName("volume", "vg", name) == 0);
    name[122] = 'l';
    name[123] = '\0';
    assert_sc_err(scLvmCheckName("volume", "vg", name) == 0, SC_ERR_INVALID_ARG);
    assert_non_null(strstr(scGetLastErrorMessage(), "125 characters with volume group 'vg'"));
    /* Reserved words are an LV's only. */
    assert_sc_ok(scLvmCheckName("volume group", "snapshot_tmeta", NULL) == 0);
}

static void
test_dm_names(void **state)
{
    static const struct {
        const char *vg, *lv, *dm;
    } cases[] = {
        { "vg", "lv", "vg-lv" },
        { "my-vg", "my-disk", "my--vg-my--disk" },
        { "a--b", "x-", "a----b-x--" },
        { "vg", "lv-", "vg-lv--" },
    };
    static const char *const not_lv[] = { "vg",         "vg--lv",    "-lv", "vg-",
                                          "vg-lv-real", "vg-lv-cow", "" };
    char *dm, *vg, *lv;

    (void) state;
    for (size_t i = 0; i < SC_N_ELEMENTS(cases); i++) {
        assert_non_null(dm = scLvmDmName(cases[i].vg, cases[i].lv));
        assert_string_equal(dm, cases[i].dm);
        assert_int_equal(scLvmDmSplit(dm, &vg, &lv), 1);
        assert_string_equal(vg, cases[i].vg);
        assert_string_equal(lv, cases[i].lv);
        free(vg);
        free(lv);
        free(dm);
    }
    for (size_t i = 0; i < SC_N_ELEMENTS(not_lv); i++) {
        assert_int_equal(scLvmDmSplit(not_lv[i], &vg, &lv), 0);
        assert_null(vg);
        assert_null(lv);
    }
}

static void
test_messages(void **state)
{
    static const struct {
        const char *in, *out;
    } cases[] = {
        { "  WARNING: Activation disabled. No device-mapper interaction will be attempted.\n"
          "  Volume group \"vg\" has insufficient free space (2 extents): 25 required.\n",
          "Volume group \"vg\" has insufficient free space (2 extents): 25 required." },
        { "  WARNING: Activation disabled. No device-mapper interaction will be attempted.\n",
          "WARNING: Activation disabled. No device-mapper interaction will be attempted." },
        { "  File descriptor 9 (/dev/null) leaked on lvs invocation. Parent PID 1: sh\n"
          "  a\n\n  b  \n",
          "a; b" },
        { "  WARNING: Logical volume vg/lv not zeroed.\n  WARNING: real trouble\n",
          "WARNING: real trouble" },
        { "", "" },
    };

    (void) state;
    for (size_t i = 0; i < SC_N_ELEMENTS(cases); i++) {
        char *out = scLvmCleanMessages(cases[i].in);
        assert_non_null(out);
        assert_string_equal(out, cases[i].out);
        free(out);
    }
}

/* ---- which LVs are volumes, and their records ------------------------- */

#define ROW(name, uuid, attr, size, origin, osize, pool, tags, seg, stripes, segsize, start,       \
            devices)                                                                               \
 "{\"lv_name\":\"" name "\", \"lv_uuid\":\"" uuid "\", \"lv_attr\":\"" attr                        \
 "\", \"lv_size\":\"" size "\", \"origin\":\"" origin "\", \"origin_size\":\"" osize               \
 "\", \"pool_lv\":\"" pool "\", \"lv_tags\":\"" tags "\", \"lv_active\":\"active\", "              \
 "\"segtype\":\"" seg "\", \"stripes\":\"" stripes "\", \"seg_size\":\"" segsize                   \
 "\", \"seg_start_pe\":\"" start "\", \"devices\":\"" devices "\", "                               \
 "\"vg_extent_size\":\"4194304\", \"vg_size\":\"1073741824\", \"vg_free\":\"536870912\", "         \
 "\"vg_missing_pv_count\":\"0\"}"

/* Rows out of order (lvm2 sorts them; the backend does not trust it). */
static const char report[] = "{\"report\": [{\"lv\": [" ROW(
    "zeta", "uuid-zeta", "-wi-a-----", "4194304", "", "0", "", "", "linear",
    "1", "4194304", "0", "/dev/sda(10)") "," ROW("alpha", "uuid-alpha", "owi-a-----", "12582912",
                                                 "", "0", "", "", "linear", "1", "4194304", "2",
                                                 "/dev/sda(5)") "," ROW("alpha", "uuid-alpha",
                                                                        "owi-a-----",
                                                                        "12582912", "", "0", "", "", "linear", "1", "8388608", "0", "/dev/sdb(0)") "," ROW("stripe", "uuid-stripe", "-wi-a-----", "16777216", "", "0", "", "", "striped", "2", "16777216", "0", "/dev/sda(20),/dev/sdb(20)") "," ROW("pool",
                                                                                                                                                                                                                                                                                                     "uuid-pool",
                                                                                                                                                                                                                                                                                                     "twi-aotz--",
                                                                                                                                                                                                                                                                                                     "8388608", "", "0", "", "", "thin-pool", "1", "8388608",
                                                                                                                                                                                                                                                                                                     "0", "pool_tdata(0)") "," ROW("thin", "uuid-thin", "Vwi-a-tz--", "104857600", "",
                                                                                                                                                                                                                                                                                                                                   "0",
                                                                                                                                                                                                                                                                                                                                   "pool",
                                                                                                                                                                                                                                                                                                                                   "",
                                                                                                                                                                                                                                                                                                                                   "thin", "1", "104857600", "0", "") "," ROW("off",
                                                                                                                                                                                                                                                                                                                                                                              "uuid-off",
                                                                                                                                                                                                                                                                                                                                                                              "-wi-------", "4194304", "", "0", "",
                                                                                                                                                                                                                                                                                                                                                                              "",
                                                                                                                                                                                                                                                                                                                                                                              "linear",
                                                                                                                                                                                                                                                                                                                                                                              "1", "4194304", "0", "/dev/sda(40)") "," ROW("unknown",
                                                                                                                                                                                                                                                                                                                                                                                                                           "uuid-unknown",
                                                                                                                                                                                                                                                                                                                                                                                                                           "-wi-XX----", "4194304", "", "0",
                                                                                                                                                                                                                                                                                                                                                                                                                           "",
                                                                                                                                                                                                                                                                                                                                                                                                                           "", "linear", "1", "4194304", "0", "/dev/sda(41)") "," ROW("snap", "uuid-snap", "swi-a-s---", "4194304", "alpha", "12582912", "", "a,b", "linear", "1", "4194304", "0", "/dev/sda(30)") "," ROW("my-disk", "uuid-my-disk", "-wi-a-----", "4194304", "", "0", "",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                           "",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                           "linear", "1", "4194304", "0", "/dev/disk with space(31)") "," ROW("sparse",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                              "uuid-sparse",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                              "swi-a-s---", "4194304", "[sparse_vorigin]", "1073741824", "", "", "linear", "1", "4194304", "0", "/dev/sda(32)") "," ROW("mirror",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        "uuid-mirror",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        "rwi-a-r---", "4194304", "", "0", "", "",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        "raid1",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        "2",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        "4194304",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        "0",
                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                                        "mirror_rimage_0(0),mirror_rimage_1(0)") "]}]}";

typedef struct {
    scDiscoverSink sink;
    char names[16][32];
    size_t n;
    scVolRecord recs[16];
    scStoragePoolInfo info;
    int info_calls;
} Capture;

static int
cap_entry(scDiscoverSink *sink, const char *name, const void *sig, size_t len)
{
    Capture *c = (Capture *) sink;

    (void) sig;
    assert_true(len > 0);
    assert_true(c->n < 16);
    snprintf(c->names[c->n++], 32, "%s", name);
    return 1;
}

static int
cap_record(scDiscoverSink *sink, const scVolRecord *rec, int want)
{
    Capture *c = (Capture *) sink;
    scVolRecord *r = &c->recs[c->n - 1];

    assert_int_equal(want, 1);
    assert_string_equal(rec->name, c->names[c->n - 1]);
    /* A copy of what matters. */
    scVolRecordInit(r);
    *r = *rec;
    r->name = strdup(rec->name);
    r->key = strdup(rec->key);
    r->path = strdup(rec->path);
    r->backing_path = rec->backing_path ? strdup(rec->backing_path) : NULL;
    r->format = NULL;
    r->backing_format = NULL;
    r->aliases = NULL;
    r->naliases = 0;
    r->attrs = NULL;
    r->nattrs = 0;
    for (size_t i = 0; i < rec->naliases; i++)
        assert_int_equal(scVolRecordAddAlias(r, rec->aliases[i]), 0);
    for (size_t i = 0; i < rec->nattrs; i++)
        assert_int_equal(scVolRecordSetAttr(r, rec->attrs[i].name, rec->attrs[i].value), 0);
    return 0;
}

static int
cap_info(scDiscoverSink *sink, const scStoragePoolInfo *info)
{
    Capture *c = (Capture *) sink;

    assert_non_null(info);
    c->info = *info;
    c->info_calls++;
    return 0;
}

static const scVolRecord *
rec_of(const Capture *c, const char *name)
{
    for (size_t i = 0; i < c->n; i++)
        if (strcmp(c->names[i], name) == 0)
            return &c->recs[i];
    fail_msg("no record of '%s'", name);
    return NULL;
}

static void
discover_canned(const char *json, Capture *c, int expect)
{
    scPoolDef *def = scPoolDefParseString("<pool type='logical'><name>vg-x</name></pool>");
    scPoolRuntime rt = { (char *) "vg=vg-x\nvg_uuid=vcEA0d\nactivation=no\n", NULL };
    scPoolCtx ctx = { .def = def, .rt = &rt };
    char *text = dup(json);

    assert_non_null(def);
    memset(c, 0, sizeof(*c));
    c->sink.entry = cap_entry;
    c->sink.record = cap_record;
    c->sink.pool_info = cap_info;
    assert_int_equal(scLogicalDiscoverReport(&ctx, text, &c->sink), expect);
    scPoolDefFree(def);
}

static void
captured_clear(Capture *c)
{
    for (size_t i = 0; i < c->n; i++)
        scVolRecordClear(&c->recs[i]);
}

static void
test_report_volumes(void **state)
{
    static const char *const expect[] = { "alpha",  "mirror", "my-disk", "snap",
                                          "sparse", "stripe", "unknown", "zeta" };
    const scVolRecord *r;
    Capture c;

    (void) state;
    discover_canned(report, &c, 0);
    /* Thin pools, thin volumes and inactive LVs are not volumes; the rest
     * come in strcmp order. */
    assert_int_equal(c.n, SC_N_ELEMENTS(expect));
    for (size_t i = 0; i < c.n; i++)
        assert_string_equal(c.names[i], expect[i]);
    assert_int_equal(c.info_calls, 1);
    assert_int_equal(c.info.capacity, 1073741824);
    assert_int_equal(c.info.available, 536870912);
    assert_int_equal(c.info.allocation, 536870912);

    r = rec_of(&c, "alpha");
    assert_string_equal(r->key, "uuid-alpha");
    assert_string_equal(r->path, "/dev/vg-x/alpha");
    assert_int_equal(r->type, SC_STORAGE_VOL_BLOCK);
    assert_int_equal(r->capacity, 12582912);
    assert_int_equal(r->allocation, 12582912);
    assert_memory_equal(r->ident, "uuid-alpha", 10);
    assert_int_equal(r->naliases, 1);
    assert_string_equal(r->aliases[0], "/dev/mapper/vg--x-alpha");
    /* Segments in their order, whatever the report's. */
    assert_string_equal(scVolRecordAttr(r, "extent.0"), "0 8388608 /dev/sdb");
    assert_string_equal(scVolRecordAttr(r, "extent.1"), "20971520 25165824 /dev/sda");
    assert_null(scVolRecordAttr(r, "extent.2"));
    assert_string_equal(scVolRecordAttr(r, "lv_attr"), "owi-a-----");
    assert_string_equal(scVolRecordAttr(r, "segtype"), "linear");
    assert_string_equal(scVolRecordAttr(r, "lv_active"), "active");
    assert_null(scVolRecordAttr(r, "sparse"));
    assert_null(r->backing_path);

    /* One extent per stripe, each as long as the segment (libvirt's). */
    r = rec_of(&c, "stripe");
    assert_string_equal(scVolRecordAttr(r, "extent.0"), "83886080 100663296 /dev/sda");
    assert_string_equal(scVolRecordAttr(r, "extent.1"), "83886080 100663296 /dev/sdb");
    r = rec_of(&c, "mirror");
    assert_string_equal(scVolRecordAttr(r, "extent.0"), "0 4194304 mirror_rimage_0");
    assert_string_equal(scVolRecordAttr(r, "extent.1"), "0 4194304 mirror_rimage_1");

    /* A snapshot: as large as its origin, backed by it, sparse. */
    r = rec_of(&c, "snap");
    assert_int_equal(r->capacity, 12582912);
    assert_int_equal(r->allocation, 4194304);
    assert_string_equal(r->backing_path, "/dev/vg-x/alpha");
    assert_string_equal(scVolRecordAttr(r, "sparse"), "yes");
    assert_string_equal(scVolRecordAttr(r, "origin"), "alpha");
    assert_string_equal(scVolRecordAttr(r, "lv_tags"), "a,b");
    /* A sparse volume's virtual origin is no backing store. */
    r = rec_of(&c, "sparse");
    assert_int_equal(r->capacity, 1073741824);
    assert_null(r->backing_path);
    assert_string_equal(scVolRecordAttr(r, "sparse"), "yes");
    /* Dashes doubled in /dev/mapper; a device path with a space. */
    r = rec_of(&c, "my-disk");
    assert_string_equal(r->aliases[0], "/dev/mapper/vg--x-my--disk");
    assert_string_equal(scVolRecordAttr(r, "extent.0"), "130023424 134217728 /dev/disk with space");
    captured_clear(&c);
}

/* The signature changes with the LV, and only with it. */
static void
test_report_signatures(void **state)
{
    scDiscoverSink sink = { 0 };
    Capture a, b;
    char *changed = dup(report), *p;

    (void) state;
    (void) sink;
    discover_canned(report, &a, 0);
    /* Another VG size (another LV grew): no LV's signature changes. */
    while ((p = strstr(changed, "536870912")))
        memcpy(p, "536870913", 9);
    /* zeta grew. */
    p = strstr(changed, "\"lv_size\":\"4194304\"");
    memcpy(p + 11, "8388608", 7);
    discover_canned(changed, &b, 0);
    for (size_t i = 0; i < a.n; i++) {
        bool same = a.recs[i].sig_len == b.recs[i].sig_len &&
                    memcmp(a.recs[i].sig, b.recs[i].sig, a.recs[i].sig_len) == 0;
        assert_true(same == (strcmp(a.names[i], "zeta") != 0));
    }
    captured_clear(&a);
    captured_clear(&b);
    free(changed);
}

static void
test_report_refused(void **state)
{
    static const char *const bad[] = {
        "{\"report\": [{\"lv\": [" ROW("x", "u", "-wi-a-----", "4194304", "", "0", "", "", "linear",
                                       "1", "4194304", "0", "/dev/sda") "]}]}",
        "{\"report\": [{\"lv\": [" ROW("x", "u", "-wi-a-----", "4194304", "", "0", "", "",
                                       "striped", "2", "4194304", "0", "/dev/sda(1)") "]}]}",
        "{\"report\": [{\"lv\": [" ROW("x", "u", "-wi-a-----", "4194304", "", "0", "", "", "linear",
                                       "1", "4194304", "0", "/dev/sda(x)") "]}]}",
        "{\"report\": [{\"lv\": [" ROW("x", "u", "-wi-a-----", "big", "", "0", "", "", "linear",
                                       "1", "4194304", "0", "/dev/sda(1)") "]}]}",
        "{\"report\": [{\"vg\": []}]}",
        "{\"report\": []}",
        "[]",
        "{\"report\": [{\"lv\": [1]}]}",
    };
    Capture c;

    (void) state;
    for (size_t i = 0; i < SC_N_ELEMENTS(bad); i++) {
        discover_canned(bad[i], &c, -1);
        assert_non_null(scGetLastError());
        captured_clear(&c);
    }
    /* A VG that misses a PV is an error, naming the way out. */
    char *missing = dup(report), *p;
    while ((p = strstr(missing, "\"vg_missing_pv_count\":\"0\"")))
        p[23] = '1';
    discover_canned(missing, &c, -1);
    assert_non_null(strstr(scGetLastErrorMessage(), "missing 1 physical volume"));
    free(missing);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_json_values),
        cmocka_unit_test(test_json_refused),
        cmocka_unit_test(test_meta_read),
        cmocka_unit_test(test_meta_damaged),
        cmocka_unit_test(test_meta_file),
        cmocka_unit_test(test_meta_corpus),
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_dm_names),
        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_report_volumes),
        cmocka_unit_test(test_report_signatures),
        cmocka_unit_test(test_report_refused),
    };

    return cmocka_run_group_tests_name("lvm", tests, NULL, NULL);
}
