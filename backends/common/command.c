/*
 * command.c: running external tools (qemu-img today; lvm2 and iscsiadm as
 * their backends land) safely: no shell, clean environment, timeout, and
 * what the tool said on stderr in our error message.
 */
#include <config.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "command.h"

#define CAPTURE_MAX (64 * 1024) /* bytes kept from each of stdout and stderr */

typedef struct {
    char *buf;
    size_t len;
} Capture;

/* In the child: set up descriptors and exec. Only async-signal-safe calls. */
static void
child_exec(const char *const *argv, const int *fds, size_t nfds, int out_w, int err_w)
{
    static char *const env[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C", NULL };
    int devnull = open("/dev/null", O_RDONLY);

    if (devnull < 0 || dup2(devnull, 0) < 0 || dup2(out_w, 1) < 0 || dup2(err_w, 2) < 0)
        _exit(127);
    /* Move the handed-over descriptors out of the way first, then to 3.. */
    int high[16];
    for (size_t i = 0; i < nfds && i < 16; i++)
        if ((high[i] = fcntl(fds[i], F_DUPFD, 100)) < 0)
            _exit(127);
    for (size_t i = 0; i < nfds && i < 16; i++)
        if (dup2(high[i], (int) (3 + i)) < 0)
            _exit(127);
    /* Close everything else. */
    for (int fd = (int) (3 + nfds); fd < 1024; fd++)
        close(fd);
    execve(argv[0], (char *const *) argv, env);
    _exit(127);
}

static void
capture_read(int fd, Capture *c, bool *open_)
{
    char buf[4096];
    ssize_t n = read(fd, buf, sizeof(buf));

    if (n <= 0) {
        if (n == 0 || (errno != EINTR && errno != EAGAIN))
            *open_ = false;
        return;
    }
    if (c->len < CAPTURE_MAX) {
        size_t take = (size_t) n;
        if (take > CAPTURE_MAX - c->len)
            take = CAPTURE_MAX - c->len;
        char *p = realloc(c->buf, c->len + take + 1);
        if (!p)
            return;
        c->buf = p;
        memcpy(c->buf + c->len, buf, take);
        c->len += take;
        c->buf[c->len] = '\0';
    }
}

/* Read both pipes until they close or the deadline passes; 0 or -1 (timeout). */
static int
pump(int out_r, int err_r, Capture *out, Capture *err, int timeout_s)
{
    struct timespec start, now;
    bool out_open = true, err_open = true;

    clock_gettime(CLOCK_MONOTONIC, &start);
    while (out_open || err_open) {
        struct pollfd p[2] = { { out_open ? out_r : -1, POLLIN, 0 },
                               { err_open ? err_r : -1, POLLIN, 0 } };
        clock_gettime(CLOCK_MONOTONIC, &now);
        long elapsed = (now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000;
        long left = (long) timeout_s * 1000 - elapsed;
        if (left <= 0)
            return -1;
        int r = poll(p, 2, (int) (left > 1000 ? 1000 : left));
        if (r < 0 && errno != EINTR)
            return -1;
        if (r > 0 && p[0].revents)
            capture_read(out_r, out, &out_open);
        if (r > 0 && p[1].revents)
            capture_read(err_r, err, &err_open);
    }
    return 0;
}

/* The first line of @s, without its newline, for a one-line message. */
static void
one_line(char *s)
{
    for (char *p = s; *p; p++)
        if (*p == '\n' || *p == '\r') {
            /* Keep going if the rest is only blank. */
            *p = p[1] ? ' ' : '\0';
        }
}

int
scCommandRun(const char *const *argv, const int *fds, size_t nfds, int timeout_s, char **out)
{
    int out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 };
    Capture cout = { 0 }, cerr = { 0 };
    int status = 0, ret = -1;
    bool timed_out;
    pid_t pid;

    assert(argv && argv[0] && argv[0][0] == '/' && nfds <= 16);
    if (pipe2(out_pipe, O_CLOEXEC) < 0 || pipe2(err_pipe, O_CLOEXEC) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot run '%s'", argv[0]);
        goto cleanup;
    }
    if ((pid = fork()) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot run '%s'", argv[0]);
        goto cleanup;
    }
    if (pid == 0)
        child_exec(argv, fds, nfds, out_pipe[1], err_pipe[1]);
    close(out_pipe[1]);
    close(err_pipe[1]);
    out_pipe[1] = err_pipe[1] = -1;

    timed_out = pump(out_pipe[0], err_pipe[0], &cout, &cerr, timeout_s) < 0;
    if (timed_out)
        kill(pid, SIGKILL);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (cerr.buf)
        one_line(cerr.buf);
    if (timed_out) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "'%s' did not finish within %d s and was killed", argv[0], timeout_s);
    } else if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && !cerr.buf) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED, "cannot execute '%s'", argv[0]);
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED, "'%s %s' failed (%s %d): %s",
                      argv[0], argv[1] ? argv[1] : "",
                      WIFEXITED(status) ? "exit status" : "signal",
                      WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
                      cerr.buf ? cerr.buf : "no message");
    } else {
        if (out) {
            *out = cout.buf ? cout.buf : scStrdup("");
            cout.buf = NULL;
            if (!*out)
                goto cleanup;
        }
        ret = 0;
    }

cleanup:
    for (int i = 0; i < 2; i++) {
        if (out_pipe[i] >= 0)
            close(out_pipe[i]);
        if (err_pipe[i] >= 0)
            close(err_pipe[i]);
    }
    free(cout.buf);
    free(cerr.buf);
    return ret;
}
