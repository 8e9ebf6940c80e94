/*
 * testutil.h: what the cmocka test binaries share: assertions that print
 * storcat's last error, and a fresh temporary directory per test.
 */
#ifndef SC_TESTUTIL_H
#define SC_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "storcat/storcat.h"

/* Assert that a storcat call succeeded (non-negative int or non-NULL
 * pointer), printing the library's last error if not. */
#define assert_sc_ok(expr)                                                   \
    do {                                                                     \
        if (!((expr)))                                                       \
            fail_msg("%s failed: %s", #expr, scGetLastErrorMessage());       \
    } while (0)

/* Assert that a call failed (the expression is false: an int call's
 * "== 0" or a pointer call's NULL) with error code @want_. */
#define assert_sc_err(expr, want_)                                            \
    do {                                                                     \
        if ((expr))                                                          \
            fail_msg("%s succeeded; expected %s", #expr, #want_);             \
        const scError *e_ = scGetLastError();                                \
        if (!e_)                                                             \
            fail_msg("%s failed without setting an error", #expr);           \
        if (e_->code != (want_))                                              \
            fail_msg("%s: error code %d, expected %s (%d): %s", #expr,      \
                     e_->code, #want_, (int) (want_), e_->message);            \
    } while (0)

/* Make a fresh temporary directory for one test; removed by
 * testTmpDirRemove() when the test passed (kept, and printed, otherwise).
 * Returns a malloc'ed path. */
char *testTmpDirMake(const char *name);
void testTmpDirRemove(char *dir);

/* "@dir/@name", malloc'ed (asserts). */
char *testPath(const char *dir, const char *name);

/* The first column of the first row of @sql on the catalog file
 * @catalog, opened read-only beside the library's connection; -1 if no
 * row (asserts that it opens and prepares). */
int testSqlInt(const char *catalog, const char *sql);
/* As testSqlInt, on a read-write handle: for a statement that changes
 * the catalog behind the library's back (ages its rows, say). */
int testSqlWrite(const char *catalog, const char *sql);

/* Read a whole file into a new NUL-terminated string; NULL on error. */
char *testReadFile(const char *path);

/* Run argv (NULL-terminated) with stdin and stderr on /dev/null and
 * LVM_SUPPRESS_FD_WARNINGS=1 (lvm2 tools), stdout into *@out (caller
 * frees) if @out. The exit status, or -1. */
int testRunArgv(char **out, char *const *argv);
#define RUN(out, ...) testRunArgv(out, (char *const[]){ __VA_ARGS__, NULL })

/* The source tree and libvirt's compat vectors (NULL if absent). */
const char *testSrcDir(void);
const char *testCompatDir(void);

#endif /* SC_TESTUTIL_H */
