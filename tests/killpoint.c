/*
 * killpoint.c: linked into tests/storcat-kill, the storcat tool built on
 * the internal library, so that a shell test can stop the tool at a test
 * point (util/testpoint.h) as test_crash.c stops the library: before main
 * runs, STORCAT_TEST_KILL_AT=N makes the Nth test point send the process
 * STORCAT_TEST_KILL_SIGNAL (KILL, the default, INT or TERM). Nothing of
 * this is in the installed tool.
 */
#include <config.h>

#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "util/testpoint.h"

__attribute__((constructor)) static void
kill_point_setup(void)
{
    const char *at = getenv("STORCAT_TEST_KILL_AT");
    const char *sig = getenv("STORCAT_TEST_KILL_SIGNAL");

    if (!at || atoi(at) <= 0)
        return;
    scKillCountdown = atoi(at);
    if (sig && strcmp(sig, "INT") == 0)
        scKillSignal = SIGINT;
    else if (sig && strcmp(sig, "TERM") == 0)
        scKillSignal = SIGTERM;
    else
        scKillSignal = SIGKILL;
}
