/*
 * journal.h: which journaled operations are in progress.
 *
 * Every change to storage is journaled in the catalog first (a volume row
 * 'creating' or 'deleting', a volume's or a pool's `op`, each with the pid
 * and boot of the process that runs it): no other process starts a
 * conflicting change meanwhile, and a journal whose process is gone (a
 * crash, a SIGKILL) is settled by the next call that meets it. This
 * module tells a live journal from a stale one.
 */
#ifndef SC_JOURNAL_H
#define SC_JOURNAL_H

#include "util/internal.h"

/* This process runs the operation journaled on object @uuid (a pool's or
 * a volume's) from now until scJournalEnd. */
void scJournalBegin(const char *uuid);
void scJournalEnd(const char *uuid);

/*
 * scJournalLive:
 * Whether the operation journaled on @uuid by process @pid, started at
 * @start (clock ticks after boot; 0: not recorded), in this boot if
 * @same_boot, is still in progress: that process still runs (a pid given
 * to another process since is not it). For this process's own journals
 * only the operations running now count (scJournalBegin): a journal that a
 * failed catalog write left behind is not live.
 */
bool scJournalLive(long long pid, unsigned long long start, bool same_boot, const char *uuid);

#endif /* SC_JOURNAL_H */
