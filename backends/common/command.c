/*
 * command.c: running external tools (qemu-img today; lvm2 and iscsiadm as
 * their backends land) safely: no shell, clean environment, timeout, and
 * what the tool said on stderr in our error message.
 *
 * The shape, and why:
 *
 *  - Learning the exit status. A process that ignores SIGCHLD (SIG_IGN, or
 *    SA_NOCLDWAIT) has its children reaped by the kernel: waitpid() then
 *    fails with ECHILD and the status is lost. A library must not change
 *    that process-wide disposition (it is the caller's, and other threads
 *    rely on it), so in that case the command is started by an intermediate
 *    child, the monitor, which sets SIGCHLD back to SIG_DFL for itself
 *    alone, forks the command, waits for it and sends its pid and then its
 *    status over a socket. Otherwise the command is forked directly. Either
 *    way a status that cannot be learnt is an error, never a success.
 *
 *  - Killing it. The command leads its own process group and a timeout
 *    kills the group, so what it started goes too. The group is killed by
 *    this process in both cases: the monitor keeps the exited command
 *    unreaped (waitid WNOWAIT) until we close our end of the socket, so
 *    the pid, and the group named by it, cannot be reused under our kill.
 *
 *  - Outliving us. The command (and the monitor) get PR_SET_PDEATHSIG
 *    SIGKILL, then check that the parent saved before fork is still their
 *    parent, since it may have died before the call.
 *
 *  - What leaks into it. Descriptors: everything but 0, 1, 2 and the ones
 *    handed over is closed (close_range, or a walk of /proc/self/fd).
 *    Signals: every disposition back to default and none blocked (exec
 *    keeps an ignored SIGPIPE, and lvm2 must not inherit one). All signals
 *    are blocked in the forking thread around fork(), so that none of the
 *    caller's handlers runs in the child before that reset.
 *
 * After fork() only async-signal-safe calls are made (another thread may
 * have held malloc's lock): everything the child needs is prepared before.
 */
#include <config.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "command.h"
#include "util/testpoint.h"

#define CAPTURE_MAX SC_COMMAND_CAPTURE_MAX

/* Output read from the command; buf is NULL to read and drop it. */
typedef struct {
    char *buf;  /* cap bytes, NUL-terminated at len */
    size_t len; /* bytes kept, at most max */
    size_t cap; /* bytes allocated (grown as output comes, up to max + 1) */
    size_t max; /* most bytes kept; the rest is read and dropped */
    bool oom;   /* growing buf failed: the output is incomplete */
} Capture;

/* What the child needs to become the command, prepared before fork. */
typedef struct {
    const char *const *argv;         /* argv[0] is the program */
    char *const *envp;               /* its whole environment */
    int src[3 + SC_COMMAND_MAX_FDS]; /* the descriptor that becomes i */
    int nsrc;                        /* 3 + number of handed descriptors */
    pid_t parent;                    /* the process that forks the command */
} Child;

/* What the monitor sends: first the command's pid (or why it could not
 * fork: err), then its status (or why it is unknown: err). */
typedef struct {
    pid_t pid;    /* the command, -1 if not started */
    int err;      /* errno of the monitor's failed step, or 0 */
    int signaled; /* code is a signal number, not an exit status */
    int code;     /* exit status or signal */
} MonitorMsg;

/* A started command. */
typedef struct {
    pid_t pid;     /* the command, leader of its own process group; -1 if none */
    int sock;      /* our end of the monitor's socket; -1 if forked directly */
    bool done;     /* status known or beyond reach: never kill pid again */
    bool signaled; /* code is a signal number */
    int code;      /* exit status or signal */
} Proc;

/* ---- in the child: async-signal-safe only --------------------------- */

static bool
fd_kept(int fd, const int *keep, size_t nkeep)
{
    for (size_t i = 0; i < nkeep; i++)
        if (keep[i] == fd)
            return true;
    return false;
}

/* "123" -> 123; -1 for anything else (".", ".."). */
static int
parse_fd(const char *s)
{
    int fd = 0;

    if (!*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || fd > (INT_MAX - 9) / 10)
            return -1;
        fd = fd * 10 + (*s - '0');
    }
    return fd;
}

/*
 * Closes every descriptor >= @first except the @nkeep in @keep (sorted,
 * each >= @first). close_range() where the kernel has it (5.9) and lets us;
 * else the entries of /proc/self/fd, read with getdents64 (opendir would
 * allocate); else every number up to the descriptor limit.
 */
static void
close_fds(int first, const int *keep, size_t nkeep)
{
    unsigned int lo = (unsigned int) first;
    char buf[4096] __attribute__((aligned(8)));
    struct rlimit rl;
    bool ranged = true;
    ssize_t n = -1;
    int dfd, max;

    for (size_t i = 0; i < nkeep && ranged; i++) {
        unsigned int k = (unsigned int) keep[i];
        if (k > lo)
            ranged = close_range(lo, k - 1, 0) == 0;
        if (k >= lo)
            lo = k + 1;
    }
    if (ranged && close_range(lo, ~0U, 0) == 0)
        return;

    if ((dfd = open("/proc/self/fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) >= 0) {
        /* Closing while reading is fine: the offset is the descriptor number. */
        while ((n = getdents64(dfd, buf, sizeof(buf))) > 0) {
            for (ssize_t off = 0; off < n;) {
                const struct dirent64 *d = (const struct dirent64 *) (buf + off);
                int fd = parse_fd(d->d_name);
                off += d->d_reclen;
                if (fd >= first && fd != dfd && !fd_kept(fd, keep, nkeep))
                    close(fd);
            }
        }
        close(dfd);
        if (n == 0)
            return;
    }

    max = 1 << 20; /* the kernel's default nr_open */
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_max != RLIM_INFINITY &&
        rl.rlim_max < (rlim_t) max)
        max = (int) rl.rlim_max;
    for (int fd = first; fd < max; fd++)
        if (!fd_kept(fd, keep, nkeep))
            close(fd);
}

/*
 * Sets @sig to SIG_DFL. glibc refuses its internal signals (32 and 33, for
 * thread cancellation and set*id), and its posix_spawn leaves them ignored
 * in the spawned process (GNU make runs recipes so); exec keeps SIG_IGN, and
 * a threaded tool with an ignored SIGSETXID hangs in setuid(). So those go
 * to the kernel directly, with an all-zero kernel sigaction: SIG_DFL, no
 * flags, empty mask, whatever the architecture's field order. Failing for
 * SIGKILL and SIGSTOP is harmless.
 */
static void
default_signal(int sig, const struct sigaction *dfl)
{
    unsigned long ksa[8] = { 0 };

    if (sigaction(sig, dfl, NULL) < 0)
        syscall(SYS_rt_sigaction, sig, ksa, NULL, (size_t) (_NSIG / 8));
}

/*
 * Becomes the command: own process group, death with the parent, default
 * signals, descriptors 0.. from @c->src and no others, then exec. Exits
 * with 127 if any step fails.
 */
static _Noreturn void
child_exec(const Child *c)
{
    struct sigaction dfl = { .sa_handler = SIG_DFL };
    int moved[3 + SC_COMMAND_MAX_FDS];
    sigset_t none;

    /* The parent does it too: whichever runs first makes the group. */
    setpgid(0, 0);
    /* SIGKILL when the parent dies; if it already has, we were reparented
     * and the signal will never come. */
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != c->parent)
        _exit(127);
    for (int sig = 1; sig < NSIG; sig++)
        default_signal(sig, &dfl);

    /* Move every source above the targets first (a source may sit on
     * another's target), then into place: dup2 clears close-on-exec. */
    for (int i = 0; i < c->nsrc; i++)
        if ((moved[i] = fcntl(c->src[i], F_DUPFD_CLOEXEC, c->nsrc)) < 0)
            _exit(127);
    for (int i = 0; i < c->nsrc; i++)
        if (dup2(moved[i], i) < 0)
            _exit(127);
    close_fds(c->nsrc, NULL, 0);

    sigemptyset(&none);
    if (sigprocmask(SIG_SETMASK, &none, NULL) < 0)
        _exit(127);
    execve(c->argv[0], (char *const *) c->argv, c->envp);
    _exit(127);
}

static int
send_msg(int sock, const MonitorMsg *m)
{
    ssize_t n;

    while ((n = send(sock, m, sizeof(*m), MSG_NOSIGNAL)) < 0 && errno == EINTR)
        ;
    return n == (ssize_t) sizeof(*m) ? 0 : -1;
}

/*
 * The monitor, used when this process ignores SIGCHLD: with SIGCHLD at
 * SIG_DFL here, the command becomes our zombie and its status can be
 * read. Sends the command's pid, then its status, on @sock; then keeps the
 * command unreaped until the parent closes its end (see the top).
 */
static _Noreturn void
monitor_run(Child *c, int sock)
{
    struct sigaction dfl = { .sa_handler = SIG_DFL }; /* and no SA_NOCLDWAIT */
    int keep[4 + SC_COMMAND_MAX_FDS];
    MonitorMsg m = { .pid = -1 };
    size_t nkeep = 0;
    siginfo_t si;
    char byte;

    if (prctl(PR_SET_PDEATHSIG, SIGKILL) < 0 || getppid() != c->parent)
        _exit(127);
    /* Hold nothing but what the command needs: another thread's pipes
     * held open here would hide their end from it while this one runs. */
    for (int i = 0; i <= c->nsrc; i++) {
        int fd = i < c->nsrc ? c->src[i] : sock;
        size_t j;
        if (fd < 3)
            continue; /* close_fds leaves 0, 1, 2 alone */
        for (j = nkeep++; j > 0 && keep[j - 1] > fd; j--)
            keep[j] = keep[j - 1];
        keep[j] = fd;
    }
    close_fds(3, keep, nkeep);

    if (sigaction(SIGCHLD, &dfl, NULL) < 0) {
        m.err = errno;
        goto report;
    }
    c->parent = getpid();
    if ((m.pid = fork()) == 0)
        child_exec(c);
    if (m.pid < 0) {
        m.err = errno;
        goto report;
    }
    setpgid(m.pid, m.pid);
    /* Our copies of its stdout and stderr would keep them open. */
    for (int i = 0; i < c->nsrc; i++)
        close(c->src[i]);
    if (send_msg(sock, &m) < 0) {
        kill(-m.pid, SIGKILL);
        kill(m.pid, SIGKILL);
    }
    while (waitid(P_PID, (id_t) m.pid, &si, WEXITED | WNOWAIT) < 0) {
        if (errno != EINTR) {
            m.err = errno;
            break;
        }
    }
    if (!m.err) {
        m.signaled = si.si_code != CLD_EXITED;
        m.code = si.si_status;
    }

report:
    send_msg(sock, &m);
    while (read(sock, &byte, 1) < 0 && errno == EINTR)
        ;
    if (m.pid > 0)
        while (waitpid(m.pid, NULL, 0) < 0 && errno == EINTR)
            ;
    _exit(0);
}

/* ---- in this process ------------------------------------------------ */

/* Whether the kernel reaps this process's children itself. */
static bool
sigchld_autoreaps(void)
{
    struct sigaction sa;

    if (sigaction(SIGCHLD, NULL, &sa) < 0)
        return true; /* cannot tell: the monitor works either way */
    return sa.sa_handler == SIG_IGN || (sa.sa_flags & SA_NOCLDWAIT);
}

/* Milliseconds left before @deadline, 0 once past it; -1 (poll's "no
 * limit") without one. */
static int
ms_left(const struct timespec *deadline)
{
    struct timespec now;
    long long ms;

    if (!deadline)
        return -1;
    clock_gettime(CLOCK_MONOTONIC, &now);
    ms = (long long) (deadline->tv_sec - now.tv_sec) * 1000 +
         (deadline->tv_nsec - now.tv_nsec) / 1000000;
    return ms <= 0 ? 0 : ms > INT_MAX ? INT_MAX : (int) ms;
}

/* Reads one message; -1 on end of file (the monitor died) or error. */
static int
recv_msg(int sock, MonitorMsg *m)
{
    size_t got = 0;

    while (got < sizeof(*m)) {
        ssize_t n = read(sock, (char *) m + got, sizeof(*m) - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        got += (size_t) n;
    }
    return 0;
}

/*
 * Forks the command, through the monitor if @via_monitor, with every
 * signal blocked in this thread meanwhile (the child resets them all
 * before unblocking). Returns 0 with @p running, or -1 (reported).
 */
static int
proc_start(Proc *p, Child *c, bool via_monitor)
{
    int sv[2] = { -1, -1 };
    sigset_t all, old;
    MonitorMsg m;
    pid_t pid;
    int err;

    if (via_monitor && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot run '%s'", c->argv[0]);
        return -1;
    }
    c->parent = getpid();
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    if ((pid = fork()) == 0) {
        if (via_monitor)
            monitor_run(c, sv[1]);
        child_exec(c);
    }
    err = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (pid < 0) {
        scReportSystemError(SC_FROM_STORAGE, err, "cannot run '%s'", c->argv[0]);
        goto error;
    }
    if (!via_monitor) {
        setpgid(pid, pid); /* the child does too: whichever runs first */
        p->pid = pid;
        return 0;
    }

    /* The monitor sends the pid (or why not) as soon as it has forked. The
     * monitor itself is reaped by the kernel: this process ignores SIGCHLD. */
    close(sv[1]);
    sv[1] = -1;
    p->sock = sv[0];
    if (recv_msg(p->sock, &m) < 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "cannot run '%s': its monitor process ended", c->argv[0]);
        return -1;
    }
    if (m.err) {
        scReportSystemError(SC_FROM_STORAGE, m.err, "cannot run '%s'", c->argv[0]);
        return -1;
    }
    p->pid = m.pid;
    return 0;

error:
    if (sv[0] >= 0)
        close(sv[0]);
    if (sv[1] >= 0)
        close(sv[1]);
    return -1;
}

/* Kills the command's process group (and the command, in case the group
 * was not made yet), unless it is reaped or out of our hands. */
static void
proc_kill(Proc *p)
{
    if (p->done || p->pid <= 0)
        return;
    kill(-p->pid, SIGKILL);
    kill(p->pid, SIGKILL);
}

/*
 * Waits until the command has exited, or @deadline (none if NULL) has
 * passed. Returns 0 with its status in @p, 1 at the deadline, or -1
 * (reported: the status cannot be known).
 */
static int
proc_wait(Proc *p, const char *prog, const struct timespec *deadline)
{
    int delay_ms = 1, status, left;
    MonitorMsg m;
    pid_t r;

    if (p->sock >= 0) {
        struct pollfd pfd = { p->sock, POLLIN, 0 };
        while ((r = poll(&pfd, 1, ms_left(deadline))) <= 0) {
            if (r == 0)
                return 1;
            if (errno != EINTR) {
                scReportSystemError(SC_FROM_STORAGE, errno, "cannot wait for '%s'", prog);
                return -1;
            }
        }
        p->done = true; /* what comes, status or not, is the last word */
        if (recv_msg(p->sock, &m) < 0) {
            scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                          "cannot get the exit status of '%s': its monitor process ended", prog);
            return -1;
        }
        if (m.err) {
            scReportSystemError(SC_FROM_STORAGE, m.err, "cannot get the exit status of '%s'", prog);
            return -1;
        }
        p->signaled = m.signaled;
        p->code = m.code;
        return 0;
    }

    /* Forked directly: poll waitpid, backing off up to 50 ms. */
    for (;;) {
        r = waitpid(p->pid, &status, deadline ? WNOHANG : 0);
        if (r == p->pid) {
            p->done = true;
            p->signaled = !WIFEXITED(status);
            p->code = WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status);
            return 0;
        }
        if (r < 0 && errno != EINTR) {
            /* ECHILD: reaped by someone else (a SIGCHLD handler, or SIGCHLD
             * ignored since we looked); its pid is no longer ours. */
            p->done = true;
            scReportSystemError(SC_FROM_STORAGE, errno, "cannot get the exit status of '%s'", prog);
            return -1;
        }
        if (r == 0) {
            if ((left = ms_left(deadline)) == 0)
                return 1;
            struct timespec ts = { 0, (long) (delay_ms < left ? delay_ms : left) * 1000000 };
            nanosleep(&ts, NULL);
            delay_ms = delay_ms < 25 ? delay_ms * 2 : 50;
        }
    }
}

/* Ends what proc_start began, on success or failure: a command still
 * running is killed and reaped; the monitor is told to go. The monitor is
 * not waited for: the kernel reaps it, this process ignoring SIGCHLD (were
 * that changed meanwhile, waiting for its pid could wait for another
 * thread's child that took the pid since). */
static void
proc_release(Proc *p)
{
    if (p->pid > 0 && !p->done) {
        proc_kill(p);
        if (p->sock < 0) {
            while (waitpid(p->pid, NULL, 0) < 0 && errno == EINTR)
                ;
        }
    }
    if (p->sock >= 0)
        close(p->sock); /* the monitor reaps the command and exits */
    p->sock = -1;
    p->pid = -1;
}

/* A capture of at most @max bytes: a small buffer, grown as output comes.
 * 0 or -1 (OOM reported). */
static int
capture_init(Capture *c, size_t max)
{
    c->max = max;
    c->cap = max < 4096 ? max + 1 : 4096;
    c->len = 0;
    c->oom = false;
    return (c->buf = scAlloc(c->cap)) ? 0 : -1;
}

/* Reads what is there into @c (dropping what is over its max); false at
 * end of file or on a read error. */
static bool
capture_read(int fd, Capture *c)
{
    char buf[16384];
    ssize_t n = read(fd, buf, sizeof(buf));

    if (n < 0)
        return errno == EINTR || errno == EAGAIN;
    if (n == 0)
        return false;
    if (c->buf && c->len < c->max && !c->oom) {
        size_t take = (size_t) n < c->max - c->len ? (size_t) n : c->max - c->len;
        if (c->len + take + 1 > c->cap) {
            size_t cap = c->cap;
            char *grown;
            while (cap < c->len + take + 1)
                cap = cap > (c->max + 1) / 2 ? c->max + 1 : cap * 2;
            if (!(grown = realloc(c->buf, cap))) {
                c->oom = true;
                return true;
            }
            c->buf = grown;
            c->cap = cap;
        }
        memcpy(c->buf + c->len, buf, take);
        c->len += take;
        c->buf[c->len] = '\0';
    }
    return true;
}

/* Reads stdout and stderr until both close (0) or @deadline passes (1);
 * -1 if poll fails (reported). */
static int
pump(const char *prog, int out_r, int err_r, Capture *out, Capture *err,
     const struct timespec *deadline)
{
    struct pollfd p[2] = { { out_r, POLLIN, 0 }, { err_r, POLLIN, 0 } };

    while (p[0].fd >= 0 || p[1].fd >= 0) {
        /* Checked before poll too: a tool that never stops writing would
         * keep poll from ever timing out. */
        int left = ms_left(deadline), r;
        if (left == 0 || (r = poll(p, 2, left)) == 0)
            return 1;
        if (r < 0 && errno != EINTR) {
            scReportSystemError(SC_FROM_STORAGE, errno, "cannot read the output of '%s'", prog);
            return -1;
        }
        for (int i = 0; r > 0 && i < 2; i++)
            if (p[i].revents && !capture_read(p[i].fd, i ? err : out))
                p[i].fd = -1; /* poll skips it */
    }
    return 0;
}

/* @s made one line: line breaks become spaces, trailing blanks go. */
static void
one_line(char *s)
{
    size_t len = strlen(s);

    for (char *p = s; *p; p++)
        if (*p == '\n' || *p == '\r')
            *p = ' ';
    while (len > 0 && (s[len - 1] == ' ' || s[len - 1] == '\t'))
        s[--len] = '\0';
}

/* The command's environment: the clean defaults, less those that an entry
 * of @extra replaces, then @extra. The strings are borrowed. NULL on OOM. */
static char **
make_env(const char *const *extra)
{
    static const char *const defaults[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL=C" };
    size_t n = 0, k = 0;
    char **envp;

    while (extra && extra[n])
        n++;
    if (!(envp = scAlloc((SC_N_ELEMENTS(defaults) + n + 1) * sizeof(*envp))))
        return NULL;
    for (size_t i = 0; i < SC_N_ELEMENTS(defaults); i++) {
        size_t name_len = (size_t) (strchr(defaults[i], '=') - defaults[i]) + 1;
        bool replaced = false;
        for (size_t j = 0; j < n && !replaced; j++)
            replaced = strncmp(extra[j], defaults[i], name_len) == 0;
        if (!replaced)
            envp[k++] = (char *) defaults[i];
    }
    for (size_t j = 0; j < n; j++) {
        assert(extra[j][0] != '=' && strchr(extra[j], '='));
        envp[k++] = (char *) extra[j];
    }
    return envp;
}

/* Reports how the command ended: 0 for exit status 0, else -1. */
static int
report_status(const char *const *argv, const Proc *p, bool timed_out, int timeout_s, char *err_text)
{
    if (err_text)
        one_line(err_text);
    if (timed_out) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED,
                      "'%s' did not finish within %d s and was killed", argv[0], timeout_s);
        return -1;
    }
    if (!p->signaled && p->code == 127 && (!err_text || !*err_text)) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED, "cannot execute '%s'", argv[0]);
        return -1;
    }
    if (p->signaled || p->code != 0) {
        scReportError(SC_FROM_STORAGE, SC_ERR_OPERATION_FAILED, "'%s%s%s' failed (%s %d): %s",
                      argv[0], argv[1] ? " " : "", argv[1] ? argv[1] : "",
                      p->signaled ? "signal" : "exit status", p->code,
                      err_text && *err_text ? err_text : "no message");
        return -1;
    }
    return 0;
}

int
scCommandRunFull(const scCommand *cmd)
{
    int out_pipe[2] = { -1, -1 }, err_pipe[2] = { -1, -1 }, devnull = -1, r, ret = -1;
    Capture cout = { 0 }, cerr = { 0 };
    Proc proc = { .pid = -1, .sock = -1 };
    _cleanup_free_ char **envp = NULL;
    struct timespec deadline;
    bool timed_out = false;
    const char *prog;
    Child child;

    assert(cmd->argv && cmd->argv[0] && cmd->argv[0][0] == '/');
    assert(cmd->nfds <= SC_COMMAND_MAX_FDS && (cmd->fds || !cmd->nfds) && cmd->timeout_s > 0);
    prog = cmd->argv[0];
    if (cmd->err)
        *cmd->err = NULL;
    if (!(envp = make_env(cmd->env)) || capture_init(&cerr, CAPTURE_MAX) < 0 ||
        (cmd->out && capture_init(&cout, cmd->out_max ? cmd->out_max : CAPTURE_MAX) < 0))
        goto cleanup;
    if ((devnull = open("/dev/null", O_RDONLY | O_CLOEXEC)) < 0 || pipe2(out_pipe, O_CLOEXEC) < 0 ||
        pipe2(err_pipe, O_CLOEXEC) < 0) {
        scReportSystemError(SC_FROM_STORAGE, errno, "cannot run '%s'", prog);
        goto cleanup;
    }

    child = (Child){ .argv = cmd->argv, .envp = envp, .nsrc = 3 + (int) cmd->nfds };
    child.src[0] = devnull;
    child.src[1] = out_pipe[1];
    child.src[2] = err_pipe[1];
    for (size_t i = 0; i < cmd->nfds; i++)
        child.src[3 + i] = cmd->fds[i];
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += cmd->timeout_s;
    if (proc_start(&proc, &child, sigchld_autoreaps()) < 0)
        goto cleanup;
    scTestPoint("command:running");
    close(out_pipe[1]);
    close(err_pipe[1]);
    out_pipe[1] = err_pipe[1] = -1;

    /* Output first (a full pipe would block it), then the exit; both
     * within the one deadline. */
    if ((r = pump(prog, out_pipe[0], err_pipe[0], &cout, &cerr, &deadline)) == 0)
        r = proc_wait(&proc, prog, &deadline);
    if (r == 1) {
        timed_out = true;
        proc_kill(&proc);
        r = proc_wait(&proc, prog, NULL);
    }
    if (r < 0)
        goto cleanup;
    if (cout.oom || cerr.oom) {
        scReportOOM();
        goto cleanup;
    }

    if (cmd->err && !(*cmd->err = scStrdup(cerr.buf)))
        goto cleanup;
    if (report_status(cmd->argv, &proc, timed_out, cmd->timeout_s, cerr.buf) < 0)
        goto cleanup;
    if (cmd->out) {
        char *shrunk = realloc(cout.buf, cout.len + 1);
        *cmd->out = shrunk ? shrunk : cout.buf;
        cout.buf = NULL;
    }
    ret = 0;

cleanup:
    proc_release(&proc);
    for (int i = 0; i < 2; i++) {
        if (out_pipe[i] >= 0)
            close(out_pipe[i]);
        if (err_pipe[i] >= 0)
            close(err_pipe[i]);
    }
    if (devnull >= 0)
        close(devnull);
    free(cout.buf);
    free(cerr.buf);
    return ret;
}

int
scCommandRun(const char *const *argv, const int *fds, size_t nfds, int timeout_s, char **out)
{
    const scCommand cmd = {
        .argv = argv, .fds = fds, .nfds = nfds, .timeout_s = timeout_s, .out = out
    };

    return scCommandRunFull(&cmd);
}
