/*
 * testpoint.c: kill and pause points for tests (see testpoint.h).
 */
#include <config.h>

#include <signal.h>

#include "testpoint.h"

int scKillCountdown;
int scKillSignal;
void (*scTestPointHook)(const char *where);

void
scTestPoint(const char *where)
{
    if (scTestPointHook)
        scTestPointHook(where);
    if (scKillCountdown > 0 && --scKillCountdown == 0)
        raise(scKillSignal ? scKillSignal : SIGKILL);
}
