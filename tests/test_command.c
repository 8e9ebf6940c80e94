/*
 * test_command.c: the command runner (backends/common/command.c), the one
 * way storcat runs external tools: exit status whatever this process does
 * with SIGCHLD, no descriptor or signal disposition leaked into the tool,
 * timeouts that kill what the tool started, no tool outliving its caller,
 * a clean environment, bounded output.
 *
 * Most cases run once per SIGCHLD disposition (default, SIG_IGN,
 * SA_NOCLDWAIT): the runner forks the tool directly in the first and
 * through an intermediate process in the others. Each test's teardown puts
 * the signal state and the environment back, so a failed case does not
 * leak into the next.
 */
#include <config.h>

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "backends/common/command.h"

#define MARKER "SC_TEST_COMMAND_MARKER" /* set here, must not reach a tool */

/* How this process treats SIGCHLD during a case. */
typedef enum {
    CHLD_DEFAULT,   /* SIG_DFL: the runner waits for the tool itself */
    CHLD_IGNORED,   /* SIG_IGN: the kernel reaps children */
    CHLD_NOCLDWAIT, /* SIG_DFL with SA_NOCLDWAIT: the same */
    CHLD_LAST
} ChldMode;

static const char *const chld_names[] = { "SIGCHLD default", "SIGCHLD ignored", "SA_NOCLDWAIT" };

static struct sigaction saved_chld, saved_pipe; /* as main() found them */
static sigset_t saved_mask;
static int opened[4] = { -1, -1, -1, -1 }; /* a case's own descriptors */
/* What 3 and 4 were while a case uses them: -2 untouched, -1 closed, else
 * a copy to put back. */
static int saved34[2] = { -2, -2 };

static void
set_chld(ChldMode mode)
{
    struct sigaction sa = { .sa_handler = mode == CHLD_IGNORED ? SIG_IGN : SIG_DFL };

    sigemptyset(&sa.sa_mask);
    sa.sa_flags = mode == CHLD_NOCLDWAIT ? SA_NOCLDWAIT : 0;
    assert_int_equal(sigaction(SIGCHLD, &sa, NULL), 0);
}

/* Teardown of every case: signals and environment as they were. */
static int
restore(void **state)
{
    (void) state;
    sigaction(SIGCHLD, &saved_chld, NULL);
    sigaction(SIGPIPE, &saved_pipe, NULL);
    sigprocmask(SIG_SETMASK, &saved_mask, NULL);
    unsetenv(MARKER);
    for (size_t i = 0; i < SC_N_ELEMENTS(opened); i++) {
        if (opened[i] >= 0)
            close(opened[i]);
        opened[i] = -1;
    }
    for (int i = 0; i < 2; i++) {
        if (saved34[i] == -2)
            continue;
        close(3 + i);
        if (saved34[i] >= 0) {
            dup2(saved34[i], 3 + i);
            close(saved34[i]);
        }
        saved34[i] = -2;
    }
    scResetLastError();
    return 0;
}

static double
now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void
sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };

    nanosleep(&ts, NULL);
}

/* The pid of a live process whose argv starts with @arg0 @arg1, or 0. */
static pid_t
find_process(const char *arg0, const char *arg1)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    pid_t found = 0;

    assert_non_null(d);
    while (!found && (e = readdir(d))) {
        char path[300], buf[512];
        ssize_t n;
        int fd;

        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof(path), "/proc/%s/cmdline", e->d_name);
        if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
            continue;
        n = read(fd, buf, sizeof(buf) - 1);
        close(fd);
        if (n <= 0) /* a zombie has no command line */
            continue;
        buf[n] = '\0';
        size_t len0 = strlen(buf);
        if (strcmp(buf, arg0) == 0 && (size_t) n > len0 + 1 && strcmp(buf + len0 + 1, arg1) == 0)
            found = (pid_t) atoi(e->d_name);
    }
    closedir(d);
    return found;
}

/* Waits up to @ms for the process @arg0 @arg1 to be gone; if it is not,
 * kills it (so that a failed case leaves nothing behind) and fails. */
static void
assert_process_gone(const char *arg0, const char *arg1, long ms)
{
    pid_t pid = 0;

    for (long waited = 0; waited <= ms; waited += 50) {
        if (!(pid = find_process(arg0, arg1)))
            return;
        sleep_ms(50);
    }
    kill(pid, SIGKILL);
    fail_msg("'%s %s' (pid %d) still runs after %ld ms", arg0, arg1, (int) pid, ms);
}

/* A sleep argument no other test run uses, to find the process by. */
static const char *
unique_sleep(int base)
{
    static char buf[32];

    snprintf(buf, sizeof(buf), "%d.%d", base, (int) getpid());
    return buf;
}

/* ---- exit status ----------------------------------------------------- */

static void
test_exit_status(void **state)
{
    static const char *const t[] = { "/bin/true", NULL };
    static const char *const f[] = { "/bin/false", NULL };

    (void) state;
    for (ChldMode mode = 0; mode < CHLD_LAST; mode++) {
        print_message("# %s\n", chld_names[mode]);
        set_chld(mode);
        assert_sc_ok(scCommandRun(t, NULL, 0, 10, NULL) == 0);
        assert_sc_err(scCommandRun(f, NULL, 0, 10, NULL) == 0, SC_ERR_OPERATION_FAILED);
        assert_non_null(strstr(scGetLastErrorMessage(), "'/bin/false' failed (exit status 1)"));
        /* The disposition is the caller's: left as it was. */
        struct sigaction now;
        sigaction(SIGCHLD, NULL, &now);
        assert_true(now.sa_handler == (mode == CHLD_IGNORED ? SIG_IGN : SIG_DFL));
        assert_int_equal(!!(now.sa_flags & SA_NOCLDWAIT), mode == CHLD_NOCLDWAIT);
    }
}

static void
reap_all(int sig)
{
    int saved = errno;

    (void) sig;
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
    errno = saved;
}

/* A SIGCHLD handler that reaps every child may take the status from
 * under the runner: then the run is an error, never a success. */
static void
test_status_stolen(void **state)
{
    static const char *const f[] = { "/bin/false", NULL };
    struct sigaction sa = { .sa_handler = reap_all };

    (void) state;
    sigemptyset(&sa.sa_mask);
    assert_int_equal(sigaction(SIGCHLD, &sa, NULL), 0);
    for (int i = 0; i < 20; i++) {
        assert_int_equal(scCommandRun(f, NULL, 0, 10, NULL), -1);
        assert_non_null(scGetLastError());
    }
}

static void
test_exec_failure(void **state)
{
    static const char *const argv[] = { "/nonexistent/storcat-tool", "x", NULL };

    (void) state;
    for (ChldMode mode = 0; mode < CHLD_LAST; mode++) {
        set_chld(mode);
        assert_sc_err(scCommandRun(argv, NULL, 0, 10, NULL) == 0, SC_ERR_OPERATION_FAILED);
        assert_string_equal(scGetLastError()->str2, "cannot execute '/nonexistent/storcat-tool'");
    }
}

/* ---- descriptors ----------------------------------------------------- */

/* Runs ls on the tool's own /proc/self/fd, handing @fds over; checks that
 * the tool has exactly 0 .. 2 + @nfds, plus the one ls reads the
 * directory with (the lowest free one, so 3 + @nfds). */
static void
check_fds(const int *fds, size_t nfds)
{
    static const char *const argv[] = { "/bin/ls", "/proc/self/fd", NULL };
    bool seen[3 + SC_COMMAND_MAX_FDS + 1] = { false };
    char *out = NULL, *line, *save = NULL;

    assert_sc_ok(scCommandRun(argv, fds, nfds, 10, &out) == 0);
    for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        int fd = atoi(line);
        if (fd < 0 || (size_t) fd > 3 + nfds)
            fail_msg("descriptor %d is open in the tool (handed %zu)", fd, nfds);
        seen[fd] = true;
    }
    for (size_t fd = 0; fd < 3 + nfds; fd++)
        if (!seen[fd])
            fail_msg("descriptor %zu is not open in the tool", fd);
    free(out);
}

/* Descriptors this process has open without close-on-exec, at 1500 and
 * near the soft limit, do not reach the tool. */
static void
test_fds_closed(void **state)
{
    struct rlimit rl;

    (void) state;
    assert_true((opened[0] = open("/dev/null", O_RDONLY)) >= 0);
    assert_int_equal(opened[1] = dup2(opened[0], 1500), 1500);
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur > 1501 &&
        rl.rlim_cur <= 1 << 20) {
        /* valgrind keeps a few descriptors for itself just under the
         * limit; take the highest one we may have. */
        for (int fd = (int) rl.rlim_cur - 1; fd > 1500 && opened[2] < 0; fd--)
            if (fcntl(fd, F_GETFD) < 0 && dup2(opened[0], fd) == fd)
                opened[2] = fd;
        print_message("# soft limit %llu, descriptor %d\n", (unsigned long long) rl.rlim_cur,
                      opened[2]);
    }
    for (ChldMode mode = 0; mode < CHLD_LAST; mode++) {
        set_chld(mode);
        check_fds(NULL, 0);
    }
}

/* Creates the file @name in @dir, its path in @path; returns it open on a
 * descriptor >= 100, out of the way of the ones a case puts on 3 and 4. */
static int
open_named(const char *dir, const char *name, char *path, size_t size)
{
    int fd, high;

    snprintf(path, size, "%s/%s", dir, name);
    fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    high = fcntl(fd, F_DUPFD_CLOEXEC, 100);
    close(fd);
    assert_true(high >= 100);
    return high;
}

/* Handed descriptors appear as 3, 4 in the order given, whatever their
 * numbers here, even when they sit on each other's targets. */
static void
test_fds_handed(void **state)
{
    static const char *const argv[] = { "/usr/bin/readlink", "/proc/self/fd/3", "/proc/self/fd/4",
                                        NULL };
    char *dir = testTmpDirMake("command"), pa[4096], pb[4096], want[8200];
    char *out = NULL;
    int fds[2];

    (void) state;
    assert_non_null(dir);
    int a = opened[0] = open_named(dir, "a", pa, sizeof(pa));
    int b = opened[1] = open_named(dir, "b", pb, sizeof(pb));
    /* b on 3 and a on 4 here (the teardown puts back what was there), so
     * that in the second run each sits on the other's target. */
    saved34[0] = fcntl(3, F_DUPFD_CLOEXEC, 10);
    saved34[1] = fcntl(4, F_DUPFD_CLOEXEC, 10);
    assert_int_equal(dup2(b, 3), 3);
    assert_int_equal(dup2(a, 4), 4);
    for (ChldMode mode = 0; mode < CHLD_LAST; mode++) {
        set_chld(mode);
        fds[0] = b;
        fds[1] = a;
        check_fds(fds, 2);
        assert_sc_ok(scCommandRun(argv, fds, 2, 10, &out) == 0);
        snprintf(want, sizeof(want), "%s\n%s\n", pb, pa);
        assert_string_equal(out, want);
        free(out);

        fds[0] = 4;
        fds[1] = 3;
        assert_sc_ok(scCommandRun(argv, fds, 2, 10, &out) == 0);
        snprintf(want, sizeof(want), "%s\n%s\n", pa, pb);
        assert_string_equal(out, want);
        free(out);
    }
    testTmpDirRemove(dir);
}

/* ---- signals --------------------------------------------------------- */

/* The hex mask on the "@field:" line of /proc/<tool>/status in @status. */
static const char *
status_mask(const char *status, const char *field, char *buf, size_t size)
{
    char key[32];
    const char *p;

    snprintf(key, sizeof(key), "\n%s:\t", field);
    assert_non_null(p = strstr(status, key));
    p += strlen(key);
    snprintf(buf, size, "%.*s", (int) strcspn(p, "\n"), p);
    return buf;
}

/* Ignored SIGPIPE and SIGCHLD here, and SIGUSR1 blocked, reach the tool as
 * defaults, unblocked. */
static void
test_signals_reset(void **state)
{
    static const char *const argv[] = { "/bin/cat", "/proc/self/status", NULL };
    char *out = NULL, buf[64];
    sigset_t usr1;

    (void) state;
    signal(SIGPIPE, SIG_IGN);
    sigemptyset(&usr1);
    sigaddset(&usr1, SIGUSR1);
    sigprocmask(SIG_BLOCK, &usr1, NULL);
    for (ChldMode mode = 0; mode < CHLD_LAST; mode++) {
        print_message("# %s\n", chld_names[mode]);
        set_chld(mode);
        assert_sc_ok(scCommandRun(argv, NULL, 0, 10, &out) == 0);
        assert_string_equal(status_mask(out, "SigIgn", buf, sizeof(buf)), "0000000000000000");
        assert_string_equal(status_mask(out, "SigBlk", buf, sizeof(buf)), "0000000000000000");
        free(out);
    }
}

/* ---- time limit and the tool's life ---------------------------------- */

/* A tool past its time is killed, with what it started, within about a
 * second of the limit, and the message says so. */
static void
test_timeout(void **state)
{
    static const char *const sleep30[] = { "/bin/sleep", "30", NULL };
    char script[128];
    const char *const sh[] = { "/bin/sh", "-c", script, NULL };
    const char *arg = unique_sleep(30);
    /* Killed at 1 s, well before the 30 s sleep: 2.5 s to be back, 10
     * under valgrind (SC_TEST_WRAPPER), where fork and reap are slow. */
    const char *wrapper = getenv("SC_TEST_WRAPPER");
    double start, limit = wrapper && *wrapper ? 10.0 : 2.5;

    (void) state;
    snprintf(script, sizeof(script), "/bin/sleep %s; echo not reached", arg);
    for (ChldMode mode = 0; mode < CHLD_LAST; mode++) {
        print_message("# %s\n", chld_names[mode]);
        set_chld(mode);
        start = now_s();
        assert_sc_err(scCommandRun(sleep30, NULL, 0, 1, NULL) == 0, SC_ERR_OPERATION_FAILED);
        assert_true(now_s() - start < limit);
        assert_string_equal(scGetLastError()->str2,
                            "'/bin/sleep' did not finish within 1 s and was killed");

        /* The shell's own child goes with it: the whole group is killed. */
        start = now_s();
        assert_sc_err(scCommandRun(sh, NULL, 0, 1, NULL) == 0, SC_ERR_OPERATION_FAILED);
        assert_true(now_s() - start < limit);
        assert_non_null(strstr(scGetLastErrorMessage(), "within 1 s"));
        assert_process_gone("/bin/sleep", arg, 2000);
    }
}

/* A process running a tool is SIGKILLed: the tool dies with it. */
static void
test_parent_death(void **state)
{
    const char *arg = unique_sleep(31);
    const char *const argv[] = { "/bin/sleep", arg, NULL };

    (void) state;
    for (ChldMode mode = 0; mode < CHLD_LAST; mode++) {
        pid_t runner, tool = 0;
        int status;

        print_message("# %s\n", chld_names[mode]);
        if ((runner = fork()) == 0) {
            set_chld(mode);
            scCommandRun(argv, NULL, 0, 60, NULL);
            _exit(0);
        }
        assert_true(runner > 0);
        /* Slow under valgrind: the runner is emulated. */
        for (int waited = 0; waited < 10000 && !(tool = find_process("/bin/sleep", arg));
             waited += 20)
            sleep_ms(20);
        kill(runner, SIGKILL);
        assert_int_equal(waitpid(runner, &status, 0), runner);
        if (!tool)
            fail_msg("the runner did not start '/bin/sleep %s'", arg);
        assert_process_gone("/bin/sleep", arg, 2000);
    }
}

/* ---- what the tool prints -------------------------------------------- */

/* What a failing tool says on stderr is in the message and, on request,
 * handed to the caller whole; on success too. */
static void
test_stderr(void **state)
{
    static const char *const boom[] = { "/bin/sh", "-c", "echo boom >&2; echo bang >&2; exit 3",
                                        NULL };
    static const char *const warn[] = { "/bin/sh", "-c", "echo warn >&2", NULL };
    static const char *const killed[] = { "/bin/sh", "-c", "kill -TERM $$", NULL };
    static const char *const quiet[] = { "/bin/true", NULL };
    char *err = (char *) "untouched";
    scCommand cmd = { .argv = boom, .timeout_s = 10, .err = &err };

    (void) state;
    for (ChldMode mode = 0; mode < CHLD_LAST; mode++) {
        set_chld(mode);
        assert_sc_err(scCommandRun(boom, NULL, 0, 10, NULL) == 0, SC_ERR_OPERATION_FAILED);
        assert_string_equal(scGetLastError()->str2,
                            "'/bin/sh -c' failed (exit status 3): boom bang");

        cmd.argv = boom;
        assert_sc_err(scCommandRunFull(&cmd) == 0, SC_ERR_OPERATION_FAILED);
        assert_non_null(err);
        assert_string_equal(err, "boom\nbang\n");
        free(err);

        cmd.argv = warn;
        assert_sc_ok(scCommandRunFull(&cmd) == 0);
        assert_non_null(err);
        assert_string_equal(err, "warn\n");
        free(err);

        cmd.argv = quiet;
        assert_sc_ok(scCommandRunFull(&cmd) == 0);
        assert_non_null(err);
        assert_string_equal(err, "");
        free(err);

        assert_sc_err(scCommandRun(killed, NULL, 0, 10, NULL) == 0, SC_ERR_OPERATION_FAILED);
        assert_string_equal(scGetLastError()->str2, "'/bin/sh -c' failed (signal 15): no message");
    }
}

/* The tool sees the clean environment and the extra entries, not ours. */
static void
test_environment(void **state)
{
    static const char *const argv[] = { "/usr/bin/env", NULL };
    static const char *const extra[] = { "SC_TEST_EXTRA=yes", NULL };
    static const char *const lc[] = { "LC_ALL=C.UTF-8", NULL };
    char *out = NULL;
    scCommand cmd = { .argv = argv, .timeout_s = 10, .out = &out };

    (void) state;
    setenv(MARKER, "leaked", 1);
    for (ChldMode mode = 0; mode < CHLD_LAST; mode++) {
        set_chld(mode);
        assert_sc_ok(scCommandRunFull(&cmd) == 0);
        assert_string_equal(out, "PATH=/usr/sbin:/usr/bin:/sbin:/bin\nLC_ALL=C\n");
        free(out);

        cmd.env = extra;
        assert_sc_ok(scCommandRunFull(&cmd) == 0);
        assert_string_equal(out, "PATH=/usr/sbin:/usr/bin:/sbin:/bin\nLC_ALL=C\n"
                                 "SC_TEST_EXTRA=yes\n");
        free(out);

        cmd.env = lc;
        assert_sc_ok(scCommandRunFull(&cmd) == 0);
        assert_string_equal(out, "PATH=/usr/sbin:/usr/bin:/sbin:/bin\nLC_ALL=C.UTF-8\n");
        free(out);
        cmd.env = NULL;
    }
}

/* stdout is the caller's on success; past SC_COMMAND_CAPTURE_MAX it is cut,
 * and a tool writing more (on either stream) does not block. */
static void
test_stdout(void **state)
{
    static const char *const hello[] = { "/bin/sh", "-c", "printf hello; printf ' world'", NULL };
    static const char *const none[] = { "/bin/true", NULL };
    static const char *const big[] = { "/bin/sh", "-c", "yes | head -c 200000", NULL };
    static const char *const big_err[] = { "/bin/sh", "-c", "yes | head -c 200000 >&2; exit 2",
                                           NULL };
    static const char *const f[] = { "/bin/false", NULL };
    char *out = NULL, *sentinel = (char *) "untouched";

    (void) state;
    for (ChldMode mode = 0; mode < CHLD_LAST; mode++) {
        set_chld(mode);
        assert_sc_ok(scCommandRun(hello, NULL, 0, 10, &out) == 0);
        assert_string_equal(out, "hello world");
        free(out);

        assert_sc_ok(scCommandRun(none, NULL, 0, 10, &out) == 0);
        assert_string_equal(out, "");
        free(out);

        assert_sc_ok(scCommandRun(big, NULL, 0, 10, &out) == 0);
        assert_int_equal(strlen(out), SC_COMMAND_CAPTURE_MAX);
        for (size_t i = 0; i < SC_COMMAND_CAPTURE_MAX; i++)
            if (out[i] != (i % 2 ? '\n' : 'y'))
                fail_msg("byte %zu of the output is 0x%02x", i, (unsigned char) out[i]);
        free(out);

        assert_sc_err(scCommandRun(big_err, NULL, 0, 10, NULL) == 0, SC_ERR_OPERATION_FAILED);
        assert_non_null(strstr(scGetLastErrorMessage(), "failed (exit status 2): y y y"));

        out = sentinel;
        assert_sc_err(scCommandRun(f, NULL, 0, 10, &out) == 0, SC_ERR_OPERATION_FAILED);
        assert_ptr_equal(out, sentinel);
    }
}

/* A caller that needs a long report raises out_max: it gets all of it,
 * and a report longer still fills out_max exactly. */
static void
test_stdout_max(void **state)
{
    static const char *const big[] = { "/bin/sh", "-c", "yes | head -c 1000000", NULL };
    char *out = NULL;
    scCommand cmd = { .argv = big, .timeout_s = 10, .out = &out, .out_max = 4 << 20 };

    (void) state;
    assert_sc_ok(scCommandRunFull(&cmd) == 0);
    assert_int_equal(strlen(out), 1000000);
    for (size_t i = 0; i < 1000000; i++)
        if (out[i] != (i % 2 ? '\n' : 'y'))
            fail_msg("byte %zu of the output is 0x%02x", i, (unsigned char) out[i]);
    free(out);

    cmd.out_max = 100001;
    assert_sc_ok(scCommandRunFull(&cmd) == 0);
    assert_int_equal(strlen(out), 100001);
    free(out);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_exit_status, restore),
        cmocka_unit_test_teardown(test_status_stolen, restore),
        cmocka_unit_test_teardown(test_exec_failure, restore),
        cmocka_unit_test_teardown(test_fds_closed, restore),
        cmocka_unit_test_teardown(test_fds_handed, restore),
        cmocka_unit_test_teardown(test_signals_reset, restore),
        cmocka_unit_test_teardown(test_timeout, restore),
        cmocka_unit_test_teardown(test_parent_death, restore),
        cmocka_unit_test_teardown(test_stderr, restore),
        cmocka_unit_test_teardown(test_environment, restore),
        cmocka_unit_test_teardown(test_stdout, restore),
        cmocka_unit_test_teardown(test_stdout_max, restore),
    };

    sigaction(SIGCHLD, NULL, &saved_chld);
    sigaction(SIGPIPE, NULL, &saved_pipe);
    sigprocmask(SIG_SETMASK, NULL, &saved_mask);
    return cmocka_run_group_tests_name("command", tests, NULL, NULL);
}
