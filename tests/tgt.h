/*
 * tgt.h: a real iSCSI target for the tests: a tgtd of the test's own
 * (Debian's tgt) on 127.0.0.1, a free port and a control port of its own
 * (so that tests run in parallel), targets with file-backed LUNs made and
 * changed with tgtadm (run with an argument vector, never a shell), and
 * stopped with SIGKILL by its pid (tgtd ignores SIGTERM here), also when
 * a test fails (an atexit handler).
 */
#ifndef SC_TEST_TGT_H
#define SC_TEST_TGT_H

#include <stdbool.h>
#include <sys/types.h>

typedef struct {
    pid_t pid;      /* tgtd, or 0 */
    int port;       /* the portal's TCP port */
    int control;    /* tgtd's control port (its socket in /var/run/tgtd) */
    char dir[4096]; /* where the LUNs' backing files are */
} Tgt;

/* NULL if the tests can run a target here, else why not (for SKIP). */
const char *tgtUnavailable(void);

/* Start a tgtd (LUN files under @dir). 0 or -1 (printed). */
int tgtStart(Tgt *t, const char *dir);
/* SIGKILL it (by pid) and remove its control socket. NULL-safe. */
void tgtStop(Tgt *t);
/* Freeze and thaw it (SIGSTOP/SIGCONT): a portal that does not answer. */
void tgtFreeze(Tgt *t, bool frozen);

/* tgtadm with these arguments (NULL-terminated) on @t's control port. 0 or -1. */
int tgtAdm(Tgt *t, ...) __attribute__((sentinel));

/* Target @tid named @iqn, open to every initiator. */
int tgtTarget(Tgt *t, int tid, const char *iqn);
/* LUN @lun of target @tid on a new file of @size bytes ("tTID-lLUN.img"),
 * filled with @byte. */
int tgtLunAdd(Tgt *t, int tid, int lun, unsigned long long size, int byte);
int tgtLunRemove(Tgt *t, int tid, int lun);
/* The path of LUN @lun's backing file (static buffer). */
const char *tgtLunFile(Tgt *t, int tid, int lun);
/* CHAP account @user/@password bound to target @tid. */
int tgtChap(Tgt *t, int tid, const char *user, const char *password);

/* A TCP port on 127.0.0.1 that nothing listens on now. */
int tgtFreePort(void);

#endif /* SC_TEST_TGT_H */
