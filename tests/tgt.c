/*
 * tgt.c: a tgtd of the test's own (see tgt.h).
 */
#include <config.h>

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tgt.h"

#define TGTD   "/usr/sbin/tgtd"
#define TGTADM "/usr/sbin/tgtadm"

/* Every tgtd started, killed at exit whatever happens to the test. */
static pid_t started[16];
static int nstarted;

static void
kill_all(void)
{
    for (int i = 0; i < nstarted; i++)
        if (started[i] > 0) {
            kill(started[i], SIGKILL);
            waitpid(started[i], NULL, 0);
            started[i] = 0;
        }
}

const char *
tgtUnavailable(void)
{
    if (access(TGTD, X_OK) != 0 || access(TGTADM, X_OK) != 0)
        return "no tgtd/tgtadm (Debian package tgt)";
    if (geteuid() != 0)
        return "tgtd needs root (its control socket is in /var/run/tgtd)";
    return NULL;
}

int
tgtFreePort(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(a);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

    if (fd >= 0 && bind(fd, (struct sockaddr *) &a, sizeof(a)) == 0 &&
        getsockname(fd, (struct sockaddr *) &a, &len) == 0)
        port = ntohs(a.sin_port);
    if (fd >= 0)
        close(fd);
    return port;
}

/* Run @argv (no shell), output to /dev/null unless @quiet is false. */
static int
run(char *const *argv, bool quiet)
{
    pid_t pid = fork();
    int status;

    if (pid < 0)
        return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        dup2(null, 0);
        dup2(null, 1);
        if (quiet)
            dup2(null, 2);
        execv(argv[0], argv);
        _exit(127);
    }
    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

int
tgtAdm(Tgt *t, ...)
{
    char *argv[40], control[16];
    int n = 0, r;
    va_list ap;

    snprintf(control, sizeof(control), "%d", t->control);
    argv[n++] = (char *) TGTADM;
    argv[n++] = (char *) "-C";
    argv[n++] = control;
    argv[n++] = (char *) "--lld";
    argv[n++] = (char *) "iscsi";
    va_start(ap, t);
    while (n < 39 && (argv[n] = va_arg(ap, char *)))
        n++;
    va_end(ap);
    argv[n] = NULL;
    r = run(argv, false);
    if (r < 0) {
        fprintf(stderr, "# tgtadm failed:");
        for (int i = 5; i < n; i++)
            fprintf(stderr, " %s", argv[i]);
        fputc('\n', stderr);
    }
    return r;
}

static void
sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long) (ms % 1000) * 1000000 };
    nanosleep(&ts, NULL);
}

int
tgtStart(Tgt *t, const char *dir)
{
    char portal[64], control[16], sock[64];
    pid_t pid;

    memset(t, 0, sizeof(*t));
    snprintf(t->dir, sizeof(t->dir), "%s", dir);
    if ((t->port = tgtFreePort()) < 0)
        return -1;
    /* A control port whose socket nobody has. */
    srand((unsigned) (getpid() ^ time(NULL)));
    do {
        t->control = 20000 + rand() % 12000; /* tgtd takes at most 32767 */
        snprintf(sock, sizeof(sock), "/var/run/tgtd/socket.%d", t->control);
    } while (access(sock, F_OK) == 0);
    snprintf(portal, sizeof(portal), "portal=127.0.0.1:%d", t->port);
    snprintf(control, sizeof(control), "%d", t->control);
    if (!nstarted)
        atexit(kill_all);
    if ((pid = fork()) < 0)
        return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        char *argv[] = { (char *) TGTD,      (char *) "-f", (char *) "-C", control,
                         (char *) "--iscsi", portal,        NULL };
        dup2(null, 0);
        dup2(null, 1);
        dup2(null, 2);
        setpgid(0, 0);
        /* Dies with the test, however the test ends. */
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        execv(TGTD, argv);
        _exit(127);
    }
    t->pid = pid;
    if (nstarted < (int) (sizeof(started) / sizeof(started[0])))
        started[nstarted++] = pid;
    /* Ready once its control socket answers. */
    for (int i = 0; i < 100; i++) {
        char *argv[] = { (char *) TGTADM,   (char *) "-C",
                         control,           (char *) "--lld",
                         (char *) "iscsi",  (char *) "--mode",
                         (char *) "target", (char *) "--op",
                         (char *) "show",   NULL };
        if (run(argv, true) == 0)
            return 0;
        sleep_ms(50);
    }
    fprintf(stderr, "# tgtd on port %d did not come up\n", t->port);
    tgtStop(t);
    return -1;
}

void
tgtStop(Tgt *t)
{
    char sock[64];

    if (!t || t->pid <= 0)
        return;
    kill(t->pid, SIGCONT);
    kill(t->pid, SIGKILL);
    waitpid(t->pid, NULL, 0);
    for (int i = 0; i < nstarted; i++)
        if (started[i] == t->pid)
            started[i] = 0;
    t->pid = 0;
    snprintf(sock, sizeof(sock), "/var/run/tgtd/socket.%d", t->control);
    unlink(sock);
    snprintf(sock, sizeof(sock), "/var/run/tgtd/socket.%d.lock", t->control);
    unlink(sock);
}

void
tgtFreeze(Tgt *t, bool frozen)
{
    if (t->pid > 0)
        kill(t->pid, frozen ? SIGSTOP : SIGCONT);
}

int
tgtTarget(Tgt *t, int tid, const char *iqn)
{
    char id[16];

    snprintf(id, sizeof(id), "%d", tid);
    if (tgtAdm(t, "--mode", "target", "--op", "new", "--tid", id, "--targetname", iqn, NULL) < 0)
        return -1;
    return tgtAdm(t, "--mode", "target", "--op", "bind", "--tid", id, "--initiator-address", "ALL",
                  NULL);
}

const char *
tgtLunFile(Tgt *t, int tid, int lun)
{
    static char path[4200];

    snprintf(path, sizeof(path), "%s/t%d-l%d.img", t->dir, tid, lun);
    return path;
}

int
tgtLunAdd(Tgt *t, int tid, int lun, unsigned long long size, int byte)
{
    char id[16], l[16], *buf;
    const char *path = tgtLunFile(t, tid, lun);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

    if (fd < 0)
        return -1;
    if (byte) {
        buf = malloc(65536);
        memset(buf, byte, 65536);
        for (unsigned long long done = 0; done < size; done += 65536)
            if (write(fd, buf, size - done < 65536 ? size - done : 65536) < 0)
                break;
        free(buf);
    }
    if (ftruncate(fd, (off_t) size) < 0) {
        close(fd);
        return -1;
    }
    close(fd);
    snprintf(id, sizeof(id), "%d", tid);
    snprintf(l, sizeof(l), "%d", lun);
    return tgtAdm(t, "--mode", "logicalunit", "--op", "new", "--tid", id, "--lun", l,
                  "--backing-store", path, NULL);
}

int
tgtLunRemove(Tgt *t, int tid, int lun)
{
    char id[16], l[16];

    snprintf(id, sizeof(id), "%d", tid);
    snprintf(l, sizeof(l), "%d", lun);
    return tgtAdm(t, "--mode", "logicalunit", "--op", "delete", "--tid", id, "--lun", l, NULL);
}

int
tgtChap(Tgt *t, int tid, const char *user, const char *password)
{
    char id[16];

    snprintf(id, sizeof(id), "%d", tid);
    if (tgtAdm(t, "--mode", "account", "--op", "new", "--user", user, "--password", password,
               NULL) < 0)
        return -1;
    return tgtAdm(t, "--mode", "account", "--op", "bind", "--tid", id, "--user", user, NULL);
}
