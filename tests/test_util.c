/*
 * test_util.c: names, paths, UUIDs and the last-error machinery.
 */
#include <config.h>

#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "util/util.h"

static void
test_names(void **state)
{
    static const char *const good[] = { "a", "vm-1.img", "with space", "ünïcode", "a..b" };
    static const char *const bad[] = { "", " ", "   ", ".", "..", "a/b", "/", "../x",
                                       "a\nb", "a\tb", "\x7f" };
    char *longname = malloc(10001);

    (void) state;
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        assert_sc_ok(scCheckName("pool", good[i]) == 0);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_sc_err(scCheckName("pool", bad[i]) == 0, SC_ERR_INVALID_ARG);
        assert_non_null(strstr(scGetLastErrorMessage(), "pool name"));
    }
    memset(longname, 'x', 10000);
    longname[10000] = '\0';
    assert_sc_err(scCheckName("volume", longname) == 0, SC_ERR_INVALID_ARG);
    assert_non_null(strstr(scGetLastErrorMessage(), "10000 bytes"));
    longname[SC_NAME_MAX] = '\0';
    assert_sc_ok(scCheckName("volume", longname) == 0);
    free(longname);
}

static void
test_path_sanitize(void **state)
{
    static const char *const cases[][2] = {
        { "///var/////lib/libvirt/images//", "/var/lib/libvirt/images" },
        { "/", "/" },
        { "//", "//" },
        { "///", "/" },
        { "//host/share/", "//host/share" },
        { "a//b/", "a/b" },
        { "/already/clean", "/already/clean" },
    };

    (void) state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        char *s = scPathSanitize(cases[i][0]);
        assert_non_null(s);
        assert_string_equal(s, cases[i][1]);
        free(s);
    }
}

/* scPathIsFolded says exactly when scPathFold would change a path (a
 * lookup skips the copy then). */
static void
test_path_folded(void **state)
{
    static const char *const paths[] = {
        "/", "/a", "/a/b", "/dev/mapper/vg-lv", "/a/.hidden", "/a/..b", "/a/b.", "/a/b..",
        "//a", "/a//b", "/a/", "/a/./b", "/a/.", "/a/../b", "/a/..", "/.", "/..", "/./",
        "/a/b/", "/.a/..a/...", "/...",
    };

    (void) state;
    for (size_t i = 0; i < SC_N_ELEMENTS(paths); i++) {
        char *folded = scPathFold(paths[i]);
        bool same = strcmp(folded, paths[i]) == 0;
        if (scPathIsFolded(paths[i]) != same)
            fail_msg("'%s': scPathIsFolded says %d, scPathFold gives '%s'", paths[i],
                     scPathIsFolded(paths[i]), folded);
        free(folded);
    }
    assert_false(scPathIsFolded("relative/path"));
}

static void
test_uuid(void **state)
{
    unsigned char u[SC_UUID_BUFLEN], v[SC_UUID_BUFLEN];
    char buf[SC_UUID_STRING_BUFLEN];

    (void) state;
    assert_int_equal(scUUIDParse("70a7eb15-6c34-ee9c-bf57-69e8e5ff3fb2", u), 0);
    scUUIDFormat(u, buf);
    assert_string_equal(buf, "70a7eb15-6c34-ee9c-bf57-69e8e5ff3fb2");
    assert_int_equal(scUUIDParse("70A7EB156C34EE9CBF5769E8E5FF3FB2", v), 0);
    assert_memory_equal(u, v, SC_UUID_BUFLEN);
    assert_int_equal(scUUIDParse(" 70a7eb15-6c34-ee9c-bf57-69e8e5ff3fb2 ", v), 0);
    assert_int_equal(scUUIDParse("70a7eb15-6c34-ee9c-bf57-69e8e5ff3fb", v), -1);
    assert_int_equal(scUUIDParse("70a7eb15-6c34-ee9c-bf57-69e8e5ff3fb2x", v), -1);
    assert_int_equal(scUUIDParse("zz", v), -1);
    assert_int_equal(scUUIDParse("", v), -1);
    /* The catalog's form only: every other one scUUIDParse takes is refused. */
    assert_true(scUUIDParseCanonical("70a7eb15-6c34-ee9c-bf57-69e8e5ff3fb2", v));
    assert_memory_equal(u, v, SC_UUID_BUFLEN);
    assert_true(scUUIDParseCanonical("70A7EB15-6C34-EE9C-BF57-69E8E5FF3FB2", v));
    assert_memory_equal(u, v, SC_UUID_BUFLEN);
    assert_false(scUUIDParseCanonical("70a7eb156c34ee9cbf5769e8e5ff3fb2", v));
    assert_false(scUUIDParseCanonical(" 70a7eb15-6c34-ee9c-bf57-69e8e5ff3fb2", v));
    assert_false(scUUIDParseCanonical("70a7eb15-6c34-ee9c-bf57-69e8e5ff3fb2 ", v));
    assert_false(scUUIDParseCanonical("70a7eb15-6c34-ee9c-bf57-69e8e5ff3fbg", v));
    assert_false(scUUIDParseCanonical("70a7eb15-6c34-ee9c-bf57-69e8e5ff3f:2", v));
    assert_false(scUUIDParseCanonical("70a7eb15-6c34-ee9c-bf5769e8-e5ff3fb2", v));
    assert_false(scUUIDParseCanonical("", v));
    scUUIDGenerate(u);
    scUUIDGenerate(v);
    assert_memory_not_equal(u, v, SC_UUID_BUFLEN);
}

static int
uuid_cmp(const void *a, const void *b)
{
    return memcmp(a, b, SC_UUID_BUFLEN);
}

/* Generated UUIDs are RFC 9562 version 7 with the time of now, all
 * distinct (several batches), ordered by the millisecond they were made
 * in, and a forked child does not draw what its parent draws next. */
static void
test_uuid_generate(void **state)
{
    enum { N = 10000 };
    unsigned char (*u)[SC_UUID_BUFLEN] = calloc(N, SC_UUID_BUFLEN);
    unsigned char next[SC_UUID_BUFLEN], child[SC_UUID_BUFLEN];
    int fds[2], status;
    pid_t pid;

    (void) state;
    assert_non_null(u);
    time_t t0 = time(NULL);
    for (size_t i = 0; i < N; i++) {
        unsigned long long ms = 0;
        scUUIDGenerate(u[i]);
        assert_int_equal(u[i][6] >> 4, 7);
        assert_int_equal(u[i][8] >> 6, 2);
        for (int b = 0; b < 6; b++)
            ms = ms << 8 | u[i][b];
        assert_true(ms / 1000 >= (unsigned long long) t0 - 1 &&
                    ms / 1000 <= (unsigned long long) time(NULL) + 1);
        if (i > 0)
            assert_true(memcmp(u[i - 1], u[i], 6) <= 0);
    }
    qsort(u, N, SC_UUID_BUFLEN, uuid_cmp);
    for (size_t i = 1; i < N; i++)
        assert_memory_not_equal(u[i - 1], u[i], SC_UUID_BUFLEN);
    free(u);

    scUUIDGenerate(next); /* the batch is part used: a child copies the rest */
    assert_int_equal(pipe(fds), 0);
    if ((pid = fork()) == 0) {
        scUUIDGenerate(child);
        _exit(write(fds[1], child, sizeof(child)) == (ssize_t) sizeof(child) ? 0 : 1);
    }
    assert_true(pid > 0);
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    assert_int_equal(read(fds[0], child, sizeof(child)), (ssize_t) sizeof(child));
    close(fds[0]);
    close(fds[1]);
    scUUIDGenerate(next);
    assert_memory_not_equal(next, child, SC_UUID_BUFLEN);
}

static void
test_errors(void **state)
{
    unsigned long ver = 0;

    (void) state;
    scResetLastError();
    assert_null(scGetLastError());
    assert_string_equal(scGetLastErrorMessage(), "no error");
    scReportSystemError(SC_FROM_NONE, ENOENT, "cannot open '%s'", "x");
    assert_non_null(scGetLastError());
    assert_int_equal(scGetLastError()->code, SC_ERR_SYSTEM_ERROR);
    assert_int_equal(scGetLastError()->sys_errno, ENOENT);
    assert_string_equal(scGetLastError()->message, "cannot open 'x': No such file or directory");
    /* A successful public call clears the error. */
    assert_sc_ok(scGetVersion(&ver, NULL, NULL) == 0);
    assert_null(scGetLastError());
    assert_int_equal(ver, SC_VERSION_NUMBER);
    assert_sc_err(scGetVersion(NULL, NULL, NULL) == 0, SC_ERR_INVALID_ARG);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_names),
        cmocka_unit_test(test_path_sanitize),
        cmocka_unit_test(test_path_folded),
        cmocka_unit_test(test_uuid),
        cmocka_unit_test(test_uuid_generate),
        cmocka_unit_test(test_errors),
    };
    return cmocka_run_group_tests_name("util", tests, NULL, NULL);
}
