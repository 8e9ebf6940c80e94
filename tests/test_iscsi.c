/*
 * test_iscsi.c: iscsi-direct pools on a real target (issue 13): a tgtd of
 * the test's own on 127.0.0.1 (tests/tgt.c) with file-backed LUNs.
 *
 *  - SendTargets discovery through scConnectFindStoragePoolSources;
 *  - start, refresh and stop: three LUNs (and the target's controller
 *    LUN 0, as libvirt lists it) with their sizes, libvirt's names and
 *    paths, the LUN's key, lookups by key, by that non-absolute path and
 *    by the designator's alias, attributes from INQUIRY;
 *  - one LUN through two portals: the same key in both pools, a lookup
 *    by key answering an active one's;
 *  - a LUN added and one removed behind storcat's back, the removed one
 *    missing and then the same volume again when it comes back;
 *  - CHAP: a wrong secret refused, the right one accepted, and the value
 *    nowhere in the catalog, its events or any message;
 *  - a portal that does not answer: start fails within the timeout naming
 *    host, port and target, the catalog unchanged; a running pool whose
 *    target stops answering is degraded (inventory kept) until a refresh
 *    succeeds;
 *  - upload then download with identical bytes; wipe zeroing a LUN;
 *  - the kernel's initiator (type iscsi): refused with the reason where
 *    the kernel has none.
 *
 * Every test SKIPs, saying why, where tgtd cannot run.
 */
#include <config.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backends/common/iscsiadm.h"
#include "backends/common/lun.h"
#include "testutil.h"
#include "tgt.h"

#define MiB       (1024ULL * 1024)
#define IQN       "iqn.2024-01.org.storcat.test:t1"
#define IQN2      "iqn.2024-01.org.storcat.test:chap"
#define INITIATOR "iqn.2024-01.org.storcat.test:initiator"
#define SECRET    "Tgt-Chap-Secret-4711"

typedef struct {
    char *dir;
    char *catalog;
    Tgt tgt;
    scConnectPtr conn;
    scStoragePoolPtr pool; /* "t": iscsi-direct on target 1 */
} Fixture;

static char *
printf_dup(const char *fmt, ...)
{
    va_list ap;
    char *s;
    int r;

    va_start(ap, fmt);
    r = vasprintf(&s, fmt, ap);
    va_end(ap);
    assert_true(r >= 0);
    return s;
}

static char *
pool_xml(const char *name, int port, const char *iqn, const char *auth)
{
    return printf_dup("<pool type='iscsi-direct'><name>%s</name><source>"
                      "<host name='127.0.0.1' port='%d'/><device path='%s'/>"
                      "<initiator><iqn name='" INITIATOR "'/></initiator>%s</source></pool>",
                      name, port, iqn, auth ? auth : "");
}

static int
setup(void **state)
{
    Fixture *f;
    const char *why = tgtUnavailable();
    char *xml;

    if (why) {
        fprintf(stderr, "# SKIP: %s\n", why);
        skip();
    }
    f = calloc(1, sizeof(*f));
    assert_non_null(f->dir = testTmpDirMake("iscsi"));
    f->catalog = printf_dup("%s/catalog.db", f->dir);
    if (tgtStart(&f->tgt, f->dir) < 0 || tgtTarget(&f->tgt, 1, IQN) < 0 ||
        tgtLunAdd(&f->tgt, 1, 1, 16 * MiB, 0x11) < 0 || tgtLunAdd(&f->tgt, 1, 2, 8 * MiB, 0) < 0 ||
        tgtLunAdd(&f->tgt, 1, 3, 4 * MiB, 0) < 0)
        fail_msg("cannot set up the target");
    assert_sc_ok(f->conn = scConnectOpenAuth(f->catalog, NULL, SC_CONNECT_CREATE));
    xml = pool_xml("t", f->tgt.port, IQN, NULL);
    assert_sc_ok(f->pool = scStoragePoolDefineXML(f->conn, xml, 0));
    free(xml);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;

    if (!f)
        return 0;
    tgtStop(&f->tgt);
    scStoragePoolFree(f->pool);
    scConnectClose(f->conn);
    testTmpDirRemove(f->dir);
    free(f->catalog);
    free(f);
    unsetenv("STORCAT_STORAGE_TIMEOUT");
    return 0;
}

static double
now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

/* One value of a query on the catalog, "" for none. */
static char *
sql_text(Fixture *f, const char *fmt, ...)
{
    va_list ap;
    char *sql, *res = NULL;
    sqlite3 *db;
    sqlite3_stmt *st;

    va_start(ap, fmt);
    sql = sqlite3_vmprintf(fmt, ap);
    va_end(ap);
    assert_int_equal(sqlite3_open_v2(f->catalog, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(db));
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        res = strdup((const char *) sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_close(db);
    sqlite3_free(sql);
    return res ? res : strdup("");
}

/* Every row of every table of the catalog, as text. */
static char *
catalog_dump(Fixture *f)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    sqlite3 *db;
    sqlite3_stmt *tables, *st;

    assert_int_equal(sqlite3_open_v2(f->catalog, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db,
                                        "SELECT name FROM sqlite_master WHERE type = 'table'"
                                        " ORDER BY name",
                                        -1, &tables, NULL),
                     SQLITE_OK);
    while (sqlite3_step(tables) == SQLITE_ROW) {
        char *q = sqlite3_mprintf("SELECT * FROM \"%w\"", sqlite3_column_text(tables, 0));
        assert_int_equal(sqlite3_prepare_v2(db, q, -1, &st, NULL), SQLITE_OK);
        fprintf(out, "table %s\n", sqlite3_column_text(tables, 0));
        while (sqlite3_step(st) == SQLITE_ROW) {
            for (int i = 0; i < sqlite3_column_count(st); i++) {
                const unsigned char *v = sqlite3_column_text(st, i);
                fprintf(out, "%s%s", i ? "|" : "", v ? (const char *) v : "NULL");
            }
            fputc('\n', out);
        }
        sqlite3_finalize(st);
        sqlite3_free(q);
    }
    sqlite3_finalize(tables);
    sqlite3_close(db);
    fclose(out);
    return buf;
}

static char *
lun_path(Fixture *f, const char *iqn, int lun)
{
    return printf_dup("ip-127.0.0.1:%d-iscsi-%s-lun-%d", f->tgt.port, iqn, lun);
}

static char *
vol_uuid(scStorageVolPtr v)
{
    char buf[SC_UUID_STRING_BUFLEN];

    assert_sc_ok(scStorageVolGetUUIDString(v, buf) == 0);
    return strdup(buf);
}

static scStorageVolPtr
lun_vol(Fixture *f, int lun)
{
    char name[32];
    scStorageVolPtr v;

    snprintf(name, sizeof(name), "unit:0:0:%d", lun);
    assert_sc_ok(v = scStorageVolLookupByName(f->pool, name));
    return v;
}

static char *
last_event(Fixture *f, const char *volume)
{
    return volume ? sql_text(f,
                             "SELECT action FROM events WHERE volume_name = %Q"
                             " ORDER BY id DESC LIMIT 1",
                             volume)
                  : sql_text(f, "SELECT action FROM events ORDER BY id DESC LIMIT 1");
}

/* ---- discovery ------------------------------------------------------------ */

static void
test_find_sources(void **state)
{
    Fixture *f = *state;
    char *spec, *xml, *want;

    assert_int_equal(tgtTarget(&f->tgt, 2, IQN2), 0);
    spec = printf_dup("<source><host name='127.0.0.1' port='%d'/><initiator><iqn name='" INITIATOR
                      "'/></initiator></source>",
                      f->tgt.port);
    assert_sc_ok(xml = scConnectFindStoragePoolSources(f->conn, "iscsi-direct", spec, 0));
    /* Each target as libvirt formats it, in libiscsi's order (libvirt's). */
    assert_true(strncmp(xml, "<sources>\n  <source>\n", 21) == 0);
    assert_string_equal(xml + strlen(xml) - 11, "</sources>\n");
    for (int i = 0; i < 2; i++) {
        want = printf_dup("  <source>\n"
                          "    <host name='127.0.0.1' port='%d'/>\n"
                          "    <device path='%s'/>\n"
                          "    <initiator>\n"
                          "      <iqn name='" INITIATOR "'/>\n"
                          "    </initiator>\n"
                          "  </source>\n",
                          f->tgt.port, i ? IQN2 : IQN);
        if (!strstr(xml, want))
            fail_msg("no\n%s\nin\n%s", want, xml);
        free(want);
    }
    want = strdup("");
    assert_int_equal(
        strlen(xml),
        strlen("<sources>\n</sources>\n") +
            2 * (strlen(
                     "  <source>\n"
                     "    <host name='127.0.0.1' port=''/>\n    <device path=''/>\n    <initiator>\n"
                     "      <iqn name='" INITIATOR "'/>\n    </initiator>\n  </source>\n") +
                 (size_t) snprintf(NULL, 0, "%d", f->tgt.port)) +
            strlen(IQN) + strlen(IQN2));
    free(xml);
    free(want);
    free(spec);

    /* As libvirt: a host is needed, and an initiator. */
    assert_sc_err(scConnectFindStoragePoolSources(f->conn, "iscsi-direct", NULL, 0),
                  SC_ERR_INVALID_ARG);
    spec = printf_dup("<source><host name='127.0.0.1' port='%d'/></source>", f->tgt.port);
    assert_sc_err(scConnectFindStoragePoolSources(f->conn, "iscsi-direct", spec, 0),
                  SC_ERR_CONFIG_UNSUPPORTED);
    assert_non_null(strstr(scGetLastErrorMessage(), "missing initiator IQN"));
    free(spec);
}

/* ---- start, refresh, stop ------------------------------------------------------ */

static void
check_lun(Fixture *f, int lun, unsigned long long capacity)
{
    scStorageVolPtr v = lun_vol(f, lun), other;
    char *path = lun_path(f, IQN, lun), *p, *xml, *uuid = vol_uuid(v), *designator, *alias, *key;
    scStorageVolInfo info;

    /* libvirt's path; the LUN's key (scsi_id's "3" + NAA). */
    designator = sql_text(f,
                          "SELECT a.value FROM volume_attrs a JOIN volumes v ON v.id ="
                          " a.volume_id WHERE v.uuid = %Q AND a.name = 'designator'",
                          uuid);
    assert_true(strncmp(designator, "naa.", 4) == 0);
    key = printf_dup("3%s", designator + 4);
    assert_string_equal(scStorageVolGetKey(v), key);
    assert_sc_ok(p = scStorageVolGetPath(v));
    assert_string_equal(p, path);
    free(p);
    assert_sc_ok(scStorageVolGetInfo(v, &info) == 0);
    assert_int_equal(info.type, SC_STORAGE_VOL_NETWORK);
    assert_int_equal(info.capacity, capacity);
    assert_int_equal(info.allocation, capacity);
    assert_sc_ok(xml = scStorageVolGetXMLDesc(v, 0));
    assert_non_null(strstr(xml, "<volume type='network'>"));
    free(xml);
    /* By key, by the path (not absolute), by the designator's alias. */
    assert_sc_ok(other = scStorageVolLookupByKey(f->conn, key));
    assert_string_equal(scStorageVolGetName(other), scStorageVolGetName(v));
    scStorageVolFree(other);
    assert_sc_ok(other = scStorageVolLookupByPath(f->conn, path));
    assert_string_equal(scStorageVolGetName(other), scStorageVolGetName(v));
    scStorageVolFree(other);
    alias = printf_dup("/dev/disk/by-id/wwn-0x%s", designator + 4);
    assert_sc_ok(other = scStorageVolLookupByPath(f->conn, alias));
    assert_string_equal(scStorageVolGetName(other), scStorageVolGetName(v));
    scStorageVolFree(other);
    if (capacity) {
        p = sql_text(f,
                     "SELECT group_concat(a.name || '=' || a.value, ' ') FROM (SELECT * FROM"
                     " volume_attrs ORDER BY name) a JOIN volumes v ON v.id = a.volume_id"
                     " WHERE v.uuid = %Q",
                     uuid);
        assert_non_null(strstr(p, "block_size=512"));
        assert_non_null(strstr(p, "device_type=disk"));
        assert_non_null(strstr(p, "product=VIRTUAL-DISK"));
        assert_non_null(strstr(p, "serial="));
        assert_non_null(strstr(p, "thin_provisioning=no"));
        assert_non_null(strstr(p, "vendor=IET"));
        free(p);
    }
    free(alias);
    free(key);
    free(designator);
    free(uuid);
    free(path);
    scStorageVolFree(v);
}

static void
test_start_refresh_stop(void **state)
{
    Fixture *f = *state;
    scStoragePoolInfo info;
    scStorageVolPtr v;
    char *u1, *u2, *events, *events2;

    assert_sc_ok(scStoragePoolCreate(f->pool, 0) == 0);
    /* LUN 0 is the target's controller, listed as libvirt lists it. */
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 4);
    check_lun(f, 0, 0);
    check_lun(f, 1, 16 * MiB);
    check_lun(f, 2, 8 * MiB);
    check_lun(f, 3, 4 * MiB);
    assert_sc_ok(scStoragePoolGetInfo(f->pool, &info) == 0);
    assert_int_equal(info.state, SC_STORAGE_POOL_RUNNING);
    assert_int_equal(info.capacity, 28 * MiB);
    assert_int_equal(info.allocation, 28 * MiB);
    assert_int_equal(info.available, 0);

    /* Nothing changed: a refresh records nothing but its own event. */
    events = sql_text(f, "SELECT count(*) FROM events WHERE action != 'pool-refresh'");
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    events2 = sql_text(f, "SELECT count(*) FROM events WHERE action != 'pool-refresh'");
    assert_string_equal(events, events2);
    free(events);
    free(events2);

    /* Stop keeps the inventory; a new start finds the same volumes. */
    v = lun_vol(f, 2);
    u1 = vol_uuid(v);
    scStorageVolFree(v);
    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    assert_int_equal(scStoragePoolIsActive(f->pool), 0);
    assert_int_equal(scStoragePoolListAllVolumes(f->pool, NULL,
                                                 SC_STORAGE_POOL_LIST_VOLUMES_INACTIVE), 4);
    assert_sc_ok(scStoragePoolCreate(f->pool, 0) == 0);
    v = lun_vol(f, 2);
    u2 = vol_uuid(v);
    assert_string_equal(u1, u2);
    scStorageVolFree(v);
    free(u1);
    free(u2);
}

/* ---- one LUN, two portals ------------------------------------------------------ */

static void
assert_pool_of(scStorageVolPtr v, const char *name)
{
    scStoragePoolPtr p;

    assert_sc_ok(p = scStoragePoolLookupByVolume(v));
    assert_string_equal(scStoragePoolGetName(p), name);
    scStoragePoolFree(p);
}

/* The target reached through a second portal (127.0.0.2, the same port):
 * each pool has the LUN under its own path, with the same key; a lookup
 * by key answers the volume of an active pool. */
static void
test_two_portals(void **state)
{
    Fixture *f = *state;
    scStoragePoolPtr p2;
    scStorageVolPtr v1, v2, v;
    char *xml, *portal, *param, *path2, *p;

    portal = printf_dup("127.0.0.2:%d", f->tgt.port);
    param = printf_dup("portal=%s", portal);
    if (tgtAdm(&f->tgt, "--op", "new", "--mode", "portal", "--param", param, NULL) < 0)
        fail_msg("tgtd: cannot add portal %s", portal);
    free(param);
    xml = printf_dup("<pool type='iscsi-direct'><name>t2</name><source>"
                     "<host name='127.0.0.2' port='%d'/><device path='" IQN "'/>"
                     "<initiator><iqn name='" INITIATOR "'/></initiator></source></pool>",
                     f->tgt.port);
    assert_sc_ok(p2 = scStoragePoolDefineXML(f->conn, xml, 0));
    free(xml);
    assert_sc_ok(scStoragePoolCreate(f->pool, 0) == 0);
    assert_sc_ok(scStoragePoolCreate(p2, 0) == 0);
    assert_int_equal(scStoragePoolNumOfVolumes(p2), 4);

    v1 = lun_vol(f, 1);
    assert_sc_ok(v2 = scStorageVolLookupByName(p2, "unit:0:0:1"));
    assert_string_equal(scStorageVolGetKey(v1), scStorageVolGetKey(v2));
    assert_true(scStorageVolGetKey(v1)[0] == '3');
    path2 = printf_dup("ip-%s-iscsi-" IQN "-lun-1", portal);
    assert_sc_ok(p = scStorageVolGetPath(v2));
    assert_string_equal(p, path2);
    free(p);
    assert_sc_ok(v = scStorageVolLookupByPath(f->conn, path2));
    assert_pool_of(v, "t2");
    scStorageVolFree(v);

    /* By key: the first active pool's; with it stopped, the other's. */
    assert_sc_ok(v = scStorageVolLookupByKey(f->conn, scStorageVolGetKey(v1)));
    assert_pool_of(v, "t");
    scStorageVolFree(v);
    assert_sc_ok(scStoragePoolDestroy(f->pool) == 0);
    assert_sc_ok(v = scStorageVolLookupByKey(f->conn, scStorageVolGetKey(v1)));
    assert_pool_of(v, "t2");
    scStorageVolFree(v);
    assert_sc_ok(scStoragePoolDestroy(p2) == 0);
    assert_sc_err(scStorageVolLookupByKey(f->conn, scStorageVolGetKey(v1)) != NULL,
                  SC_ERR_NO_STORAGE_VOL);

    /* A refresh of either keeps both (no clash on the shared key). */
    assert_sc_ok(scStoragePoolCreate(p2, 0) == 0);
    assert_sc_ok(scStoragePoolCreate(f->pool, 0) == 0);
    assert_sc_ok(scStoragePoolRefresh(p2, 0) == 0);
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 4);
    assert_int_equal(scStoragePoolNumOfVolumes(p2), 4);

    free(path2);
    free(portal);
    scStorageVolFree(v1);
    scStorageVolFree(v2);
    scStoragePoolFree(p2);
}

/* ---- behind storcat's back ------------------------------------------------------ */

static void
test_luns_behind_back(void **state)
{
    Fixture *f = *state;
    scStorageVolPtr v2, v4, v;
    char *u2, *u, *ev;

    assert_sc_ok(scStoragePoolCreate(f->pool, 0) == 0);
    v2 = lun_vol(f, 2);
    u2 = vol_uuid(v2);
    assert_int_equal(tgtLunRemove(&f->tgt, 1, 2), 0);
    assert_int_equal(tgtLunAdd(&f->tgt, 1, 4, 2 * MiB, 0), 0);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);

    v4 = lun_vol(f, 4);
    ev = last_event(f, "unit:0:0:4");
    assert_string_equal(ev, "vol-discovered");
    free(ev);
    assert_int_equal(scStorageVolGetState(v4), SC_STORAGE_VOL_STATE_PRESENT);
    assert_int_equal(scStorageVolGetState(v2), SC_STORAGE_VOL_STATE_MISSING);
    ev = last_event(f, "unit:0:0:2");
    assert_string_equal(ev, "vol-missing");
    free(ev);
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 4);

    /* Back, with the same designator: the same volume. */
    assert_int_equal(tgtLunAdd(&f->tgt, 1, 2, 8 * MiB, 0), 0);
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    v = lun_vol(f, 2);
    u = vol_uuid(v);
    assert_string_equal(u, u2);
    assert_int_equal(scStorageVolGetState(v), SC_STORAGE_VOL_STATE_PRESENT);
    ev = last_event(f, "unit:0:0:2");
    assert_string_equal(ev, "vol-reappeared");
    free(ev);
    assert_int_equal(scStoragePoolNumOfVolumes(f->pool), 5);
    free(u);
    free(u2);
    scStorageVolFree(v);
    scStorageVolFree(v2);
    scStorageVolFree(v4);
}

/* ---- CHAP --------------------------------------------------------------------- */

/* Does file @path hold @needle anywhere? */
static bool
file_has(const char *path, const char *needle)
{
    int fd = open(path, O_RDONLY);
    struct stat st;
    char *buf;
    bool has = false;

    if (fd < 0)
        return false;
    if (fstat(fd, &st) == 0 && st.st_size > 0 && (buf = malloc((size_t) st.st_size))) {
        if (read(fd, buf, (size_t) st.st_size) == st.st_size)
            has = memmem(buf, (size_t) st.st_size, needle, strlen(needle)) != NULL;
        free(buf);
    }
    close(fd);
    return has;
}

static void
test_chap(void **state)
{
    Fixture *f = *state;
    scStoragePoolPtr p;
    scSecretPtr s;
    char *xml, *dump, *path, uuid[SC_UUID_STRING_BUFLEN];
    const char *wrong = "Not-The-Secret-0815";
    unsigned char *value;
    size_t len;
    struct stat st;

    assert_int_equal(tgtTarget(&f->tgt, 2, IQN2), 0);
    assert_int_equal(tgtLunAdd(&f->tgt, 2, 1, 4 * MiB, 0), 0);
    assert_int_equal(tgtChap(&f->tgt, 2, "chapuser", SECRET), 0);
    assert_sc_ok(s = scSecretDefineXML(f->conn,
                                       "<secret ephemeral='no' private='yes'><usage"
                                       " type='iscsi'><target>tgtchap</target></usage>"
                                       "</secret>",
                                       0));
    xml = pool_xml("c", f->tgt.port, IQN2,
                   "<auth type='chap' username='chapuser'><secret usage='tgtchap'/></auth>");
    assert_sc_ok(p = scStoragePoolDefineXML(f->conn, xml, 0));
    free(xml);

    /* No value yet: named, not tried. */
    assert_sc_err(scStoragePoolCreate(p, 0) == 0, SC_ERR_NO_SECRET);
    assert_non_null(strstr(scGetLastErrorMessage(), "does not have a value"));
    /* A wrong secret is refused, and not shown. */
    assert_sc_ok(scSecretSetValue(s, (const unsigned char *) wrong, strlen(wrong), 0) == 0);
    assert_sc_err(scStoragePoolCreate(p, 0) == 0, SC_ERR_OPERATION_FAILED);
    assert_non_null(strstr(scGetLastErrorMessage(), "Authentication failure"));
    assert_non_null(strstr(scGetLastErrorMessage(), IQN2));
    assert_null(strstr(scGetLastErrorMessage(), wrong));
    assert_int_equal(scStoragePoolIsActive(p), 0);
    /* The right one. */
    assert_sc_ok(scSecretSetValue(s, (const unsigned char *) SECRET, strlen(SECRET), 0) == 0);
    assert_sc_ok(scStoragePoolCreate(p, 0) == 0);
    assert_int_equal(scStoragePoolNumOfVolumes(p), 2);
    assert_sc_ok(scStoragePoolRefresh(p, 0) == 0);
    /* A private secret's value is storcat's own. */
    assert_sc_err(scSecretGetValue(s, &len, 0), SC_ERR_INVALID_SECRET);

    /* The value is nowhere in the catalog (its tables, its files) or its
     * events; the store is private. */
    dump = catalog_dump(f);
    assert_null(strstr(dump, SECRET));
    assert_null(strstr(dump, wrong));
    assert_non_null(strstr(dump, "secret-set-value"));
    free(dump);
    assert_false(file_has(f->catalog, SECRET));
    path = printf_dup("%s-wal", f->catalog);
    assert_false(file_has(path, SECRET));
    free(path);
    path = printf_dup("%s.secrets", f->catalog);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0700);
    free(path);
    assert_sc_ok(scSecretGetUUIDString(s, uuid) == 0);
    path = printf_dup("%s.secrets/%s.value", f->catalog, uuid);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 07777, 0600);
    assert_true(file_has(path, SECRET));
    free(path);

    /* A public secret's value can be read back. */
    assert_sc_ok(scSecretUndefine(s) == 0);
    scSecretFree(s);
    assert_sc_ok(s = scSecretDefineXML(f->conn,
                                       "<secret><usage type='iscsi'><target>tgtchap"
                                       "</target></usage></secret>",
                                       0));
    assert_sc_ok(scSecretSetValue(s, (const unsigned char *) SECRET, strlen(SECRET), 0) == 0);
    assert_sc_ok(value = scSecretGetValue(s, &len, 0));
    assert_int_equal(len, strlen(SECRET));
    assert_memory_equal(value, SECRET, len);
    free(value);
    assert_sc_ok(scStoragePoolRefresh(p, 0) == 0);
    /* Undefined: the pool says which secret it misses. */
    assert_sc_ok(scSecretUndefine(s) == 0);
    assert_sc_err(scStoragePoolRefresh(p, 0) == 0, SC_ERR_NO_SECRET);
    assert_non_null(strstr(scGetLastErrorMessage(), "tgtchap"));
    scSecretFree(s);
    assert_sc_ok(scStoragePoolDestroy(p) == 0);
    scStoragePoolFree(p);
}

/* ---- a portal that does not answer --------------------------------------------- */

/* A socket that listens and never answers (the kernel completes the TCP
 * handshake; nobody speaks iSCSI). */
static int
silent_portal(int *port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    assert_true(fd >= 0);
    assert_int_equal(bind(fd, (struct sockaddr *) &a, sizeof(a)), 0);
    assert_int_equal(listen(fd, 8), 0);
    assert_int_equal(getsockname(fd, (struct sockaddr *) &a, &len), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

static void
test_unreachable(void **state)
{
    Fixture *f = *state;
    scStoragePoolPtr p;
    scStoragePoolInfo info;
    char *xml, *before, *after, *want, *ev;
    double t0, took;
    int port, fd = silent_portal(&port);
    /* Bounded, not a hang: 2 s beyond the timeout, 14 under valgrind. */
    const char *wrapper = getenv("SC_TEST_WRAPPER");
    double slack = wrapper && *wrapper ? 15.0 : 3.0;

    setenv("STORCAT_STORAGE_TIMEOUT", "1", 1);
    xml = pool_xml("dead", port, IQN, NULL);
    assert_sc_ok(p = scStoragePoolDefineXML(f->conn, xml, 0));
    free(xml);
    before = catalog_dump(f);
    t0 = now();
    assert_sc_err(scStoragePoolCreate(p, 0) == 0, SC_ERR_OPERATION_FAILED);
    took = now() - t0;
    if (took < 0.9 || took > slack)
        fail_msg("a start on a silent portal failed after %.2f s (timeout 1 s)", took);
    want = printf_dup("127.0.0.1:%d", port);
    assert_non_null(strstr(scGetLastErrorMessage(), want));
    assert_non_null(strstr(scGetLastErrorMessage(), IQN));
    assert_non_null(strstr(scGetLastErrorMessage(), "did not answer within 1.0 s"));
    free(want);
    after = catalog_dump(f);
    assert_string_equal(before, after);
    free(before);
    free(after);
    close(fd);
    scStoragePoolFree(p);

    /* A running pool whose target stops answering: degraded, not emptied. */
    assert_sc_ok(scStoragePoolCreate(f->pool, 0) == 0);
    before = sql_text(f, "SELECT group_concat(name || ' ' || state || ' ' || capacity, ',')"
                         " FROM (SELECT * FROM volumes ORDER BY name)");
    tgtFreeze(&f->tgt, true);
    t0 = now();
    assert_sc_err(scStoragePoolRefresh(f->pool, 0) == 0, SC_ERR_OPERATION_FAILED);
    took = now() - t0;
    tgtFreeze(&f->tgt, false);
    if (took > slack)
        fail_msg("a refresh of a frozen target failed after %.2f s (timeout 1 s)", took);
    assert_sc_ok(scStoragePoolGetInfo(f->pool, &info) == 0);
    assert_int_equal(info.state, SC_STORAGE_POOL_DEGRADED);
    assert_int_equal(info.capacity, 28 * MiB);
    assert_int_equal(scStoragePoolIsActive(f->pool), 1);
    after = sql_text(f, "SELECT group_concat(name || ' ' || state || ' ' || capacity, ',')"
                        " FROM (SELECT * FROM volumes ORDER BY name)");
    assert_string_equal(before, after);
    free(after);
    ev = last_event(f, NULL);
    assert_string_equal(ev, "pool-degraded");
    free(ev);
    /* A second failure says so once. */
    tgtStop(&f->tgt);
    assert_sc_err(scStoragePoolRefresh(f->pool, 0) == 0, SC_ERR_OPERATION_FAILED);
    assert_non_null(strstr(scGetLastErrorMessage(), "Connection refused"));
    after = sql_text(f, "SELECT count(*) FROM events WHERE action = 'pool-degraded'");
    assert_string_equal(after, "1");
    free(after);
    free(before);
}

static void
test_recovered(void **state)
{
    Fixture *f = *state;
    scStoragePoolInfo info;
    char *ev;

    setenv("STORCAT_STORAGE_TIMEOUT", "1", 1);
    assert_sc_ok(scStoragePoolCreate(f->pool, 0) == 0);
    tgtFreeze(&f->tgt, true);
    assert_sc_err(scStoragePoolRefresh(f->pool, 0) == 0, SC_ERR_OPERATION_FAILED);
    tgtFreeze(&f->tgt, false);
    assert_sc_ok(scStoragePoolGetInfo(f->pool, &info) == 0);
    assert_int_equal(info.state, SC_STORAGE_POOL_DEGRADED);
    /* The next refresh that succeeds clears it. */
    assert_sc_ok(scStoragePoolRefresh(f->pool, 0) == 0);
    assert_sc_ok(scStoragePoolGetInfo(f->pool, &info) == 0);
    assert_int_equal(info.state, SC_STORAGE_POOL_RUNNING);
    ev = sql_text(f, "SELECT action FROM events WHERE action != 'pool-refresh'"
                     " ORDER BY id DESC LIMIT 1");
    assert_string_equal(ev, "pool-recovered");
    free(ev);
}

/* ---- data ------------------------------------------------------------------------ */

static void
test_upload_download(void **state)
{
    Fixture *f = *state;
    const size_t len = 3 * 1000 * 1000 + 7, off = 1000;
    unsigned char *data = malloc(len), *back = malloc(len), *disk = malloc(len);
    char *in = printf_dup("%s/in.bin", f->dir), *out = printf_dup("%s/out.bin", f->dir);
    scStorageVolPtr v;
    int fd;

    for (size_t i = 0; i < len; i++)
        data[i] = (unsigned char) (i * 2654435761u >> 13);
    fd = open(in, O_RDWR | O_CREAT | O_TRUNC, 0600);
    assert_int_equal(write(fd, data, len), (ssize_t) len);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    assert_sc_ok(scStoragePoolCreate(f->pool, 0) == 0);
    v = lun_vol(f, 1);
    assert_sc_ok(scStorageVolUploadFD(v, fd, off, 0, 0) == 0);
    close(fd);
    fd = open(out, O_RDWR | O_CREAT | O_TRUNC, 0600);
    assert_sc_ok(scStorageVolDownloadFD(v, fd, off, len, 0) == 0);
    assert_int_equal(lseek(fd, 0, SEEK_SET), 0);
    assert_int_equal(read(fd, back, len), (ssize_t) len);
    assert_memory_equal(back, data, len);
    close(fd);
    /* On the target: the bytes at their offset, the rest as it was. */
    fd = open(tgtLunFile(&f->tgt, 1, 1), O_RDONLY);
    assert_int_equal(pread(fd, disk, len, off), (ssize_t) len);
    assert_memory_equal(disk, data, len);
    assert_int_equal(pread(fd, disk, off, 0), (ssize_t) off);
    for (size_t i = 0; i < off; i++)
        assert_int_equal(disk[i], 0x11);
    assert_int_equal(pread(fd, disk, 1, off + len), 1);
    assert_int_equal(disk[0], 0x11);
    close(fd);
    /* Past the end: refused, nothing written. */
    fd = open(in, O_RDONLY);
    assert_sc_err(scStorageVolUploadFD(v, fd, 16 * MiB - 10, 100, 0) == 0, SC_ERR_INVALID_ARG);
    close(fd);
    scStorageVolFree(v);
    free(data);
    free(back);
    free(disk);
    free(in);
    free(out);
}

static void
test_wipe(void **state)
{
    Fixture *f = *state;
    unsigned char *buf = malloc(16 * MiB);
    scStorageVolPtr v;
    char *ev;
    int fd;

    assert_sc_ok(scStoragePoolCreate(f->pool, 0) == 0);
    v = lun_vol(f, 1);
    assert_sc_ok(scStorageVolWipe(v, 0) == 0);
    fd = open(tgtLunFile(&f->tgt, 1, 1), O_RDONLY);
    assert_int_equal(read(fd, buf, 16 * MiB), (ssize_t) (16 * MiB));
    close(fd);
    for (size_t i = 0; i < 16 * MiB; i++)
        if (buf[i])
            fail_msg("byte %zu of the wiped LUN is 0x%02x", i, buf[i]);
    ev = last_event(f, "unit:0:0:1");
    assert_string_equal(ev, "vol-wipe");
    free(ev);
    /* libvirt's other algorithms are not for LUNs; trim needs UNMAP. */
    assert_sc_err(scStorageVolWipePattern(v, SC_STORAGE_VOL_WIPE_ALG_DOD, 0) == 0,
                  SC_ERR_OPERATION_UNSUPPORTED);
    assert_sc_err(scStorageVolWipePattern(v, SC_STORAGE_VOL_WIPE_ALG_TRIM, 0) == 0,
                  SC_ERR_OPERATION_UNSUPPORTED);
    assert_non_null(strstr(scGetLastErrorMessage(), "UNMAP"));
    scStorageVolFree(v);
    free(buf);
}

/* ---- the kernel's initiator (type iscsi) ------------------------------------ */

static int
collect_target(const char *target, void *opaque)
{
    strcat(opaque, target);
    strcat(opaque, " ");
    return 0;
}

static void
assert_argv(const char *const *argv, const char *want)
{
    char buf[1024] = "";

    for (int i = 0; argv[i]; i++) {
        assert_true(i < SC_ISCSIADM_ARGV_MAX - 1);
        strcat(buf, i ? " " : "");
        strcat(buf, i ? argv[i] : "ISCSIADM");
    }
    assert_string_equal(buf, want);
}

/* The command lines are libvirt 9.0's; the parsers read what iscsiadm
 * prints. No iscsiadm is run. */
static void
test_kernel_commands(void **state)
{
    const char *argv[SC_ISCSIADM_ARGV_MAX];
    const char *sessions = "tcp: [1] 192.168.122.170:3260,1 demo-tgt-b (non-flash)\n"
                           "tcp: [12] 127.0.0.1:3260,1 " IQN " (non-flash)\n";
    const char *targets = "127.0.0.1:3260,1 " IQN "\n127.0.0.1:3260,1 " IQN2 "\n";
    const char *ifaces = "default tcp,<empty>,<empty>,<empty>,<empty>\n"
                         "libvirt-iface-0000002a tcp,<empty>,<empty>,<empty>," INITIATOR "\n";
    char buf[64], seen[256] = "";

    (void) state;
    scIscsiadmLoginArgv(argv, "127.0.0.1:3260", IQN, NULL, 1);
    assert_argv(argv, "ISCSIADM --mode node --portal 127.0.0.1:3260 --targetname " IQN " --login");
    scIscsiadmLoginArgv(argv, "[::1]:3260", IQN, "libvirt-iface-0000002a", 0);
    assert_argv(argv, "ISCSIADM --mode node --portal [::1]:3260 --targetname " IQN
                      " --interface libvirt-iface-0000002a --logout");
    scIscsiadmDiscoveryArgv(argv, "127.0.0.1:3260");
    assert_argv(argv, "ISCSIADM --mode discovery --type sendtargets --portal 127.0.0.1:3260"
                      " --op nonpersistent");
    scIscsiadmSessionsArgv(argv);
    assert_argv(argv, "ISCSIADM --mode session");
    scIscsiadmRescanArgv(argv, "12");
    assert_argv(argv, "ISCSIADM --mode session -r 12 -R");
    scIscsiadmUpdateArgv(argv, "127.0.0.1:3260", IQN, "node.session.auth.authmethod", "CHAP");
    assert_argv(argv, "ISCSIADM --mode node --portal 127.0.0.1:3260 --target " IQN
                      " --op update --name node.session.auth.authmethod --value CHAP");
    scIscsiadmIfaceListArgv(argv);
    assert_argv(argv, "ISCSIADM --mode iface");
    scIscsiadmIfaceNewArgv(argv, "libvirt-iface-0000002a");
    assert_argv(argv, "ISCSIADM --mode iface --interface libvirt-iface-0000002a --op new");
    scIscsiadmIfaceSetArgv(argv, "libvirt-iface-0000002a", INITIATOR);
    assert_argv(argv, "ISCSIADM --mode iface --interface libvirt-iface-0000002a --op update"
                      " --name iface.initiatorname --value " INITIATOR);

    assert_int_equal(scIscsiadmFindSession(sessions, "127.0.0.1:3260", IQN, buf, sizeof(buf)), 1);
    assert_string_equal(buf, "12");
    assert_int_equal(scIscsiadmFindSession(sessions, "127.0.0.2:3260", IQN, buf, sizeof(buf)), 0);
    assert_int_equal(scIscsiadmFindSession("", NULL, IQN, buf, sizeof(buf)), 0);
    assert_int_equal(scIscsiadmFindIface(ifaces, INITIATOR, buf, sizeof(buf)), 1);
    assert_string_equal(buf, "libvirt-iface-0000002a");
    assert_int_equal(scIscsiadmFindIface(ifaces, "iqn.other", buf, sizeof(buf)), 0);
    scIscsiadmEachTarget(targets, collect_target, seen);
    assert_string_equal(seen, IQN " " IQN2 " ");
}

/* Where the kernel has no initiator, an iscsi pool says so and nothing
 * changes; where it has one, the live half SKIPs (no open-iscsi here). */
static void
test_kernel_pool(void **state)
{
    Fixture *f = *state;
    char why[256], *xml, *before, *after, *spec;
    scStoragePoolPtr p;

    xml = printf_dup("<pool type='iscsi'><name>k</name><source><host name='127.0.0.1' port='%d'/>"
                     "<device path='" IQN "'/></source><target><path>/dev/disk/by-path</path>"
                     "</target></pool>",
                     f->tgt.port);
    assert_sc_ok(p = scStoragePoolDefineXML(f->conn, xml, 0));
    free(xml);
    spec = printf_dup("<source><host name='127.0.0.1' port='%d'/></source>", f->tgt.port);
    if (scIscsiKernelHasInitiator(why, sizeof(why))) {
        fprintf(stderr, "# the kernel has an iSCSI initiator: its refusal is not tested\n");
    } else {
        before = catalog_dump(f);
        assert_sc_err(scStoragePoolCreate(p, 0) == 0, SC_ERR_OPERATION_UNSUPPORTED);
        assert_non_null(strstr(scGetLastErrorMessage(), "no iSCSI initiator"));
        assert_non_null(strstr(scGetLastErrorMessage(), "pool 'k'"));
        after = catalog_dump(f);
        assert_string_equal(before, after);
        free(before);
        free(after);
        assert_sc_err(scConnectFindStoragePoolSources(f->conn, "iscsi", spec, 0),
                      SC_ERR_OPERATION_UNSUPPORTED);
        assert_non_null(strstr(scGetLastErrorMessage(), "no iSCSI initiator"));
    }
    free(spec);
    scStoragePoolFree(p);
}

/* A live iscsi pool on the test's target: login, LUNs, keys as
 * scsi_id's, logout. Needs the kernel's initiator and open-iscsi, which
 * this machine lacks: SKIP, saying why. */
static void
test_kernel_live(void **state)
{
    char why[256];

    (void) state;
    if (!scIscsiKernelHasInitiator(why, sizeof(why))) {
        fprintf(stderr, "# SKIP: %s\n", why);
        skip();
    }
    if (access(scIscsiadmPath, X_OK) != 0) {
        fprintf(stderr, "# SKIP: iscsiadm ('%s') is not installed (open-iscsi)\n", scIscsiadmPath);
        skip();
    }
    fprintf(stderr, "# SKIP: live tests of the kernel's initiator are not written yet\n");
    skip();
}

/* The error paths of a start, with a sysfs that claims an initiator: no
 * iscsiadm, and an iscsiadm that fails. Nothing is recorded. */
static void
test_kernel_errors(void **state)
{
    Fixture *f = *state;
    char *root = printf_dup("%s/sys", f->dir), *cls = printf_dup("%s/class", root);
    char *dir = printf_dup("%s/class/iscsi_transport", root);
    char *xml, *before, *after;
    const char *saved_path = scIscsiadmPath, *saved_root = scIscsiSysfsRoot;
    scStoragePoolPtr p;

    assert_int_equal(mkdir(root, 0755), 0);
    assert_int_equal(mkdir(cls, 0755), 0);
    assert_int_equal(mkdir(dir, 0755), 0);
    xml = printf_dup("<pool type='iscsi'><name>k</name><source><host name='127.0.0.1' port='%d'/>"
                     "<device path='" IQN "'/><initiator><iqn name='" INITIATOR ".k'/>"
                     "</initiator></source><target><path>/dev/disk/by-path</path></target></pool>",
                     f->tgt.port);
    assert_sc_ok(p = scStoragePoolDefineXML(f->conn, xml, 0));
    free(xml);
    before = catalog_dump(f);
    scIscsiSysfsRoot = root;
    scIscsiadmPath = "/nonexistent/sbin/iscsiadm";
    assert_sc_err(scStoragePoolCreate(p, 0) == 0, SC_ERR_OPERATION_UNSUPPORTED);
    assert_non_null(strstr(scGetLastErrorMessage(), "iscsiadm ('/nonexistent/sbin/iscsiadm') is"
                                                    " not installed"));
    scIscsiadmPath = "/bin/false";
    assert_sc_err(scStoragePoolCreate(p, 0) == 0, SC_ERR_OPERATION_FAILED);
    assert_non_null(strstr(scGetLastErrorMessage(), "false"));
    assert_non_null(strstr(scGetLastErrorMessage(), "status 1"));
    scIscsiadmPath = saved_path;
    scIscsiSysfsRoot = saved_root;
    after = catalog_dump(f);
    assert_string_equal(before, after);
    free(before);
    free(after);
    free(root);
    free(cls);
    free(dir);
    scStoragePoolFree(p);
}

/* VPD page 0x83 as a refresh reads it: the best LU designator in hex,
 * both nibbles of every byte, as the name and as udev's id. */
static void
test_designators(void **state)
{
    /* A T10 vendor id, then NAA (IEEE registered extended, 16 bytes). */
    static const unsigned char naa[] = {
        0x00, 0x83, 0x00, 0x24,
        0x02, 0x01, 0x00, 0x08, 'I', 'E', 'T', ' ', ' ', ' ', ' ', ' ',
        0x01, 0x03, 0x00, 0x10, 0x60, 0x00, 0xc2, 0x9f, 0x01, 0x23, 0x45, 0x67,
        0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x90,
    };
    static const unsigned char eui[] = {
        0x00, 0x83, 0x00, 0x0c, 0x01, 0x02, 0x00, 0x08,
        0x00, 0x0f, 0xf0, 0xff, 0x5a, 0xa5, 0x10, 0x01,
    };
    /* As tgt gives them: a locally assigned NAA (3), then its NAA 6. */
    static const unsigned char tgt[] = {
        0x00, 0x83, 0x00, 0x20,
        0x01, 0x03, 0x00, 0x08, 0x30, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x01,
        0x01, 0x03, 0x00, 0x10, 0x60, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
        0x0e, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01,
    };
    unsigned char big[4 + 4 + 255] = { 0x00, 0x83, 0x01, 0x03, 0x01, 0x03, 0x00, 0xff };
    scLunInfo info;
    char want[600];

    (void) state;
    memset(&info, 0, sizeof(info));
    assert_int_equal(scLunParseDesignators(naa, sizeof(naa), &info), 0);
    assert_string_equal(info.designator, "naa.6000c29f0123456789abcdeffedcba90");
    assert_string_equal(info.udev_id, "36000c29f0123456789abcdeffedcba90");
    assert_int_equal(scLunParseDesignators(eui, sizeof(eui), &info), 0);
    assert_string_equal(info.designator, "eui.000ff0ff5aa51001");
    assert_string_equal(info.udev_id, "2000ff0ff5aa51001");
    /* Among NAAs, the IEEE registered extended one, wherever it is. */
    assert_int_equal(scLunParseDesignators(tgt, sizeof(tgt), &info), 0);
    assert_string_equal(info.designator, "naa.60000000000000000e00000000010001");
    assert_string_equal(info.udev_id, "360000000000000000e00000000010001");
    /* The longest a designator can be. */
    memset(big + 8, 0xa7, 255);
    memcpy(want, "naa.", 4);
    for (int i = 0; i < 255; i++)
        memcpy(want + 4 + 2 * i, "a7", 3);
    assert_int_equal(scLunParseDesignators(big, sizeof(big), &info), 0);
    assert_string_equal(info.designator, want);
    /* Malformed: a designator longer than the page. */
    big[2] = 0x00, big[3] = 0x10;
    assert_int_equal(scLunParseDesignators(big, sizeof(big), &info), -1);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_designators),
        cmocka_unit_test_setup_teardown(test_find_sources, setup, teardown),
        cmocka_unit_test_setup_teardown(test_start_refresh_stop, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_portals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_luns_behind_back, setup, teardown),
        cmocka_unit_test_setup_teardown(test_chap, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unreachable, setup, teardown),
        cmocka_unit_test_setup_teardown(test_recovered, setup, teardown),
        cmocka_unit_test_setup_teardown(test_upload_download, setup, teardown),
        cmocka_unit_test_setup_teardown(test_wipe, setup, teardown),
        cmocka_unit_test(test_kernel_commands),
        cmocka_unit_test_setup_teardown(test_kernel_pool, setup, teardown),
        cmocka_unit_test(test_kernel_live),
        cmocka_unit_test_setup_teardown(test_kernel_errors, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
