/*
 * test_backend_sizes.c: what the boundary carries besides volume records,
 * proved on a fake backend in memory that stands in for the disk type:
 * the free extents of a started pool (libvirt's <freeExtent>s) and the
 * extents of a volume (<source><device><extent>) reach the XML; sizes
 * that follow the change token are not asked again while it is
 * unchanged; a volume operation records the pool's new sizes at once, as
 * libvirt does; a build is given the key its plan returned.
 */
#include <config.h>

#include <stdbool.h>
#include <unistd.h>

#include "testutil.h"
#include "backends/backend.h"
#include "util/util.h"

/* ---- the fake backend -------------------------------------------------- */

#define DISK_SIZE 1000ULL
#define MAX_VOLS 8

/* Volumes lie one after another from offset 100, in name order. */
static struct {
    char names[MAX_VOLS][16];
    unsigned long long sizes[MAX_VOLS];
    size_t n;
    char token[32];
    int pool_info_calls;
    int free_calls;
    char built_key[64];
} fake;

static int
fake_start(const scPoolDef *def, scPoolRuntime *rt)
{
    (void) def;
    return (rt->state = scStrdup("fake")) ? 0 : -1;
}

static unsigned long long
used(void)
{
    unsigned long long u = 0;

    for (size_t i = 0; i < fake.n; i++)
        u += fake.sizes[i];
    return u;
}

static int
fake_record(const scPoolCtx *pool, size_t i, scVolRecord *rec)
{
    unsigned long long start = 100;
    char key[64];

    for (size_t j = 0; j < i; j++)
        start += fake.sizes[j];
    snprintf(key, sizeof(key), "key-%s", fake.names[i]);
    scVolRecordClear(rec);
    rec->type = SC_STORAGE_VOL_BLOCK;
    rec->capacity = rec->allocation = rec->physical = fake.sizes[i];
    scVolRecordSetSig(rec, &fake.sizes[i], sizeof(fake.sizes[i]));
    if (!(rec->name = scStrdup(fake.names[i])) || !(rec->key = scStrdup(key)) ||
        !(rec->path = scAsprintf("/dev/fake/%s", fake.names[i])) ||
        !(rec->format = scStrdup("linux")) ||
        scVolRecordAddExtent(rec, pool->def->source.devices[0].path, start,
                             start + fake.sizes[i]) < 0)
        return -1;
    return 0;
}

static int
fake_discover(const scPoolCtx *pool, scDiscoverSink *sink)
{
    scVolRecord rec;
    int r = scSinkToken(sink, fake.token);

    if (r <= 0)
        return r;
    scVolRecordInit(&rec);
    for (size_t i = 0; i < fake.n; i++) {
        int want = scSinkEntry(sink, fake.names[i], &fake.sizes[i], sizeof(fake.sizes[i]));
        if (want < 0 || (want > 0 && (fake_record(pool, i, &rec) < 0 ||
                                      scSinkRecord(sink, &rec, want) < 0))) {
            scVolRecordClear(&rec);
            return -1;
        }
    }
    scVolRecordClear(&rec);
    return 0;
}

static int
fake_probe(const scPoolCtx *pool, const char *name, scVolRecord *rec)
{
    for (size_t i = 0; i < fake.n; i++)
        if (strcmp(fake.names[i], name) == 0)
            return fake_record(pool, i, rec) < 0 ? -1 : 1;
    return 0;
}

static int
fake_pool_info(const scPoolCtx *pool, scStoragePoolInfo *info)
{
    (void) pool;
    fake.pool_info_calls++;
    info->capacity = DISK_SIZE;
    info->allocation = used();
    info->available = DISK_SIZE - 100 - used();
    return 0;
}

static int
fake_free_extents(const scPoolCtx *pool, scFreeExtents *free_extents)
{
    (void) pool;
    fake.free_calls++;
    return scFreeExtentsAdd(free_extents, 0, 100 + used(), DISK_SIZE);
}

static int
fake_plan(const scPoolCtx *pool, const scVolDef *vol, scVolRecord *plan)
{
    (void) pool;
    plan->type = SC_STORAGE_VOL_BLOCK;
    if (!(plan->name = scStrdup(vol->name)) || !(plan->key = scAsprintf("key-%s", vol->name)) ||
        !(plan->path = scAsprintf("/dev/fake/%s", vol->name)))
        return -1;
    return 0;
}

static int
fake_build(const scPoolCtx *pool, const scVolDef *vol, unsigned int flags,
           const scProgress *progress, scVolRecord *rec)
{
    (void) flags;
    (void) progress;
    snprintf(fake.built_key, sizeof(fake.built_key), "%s", vol->key ? vol->key : "(none)");
    snprintf(fake.names[fake.n], sizeof(fake.names[0]), "%s", vol->name);
    fake.sizes[fake.n++] = vol->capacity;
    snprintf(fake.token, sizeof(fake.token), "t%zu", fake.n);
    return fake_record(pool, fake.n - 1, rec);
}

static int
fake_delete(const scPoolCtx *pool, const scVolRecord *vol, unsigned int flags)
{
    (void) pool;
    (void) flags;
    for (size_t i = 0; i < fake.n; i++) {
        if (strcmp(fake.names[i], vol->name) != 0)
            continue;
        memmove(&fake.names[i], &fake.names[i + 1], (fake.n - i - 1) * sizeof(fake.names[0]));
        memmove(&fake.sizes[i], &fake.sizes[i + 1], (fake.n - i - 1) * sizeof(fake.sizes[0]));
        fake.n--;
        snprintf(fake.token, sizeof(fake.token), "d%zu", fake.n);
        return 0;
    }
    return 0;
}

static const scBackend fakeBackend = {
    .version = SC_BACKEND_VERSION,
    .type = SC_POOL_DISK,
    .start = fake_start,
    .pool_info = fake_pool_info,
    .pool_free_extents = fake_free_extents,
    .sizes_follow_token = true,
    .discover = fake_discover,
    .vol_probe = fake_probe,
    .vol_plan = fake_plan,
    .vol_build = fake_build,
    .vol_delete = fake_delete,
};

/* ---- tests ----------------------------------------------------------------- */

static void
xml_has(char *xml, const char *want)
{
    if (!xml || !strstr(xml, want))
        fail_msg("expected\n%s\nin\n%s", want, xml ? xml : "(null)");
    free(xml);
}

static void
xml_lacks(char *xml, const char *unwanted)
{
    if (!xml || strstr(xml, unwanted))
        fail_msg("did not expect\n%s\nin\n%s", unwanted, xml ? xml : "(null)");
    free(xml);
}

static void
test_sizes_and_extents(void **state)
{
    char *dir = testTmpDirMake("backend-sizes");
    char *catalog = NULL;
    scConnectPtr conn;
    scStoragePoolPtr pool;
    scStorageVolPtr vol;
    scStoragePoolInfo info;
    int calls;

    (void) state;
    memset(&fake, 0, sizeof(fake));
    snprintf(fake.names[0], sizeof(fake.names[0]), "fake1");
    fake.sizes[0] = 200;
    fake.n = 1;
    snprintf(fake.token, sizeof(fake.token), "t1");
    scBackendOverride(SC_POOL_DISK, &fakeBackend);
    assert_non_null(dir);
    assert_true(asprintf(&catalog, "%s/catalog.db", dir) > 0);
    assert_sc_ok(conn = scConnectOpenAuth(catalog, NULL, SC_CONNECT_CREATE));
    assert_sc_ok(pool = scStoragePoolDefineXML(
                     conn,
                     "<pool type='disk'><name>fake</name><source><device path='/dev/fk'/>"
                     "<format type='gpt'/></source><target><path>/dev</path></target></pool>",
                     0));
    assert_sc_ok(scStoragePoolCreate(pool, 0) == 0);
    assert_int_equal(fake.pool_info_calls, 1);
    assert_int_equal(fake.free_calls, 1);
    xml_has(scStoragePoolGetXMLDesc(pool, 0),
            "  <capacity unit='bytes'>1000</capacity>\n"
            "  <allocation unit='bytes'>200</allocation>\n"
            "  <available unit='bytes'>700</available>\n"
            "  <source>\n"
            "    <device path='/dev/fk'>\n"
            "      <freeExtent start='300' end='1000'/>\n"
            "    </device>\n");
    /* The inactive definition is the same one (libvirt's
     * storagePoolGetXMLDesc formats the pool's definition either way). */
    xml_has(scStoragePoolGetXMLDesc(pool, SC_STORAGE_XML_INACTIVE),
            "  <capacity unit='bytes'>1000</capacity>\n"
            "  <allocation unit='bytes'>200</allocation>\n"
            "  <available unit='bytes'>700</available>\n"
            "  <source>\n"
            "    <device path='/dev/fk'>\n"
            "      <freeExtent start='300' end='1000'/>\n"
            "    </device>\n");
    assert_sc_ok(vol = scStorageVolLookupByName(pool, "fake1"));
    xml_has(scStorageVolGetXMLDesc(vol, 0), "  <key>key-fake1</key>\n"
                                            "  <source>\n"
                                            "    <device path='/dev/fk'>\n"
                                            "      <extent start='100' end='300'/>\n"
                                            "    </device>\n"
                                            "  </source>\n"
                                            "  <capacity unit='bytes'>200</capacity>\n"
                                            "  <allocation unit='bytes'>200</allocation>\n"
                                            "  <physical unit='bytes'>200</physical>\n");
    scStorageVolFree(vol);

    /* An unchanged token: the recorded sizes stand, nobody asks again. */
    calls = fake.pool_info_calls;
    assert_sc_ok(scStoragePoolRefresh(pool, 0) == 0);
    assert_int_equal(fake.pool_info_calls, calls);
    assert_int_equal(fake.free_calls, 1);
    assert_sc_ok(scStoragePoolGetInfo(pool, &info) == 0);
    assert_int_equal(info.allocation, 200);
    xml_has(scStoragePoolGetXMLDesc(pool, 0), "<freeExtent start='300' end='1000'/>");

    /* A create records the pool's new sizes at once, and the build was
     * given the planned key. */
    assert_sc_ok(vol = scStorageVolCreateXML(pool,
                                             "<volume><name>fake2</name><key>mine</key>"
                                             "<capacity>300</capacity></volume>",
                                             0));
    assert_string_equal(fake.built_key, "key-fake2");
    assert_string_equal(scStorageVolGetKey(vol), "key-fake2");
    assert_sc_ok(scStoragePoolGetInfo(pool, &info) == 0);
    assert_int_equal(info.allocation, 500);
    assert_int_equal(info.available, 400);
    xml_has(scStoragePoolGetXMLDesc(pool, 0), "<freeExtent start='600' end='1000'/>");

    /* So does a delete. */
    assert_sc_ok(scStorageVolDelete(vol, 0) == 0);
    scStorageVolFree(vol);
    assert_sc_ok(scStoragePoolGetInfo(pool, &info) == 0);
    assert_int_equal(info.allocation, 200);
    xml_has(scStoragePoolGetXMLDesc(pool, 0), "<freeExtent start='300' end='1000'/>");

    /* A changed token asks again. */
    calls = fake.pool_info_calls;
    fake.sizes[0] = 250;
    snprintf(fake.token, sizeof(fake.token), "t9");
    assert_sc_ok(scStoragePoolRefresh(pool, 0) == 0);
    assert_int_equal(fake.pool_info_calls, calls + 1);
    xml_has(scStoragePoolGetXMLDesc(pool, 0), "<freeExtent start='350' end='1000'/>");

    /* A stopped pool shows none. */
    assert_sc_ok(scStoragePoolDestroy(pool) == 0);
    xml_lacks(scStoragePoolGetXMLDesc(pool, 0), "freeExtent");

    scStoragePoolFree(pool);
    assert_int_equal(scConnectClose(conn), 0);
    scBackendOverride(SC_POOL_DISK, NULL);
    free(catalog);
    testTmpDirRemove(dir);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes_and_extents),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
