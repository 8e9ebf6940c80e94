/*
 * test_scan.c: the scan of a pool in bounded memory: entries come back in
 * name order with their signatures whether they fit one run in memory or
 * were spilled to a temporary file in many runs; the digest does not
 * depend on the order of adding; the probe list survives its spill; a
 * temporary directory that cannot be used is a clear error.
 */
#include <config.h>

#include <stdlib.h>

#include "testutil.h"
#include "backends/common/scan.h"

static void
name_of(unsigned i, char *buf, size_t len)
{
    /* Names of different lengths, sharing prefixes. */
    snprintf(buf, len, "v%llu%s.img", (unsigned long long) i * 2654435761ull % 100003ull,
             i % 3 ? "" : "-x");
}

static struct stat
sig_of(unsigned i)
{
    struct stat st = { 0 };
    st.st_dev = 8;
    st.st_ino = 1000 + i;
    st.st_size = (off_t) i * 4096;
    st.st_mtim.tv_sec = 1700000000 + i;
    st.st_ctim.tv_nsec = i;
    return st;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *) a, *(char *const *) b);
}

/* Add @n entries in a shuffled order with runs of @run; check the order,
 * the signatures and the digest against the same set added in order. */
static void
check_sorted(unsigned n, size_t run)
{
    unsigned *perm = malloc(n * sizeof(*perm));
    char **names = malloc(n * sizeof(*names));
    char d1[SC_SCAN_DIGEST_LEN], d2[SC_SCAN_DIGEST_LEN];
    scScan *a, *b;
    const scScanEntry *e;
    unsigned seen = 0;
    int r;

    assert_non_null(perm);
    assert_non_null(names);
    for (unsigned i = 0; i < n; i++)
        perm[i] = i;
    srandom(n);
    for (unsigned i = n; i > 1; i--) {
        unsigned j = (unsigned) random() % i, t = perm[i - 1];
        perm[i - 1] = perm[j];
        perm[j] = t;
    }
    scScanRunMax = run;
    assert_non_null(a = scScanNew());
    assert_non_null(b = scScanNew());
    for (unsigned i = 0; i < n; i++) {
        char name[64];
        name_of(perm[i], name, sizeof(name));
        struct stat st = sig_of(perm[i]);
        assert_int_equal(scScanAdd(a, name, &st), 0);
        name_of(i, name, sizeof(name));
        st = sig_of(i);
        assert_int_equal(scScanAdd(b, name, &st), 0);
        names[i] = strdup(name);
    }
    assert_int_equal(scScanCount(a), n);
    scScanDigest(a, d1);
    scScanDigest(b, d2);
    assert_string_equal(d1, d2);

    qsort(names, n, sizeof(*names), cmp_str);
    assert_sc_ok(scScanSorted(a) == 0);
    while ((r = scScanNext(a, &e)) == 1) {
        assert_true(seen < n);
        assert_string_equal(e->name, names[seen]);
        unsigned i = (unsigned) (e->ino - 1000);
        char want[64];
        name_of(i, want, sizeof(want));
        assert_string_equal(e->name, want);
        assert_int_equal(e->dev, 8);
        assert_int_equal(e->size, (long long) i * 4096);
        assert_int_equal(e->mtime_ns, (1700000000LL + i) * 1000000000LL);
        assert_int_equal(e->ctime_ns, (long long) i);
        seen++;
    }
    assert_int_equal(r, 0);
    assert_int_equal(scScanNext(a, &e), 0); /* and stays at the end */
    assert_int_equal(seen, n);
    for (unsigned i = 0; i < n; i++)
        free(names[i]);
    free(names);
    free(perm);
    scScanFree(a);
    scScanFree(b);
    scScanRunMax = 16384;
}

static void
test_in_memory(void **state)
{
    (void) state;
    check_sorted(0, 16384);
    check_sorted(1, 16384);
    check_sorted(5000, 16384);
}

static void
test_spilled(void **state)
{
    (void) state;
    check_sorted(2, 1);
    check_sorted(1000, 7);       /* 143 runs, the last one short */
    check_sorted(50000, 4096);   /* runs past the spool's buffer: in a file */
    check_sorted(8192, 4096);    /* exactly two full runs */
}

/* A name the directory showed twice comes back once (the first seen),
 * in memory and merged from runs. */
static void
test_duplicates(void **state)
{
    static const size_t runs[] = { 16384, 2 };

    (void) state;
    for (size_t k = 0; k < sizeof(runs) / sizeof(runs[0]); k++) {
        static const char *const names[] = { "b", "a", "c", "a", "b" };
        const scScanEntry *e;
        scScan *s;
        char got[16] = "";

        scScanRunMax = runs[k];
        assert_non_null(s = scScanNew());
        for (size_t i = 0; i < 5; i++) {
            struct stat st = sig_of((unsigned) i);
            assert_int_equal(scScanAdd(s, names[i], &st), 0);
        }
        assert_sc_ok(scScanSorted(s) == 0);
        while (scScanNext(s, &e) == 1)
            strcat(got, e->name);
        assert_string_equal(got, "abc");
        scScanFree(s);
    }
    scScanRunMax = 16384;
}

/* 100,000 probes: well past the spool's buffer, back in order. */
static void
test_probe_list(void **state)
{
    scScan *s = scScanNew();
    const char *name;
    int want;
    unsigned i = 0;
    int r;

    (void) state;
    assert_non_null(s);
    for (unsigned k = 0; k < 100000; k++) {
        char buf[64];
        snprintf(buf, sizeof(buf), "probe-%06u.qcow2", k);
        assert_int_equal(scScanPutProbe(s, buf, (int) (k % 7) + 1), 0);
    }
    assert_int_equal(scScanProbeCount(s), 100000);
    while ((r = scScanTakeProbe(s, &name, &want)) == 1) {
        char buf[64];
        snprintf(buf, sizeof(buf), "probe-%06u.qcow2", i);
        assert_string_equal(name, buf);
        assert_int_equal(want, (int) (i % 7) + 1);
        i++;
    }
    assert_int_equal(r, 0);
    assert_int_equal(i, 100000);
    scScanFree(s);
}

/* A spill into a temporary directory that is not there fails, naming it;
 * a name longer than any file system allows is refused. */
static void
test_errors(void **state)
{
    const char *old = getenv("TMPDIR");
    char *saved = old ? strdup(old) : NULL;
    char *longname = malloc(2000);
    struct stat st = sig_of(1);
    scScan *s;
    int r = 0;

    (void) state;
    setenv("TMPDIR", "/nonexistent/storcat-tmp", 1);
    scScanRunMax = 10;
    assert_non_null(s = scScanNew());
    for (unsigned i = 0; i < 100000 && r == 0; i++) {
        char name[64];
        name_of(i, name, sizeof(name));
        r = scScanAdd(s, name, &st);
    }
    assert_int_equal(r, -1);
    assert_int_equal(scGetLastError()->code, SC_ERR_SYSTEM_ERROR);
    assert_non_null(strstr(scGetLastErrorMessage(), "/nonexistent/storcat-tmp"));
    scScanFree(s);
    scScanRunMax = 16384;
    if (saved)
        setenv("TMPDIR", saved, 1);
    else
        unsetenv("TMPDIR");
    free(saved);

    assert_non_null(s = scScanNew());
    memset(longname, 'n', 1999);
    longname[1999] = '\0';
    assert_int_equal(scScanAdd(s, longname, &st), -1);
    assert_non_null(strstr(scGetLastErrorMessage(), "1999 bytes"));
    assert_int_equal(scScanPutProbe(s, longname, true), -1);
    assert_int_equal(scScanCount(s), 0);
    scScanFree(s);
    free(longname);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_in_memory),
        cmocka_unit_test(test_spilled),
        cmocka_unit_test(test_duplicates),
        cmocka_unit_test(test_probe_list),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
