/*
 * testpoint.h: points in long operations where a test can kill the
 * process or hold it, to drive crashes and races deterministically (a
 * counter and a barrier, not sleeps).
 *
 * Not exported from the shared library: tests link the internal library
 * and set these; in production they cost a load and a compare.
 */
#ifndef SC_TESTPOINT_H
#define SC_TESTPOINT_H

/* When > 0, the Nth test point passed from now kills this process
 * (SIGKILL: no cleanup runs, as in a crash or an OOM kill), or sends it
 * scKillSignal if that is set (SIGINT: what a process that handles it,
 * as the CLI does, makes of an interrupt there). */
extern int scKillCountdown;
extern int scKillSignal;

/* When set, called at every test point with its name (a test's barrier:
 * it may block until another process has done its part). */
extern void (*scTestPointHook)(const char *where);

/* A point in an operation named @where ("vol-create:journaled", ...). */
void scTestPoint(const char *where);

#endif /* SC_TESTPOINT_H */
