/*
 * journal.c: the journaled operations this process runs now (see
 * journal.h), and the test of another process's.
 */
#include <config.h>

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include "journal.h"
#include "util/util.h"

/* A process runs a few operations at once (one per connection and
 * thread); past this many, every journal of this process counts as live. */
#define INFLIGHT_MAX 64

static pthread_mutex_t inflight_lock = PTHREAD_MUTEX_INITIALIZER;
static char inflight[INFLIGHT_MAX][SC_UUID_STRING_BUFLEN];
static int overflow; /* operations begun with no room to note them */

void
scJournalBegin(const char *uuid)
{
    pthread_mutex_lock(&inflight_lock);
    for (size_t i = 0; i < INFLIGHT_MAX; i++) {
        if (inflight[i][0] == '\0') {
            memcpy(inflight[i], uuid, SC_UUID_STRING_BUFLEN);
            pthread_mutex_unlock(&inflight_lock);
            return;
        }
    }
    overflow++;
    pthread_mutex_unlock(&inflight_lock);
}

void
scJournalEnd(const char *uuid)
{
    pthread_mutex_lock(&inflight_lock);
    for (size_t i = 0; i < INFLIGHT_MAX; i++) {
        if (strcmp(inflight[i], uuid) == 0) {
            inflight[i][0] = '\0';
            pthread_mutex_unlock(&inflight_lock);
            return;
        }
    }
    if (overflow > 0)
        overflow--;
    pthread_mutex_unlock(&inflight_lock);
}

bool
scJournalLive(long long pid, unsigned long long start, bool same_boot, const char *uuid)
{
    bool live;

    if (!same_boot || pid <= 0)
        return false;
    if (pid != (long long) getpid() || (start && start != scProcessStartTime(pid))) {
        if (kill((pid_t) pid, 0) < 0 && errno != EPERM)
            return false;
        /* The pid runs: the journal's process, or another one that got
         * its pid since (its start time tells). */
        return !start || start == scProcessStartTime(pid);
    }
    pthread_mutex_lock(&inflight_lock);
    live = overflow > 0;
    for (size_t i = 0; !live && i < INFLIGHT_MAX; i++)
        live = uuid && strcmp(inflight[i], uuid) == 0;
    pthread_mutex_unlock(&inflight_lock);
    return live;
}
